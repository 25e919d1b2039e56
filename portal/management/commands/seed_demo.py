"""Demo data with named personas, safe to run again and again."""

import importlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal.models import (
    Activity,
    ActivityKind,
    ActivityMode,
    Participation,
    ParticipationStatus,
    Project,
    ProjectStage,
    Role,
    User,
)

DEMO_PASSWORD = "portal-demo-2026"

PERSONAS = [
    # email, name, preferred name, roles, superuser
    ("contributor@example.org", "Cara Bennett", "Cara", [Role.CONTRIBUTOR], False),
    ("contributor2@example.org", "Olu Adebayo", "Olu", [Role.CONTRIBUTOR], False),
    ("coordinator@example.org", "Fatima Rahman", "Fatima", [Role.COORDINATOR], False),
    ("manager@example.org", "Morgan Price", "Morgan", [Role.MANAGER], False),
    ("admin@example.org", "Alex Admin", "Alex", [], True),
]

# Further contributors, so that lists and reports have more than two people in them.
EXTRA_CONTRIBUTORS = [
    ("priya.shah@example.org", "Priya Shah"),
    ("john.evans@example.org", "John Evans"),
    ("grace.mensah@example.org", "Grace Mensah"),
    ("tom.byrne@example.org", "Tom Byrne"),
    ("aisha.begum@example.org", "Aisha Begum"),
    ("david.lloyd@example.org", "David Lloyd"),
    # A second John Evans: staff must be able to tell the two apart (issue 9, item 10).
    ("j.evans@example.net", "John Evans"),
]


@dataclass
class Demo:
    """What the spine seeded, handed to each app's `demo.seed(demo)` to build on."""

    cara: User
    olu: User
    fatima: User
    morgan: User
    admin: User
    others: list[User]
    projects: dict[str, Project]
    activities: dict[str, Activity]
    now: timezone.datetime

    @property
    def contributors(self) -> list[User]:
        return [self.cara, self.olu, *self.others]


class Command(BaseCommand):
    help = "Create the demo personas and data (idempotent; refuses in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production configuration.")
        with transaction.atomic():
            demo = self._seed_spine()
            for config in apps.get_app_configs():
                if config.name in (
                    "contributors",
                    "payments",
                    "feedback",
                    "impact",
                    "messaging",
                    "coproduction",
                ):
                    try:
                        module = importlib.import_module(f"{config.name}.demo")
                    except ModuleNotFoundError:
                        continue
                    module.seed(demo)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of:"))
        for email, name, _, roles, superuser in PERSONAS:
            role = "admin (superuser)" if superuser else ", ".join(r.lower() for r in roles)
            self.stdout.write(f"  {email:<28} {name:<16} {role}")
        self.stdout.write(f"  password for all: {DEMO_PASSWORD}")

    def _person(self, email, name, preferred, roles, superuser=False) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, name=name, preferred_name=preferred
            )
        if superuser and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        from django.contrib.auth.models import Group

        user.groups.add(*Group.objects.filter(name__in=roles))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _seed_spine(self) -> Demo:
        people = {p[0]: self._person(*p) for p in PERSONAS}
        others = [self._person(e, n, n.split()[0], [Role.CONTRIBUTOR]) for e, n in EXTRA_CONTRIBUTORS]
        cara, olu = people["contributor@example.org"], people["contributor2@example.org"]
        fatima, morgan = people["coordinator@example.org"], people["manager@example.org"]
        now = timezone.now().replace(minute=0, second=0, microsecond=0)

        def project(title, summary, stage, budget, coordinators=()):
            p, _ = Project.objects.get_or_create(
                title=title,
                defaults={
                    "summary": summary,
                    "lead": fatima,
                    "stage": stage,
                    "involvement_budget": Decimal(budget),
                },
            )
            p.coordinators.add(fatima, *coordinators)
            return p

        projects = {
            "stroke": project(
                "Getting home after a stroke",
                "A study of what helps people and their families in the first three months home "
                "from hospital after a stroke.",
                ProjectStage.DESIGN,
                "4000.00",
            ),
            "memory": project(
                "Memory clinic waiting times",
                "Why some people wait much longer than others for a memory assessment, and what "
                "would make the wait easier.",
                ProjectStage.FUNDING,
                "2500.00",
            ),
            "panel": project(
                "Research funding panel 2026–27",
                "Public members who score and comment on applications for research funding.",
                ProjectStage.IDENTIFYING,
                "6000.00",
            ),
        }

        def activity(key, project_key, title, kind, days, hours, mode, location="", rate="meeting_hour"):
            when = (now + timedelta(days=days)).replace(hour=10)
            a, _ = Activity.objects.get_or_create(
                project=projects[project_key],
                title=title,
                defaults={
                    "kind": kind,
                    "starts_at": when,
                    "expected_hours": Decimal(hours),
                    "mode": mode,
                    "location": location,
                    "coordinator": fatima,
                    "rate_code": rate,
                    "description": "Agreed preparation time is included in the hours.",
                },
            )
            return key, a

        activities = dict(
            [
                activity(
                    "stroke_design",
                    "stroke",
                    "Design workshop: what matters at home",
                    ActivityKind.WORKSHOP,
                    -60,
                    "3.00",
                    ActivityMode.IN_PERSON,
                    "Room 2, Northbridge Community Centre, LS1 4AP",
                ),
                activity(
                    "stroke_leaflet",
                    "stroke",
                    "Review the participant information leaflet",
                    ActivityKind.DOCUMENT_REVIEW,
                    -35,
                    "2.00",
                    ActivityMode.ONLINE,
                    rate="document_review",
                ),
                activity(
                    "stroke_steering",
                    "stroke",
                    "Steering group meeting",
                    ActivityKind.MEETING,
                    -10,
                    "2.00",
                    ActivityMode.ONLINE,
                    "Video call; the link is emailed the day before",
                ),
                activity(
                    "stroke_next",
                    "stroke",
                    "Steering group meeting (spring)",
                    ActivityKind.MEETING,
                    1,
                    "2.00",
                    ActivityMode.ONLINE,
                    "Video call; the link is emailed the day before",
                ),
                activity(
                    "memory_bid",
                    "memory",
                    "Funding application: plain-English summary",
                    ActivityKind.DOCUMENT_REVIEW,
                    -20,
                    "2.00",
                    ActivityMode.ONLINE,
                    rate="document_review",
                ),
                activity(
                    "memory_workshop",
                    "memory",
                    "Waiting-well workshop",
                    ActivityKind.WORKSHOP,
                    14,
                    "3.00",
                    ActivityMode.IN_PERSON,
                    "Memory Services, 12 Park Row, Leeds LS1 5HD",
                ),
                activity(
                    "panel_autumn",
                    "panel",
                    "Autumn funding panel",
                    ActivityKind.PANEL,
                    -45,
                    "7.00",
                    ActivityMode.IN_PERSON,
                    "Board room, 1 City Square, Leeds LS1 2ES",
                    rate="funding_panel_day",
                ),
                activity(
                    "panel_spring",
                    "panel",
                    "Spring funding panel",
                    ActivityKind.PANEL,
                    30,
                    "3.50",
                    ActivityMode.ONLINE,
                    "Video call",
                    rate="funding_panel_half_day",
                ),
            ]
        )

        attended, invited = ParticipationStatus.ATTENDED, ParticipationStatus.CONFIRMED
        plan = {
            "stroke_design": ([cara, olu, *others[:4]], attended),
            "stroke_leaflet": ([cara, olu, others[0]], attended),
            "stroke_steering": ([cara, olu, others[1]], attended),
            "stroke_next": ([cara, olu, others[1]], invited),
            "memory_bid": ([cara, others[2], others[3]], attended),
            "memory_workshop": ([cara, others[4], others[5]], invited),
            "panel_autumn": ([olu, *others[2:6]], attended),
            "panel_spring": ([olu, others[4]], invited),
        }
        from portal.signals import participation_changed

        for key, (who, status) in plan.items():
            for person in who:
                participation, created = Participation.objects.get_or_create(
                    activity=activities[key], contributor=person, defaults={"status": status}
                )
                if created:
                    # The same signal a coordinator's click sends, so apps react as in real use.
                    participation_changed.send(
                        sender=Participation, participation=participation, old_status=None, actor=fatima
                    )
        return Demo(
            cara=cara,
            olu=olu,
            fatima=fatima,
            morgan=morgan,
            admin=people["admin@example.org"],
            others=others,
            projects=projects,
            activities=activities,
            now=now,
        )
