"""Demo payments: the ILLUSTRATIVE rate card (never loaded by a migration, so production never
gets made-up rates), its +10% uplift from 16 December 2025, and claims in every state."""

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from portal.models import Participation, User

from . import services
from .models import Claim, ClaimEvent, PaymentChoice, RateCard

CARD_CSV = Path(__file__).resolve().parent / "data" / "rate-card-demo.csv"
BENEFIT_CSV = Path(__file__).resolve().parent / "data" / "benefit-rules.csv"
# An ILLUSTRATIVE April rise, so the demo shows a limit that changes on a date.
ESA_RISE_FROM = date(2026, 4, 6)
CARD_NAME = "Illustrative demo rate card"
UPLIFT_FROM = date(2025, 12, 16)


def _cards(demo) -> None:
    card = RateCard.objects.filter(name=CARD_NAME, effective_from=date(2024, 4, 1)).first()
    if card is None:
        with CARD_CSV.open(newline="", encoding="utf-8") as f:
            rows = [
                {
                    "code": r["code"],
                    "activity": r["activity"],
                    "unit": r["unit"],
                    "amount": Decimal(r["amount_gbp"]),
                }
                for r in csv.DictReader(f)
            ]
        card = services.create_rate_card(
            actor=None,
            name=CARD_NAME,
            effective_from=date(2024, 4, 1),
            rows=rows,
            notes="ILLUSTRATIVE amounts for the demo only: an organisation enters its own NIHR-aligned card.",
            is_illustrative=True,
        )
    if not RateCard.objects.filter(based_on=card, effective_from=UPLIFT_FROM).exists():
        services.uplift_rate_card(
            actor=None,
            card=card,
            percent=Decimal("10"),
            effective_from=UPLIFT_FROM,
            name="Illustrative demo rate card, NIHR +10% uplift",
        )


def _backdate(claim: Claim, days_after_work: int) -> None:
    """Demo only: make the claim look as if it was submitted a few days after the work."""
    when = claim.created_at.replace(
        year=claim.work_on.year, month=claim.work_on.month, day=claim.work_on.day
    ) + timedelta(days=days_after_work)
    Claim.objects.filter(pk=claim.pk).update(submitted_at=when, first_submitted_at=when, created_at=when)
    ClaimEvent.objects.filter(claim=claim).update(created_at=when)


def _benefits(demo) -> None:
    """The sourced starting limits (an organisation checks them: production loads them on
    purpose with `manage.py load_benefit_rules`), an illustrative April rise, and two
    contributors who told us their benefit: Cara on ESA, Priya on Universal Credit."""
    from contributors.models import Benefit
    from contributors.services.benefits import save_benefit

    from .models import BenefitRule

    services.load_benefit_rules(BENEFIT_CSV)
    if not BenefitRule.objects.filter(benefit=Benefit.ESA_HIGHER, applies_from=ESA_RISE_FROM).exists():
        services.add_benefit_rule(
            actor=None,
            benefit=Benefit.ESA_HIGHER,
            period="week",
            limit=Decimal("203.00"),
            applies_from=ESA_RISE_FROM,
            source="ILLUSTRATIVE demo figure for an April rise: not a DWP figure.",
            checked="not checked: demo only",
        )
    save_benefit(user=demo.cara, consent=True, benefit=Benefit.ESA_HIGHER)
    priya = User.objects.filter(email="priya.shah@example.org").first()
    if priya is not None:
        save_benefit(user=priya, consent=True, benefit=Benefit.UC_HOUSING)


def seed(demo) -> None:
    _cards(demo)
    _benefits(demo)
    fatima, morgan = demo.fatima, demo.morgan
    a, o = demo.activities, demo.others

    def claim(key, person, state, *, mileage=None, parking=None, choice=None, prep=None):
        participation = Participation.objects.get(activity=a[key], contributor=person)
        if Claim.objects.filter(participation=participation).exists():
            return None
        c = services.start_claim(actor=person, participation=participation)
        if prep:
            services.add_fee_line(
                actor=person, claim=c, code="meeting_hour", quantity=Decimal(prep), is_preparation=True
            )
        if mileage:
            services.add_expense_line(
                actor=person,
                claim=c,
                kind="mileage_car",
                miles=Decimal(mileage),
                description="Home to the venue and back",
            )
        if parking:
            services.add_expense_line(actor=person, claim=c, kind="parking", amount=Decimal(parking))
        if choice or services.needs_public_sector_confirmation(person):
            services.update_claim_choices(
                actor=person,
                claim=c,
                payment_choice=choice or c.payment_choice,
                reduced_amount=c.reduced_amount,
                public_sector_confirmed=services.needs_public_sector_confirmation(person),
            )
        if state == "draft":
            return c
        if state == "withdrawn":
            return services.withdraw_claim(actor=person, claim=c)
        services.submit_claim(actor=person, claim=c, declaration=True)
        _backdate(c, 3)
        if state == "returned":
            services.return_claim(
                claim=c, actor=fatima, reason="Please add the parking receipt, or remove the parking line."
            )
        elif state == "rejected":
            services.decide_claim(
                claim=c,
                approver=fatima,
                approve=False,
                note="This meeting was already paid on another claim.",
            )
        elif state in ("approved", "paid"):
            services.decide_claim(claim=c, approver=fatima, approve=True)
        c.refresh_from_db()
        return c

    paid_design = [
        claim("stroke_design", demo.cara, "paid", mileage="12", parking="4.50", prep="1"),
        claim("stroke_design", demo.olu, "paid", choice=PaymentChoice.VOUCHERS),
    ]
    claim("stroke_design", o[0], "approved")
    claim("stroke_design", o[1], "rejected")
    claim("stroke_design", o[2], "withdrawn")
    claim("stroke_leaflet", demo.cara, "approved")
    claim("stroke_leaflet", demo.olu, "returned", parking="3.00")
    claim("stroke_leaflet", o[0], "submitted")
    claim("stroke_steering", demo.cara, "submitted")
    claim("stroke_steering", demo.olu, "draft")
    claim("stroke_steering", o[1], "submitted", choice=PaymentChoice.EXPENSES_ONLY, parking="5.00")
    claim("memory_bid", demo.cara, "draft")
    claim("memory_bid", o[2], "submitted")
    paid_panel = [
        claim("panel_autumn", demo.olu, "paid", mileage="30"),
        claim("panel_autumn", o[2], "paid"),
    ]
    claim("panel_autumn", o[3], "approved")
    claim("panel_autumn", o[4], "submitted")
    today = demo.now.date()
    for batch, paid_on, number in (
        (paid_design, today - timedelta(days=30), "001"),
        (paid_panel, today - timedelta(days=12), "002"),
    ):
        claims = [c for c in batch if c is not None]
        if claims:
            for c in claims:
                _demo_bank_details(c.contributor)
            services.pay_run(
                actor=morgan,
                claims=claims,
                paid_on=paid_on,
                bank_reference=f"BACS-DEMO-{number}",
                voucher_reference=f"VOUCHERS-DEMO-{number}",
            )
    _dennis(demo)
    _settle_dates(demo)


def _settle_dates(demo) -> None:
    """Demo only: claims were decided "now" by the seed; make the timeline believable (decided
    four days after submission, before payment) and the on-time target follow from the
    backdated submission, so the manager home's on-time measures mean something."""
    from django.conf import settings

    from .benefits import add_working_days

    now = demo.now
    for c in Claim.objects.filter(first_submitted_at__isnull=False, created_at__lt=now - timedelta(days=1)):
        updates = {
            "pay_by": add_working_days(
                c.first_submitted_at.date(), settings.PORTAL_PAYMENT_TARGET_WORKING_DAYS
            )
        }
        if c.decided_at is not None:
            decided = c.first_submitted_at + timedelta(days=4)
            if c.paid_on is not None:
                latest = c.decided_at.replace(
                    year=c.paid_on.year, month=c.paid_on.month, day=c.paid_on.day
                ) - timedelta(days=1)
                decided = min(decided, latest)
            updates["decided_at"] = min(decided, now)
        Claim.objects.filter(pk=c.pk).update(**updates)


def _demo_bank_details(user) -> None:
    """Made-up bank details for the demo's paid claims. Others' approved claims stay without,
    so the paying page shows a payee who cannot be paid by transfer yet."""
    from contributors.models import BankAccount, Contributor

    profile = Contributor.objects.filter(user=user).first()
    if profile is None or BankAccount.objects.filter(contributor=profile).exists():
        return
    account = BankAccount(contributor=profile)
    account.set_details(account_name=user.name, sort_code="00-00-00", account_number=f"{user.pk:08d}")
    account.save()


def _dennis(demo) -> None:
    """An offline contributor's claim, entered by Fatima on his behalf and waiting for a decision."""
    dennis = User.objects.filter(name="Dennis Morris", email__isnull=True).first()
    description = "Phone conversation about the participant leaflet"
    if dennis is None or Claim.objects.filter(contributor=dennis, ad_hoc_description=description).exists():
        return
    claim = services.start_ad_hoc_claim(
        actor=demo.fatima,
        contributor=dennis,
        project=demo.projects["stroke"],
        description=description,
        work_on=demo.now.date() - timedelta(days=12),
        rate_code="meeting_hour",
        quantity=Decimal("1"),
    )
    services.add_expense_line(actor=demo.fatima, claim=claim, kind="phone_internet", amount=Decimal("2.50"))
    services.submit_claim(actor=demo.fatima, claim=claim, declaration=True)
