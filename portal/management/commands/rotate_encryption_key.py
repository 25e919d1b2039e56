from django.core.management.base import BaseCommand
from django.db import transaction

from portal import crypto
from portal.services import record_audit

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with PORTAL_FIELD_ENCRYPTION_KEY, reading values made with "
        "any key in PORTAL_FIELD_ENCRYPTION_OLD_KEYS. Safe to run twice, and while the portal runs."
    )

    def handle(self, *args, **options):
        counts = {}
        for model, names in crypto.encrypted_fields():
            done = 0
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    rows = list(model.objects.select_for_update().filter(pk__in=pks[start : start + BATCH]))
                    for row in rows:
                        for name in names:
                            setattr(row, name, crypto.rotate(getattr(row, name)))
                    model.objects.bulk_update(rows, names)
                    done += len(rows)
            counts[model._meta.label] = done
            self.stdout.write(f"{model._meta.label}: {done} row(s) re-encrypted")
        record_audit(actor=None, action="crypto.key_rotated", rows=counts)
        self.stdout.write("Done: the old keys can now be removed from PORTAL_FIELD_ENCRYPTION_OLD_KEYS.")
