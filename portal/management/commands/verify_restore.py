import json

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from portal import crypto


class Command(BaseCommand):
    help = (
        "After a restore (or any time): every file a row points to is in the private storage, and "
        "every encrypted value can be read with the configured keys. Exits non-zero if not."
    )

    def handle(self, *args, **options):
        report = {"rows": {}, "files": 0, "encrypted_values": 0, "problems": []}
        for model in apps.get_models():
            file_fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]
            if not file_fields:
                continue
            report["rows"][model._meta.label] = model.objects.count()
            for row in model.objects.only("pk", *file_fields).iterator():
                for name in file_fields:
                    field = getattr(row, name)
                    if not field:
                        continue
                    report["files"] += 1
                    if not field.storage.exists(field.name):
                        report["problems"].append(f"{model._meta.label} {row.pk} {name}: file missing")
        for model, names in crypto.encrypted_fields():
            report["rows"][model._meta.label] = model.objects.count()
            for row in model.objects.only("pk", *names).iterator():
                for name in names:
                    try:
                        crypto.decrypt(getattr(row, name))
                        report["encrypted_values"] += 1
                    except ValueError:
                        report["problems"].append(f"{model._meta.label} {row.pk} {name}: cannot be decrypted")
        self.stdout.write(json.dumps(report, indent=1))
        if report["problems"]:
            raise CommandError(f"{len(report['problems'])} problem(s): see above.")
