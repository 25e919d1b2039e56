"""Back-office repair only: claims change through payments.services, so their workflow fields
are read-only here."""

from django.contrib import admin

from .models import Claim, ClaimEvent, ExpenseRate, PaymentBatch, RateCard, RateCardRow


class RateCardRowInline(admin.TabularInline):
    model = RateCardRow
    extra = 0


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "retired_on", "is_illustrative")
    inlines = [RateCardRowInline]


@admin.register(ExpenseRate)
class ExpenseRateAdmin(admin.ModelAdmin):
    list_display = ("code", "description", "amount", "effective_from")


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("public_id", "contributor", "project", "work_on", "status", "total")
    list_filter = ("status", "project")
    search_fields = ("contributor__name", "public_id")
    readonly_fields = (
        "status",
        "fee_total",
        "expense_total",
        "total",
        "submitted_at",
        "first_submitted_at",
        "decided_at",
        "decided_by",
        "second_approved_at",
        "second_approved_by",
        "batch",
        "paid_on",
        "payment_reference",
    )
    inlines = [ClaimEventInline]


@admin.register(PaymentBatch)
class PaymentBatchAdmin(admin.ModelAdmin):
    list_display = ("reference", "paid_on", "created_by")
