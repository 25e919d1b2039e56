from django.core.management.base import BaseCommand

from portal.reminders import SWEEPS, run_sweeps


class Command(BaseCommand):
    help = "Run every reminder sweep now, as the Celery beat schedule does, and print what is sent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Send nothing; print what would go.")
        parser.add_argument("--only", choices=sorted(SWEEPS), help="Run one sweep.")

    def handle(self, *args, dry_run=False, only=None, **options):
        lines = run_sweeps(dry_run=dry_run, only=only)
        verb = "Would send" if dry_run else "Sent"
        for line in lines:
            self.stdout.write(f"{verb}: {line}")
        self.stdout.write(f"{verb} {len(lines)} reminder(s).")
