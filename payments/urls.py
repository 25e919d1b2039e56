from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/start/", views.claim_start, name="claim_start"),
    path("claims/enter/", views.claim_enter, name="claim_enter"),
    path("claims/queue/", views.claim_queue, name="claim_queue"),
    path("claims/queue/approve/", views.claim_bulk_approve, name="claim_bulk_approve"),
    path("claims/<uuid:public_id>/", views.claim_detail, name="claim_detail"),
    path("claims/<uuid:public_id>/choices/", views.claim_choices, name="claim_choices"),
    path("claims/<uuid:public_id>/fees/", views.claim_fee_add, name="claim_fee_add"),
    path(
        "claims/<uuid:public_id>/fees/<int:line_id>/remove/", views.claim_fee_remove, name="claim_fee_remove"
    ),
    path("claims/<uuid:public_id>/expenses/", views.claim_expense_add, name="claim_expense_add"),
    path(
        "claims/<uuid:public_id>/expenses/<uuid:line_id>/remove/",
        views.claim_expense_remove,
        name="claim_expense_remove",
    ),
    path("claims/<uuid:public_id>/check/", views.claim_check, name="claim_check"),
    path("claims/<uuid:public_id>/adjust/", views.claim_adjust, name="claim_adjust"),
    path("claims/<uuid:public_id>/submit/", views.claim_submit, name="claim_submit"),
    path("claims/<uuid:public_id>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("claims/<uuid:public_id>/decide/", views.claim_decide, name="claim_decide"),
    path("receipts/<uuid:line_id>/", views.receipt, name="receipt"),
    path("paying/", views.payment_list, name="payment_list"),
    path("paying/mark-paid/", views.claims_pay, name="claims_pay"),
    path("paying/<uuid:public_id>/export.csv", views.batch_export, name="batch_export"),
    path("rate-cards/", views.ratecard_list, name="ratecard_list"),
    path("rate-cards/new/", views.ratecard_create, name="ratecard_create"),
    path("rate-cards/<uuid:public_id>/", views.ratecard_detail, name="ratecard_detail"),
    path("rate-cards/<uuid:public_id>/uplift/", views.ratecard_uplift, name="ratecard_uplift"),
    path("rate-cards/<uuid:public_id>/retire/", views.ratecard_retire, name="ratecard_retire"),
    path("benefit-limits/", views.benefitrule_list, name="benefitrule_list"),
    path("benefit-limits/new/", views.benefitrule_create, name="benefitrule_create"),
    path("letter/jobcentre.pdf", views.jobcentre_letter, name="jobcentre_letter"),
    path("letter/<uuid:person_id>/jobcentre.pdf", views.jobcentre_letter_for, name="jobcentre_letter_for"),
    path("statement/", views.statement, name="statement"),
    path("statement/<int:year>.pdf", views.statement_pdf, name="statement_pdf"),
    path("statements/<uuid:person_id>/<int:year>.pdf", views.statement_for, name="statement_for"),
]
