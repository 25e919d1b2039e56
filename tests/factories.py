"""factory_boy factories, one section per app. Add to your app's section; keep the others."""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.models import Activity, Participation, ParticipationStatus, Project, Role, User

# --- portal ---------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("portal-test-pass")

    roles = factory.LazyAttribute(
        lambda o: [
            role
            for role, on in (
                (Role.CONTRIBUTOR, o.contributor),
                (Role.COORDINATOR, o.coordinator),
                (Role.MANAGER, o.manager),
            )
            if on
        ]
    )

    class Params:
        contributor = False
        coordinator = False
        manager = False

    @classmethod
    def _create(cls, model_class, *args, roles=(), **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        user.groups.add(*Group.objects.filter(name__in=roles))
        if user.email:  # as if they had clicked the link in the verification email
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    @classmethod
    def _build(cls, model_class, *args, roles=(), **kwargs):
        return super()._build(model_class, *args, **kwargs)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Study {n}")
    summary = "A study of something that matters to patients."
    lead = factory.SubFactory(UserFactory, coordinator=True)
    involvement_budget = Decimal("1000.00")

    @factory.post_generation
    def coordinators(self, create, extracted, **kwargs):
        if create:
            self.coordinators.add(self.lead, *(extracted or []))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    expected_hours = Decimal("2.00")
    coordinator = factory.SelfAttribute("project.lead")
    rate_code = "meeting_hour"

    class Params:
        past = factory.Trait(starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=7)))


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    contributor = factory.SubFactory(UserFactory, contributor=True)
    status = ParticipationStatus.INVITED

    class Params:
        attended = factory.Trait(
            status=ParticipationStatus.ATTENDED, activity=factory.SubFactory(ActivityFactory, past=True)
        )


# --- contributors ---------------------------------------------------------------------------


class ContributorFactory(factory.django.DjangoModelFactory):
    """A contributor's profile (the User gets the Contributor role)."""

    class Meta:
        model = "contributors.Contributor"

    user = factory.SubFactory(UserFactory, contributor=True)
    contact_method = "email"
    privacy_agreed_at = factory.LazyFunction(timezone.now)


def give_bank_details(user, account_number="12345678"):
    """A profile with bank details, so claims for this person can join a bank-transfer run."""
    from contributors.models import BankAccount, Contributor

    profile = Contributor.objects.filter(user=user).first() or ContributorFactory(user=user)
    if BankAccount.objects.filter(contributor=profile).exists():
        return profile
    account = BankAccount(contributor=profile)
    account.set_details(account_name=user.name, sort_code="12-34-56", account_number=account_number)
    account.save()
    return profile


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contributors.RoleAssignment"

    contributor = factory.SubFactory(UserFactory, contributor=True)
    project = factory.SubFactory(ProjectFactory)
    role_type = "advisory_group"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    expectations = "Read papers and come to meetings."
    frequency = "Monthly"
    payment_offered = "£30 an hour"
    feedback_arrangements = "An email summary within two weeks of each meeting."


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contributors.Opportunity"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Join our advisory group {n}")
    role_type = "advisory_group"
    description = "Meet monthly to shape the study."
    time_commitment = "monthly"
    payment_offered = "£30 an hour plus expenses"
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    places = 2
    mode = "online"
    topic = "stroke"
    status = "open"
    created_by = factory.SelfAttribute("project.lead")


# --- payments -------------------------------------------------------------------------------


class RateCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.RateCard"

    name = factory.Sequence(lambda n: f"Rate card {n}")
    effective_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


class RateCardRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.RateCardRow"

    card = factory.SubFactory(RateCardFactory)
    code = "meeting_hour"
    activity = "Attending a meeting"
    unit = "hour"
    amount = Decimal("25.00")


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim made directly (no lines); workflow tests go through payments.services."""

    class Meta:
        model = "payments.Claim"

    participation = factory.SubFactory(ParticipationFactory, attended=True)
    contributor = factory.SelfAttribute("participation.contributor")
    project = factory.SelfAttribute("participation.activity.project")
    work_on = factory.LazyAttribute(lambda o: o.participation.activity.occurs_on)
    fee_total = Decimal("50.00")
    total = Decimal("50.00")

    class Params:
        submitted = factory.Trait(
            status="submitted",
            submitted_at=factory.LazyFunction(timezone.now),
            first_submitted_at=factory.LazyFunction(timezone.now),
        )
        approved = factory.Trait(
            status="approved",
            submitted_at=factory.LazyFunction(timezone.now),
            first_submitted_at=factory.LazyFunction(timezone.now),
        )


# --- feedback -------------------------------------------------------------------------------


class ActivityFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.ActivityFeedback"
        django_get_or_create = ("activity",)  # one per activity

    activity = factory.SubFactory(ActivityFactory, past=True)
    written_by = factory.SelfAttribute("activity.coordinator")
    thank_you_text = "Thank you for your time and your honest comments on the leaflet."
    outcome_text = "The ethics committee approved the study."
    next_steps_text = "Recruitment starts next month."

    class Params:
        sent = factory.Trait(sent_at=factory.LazyFunction(timezone.now))


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.FeedbackItem"

    feedback = factory.SubFactory(ActivityFeedbackFactory)
    you_said = "The leaflet used too much jargon."
    changed = True
    we_did = "We rewrote it in plain English with your help."

    class Params:
        why_not = factory.Trait(
            changed=False, we_did="", why_not_reason="word_or_time_limits", why_not_text="Two pages at most."
        )


class FeedbackOwedFactory(factory.django.DjangoModelFactory):
    """Feedback owed on an attended participation (made directly, without the signal)."""

    class Meta:
        model = "feedback.FeedbackOwed"

    participation = factory.SubFactory(ParticipationFactory, attended=True)
    owner = factory.SelfAttribute("participation.activity.coordinator")
    due_on = factory.LazyAttribute(lambda o: o.participation.activity.occurs_on + timedelta(days=28))

    class Params:
        given = factory.Trait(
            status="given",
            given_at=factory.LazyFunction(timezone.now),
            feedback=factory.SubFactory(
                ActivityFeedbackFactory, activity=factory.SelfAttribute("..participation.activity"), sent=True
            ),
        )


# --- impact ---------------------------------------------------------------------------------


class ImpactEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "impact.ImpactEntry"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Shorter leaflet {n}")
    stage = "recruitment"
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    hoped_to_influence = "The participant information leaflet."
    outcome = "changed"
    what_changed = "The leaflet went from 12 pages to 4."
    why_it_matters = "People can read it before they decide."
    significance = "moderate"
    standards = factory.LazyFunction(lambda: ["communications", "impact"])
    created_by = factory.SelfAttribute("project.lead")

    class Params:
        published = factory.Trait(status="published", published_at=factory.LazyFunction(timezone.now))


def opted_in(user):
    """List `user` in the contributor directory: how a coordinator with no link to someone
    may still add them to an activity (portal.people)."""
    from contributors.models import Contributor

    Contributor.objects.update_or_create(user=user, defaults={"in_directory": True})
    return user


# --- coproduction ---------------------------------------------------------------------------


class GroundRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coproduction.GroundRules"

    project = factory.SubFactory(ProjectFactory)
    version = 1
    text = "We listen to each other. What people share stays in the room."
    written_by = factory.SelfAttribute("project.lead")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coproduction.Decision"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Decision {n}")
    decided_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    stage = "design"
    options = "Option A or option B."
    method = "consensus"
    views_changed_it = "yes"
    how_views_changed_it = "Contributors chose B."
    recorded_by = factory.SelfAttribute("project.lead")


class CoproductionReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coproduction.Reflection"

    project = factory.SubFactory(ProjectFactory)
    author = factory.SubFactory(UserFactory, contributor=True)
    stage = "design"
    working = "Being asked early."
    visibility = "team"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coproduction.Course"

    title = factory.Sequence(lambda n: f"Research awareness {n}")
    provider = "NIHR Learn"
    format = "online_self"
    length = "2 hours"
    added_by = factory.SubFactory(UserFactory, coordinator=True)


class CheckRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coproduction.CheckRecord"

    person = factory.SubFactory(UserFactory, contributor=True)
    check_kind = "dbs_enhanced"
    checked_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=700))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    recorded_by = factory.SubFactory(UserFactory, coordinator=True)
