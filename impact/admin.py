from django.contrib import admin

from .models import Certificate, CubeCheckIn, ImpactEntry, ReportRequest


@admin.register(ImpactEntry)
class ImpactEntryAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "stage", "significance", "status", "occurred_on")
    list_filter = ("status", "stage", "significance")
    search_fields = ("title",)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("code", "contributor", "project", "issued_at")
    search_fields = ("code",)


@admin.register(ReportRequest)
class ReportRequestAdmin(admin.ModelAdmin):
    list_display = ("kind", "project", "requested_by", "status", "created_at")


admin.site.register(CubeCheckIn)
