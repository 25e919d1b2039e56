"""Demo profiles, equality answers, roles, an open opportunity and an offline contributor.

Idempotent: running seed_demo twice gives the same data.
"""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from portal.models import Participation, ParticipationStatus, Role, User

from . import services
from .models import (
    BankAccount,
    ContactChannel,
    ContactMethod,
    ContactTask,
    Contributor,
    DiversityRecord,
    ExpressionOfInterest,
    Opportunity,
    OpportunityStatus,
    ParticipationDiversity,
    PaymentMethod,
    RoleAssignment,
)

PNTS = "prefer_not_to_say"

# email -> profile fields
PROFILES = {
    "contributor@example.org": dict(
        contact_method=ContactMethod.EMAIL,
        phone="07700 900123",
        postcode="LS6 2AB",
        access_needs=["large_print", "step_free"],
        lived_experience="stroke, caring for a parent",
        interests="stroke, rehabilitation, patient information",
        skills="reading documents, plain English",
        bio="I had a stroke in 2019 and now help make research easier to read.",
        payment_method=PaymentMethod.BANK_TRANSFER,
        receives_benefits=True,
        in_directory=True,
    ),
    "contributor2@example.org": dict(
        contact_method=ContactMethod.EMAIL,
        postcode="LS8 1QT",
        lived_experience="sickle cell, NHS staff",
        interests="funding panels, health inequalities",
        skills="chairing meetings, reviewing funding applications",
        bio="Community organiser and NHS porter; I review research bids for the panel.",
        payment_method=PaymentMethod.VOUCHERS,
        is_public_sector_employee=True,
        in_directory=True,
    ),
    "priya.shah@example.org": dict(
        access_needs=["interpreter"],
        access_needs_other="Gujarati interpreter for long meetings",
        interests="mental health, young people",
        lived_experience="young carer",
        skills="social media, Gujarati",
        in_directory=True,
    ),
    "john.evans@example.org": dict(
        access_needs=["hearing_loop"],
        lived_experience="stroke, hearing loss",
        interests="stroke, older people",
        skills="Welsh, retired teacher",
        in_directory=True,
    ),
    # Not the John Evans above: same name, another person (Bradford, not Leeds).
    "j.evans@example.net": dict(
        postcode="BD7 1DP",
        lived_experience="type 2 diabetes",
        interests="diabetes, diet",
        skills="accounting",
        in_directory=True,
    ),
    "grace.mensah@example.org": dict(
        lived_experience="dementia in the family, caring for a husband",
        interests="dementia, memory clinics",
        skills="church groups, community outreach",
        in_directory=True,
    ),
    "tom.byrne@example.org": dict(payment_method=PaymentMethod.NO_PAYMENT, interests="funding panels"),
    "aisha.begum@example.org": dict(
        access_needs=["easy_read"],
        lived_experience="long COVID",
        interests="long-term conditions, women's health",
        payment_method=PaymentMethod.VOUCHERS,
        in_directory=True,
    ),
    "david.lloyd@example.org": dict(
        contact_method=ContactMethod.POST,
        address="14 Mill Lane\nHorsforth\nLeeds",
        postcode="LS18 5AA",
        access_needs=["large_print", "supporter"],
        lived_experience="Parkinson's",
        interests="Parkinson's, memory",
    ),
}

# Varied, realistic answers (one person has none, for the "not answered" rows).
ANSWERS = {
    "contributor@example.org": dict(
        ethnic_group="white_british",
        sex="female",
        gender_same_as_birth="yes",
        sexual_orientation="straight",
        long_term_condition="yes",
        condition_reduces_ability="a_little",
        religion="christian",
        year_of_birth=1961,
        carer="20_49",
    ),
    "contributor2@example.org": dict(
        ethnic_group="black_african",
        sex="male",
        gender_same_as_birth="yes",
        sexual_orientation="straight",
        long_term_condition="yes",
        condition_reduces_ability="a_lot",
        religion="christian",
        year_of_birth=1978,
        carer="no",
    ),
    "priya.shah@example.org": dict(
        ethnic_group="asian_indian",
        sex="female",
        gender_same_as_birth="yes",
        sexual_orientation=PNTS,
        long_term_condition="no",
        religion="hindu",
        year_of_birth=1999,
        carer="1_19",
    ),
    "john.evans@example.org": dict(
        ethnic_group="white_british",
        sex="male",
        gender_same_as_birth="yes",
        sexual_orientation="gay_lesbian",
        long_term_condition="yes",
        condition_reduces_ability="a_lot",
        religion="none",
        year_of_birth=1950,
        carer="no",
    ),
    "grace.mensah@example.org": dict(
        ethnic_group="black_caribbean",
        sex="female",
        gender_same_as_birth="yes",
        sexual_orientation="straight",
        long_term_condition="yes",
        condition_reduces_ability="not_at_all",
        religion="christian",
        year_of_birth=1969,
        carer="50_plus",
    ),
    "tom.byrne@example.org": dict(
        ethnic_group="white_irish",
        sex="male",
        gender_same_as_birth=PNTS,
        sexual_orientation="bisexual",
        long_term_condition="no",
        religion=PNTS,
        year_of_birth_prefer_not_to_say=True,
        carer="no",
    ),
    "aisha.begum@example.org": dict(
        ethnic_group="asian_bangladeshi",
        sex="female",
        gender_same_as_birth="yes",
        sexual_orientation="straight",
        long_term_condition="yes",
        condition_reduces_ability="a_little",
        religion="muslim",
        year_of_birth=1994,
        carer="1_19",
    ),
}

FEEDBACK = (
    "An email summary within two weeks of each meeting, and news of the study's progress every three months."
)


def seed(demo) -> None:
    people = {u.email: u for u in demo.contributors}
    profiles = {}
    for email, fields in PROFILES.items():
        user = people[email]
        contributor, _ = Contributor.objects.get_or_create(
            user=user, defaults={**fields, "privacy_agreed_at": demo.now - timedelta(days=200)}
        )
        profiles[email] = contributor

    cara = profiles["contributor@example.org"]
    if not BankAccount.objects.filter(contributor=cara).exists():
        account = BankAccount(contributor=cara)
        account.set_details(account_name="C Bennett", sort_code="30-94-97", account_number="12345678")
        account.save()

    for email, answers in ANSWERS.items():
        DiversityRecord.objects.get_or_create(
            user=people[email], defaults={**answers, "consent_given_at": demo.now - timedelta(days=180)}
        )
    _snapshots(demo)
    _roles(demo, people)
    dennis = _dennis(demo)
    _opportunities(demo, people)
    _letters_and_calls(profiles["david.lloyd@example.org"], dennis)


def _snapshots(demo) -> None:
    """Seed made the attended participations before anyone had answers: take their snapshots
    now, as though the answers (given 'six months ago' in the story) had been there."""
    attended = Participation.objects.filter(
        status=ParticipationStatus.ATTENDED, contributor__in=[u.pk for u in demo.contributors]
    )
    stale = ParticipationDiversity.objects.filter(
        participation__in=attended,
        has_answers=False,
        participation__contributor__diversity_record__isnull=False,
    )
    stale.delete()
    for participation in attended:
        services.snapshot_diversity(participation=participation)


def _roles(demo, people) -> None:
    start = demo.now.date() - timedelta(days=120)
    plan = [
        (
            "stroke",
            "contributor@example.org",
            "steering_committee",
            "Two-hour steering group meeting every two months.",
        ),
        ("stroke", "contributor2@example.org", "co_researcher", "Help design and run the interviews."),
        ("stroke", "priya.shah@example.org", "advisory_group", "Comment on study papers by email."),
        ("memory", "contributor@example.org", "co_applicant", "Co-write the funding application."),
        ("memory", "grace.mensah@example.org", "lay_reviewer", "Review the plain-English summary."),
        (
            "panel",
            "contributor2@example.org",
            "panel_member",
            "Score and discuss applications at two panels a year.",
        ),
        (
            "panel",
            "tom.byrne@example.org",
            "panel_member",
            "Score and discuss applications at two panels a year.",
        ),
        (
            "panel",
            "aisha.begum@example.org",
            "panel_member",
            "Score and discuss applications at two panels a year.",
        ),
        (
            "panel",
            "john.evans@example.org",
            "panel_member",
            "Score and discuss applications at two panels a year.",
        ),
    ]
    for project_key, email, role_type, expectations in plan:
        RoleAssignment.objects.get_or_create(
            contributor=people[email],
            project=demo.projects[project_key],
            role_type=role_type,
            defaults={
                "starts_on": start,
                "expectations": expectations,
                "frequency": "About once a month",
                "payment_offered": "NIHR rates for each activity, plus expenses",
                "feedback_arrangements": FEEDBACK,
                "feedback_due_days": 14 if project_key == "stroke" else None,
                "created_by": demo.fatima,
            },
        )
    # A role that starts next week: "Not started" to everyone, and not on her certificate yet.
    RoleAssignment.objects.get_or_create(
        contributor=people["contributor@example.org"],
        project=demo.projects["panel"],
        role_type="lay_reviewer",
        defaults={
            "starts_on": demo.now.date() + timedelta(days=7),
            "expectations": "Review the plain-English summaries before each panel.",
            "frequency": "Twice a year",
            "payment_offered": "NIHR rates for each review",
            "feedback_arrangements": FEEDBACK,
            "created_by": demo.fatima,
        },
    )
    # Olu has accepted his agreement; the others are still to accept theirs.
    RoleAssignment.objects.filter(
        contributor=people["contributor2@example.org"], role_type="co_researcher", accepted_at__isnull=True
    ).update(accepted_at=demo.now - timedelta(days=100))
    # A past role, so the register shows dates that ended.
    RoleAssignment.objects.get_or_create(
        contributor=people["david.lloyd@example.org"],
        project=demo.projects["stroke"],
        role_type="advisory_group",
        defaults={
            "starts_on": start - timedelta(days=200),
            "ends_on": start - timedelta(days=10),
            "expectations": "Comment on the protocol.",
            "frequency": "As needed",
            "payment_offered": "NIHR rates",
            "feedback_arrangements": FEEDBACK,
            "created_by": demo.fatima,
        },
    )


def _dennis(demo) -> Contributor:
    existing = Contributor.objects.filter(user__name="Dennis Morris", user__email__isnull=True).first()
    if existing:
        return existing
    user = User.objects.create_user(email=None, password=None, name="Dennis Morris", preferred_name="Dennis")
    user.groups.add(Group.objects.get(name=Role.CONTRIBUTOR))
    return Contributor.objects.create(
        user=user,
        contact_method=ContactMethod.PHONE,
        phone="0113 496 0456",
        postcode="LS11 8PQ",
        access_needs=["large_print", "supporter"],
        access_needs_other="His daughter helps with paperwork.",
        lived_experience="stroke, living alone",
        interests="stroke, getting home from hospital",
        payment_method=PaymentMethod.VOUCHERS,
        registered_by=demo.fatima,
        privacy_agreed_at=demo.now - timedelta(days=60),
    )


def _opportunities(demo, people) -> None:
    today = timezone.localdate()
    advisory, _ = Opportunity.objects.get_or_create(
        project=demo.projects["stroke"],
        title="Join the ‘Getting home after a stroke’ advisory group",
        defaults={
            "role_type": "advisory_group",
            "description": "Read short study papers and tell us what would help families in the first weeks at "
            "home. Four online meetings over the next year, with papers sent a week before.",
            "time_commitment": "monthly",
            "time_commitment_detail": "About 3 hours every three months",
            "payment_offered": "£30 an hour plus expenses",
            "closes_on": today + timedelta(days=21),
            "places": 3,
            "accessibility": "Papers in large print or easy read on request; live captions in meetings.",
            "who_for": "People who have had a stroke, and family members or friends who have supported someone home.",
            "mode": "online",
            "topic": "stroke",
            "status": OpportunityStatus.OPEN,
            "created_by": demo.fatima,
        },
    )
    Opportunity.objects.get_or_create(
        project=demo.projects["memory"],
        title="Help plan a waiting-well workshop",
        defaults={
            "role_type": "co_researcher",
            "description": "Work with the team to plan a workshop for people waiting for a memory assessment.",
            "time_commitment": "one_off",
            "time_commitment_detail": "Two half-day planning sessions",
            "payment_offered": "£75 a half day plus travel",
            "closes_on": today + timedelta(days=30),
            "places": 2,
            "accessibility": "Step-free venue with a hearing loop.",
            "who_for": "Anyone who has waited for a memory assessment, or supported someone who has.",
            "mode": "in_person",
            "topic": "dementia",
            "status": OpportunityStatus.OPEN,
            "created_by": demo.fatima,
        },
    )
    for email, message in [
        ("john.evans@example.org", "I had a stroke in 2021 and the first weeks at home were the hardest."),
        (
            "grace.mensah@example.org",
            "My husband came home after his stroke and I would like to help other carers.",
        ),
        ("aisha.begum@example.org", "My dad had a stroke last year; the leaflets were not in Bengali."),
        ("tom.byrne@example.org", "I spent months in rehab and have views on exercises at home."),
        ("david.lloyd@example.org", "Telephoned: happy to read papers in large print."),
    ]:
        ExpressionOfInterest.objects.get_or_create(
            opportunity=advisory, contributor=people[email], defaults={"message": message}
        )
    dennis = _dennis(demo)
    ExpressionOfInterest.objects.get_or_create(
        opportunity=advisory,
        contributor=dennis.user,
        defaults={
            "message": "Told Fatima by phone: wants to help people coming home alone.",
            "entered_by": demo.fatima,
        },
    )


def _letters_and_calls(david: Contributor, dennis: Contributor) -> None:
    """People reached by post and phone: a letter and a call on the coordinators' list."""
    ContactTask.objects.get_or_create(
        contributor=david,
        subject="Thank you for your time on the advisory group",
        defaults={
            "channel": ContactChannel.POST,
            "body": "David Lloyd's advisory group role on Getting home after a stroke has ended. Send the "
            "thank-you letter and his certificate in large print.",
            "letter": "Your time on the Getting home after a stroke advisory group has come to an end. "
            "Thank you for all the advice you gave the group. "
            "Your certificate of involvement is with this letter.",
        },
    )
    ContactTask.objects.get_or_create(
        contributor=dennis,
        subject="Advisory group: we have your interest",
        defaults={
            "channel": ContactChannel.PHONE,
            "body": "Call Dennis to say we have his interest in the stroke advisory group and will "
            "ring him with the outcome after the closing date.",
            "letter": "We have your interest in the stroke advisory group. We will ring you with the "
            "outcome after the closing date.",
        },
    )
