"""What this app adds to the portal: page and home panels, navigation, the expiring-checks
reminder, sections of a person's data download and of the impact report, and the warning
when a coordinator picks someone for a role whose requirement they do not meet."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

CHECK_EXPIRING = "coproduction.check_expiring"


def _project_panel(request, project):
    from . import permissions, selectors
    from .models import Decision, GroundRulesAgreement

    user = request.user
    if not permissions.can_view_log(user, project):
        return None
    rules = selectors.current_rules(project)
    agreed = (
        GroundRulesAgreement.objects.filter(rules=rules) if rules else GroundRulesAgreement.objects.none()
    )
    return {
        "project": project,
        "rules": rules,
        "agreed": agreed.count(),
        "team": len(selectors.team(project)),
        "i_agreed": rules is not None and agreed.filter(person=user).exists(),
        "decisions": Decision.objects.filter(project=project).count(),
        "levels": selectors.level_counts([project]),
        "level_headings": selectors.level_headings(),
        "can_keep": permissions.can_keep_log(user, project),
    }


def _activity_panel(request, activity):
    """On a training activity, for its coordinators: which course it is a session of."""
    from portal.models import ActivityKind
    from portal.permissions import can_manage_activity

    from .forms import CourseSessionForm
    from .models import Course

    if activity.kind != ActivityKind.TRAINING or not can_manage_activity(request.user, activity):
        return None
    return {
        "activity": activity,
        "courses": list(Course.objects.filter(activities=activity)),
        "form": CourseSessionForm(),
    }


def _contributor_home(request):
    from portal import figures

    from . import selectors
    from .models import GroundRules, GroundRulesAgreement

    user = request.user

    def compute():
        projects = list(
            selectors.log_projects(user).filter(role_assignments__contributor=user).distinct()[:10]
        )
        agreed = set(
            GroundRulesAgreement.objects.filter(person=user, rules__project__in=projects).values_list(
                "rules_id", flat=True
            )
        )
        latest: dict[int, int] = {}  # project -> its current rules, newest version first
        for project_id, rules_id in (
            GroundRules.objects.filter(project__in=projects).order_by("-version").values_list("project", "pk")
        ):
            latest.setdefault(project_id, rules_id)
        logs = [{"project": p, "to_agree": p.pk in latest and latest[p.pk] not in agreed} for p in projects]
        return {"logs": logs, "expiring": list(selectors.checks_expiring().filter(person=user))}

    # Kept for the person until they or staff save a check, a role or ground rules (portal.figures).
    return figures.cached("coproduction:contributor", compute, scope=figures.person(user))


def _staff_home(request):
    from portal import figures

    from . import selectors

    user = request.user

    def expiring():
        checks = (
            selectors.checks_visible_to(user)
            .filter(pk__in=selectors.checks_expiring().values("pk"))
            .select_related("person")
        )
        return {"expiring": list(checks[:5]), "more": max(checks.count() - 5, 0)}

    # Other people's checks in the person's scope: cached for them (portal.figures).
    return figures.cached("coproduction:expiring", expiring, scope=figures.person(user))


def _person_panel(request, contributor):
    from . import permissions
    from .models import CheckRecord, LearningRecord

    user = request.user
    own = contributor.user_id == user.pk
    if not own and not permissions.can_record_for_others(user):
        return None
    return {
        "contributor": contributor,
        "own": own,
        "learning": LearningRecord.objects.filter(person=contributor.user).select_related("course")[:10],
        "checks": CheckRecord.objects.filter(person=contributor.user)[:10],
        "today": timezone.localdate(),
    }


def _role_warnings(*, people, project, role_type):
    from .selectors import unmet_requirements

    return unmet_requirements(people=people, project=project, role_type=role_type)


def _data_export(user) -> dict:
    from contributors.data_export import Records

    from .models import CheckRecord, GroundRulesAgreement, LearningRecord, Reflection

    return {
        "learning": Records(
            LearningRecord.objects.filter(person=user).select_related("course"),
            lambda r: {
                "course": r.course.title,
                "provider": r.course.provider,
                "completed_on": r.completed_on.isoformat(),
                "evidence": r.evidence,
                "recorded": r.get_source_display(),
                "on_certificate": r.on_certificate,
            },
        ),
        "checks": Records(
            CheckRecord.objects.filter(person=user).order_by("expires_on", "pk"),
            lambda c: {
                "check": c.get_check_kind_display(),
                "checked_on": c.checked_on.isoformat(),
                "expires_on": c.expires_on.isoformat(),
                "reference": c.reference,
            },
        ),
        "ground_rules_agreed": Records(
            GroundRulesAgreement.objects.filter(person=user)
            .select_related("rules__project")
            .order_by("agreed_at", "pk"),
            lambda a: {
                "project": a.rules.project.title,
                "version": a.rules.version,
                "agreed_at": a.agreed_at.isoformat(),
                "how": a.get_method_display(),
            },
        ),
        "reflections": Records(
            Reflection.objects.filter(author=user).select_related("project").order_by("-created_at", "pk"),
            lambda r: {
                "project": r.project.title,
                "stage": r.get_stage_display(),
                "written_at": r.created_at.isoformat(),
                "who_can_read_it": r.get_visibility_display(),
                "answers": dict(r.answers()),
            },
        ),
    }


# --- Impact report sections --------------------------------------------------------------------


def _report_levels(*, projects, start, end):
    from .selectors import level_counts

    rows = level_counts(projects)
    if not rows:
        return None
    # Measure/value rows, the same in the PDF and the CSV.
    return {
        "heading": "2. Methods: people in roles by involvement level",
        "title": "People in roles, by involvement level",
        "rows": [
            (f"{r['stage']}: {lv['label']}", str(lv["n"])) for r in rows for lv in r["levels"] if lv["n"]
        ],
    }


def _report_decisions(*, projects, start, end):
    from portal.models import Role

    from .models import ViewsChangedIt
    from .selectors import decisions_with_contributors

    decisions = []
    for d in decisions_with_contributors(projects, start, end):
        people = list(d.participants.all())
        contributors = [p for p in people if any(g.name == Role.CONTRIBUTOR for g in p.groups.all())]
        decisions.append(
            {
                "title": d.title,
                "project": d.project.title,
                "decided_on": d.decided_on,
                "stage": d.get_stage_display(),
                "method": d.get_method_display(),
                "options": d.options,
                "contributors": len(contributors),
                "staff": len(people) - len(contributors),
                "views_changed_it": d.get_views_changed_it_display(),
                "how": d.how_views_changed_it,
                "impact_entries": [e.title for e in d.impact_entries.all()],
            }
        )
    changed = [d["views_changed_it"] for d in decisions]
    return {
        "heading": "4. Key decisions taken with contributors",
        "title": "Key decisions taken with contributors",
        "decisions": decisions,
        "rows": [
            ("Key decisions taken with contributors", str(len(decisions))),
            *[
                (f"Contributors' views changed it: {label}", str(changed.count(label)))
                for label in ViewsChangedIt.labels
            ],
        ],
    }


def _report_reflections(*, projects, start, end):
    from .selectors import shareable_reflections

    reflections = [
        {"stage": r.get_stage_display(), "project": r.project.title, "answers": r.answers()}
        for r in shareable_reflections(projects, start, end)
    ]
    return {
        "heading": "5. Reflections: critical perspective from the team",
        "title": "Critical perspective from the team",
        "reflections": reflections,
        "rows": [("Reflections shared for reports", str(len(reflections)))],
    }


def _certificate_learning(*, contributor, project=None):
    """The learning the person chose to show on their certificate (all of it, whatever the
    project: learning belongs to the person)."""
    from .models import LearningRecord

    records = LearningRecord.objects.filter(person=contributor, on_certificate=True).select_related("course")
    rows = [
        (f"{r.course.title} ({r.course.provider})", f"{r.completed_on:%-d %B %Y}")
        for r in records.order_by("completed_on")
    ]
    return {"heading": "Learning", "title": "Learning and development", "rows": rows} if rows else None


# --- Reminders ---------------------------------------------------------------------------------


def check_expiry_sweep(*, now, dry_run: bool) -> list[str]:
    """Tell the person and the coordinators of their current roles, once per check, that a
    check expires within PORTAL_CHECK_REMINDER_DAYS."""
    from contributors.models import RoleAssignment
    from portal.links import absolute_reverse
    from portal.models import Project
    from portal.reminders import send_reminder_once

    from .models import CheckRecord

    today = timezone.localdate(now)
    due = CheckRecord.objects.filter(
        expires_on__gte=today, expires_on__lte=today + timedelta(days=settings.PORTAL_CHECK_REMINDER_DAYS)
    ).select_related("person__contributor", "recorded_by")
    people = {c.person_id for c in due}
    projects_of: dict[int, set[int]] = {}
    for person_id, project_id in (
        RoleAssignment.objects.filter(contributor_id__in=people)
        .current()
        .values_list("contributor", "project")
    ):
        projects_of.setdefault(person_id, set()).add(project_id)
    projects = Project.objects.filter(pk__in={p for ps in projects_of.values() for p in ps})
    team_of = {
        p.pk: {p.lead, *p.coordinators.all()}
        for p in projects.select_related("lead").prefetch_related("coordinators")
    }
    lines = []
    for check in due:
        staff = {u for pid in projects_of.get(check.person_id, ()) for u in team_of[pid]}
        # Someone with no current role: the coordinator who recorded the check is told.
        staff = staff or {check.recorded_by}
        recipients = [check.person, *sorted(staff - {check.person}, key=lambda u: u.pk)]
        for recipient in recipients:
            outcome = send_reminder_once(
                kind=CHECK_EXPIRING,
                object_key=str(check.public_id),
                recipient=recipient,
                period=check.expires_on.isoformat(),
                template="coproduction_check_expiring",
                context={
                    "check": check,
                    "is_self": recipient.pk == check.person_id,
                    "url": absolute_reverse("coproduction:checks"),
                },
                dry_run=dry_run,
            )
            if outcome.sent:
                lines.append(f"{check.get_check_kind_display()} of {check.person} expiring: told {recipient}")
            elif outcome.reason == "no email" and recipient.pk == check.person_id:
                lines += _tell_offline_person(check, dry_run=dry_run)
    return lines


def _tell_offline_person(check, *, dry_run: bool) -> list[str]:
    """Someone with no email (a person a coordinator acts for) is told by letter or phone, as
    every other reminder does: a letter or call on the coordinators' list, once per check."""
    from django.db import transaction

    from contributors.services.reaching import add_contact_task
    from portal.reminders import record_offline_reminder

    person = check.person
    profile = getattr(person, "contributor", None)
    if profile is None or dry_run:
        return []
    channel = "phone" if profile.contact_method == "phone" and profile.phone else "post"
    what, when = check.get_check_kind_display(), f"{check.expires_on:%A %-d %B %Y}"
    with transaction.atomic():  # the note and the task go together or not at all
        if not record_offline_reminder(
            kind=CHECK_EXPIRING,
            object_key=str(check.public_id),
            recipient=person,
            period=check.expires_on.isoformat(),
            channel=channel,
        ):
            return []
        add_contact_task(
            user=person,
            channel=channel,
            subject=f"{what} expiring",
            body=f"Tell {person} that their {what} expires on {when}, and arrange the renewal with them.",
            letter=(
                f"Your {what} expires on {when}. Some roles need it to be up to date. We will be in "
                "touch about renewing it; you do not need to do anything else."
            ),
        )
    return [
        f"{what} of {person} expiring: added to the list to {'phone' if channel == 'phone' else 'write to'}"
    ]


def register() -> None:
    from contributors.data_export import register_section
    from contributors.models import RoleAssignment
    from contributors.selectors import register_role_warning
    from portal import dashboard, figures, reminders
    from portal.models import Role

    from .models import CheckRecord, GroundRules, GroundRulesAgreement

    figures.forget_on_change("coproduction", CheckRecord, RoleAssignment, GroundRules, GroundRulesAgreement)
    dashboard.register_panel(
        role="project", template="coproduction/panels/project.html", context=_project_panel, order=25
    )
    dashboard.register_panel(
        role="activity",
        template="coproduction/panels/activity.html",
        context=_activity_panel,
        order=60,
    )
    dashboard.register_panel(
        role="person", template="coproduction/panels/person.html", context=_person_panel, order=50
    )
    dashboard.register_panel(
        role=Role.CONTRIBUTOR,
        template="coproduction/panels/home_contributor.html",
        context=_contributor_home,
        order=40,
        figures=lambda request: [("coproduction:contributor", figures.person(request.user))],
    )
    for role in (Role.COORDINATOR, Role.MANAGER):
        dashboard.register_panel(
            role=role,
            template="coproduction/panels/home_staff.html",
            context=_staff_home,
            order=40,
            figures=lambda request: [("coproduction:expiring", figures.person(request.user))],
        )
    dashboard.register_nav(
        label="Learning",
        url_name="coproduction:my_learning",
        roles=(Role.CONTRIBUTOR,),
        order=35,
        match_prefix="/coproduction/learning/",
    )
    dashboard.register_nav(
        label="Checks", url_name="coproduction:checks", roles=(Role.COORDINATOR, Role.MANAGER), order=42
    )
    dashboard.register_report_section(
        report="impact", slot="methods", template="coproduction/pdf/levels.html", context=_report_levels
    )
    dashboard.register_report_section(
        report="impact",
        slot="influence",
        template="coproduction/pdf/decisions.html",
        context=_report_decisions,
    )
    dashboard.register_report_section(
        report="impact",
        slot="reflections",
        template="coproduction/pdf/reflections.html",
        context=_report_reflections,
    )
    dashboard.register_report_section(
        report="certificate",
        slot="after_roles",
        template="coproduction/pdf/rows.html",
        context=_certificate_learning,
    )
    register_section(
        "learning_checks_and_coproduction",
        _data_export,
        title="Learning, checks and co-production",
        about="Courses and training you completed, DBS and other checks, the ground rules you "
        "agreed to and the reflections you wrote.",
    )
    register_role_warning(_role_warnings)
    reminders.register_kind(
        CHECK_EXPIRING, "When a DBS check or training you or your team need is about to expire"
    )
    reminders.register_sweep("coproduction-check-expiry", check_expiry_sweep)
