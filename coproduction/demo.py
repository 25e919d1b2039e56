"""Demo co-production: the stroke study's full log (two versions of its ground rules, agreed by
the team, one of them through Fatima for Dennis, who uses the phone; key decisions, one
linked to an impact entry; reflections at every visibility), roles at several involvement
levels, a learning catalogue with records, and Olu's DBS check expiring inside the reminder
window. Safe to run again and again."""

from datetime import timedelta
from decimal import Decimal

from contributors.models import Contributor, InvolvementLevel, RoleAssignment
from impact.models import ImpactEntry

from .models import (
    AccessibleVersion,
    AgreementMethod,
    CheckKind,
    CheckRecord,
    Course,
    CourseFormat,
    Decision,
    GroundRules,
    GroundRulesAgreement,
    LearningRecord,
    LearningSource,
    Reflection,
    RoleRequirement,
    Visibility,
)

LEVELS = {
    ("stroke", "contributor@example.org"): InvolvementLevel.PARTNER,
    ("stroke", "contributor2@example.org"): InvolvementLevel.PARTNER,
    ("stroke", "priya.shah@example.org"): InvolvementLevel.ADVISER,
    ("memory", "contributor@example.org"): InvolvementLevel.DECISION_MAKER,
    ("memory", "grace.mensah@example.org"): InvolvementLevel.CO_THINKER,
    ("panel", "contributor2@example.org"): InvolvementLevel.ADVISER,
    ("panel", "tom.byrne@example.org"): InvolvementLevel.ADVISER,
    ("panel", "aisha.begum@example.org"): InvolvementLevel.ADVISER,
    ("panel", "john.evans@example.org"): InvolvementLevel.LISTENER,
}

RULES_V1 = """We treat each other with respect and listen without interrupting.
What people share about their own health stays in the room.
Everyone's experience counts as evidence, not only research papers."""

RULES_V2 = (
    RULES_V1
    + """
We say at the start of each meeting which decisions are open and which are already fixed, and why.
Anyone can ask for a break, or for papers in large print or easy read, at any time."""
)

COURSES = [
    (
        "Welcome to public involvement",
        "Northbridge Research Partnership",
        CourseFormat.IN_PERSON,
        "2 hours",
        ["easy_read", "large_print"],
        "What involvement is, how the portal works, how and what we pay.",
    ),
    (
        "Research awareness: how a study works",
        "NIHR Learn",
        CourseFormat.ONLINE_SELF_PACED,
        "3 hours",
        ["captions"],
        "From the research question to the results: the stages, and where you can make a difference.",
    ),
    (
        "Interviewing skills for co-researchers",
        "Northbridge Research Partnership",
        CourseFormat.ONLINE_LIVE,
        "Two 2-hour sessions",
        ["captions", "bsl"],
        "Asking open questions, listening, looking after yourself.",
    ),
    (
        "Reviewing grant applications",
        "NIHR Learn",
        CourseFormat.ONLINE_SELF_PACED,
        "90 minutes",
        ["captions", "paper"],
        "What funding panels look for and how to write a useful review.",
    ),
    (
        "Safeguarding adults: level 1",
        "Leeds Safeguarding Partnership",
        CourseFormat.ONLINE_SELF_PACED,
        "1 hour",
        ["easy_read", "audio"],
        "Recognising abuse and neglect, and what to do.",
    ),
]


def seed(demo) -> None:
    people = {u.email: u for u in demo.contributors}
    stroke = demo.projects["stroke"]
    for (project_key, email), level in LEVELS.items():
        RoleAssignment.objects.filter(
            project=demo.projects[project_key], contributor=people[email], involvement_level=""
        ).update(involvement_level=level)
    dennis = Contributor.objects.filter(user__name="Dennis Morris", user__email__isnull=True).first()
    if dennis is not None:
        RoleAssignment.objects.get_or_create(
            contributor=dennis.user,
            project=stroke,
            role_type="advisory_group",
            defaults={
                "starts_on": demo.now.date() - timedelta(days=100),
                "involvement_level": InvolvementLevel.CO_THINKER,
                "expectations": "Tell us by phone what he thinks of study papers.",
                "created_by": demo.fatima,
            },
        )
    _log(demo, people, stroke, dennis)
    _learning(demo, people)
    _checks(demo, people, stroke)


def _log(demo, people, stroke, dennis) -> None:
    cara, olu, priya, fatima = demo.cara, demo.olu, people["priya.shah@example.org"], demo.fatima
    v1, _ = GroundRules.objects.get_or_create(
        project=stroke,
        version=1,
        defaults={"text": RULES_V1, "written_by": fatima, "created_at": demo.now - timedelta(days=115)},
    )
    v2, _ = GroundRules.objects.get_or_create(
        project=stroke,
        version=2,
        defaults={
            "text": RULES_V2,
            "change_note": "Added: say which decisions are open; anyone can ask for a break or other formats.",
            "written_by": fatima,
            "created_at": demo.now - timedelta(days=70),
        },
    )
    for rules, person, days in [
        (v1, fatima, 115),
        (v1, cara, 114),
        (v1, olu, 112),
        (v2, fatima, 70),
        (v2, cara, 69),
        (v2, olu, 66),
        (v2, priya, 65),
    ]:
        GroundRulesAgreement.objects.get_or_create(
            rules=rules, person=person, defaults={"agreed_at": demo.now - timedelta(days=days)}
        )
    if dennis is not None:
        GroundRulesAgreement.objects.get_or_create(
            rules=v2,
            person=dennis.user,
            defaults={
                "agreed_at": demo.now - timedelta(days=64),
                "method": AgreementMethod.THROUGH_COORDINATOR,
                "recorded_by": fatima,
            },
        )

    outcome_entry = ImpactEntry.objects.filter(
        project=stroke, title__startswith="Getting out of the house"
    ).first()
    decisions = [
        {
            "title": "Make 'days out of the house' a main outcome",
            "days": 58,
            "stage": "design",
            "options": "Keep physical recovery as the only main outcome; add days out of the house as a second "
            "main outcome; make it a secondary outcome.",
            "method": "consensus",
            "views_changed_it": "yes",
            "how_views_changed_it": "The team had planned physical recovery only. Contributors said getting out "
            "again mattered most, and the steering group agreed to add it as a main outcome.",
            "participants": [cara, olu, priya, fatima],
            "impact": [outcome_entry] if outcome_entry else [],
        },
        {
            "title": "Offer interviews at home or by video call",
            "days": 30,
            "stage": "recruitment",
            "options": "Interviews at the hospital only; at home only; at home or by video call, as people choose.",
            "method": "vote",
            "views_changed_it": "partly",
            "how_views_changed_it": "Contributors asked for home visits; the vote added video calls too, for "
            "people who would rather not have visitors.",
            "participants": [cara, olu, fatima],
            "impact": [],
        },
        {
            "title": "Recruit through GP practices as well as the stroke ward",
            "days": 12,
            "stage": "recruitment",
            "options": "Stroke ward only; stroke ward and GP practices.",
            "method": "lead",
            "views_changed_it": "no",
            "how_views_changed_it": "Contributors preferred the ward only, to reach people early. The lead decided "
            "on both, because the ward alone would not reach enough people; this was explained at the next meeting.",
            "participants": [olu, priya, fatima],
            "impact": [],
        },
    ]
    for d in decisions:
        decision, created = Decision.objects.get_or_create(
            project=stroke,
            title=d["title"],
            defaults={
                "decided_on": demo.now.date() - timedelta(days=d["days"]),
                "stage": d["stage"],
                "options": d["options"],
                "method": d["method"],
                "views_changed_it": d["views_changed_it"],
                "how_views_changed_it": d["how_views_changed_it"],
                "recorded_by": fatima,
            },
        )
        if created:
            decision.participants.set(d["participants"])
            decision.impact_entries.set(d["impact"])

    reflections = [
        (
            cara,
            "design",
            Visibility.REPORT,
            {
                "power": "At the design workshop it felt like we could change the main outcome, and we did.",
                "working": "Being told which decisions were still open.",
            },
        ),
        (
            olu,
            "recruitment",
            Visibility.TEAM,
            {
                "voice": "People who do not speak English were missing from the room.",
                "not_working": "Papers arrive two days before meetings; a week would help.",
            },
        ),
        (
            priya,
            "recruitment",
            Visibility.REPORT,
            {
                "not_working": "The GP decision went against what we said. It was explained, which helped, "
                "but we could have been asked earlier.",
            },
        ),
        (
            fatima,
            "design",
            Visibility.PRIVATE,
            {
                "power": "I steered the first workshop more than I meant to. Next time, a contributor co-chairs.",
            },
        ),
    ]
    for author, stage, visibility, answers in reflections:
        reflection, created = Reflection.objects.get_or_create(
            project=stroke, author=author, stage=stage, defaults={"visibility": visibility, **answers}
        )
        if created:  # written at the stage it is about, not on the day the demo was seeded
            days = 55 if stage == "design" else 25
            Reflection.objects.filter(pk=reflection.pk).update(created_at=demo.now - timedelta(days=days))


def _learning(demo, people) -> None:
    courses = {}
    for title, provider, fmt, length, versions, description in COURSES:
        courses[title], _ = Course.objects.get_or_create(
            title=title,
            defaults={
                "provider": provider,
                "format": fmt,
                "length": length,
                "accessible_versions": [v for v in versions if v in AccessibleVersion.values],
                "description": description,
                "added_by": demo.fatima,
            },
        )
    records = [
        (demo.cara, "Welcome to public involvement", 110, LearningSource.COORDINATOR, ""),
        (
            demo.cara,
            "Research awareness: how a study works",
            80,
            LearningSource.SELF_REPORTED,
            "Certificate of completion, NIHR Learn.",
        ),
        (
            demo.olu,
            "Safeguarding adults: level 1",
            300,
            LearningSource.SELF_REPORTED,
            "Certificate LSP-22817.",
        ),
    ]
    _training_session(demo, courses["Interviewing skills for co-researchers"])
    for person, title, days, source, evidence in records:
        LearningRecord.objects.get_or_create(
            person=person,
            course=courses[title],
            defaults={
                "completed_on": demo.now.date() - timedelta(days=days),
                "source": source,
                "evidence": evidence,
                "recorded_by": demo.fatima if source == LearningSource.COORDINATOR else person,
                # Cara chose to show what she did herself on her certificate.
                "on_certificate": person == demo.cara and source == LearningSource.SELF_REPORTED,
            },
        )


def _training_session(demo, course) -> None:
    """The interviewing course run as a portal activity: Olu attended, so it is in his learning
    (by the same signal a coordinator's click sends) and he can claim for the time."""
    from portal.models import Activity, ActivityKind, ActivityMode, Participation, ParticipationStatus
    from portal.signals import participation_changed

    session, _ = Activity.objects.get_or_create(
        project=demo.projects["stroke"],
        title="Interviewing skills for co-researchers: session 1",
        defaults={
            "kind": ActivityKind.TRAINING,
            "starts_at": (demo.now - timedelta(days=40)).replace(hour=14),
            "expected_hours": Decimal("2.00"),
            "mode": ActivityMode.ONLINE,
            "location": "Video call",
            "coordinator": demo.fatima,
            "rate_code": "meeting_hour",
        },
    )
    course.activities.add(session)
    participation, created = Participation.objects.get_or_create(
        activity=session, contributor=demo.olu, defaults={"status": ParticipationStatus.ATTENDED}
    )
    if created:
        participation_changed.send(
            sender=Participation, participation=participation, old_status=None, actor=demo.fatima
        )


def _checks(demo, people, stroke) -> None:
    # Co-researchers interview people at home soon after a stroke.
    for kind in (CheckKind.DBS_ENHANCED, CheckKind.SAFEGUARDING):
        RoleRequirement.objects.get_or_create(
            project=stroke, role_type="co_researcher", check_kind=kind, defaults={"added_by": demo.fatima}
        )
    today = demo.now.date()
    checks = [
        # Inside the reminder window: the demo's sweep tells Olu and Fatima once.
        (
            demo.olu,
            CheckKind.DBS_ENHANCED,
            today - timedelta(days=3 * 365 - 20),
            today + timedelta(days=20),
            "001234567890",
        ),
        (demo.olu, CheckKind.SAFEGUARDING, today - timedelta(days=300), today + timedelta(days=430), ""),
        (demo.cara, CheckKind.SAFEGUARDING, today - timedelta(days=100), today + timedelta(days=630), ""),
    ]
    for person, kind, checked_on, expires_on, reference in checks:
        CheckRecord.objects.get_or_create(
            person=person,
            check_kind=kind,
            defaults={
                "checked_on": checked_on,
                "expires_on": expires_on,
                "reference": reference,
                "recorded_by": demo.fatima,
            },
        )
