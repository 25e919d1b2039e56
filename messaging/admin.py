from django.contrib import admin

from .models import Delivery, Message


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ("recipient", "channel", "status", "attempts", "error", "sent_at", "read_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "sender", "project", "audience", "created_at")
    readonly_fields = ("sender", "project", "activity", "audience", "subject", "body", "created_at")
    inlines = [DeliveryInline]
