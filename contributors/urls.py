from django.urls import path

from . import views

app_name = "contributors"

urlpatterns = [
    # The contributor's own pages
    path("profile/complete/", views.profile_complete, name="profile_complete"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/payment/", views.payment_edit, name="payment_edit"),
    path("profile/bank-details/", views.bank_details, name="bank_details"),
    path("equality-monitoring/", views.equality_form, name="equality"),
    path("equality-monitoring/withdraw/", views.equality_withdraw, name="equality_withdraw"),
    path("benefits/", views.benefit_form, name="benefit"),
    path("benefits/withdraw/", views.benefit_withdraw, name="benefit_withdraw"),
    path("roles/", views.my_roles, name="my_roles"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download.json", views.my_data_json, name="my_data_json"),
    path("my-data/erase/", views.erasure_request, name="erasure_request"),
    # Opportunities
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/<uuid:public_id>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<uuid:public_id>/interest/", views.interest_express, name="interest_express"),
    path("opportunities/<uuid:public_id>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<uuid:public_id>/approve/", views.opportunity_approve, name="opportunity_approve"),
    path("opportunities/<uuid:public_id>/close/", views.opportunity_close, name="opportunity_close"),
    path(
        "opportunities/<uuid:public_id>/interested/",
        views.opportunity_interests,
        name="opportunity_interests",
    ),
    path("interests/<uuid:public_id>/withdraw/", views.interest_withdraw, name="interest_withdraw"),
    path(
        "projects/<uuid:project_id>/opportunities/new/", views.opportunity_create, name="opportunity_create"
    ),
    # Roles
    path("projects/<uuid:project_id>/roles/new/", views.role_create, name="role_create"),
    path("roles/<uuid:public_id>/edit/", views.role_edit, name="role_edit"),
    path("roles/<uuid:public_id>/end/", views.role_end, name="role_end"),
    path("roles/<uuid:public_id>/accept/", views.role_accept, name="role_accept"),
    path("role-register/", views.role_register, name="role_register"),
    path("role-register.csv", views.role_register_csv, name="role_register_csv"),
    # People: the directory, offline contributors, letters and calls
    path("people/", views.directory, name="directory"),
    path("people/new/", views.offline_register, name="offline_register"),
    path("people/<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:public_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:public_id>/payment/", views.person_payment, name="person_payment"),
    path("people/<uuid:public_id>/bank-details/", views.person_bank_details, name="person_bank_details"),
    path("people/<uuid:public_id>/interest/", views.offline_interest, name="offline_interest"),
    path("people/<uuid:public_id>/invite/", views.offline_invite, name="offline_invite"),
    path("bank-changes/<uuid:public_id>/decide/", views.bank_change_decide, name="bank_change_decide"),
    path("invitations/<uuid:public_id>/decide/", views.invitation_decide, name="invitation_decide"),
    path("letters-and-calls/", views.contact_tasks, name="contact_tasks"),
    path("letters-and-calls/letters.pdf", views.contact_letters, name="contact_letters"),
    path("letters-and-calls/<uuid:public_id>/done/", views.contact_task_done, name="contact_task_done"),
    # Data rights (managers)
    path("erasure-requests/", views.erasure_list, name="erasure_list"),
    path("erasure-requests/<uuid:public_id>/decide/", views.erasure_decide, name="erasure_decide"),
]
