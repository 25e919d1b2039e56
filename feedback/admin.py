from django.contrib import admin

from .models import ActivityFeedback, FeedbackItem, FeedbackOwed


class FeedbackItemInline(admin.TabularInline):
    model = FeedbackItem
    extra = 0


@admin.register(ActivityFeedback)
class ActivityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["activity", "written_by", "sent_at"]
    inlines = [FeedbackItemInline]


@admin.register(FeedbackOwed)
class FeedbackOwedAdmin(admin.ModelAdmin):
    list_display = ["participation", "owner", "due_on", "status", "given_at", "usefulness"]
    list_filter = ["status"]
    raw_id_fields = ["participation", "owner", "feedback"]
