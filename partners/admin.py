from django.contrib import admin

from .models import Framework, Standard


class StandardInline(admin.TabularInline):
    model = Standard
    extra = 1


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Where an organisation adds its own framework (a race equality self-assessment, say)."""

    list_display = ["name", "slug", "is_active"]
    inlines = [StandardInline]
