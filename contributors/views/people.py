"""People: the directory, offline contributors, bank-detail changes, invitations, letters and calls."""

from itertools import groupby

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import figures
from portal.compiled import Compiled, batch
from portal.dashboard import panels_for
from portal.downloads import pdf_response
from portal.errors import PortalError, show_error
from portal.mfa import mfa_refusal, mfa_this_session
from portal.pagination import PAGE_SIZE, page_bounds, paginate
from portal.pdf import render_pdf

from .. import forms, permissions, services
from ..models import (
    BankDetailsChange,
    BenefitAnswer,
    ContactChannel,
    ContactTask,
    Contributor,
    ExpressionOfInterest,
    InterestStatus,
    Opportunity,
    RoleAssignment,
    TakeOverInvitation,
    directory_count,
    offline_count,
    offline_count_figure,
    offline_first_page,
    offline_visible_to,
)
from . import rows
from ._common import _pending, _render
from ._profile_forms import _bank_form_view, _payment_form_view, _profile_form_view


def _listed():
    """The directory's rows in its order: every page, compiled or not."""
    return Contributor.objects.in_directory().order_by("user__name", "pk")


# The directory's first page before a search (most visits), (contributors.models.
# offline_first_page) the offline people's first page, and their rows for another page's keys:
# compiled once a process and prepared once a connection (portal.compiled), where Django
# building and compiling them cost more than PostgreSQL answering. Searches and the other
# pages' keys go through the ORM.
_FIRST_PAGE = Compiled(lambda: _listed().values_list(*rows.DIRECTORY_COLUMNS)[:PAGE_SIZE])
_OFFLINE_ROWS = Compiled(
    lambda *, keys: Contributor.objects.filter(pk__in=keys).values_list(*rows.OFFLINE_COLUMNS)
)


@login_required
def directory(request):
    """Contributors who opted in, searchable by skill, interest and experience; and the people
    coordinators registered who do not use the portal."""
    if not permissions.can_search_directory(request.user):
        raise PermissionDenied
    form = forms.DirectorySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    # Each list's first page from its compiled query, both in one round trip; paginate then
    # pages the rows fetched as it would have paged the queryset. Any other page, or a search,
    # is a queryset built here.
    first_pages = {}
    if not query and page_bounds(request).get("bottom") == 0:
        first_pages["people"] = (_FIRST_PAGE, {})
    if page_bounds(request, "offline_page").get("bottom") == 0:
        first_pages["offline"] = offline_first_page(request.user, rows.OFFLINE_COLUMNS)
    # Counted without the join to the people that the columns need (values() keeps it); before
    # a search, from the figure (directory_count).
    count_people = directory_count
    with batch(list(first_pages.values())):
        # The rows are values written out in Python (views/rows.py), not model instances
        # through the template engine.
        if "people" in first_pages:
            people = [dict(zip(rows.DIRECTORY_COLUMNS, row, strict=True)) for row in _FIRST_PAGE.rows()]
        else:
            people = _listed()
            if query:
                people = count_people = people.search(query)
            people = people.values(*rows.DIRECTORY_COLUMNS)
        if "offline" in first_pages:
            compiled, values = first_pages["offline"]
            offline = [dict(zip(rows.OFFLINE_COLUMNS, row, strict=True)) for row in compiled.rows(**values)]
        else:
            offline = offline_visible_to(request.user).values_list("profile", flat=True)
    # Both counts' figures in one round trip to the cache.
    with figures.prefetch([("people:directory", ""), offline_count_figure(request.user)]):
        people, people_query = paginate(request, people, count_rows=count_people)
        # Counted from the figure (offline_count): the first page checks the scope for the
        # first 25 offline people it finds, not for all of them.
        offline, offline_query = paginate(
            request,
            offline,
            param="offline_page",
            count_rows=lambda: offline_count(request.user),
        )
    if "offline" not in first_pages:  # the page's keys, then their rows
        keys = tuple(offline.object_list)
        found = _OFFLINE_ROWS.rows(keys=keys) if keys else []
        by_key = {row[0]: dict(zip(rows.OFFLINE_COLUMNS, row, strict=True)) for row in found}
        offline.object_list = [by_key[pk] for pk in keys if pk in by_key]
    return render(
        request,
        "contributors/directory.html",
        {
            "form": form,
            "people": people,
            "people_rows": rows.directory_rows(people),
            "people_query": people_query,
            "query": query,
            "offline": offline,
            "offline_items": rows.offline_items(offline),
            "offline_query": offline_query,
            "can_register": permissions.can_register_offline(request.user),
        },
    )


def _get_person(request, public_id) -> Contributor:
    """A person in the user's scope (portal.people): anyone else is 404."""
    if not permissions.can_view_people(request.user):
        raise PermissionDenied
    people = Contributor.objects.visible_to(request.user).select_related("user", "registered_by")
    return get_object_or_404(people, public_id=public_id)


@login_required
def person_detail(request, public_id):
    contributor = _get_person(request, public_id)
    can_act = permissions.can_act_for(request.user, contributor)
    bank_change, invitation = _pending(contributor)
    return render(
        request,
        "contributors/person_detail.html",
        {
            "contributor": contributor,
            "person": contributor.user,
            "can_act": can_act,
            "bank_change": bank_change,
            "can_confirm_bank": bank_change
            and permissions.can_confirm_bank_change(request.user, bank_change),
            "invitation": invitation,
            "can_confirm_invitation": invitation
            and permissions.can_confirm_invitation(request.user, invitation),
            "roles": RoleAssignment.objects.filter(contributor=contributor.user).select_related("project"),
            "interests": ExpressionOfInterest.objects.filter(contributor=contributor.user).select_related(
                "opportunity"
            ),
            "tasks": contributor.contact_tasks.filter(done_at__isnull=True),
            # Staff learn only that limits matter, never which benefit (special category data).
            "check_limits": contributor.receives_benefits
            or BenefitAnswer.objects.filter(user=contributor.user).exists(),
            "panels": panels_for(request, "person", contributor),
        },
    )


@login_required
def person_edit(request, public_id):
    contributor = _get_person(request, public_id)
    return _profile_form_view(
        request,
        contributor,
        template="contributors/profile_form.html",
        done_url=reverse("contributors:person_detail", args=[contributor.public_id]),
    )


@login_required
def person_payment(request, public_id):
    """Payment preferences for someone a coordinator acts for."""
    contributor = _get_person(request, public_id)
    return _payment_form_view(
        request, contributor, done_url=reverse("contributors:person_detail", args=[contributor.public_id])
    )


@login_required
def person_bank_details(request, public_id):
    """Bank details given over the phone or by post; the coordinator signs in again first."""
    contributor = _get_person(request, public_id)
    if not permissions.can_act_for(request.user, contributor):
        raise PermissionDenied
    return _person_bank_form(request, contributor)


@mfa_this_session()
@reauthentication_required
def _person_bank_form(request, contributor):
    return _bank_form_view(
        request, contributor, done_url=reverse("contributors:person_detail", args=[contributor.public_id])
    )


@login_required
@require_POST
def bank_change_decide(request, public_id):
    """The second person confirms (or cancels) bank details someone else entered."""
    changes = BankDetailsChange.objects.filter(
        Q(contributor__user=request.user) | Q(contributor__in=Contributor.objects.visible_to(request.user))
    ).select_related("contributor__user")
    change = get_object_or_404(changes, public_id=public_id)
    if not permissions.can_confirm_bank_change(request.user, change):
        raise PermissionDenied
    confirm = request.POST.get("decision") != "cancel"
    if confirm and change.contributor.user_id != request.user.pk:
        # Staff making someone else's bank details take effect moves money: second factor now.
        back = reverse("contributors:person_detail", args=[change.contributor.public_id])
        if refused := mfa_refusal(request, back=back):
            return refused
    try:
        services.confirm_bank_details_change(actor=request.user, change=change, confirm=confirm)
    except PortalError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "Bank details confirmed." if confirm else "Bank details change cancelled.")
    if change.contributor.user_id == request.user.pk:
        return redirect("contributors:profile")
    return redirect("contributors:person_detail", public_id=change.contributor.public_id)


@login_required
@require_POST
def invitation_decide(request, public_id):
    """A second member of staff confirms the address (the invitation is sent) or cancels it."""
    invitations = TakeOverInvitation.objects.filter(
        contributor__in=Contributor.objects.visible_to(request.user)
    ).select_related("contributor__user")
    invitation = get_object_or_404(invitations, public_id=public_id)
    if not permissions.can_confirm_invitation(request.user, invitation):
        raise PermissionDenied
    confirm = request.POST.get("decision") != "cancel"
    try:
        services.confirm_take_over_invitation(actor=request.user, invitation=invitation, confirm=confirm)
    except PortalError as exc:
        show_error(request, exc)
    else:
        name = invitation.contributor.user.name
        messages.success(
            request,
            f"We have emailed {name} a link to set their password." if confirm else "Invitation cancelled.",
        )
    return redirect("contributors:person_detail", public_id=invitation.contributor.public_id)


@login_required
def offline_register(request):
    if not permissions.can_register_offline(request.user):
        raise PermissionDenied
    form = forms.OfflineRegisterForm(request.POST or None, initial={"contact_method": "phone"})
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_not_duplicate")
        duplicates = services.possible_duplicates(name=data["name"], postcode=data["postcode"])
        if duplicates and not confirmed:
            # Warn, once: the coordinator can still go ahead if it is a different person.
            data = request.POST.copy()
            data["confirm_not_duplicate"] = "True"
            form = forms.OfflineRegisterForm(data)
            form.is_valid()
            return render(
                request,
                "contributors/offline_register.html",
                {"form": form, "duplicates": duplicates},
                status=200,
            )
        try:
            contributor = services.register_offline_contributor(actor=request.user, **data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"{contributor.user.name} is registered. You can now act for them.")
            return redirect("contributors:person_detail", public_id=contributor.public_id)
    return _render(
        request, "contributors/offline_register.html", {"form": form, "duplicates": duplicates}, form
    )


@login_required
def offline_interest(request, public_id):
    """Express interest in an opportunity for someone who does not use the portal."""
    contributor = _get_person(request, public_id)
    if not permissions.can_act_for(request.user, contributor):
        raise PermissionDenied
    already = ExpressionOfInterest.objects.filter(contributor=contributor.user).exclude(
        status=InterestStatus.WITHDRAWN
    )
    opportunities = Opportunity.objects.live().exclude(pk__in=already.values("opportunity"))
    form = forms.InterestOnBehalfForm(request.POST or None, opportunities=opportunities)
    if request.method == "POST" and form.is_valid():
        try:
            services.express_interest(
                actor=request.user,
                opportunity=form.cleaned_data["opportunity"],
                contributor=contributor.user,
                message=form.cleaned_data["message"],
            )
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"Interest recorded for {contributor.user.name}.")
            return redirect("contributors:person_detail", public_id=contributor.public_id)
    return _render(
        request, "contributors/offline_interest.html", {"form": form, "contributor": contributor}, form
    )


@login_required
def offline_invite(request, public_id):
    """Invite an offline person to take over their own account."""
    contributor = _get_person(request, public_id)
    if not permissions.can_act_for(request.user, contributor):
        raise PermissionDenied
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_to_take_over(
                actor=request.user, contributor=contributor, email=form.cleaned_data["email"]
            )
        except PortalError as exc:
            show_error(request, exc, form=form, field="email")
        else:
            messages.success(
                request,
                "Invitation saved. Another member of staff must confirm the address before we "
                f"email {contributor.user.name} a link to set their password.",
            )
            return redirect("contributors:person_detail", public_id=contributor.public_id)
    return _render(
        request, "contributors/offline_invite.html", {"form": form, "contributor": contributor}, form
    )


@login_required
def contact_tasks(request):
    """Letters to send and calls to make to people who do not use email."""
    if not permissions.can_view_contact_tasks(request.user):
        raise PermissionDenied
    tasks = ContactTask.objects.filter(
        contributor__in=Contributor.objects.visible_to(request.user)
    ).select_related("contributor__user", "done_by")
    pending, query = paginate(request, tasks.filter(done_at__isnull=True).order_by("-created_at", "pk"))
    return render(
        request,
        "contributors/contact_tasks.html",
        {
            "pending": pending,
            "query": query,
            "letters_due": tasks.filter(done_at__isnull=True, channel=ContactChannel.POST).count(),
            # The newest twenty ("Done recently"): the model's order, by when each was done,
            # gave the oldest.
            "done": tasks.filter(done_at__isnull=False).order_by("-done_at", "-pk")[:20],
        },
    )


@login_required
def contact_letters(request):
    """Every letter still to post, in one PDF: a page (or more) per person, in large print for
    those who asked for it, so the whole pile is printed at once."""
    if not permissions.can_view_contact_tasks(request.user):
        raise PermissionDenied
    tasks = (
        ContactTask.objects.filter(
            done_at__isnull=True,
            channel=ContactChannel.POST,
            contributor__in=Contributor.objects.visible_to(request.user),
        )
        .select_related("contributor__user")
        .order_by("contributor__user__name", "contributor__pk", "created_at")
    )
    people = [
        {
            "contributor": contributor,
            "large_print": contributor.wants_large_print,
            "letters": list(letters),
        }
        for contributor, letters in groupby(tasks, key=lambda t: t.contributor)
    ]
    pdf = render_pdf(
        "pdf/contributors_letters.html",
        {"people": people, "today": timezone.localdate(), "contact_phone": settings.PORTAL_CONTACT_PHONE},
    )
    return pdf_response(pdf, f"letters-{timezone.localdate():%Y-%m-%d}.pdf", inline=True)


@login_required
@require_POST
def contact_task_done(request, public_id):
    if not permissions.can_complete_contact_task(request.user):
        raise PermissionDenied
    tasks = ContactTask.objects.filter(contributor__in=Contributor.objects.visible_to(request.user))
    task = get_object_or_404(tasks.select_related("contributor"), public_id=public_id)
    if not permissions.can_close_contact_task(request.user, task):
        raise PermissionDenied
    services.mark_contact_task_done(actor=request.user, task=task)
    messages.success(request, "Marked as done.")
    return redirect("contributors:contact_tasks")
