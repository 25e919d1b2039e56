"""Reads that aggregate: the anonymous diversity picture a coordinator sees when choosing people."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from portal import figures
from portal.models import User
from portal.suppression import SUPPRESSED, guard_population, suppressed_text

from . import equality
from .models import Contributor, DiversityRecord, RoleAssignment

NOT_ANSWERED = "Not answered or prefer not to say"

# Apps that know why someone should not yet take a role (a DBS check they lack) register
# `fn(*, people, project, role_type) -> {user pk: [reason, ...]}` in their AppConfig.ready().
ROLE_WARNINGS: list = []


def own_profile(user: User) -> Contributor | None:
    """A person's profile for pages that only read it, with when they last gave equality
    answers (`equality_updated_at`, None if never) and their benefit answer
    (`benefit_answer`), in one query. Services fetch (and lock) their own."""
    from django.db.models import OuterRef, Subquery

    from .models import BenefitAnswer

    if user is None or not user.is_authenticated:
        return None
    return (
        Contributor.objects.select_related("user")
        .filter(user=user)
        .annotate(
            equality_updated_at=Subquery(
                DiversityRecord.objects.filter(user=OuterRef("user")).values("updated_at")[:1]
            ),
            benefit_answer=Subquery(
                BenefitAnswer.objects.filter(user=OuterRef("user")).values("benefit")[:1]
            ),
        )
        .first()
    )


@dataclass(frozen=True)
class HomeProfile:
    """What the home page's panels read of the person's profile (own_profile's answers)."""

    receives_benefits: bool
    equality_updated_at: datetime | None
    benefit_answer: str | None


def request_profile(request) -> HomeProfile | None:
    """The signed-in person's profile as the home page's panels read it, asked once a request
    for all of them: three values, not the profile and its user as objects (own_profile), on
    the most visited page. Kept for the person with their roles and interests (home_facts)."""
    if not hasattr(request, "_own_profile"):
        request._own_profile = home_facts(request.user)["profile"]
    return request._own_profile


def home_facts(user: User) -> dict:
    """What the contributor's home shows of their profile, current roles and open
    expressions of interest: kept for the person (portal.figures, the "contributors" area)
    until they or staff save or delete one of those rows, or the opportunity or project it
    names; three queries on every visit of the most visited page otherwise. A role that
    starts or ends with the day shows within the figure's minute."""
    return figures.cached("contributors:home", lambda: _home_facts(user), scope=figures.person(user))


def _home_facts(user: User) -> dict:
    from .models import ExpressionOfInterest, InterestStatus

    # One row at most, so no order: a profile, equality answers and benefit answer each are
    # one per person.
    rows = Contributor.objects.filter(user=user).values_list(
        "receives_benefits", "user__diversity_record__updated_at", "user__benefit_answer__benefit"
    )[:1]
    return {
        "profile": HomeProfile(*rows[0]) if rows else None,
        # Only what the panel shows.
        "roles": list(
            RoleAssignment.objects.filter(contributor=user)
            .current()
            .select_related("project")
            .only("role_type", "role_description", "starts_on", "ends_on", "project__title")
        ),
        "interests": list(
            ExpressionOfInterest.objects.filter(contributor=user, status=InterestStatus.INTERESTED)
            .order_by("-created_at")
            .values("opportunity__public_id", "opportunity__title")[:5]
        ),
    }


def register_role_warning(fn) -> None:
    ROLE_WARNINGS.append(fn)


def role_warnings(*, people, project, role_type: str) -> dict[int, list[str]]:
    """Why each of these people does not yet meet this role's requirements (none: not there)."""
    out: dict[int, list[str]] = {}
    for fn in ROLE_WARNINGS:
        for pk, reasons in fn(people=people, project=project, role_type=role_type).items():
            out.setdefault(pk, []).extend(reasons)
    return out


def _dimensions(records: list[DiversityRecord], people: int) -> list[dict]:
    today = timezone.localdate()
    answered = len(records)

    def tally(label_of, labels: dict[str, str]) -> dict[str, int]:
        counts = Counter(label_of(r) for r in records)
        out = {label: counts.get(code, 0) for code, label in labels.items()}
        out[NOT_ANSWERED] = people - sum(out.values())
        return out

    age_labels = {label: label for label, _low, _high in equality.AGE_BANDS}
    return [
        {
            "name": "Ethnic group",
            "counts": tally(lambda r: r.ethnic_group_code, equality.ETHNIC_GROUPS),
        },
        {
            "name": "Disability",
            "counts": tally(lambda r: r.disability_category, equality.DISABILITY_CATEGORIES),
        },
        {
            "name": "Sex",
            "counts": tally(lambda r: r.sex, {"female": "Female", "male": "Male"}),
        },
        {
            "name": "Age",
            "counts": tally(lambda r: equality.age_band(r.year_of_birth, today), age_labels),
        },
    ], answered


def diversity_comparison(*, pool: list[User], group: list[User], key: str) -> dict:
    """Aggregate-only, suppressed: the pool of interested people against the current group.

    Each side goes through the differencing guard (keyed by `key`, e.g. the opportunity), so
    choosing one more person and looking again does not show that person's answers."""
    threshold = settings.PORTAL_SMALL_NUMBER_THRESHOLD
    sides = {}
    for side, people in (("pool", pool), ("group", group)):
        guarded = guard_population(
            kind="user", key=f"{side}:{key}", population={u.pk for u in people}, threshold=threshold
        )
        sides[side] = guarded
    pool_ids, group_ids = sides["pool"].population, sides["group"].population
    pool_size = len(pool_ids) if pool_ids is not None else len(pool)
    group_size = len(group_ids) if group_ids is not None else len(group)
    out = {"threshold": threshold, "pool_size": pool_size, "group_size": group_size, "rows": []}
    pool_records = list(DiversityRecord.objects.filter(user__in=pool_ids or ()))
    group_records = list(DiversityRecord.objects.filter(user__in=group_ids or ()))
    pool_dims, _ = _dimensions(pool_records, pool_size)
    group_dims, _ = _dimensions(group_records, group_size)
    show_pool = pool_ids is not None and pool_size >= threshold
    show_group = group_ids is not None and group_size >= threshold
    for p_dim, g_dim in zip(pool_dims, group_dims, strict=True):
        p = suppressed_text(p_dim["counts"], threshold) if show_pool else {}
        g = suppressed_text(g_dim["counts"], threshold) if show_group else {}
        out["rows"].append(
            {
                "name": p_dim["name"],
                "categories": [
                    {"label": label, "pool": p.get(label, "–"), "group": g.get(label, "–")}
                    for label in p_dim["counts"]
                ],
            }
        )
    out["show_pool"], out["show_group"] = show_pool, show_group
    out["held_since"] = max((g.held_since for g in sides.values() if g.held_since), default=None)
    out["withheld"] = pool_ids is None or group_ids is None
    out["suppressed"] = SUPPRESSED
    return out


def current_group(project) -> list[User]:
    """People who hold a current role on the project."""
    ids = RoleAssignment.objects.filter(project=project).current().values("contributor")
    return list(User.objects.filter(pk__in=ids))


def wants_large_print(user) -> bool:
    """Whether what we print for this person (letters, statements, certificates) is large print."""
    profile = Contributor.objects.filter(user=user).only("access_needs").first()
    return profile is not None and profile.wants_large_print
