import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from contributors.models import Opportunity, RoleType
from portal.errors import PortalError, show_error
from portal.links import absolute_url
from portal.models import Activity, Project
from portal.pagination import PAGE_SIZE

from . import calendars, permissions, services
from .forms import (
    ActivityMessageForm,
    CancelActivityForm,
    ProjectMessageForm,
    ReplyForm,
    ShortlistMessageForm,
)
from .models import CalendarFeed, Delivery, Message


def _require_messaging_role(request) -> None:
    """Without the role it is 403; with it, a project that is not yours is 404."""
    if not permissions.can_send_messages(request.user):
        raise PermissionDenied


def _page(request, rows, param="page"):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


@login_required
def inbox(request):
    """Messages to me; and, for coordinators, messages I sent with their replies."""
    received = (
        Delivery.objects.filter(recipient=request.user)
        .select_related("message__sender")
        .annotate(reply_count=Count("replies"))
        .order_by("-message__created_at")
    )
    sent = None
    if permissions.can_see_sent_messages(request.user):
        sent = _page(
            request,
            Message.objects.filter(sender=request.user)
            .annotate(
                recipients=Count("deliveries", distinct=True),
                unread_replies=Count(
                    "deliveries__replies", filter=Q(deliveries__replies__read_at__isnull=True)
                ),
            )
            .order_by("-created_at"),
            "sent_page",
        )
    return render(request, "messaging/inbox.html", {"received": _page(request, received), "sent": sent})


def _own_delivery(request, public_id) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("message__sender", "message__activity"),
        public_id=public_id,
        recipient=request.user,
    )


@login_required
def message_detail(request, public_id, form=None, status=200):
    delivery = _own_delivery(request, public_id)
    services.mark_read(user=request.user, delivery=delivery)
    return render(
        request,
        "messaging/message_detail.html",
        {
            "delivery": delivery,
            "replies": delivery.replies.select_related("author"),
            "form": form or ReplyForm(),
        },
        status=status,
    )


@login_required
@require_POST
def message_reply(request, public_id):
    delivery = _own_delivery(request, public_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return message_detail(request, public_id, form=form, status=400)
    services.reply(actor=request.user, delivery=delivery, body=form.cleaned_data["body"])
    messages.success(request, f"Your reply went to {delivery.message.sender}.")
    return redirect("messaging:message_detail", public_id=public_id)


@login_required
def sent_detail(request, public_id):
    message = get_object_or_404(
        Message.objects.visible_to(request.user).select_related("sender"), public_id=public_id
    )
    if not permissions.can_read_sent(request.user, message):
        raise Http404
    services.mark_replies_read(user=request.user, message=message)
    deliveries = message.deliveries.select_related("recipient").order_by("recipient__name")
    from .models import Reply

    replies = Reply.objects.filter(delivery__message=message).select_related("author")
    return render(
        request,
        "messaging/sent_detail.html",
        {"message": message, "deliveries": _page(request, deliveries), "replies": replies},
    )


# --- Writing -----------------------------------------------------------------------------------


def _compose(request, *, project, form_class, audience_of, describe, activity=None, back_url):
    if not permissions.can_message_project(request.user, project):
        raise Http404
    form = form_class(request.POST or None)
    context = {"form": form, "project": project, "activity": activity, "back_url": back_url, "preview": None}
    if request.method == "POST" and form.is_valid():
        who = form.cleaned_data["who"]
        recipients = audience_of(who)
        if request.POST.get("send"):
            try:
                message = services.send_message(
                    actor=request.user,
                    project=project,
                    activity=activity,
                    audience=describe(who),
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    recipients=recipients,
                )
            except PortalError as exc:
                show_error(request, exc, form=form, field="who")
            else:
                messages.success(
                    request, f"Your message is on its way to {message.deliveries.count()} people."
                )
                return redirect("messaging:sent_detail", public_id=message.public_id)
        else:
            context["preview"] = services.preview(recipients)
            context["audience"] = describe(who)
    return render(request, "messaging/compose.html", context, status=400 if form.errors else 200)


@login_required
def compose_activity(request, public_id):
    _require_messaging_role(request)
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("project"), public_id=public_id
    )
    return _compose(
        request,
        project=activity.project,
        activity=activity,
        form_class=ActivityMessageForm,
        audience_of=lambda who: services.activity_audience(activity, who),
        describe=lambda who: f"{activity.title}: {services.ACTIVITY_FILTERS[who]}",
        back_url=reverse("portal:activity_detail", args=[activity.public_id]),
    )


@login_required
def compose_project(request, public_id):
    _require_messaging_role(request)
    project = get_object_or_404(Project.objects.visible_to(request.user), public_id=public_id)

    def describe(who):
        return f"{project.title}: " + ("everyone" if who == "everyone" else RoleType(who).label)

    return _compose(
        request,
        project=project,
        form_class=ProjectMessageForm,
        audience_of=lambda who: services.project_audience(project, who),
        describe=describe,
        back_url=reverse("portal:project_detail", args=[project.public_id]),
    )


@login_required
def compose_shortlist(request, public_id):
    _require_messaging_role(request)
    opportunity = get_object_or_404(
        Opportunity.objects.managed_by(request.user).select_related("project"), public_id=public_id
    )
    return _compose(
        request,
        project=opportunity.project,
        form_class=ShortlistMessageForm,
        audience_of=lambda who: services.shortlist_audience(opportunity, who),
        describe=lambda who: f"{opportunity.title}: {services.SHORTLIST_FILTERS[who]}",
        back_url=reverse("portal:project_detail", args=[opportunity.project.public_id]),
    )


@login_required
def activity_cancel(request, public_id):
    _require_messaging_role(request)
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("project"), public_id=public_id
    )
    if not permissions.can_message_project(request.user, activity.project):
        raise Http404
    form = CancelActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.cancel_and_tell(actor=request.user, activity=activity, body=form.cleaned_data["body"])
        messages.success(request, f"{activity.title} is cancelled.")
        return redirect("portal:activity_detail", public_id=activity.public_id)
    return render(
        request,
        "messaging/activity_cancel.html",
        {"activity": activity, "form": form},
        status=400 if form.errors else 200,
    )


# --- Calendars ---------------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def activity_ics(request, public_id):
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("coordinator"), public_id=public_id
    )
    return _ics(calendars.render(activity.title, [activity]), f"activity-{activity.public_id}.ics")


@login_required
def calendar_settings(request):
    feed = services.feed_for(user=request.user)
    # The one base (portal.links), so the address is the same wherever it is copied from.
    url = absolute_url(reverse("messaging:calendar_feed", args=[feed.token]))
    return render(
        request,
        "messaging/calendar.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]},
    )


@login_required
@require_POST
def calendar_reset(request):
    services.reset_feed(user=request.user)
    messages.success(
        request,
        "Your calendar has a new address. The old one no longer works: add the new one to your calendar.",
    )
    return redirect("messaging:calendar_settings")


def calendar_feed(request, token):
    """The private feed, read by calendar apps that cannot sign in: the token is the key."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    body = calendars.render(
        f"{settings.PORTAL_ORGANISATION_NAME}: your activities", calendars.feed_activities(feed.user)
    )
    response = _ics(body, "activities.ics")
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- GOV.UK Notify callbacks -------------------------------------------------------------------


def _bearer_ok(request, expected: str) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and secrets.compare_digest(given, expected)


@csrf_exempt
@require_POST
def notify_callback(request):
    """Notify's delivery-status callback: marks a text, email or letter delivered or failed."""
    if not _bearer_ok(request, settings.PORTAL_NOTIFY_CALLBACK_TOKEN):
        return JsonResponse({"error": "unauthorised"}, status=401)
    try:
        payload = json.loads(request.body)
        provider_id, status = str(payload["id"]), str(payload["status"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected id and status"}, status=400)
    return JsonResponse({"result": services.record_provider_status(provider_id=provider_id, status=status)})


@csrf_exempt
@require_POST
def inbound_email(request):
    """An emailed reply, posted as JSON {to, from, text} by the service that receives mail
    for PORTAL_MESSAGING_REPLY_DOMAIN."""
    if not _bearer_ok(request, settings.PORTAL_MESSAGING_INBOUND_TOKEN):
        return JsonResponse({"error": "unauthorised"}, status=401)
    try:
        payload = json.loads(request.body)
        to, sender, text = str(payload["to"]), str(payload["from"]), str(payload.get("text", ""))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected to, from and text"}, status=400)
    answer = services.reply_from_email(to=to, sender=sender, text=text)
    # Mail that matches no message is dropped, not bounced: 200 so the service does not retry.
    return JsonResponse({"result": "reply" if answer else "ignored"})


@csrf_exempt
@require_POST
def notify_received_text(request):
    """Notify's received-text callback: {id, source_number, destination_number, message,
    date_received}. A text that matches no message is dropped with 200, so Notify does not retry."""
    if not _bearer_ok(request, settings.PORTAL_NOTIFY_CALLBACK_TOKEN):
        return JsonResponse({"error": "unauthorised"}, status=401)
    try:
        payload = json.loads(request.body)
        number, text = str(payload["source_number"]), str(payload.get("message", ""))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected source_number and message"}, status=400)
    answer = services.reply_from_text(source_number=number, text=text)
    return JsonResponse({"result": "reply" if answer else "ignored"})
