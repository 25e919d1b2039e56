from django.urls import path

from .views import approvals, benefit_limits, claims, jobcentre_letter, paying, rate_cards, statements

app_name = "payments"

urlpatterns = [
    path("claims/", claims.claim_list, name="claim_list"),
    path("claims/start/", claims.claim_start, name="claim_start"),
    path("claims/enter/", claims.claim_enter, name="claim_enter"),
    path("claims/queue/", approvals.claim_queue, name="claim_queue"),
    path("claims/queue/approve/", approvals.claim_bulk_approve, name="claim_bulk_approve"),
    path("claims/<uuid:public_id>/", claims.claim_detail, name="claim_detail"),
    path("claims/<uuid:public_id>/choices/", claims.claim_choices, name="claim_choices"),
    path("claims/<uuid:public_id>/fees/", claims.claim_fee_add, name="claim_fee_add"),
    path(
        "claims/<uuid:public_id>/fees/<int:line_id>/remove/", claims.claim_fee_remove, name="claim_fee_remove"
    ),
    path("claims/<uuid:public_id>/expenses/", claims.claim_expense_add, name="claim_expense_add"),
    path(
        "claims/<uuid:public_id>/expenses/<uuid:line_id>/remove/",
        claims.claim_expense_remove,
        name="claim_expense_remove",
    ),
    path("claims/<uuid:public_id>/check/", claims.claim_check, name="claim_check"),
    path("claims/<uuid:public_id>/adjust/", claims.claim_adjust, name="claim_adjust"),
    path("claims/<uuid:public_id>/submit/", claims.claim_submit, name="claim_submit"),
    path("claims/<uuid:public_id>/withdraw/", claims.claim_withdraw, name="claim_withdraw"),
    path("claims/<uuid:public_id>/decide/", claims.claim_decide, name="claim_decide"),
    path("receipts/<uuid:line_id>/", claims.receipt, name="receipt"),
    path("paying/", paying.payment_list, name="payment_list"),
    path("paying/mark-paid/", paying.claims_pay, name="claims_pay"),
    path("paying/runs/", paying.batch_list, name="batch_list"),
    path("paying/<uuid:public_id>/export.csv", paying.batch_export, name="batch_export"),
    path("rate-cards/", rate_cards.ratecard_list, name="ratecard_list"),
    path("rate-cards/new/", rate_cards.ratecard_create, name="ratecard_create"),
    path("rate-cards/<uuid:public_id>/", rate_cards.ratecard_detail, name="ratecard_detail"),
    path("rate-cards/<uuid:public_id>/uplift/", rate_cards.ratecard_uplift, name="ratecard_uplift"),
    path("rate-cards/<uuid:public_id>/retire/", rate_cards.ratecard_retire, name="ratecard_retire"),
    path("benefit-limits/", benefit_limits.benefitrule_list, name="benefitrule_list"),
    path("benefit-limits/new/", benefit_limits.benefitrule_create, name="benefitrule_create"),
    path("letter/jobcentre.pdf", jobcentre_letter.jobcentre_letter, name="jobcentre_letter"),
    path(
        "letter/<uuid:person_id>/jobcentre.pdf",
        jobcentre_letter.jobcentre_letter_for,
        name="jobcentre_letter_for",
    ),
    path("statement/", statements.statement, name="statement"),
    path("statement/<int:year>.pdf", statements.statement_pdf, name="statement_pdf"),
    path("statements/<uuid:person_id>/<int:year>.pdf", statements.statement_for, name="statement_for"),
]
