from django.contrib import admin
from django.urls import include, path

from . import views

portal_patterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path("projects/<uuid:public_id>/edit/", views.project_edit, name="project_edit"),
    path("projects/<uuid:project_id>/activities/new/", views.activity_create, name="activity_create"),
    path("activities/<uuid:public_id>/", views.activity_detail, name="activity_detail"),
    path("activities/<uuid:public_id>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<uuid:public_id>/participants/", views.participant_add, name="participant_add"),
    path("participations/<uuid:public_id>/status/", views.participation_status, name="participation_status"),
    path("account/reminders/", views.reminder_settings, name="reminder_settings"),
    path("staff/mail/", views.sent_mail, name="sent_mail"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("contributors/", include("contributors.urls")),
    path("payments/", include("payments.urls")),
    path("feedback/", include("feedback.urls")),
    path("impact/", include("impact.urls")),
    path("messages/", include("messaging.urls")),
    # The admin's own password form would sign people in without allauth's second factor.
    path("admin/login/", views.admin_login),
    path("coproduction/", include("coproduction.urls")),
    path("admin/", admin.site.urls),
]
