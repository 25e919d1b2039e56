from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from contributors.selectors import wants_large_print
from portal import dashboard
from portal.downloads import pdf_response
from portal.errors import PortalError, show_error
from portal.models import Activity, Participation
from portal.pagination import paginate
from portal.pdf import render_pdf
from portal.rows import Days, addresses, escape

from . import permissions, selectors, services
from .forms import (
    ActivityFeedbackForm,
    ItemFormSet,
    MessageForm,
    PeriodForm,
    PersonalNotesForm,
    RespondForm,
)
from .models import ActivityFeedback, FeedbackOwed, FeedbackOwedStatus
from .reminders import offline_contacts

BLANK_ITEM_ROWS = 3


def _get_activity(request, public_id) -> Activity:
    """Activities outside the user's scope are a 404; a contributor's own is a 403 below."""
    activities = Activity.objects.visible_to(request.user).select_related("project", "coordinator")
    activity = get_object_or_404(activities, public_id=public_id)
    if not permissions.can_give_feedback(request.user, activity):
        raise PermissionDenied
    return activity


def _get_owed(request, public_id) -> FeedbackOwed:
    rows = FeedbackOwed.objects.visible_to(request.user).select_related(
        "participation__activity__project", "participation__contributor", "feedback", "owner"
    )
    return get_object_or_404(rows, public_id=public_id)


@login_required
def owed_list(request):
    if not permissions.can_view_feedback_owed(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    # One small row per activity, from the organisation's figure (selectors.owed_activity_rows),
    # fetched with the navigation's count in one round trip to the cache.
    with dashboard.page_figures(request, [("feedback:owed_everywhere", "")]):
        page, query = paginate(request, selectors.owed_activity_rows(request.user))
    rows = selectors.owed_rows(page, today=today)
    return render(
        request,
        "feedback/owed_list.html",
        {"rows": rows, "rows_html": _owed_list_rows(rows), "page": page, "query": query, "today": today},
    )


def _owed_list_rows(rows: list[dict]) -> SafeString:
    """The list's table rows, built here rather than through the template engine: a dozen
    `{{ }}`, `{% url %}`, `date` and `pluralize` nodes a row were most of the page's rendering
    (issue 12). The markup is the GOV.UK table row the template had
    (tests/feedback/test_owed_list.py holds it); everything shown is escaped here, as the
    template's autoescaping did. Each row's address comes from one `reverse` a page, and the
    month's name from the `date` filter once a month."""
    address, day_month_year = addresses("feedback:activity_feedback_write"), Days()

    html = []
    for row in rows:
        people, days = row["people"], row["days_overdue"]
        if row["is_overdue"]:
            status = (
                '<strong class="govuk-tag govuk-tag--red">Overdue</strong><br>'
                f'<span class="govuk-body-s">{days} day{"" if days == 1 else "s"}</span>'
            )
        elif row["is_sent"]:
            status = '<strong class="govuk-tag govuk-tag--yellow">New people</strong>'
        elif row["has_draft"]:
            status = '<strong class="govuk-tag govuk-tag--grey">Draft</strong>'
        else:
            status = '<strong class="govuk-tag govuk-tag--yellow">Due</strong>'
        url = escape(address(row["public_id"]))
        about = " · ".join(
            [
                escape(row["project_title"]),
                day_month_year(timezone.localtime(row["starts_at"])),
                f"owed to {people} {'person' if people == 1 else 'people'}",
                escape(row["coordinator"]),
            ]
        )
        html.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{url}">{escape(row["title"])}</a><br>'
            f'<span class="govuk-body-s">{about}</span></td>'
            f'<td class="govuk-table__cell portal-nowrap">{day_month_year(row["due_on"])}</td>'
            f'<td class="govuk-table__cell">{status}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(html))  # every value above is escaped


@login_required
def activity_feedback(request, public_id):
    """The coordinator's view of an activity's feedback: what was said, who has read it."""
    activity = _get_activity(request, public_id)
    feedback = ActivityFeedback.objects.filter(activity=activity).first()
    recipients = list(selectors.activity_recipients(activity))
    for owed in recipients:
        owed.channel = services.contact_channel(owed.participation.contributor)
    return render(
        request,
        "feedback/activity_feedback.html",
        {
            "activity": activity,
            "feedback": feedback,
            "items": list(feedback.items.all()) if feedback else [],
            "recipients": recipients,
            "waiting": [o for o in recipients if o.status == FeedbackOwedStatus.DUE],
            "item_links": dashboard.links_for(request.user, "feedback_item"),
        },
    )


def _write_context(activity, feedback, owed_rows, data=None, extra_rows=0):
    items_initial = []
    if feedback is not None:
        items_initial = [
            {
                "you_said": i.you_said,
                "changed": "yes" if i.changed else "no",
                "we_did": i.we_did,
                "why_not_reason": i.why_not_reason,
                "why_not_text": i.why_not_text,
            }
            for i in feedback.items.all()
        ]
    if data is not None:
        formset = ItemFormSet(data, prefix="items")
    else:
        formset = ItemFormSet(prefix="items", initial=items_initial)
        formset.extra = max(BLANK_ITEM_ROWS - len(items_initial), 1)
    form = ActivityFeedbackForm(
        data,
        initial={
            "thank_you_text": feedback.thank_you_text,
            "outcome_text": feedback.outcome_text,
            "next_steps_text": feedback.next_steps_text,
        }
        if feedback
        else None,
    )
    notes_form = PersonalNotesForm(data, owed_rows=owed_rows, prefix="notes")
    return {
        "activity": activity,
        "feedback": feedback,
        "form": form,
        "formset": formset,
        "notes_form": notes_form,
        "owed_rows": owed_rows,
    }


def _with_another_row(post):
    """The "add another item" button: the same answers, one more blank row."""
    data = post.copy()
    total = int(data.get("items-TOTAL_FORMS") or 0)
    data["items-TOTAL_FORMS"] = str(min(total + 1, ItemFormSet.max_num))
    return data


@login_required
def activity_feedback_write(request, public_id):
    activity = _get_activity(request, public_id)
    feedback = ActivityFeedback.objects.filter(activity=activity).first()
    if feedback is not None and feedback.is_sent:
        messages.info(
            request, "This feedback has been sent. You can send it to anyone who has not had it yet."
        )
        return redirect("feedback:activity_feedback", public_id=activity.public_id)
    owed_rows = list(
        FeedbackOwed.objects.due()
        .filter(participation__activity=activity)
        .select_related("participation__contributor")
        .order_by("participation__contributor__name")
    )
    if request.method != "POST":
        return render(
            request, "feedback/activity_feedback_form.html", _write_context(activity, feedback, owed_rows)
        )
    action = request.POST.get("action", "send")
    if action == "add_item":
        ctx = _write_context(activity, feedback, owed_rows, data=_with_another_row(request.POST))
        ctx["adding"] = True
        return render(request, "feedback/activity_feedback_form.html", ctx)
    ctx = _write_context(activity, feedback, owed_rows, data=request.POST)
    form, formset, notes_form = ctx["form"], ctx["formset"], ctx["notes_form"]
    valid = all([form.is_valid(), formset.is_valid(), notes_form.is_valid()])
    items = [i for i in (f.as_item() for f in formset.forms) if i] if valid else []
    if valid and action == "send" and not items:
        form.add_error(None, "Add at least one thing people said, and what you did or why not")
        valid = False
    if not valid:
        ctx["error_forms"] = [form, notes_form, *formset.forms]
        return render(request, "feedback/activity_feedback_form.html", ctx, status=400)
    try:
        services.save_activity_feedback(
            actor=request.user,
            activity=activity,
            items=items,
            personal_notes=notes_form.notes(),
            **form.cleaned_data,
        )
    except PortalError as exc:
        show_error(request, exc, form=form)
        ctx["error_forms"] = [form]
        return render(request, "feedback/activity_feedback_form.html", ctx, status=400)
    if action == "send":
        # Sending cannot be undone: the coordinator sees what people will get first.
        return redirect("feedback:activity_feedback_preview", public_id=activity.public_id)
    messages.success(request, "Draft saved. Nobody has been sent anything yet.")
    return redirect("feedback:activity_feedback_write", public_id=activity.public_id)


@login_required
def activity_feedback_preview(request, public_id):
    """Check the feedback as each person will get it, then send it."""
    activity = _get_activity(request, public_id)
    feedback = ActivityFeedback.objects.filter(activity=activity).first()
    if feedback is None:
        return redirect("feedback:activity_feedback_write", public_id=activity.public_id)
    waiting = list(
        FeedbackOwed.objects.due()
        .filter(participation__activity=activity)
        .select_related("participation__contributor")
        .order_by("participation__contributor__name")
    )
    if not waiting:
        messages.info(request, "Everyone who took part has had this feedback already.")
        return redirect("feedback:activity_feedback", public_id=activity.public_id)
    for owed in waiting:
        owed.channel = services.contact_channel(owed.participation.contributor)
    return render(
        request,
        "feedback/activity_feedback_preview.html",
        {
            "activity": activity,
            "feedback": feedback,
            "items": list(feedback.items.all()),
            "waiting": waiting,
            "example": waiting[0],
        },
    )


@login_required
@require_POST
def activity_feedback_send(request, public_id):
    """Send written feedback to everyone who has not had it yet (a draft, or people added later)."""
    activity = _get_activity(request, public_id)
    feedback = ActivityFeedback.objects.filter(activity=activity).first()
    if feedback is None:
        messages.error(request, "Write the feedback before sending it.")
        return redirect("feedback:activity_feedback_write", public_id=activity.public_id)
    try:
        sent = services.send_activity_feedback(actor=request.user, feedback=feedback)
        messages.success(request, f"Feedback sent to {len(sent)} {'person' if len(sent) == 1 else 'people'}.")
    except PortalError as exc:
        show_error(request, exc)
    return redirect("feedback:activity_feedback", public_id=activity.public_id)


@login_required
def my_feedback(request):
    """A contributor's feedback: new, read, and still owed to them."""
    return render(request, "feedback/my_feedback.html", selectors.contributor_feedback(request.user))


@login_required
def owed_detail(request, public_id, form=None, message_form=None, status=200):
    owed = _get_owed(request, public_id)
    is_recipient = owed.participation.contributor_id == request.user.pk
    if not is_recipient and not permissions.can_give_feedback(request.user, owed.participation.activity):
        raise PermissionDenied
    can_respond = permissions.can_respond_to_feedback(request.user, owed)
    if can_respond and owed.read_at is None and request.method == "GET":
        owed = services.mark_feedback_opened(actor=request.user, owed=owed)
    if can_respond and form is None:
        form = RespondForm(can_reply=not owed.reply, initial={"usefulness": owed.usefulness})
    return render(
        request,
        "feedback/owed_detail.html",
        {
            "owed": owed,
            "activity": owed.participation.activity,
            "feedback": owed.feedback,
            "items": list(owed.feedback.items.all()) if owed.feedback else [],
            "is_recipient": is_recipient,
            "can_respond": can_respond,
            "form": form if can_respond else None,
            "thread": services.conversation(owed),
            "message_form": (message_form or MessageForm())
            if permissions.can_write_in_feedback_conversation(request.user, owed)
            else None,
        },
        status=status,
    )


@login_required
@require_POST
def owed_message(request, public_id):
    """A turn in the conversation after a reply, from the contributor or a coordinator."""
    owed = _get_owed(request, public_id)
    if not permissions.can_write_in_feedback_conversation(request.user, owed):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if not form.is_valid():
        return owed_detail(request, public_id, message_form=form, status=400)
    services.add_feedback_message(actor=request.user, owed=owed, body=form.cleaned_data["body"])
    is_recipient = owed.participation.contributor_id == request.user.pk
    messages.success(
        request,
        "Your message has been sent."
        if is_recipient
        else f"Your answer has been sent to {owed.participation.contributor}.",
    )
    return redirect("feedback:owed_detail", public_id=owed.public_id)


@login_required
@require_POST
def owed_acknowledge(request, public_id):
    owed = _get_owed(request, public_id)
    if not permissions.can_respond_to_feedback(request.user, owed):
        raise PermissionDenied
    services.acknowledge_feedback(actor=request.user, owed=owed)
    messages.success(request, "Thank you. We have noted that you have read this feedback.")
    return redirect("feedback:owed_detail", public_id=owed.public_id)


@login_required
@require_POST
def owed_respond(request, public_id):
    owed = _get_owed(request, public_id)
    if not permissions.can_respond_to_feedback(request.user, owed):
        raise PermissionDenied
    form = RespondForm(request.POST, can_reply=not owed.reply)
    if not form.is_valid():
        return owed_detail(request, public_id, form=form, status=400)
    try:
        services.respond_to_feedback(
            actor=request.user,
            owed=owed,
            usefulness=form.cleaned_data.get("usefulness"),
            reply=form.cleaned_data.get("reply", ""),
        )
    except PortalError as exc:
        show_error(request, exc)
        return redirect("feedback:owed_detail", public_id=owed.public_id)
    replied = bool(form.cleaned_data.get("reply"))
    messages.success(
        request, "Thank you. Your reply has been sent." if replied else "Thank you for your rating."
    )
    return redirect("feedback:owed_detail", public_id=owed.public_id)


@login_required
def owed_letter(request, public_id):
    """The feedback as a letter to post to someone who is not online."""
    owed = _get_owed(request, public_id)
    if not permissions.can_print_feedback_letter(request.user, owed) or owed.feedback is None:
        raise PermissionDenied
    person = owed.participation.contributor
    pdf = render_pdf(
        "pdf/feedback_letter.html",
        {
            "owed": owed,
            "person": person,
            "contact": services.contact_details(person),
            "activity": owed.participation.activity,
            "feedback": owed.feedback,
            "items": list(owed.feedback.items.all()),
            "today": timezone.localdate(),
            "contact_phone": settings.PORTAL_CONTACT_PHONE,
        },
        large_print=wants_large_print(person),
    )
    return pdf_response(pdf, f"feedback-letter-{owed.public_id}.pdf", inline=True)


@login_required
def compliance(request):
    """Is feedback given on time: the organisation (managers) or your projects (coordinators)."""
    if not permissions.can_view_feedback_compliance(request.user):
        raise PermissionDenied
    projects = selectors.projects_for_compliance(request.user)
    scope = None if request.user.is_manager else projects
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    start, end = period.get("start"), period.get("end")
    return render(
        request,
        "feedback/compliance.html",
        {
            "form": form,
            "summary": selectors.feedback_compliance(projects=scope, start=start, end=end),
            "by_project": selectors.compliance_by_project(projects, start=start, end=end),
            "overdue": selectors.overdue_feedback(projects=scope, start=start, end=end),
            "is_organisation": request.user.is_manager,
            "start": start,
            "end": end,
        },
        status=400 if form.errors else 200,
    )


@login_required
def contact_list(request):
    """People reached by phone or post who need a call or a letter about an activity soon."""
    if not permissions.can_view_feedback_owed(request.user):
        raise PermissionDenied
    contacts, query = paginate(request, offline_contacts(request.user))
    return render(request, "feedback/contact_list.html", {"contacts": contacts, "query": query})


@login_required
def reminder_letter(request, public_id):
    """A printable reminder of an activity, for someone reached by post."""
    participations = Participation.objects.visible_to(request.user).select_related(
        "activity__project", "activity__coordinator", "contributor"
    )
    participation = get_object_or_404(participations, public_id=public_id)
    if not permissions.can_give_feedback(request.user, participation.activity):
        raise PermissionDenied
    person = participation.contributor
    pdf = render_pdf(
        "pdf/feedback_activity_letter.html",
        {
            "participation": participation,
            "person": person,
            "contact": services.contact_details(person),
            "activity": participation.activity,
            "today": timezone.localdate(),
            "contact_phone": settings.PORTAL_CONTACT_PHONE,
        },
        large_print=wants_large_print(person),
    )
    return pdf_response(pdf, f"activity-reminder-{participation.public_id}.pdf", inline=True)
