"""Rate cards: the one in force, creating, uplifting and retiring them."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.models import User
from portal.money import to_money
from portal.services import record_audit

from .. import permissions
from ..models import RateCard, RateCardRow, RateUnit
from ._common import RateCardError


def rate_card_in_force(on: date) -> RateCard | None:
    """The card with the latest start on or before `on` that was not retired by then."""
    return RateCard.objects.in_force_on(on).first()


def rate_row_for(*, code: str, on: date) -> RateCardRow | None:
    card = rate_card_in_force(on)
    if card is None:
        return None
    return card.rows.filter(code=code).first()


@transaction.atomic
def create_rate_card(
    *,
    actor: User | None,
    name: str,
    effective_from: date,
    rows: list[dict],
    notes: str = "",
    is_illustrative: bool = False,
) -> RateCard:
    """A new card: rows are dicts of code, activity, unit and amount."""
    if actor is not None and not permissions.can_manage_ratecards(actor):
        raise PermissionDenied
    if not rows:
        raise RateCardError("A rate card needs at least one rate.")
    codes = [r["code"] for r in rows]
    if len(codes) != len(set(codes)):
        raise RateCardError("Each rate needs its own code.")
    card = RateCard.objects.create(
        name=name, effective_from=effective_from, notes=notes, is_illustrative=is_illustrative
    )
    for row in rows:
        RateCardRow.objects.create(
            card=card,
            code=row["code"],
            activity=row["activity"],
            unit=RateUnit(row["unit"]),
            amount=to_money(row["amount"]),
        )
    record_audit(actor=actor, action="ratecard.created", target=card, rows=len(rows))
    return card


def percent_text(percent: Decimal) -> str:
    """A percentage as people write it: 10%, 2.5%, not 1E+1% (what normalize() alone gives)."""
    return f"{format(Decimal(percent).normalize(), 'f')}%"


@transaction.atomic
def uplift_rate_card(
    *, actor: User | None, card: RateCard, percent: Decimal, effective_from: date, name: str = ""
) -> RateCard:
    """Copy a card with every amount raised by `percent`, in force from `effective_from`."""
    if actor is not None and not permissions.can_manage_ratecards(actor):
        raise PermissionDenied
    if effective_from <= card.effective_from:
        raise RateCardError("The uplifted card must start after the card it copies.")
    factor = 1 + Decimal(percent) / 100
    shown = percent_text(percent)
    new = RateCard.objects.create(
        name=name or f"{card.name} + {shown}",
        effective_from=effective_from,
        is_illustrative=card.is_illustrative,
        notes=f"Copied from “{card.name}” with a {shown} uplift.",
        based_on=card,
        uplift_percent=percent,
    )
    for row in card.rows.all():
        RateCardRow.objects.create(
            card=new,
            code=row.code,
            activity=row.activity,
            unit=row.unit,
            amount=to_money(row.amount * factor),
        )
    record_audit(
        actor=actor,
        action="ratecard.uplifted",
        target=new,
        based_on=str(card.public_id),
        percent=str(percent),
        effective_from=effective_from.isoformat(),
    )
    return new


@transaction.atomic
def retire_rate_card(*, actor: User, card: RateCard, retired_on: date) -> RateCard:
    """From `retired_on` the card prices nothing new; claims already priced keep their rates."""
    if not permissions.can_manage_ratecards(actor):
        raise PermissionDenied
    card = RateCard.objects.select_for_update().get(pk=card.pk)
    if card.retired_on is not None:
        raise RateCardError("This card is already retired.")
    if retired_on < card.effective_from:
        raise RateCardError("A card cannot be retired before it starts.")
    card.retired_on = retired_on
    card.save(update_fields=["retired_on", "updated_at"])
    record_audit(actor=actor, action="ratecard.retired", target=card, retired_on=retired_on.isoformat())
    return card
