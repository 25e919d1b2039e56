"""Reads that aggregate: the anonymous diversity picture a coordinator sees when choosing people."""

from collections import Counter

from django.conf import settings
from django.utils import timezone

from portal.models import User

from . import equality
from .models import Contributor, DiversityRecord, RoleAssignment

NOT_ANSWERED = "Not answered or prefer not to say"

# Apps that know why someone should not yet take a role (a DBS check they lack) register
# `fn(*, people, project, role_type) -> {user pk: [reason, ...]}` in their AppConfig.ready().
ROLE_WARNINGS: list = []


def register_role_warning(fn) -> None:
    ROLE_WARNINGS.append(fn)


def role_warnings(*, people, project, role_type: str) -> dict[int, list[str]]:
    """Why each of these people does not yet meet this role's requirements (none: not there)."""
    out: dict[int, list[str]] = {}
    for fn in ROLE_WARNINGS:
        for pk, reasons in fn(people=people, project=project, role_type=role_type).items():
            out.setdefault(pk, []).extend(reasons)
    return out


def suppress(counts: dict[str, int], threshold: int | None = None) -> dict[str, str]:
    """Counts as text with small numbers hidden. A count from 1 to threshold-1 shows as
    "fewer than N"; if only one cell is hidden, the next smallest is hidden too, so that the
    hidden one cannot be worked out from the total."""
    threshold = settings.PORTAL_SMALL_NUMBER_THRESHOLD if threshold is None else threshold
    hidden = {k for k, v in counts.items() if 0 < v < threshold}
    if len(hidden) == 1:
        others = sorted((v, k) for k, v in counts.items() if k not in hidden and v > 0)
        if others:
            hidden.add(others[0][1])
    return {k: (f"fewer than {threshold}" if k in hidden else str(v)) for k, v in counts.items()}


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


def diversity_comparison(*, pool: list[User], group: list[User]) -> dict:
    """Aggregate-only, suppressed: the pool of interested people against the current group."""
    threshold = settings.PORTAL_SMALL_NUMBER_THRESHOLD
    out = {"threshold": threshold, "pool_size": len(pool), "group_size": len(group), "rows": []}
    pool_records = list(DiversityRecord.objects.filter(user__in=pool))
    group_records = list(DiversityRecord.objects.filter(user__in=group))
    pool_dims, _ = _dimensions(pool_records, len(pool))
    group_dims, _ = _dimensions(group_records, len(group))
    show_pool = len(pool) >= threshold
    show_group = len(group) >= threshold
    for p_dim, g_dim in zip(pool_dims, group_dims, strict=True):
        p = suppress(p_dim["counts"], threshold) if show_pool else {}
        g = suppress(g_dim["counts"], threshold) if show_group else {}
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
    return out


def current_group(project) -> list[User]:
    """People who hold a current role on the project."""
    ids = RoleAssignment.objects.filter(project=project).current().values("contributor")
    return list(User.objects.filter(pk__in=ids))


def wants_large_print(user) -> bool:
    """Whether what we print for this person (letters, statements, certificates) is large print."""
    profile = Contributor.objects.filter(user=user).only("access_needs").first()
    return profile is not None and profile.wants_large_print
