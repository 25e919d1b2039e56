"""Demo impact data: entries at several research stages (some published), contributors' own
reflections, Cube check-ins over four months, a community event big enough for a meaningful
diversity report, and a certificate for Cara. Safe to run again and again."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from contributors.services.equality import snapshot_diversity
from feedback import services as feedback_services
from feedback.models import ActivityFeedback, FeedbackOwed
from portal.models import Activity, ActivityKind, ActivityMode, Participation, ParticipationStatus, Role, User
from portal.signals import participation_changed

from .models import Certificate, CubeCheckIn, EntryContributor, EntryStatus, ImpactEntry, Reflection

ENTRIES = [
    # key, project, stage, days ago, activity, outcome, significance, standards, published
    {
        "project": "stroke",
        "activity": "stroke_design",
        "title": "Getting out of the house became a main outcome",
        "stage": "design",
        "days": 60,
        "hoped_to_influence": "What the study measures to decide whether the first three months home went well.",
        "outcome": "changed",
        "what_changed": "The team planned to measure only physical recovery. Contributors said what "
        "mattered most was getting out of the house again; 'days out of the house' is now a main outcome.",
        "why_it_matters": "The study will now tell families about the thing they said matters most to them.",
        "significance": "major",
        "standards": ["working_together", "impact"],
        "published": True,
        "people": [("cara", True), ("olu", False), ("others0", True)],
        "reflections": {
            "cara": "I did not expect them to change the main outcome because of one morning's "
            "talk. It made me feel our experience counted as evidence.",
            "olu": "Good that it changed. I would have liked to see the final wording before it went in.",
        },
    },
    {
        "project": "stroke",
        "activity": "stroke_leaflet",
        "title": "A shorter participant information leaflet",
        "stage": "recruitment",
        "days": 35,
        "hoped_to_influence": "The leaflet people read before deciding whether to take part.",
        "outcome": "changed",
        "what_changed": "The leaflet went from 12 pages to 4, with a one-page summary in large print "
        "and a contact card for Sunday evenings.",
        "why_it_matters": "People recovering from a stroke can read it before they decide, and carers can too.",
        "significance": "moderate",
        "standards": ["communications", "inclusive_opportunities"],
        "published": True,
        "people": [("cara", True), ("others0", False)],
        "reflections": {
            "cara": "The large-print summary was my idea. Seeing it in the final version was lovely."
        },
    },
    {
        "project": "stroke",
        "activity": "stroke_steering",
        "title": "Evening home visits for carers who work",
        "stage": "delivery",
        "days": 10,
        "hoped_to_influence": "When researchers visit families at home.",
        "outcome": "not_changed",
        "what_changed": "We could not offer evening visits: the research nurses' contracts do not "
        "cover evenings. We now offer video calls up to 8pm instead.",
        "why_it_matters": "Carers who work can still take part, and we were honest about why the "
        "first idea was not possible.",
        "significance": "minor",
        "standards": ["working_together", "governance"],
        "published": True,
        "people": [("olu", True)],
        "reflections": {"olu": "Disappointed, but they explained why and found another way."},
    },
    {
        "project": "stroke",
        "activity": "stroke_steering",
        "title": "Carers' own priorities in the interview guide",
        "stage": "identifying",
        "days": 9,
        "hoped_to_influence": "Which topics the carer interviews cover.",
        "outcome": "partly",
        "what_changed": "Two of the four topics carers asked for were added; money worries will be "
        "a separate study.",
        "why_it_matters": "Carers' concerns shape the questions, not only the team's.",
        "significance": "moderate",
        "standards": ["working_together"],
        "published": False,
        "people": [("cara", False), ("olu", False)],
        "reflections": {},
    },
    {
        "project": "memory",
        "activity": "memory_bid",
        "title": "Plain-English summary rewritten for the funding bid",
        "stage": "funding",
        "days": 20,
        "hoped_to_influence": "The plain-English summary of the funding application.",
        "outcome": "changed",
        "what_changed": "Contributors rewrote the summary; jargon such as 'diagnostic pathway' went, "
        "and the summary now starts with what waiting feels like.",
        "why_it_matters": "Funding panels with public members score plain-English summaries, and "
        "families will read it.",
        "significance": "moderate",
        "standards": ["communications", "impact"],
        "published": True,
        "people": [("cara", True), ("others2", False), ("others3", True)],
        "reflections": {"cara": "It felt like real co-writing, not just being asked to comment."},
    },
    {
        "project": "memory",
        "activity": "memory_bid",
        "title": "Carers' travel costs in the budget",
        "stage": "funding",
        "days": 19,
        "hoped_to_influence": "What the bid's budget pays for.",
        "outcome": "changed",
        "what_changed": "The budget now pays travel and replacement care for carers who come to workshops.",
        "why_it_matters": "Carers on low incomes can take part without being out of pocket.",
        "significance": "major",
        "standards": ["inclusive_opportunities", "support_and_learning"],
        "published": False,
        "people": [("others2", False)],
        "reflections": {},
    },
    {
        "project": "panel",
        "activity": "panel_autumn",
        "title": "Public relevance became a scored criterion",
        "stage": "identifying",
        "days": 45,
        "hoped_to_influence": "How the funding panel scores applications.",
        "outcome": "changed",
        "what_changed": "Public members asked for relevance to patients to be scored, not just "
        "discussed. It is now a criterion worth 20% of the score.",
        "why_it_matters": "Research that matters to patients is more likely to be funded.",
        "significance": "major",
        "standards": ["governance", "impact"],
        "published": True,
        "people": [("olu", True), ("others4", False)],
        "reflections": {"olu": "A real change in how money is given out. Proud of that one."},
    },
]

# (months ago, voice, contribute, agenda, change): the stroke project's partnership growing.
CUBE = [(4, 5, 4, 3, 2), (3, 6, 5, 4, 3), (2, 7, 5, 5, 5), (1, 8, 6, 6, 6), (0, 8, 7, 6, 7)]
CUBE_COMMENTS = {
    0: "We set more of the agenda now.",
    4: "Still feels like we are consulted after decisions are made.",
}

COMMUNITY_SIZE = 36


def _people(demo) -> dict[str, User]:
    people = {"cara": demo.cara, "olu": demo.olu}
    people.update({f"others{i}": person for i, person in enumerate(demo.others)})
    return people


def _community_event(demo) -> Activity:
    """A listening event big enough that the diversity report shows numbers, not only [c]."""
    from contributors.models import DiversityRecord

    rng = random.Random(2026)
    activity, _ = Activity.objects.get_or_create(
        project=demo.projects["stroke"],
        title="Community listening event: life after stroke",
        defaults={
            "kind": ActivityKind.WORKSHOP,
            "starts_at": (demo.now - timedelta(days=75)).replace(hour=14),
            "expected_hours": Decimal("2.50"),
            "mode": ActivityMode.IN_PERSON,
            "location": "Chapeltown Community Centre, Leeds LS7 3AW",
            "coordinator": demo.fatima,
            "rate_code": "meeting_hour",
            "description": "An open afternoon for people affected by stroke, with interpreters.",
        },
    )
    group = Group.objects.get(name=Role.CONTRIBUTOR)
    ethnic = ["white_british"] * 16 + ["white_other"] * 2 + ["asian_pakistani"] * 5 + ["asian_indian"] * 3
    ethnic += ["black_caribbean"] * 4 + ["black_african"] * 2 + ["mixed_white_black_caribbean"] * 2
    ethnic += ["prefer_not_to_say", ""]
    religions = (
        ["christian"] * 12
        + ["none"] * 11
        + ["muslim"] * 7
        + ["hindu"] * 2
        + ["sikh"]
        + ["prefer_not_to_say"] * 2
    )
    for n in range(COMMUNITY_SIZE):
        email = f"community{n + 1:02d}@example.org"
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(email=email, name=f"Community member {n + 1}")
            person.groups.add(group)
            if n % 6 != 5:  # most, not all, answer the equality questions
                DiversityRecord.objects.create(
                    user=person,
                    ethnic_group=ethnic[n % len(ethnic)],
                    sex=rng.choice(["female"] * 11 + ["male"] * 8 + ["prefer_not_to_say"]),
                    gender_same_as_birth=rng.choice(["yes"] * 18 + ["prefer_not_to_say", ""]),
                    sexual_orientation=rng.choice(
                        ["straight"] * 15 + ["gay_lesbian", "bisexual"] + ["prefer_not_to_say"] * 2 + [""]
                    ),
                    long_term_condition=rng.choice(["yes"] * 3 + ["no"] * 2),
                    condition_reduces_ability=rng.choice(["a_lot", "a_little", "a_little", "not_at_all"]),
                    religion=religions[n % len(religions)],
                    year_of_birth=rng.choice(range(1940, 2001)),
                    carer=rng.choice(["no"] * 5 + ["1_19", "20_49", "50_plus"]),
                )
        participation, created = Participation.objects.get_or_create(
            activity=activity, contributor=person, defaults={"status": ParticipationStatus.ATTENDED}
        )
        if created:
            participation_changed.send(
                sender=Participation, participation=participation, old_status=None, actor=demo.fatima
            )
            # The contributors app keeps the answers as they were; make sure of it here.
            snapshot_diversity(participation=participation)
    return activity


COMMUNITY_FEEDBACK = {
    "thank_you_text": "Thank you for coming to the listening event: 36 of you came, and the "
    "interpreters were busy all afternoon.",
    "outcome_text": "What you told us is shaping the study's interview guide.",
    "next_steps_text": "We will write again when the interviews start.",
    "items": [
        {
            "you_said": "Have interpreters at every workshop, not just the big events.",
            "changed": True,
            "we_did": "Every workshop for this study now has Urdu, Punjabi and BSL interpreters booked.",
        }
    ],
}


def _community_feedback(demo, activity) -> None:
    """Feedback on the event, given two weeks after it, so the demo's on-time figures stay true."""
    if ActivityFeedback.objects.filter(activity=activity).exists():
        return
    feedback = feedback_services.save_activity_feedback(
        actor=demo.fatima, activity=activity, **COMMUNITY_FEEDBACK
    )
    feedback_services.send_activity_feedback(actor=demo.fatima, feedback=feedback)
    when = activity.starts_at + timedelta(days=14)
    ActivityFeedback.objects.filter(pk=feedback.pk).update(sent_at=when)
    FeedbackOwed.objects.filter(feedback=feedback).update(given_at=when)
    item = feedback.items.first()
    entry, created = ImpactEntry.objects.get_or_create(
        project=activity.project,
        title="Interpreters at every workshop",
        defaults={
            "stage": "design",
            "occurred_on": activity.occurs_on,
            "hoped_to_influence": item.you_said,
            "outcome": "changed",
            "what_changed": item.we_did,
            "why_it_matters": "People who do not speak English, or who sign, can take part in every "
            "workshop, not only the big events.",
            "significance": "moderate",
            "standards": ["inclusive_opportunities", "communications"],
            "created_by": demo.fatima,
            "status": EntryStatus.PUBLISHED,
            "published_at": when,
            "published_by": demo.fatima,
        },
    )
    if created:
        entry.activities.add(activity)
        entry.feedback_items.add(item)


def seed(demo) -> None:
    _community_feedback(demo, _community_event(demo))
    people = _people(demo)
    today = timezone.localdate()
    for spec in ENTRIES:
        project = demo.projects[spec["project"]]
        entry = ImpactEntry.objects.filter(project=project, title=spec["title"]).first()
        if entry is None:
            entry = ImpactEntry.objects.create(
                project=project,
                title=spec["title"],
                stage=spec["stage"],
                occurred_on=today - timedelta(days=spec["days"]),
                hoped_to_influence=spec["hoped_to_influence"],
                outcome=spec["outcome"],
                what_changed=spec["what_changed"],
                why_it_matters=spec["why_it_matters"],
                significance=spec["significance"],
                standards=spec["standards"],
                evidence_text="Notes of the meeting, kept in the project folder.",
                created_by=demo.fatima,
                status=EntryStatus.PUBLISHED if spec["published"] else EntryStatus.DRAFT,
                published_at=timezone.now() - timedelta(days=spec["days"] - 5) if spec["published"] else None,
                published_by=demo.fatima if spec["published"] else None,
            )
            entry.activities.add(demo.activities[spec["activity"]])
        for key, consents in spec["people"]:
            EntryContributor.objects.get_or_create(
                entry=entry, contributor=people[key], defaults={"consents_to_be_named": consents}
            )
        for key, text in spec["reflections"].items():
            Reflection.objects.get_or_create(entry=entry, contributor=people[key], defaults={"text": text})

    stroke = demo.projects["stroke"]
    if not CubeCheckIn.objects.filter(project=stroke).exists():
        respondents = [demo.cara, demo.olu, *demo.others[:4]]
        rng = random.Random(7)
        for months_ago, voice, contribute, agenda, change in CUBE:
            for n, person in enumerate(respondents):
                CubeCheckIn.objects.create(
                    project=stroke,
                    contributor=person,
                    answered_on=today - timedelta(days=30 * months_ago + n),
                    voice=min(10, max(0, voice + rng.choice([-1, 0, 1]))),
                    contribute=min(10, max(0, contribute + rng.choice([-1, 0, 1]))),
                    agenda=min(10, max(0, agenda + rng.choice([-1, 0, 1]))),
                    change=min(10, max(0, change + rng.choice([-1, 0, 1]))),
                    comments=CUBE_COMMENTS.get(months_ago, "") if n == 0 else "",
                )

    if not Certificate.objects.filter(contributor=demo.cara).exists():
        from .selectors import certificate_details

        Certificate.objects.create(
            contributor=demo.cara, issued_by=demo.cara, details=certificate_details(contributor=demo.cara)
        )
