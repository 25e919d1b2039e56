"""Reads that aggregate across apps: the diversity and impact reports, Cube results and what a
certificate certifies. Counting happens in the database; Python only shapes a few result rows."""

import csv
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Cast, ExtractYear, TruncMonth
from django.utils import timezone

from contributors.models import Contributor, RoleAssignment
from feedback.selectors import feedback_compliance
from payments.selectors import project_spend
from portal.dashboard import report_sections_for
from portal.models import Activity, Participation, ParticipationStatus, Project, ProjectStage, User
from portal.money import percentage, round_half_up
from portal.suppression import guard_population, suppress

from .models import (
    CUBE_QUESTIONS,
    CubeCheckIn,
    EntryStatus,
    ImpactEntry,
    Outcome,
    Reflection,
    Significance,
    UKStandard,
)

CENSUS_CSV = Path(__file__).resolve().parent / "data" / "census-2021-england-wales.csv"
FAR_PAST, FAR_FUTURE = date(1900, 1, 1), date(2999, 12, 31)


# --- Diversity ---------------------------------------------------------------------------------


@cache
def census() -> dict[tuple[str, str], Decimal]:
    """(topic, category) -> percent, from the Census 2021 England and Wales figures we ship."""
    with CENSUS_CSV.open(newline="", encoding="utf-8") as f:
        return {(row["topic"], row["category"]): Decimal(row["percent"]) for row in csv.DictReader(f)}


def _census_rebased(topic: str, category: str, exclude: tuple[str, ...] = ()) -> Decimal:
    """A census share with some categories taken out of the base (e.g. children, for age)."""
    figures = census()
    base = sum(v for (t, c), v in figures.items() if t == topic and c not in exclude)
    return percentage(figures[(topic, category)], base)


def _census_for(topic: str, category: str) -> Decimal | None:
    return census().get((topic, category))


# Each question: label, the categories in order (code -> label), and census comparisons as
# (label, the codes it adds up, census percent).
def _questions() -> list[dict]:
    from contributors import equality as eq

    pnts = eq.PREFER_NOT_TO_SAY

    def labels(choices):
        return {c: lbl for c, lbl in choices.choices if c != pnts}

    def same(topic, mapping):
        return [(lbl, [code], _census_for(topic, cat)) for code, (lbl, cat) in mapping.items()]

    ethnic = dict(eq.ETHNIC_GROUPS)
    eth_census = {
        "white": "white",
        "mixed": "mixed or multiple",
        "asian": "asian or asian british",
        "black": "black black british caribbean or african",
        "other": "other ethnic group",
    }
    religion = labels(eq.Religion)
    rel_census = {
        "none": "no religion",
        "christian": "christian",
        "buddhist": "buddhist",
        "hindu": "hindu",
        "jewish": "jewish",
        "muslim": "muslim",
        "sikh": "sikh",
        "other": "any other religion",
    }
    orientation = labels(eq.SexualOrientation)
    ori_census = {
        "straight": "straight or heterosexual",
        "gay_lesbian": "gay or lesbian",
        "bisexual": "bisexual",
        "other": "other",
    }
    ages = {lbl: lbl for lbl, _, _ in eq.AGE_BANDS}
    adult = ("under 15",)
    return [
        {
            "key": "ethnic_group",
            "label": "Ethnic group",
            "categories": ethnic,
            "comparisons": same("ethnicity", {k: (ethnic[k], v) for k, v in eth_census.items()}),
        },
        {
            "key": "sex",
            "label": "Sex",
            "categories": labels(eq.Sex),
            "comparisons": same("sex", {"female": ("Female", "female"), "male": ("Male", "male")}),
        },
        {
            "key": "gender_same_as_birth",
            "label": "Gender identity same as sex registered at birth",
            "categories": {"yes": "Yes, the same", "no": "No, different"},
            "comparisons": same(
                "gender identity",
                {
                    "yes": ("Yes, the same", "same as sex registered at birth"),
                    "no": ("No, different", "different from sex registered at birth"),
                },
            ),
        },
        {
            "key": "sexual_orientation",
            "label": "Sexual orientation",
            "categories": orientation,
            "comparisons": same(
                "sexual orientation", {k: (orientation[k], v) for k, v in ori_census.items()}
            ),
        },
        {
            "key": "disability",
            "label": "Disability (Equality Act)",
            "categories": dict(eq.DISABILITY_CATEGORIES),
            "comparisons": [
                (
                    "Disabled (limited a lot or a little)",
                    ["disabled_a_lot", "disabled_a_little"],
                    _census_for("disability", "disabled under the Equality Act"),
                )
            ],
        },
        {
            "key": "religion",
            "label": "Religion",
            "categories": religion,
            "comparisons": same("religion", {k: (religion[k], v) for k, v in rel_census.items()}),
        },
        {
            "key": "age",
            "label": "Age when they took part",
            "categories": ages,
            "comparisons": [
                (
                    "Aged 15 to 64",
                    [b for b in ages if b not in ("65–74", "75+")],
                    _census_rebased("age", "15 to 64", adult),
                ),
                ("Aged 65 and over", ["65–74", "75+"], _census_rebased("age", "65 and over", adult)),
            ],
        },
        {"key": "carer", "label": "Unpaid carer", "categories": labels(eq.Carer), "comparisons": []},
    ]


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first moment and the moment after its last, local time: a plain range on
    `starts_at` that PostgreSQL can estimate (a `starts_at::date` cast it cannot, and planned the
    report's joins for two activities instead of hundreds)."""
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def _first_attended(projects, start: date, end: date):
    """Each person's first attended participation in the period: the one whose answers count.

    "First" is by activity start, then participation id. It is the participation with no earlier
    one of the same person in the period and scope: an anti-join, which the database plans as one
    hash of the period's participations. A window numbering them (`ROW_NUMBER() OVER (PARTITION
    BY contributor ...)`, which it replaced) picks the same rows, but PostgreSQL cannot estimate
    how many it keeps, and so joined its 20,000 rows to their answers one by one."""
    low, high = _period(start, end)
    base = Participation.objects.filter(
        status=ParticipationStatus.ATTENDED,
        activity__starts_at__gte=low,
        activity__starts_at__lt=high,
    )
    if projects is not None:
        base = base.filter(activity__project__in=projects)
    earlier = base.filter(contributor=OuterRef("contributor")).filter(
        Q(activity__starts_at__lt=OuterRef("activity__starts_at"))
        | Q(activity__starts_at=OuterRef("activity__starts_at"), pk__lt=OuterRef("pk"))
    )
    return base.filter(~Exists(earlier))


_ANSWER_FIELDS = ("ethnic_group", "sex", "gender_same_as_birth", "sexual_orientation", "religion", "carer")

# The answers counted together, one GROUP BY each over all of their columns: their combinations
# are a few hundred, and a pass over the 20,000 first participations costs much the same for one
# column as for five, so three passes replace one per question. A column a pass leaves out is
# NULL in its rows, and NULL counts for no question, so each answer is counted by its own pass.
_PASSES = (
    ("a_sex", "a_gender_same_as_birth", "a_carer", "a_condition", "a_reduces"),
    ("a_ethnic_group", "a_religion"),
    ("a_sexual_orientation", "a_age", "a_born_not_said"),
)
_COLUMNS = ("a_ids", *(column for columns in _PASSES for column in columns))
# Typed, so that the UNION's columns have one type whichever branch comes first.
_NULL = {"a_age": "CAST(NULL AS INTEGER)", "a_born_not_said": "CAST(NULL AS BOOLEAN)"}
# The ids come as one comma-separated string: as 20,000 rows of one id (and a NULL for every other
# column) they cost the client 8 to 9 ms to read. The two databases name this aggregate
# differently (SQLite has string_agg only from 3.44).
_JOINED_IDS = {"postgresql": "string_agg(CAST(a_pk AS TEXT), ',')", "sqlite": "group_concat(a_pk, ',')"}


def _tally(participations) -> tuple[set[int], list[tuple]]:
    """One query: the participations' ids, and their answers counted in a few passes.

    The participations (for the report, the first attended ones) with their answers are a CTE
    that every count reads, so the database works out who counts once, not once per pass, and
    the ids the differencing guard needs come back in the same result. Rows have `_COLUMNS` and
    a count; one row has the ids, joined, and no count."""
    answer = {f"a_{field}": F(f"diversity_snapshot__{field}") for field in _ANSWER_FIELDS}
    firsts, params = (
        participations.order_by()
        .values(
            a_pk=F("pk"),
            **answer,
            # A participation without a snapshot is a person who did not answer: counted as a
            # person, in no answer (every answer column NULL).
            a_condition=F("diversity_snapshot__long_term_condition"),
            a_reduces=F("diversity_snapshot__condition_reduces_ability"),
            a_born_not_said=F("diversity_snapshot__year_of_birth_prefer_not_to_say"),
            # An integer (EXTRACT is numeric on PostgreSQL); NULL without a year of birth.
            a_age=Cast(ExtractYear("activity__starts_at"), IntegerField())
            - F("diversity_snapshot__year_of_birth"),
        )
        .query.sql_with_params()
    )

    def select(values):
        return "SELECT " + ", ".join(values.get(c, _NULL.get(c, "NULL")) for c in (*_COLUMNS, "n"))

    parts = [select({"a_ids": _JOINED_IDS[connection.vendor]}) + " FROM answers"]
    parts += [
        f"{select({c: c for c in columns} | {'n': 'COUNT(*)'})} FROM answers GROUP BY {', '.join(columns)}"
        for columns in _PASSES
    ]
    sql = f"WITH answers AS ({firsts}) " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # The ids' row (no count) is there, its ids NULL, even when nobody took part.
    joined = next(r[0] for r in rows if r[-1] is None)
    return set(map(int, joined.split(","))) if joined else set(), [r for r in rows if r[-1] is not None]


def _answer_counts(rows, eq) -> dict[str, dict[str, int]]:
    """Counts per question and answer code, from _tally's rows. A blank or NULL answer (not
    answered, or not in the row's pass) counts for nothing."""
    out: dict[str, dict[str, int]] = {key: defaultdict(int) for key in (*_ANSWER_FIELDS, "disability", "age")}
    at = {column: i for i, column in enumerate(_COLUMNS)}
    texts = [(out[field], at[f"a_{field}"], field == "ethnic_group") for field in _ANSWER_FIELDS]
    condition_at, reduces_at, age_at, not_said_at = (
        at[c] for c in ("a_condition", "a_reduces", "a_age", "a_born_not_said")
    )
    for row in rows:
        n = row[-1]
        for counts, i, ethnic in texts:
            code = row[i]
            if code:
                if ethnic and code != eq.PREFER_NOT_TO_SAY:
                    code = eq.ETHNIC_GROUP_OF.get(code, code)
                counts[code] += n
        condition, reduces = row[condition_at], row[reduces_at]
        if condition is not None:  # a snapshot, in the disability pass
            category = eq.disability_category(condition, reduces)
            if not category and eq.PREFER_NOT_TO_SAY in (condition, reduces):
                category = eq.PREFER_NOT_TO_SAY
            if category:
                out["disability"][category] += n
        age = row[age_at]
        if age is not None:
            for label, low, high in eq.AGE_BANDS:
                if age >= low and (high is None or age <= high):
                    out["age"][label] += n
        elif row[not_said_at]:
            # No year of birth, said so.
            out["age"][eq.PREFER_NOT_TO_SAY] += n
    return out


def _of_answered(n: int, hidden: bool, answered: int | None) -> Decimal | None:
    return None if hidden or not answered else percentage(n, answered)


def diversity_report(*, projects=None, start: date | None = None, end: date | None = None) -> dict:
    """Who took part in the period, by their answers when they took part, against the Census.

    A person is counted once, by the snapshot of their first attended participation in the
    period. Each answer has two shares: of everyone who took part, and of those who gave an
    answer (not "prefer not to say", not blank). The Census comparison uses the second, as
    Census figures leave non-answers out; small numbers are suppressed question by question.
    `too_small` says the whole report is under the threshold: it then has nothing to show.
    """
    from contributors import equality as eq

    start, end = start or FAR_PAST, end or FAR_FUTURE
    threshold = settings.PORTAL_SMALL_NUMBER_THRESHOLD
    scope_key = "all" if projects is None else ",".join(str(pk) for pk in sorted(p.pk for p in projects))
    firsts, rows = _tally(_first_attended(projects, start, end))
    guarded = guard_population(
        kind="participation",
        key=f"diversity:{scope_key}:{start}:{end}",
        population=firsts,
        threshold=threshold,
    )
    if guarded.population is None:
        rows = []
    elif guarded.population != firsts:
        # An earlier table's people shown again: count them, as they took part then.
        _, rows = _tally(Participation.objects.filter(pk__in=guarded.population))
    people = len(guarded.population or ())
    counts = _answer_counts(rows, eq)
    questions = []
    for q in _questions():
        given = counts[q["key"]]
        cell_counts = {code: given.get(code, 0) for code in q["categories"]}
        cell_counts[eq.PREFER_NOT_TO_SAY] = given.get(eq.PREFER_NOT_TO_SAY, 0)
        cell_counts["not_answered"] = people - sum(cell_counts.values())
        cells, total_hidden = suppress(cell_counts, threshold)
        labels = {
            **q["categories"],
            eq.PREFER_NOT_TO_SAY: "Prefer not to say",
            "not_answered": "Not answered",
        }
        # The Census leaves out people who did not answer, so the fair comparison is with the
        # share of those who gave an answer. That base is shown only when both non-answers are:
        # otherwise base and share together would reveal a hidden cell.
        non_answers = (cells[eq.PREFER_NOT_TO_SAY], cells["not_answered"])
        answered = None
        if not any(c.hidden for c in non_answers):
            answered = people - sum(c.count for c in non_answers)

        rows = []
        for code, cell in cells.items():
            rows.append(
                {
                    "code": code,
                    "label": labels[code],
                    "count": None if cell.hidden else cell.count,
                    "share": None if cell.hidden or not people else percentage(cell.count, people),
                    "share_of_answered": (
                        None
                        if code in (eq.PREFER_NOT_TO_SAY, "not_answered")
                        else _of_answered(cell.count, cell.hidden, answered)
                    ),
                }
            )
        comparisons = []
        for label, codes, census_pct in q["comparisons"]:
            hidden = any(cells[c].hidden for c in codes)
            n = sum(cells[c].count for c in codes)
            share = None if hidden or not people else percentage(n, people)
            share_of_answered = _of_answered(n, hidden, answered)
            ratio = None
            if share_of_answered is not None and census_pct:
                ratio = round_half_up(share_of_answered / census_pct, 2)
            comparisons.append(
                {
                    "label": label,
                    "count": None if hidden else n,
                    "share": share,
                    "share_of_answered": share_of_answered,
                    "census": census_pct,
                    "ratio": ratio,
                }
            )
        not_answered = cells["not_answered"]
        responded = None if not_answered.hidden else people - not_answered.count
        questions.append(
            {
                "key": q["key"],
                "label": q["label"],
                "rows": rows,
                "comparisons": comparisons,
                "responded": responded,
                "response_rate": None if responded is None or not people else percentage(responded, people),
                "answered": answered,
                "total_hidden": total_hidden,
            }
        )
    if guarded.population is None:
        # Too close to an earlier report for other people or dates: nothing is shown.
        for q in questions:
            q.update(responded=None, response_rate=None, total_hidden=True)
            for r in q["rows"]:
                r.update(count=None, share=None)
            for c in q["comparisons"]:
                c.update(count=None, share=None, ratio=None)
    scope = "The whole organisation"
    if projects is not None:
        scope = ", ".join(p.title for p in projects)
    return {
        "kind": "diversity",
        "title": "Diversity of the people who took part",
        "scope": scope,
        "start": None if start == FAR_PAST else start,
        "end": None if end == FAR_FUTURE else end,
        "threshold": threshold,
        "people": None if 0 < people < threshold or guarded.population is None else people,
        "too_small": 0 < people < threshold,
        # Set when the figures are those of an earlier report, shown again because the people
        # counted have changed by fewer than the threshold since (see portal/suppression.py).
        "held_since": guarded.held_since,
        "withheld": guarded.population is None,
        "questions": questions,
        "made_at": timezone.now(),
    }


# --- Impact report -----------------------------------------------------------------------------


def _decimal_1(value) -> Decimal | None:
    return None if value is None else round_half_up(value)


def cube_summary(*, projects, start: date, end: date) -> list[dict]:
    """The mean answer to each Cube question in the period, and how many answered."""
    checkins = CubeCheckIn.objects.filter(project__in=projects, answered_on__gte=start, answered_on__lte=end)
    agg = checkins.aggregate(n=Count("pk"), **{k: Avg(k) for k in CUBE_QUESTIONS})
    return [
        {"key": k, "label": label, "question": question, "mean": _decimal_1(agg[k]), "n": agg["n"]}
        for k, (label, question, _, _) in CUBE_QUESTIONS.items()
    ]


def cube_over_time(*, project: Project) -> list[dict]:
    """Monthly means of each Cube question for a project, oldest first."""
    rows = (
        CubeCheckIn.objects.filter(project=project)
        .annotate(month=TruncMonth("answered_on"))
        .values("month")
        .annotate(n=Count("pk"), **{k: Avg(k) for k in CUBE_QUESTIONS})
        .order_by("month")
    )
    return [{"month": r["month"], "n": r["n"], **{k: _decimal_1(r[k]) for k in CUBE_QUESTIONS}} for r in rows]


def impact_report(
    *, project: Project | None = None, start: date | None = None, end: date | None = None
) -> dict:
    """A project's (or the organisation's) involvement in a period, on the GRIPP2-SF headings."""
    start, end = start or FAR_PAST, end or FAR_FUTURE
    projects = Project.objects.all() if project is None else Project.objects.filter(pk=project.pk)
    activities = Activity.objects.filter(
        project__in=projects, starts_at__date__gte=start, starts_at__date__lte=end
    )
    attended = Participation.objects.filter(activity__in=activities, status=ParticipationStatus.ATTENDED)
    # SQLite sums decimals without their places; two places, always.
    hours = round_half_up(attended.aggregate(h=Sum("activity__expected_hours"))["h"] or 0, 2)
    held = activities.filter(participations__status=ParticipationStatus.ATTENDED).distinct()
    by_kind = held.values("kind").annotate(n=Count("pk", distinct=True)).order_by("kind")
    kind_labels = dict(Activity._meta.get_field("kind").choices)
    role_rows = (
        RoleAssignment.objects.filter(project__in=projects, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values("role_type")
        .annotate(n=Count("contributor", distinct=True))
        .order_by("role_type")
    )
    role_labels = dict(RoleAssignment._meta.get_field("role_type").choices)
    roles = [{"label": role_labels.get(r["role_type"], r["role_type"]), "n": r["n"]} for r in role_rows]

    in_period = ImpactEntry.objects.filter(project__in=projects, occurred_on__gte=start, occurred_on__lte=end)
    # Only entries someone has reviewed and published count: a draft may still be wrong.
    unreviewed = in_period.exclude(status=EntryStatus.PUBLISHED).count()
    entries = in_period.published().select_related("project").order_by("occurred_on", "pk")
    stage_counts = dict(entries.order_by().values_list("stage").annotate(n=Count("pk")))
    sig_counts = dict(entries.order_by().values_list("significance").annotate(n=Count("pk")))
    outcome_counts = dict(entries.order_by().values_list("outcome").annotate(n=Count("pk")))
    standard_counts: dict[str, int] = defaultdict(int)
    for standards in entries.values_list("standards", flat=True):
        for code in standards or []:
            standard_counts[code] += 1
    # An erased person's words go with them, even unattributed.
    reflections = (
        Reflection.objects.filter(entry__in=entries, contributor__is_active=True)
        .select_related("entry")
        .order_by("created_at")
    )
    feedback = feedback_compliance(projects=projects, start=start, end=end)
    spend = project_spend(project=project, start=start, end=end)
    if spend is not None and project is None and not spend.get("budget"):
        spend["budget"] = projects.aggregate(b=Sum("involvement_budget"))["b"]
    return {
        "kind": "impact",
        "title": "Impact of public involvement",
        "scope": "The whole organisation" if project is None else project.title,
        "start": None if start == FAR_PAST else start,
        "end": None if end == FAR_FUTURE else end,
        "aims": [
            {"title": p.title, "summary": p.summary, "stage": p.get_stage_display()}
            for p in (projects if project else projects.filter(activities__in=activities).distinct())
        ],
        "methods": {
            "activities": held.count(),
            "by_kind": [{"label": kind_labels.get(r["kind"], r["kind"]), "n": r["n"]} for r in by_kind],
            "people": attended.values("contributor").distinct().count(),
            "participations": attended.count(),
            "hours": hours,
            "roles": roles,
        },
        "results": {
            "entries": list(entries),
            "unreviewed": unreviewed,
            "by_stage": [
                {"label": label, "n": stage_counts.get(code, 0)} for code, label in ProjectStage.choices
            ],
        },
        "influence": {
            "by_outcome": [{"label": label, "n": outcome_counts.get(c, 0)} for c, label in Outcome.choices],
            "by_significance": [
                {"label": label, "n": sig_counts.get(c, 0)} for c, label in Significance.choices
            ],
            "by_standard": [
                {"label": label, "n": standard_counts.get(c, 0)} for c, label in UKStandard.choices
            ],
        },
        "reflections": {
            "quotes": [{"entry": r.entry.title, "text": r.text} for r in reflections],
            "cube": cube_summary(projects=projects, start=start, end=end),
        },
        "feedback": feedback,
        "spend": spend,
        # Sections other apps add (the co-production log's decisions and reflections).
        "extra_sections": report_sections_for("impact", projects=projects, start=start, end=end),
        "made_at": timezone.now(),
    }


# --- Certificates ------------------------------------------------------------------------------


def is_erased(user: User) -> bool:
    """The person was erased (contributors.services.anonymise_person) or their account closed:
    either way we no longer show who they are."""
    if not user.is_active:
        return True
    return Contributor.objects.filter(user=user, erased_at__isnull=False).exists()


def certificate_details(*, contributor: User, project: Project | None = None) -> dict:
    """What a certificate says, as JSON-safe values: kept on the certificate when it is issued."""
    attended = (
        Participation.objects.filter(contributor=contributor, status=ParticipationStatus.ATTENDED)
        .select_related("activity__project")
        .order_by("activity__starts_at")
    )
    if project is not None:
        attended = attended.filter(activity__project=project)
    activities = [
        {
            "title": p.activity.title,
            "project": p.activity.project.title,
            "on": p.activity.occurs_on.isoformat(),
            "hours": str(p.activity.expected_hours),
        }
        for p in attended
    ]
    # A certificate states only what has happened: no role that has not started, and a
    # role still held is "continuing" rather than ending on a date still to come.
    today = timezone.localdate()
    assignments = (
        RoleAssignment.objects.filter(contributor=contributor).started(today).select_related("project")
    )
    if project is not None:
        assignments = assignments.filter(project=project)
    roles = [
        {
            "role": a.role_label,
            "project": a.project.title,
            "from": a.starts_on.isoformat(),
            "to": a.ends_on.isoformat() if a.ends_on and a.ends_on < today else "",
        }
        for a in assignments.order_by("starts_on")
    ]
    total = sum((Decimal(a["hours"]) for a in activities), Decimal("0.00"))
    return {
        "name": contributor.name,
        "organisation": settings.PORTAL_ORGANISATION_NAME,
        "projects": sorted({a["project"] for a in activities}),
        "roles": roles,
        "activities": activities,
        "total_hours": str(total),
        "first_on": activities[0]["on"] if activities else "",
        "last_on": activities[-1]["on"] if activities else "",
        # What other apps add (learning the person chose to show), kept as text with the
        # rest so that a certificate reads the same whenever it is downloaded.
        "extra_sections": [
            {"title": s.get("title", s["heading"]), "rows": [list(r) for r in s["rows"]]}
            for s in report_sections_for("certificate", contributor=contributor, project=project)
        ],
    }
