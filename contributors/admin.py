"""Back-office repair only. Equality answers, their snapshots and bank details are left out
on purpose: nobody reads them one by one, not even in the admin."""

from django.contrib import admin

from .models import (
    ContactTask,
    Contributor,
    ErasureRequest,
    ExpressionOfInterest,
    Opportunity,
    RoleAssignment,
)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ("user", "contact_method", "status", "payment_method", "in_directory", "erased_at")
    list_filter = ("status", "contact_method", "payment_method", "in_directory")
    search_fields = ("user__name", "user__email", "postcode")
    raw_id_fields = ("user", "registered_by")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("contributor", "project", "role_type", "starts_on", "ends_on")
    list_filter = ("role_type", "project")
    raw_id_fields = ("contributor", "created_by")


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "status", "closes_on", "places")
    list_filter = ("status", "mode", "time_commitment")
    raw_id_fields = ("created_by", "approved_by")


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    list_display = ("contributor", "opportunity", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("contributor", "entered_by")


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "created_at", "decided_by", "decided_at")
    readonly_fields = ("user", "status", "decided_by", "decided_at")


@admin.register(ContactTask)
class ContactTaskAdmin(admin.ModelAdmin):
    list_display = ("contributor", "channel", "subject", "created_at", "done_at")
    list_filter = ("channel",)
    raw_id_fields = ("contributor", "done_by")
