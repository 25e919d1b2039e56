from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("received/<uuid:public_id>/", views.message_detail, name="message_detail"),
    path("received/<uuid:public_id>/reply/", views.message_reply, name="message_reply"),
    path("sent/<uuid:public_id>/", views.sent_detail, name="sent_detail"),
    path("activities/<uuid:public_id>/new/", views.compose_activity, name="compose_activity"),
    path("activities/<uuid:public_id>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<uuid:public_id>/calendar.ics", views.activity_ics, name="activity_ics"),
    path("projects/<uuid:public_id>/new/", views.compose_project, name="compose_project"),
    path("opportunities/<uuid:public_id>/new/", views.compose_shortlist, name="compose_shortlist"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("notify/callback/", views.notify_callback, name="notify_callback"),
    path("inbound-email/", views.inbound_email, name="inbound_email"),
    path("notify/received-text/", views.notify_received_text, name="notify_received_text"),
]
