"""Reads that aggregate: how many people came through each partner, and how the diversity of
people reached through partners compares with everyone else. Counts only, never who."""

from django.db.models import Count, Q

from payments.spend import COUNTED, spend_sums
from portal.models import Project, User

from .models import Introduction, Partner, PartnerInvoice, StandardAnswer


def reach_by_partner(*, partners, project: Project | None = None) -> list[dict]:
    """Per partner: people it introduced, and how many of them took part (in `project`, if given)."""
    took_part = Q(introductions__user__participations__isnull=False)
    if project is not None:
        took_part = Q(introductions__user__participations__activity__project=project)
    rows = partners.annotate(
        introduced=Count("introductions", distinct=True),
        took_part=Count("introductions__user", filter=took_part, distinct=True),
    ).order_by("name")
    return [{"partner": p, "introduced": p.introduced, "took_part": p.took_part} for p in rows]


def people_reached(project: Project | None = None):
    """Contributors who took part in something (in `project`, if given)."""
    q = Q(participations__isnull=False) if project is None else Q(participations__activity__project=project)
    return User.objects.filter(q).distinct()


def diversity_through_partners(project: Project | None = None) -> dict:
    """The suppressed comparison: people reached through partners ("pool") against the rest ("group")."""
    from contributors.selectors import diversity_comparison

    reached = people_reached(project)
    introduced = set(Introduction.objects.filter(user__in=reached).values_list("user", flat=True))
    people = list(reached)
    through = [u for u in people if u.pk in introduced]
    rest = [u for u in people if u.pk not in introduced]
    # The differencing guard is keyed per page, so one more person joining a project's
    # partners and looking again does not reveal that person's answers.
    key = f"partners-reach:{project.public_id if project else 'organisation'}"
    return diversity_comparison(pool=through, group=rest, key=key)


def last_year_answers(assessment) -> dict[int, StandardAnswer]:
    """Last year's answers for the same framework and scope, by standard id, to compare with."""
    answers = StandardAnswer.objects.filter(
        assessment__framework=assessment.framework_id,
        assessment__project=assessment.project_id,
        assessment__year=assessment.year - 1,
    )
    return {a.standard_id: a for a in answers}


def partners_for_project(project: Project):
    return Partner.objects.filter(links__project=project).distinct().order_by("name")


def invoice_spend(*, project=None, start=None, end=None) -> dict[int, dict]:
    """Partners' invoices against each project's budget (payments.spend): committed (approved
    or paid) by the invoice's date, paid by the date paid, and waiting for a decision. One
    GROUP BY over the invoices."""
    invoices = PartnerInvoice.objects.filter(status__in=COUNTED)
    if project is not None:
        invoices = invoices.filter(project=project)
    rows = (
        invoices.order_by()
        .values("project")
        .annotate(**spend_sums(amount="amount", work_date="invoiced_on", start=start, end=end))
    )
    return {row.pop("project"): row for row in rows}
