"""`manage.py archive [--dry-run]`: apply the retention rules of seed 000 §10, or report what they would."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from config.ops.retention import retention_run


class Command(BaseCommand):
    help = (
        "Archive completed sessions older than 2 years, delete archives older than 7, export and drop "
        "audit partitions older than 1 year, expire API key usage data older than 90 days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--now", help="With --dry-run: report as if it were this ISO time (to preview a future run)."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        now = None
        if options["now"]:
            if not options["dry_run"]:
                raise CommandError("--now previews a future run and needs --dry-run.")
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError(f"--now: {options['now']!r} is not an ISO date and time.")
            if now.tzinfo is None:
                now = now.replace(tzinfo=dt.UTC)
        report = retention_run(now=now, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self.stdout.write("\n".join(report.lines()))
