"""Figures for a self-assessment, filled in from the portal's own records for one period.

Each source answers for a project (or the whole organisation when `project` is None) between
two dates, as [label, figure] pairs with the figure as text: what a funder reads, not a float.
A framework's standard names its source (Standard.evidence_source), so a new framework reuses them.
"""

from datetime import date

from django.db.models import Q

from portal.models import Project
from portal.money import percentage

from .models import EvidenceSource, Introduction

GOVERNANCE_ROLES = ("co_applicant", "steering_committee", "advisory_group", "panel_member")


def _scoped(qs, project: Project | None, path: str = "project"):
    return qs.filter(**{path: project}) if project is not None else qs


def _share(part: int, whole: int) -> str:
    """ "7 of 8 (88%)": a whole percentage, rounded half up as people expect."""
    if not whole:
        return f"{part} of {whole}"
    percent = percentage(part, whole, places=0)
    return f"{part} of {whole} ({percent}%)"


def inclusive_opportunities(project, start: date, end: date) -> list[list[str]]:
    from contributors.models import ExpressionOfInterest, Opportunity

    opportunities = _scoped(Opportunity.objects.filter(created_at__date__range=(start, end)), project)
    interests = _scoped(
        ExpressionOfInterest.objects.filter(created_at__date__range=(start, end)),
        project,
        "opportunity__project",
    )
    applicants = set(interests.values_list("contributor", flat=True))
    through_partners = Introduction.objects.filter(user__in=applicants).count()
    return [
        ["Opportunities advertised", str(opportunities.count())],
        ["Expressions of interest", str(interests.count())],
        ["People who applied", str(len(applicants))],
        ["Applicants introduced by a community partner", _share(through_partners, len(applicants))],
    ]


def working_together(project, start: date, end: date) -> list[list[str]]:
    from contributors.models import RoleAssignment

    from .models import LinkRole, PartnerLink

    roles = _scoped(RoleAssignment.objects.filter(starts_on__range=(start, end)), project)
    agreed = roles.filter(accepted_at__isnull=False).count()
    links = _scoped(PartnerLink.objects.filter(role=LinkRole.CO_DELIVER), project)
    return [
        ["Roles started", str(roles.count())],
        ["Role agreements accepted", _share(agreed, roles.count())],
        ["Community partners co-delivering", str(links.values("partner").distinct().count())],
    ]


def support_and_learning(project, start: date, end: date) -> list[list[str]]:
    # Learning records arrive with the co-production app; until then this is written evidence.
    return [["Learning records", "Not recorded in the portal: describe them in words"]]


def communications(project, start: date, end: date) -> list[list[str]]:
    from feedback.models import FeedbackOwed

    from .models import PartnerFeedback

    owed = _scoped(
        FeedbackOwed.objects.filter(due_on__range=(start, end)), project, "participation__activity__project"
    )
    given = owed.exclude(given_at__isnull=True)
    on_time = sum(
        1 for given_at, due_on in given.values_list("given_at", "due_on") if given_at.date() <= due_on
    )
    partner_feedback = _scoped(PartnerFeedback.objects.filter(sent_at__date__range=(start, end)), project)
    return [
        ["Feedback owed to contributors", str(owed.count())],
        ["Feedback given on time", _share(on_time, owed.count())],
        ["Feedback sent to community partners", str(partner_feedback.count())],
    ]


def impact(project, start: date, end: date) -> list[list[str]]:
    from impact.models import EntryStatus, ImpactEntry, Outcome

    entries = _scoped(ImpactEntry.objects.filter(occurred_on__range=(start, end)), project)
    changed = entries.filter(outcome__in=(Outcome.CHANGED, Outcome.PARTLY)).count()
    return [
        ["Impact entries", str(entries.count())],
        ["Where something changed, at least partly", _share(changed, entries.count())],
        ["Published", str(entries.filter(status=EntryStatus.PUBLISHED).count())],
    ]


def governance(project, start: date, end: date) -> list[list[str]]:
    from contributors.models import RoleAssignment

    held = _scoped(
        RoleAssignment.objects.filter(role_type__in=GOVERNANCE_ROLES, starts_on__lte=end).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=start)
        ),
        project,
    )
    return [
        ["Contributors in governance roles", str(held.values("contributor").distinct().count())],
        ["Governance roles held", str(held.count())],
    ]


SOURCES = {
    EvidenceSource.INCLUSIVE_OPPORTUNITIES: inclusive_opportunities,
    EvidenceSource.WORKING_TOGETHER: working_together,
    EvidenceSource.SUPPORT_AND_LEARNING: support_and_learning,
    EvidenceSource.COMMUNICATIONS: communications,
    EvidenceSource.IMPACT: impact,
    EvidenceSource.GOVERNANCE: governance,
}


def period(year: int) -> tuple[date, date]:
    """A financial year: 1 April to 31 March."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def figures_for(source: str, project: Project | None, year: int) -> list[list[str]]:
    fn = SOURCES.get(source)
    return fn(project, *period(year)) if fn else []
