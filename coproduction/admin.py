from django.contrib import admin

from .models import CheckRecord, Course, Decision, GroundRules, LearningRecord, RoleRequirement


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "provider", "format", "length", "is_active")
    list_filter = ("format", "is_active")
    search_fields = ("title", "provider")


@admin.register(GroundRules)
class GroundRulesAdmin(admin.ModelAdmin):
    list_display = ("project", "version", "written_by", "created_at")
    readonly_fields = ("project", "version", "text", "written_by", "created_at")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "decided_on", "method", "views_changed_it")
    list_filter = ("method", "views_changed_it")


@admin.register(LearningRecord)
class LearningRecordAdmin(admin.ModelAdmin):
    list_display = ("person", "course", "completed_on", "source")


@admin.register(CheckRecord)
class CheckRecordAdmin(admin.ModelAdmin):
    list_display = ("person", "check_kind", "checked_on", "expires_on")
    list_filter = ("check_kind",)


admin.site.register(RoleRequirement)
