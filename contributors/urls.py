from django.urls import path

from .views import benefits, data_rights, equality, opportunities, people, profile, roles

app_name = "contributors"

urlpatterns = [
    # The contributor's own pages
    path("profile/complete/", profile.profile_complete, name="profile_complete"),
    path("profile/", profile.profile, name="profile"),
    path("profile/edit/", profile.profile_edit, name="profile_edit"),
    path("profile/payment/", profile.payment_edit, name="payment_edit"),
    path("profile/bank-details/", profile.bank_details, name="bank_details"),
    path("equality-monitoring/", equality.equality_form, name="equality"),
    path("equality-monitoring/withdraw/", equality.equality_withdraw, name="equality_withdraw"),
    path("benefits/", benefits.benefit_form, name="benefit"),
    path("benefits/withdraw/", benefits.benefit_withdraw, name="benefit_withdraw"),
    path("roles/", roles.my_roles, name="my_roles"),
    path("my-data/", data_rights.my_data, name="my_data"),
    path("my-data/download.json", data_rights.my_data_json, name="my_data_json"),
    path("my-data/erase/", data_rights.erasure_request, name="erasure_request"),
    path("my-data/<slug:section>/", data_rights.my_data_section, name="my_data_section"),
    # Opportunities
    path("opportunities/", opportunities.opportunity_list, name="opportunity_list"),
    path("opportunities/<uuid:public_id>/", opportunities.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<uuid:public_id>/interest/", opportunities.interest_express, name="interest_express"),
    path("opportunities/<uuid:public_id>/edit/", opportunities.opportunity_edit, name="opportunity_edit"),
    path(
        "opportunities/<uuid:public_id>/approve/",
        opportunities.opportunity_approve,
        name="opportunity_approve",
    ),
    path("opportunities/<uuid:public_id>/close/", opportunities.opportunity_close, name="opportunity_close"),
    path(
        "opportunities/<uuid:public_id>/interested/",
        opportunities.opportunity_interests,
        name="opportunity_interests",
    ),
    path("interests/<uuid:public_id>/withdraw/", opportunities.interest_withdraw, name="interest_withdraw"),
    path(
        "projects/<uuid:project_id>/opportunities/new/",
        opportunities.opportunity_create,
        name="opportunity_create",
    ),
    # Roles
    path("projects/<uuid:project_id>/roles/new/", roles.role_create, name="role_create"),
    path("roles/<uuid:public_id>/edit/", roles.role_edit, name="role_edit"),
    path("roles/<uuid:public_id>/end/", roles.role_end, name="role_end"),
    path("roles/<uuid:public_id>/accept/", roles.role_accept, name="role_accept"),
    path("role-register/", roles.role_register, name="role_register"),
    path("role-register.csv", roles.role_register_csv, name="role_register_csv"),
    # People: the directory, offline contributors, letters and calls
    path("people/", people.directory, name="directory"),
    path("people/new/", people.offline_register, name="offline_register"),
    path("people/<uuid:public_id>/", people.person_detail, name="person_detail"),
    path("people/<uuid:public_id>/edit/", people.person_edit, name="person_edit"),
    path("people/<uuid:public_id>/payment/", people.person_payment, name="person_payment"),
    path("people/<uuid:public_id>/bank-details/", people.person_bank_details, name="person_bank_details"),
    path("people/<uuid:public_id>/interest/", people.offline_interest, name="offline_interest"),
    path("people/<uuid:public_id>/invite/", people.offline_invite, name="offline_invite"),
    path("bank-changes/<uuid:public_id>/decide/", people.bank_change_decide, name="bank_change_decide"),
    path("invitations/<uuid:public_id>/decide/", people.invitation_decide, name="invitation_decide"),
    path("letters-and-calls/", people.contact_tasks, name="contact_tasks"),
    path("letters-and-calls/letters.pdf", people.contact_letters, name="contact_letters"),
    path("letters-and-calls/<uuid:public_id>/done/", people.contact_task_done, name="contact_task_done"),
    # Data rights (managers)
    path("erasure-requests/", data_rights.erasure_list, name="erasure_list"),
    path("erasure-requests/<uuid:public_id>/decide/", data_rights.erasure_decide, name="erasure_decide"),
]
