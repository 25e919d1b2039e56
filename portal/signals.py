"""Signals the spine sends so that apps can react without the spine importing them."""

from django.dispatch import Signal

# Sent inside the service's transaction whenever a participation is created (old_status is
# None) or changes status. Arguments: participation, old_status, actor.
participation_changed = Signal()

# Sent inside contributors.services.anonymise_person's transaction, before the person's name
# and contacts are blanked. Each app deletes or blanks what the person wrote or uploaded.
# Arguments: user.
person_erased = Signal()
