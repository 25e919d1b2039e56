"""Benchmark: the diversity report over 20,000 contributors, and a 1,000-person certificate batch.

Not collected by pytest. Run it as a script (a few minutes):

    .venv/bin/python tests/bench/bench_impact.py [--people 20000] [--certificates 1000]

It builds its own throwaway SQLite database (or uses DATABASE_URL if set) with bulk_create,
then times the aggregation, the PDF and the CSV, and makes a project's certificate batch (the
ZIP of one PDF per person) in a separate process, whose peak memory (maximum resident set) it
reports beside that of a process that makes just one certificate (the cost of Django and
WeasyPrint themselves). Target: the batch under 300 MB.
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="impact-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from contributors.models import ParticipationDiversity  # noqa: E402
from impact import reports, selectors  # noqa: E402
from impact.models import Certificate  # noqa: E402
from portal.models import Activity, Participation, Project, User  # noqa: E402

# Rough England and Wales shares, so the tables look like a real organisation's.
ETHNIC = [
    ("white_british", 74),
    ("white_other", 6),
    ("asian_indian", 3),
    ("asian_pakistani", 3),
    ("asian_bangladeshi", 1),
    ("asian_chinese", 1),
    ("black_african", 3),
    ("black_caribbean", 1),
    ("mixed_white_asian", 1),
    ("mixed_other", 1),
    ("other_arab", 1),
    ("prefer_not_to_say", 3),
    ("", 2),
]
RELIGION = [
    ("christian", 44),
    ("none", 37),
    ("muslim", 7),
    ("hindu", 2),
    ("sikh", 1),
    ("jewish", 1),
    ("buddhist", 1),
    ("other", 1),
    ("prefer_not_to_say", 4),
    ("", 2),
]
ORIENTATION = [
    ("straight", 86),
    ("gay_lesbian", 2),
    ("bisexual", 2),
    ("other", 1),
    ("prefer_not_to_say", 6),
    ("", 3),
]


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def pick(rng, table):
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def timed(label, fn, results):
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    results.append((label, seconds))
    say(f"{label:<55} {seconds:8.2f} s")
    return value


def seed(people: int) -> None:
    rng = random.Random(20000)
    lead = User.objects.create_user(email="bench-lead@example.org", name="Bench Lead")
    projects = [Project.objects.create(title=f"Bench study {n}", summary="x", lead=lead) for n in range(20)]
    now = timezone.now()
    activities = Activity.objects.bulk_create(
        [
            Activity(
                project=projects[n % 20],
                title=f"Bench activity {n}",
                starts_at=now - timedelta(days=n),
                expected_hours=Decimal("2.00"),
                coordinator=lead,
            )
            for n in range(300)
        ]
    )
    users = User.objects.bulk_create(
        [User(email=f"bench{n}@example.org", name=f"Bench Person {n}", password="!") for n in range(people)],
        batch_size=2000,
    )
    participations = []
    for user in users:
        for activity in rng.sample(activities, rng.choice([1, 1, 2, 3, 4])):
            participations.append(Participation(activity=activity, contributor=user, status="attended"))
    participations = Participation.objects.bulk_create(participations, batch_size=5000)
    snapshots = []
    answers = {}
    for p in participations:
        a = answers.get(p.contributor_id)
        if a is None:
            answered = rng.random() < 0.85
            a = answers[p.contributor_id] = (
                {
                    "ethnic_group": pick(rng, ETHNIC),
                    "sex": rng.choice(["female", "female", "male", "male", "prefer_not_to_say"]),
                    "gender_same_as_birth": rng.choice(["yes"] * 30 + ["no", "prefer_not_to_say"]),
                    "sexual_orientation": pick(rng, ORIENTATION),
                    "long_term_condition": rng.choice(["yes", "no", "no"]),
                    "condition_reduces_ability": rng.choice(["a_lot", "a_little", "not_at_all"]),
                    "religion": pick(rng, RELIGION),
                    "year_of_birth": rng.randint(1935, 2005),
                    "carer": rng.choice(["no"] * 6 + ["1_19", "20_49", "50_plus"]),
                }
                if answered
                else {}
            )
        snapshots.append(ParticipationDiversity(participation=p, has_answers=bool(a), **a))
    ParticipationDiversity.objects.bulk_create(snapshots, batch_size=5000)
    say(f"seeded {len(users)} contributors, {len(participations)} attended participations")


def batch_project(issuer, size: int) -> Project:
    """A project that `size` of the bench's people attended, for the certificate batch."""
    project = Project.objects.create(title="Bench batch study", summary="x", lead=issuer)
    activity = Activity.objects.create(
        project=project,
        title="Bench batch workshop",
        starts_at=timezone.now() - timedelta(days=3),
        expected_hours=Decimal("2.00"),
        coordinator=issuer,
    )
    people = User.objects.filter(email__startswith="bench").exclude(pk=issuer.pk).order_by("pk")[:size]
    Participation.objects.bulk_create(
        [Participation(activity=activity, contributor=p, status="attended") for p in people], batch_size=5000
    )
    return project


def child(what: str, project_id: int) -> None:
    """Run in a fresh process, so that its peak memory is the batch's alone."""
    from impact import services
    from impact.models import ReportRequest

    project = Project.objects.get(pk=project_id)
    if what == "one":
        cert = Certificate.objects.create(
            contributor=project.lead,
            issued_by=project.lead,
            details=selectors.certificate_details(contributor=project.lead),
        )
        reports.certificate_pdf(cert)
        size = "one PDF"
    else:
        report = ReportRequest.objects.create(requested_by=project.lead, kind="certificates", project=project)
        report = services.make_report(report_id=report.pk)
        assert report.status == "ready", report.error
        size = f"ZIP {report.zip_file.size / 1e6:.1f} MB, {report.done} PDFs"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"peak memory {peak_mb:.0f} MB ({size})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--certificates", type=int, default=1_000)
    parser.add_argument("--child", choices=["one", "batch"])
    parser.add_argument("--project", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.project)
        return
    results: list[tuple[str, float]] = []
    call_command("migrate", verbosity=0)
    timed(f"seed {args.people} contributors (bulk_create)", lambda: seed(args.people), results)
    start, end = timezone.localdate() - timedelta(days=365), timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        data = timed(
            "diversity report: aggregation", lambda: selectors.diversity_report(start=start, end=end), results
        )
    say(f"  {len(queries)} queries; {data['people']} people counted")
    timed("diversity report: PDF", lambda: reports.diversity_pdf(data), results)
    timed("diversity report: CSV", lambda: reports.diversity_csv(data), results)
    timed(
        "impact report: aggregation + PDF",
        lambda: reports.impact_pdf(selectors.impact_report(start=start, end=end)),
        results,
    )
    issuer = User.objects.get(email="bench-lead@example.org")
    batch = batch_project(issuer, args.certificates)
    for label, what in (
        ("one certificate", "one"),
        (f"{args.certificates}-person certificate batch", "batch"),
    ):
        start_at = time.perf_counter()
        process = subprocess.run(
            [sys.executable, __file__, "--child", what, "--project", str(batch.pk)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - start_at
        results.append((f"{label} (a process of its own)", seconds))
        say(f"{label:<55} {seconds:8.2f} s; {process.stdout.strip()}")
    say("\n| step | seconds |\n| --- | ---: |")
    for label, seconds in results:
        say(f"| {label} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
