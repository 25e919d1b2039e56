from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="partner_list"),
    path("new/", views.partner_create, name="partner_create"),
    path("<uuid:public_id>/", views.partner_detail, name="partner_detail"),
    path("<uuid:public_id>/edit/", views.partner_edit, name="partner_edit"),
    path("<uuid:public_id>/contacts/new/", views.contact_add, name="contact_add"),
    path("contacts/<uuid:public_id>/remove/", views.contact_remove, name="contact_remove"),
    path("<uuid:public_id>/links/new/", views.link_add, name="link_add"),
    path("links/<uuid:public_id>/remove/", views.link_remove, name="link_remove"),
    path("<uuid:public_id>/invoices/new/", views.invoice_add, name="invoice_add"),
    path("<uuid:public_id>/feedback/new/", views.feedback_add, name="feedback_add"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/<uuid:public_id>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<uuid:public_id>/decide/", views.invoice_decide, name="invoice_decide"),
    path("invoices/<uuid:public_id>/correct/", views.invoice_correct, name="invoice_correct"),
    path("paying/", views.paying, name="paying"),
    path("runs/<uuid:public_id>/export/", views.run_export, name="run_export"),
    path("reach/", views.reach, name="reach"),
    path("introduced-by/", views.introduction, name="introduction"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_start, name="assessment_start"),
    path("assessments/<uuid:public_id>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<uuid:public_id>/standards/<int:order>/", views.answer_edit, name="answer_edit"),
    path("assessments/<uuid:public_id>/refresh/", views.assessment_refresh, name="assessment_refresh"),
    path("assessments/<uuid:public_id>/complete/", views.assessment_complete, name="assessment_complete"),
    path("assessments/<uuid:public_id>/assessment.pdf", views.assessment_pdf, name="assessment_pdf"),
    path("assessments/<uuid:public_id>/assessment.csv", views.assessment_csv, name="assessment_csv"),
]
