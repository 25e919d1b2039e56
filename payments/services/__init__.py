"""Every write about rate cards, claims and payments: one function per use case, each atomic,
row-locked where two people could race, permission-checked and audited. One module per subject;
callers may import from here or from the module that holds the function."""

from ._common import ClaimError, RateCardError
from .benefit_limits import BenefitRuleError, add_benefit_rule, load_benefit_rules
from .claims import (
    add_fee_line,
    adjust_for_limit,
    fee_amount,
    needs_public_sector_confirmation,
    remove_fee_line,
    start_ad_hoc_claim,
    start_claim,
    update_claim_choices,
)
from .dates import tax_year_bounds, tax_year_start
from .decisions import (
    bulk_approve,
    decide_claim,
    return_claim,
    submit_claim,
    withdraw_claim,
)
from .emails import deciders_for, email_claim_update
from .expenses import (
    RECEIPT_TYPES,
    TEN_THOUSAND,
    add_expense_line,
    car_miles_before,
    check_receipt,
    duplicate_receipt_lines,
    expense_rate,
    mileage_amount,
    remove_expense_line,
)
from .paying import (
    FINANCE_EXPORT_COLUMNS,
    finance_export_rows,
    mark_claims_paid,
    pay_run,
    record_finance_export,
)
from .rate_cards import (
    create_rate_card,
    percent_text,
    rate_card_in_force,
    rate_row_for,
    retire_rate_card,
    uplift_rate_card,
)

__all__ = [
    "FINANCE_EXPORT_COLUMNS",
    "RECEIPT_TYPES",
    "TEN_THOUSAND",
    "BenefitRuleError",
    "ClaimError",
    "RateCardError",
    "add_benefit_rule",
    "add_expense_line",
    "add_fee_line",
    "adjust_for_limit",
    "bulk_approve",
    "car_miles_before",
    "check_receipt",
    "create_rate_card",
    "decide_claim",
    "deciders_for",
    "duplicate_receipt_lines",
    "email_claim_update",
    "expense_rate",
    "fee_amount",
    "finance_export_rows",
    "load_benefit_rules",
    "mark_claims_paid",
    "mileage_amount",
    "needs_public_sector_confirmation",
    "pay_run",
    "percent_text",
    "rate_card_in_force",
    "rate_row_for",
    "record_finance_export",
    "remove_expense_line",
    "remove_fee_line",
    "retire_rate_card",
    "return_claim",
    "start_ad_hoc_claim",
    "start_claim",
    "submit_claim",
    "tax_year_bounds",
    "tax_year_start",
    "update_claim_choices",
    "uplift_rate_card",
    "withdraw_claim",
]
