from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from feedback.models import FeedbackItem
from portal.downloads import pdf_response
from portal.errors import PortalError, show_error
from portal.lookups import get_by_public_id_or_404, public_ids
from portal.models import Project, ProjectStage
from portal.pagination import paginate, sort_order
from portal.rows import Days, addresses, escape
from portal.storage import private_file_response
from portal.templatetags.portal_tags import status_tag_colour

from . import permissions, public_cache, reports, selectors, services
from .forms import (
    ChooseProjectForm,
    ConsentForm,
    CubeForm,
    EntryForm,
    PublishForm,
    ReflectionForm,
    ReportForm,
    VerifyForm,
)
from .models import (
    CUBE_QUESTIONS,
    Certificate,
    CubeCheckIn,
    EntryContributor,
    EntryStatus,
    ImpactEntry,
    Outcome,
    ReportKind,
    ReportRequest,
    Significance,
    UKStandard,
)


def _get_entry(request, public_id) -> ImpactEntry:
    """Entries the user may not see are a 404, not a 403: don't reveal they exist."""
    entries = ImpactEntry.objects.visible_to(request.user).select_related("project", "created_by")
    return get_object_or_404(entries, public_id=public_id)


def _get_project(request, public_id) -> Project:
    return get_by_public_id_or_404(Project.objects.visible_to(request.user), public_id)


def _manageable_projects(user):
    return Project.objects.managed_by(user)


# --- The impact log -----------------------------------------------------------------------------


ENTRY_SORTS = {
    "newest": ("Newest first", ("-occurred_on", "-pk")),
    "oldest": ("Oldest first", ("occurred_on", "pk")),
    "project": ("Project", ("project__title", "-occurred_on", "-pk")),
    "status": ("Status", ("status", "-occurred_on", "-pk")),
}


# The impact log's columns only, as rows: an entry's texts (what changed, why it matters,
# evidence) are most of it and the log shows none of them, and 25 model instances with their
# projects cost more than the table's SQL.
_ENTRY_ROW = ("public_id", "occurred_on", "title", "project__title", "stage", "significance", "status")
_ENTRY_TR = (
    '\n            <tr class="govuk-table__row">'
    '\n              <td class="govuk-table__cell">{occurred_on}</td>'
    '\n              <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{title}</a></td>'
    '\n              <td class="govuk-table__cell">{project}</td>'
    '\n              <td class="govuk-table__cell">{stage}</td>'
    '\n              <td class="govuk-table__cell">{significance}</td>'
    '\n              <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">{status}</strong></td>'
    "\n            </tr>\n          "
)


def _entry_table_rows(rows) -> SafeString:
    """The table's rows, as a loop in the template wrote them (character for character:
    tests/impact/test_entries.py holds a row to it), with portal.rows' link and dates: 25 rows
    of seven cells through the template engine, a URL reversed and a date localised for each,
    were most of the page's rendering."""
    link, day = addresses("impact:entry_detail"), Days()
    return mark_safe(
        "".join(
            _ENTRY_TR.format(
                occurred_on=escape(day(occurred_on)),
                url=escape(link(public_id)),
                title=escape(title),
                project=escape(project_title),
                stage=escape(ProjectStage(stage).label),
                significance=escape(Significance(significance).label),
                colour=escape(status_tag_colour(status)),
                status=escape(EntryStatus(status).label),
            )
            for public_id, occurred_on, title, project_title, stage, significance, status in rows
        )
    )


@login_required
def entry_list(request):
    entries = ImpactEntry.objects.visible_to(request.user)
    project = None
    if request.GET.get("project"):
        project = _get_project(request, request.GET["project"])
        entries = entries.filter(project=project)
    can_log = permissions.can_log_any_impact(request.user)
    mine = EntryContributor.objects.filter(contributor=request.user)
    order, sort_links = sort_order(request, ENTRY_SORTS, "newest")
    # Counted as entries, then only the page read as rows (counting the rows would join the
    # projects the rows name).
    entries, query = paginate(request, entries.order_by(*order))
    entries.object_list = list(entries.object_list.values_list(*_ENTRY_ROW))
    entry_rows = _entry_table_rows(entries.object_list)
    mine, mine_query = paginate(request, mine.order_by("-entry__occurred_on", "pk"), param="mine_page")
    mine.object_list = mine.object_list.values("entry__public_id", "entry__title", "entry__project__title")
    return render(
        request,
        "impact/entry_list.html",
        {
            "entries": entries,
            "entry_rows": entry_rows,
            "query": query,
            "sort_links": sort_links,
            "project": project,
            "can_log": can_log,
            "mine": mine,
            "mine_query": mine_query,
        },
    )


def _feedback_initial(request, item_id) -> tuple[dict, Project | None]:
    """Prefill a new entry from a feedback item the user can see."""
    item = get_by_public_id_or_404(
        FeedbackItem.objects.filter(
            feedback__activity__project__in=_manageable_projects(request.user)
        ).select_related("feedback__activity__project"),
        item_id,
    )
    activity = item.feedback.activity
    return (
        {
            "title": item.you_said[:80],
            "stage": activity.project.stage,
            "occurred_on": activity.occurs_on,
            "hoped_to_influence": item.you_said,
            "outcome": "changed" if item.changed else "not_changed",
            "what_changed": item.we_did
            if item.changed
            else (item.why_not_text or item.get_why_not_reason_display()),
            "activities": [activity.pk],
            "feedback_items": [item.pk],
        },
        activity.project,
    )


@login_required
def entry_create(request):
    if not permissions.can_log_any_impact(request.user):
        raise PermissionDenied
    initial, project = {}, None
    if request.GET.get("feedback_item"):
        initial, project = _feedback_initial(request, request.GET["feedback_item"])
    elif request.GET.get("project"):
        project = _get_project(request, request.GET["project"])
    if project is None:
        chooser = ChooseProjectForm(projects=_manageable_projects(request.user))
        return render(request, "impact/entry_choose_project.html", {"form": chooser})
    if not permissions.can_log_impact(request.user, project):
        raise PermissionDenied
    initial.setdefault("stage", project.stage)
    initial.setdefault("occurred_on", timezone.localdate())
    form = EntryForm(request.POST or None, request.FILES or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(actor=request.user, project=project, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"Impact entry “{entry.title}” saved as a draft.")
            return redirect("impact:entry_detail", public_id=entry.public_id)
    return render(
        request,
        "impact/entry_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


@login_required
def entry_edit(request, public_id):
    entry = _get_entry(request, public_id)
    if not permissions.can_change_entry(request.user, entry):
        raise PermissionDenied
    initial = {
        **{f: getattr(entry, f) for f in services.ENTRY_FIELDS},
        "activities": list(entry.activities.values_list("pk", flat=True)),
        "contributors": list(entry.people.values_list("contributor_id", flat=True)),
        "feedback_items": list(entry.feedback_items.values_list("pk", flat=True)),
    }
    form = EntryForm(request.POST or None, request.FILES or None, project=entry.project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(actor=request.user, entry=entry, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "Impact entry saved.")
            return redirect("impact:entry_detail", public_id=entry.public_id)
    return render(
        request,
        "impact/entry_form.html",
        {"form": form, "project": entry.project, "entry": entry},
        status=400 if form.errors else 200,
    )


@login_required
def entry_detail(request, public_id):
    entry = _get_entry(request, public_id)
    user = request.user
    mention = entry.people.filter(contributor=user).first()
    reflection = entry.reflections.filter(contributor=user).first()
    reflections = entry.reflections.filter(contributor__is_active=True).select_related("contributor")
    can_change = permissions.can_change_entry(user, entry)
    people = entry.people.select_related("contributor").order_by("contributor__name")
    return render(
        request,
        "impact/entry_detail.html",
        {
            "entry": entry,
            "people": people if can_change else [],
            "reflections": reflections if can_change or mention else [],
            "mention": mention,
            "reflection_form": ReflectionForm(initial={"text": reflection.text if reflection else ""})
            if mention
            else None,
            "consent_form": ConsentForm(
                initial={"consents": "yes" if mention and mention.consents_to_be_named else "no"}
            )
            if mention
            else None,
            "can_change": can_change,
            "can_publish": permissions.can_publish_entry(user, entry),
            "can_see_evidence": can_change or bool(mention),
            "activities": entry.activities.all(),
            "feedback_items": entry.feedback_items.all(),
        },
    )


@login_required
def entry_evidence(request, public_id):
    """The evidence file, only to the people who can change the entry or are named on it."""
    entry = _get_entry(request, public_id)
    if not (
        permissions.can_change_entry(request.user, entry)
        or permissions.can_reflect_on_entry(request.user, entry)
    ):
        raise PermissionDenied
    if not entry.evidence_file:
        raise Http404
    return private_file_response(
        entry.evidence_file, filename=entry.evidence_file_name or "evidence", as_attachment=True
    )


@login_required
def entry_publish(request, public_id):
    """Review what the public page will show, then publish (or take it down)."""
    entry = _get_entry(request, public_id)
    if not permissions.can_publish_entry(request.user, entry):
        raise PermissionDenied
    form = PublishForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "unpublish":
            services.unpublish_entry(actor=request.user, entry=entry)
            messages.success(request, "The entry is no longer on the public page.")
            return redirect("impact:entry_detail", public_id=entry.public_id)
        if form.is_valid():
            services.publish_entry(actor=request.user, entry=entry, **form.cleaned_data)
            messages.success(request, "The entry is on the public “what changed” page.")
            return redirect("impact:entry_detail", public_id=entry.public_id)
    return render(
        request,
        "impact/entry_publish.html",
        {
            "entry": entry,
            "form": form,
            "named": entry.named_people(),
            "unnamed": entry.people.filter(consents_to_be_named=False).count(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def entry_reflect(request, public_id):
    entry = _get_entry(request, public_id)
    if not permissions.can_reflect_on_entry(request.user, entry):
        raise PermissionDenied
    form = ReflectionForm(request.POST)
    if form.is_valid():
        services.save_reflection(actor=request.user, entry=entry, text=form.cleaned_data["text"])
        messages.success(request, "Thank you: your reflection is saved.")
    else:
        messages.error(request, "Write your reflection before saving it.")
    return redirect("impact:entry_detail", public_id=entry.public_id)


@login_required
@require_POST
def entry_consent(request, public_id):
    """The contributor's own choice; or, with `person`, a coordinator recording the choice of
    someone who cannot sign in."""
    entry = _get_entry(request, public_id)
    person = None
    if request.POST.get("person"):
        if not permissions.can_change_entry(request.user, entry):
            raise PermissionDenied
        ids = public_ids([request.POST["person"]])
        mention = entry.people.select_related("contributor").filter(contributor__public_id__in=ids).first()
        if mention is None:
            raise Http404
        person = mention.contributor
    elif not permissions.can_reflect_on_entry(request.user, entry):
        raise PermissionDenied
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.set_naming_consent(
            actor=request.user, entry=entry, consents=form.cleaned_data["consents"], contributor=person
        )
        messages.success(
            request,
            f"{person.name}’s choice about being named is saved."
            if person
            else "Your choice about being named is saved.",
        )
    else:
        messages.error(
            request, "Choose whether we may name them." if person else "Choose whether we may name you."
        )
    return redirect("impact:entry_detail", public_id=entry.public_id)


# --- Cube check-ins ----------------------------------------------------------------------------


@login_required
def cube_checkin(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_check_in(request.user, project):
        raise PermissionDenied
    form = CubeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_cube_checkin(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, "Thank you: your check-in is saved.")
        return redirect("portal:project_detail", public_id=project.public_id)
    return render(
        request,
        "impact/cube_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


@login_required
def cube_results(request, public_id):
    project = _get_project(request, public_id)
    if not permissions.can_view_cube_results(request.user, project):
        raise PermissionDenied
    months = selectors.cube_over_time(project=project)
    chart = None
    if months:
        chart = reports.line_chart(
            f"Cube check-ins for {project.title}, monthly mean out of 10",
            [m["month"].strftime("%b %Y") for m in months],
            {label: [m[k] for m in months] for k, (label, *_rest) in CUBE_QUESTIONS.items()},
        )
    comments = CubeCheckIn.objects.filter(project=project).exclude(comments="").order_by("-answered_on")[:20]
    return render(
        request,
        "impact/cube_results.html",
        {
            "project": project,
            "months": months,
            "chart": chart,
            "questions": CUBE_QUESTIONS,
            "comments": comments,
        },
    )


# --- Public pages -------------------------------------------------------------------------------


def _public_entries():
    return (
        ImpactEntry.objects.published()
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=EntryContributor.objects.filter(consents_to_be_named=True).select_related(
                    "contributor"
                ),
            )
        )
        .order_by("-published_at", "-pk")
    )


def public_changes(request):
    """The organisation's public "what changed" page: published entries only, newest first,
    a page at a time; its body is cached (impact.public_cache)."""
    return _public_page(request, None)


def public_project_changes(request, public_id):
    project = get_object_or_404(
        Project.objects.filter(impact_entries__status=EntryStatus.PUBLISHED).distinct(), public_id=public_id
    )
    return _public_page(request, project)


def _public_page(request, project):
    key = public_cache.key(
        project.pk if project else "all", request.GET.get("page", ""), request.GET.get("projects_page", "")
    )
    body = cache.get(key) if settings.PORTAL_SHARED_CACHE else None
    if body is None:
        entries = _public_entries()
        context = {"project": project, "standards": UKStandard}
        if project is None:
            published = Q(impact_entries__status=EntryStatus.PUBLISHED)
            nothing_changed = Q(impact_entries__outcome=Outcome.NOT_CHANGED)
            # "Nothing changed" is worth publishing, but it is not a change: counted on its own.
            projects = (
                Project.objects.filter(published)
                .annotate(
                    n=Count("impact_entries", filter=published & ~nothing_changed),
                    unchanged=Count("impact_entries", filter=published & nothing_changed),
                )
                .order_by("title", "pk")
            )
            context["projects"], context["projects_query"] = paginate(
                request, projects, param="projects_page"
            )
        else:
            entries = entries.filter(project=project)
        context["entries"], context["entries_query"] = paginate(request, entries)
        # No request: the body must not depend on who is looking (nor run context processors).
        body = render_to_string("impact/partials/public_changes_body.html", context)
        if settings.PORTAL_SHARED_CACHE:
            cache.set(key, body, public_cache.TIMEOUT)
    return render(request, "impact/public_changes.html", {"body": mark_safe(body), "project": project})


# --- Certificates -------------------------------------------------------------------------------


@login_required
def certificate_list(request):
    """A contributor's certificates, and the button to make a new one."""
    if not permissions.can_get_own_certificate(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            cert = services.issue_own_certificate(actor=request.user)
        except PortalError as exc:
            show_error(request, exc)
        else:
            messages.success(request, f"Your certificate is ready. Its verification code is {cert.code}.")
        return redirect("impact:certificate_list")
    certificates = Certificate.objects.filter(contributor=request.user).select_related("project")
    return render(request, "impact/certificate_list.html", {"certificates": certificates})


@login_required
def certificate_download(request, public_id):
    """The certificate's owner, or a coordinator of its project, or a manager."""
    cert = get_object_or_404(
        Certificate.objects.select_related("project", "contributor"), public_id=public_id
    )
    if not permissions.can_download_certificate(request.user, cert):
        raise Http404
    return pdf_response(reports.certificate_pdf(cert), f"certificate-{cert.code}.pdf")


@login_required
def project_certificates(request, public_id):
    """Coordinators make certificates for everyone who took part in a project, in the background."""
    project = _get_project(request, public_id)
    if not permissions.can_issue_project_certificates(request.user, project):
        raise PermissionDenied
    if request.method == "POST":
        report = services.request_report(actor=request.user, kind=ReportKind.CERTIFICATES, project=project)
        return redirect("impact:report_detail", public_id=report.public_id)
    people = (
        project.activities.filter(participations__status="attended")
        .values("participations__contributor")
        .distinct()
        .count()
    )
    return render(request, "impact/project_certificates.html", {"project": project, "people": people})


def verify(request):
    """Public: is this certificate code genuine?"""
    form = VerifyForm(request.GET or None)
    certificate = None
    checked = False
    if form.is_bound and form.is_valid():
        checked = True
        certificate = Certificate.objects.filter(code=form.cleaned_data["code"]).first()
    return render(
        request,
        "impact/verify.html",
        {
            "form": form,
            "certificate": certificate,
            "checked": checked,
            "cert": reports.certificate_context(certificate) if certificate else None,
            "erased": certificate is not None and selectors.is_erased(certificate.contributor),
        },
        status=400 if form.errors else 200,
    )


# --- Reports -------------------------------------------------------------------------------------


@login_required
def report_list(request):
    if not permissions.can_request_any_report(request.user):
        raise PermissionDenied
    user = request.user
    projects = _manageable_projects(user)
    form = ReportForm(
        request.POST or None,
        projects=projects,
        organisation=permissions.can_request_report(user, None),
        initial={
            "start_on": timezone.localdate() - timedelta(days=365),
            "end_on": timezone.localdate(),
            "kind": "diversity",
            # Linked from a project page: that project chosen already.
            "project": request.GET.get("project", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.request_report(actor=user, **form.cleaned_data)
        except PortalError as exc:
            show_error(request, exc, form=form)
        else:
            return redirect("impact:report_detail", public_id=report.public_id)
    reports_made = ReportRequest.objects.visible_to(user).select_related("project")[:20]
    return render(
        request,
        "impact/report_list.html",
        {"form": form, "reports": reports_made, "keep_days": settings.PORTAL_IMPACT_REPORT_KEEP_DAYS},
        status=400 if form.errors else 200,
    )


def _get_report(request, public_id) -> ReportRequest:
    return get_object_or_404(
        ReportRequest.objects.visible_to(request.user).select_related("project"), public_id=public_id
    )


@login_required
def report_detail(request, public_id):
    report = _get_report(request, public_id)
    return render(
        request,
        "impact/report_detail.html",
        {"report": report, "keep_days": settings.PORTAL_IMPACT_REPORT_KEEP_DAYS},
    )


@login_required
def report_download(request, public_id, fmt):
    report = _get_report(request, public_id)
    # Permission again at download: a coordinator who left the project loses its reports.
    if not permissions.can_download_report(request.user, report):
        raise PermissionDenied
    field = {"pdf": report.pdf_file, "csv": report.csv_file, "zip": report.zip_file}.get(fmt)
    if not field:
        raise Http404
    content_type = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "zip": "application/zip"}[fmt]
    # The stored key is random; the person gets a name that says what the report is.
    filename = f"{services.report_file_stem(report)}.{fmt}"
    return private_file_response(field, filename=filename, as_attachment=True, content_type=content_type)
