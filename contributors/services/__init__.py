"""Every write (and every sensitive read) about contributors, one module per subject. Callers may
import from here or from the module that holds the function."""

from ._common import ContributorError
from .benefits import benefit_of, save_benefit, withdraw_benefit
from .data_rights import ERASED_NAME, anonymise_person, decide_erasure, request_erasure
from .equality import read_own_diversity, save_diversity, snapshot_diversity, withdraw_diversity
from .offline import (
    confirm_take_over_invitation,
    invite_to_take_over,
    possible_duplicates,
    register_offline_contributor,
)
from .opportunities import (
    OPPORTUNITY_FIELDS,
    approve_opportunity,
    close_opportunity,
    express_interest,
    publish_opportunity,
    select_candidates,
    update_opportunity,
    withdraw_interest,
)
from .profile import (
    PROFILE_FIELDS,
    complete_profile,
    confirm_bank_details_change,
    reveal_bank_details,
    reveal_bank_details_many,
    set_bank_details,
    set_payment_preferences,
    update_profile,
)
from .reaching import LARGE_PRINT_NOTE, add_contact_task, mark_contact_task_done, notify
from .roles import ROLE_FIELDS, accept_role, assign_role, end_role, update_role

__all__ = [
    "ERASED_NAME",
    "LARGE_PRINT_NOTE",
    "OPPORTUNITY_FIELDS",
    "PROFILE_FIELDS",
    "ROLE_FIELDS",
    "ContributorError",
    "accept_role",
    "add_contact_task",
    "anonymise_person",
    "approve_opportunity",
    "assign_role",
    "benefit_of",
    "close_opportunity",
    "complete_profile",
    "confirm_bank_details_change",
    "confirm_take_over_invitation",
    "decide_erasure",
    "end_role",
    "express_interest",
    "invite_to_take_over",
    "mark_contact_task_done",
    "notify",
    "possible_duplicates",
    "publish_opportunity",
    "read_own_diversity",
    "register_offline_contributor",
    "request_erasure",
    "reveal_bank_details",
    "reveal_bank_details_many",
    "save_benefit",
    "save_diversity",
    "select_candidates",
    "set_bank_details",
    "set_payment_preferences",
    "snapshot_diversity",
    "update_opportunity",
    "update_profile",
    "update_role",
    "withdraw_benefit",
    "withdraw_diversity",
    "withdraw_interest",
]
