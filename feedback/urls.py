from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.owed_list, name="owed_list"),
    path("mine/", views.my_feedback, name="my_feedback"),
    path("on-time/", views.compliance, name="compliance"),
    path("to-contact/", views.contact_list, name="contact_list"),
    path("activities/<uuid:public_id>/", views.activity_feedback, name="activity_feedback"),
    path("activities/<uuid:public_id>/write/", views.activity_feedback_write, name="activity_feedback_write"),
    path(
        "activities/<uuid:public_id>/preview/",
        views.activity_feedback_preview,
        name="activity_feedback_preview",
    ),
    path("activities/<uuid:public_id>/send/", views.activity_feedback_send, name="activity_feedback_send"),
    path("given/<uuid:public_id>/", views.owed_detail, name="owed_detail"),
    path("given/<uuid:public_id>/read/", views.owed_acknowledge, name="owed_acknowledge"),
    path("given/<uuid:public_id>/respond/", views.owed_respond, name="owed_respond"),
    path("given/<uuid:public_id>/messages/", views.owed_message, name="owed_message"),
    path("given/<uuid:public_id>/letter.pdf", views.owed_letter, name="owed_letter"),
    path(
        "participations/<uuid:public_id>/reminder-letter.pdf",
        views.reminder_letter,
        name="reminder_letter",
    ),
]
