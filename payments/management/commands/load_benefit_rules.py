from pathlib import Path

from django.core.management.base import BaseCommand

from payments.services.benefit_limits import load_benefit_rules

DEFAULT = Path(__file__).resolve().parents[2] / "data" / "benefit-rules.csv"


class Command(BaseCommand):
    help = (
        "Load benefit limits from a CSV (default: payments/data/benefit-rules.csv). Check the "
        "figures first: they are a starting point, not advice. Rows already there are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))

    def handle(self, *args, path, **options):
        added = load_benefit_rules(path)
        self.stdout.write(f"{added} benefit rule(s) added.")
