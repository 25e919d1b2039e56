"""Benefit limits: the dated earnings limits, added by hand or loaded from a file."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.errors import PortalError
from portal.models import User
from portal.money import to_money
from portal.services import record_audit

from .. import permissions
from ..models import BenefitPeriod, BenefitRule


class BenefitRuleError(PortalError):
    """A benefit rule was broken. The message is safe to show to the user."""


@transaction.atomic
def add_benefit_rule(
    *,
    actor: User | None,
    benefit: str,
    period: str,
    limit: Decimal | None,
    applies_from: date,
    source: str = "",
    checked: str = "",
) -> BenefitRule:
    """A new dated limit for a benefit. Earlier rows stay: past periods keep their limit."""
    if actor is not None and not permissions.can_manage_benefit_rules(actor):
        raise PermissionDenied
    if BenefitRule.objects.filter(benefit=benefit, applies_from=applies_from).exists():
        raise BenefitRuleError("This benefit already has a limit from that date.")
    rule = BenefitRule.objects.create(
        benefit=benefit,
        period=BenefitPeriod(period),
        limit=None if limit is None else to_money(limit),
        applies_from=applies_from,
        source=source,
        checked=checked,
        created_by=actor,
    )
    record_audit(
        actor=actor,
        action="benefitrule.added",
        target=rule,
        benefit=benefit,
        limit=str(rule.limit),
        applies_from=applies_from.isoformat(),
    )
    return rule


def load_benefit_rules(path) -> int:
    """Rows from a CSV like payments/data/benefit-rules.csv that are not there yet."""
    import csv

    added = 0
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if BenefitRule.objects.filter(benefit=row["rule"], applies_from=row["applies_from"]).exists():
                continue
            add_benefit_rule(
                actor=None,
                benefit=row["rule"],
                period=row["period"],
                limit=Decimal(row["limit_gbp"]) if row["limit_gbp"] else None,
                applies_from=date.fromisoformat(row["applies_from"]),
                source=row["source"],
                checked=row["checked"],
            )
            added += 1
    return added
