from django.urls import path

from . import views

app_name = "impact"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<uuid:public_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<uuid:public_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<uuid:public_id>/evidence/", views.entry_evidence, name="entry_evidence"),
    path("entries/<uuid:public_id>/publish/", views.entry_publish, name="entry_publish"),
    path("entries/<uuid:public_id>/reflection/", views.entry_reflect, name="entry_reflect"),
    path("entries/<uuid:public_id>/consent/", views.entry_consent, name="entry_consent"),
    path("projects/<uuid:public_id>/cube/", views.cube_results, name="cube_results"),
    path("projects/<uuid:public_id>/cube/check-in/", views.cube_checkin, name="cube_checkin"),
    path("projects/<uuid:public_id>/certificates/", views.project_certificates, name="project_certificates"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<uuid:public_id>/", views.certificate_download, name="certificate_download"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:public_id>/<str:fmt>/", views.report_download, name="report_download"),
    # Public: no sign-in.
    path("what-changed/", views.public_changes, name="public_changes"),
    path("what-changed/<uuid:public_id>/", views.public_project_changes, name="public_project_changes"),
    path("verify/", views.verify, name="verify"),
]
