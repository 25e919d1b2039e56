"""Benchmark (issue 12): the key pages at the size of a national programme.

Not collected by pytest. `make bench` runs it against a throwaway PostgreSQL (scripts/services.sh);
by hand:

    eval "$(scripts/services.sh start /tmp/bench-pg)"
    .venv/bin/python tests/bench/bench_pages.py [--people 20000] [--claims 200000] [--port 8931]
    .venv/bin/python tests/bench/bench_pages.py --reuse --only "approval queue" --no-floors
    scripts/services.sh stop /tmp/bench-pg

`--reuse` measures the data a previous run seeded into the same database (seeding 50,000 claims
takes about a minute), so that a change can be measured again in seconds; `--only` (repeatable)
picks pages by name.

It seeds with bulk_create, serves the portal with gunicorn (2 workers, DEBUG off), and for each
key page prints its queries (counted in-process), its HTML size and its requests per second as
a ratio to a bare signed-in page (the reminder settings page: session, user, navigation)
measured in the same run, the two interleaved so that both see the same machine. Then the
diversity report against a raw SQL GROUP BY over the same rows, and one certificate against a
minimal WeasyPrint page.
"""

import argparse
import http.client
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="pages-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
# The same key here and in gunicorn: the sessions made here are signed with it.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "x" * 50)
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Needs DATABASE_URL pointing at a PostgreSQL database (see the docstring).")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # the in-process client that counts queries uses "testserver"

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from contributors.models import Contributor  # noqa: E402
from feedback.models import FeedbackOwed  # noqa: E402
from impact.models import ImpactEntry  # noqa: E402
from payments.models import Claim  # noqa: E402
from portal.models import Activity, Participation, Project, Role, User  # noqa: E402
from tests.bench import bench_impact  # noqa: E402


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def seed(people: int, claims: int) -> dict:
    """bench_impact's contributors, activities and attended participations (with diversity
    snapshots), then roles, profiles, claims, feedback owed and impact entries."""
    rng = random.Random(12)
    bench_impact.seed(people)
    sign_in_themselves()
    lead = User.objects.get(email="bench-lead@example.org")
    manager = User.objects.create_user(email="bench-manager@example.org", name="Bench Manager", password="x")
    groups = {g.name: g for g in Group.objects.all()}
    lead.groups.add(groups[Role.COORDINATOR])
    manager.groups.add(groups[Role.MANAGER])
    contributors = list(User.objects.filter(email__startswith="bench").exclude(pk__in=[lead.pk, manager.pk]))
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=u.pk, group_id=groups[Role.CONTRIBUTOR].pk) for u in contributors], batch_size=5000
    )
    Contributor.objects.bulk_create(
        [
            Contributor(
                user=u,
                contact_method="email",
                in_directory=rng.random() < 0.3,
                privacy_agreed_at=timezone.now(),
            )
            for u in contributors
        ],
        batch_size=5000,
    )
    participations = list(Participation.objects.select_related("activity").order_by("pk"))
    statuses = ["paid"] * 60 + ["approved"] * 15 + ["submitted"] * 15 + ["draft"] * 10
    now = timezone.now()
    rows = []
    for n in range(claims):
        p = participations[n] if n < len(participations) else None
        who = p.contributor_id if p else rng.choice(contributors).pk
        status = rng.choice(statuses)
        submitted = now - timedelta(days=rng.randint(5, 400))
        rows.append(
            Claim(
                reference=f"BN-{n:07d}",
                contributor_id=who,
                participation=p,
                ad_hoc_description="" if p else "Reading a protocol",
                project_id=p.activity.project_id if p else rng.choice(participations).activity.project_id,
                work_on=(submitted - timedelta(days=3)).date(),
                status=status,
                submitted_at=submitted if status != "draft" else None,
                first_submitted_at=submitted if status != "draft" else None,
                paid_on=(submitted + timedelta(days=rng.randint(3, 40))).date() if status == "paid" else None,
                fee_total=Decimal("50.00"),
                total=Decimal("50.00"),
            )
        )
    Claim.objects.bulk_create(rows, batch_size=5000)
    owed = []
    for p in participations:
        given = rng.random() < 0.7
        owed.append(
            FeedbackOwed(
                participation=p,
                owner=lead,
                due_on=p.activity.starts_at.date() + timedelta(days=28),
                status="given" if given else "due",
                given_at=p.activity.starts_at + timedelta(days=rng.randint(1, 40)) if given else None,
            )
        )
    FeedbackOwed.objects.bulk_create(owed, batch_size=5000)
    projects = list(Project.objects.all())
    ImpactEntry.objects.bulk_create(
        [
            ImpactEntry(
                project=projects[n % len(projects)],
                title=f"Bench change {n}",
                stage="recruitment",
                occurred_on=timezone.localdate() - timedelta(days=n % 365),
                hoped_to_influence="The leaflet.",
                outcome="changed",
                what_changed="Shorter.",
                why_it_matters="Readable.",
                significance="moderate",
                standards=["impact"],
                created_by=lead,
                status="published" if n % 2 else "draft",
                published_at=now - timedelta(hours=n) if n % 2 else None,
            )
            for n in range(max(people // 10, 50))
        ],
        batch_size=5000,
    )
    busiest = Claim.objects.values_list("contributor", flat=True).order_by("-pk").first()
    contributor = User.objects.get(pk=busiest)
    Claim.objects.filter(pk__in=Claim.objects.filter(participation__isnull=True).values("pk")[:600]).update(
        contributor=contributor
    )
    return seeded()


def seeded() -> dict:
    """The people and activity the pages are measured as, found again in a seeded database."""
    from django.db.models import Count

    busiest = (
        Claim.objects.values("contributor")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("contributor", flat=True)
    )
    return {
        "manager": User.objects.get(email="bench-manager@example.org"),
        "coordinator": User.objects.get(email="bench-lead@example.org"),
        "contributor": User.objects.get(pk=busiest[0]),
        "activity": Activity.objects.order_by("-starts_at").first(),
    }


def key_pages(who) -> list[tuple[str, str | None, str]]:
    """(name, who views it, address) for each page measured."""
    return [
        ("manager home", "manager", reverse("portal:home")),
        ("contributor home", "contributor", reverse("portal:home")),
        ("activity page", "coordinator", reverse("portal:activity_detail", args=[who["activity"].public_id])),
        ("directory", "coordinator", reverse("contributors:directory")),
        ("impact log", "manager", reverse("impact:entry_list")),
        ("public page", None, reverse("impact:public_changes")),
        ("your data", "contributor", reverse("contributors:my_data")),
        ("your data: claims", "contributor", reverse("contributors:my_data_section", args=["payments"])),
        ("claims list", "contributor", reverse("payments:claim_list")),
        ("feedback owed", "coordinator", reverse("feedback:owed_list")),
        ("approval queue", "coordinator", reverse("payments:claim_queue")),
        ("paying page", "manager", reverse("payments:payment_list")),
    ]


def sign_in_themselves() -> None:
    """bench_impact's people have no usable password, which makes every one of them "offline"
    (someone a coordinator acts for): give nineteen in twenty a password, as in a programme
    where most people sign in themselves."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import F
    from django.db.models.functions import Mod

    people = User.objects.filter(email__startswith="bench", password="!").alias(m=Mod(F("pk"), 20))
    people.exclude(m=0).update(password=make_password("bench"))


def session_cookie(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def count_queries(user, url) -> tuple[int, int]:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), len(response.content)


def rate(conn_factory, cookie, path, seconds: float) -> float:
    conn = conn_factory()
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {}
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--seconds", type=float, default=2.0, help="per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="measure what an earlier run seeded")
    parser.add_argument("--only", action="append", metavar="PAGE", help="measure this page (repeatable)")
    parser.add_argument("--no-floors", action="store_true", help="skip the diversity and certificate floors")
    parser.add_argument(
        "--floors-only",
        action="store_true",
        help="only the floors, against what an earlier run seeded: no pages, no server",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.floors_only:
        floors()
        return
    started = time.perf_counter()
    if args.reuse:
        who = seeded()
    else:
        who = seed(args.people, args.claims)
        with connection.cursor() as cursor:  # plans as on a live database, not a freshly loaded one
            cursor.execute("ANALYZE")
    say(
        f"{'reusing' if args.reuse else 'seeded'} {User.objects.count()} people, "
        f"{Participation.objects.count()} participations, {Claim.objects.count()} claims "
        f"in {time.perf_counter() - started:.0f} s"
    )
    pages = key_pages(who)
    if args.only:
        unknown = set(args.only) - {name for name, _, _ in pages}
        if unknown:
            sys.exit(f"unknown pages: {', '.join(sorted(unknown))}")
        pages = [page for page in pages if page[0] in args.only]
    bare = reverse("portal:reminder_settings")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "PORTAL_REQUIRE_STAFF_MFA": "false",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_MAX_REQUESTS": "0",
    }
    log = open(Path(os.environ["PORTAL_VAR_DIR"]) / "gunicorn.log", "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        cookies = {role: session_cookie(user) for role, user in who.items() if role != "activity"}
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                c.request("GET", "/healthz")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)

        def conn():
            return http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)

        # Each worker's first requests to a page pay for imports, templates and connections
        # (about a second): not the page's cost, so every page is warmed before any is timed.
        for _name, role, path in pages:
            try:
                rate(conn, cookies[role] if role else None, path, 0.5)
                rate(conn, cookies[role or "contributor"], bare, 0.2)
            except (RuntimeError, OSError):
                pass  # reported when the page is measured
        say(
            "\n| page | queries | HTML KB | req/s | bare req/s | ratio |\n| --- | ---: | ---: | ---: | ---: | ---: |"
        )
        for name, role, path in pages:
            user = who[role] if role else None
            queries, size = count_queries(user, path)
            cookie = cookies[role] if role else None
            ours, theirs = [], []
            try:
                for _ in range(args.rounds):  # interleaved with the bare page
                    ours.append(rate(conn, cookie, path, args.seconds))
                    theirs.append(rate(conn, cookies[role or "contributor"], bare, args.seconds))
            except (RuntimeError, OSError) as exc:  # a timeout is a result too: report it, go on
                say(f"| {name} | {queries} | {size / 1024:.0f} | failed: {exc} | | |")
                continue
            page_rate, bare_rate = sum(ours) / len(ours), sum(theirs) / len(theirs)
            say(
                f"| {name} | {queries} | {size / 1024:.0f} | {page_rate:.1f} | {bare_rate:.1f} | "
                f"{page_rate / bare_rate:.2f} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not args.no_floors:
        floors()


def median_ms(work, times: int = 7) -> float:
    """The median of several timings of `work`, after one untimed run: the first run pays for
    imports, compiled templates, fonts and cold caches, which are not the work's cost. The machine
    is shared, so one timing says little."""
    work()
    timings = []
    for _ in range(times):
        t = time.perf_counter()
        work()
        timings.append((time.perf_counter() - t) * 1000)
    return sorted(timings)[len(timings) // 2]


def floors() -> None:
    """Each floor and what it is the floor for, timed alike (median_ms) and back to back."""
    diversity_floor()
    certificate_floor()
    finance_export_floor()


def diversity_floor() -> None:
    from impact import selectors

    start, end = timezone.localdate() - timedelta(days=365), timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        selectors.diversity_report(start=start, end=end)
    period = [timezone.now() - timedelta(days=365), timezone.now() + timedelta(days=1)]

    def run(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, period)
            cursor.fetchall()

    sql = """
        SELECT d.ethnic_group, d.sex, count(*) FROM contributors_participationdiversity d
        JOIN portal_participation p ON p.id = d.participation_id
        JOIN portal_activity a ON a.id = p.activity_id
        WHERE a.starts_at >= %s AND a.starts_at < %s
        GROUP BY d.ethnic_group, d.sex
    """
    # The floor above counts every participation; the report counts each person once, by their
    # first participation in the period. The same GROUP BY behind that window, in raw SQL, is
    # the floor for the work the report must do.
    windowed = """
        SELECT d.ethnic_group, d.sex, count(*) FROM (
            SELECT p.id, row_number() OVER (PARTITION BY p.contributor_id ORDER BY a.starts_at, p.id) AS n
            FROM portal_participation p JOIN portal_activity a ON a.id = p.activity_id
            WHERE p.status = 'attended' AND a.starts_at >= %s AND a.starts_at < %s
        ) f JOIN contributors_participationdiversity d ON d.participation_id = f.id
        WHERE f.n = 1 GROUP BY d.ethnic_group, d.sex
    """
    # Interleaved, so that all three see the same machine.
    report_ms, floor_ms, window_ms = [], [], []
    for _ in range(3):
        report_ms.append(median_ms(lambda: selectors.diversity_report(start=start, end=end), 5))
        floor_ms.append(median_ms(lambda: run(sql), 5))
        window_ms.append(median_ms(lambda: run(windowed), 5))
    report, floor, window_floor = (sorted(x)[1] for x in (report_ms, floor_ms, window_ms))
    # The floor is "a single SQL GROUP BY over the same rows": the rows the report counts,
    # each person's first attended participation (docs/performance.md, "Not done"). The GROUP BY
    # over every participation counts people once a participation, and is printed beside it.
    say(
        f"\ndiversity report: {report:.0f} ms in {len(queries)} queries; raw SQL GROUP BY over the "
        f"same rows (first participations) {window_floor:.0f} ms: ratio {report / window_floor:.1f} "
        f"(target 2); over every participation {floor:.0f} ms: ratio {report / floor:.1f} (medians, warmed)"
    )


def certificate_floor() -> None:
    from weasyprint import HTML

    from impact.models import Certificate
    from impact.reports import certificates_pdf
    from impact.selectors import certificate_details
    from portal.pdf import font_config

    issuer = User.objects.get(email="bench-lead@example.org")
    person = User.objects.filter(email__startswith="bench").exclude(pk=issuer.pk).first()
    with transaction.atomic():
        cert = Certificate.objects.create(
            contributor=person, issued_by=issuer, details=certificate_details(contributor=person)
        )
        # The minimal page with the same font configuration the portal's PDFs use, so that both
        # pay alike for finding fonts (it falls back to DejaVu Serif, 6% cheaper than the
        # certificate's Sans).
        fonts = font_config()

        def minimal():
            HTML(string="<h1>Certificate of involvement</h1><p>Thank you.</p>").write_pdf(font_config=fonts)

        ours_ms, minimal_ms = [], []
        for _ in range(3):  # interleaved, as above
            ours_ms.append(median_ms(lambda: certificates_pdf([cert]), 5))
            minimal_ms.append(median_ms(minimal, 5))
        transaction.set_rollback(True)
    ours, floor = sorted(ours_ms)[1], sorted(minimal_ms)[1]
    say(
        f"certificate: {ours:.0f} ms; minimal WeasyPrint page {floor:.0f} ms; ratio {ours / floor:.1f} (medians, warmed)"
    )


def finance_export_floor(claims: int = 1500) -> None:
    """The finance CSV of a bank-transfer run of `claims` approved claims, through its view (MFA
    and a fresh sign-in passed), in a transaction rolled back afterwards: the benchmark's
    database is left as it was."""
    from contributors.models import BankAccount, Contributor
    from payments.services import pay_run
    from payments.views.paying import _payable
    from tests.mfa import pass_mfa

    manager = User.objects.get(email="bench-manager@example.org")
    with transaction.atomic():
        # The paying page's oldest approved claims, as someone ticking them would choose.
        chosen = list(
            _payable()
            .filter(pays_by_vouchers=False)
            .order_by(F("decided_at").asc(nulls_first=True), "pk")[:claims]
        )
        people = Contributor.objects.filter(
            user__in={c.contributor_id for c in chosen}, bank_account=None
        ).order_by("pk")
        accounts = []
        for n, profile in enumerate(people):
            account = BankAccount(contributor=profile)
            account.set_details(
                account_name=f"Bench Person {n}", sort_code="12-34-56", account_number=f"{n:08d}"
            )
            accounts.append(account)
        BankAccount.objects.bulk_create(accounts, batch_size=1000)
        t = time.perf_counter()
        [batch] = pay_run(
            actor=manager, claims=chosen, paid_on=timezone.localdate(), bank_reference="BENCH-RUN"
        )
        setup = time.perf_counter() - t
        client = Client()
        client.force_login(manager)
        pass_mfa(client, manager)
        url = reverse("payments:batch_export", args=[batch.public_id])
        reset_queries()  # the log holds at most 9,000 queries and the run above filled it
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        lines = response.content.decode().count("\n") - 1

        def export():
            client.get(url)

        took = median_ms(export, 5)
        transaction.set_rollback(True)
    say(
        f"finance export: {lines} claims in {took:.0f} ms (median, warmed) and {len(queries)} queries; "
        f"target under 1,000 ms and 20 queries (the run itself took {setup:.1f} s to record)"
    )


if __name__ == "__main__":
    main()
