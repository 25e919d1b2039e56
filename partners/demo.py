"""Demo partners: a carers' centre and a faith community, one invoice paid and one waiting,
feedback sent, a few people who say a partner introduced them, and last year's completed
UK Standards self-assessment to compare with."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import services
from .frameworks import ensure_uk_standards
from .models import Assessment, Framework, LinkRole, Partner, PartnerKind, PartnerStatus

PARTNERS = [
    {
        "name": "Riverside Carers' Centre",
        "kind": PartnerKind.CHARITY,
        "communities": "Unpaid carers in the east of the city, many of them older carers looking after a partner.",
        "they_bring": "Trust with carers, a room on Tuesday mornings and a carer who co-chairs our sessions.",
        "we_bring": "Paid places on our advisory groups and plain-language summaries for their newsletter.",
        "how_paid": "Invoices each quarter for staff time at the rate we agreed.",
        "feedback_route": "A written update to the centre manager after each study stage, read out at their carers' café.",
        "project": "stroke",
        "role": LinkRole.CO_DELIVER,
        "contact": ("Janet Hughes", "Centre manager", "janet.hughes@example.org"),
        "introduced": ("priya.shah@example.org", "john.evans@example.org"),
    },
    {
        "name": "Al-Noor Community Association",
        "kind": PartnerKind.FAITH,
        "communities": "South Asian Muslim families, with Urdu and Bengali speakers among the older members.",
        "they_bring": "Introductions to families, interpreters they trust, and space after Friday prayers.",
        "we_bring": "Payment for their time, and involvement opportunities written with them.",
        "how_paid": "One invoice per event for hosting and interpreting.",
        "feedback_route": "A short letter to the chair, which they translate for the community.",
        "project": "memory",
        "role": LinkRole.RECRUIT,
        "contact": ("Imran Qureshi", "Chair", "imran.qureshi@example.org"),
        "introduced": ("aisha.begum@example.org",),
    },
]


def _partner(demo, spec) -> Partner:
    partner = Partner.objects.filter(name=spec["name"]).first()
    if partner is not None:
        return partner
    fields = {k: spec[k] for k in services.PARTNER_FIELDS if k in spec}
    partner = services.create_partner(
        actor=demo.morgan,
        status=PartnerStatus.ACTIVE,
        agreed_on=timezone.localdate() - timedelta(days=300),
        **fields,
    )
    name, role, email = spec["contact"]
    services.add_contact(actor=demo.morgan, partner=partner, name=name, role=role, email=email, consent=True)
    services.link_partner(
        actor=demo.morgan, partner=partner, project=demo.projects[spec["project"]], role=spec["role"]
    )
    people = {u.email: u for u in demo.contributors}
    for email in spec["introduced"]:
        if email in people:
            services.set_introduction(user=people[email], partner=partner, consent=True)
    return partner


def _invoices(demo, carers: Partner, faith: Partner) -> None:
    if carers.invoices.exists():
        return
    today = timezone.localdate()
    paid = services.enter_invoice(
        actor=demo.fatima,
        partner=carers,
        project=demo.projects["stroke"],
        invoice_reference_text="RCC-0412",
        description="Co-facilitating two carers' workshops (staff time)",
        invoiced_on=today - timedelta(days=40),
        amount=Decimal("360.00"),
    )
    services.decide_invoice(actor=demo.morgan, invoice=paid, approve=True)
    services.pay_invoices(
        actor=demo.morgan, invoices=[paid], paid_on=today - timedelta(days=20), reference="BACS-ORG-DEMO-1"
    )
    services.enter_invoice(
        actor=demo.fatima,
        partner=faith,
        project=demo.projects["memory"],
        invoice_reference_text="ANCA-2026-07",
        description="Hosting a listening event, with two interpreters",
        invoiced_on=today - timedelta(days=5),
        amount=Decimal("275.00"),
    )


def _feedback(demo, carers: Partner) -> None:
    if carers.feedback.exists():
        return
    services.give_partner_feedback(
        actor=demo.fatima,
        partner=carers,
        project=demo.projects["stroke"],
        what_they_told_us="Carers said the first week home is when they most need a named person to ring.",
        what_changed="The study now asks about the first week separately, and the leaflet gives one number to call.",
    )


LAST_YEAR = {
    "Inclusive opportunities": (
        "developing",
        "Opportunities go out through two community partners.",
        "Reach younger carers and people who do not use email.",
    ),
    "Working together": (
        "established",
        "Every role has an agreement, accepted before it starts.",
        "Share decisions from steering meetings sooner.",
    ),
    "Support and learning": (
        "starting",
        "A buddy for each new contributor.",
        "A yearly learning plan, recorded.",
    ),
    "Communications": (
        "developing",
        "Feedback letters in plain language.",
        "Give feedback within four weeks, every time.",
    ),
    "Impact": (
        "developing",
        "Impact entries logged for each study stage.",
        "Share impact with partners, not only contributors.",
    ),
    "Governance": (
        "starting",
        "Two contributors on the steering committee.",
        "A contributor on the board's research committee.",
    ),
}


def _assessment(demo) -> None:
    ensure_uk_standards()
    framework = Framework.objects.get(slug="uk-standards")
    today = timezone.localdate()
    year = (today.year if today.month >= 4 else today.year - 1) - 1
    if Assessment.objects.filter(framework=framework, project=None, year=year).exists():
        return
    assessment = services.start_assessment(actor=demo.morgan, framework=framework, year=year)
    for answer in assessment.answers.select_related("standard"):
        rating, working, improve = LAST_YEAR.get(answer.standard.title, ("developing", "", ""))
        services.save_answer(
            actor=demo.morgan, answer=answer, rating=rating, working=working, improve=improve
        )
    services.complete_assessment(actor=demo.morgan, assessment=assessment)


def seed(demo) -> None:
    with transaction.atomic():
        carers, faith = (_partner(demo, spec) for spec in PARTNERS)
        _invoices(demo, carers, faith)
        _feedback(demo, carers)
        _assessment(demo)
