"""`manage.py dbhealth`: the monitoring figures of seed 002; exit status 1 when one is past its threshold."""

import json

from django.core.management.base import BaseCommand, CommandError

from config.ops.health import Thresholds, database_health


def _size(number: int) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(number) < 1024 or unit == "TB":
            return f"{number:.0f} {unit}" if unit == "B" else f"{number:.1f} {unit}"
        number /= 1024
    return str(number)


class Command(BaseCommand):
    help = (
        "Print table and index sizes, unused indexes, the cache hit ratio, long-running and blocked "
        "queries and connections; exit 1 when a figure is past its threshold (for cron and monitoring)."
    )

    def add_arguments(self, parser):
        defaults = Thresholds()
        parser.add_argument("--database", default=None, help="Django alias (default: MAINTENANCE_DATABASE).")
        parser.add_argument("--long-query-seconds", type=float, default=defaults.long_query_seconds)
        parser.add_argument("--blocked-seconds", type=float, default=defaults.blocked_seconds)
        parser.add_argument("--connections-ratio", type=float, default=defaults.connections_ratio)
        parser.add_argument("--min-cache-hit-ratio", type=float, default=defaults.min_cache_hit_ratio)
        parser.add_argument("--min-cache-blocks", type=int, default=defaults.min_cache_blocks)
        parser.add_argument(
            "--top", type=int, default=defaults.top, help="How many tables and indexes to list."
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, **options):
        thresholds = Thresholds(
            long_query_seconds=options["long_query_seconds"],
            blocked_seconds=options["blocked_seconds"],
            connections_ratio=options["connections_ratio"],
            min_cache_hit_ratio=options["min_cache_hit_ratio"],
            min_cache_blocks=options["min_cache_blocks"],
            top=options["top"],
        )
        report = database_health(using=options["database"], thresholds=thresholds)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"healthy": report.healthy, "problems": report.problems, **report.sections}, default=str
                )
            )
        else:
            self._print(report)
        if not report.healthy:
            raise CommandError("; ".join(report.problems), returncode=1)

    def _print(self, report):
        out, sections = self.stdout.write, report.sections
        estimated = " (estimated: a table is locked)" if sections.get("sizes_estimated") else ""
        out(self.style.MIGRATE_HEADING(f"Tables (largest first){estimated}"))
        for row in sections["tables"]:
            out(
                f"  {row['table']:<34} total {_size(row['total_bytes']):>9}  "
                f"data {_size(row['data_bytes']):>9}  indexes+toast {_size(row['external_bytes']):>9}  "
                f"rows {row['live_rows']:>9}  dead {row['dead_rows']:>7}"
            )
        out(self.style.MIGRATE_HEADING("Indexes (largest first)"))
        for row in sections["indexes"]:
            out(f"  {row['index']:<44} {_size(row['bytes']):>9}  scans {row['scans']:>10}  on {row['table']}")
        unused = sections["unused_indexes"]
        out(
            self.style.MIGRATE_HEADING(
                f"Unused indexes: {len(unused)} never scanned since the statistics were reset (largest first)"
            )
        )
        for row in unused[: len(sections["indexes"])]:
            out(f"  {row['index']:<44} {_size(row['bytes']):>9}  on {row['table']}")
        cache = sections["cache_hit_ratio"]
        out(self.style.MIGRATE_HEADING("Cache hit ratio"))
        out(f"  {cache['ratio']:.2%} of {cache['blocks']} block reads")
        out(self.style.MIGRATE_HEADING("Long-running queries and open transactions"))
        for row in sections["long_running"] or [None]:
            out(
                "  none"
                if row is None
                else f"  pid {row['pid']} {row['state']} {row['seconds']:.0f} s: {row['query']}"
            )
        out(self.style.MIGRATE_HEADING("Queries waiting on locks"))
        for row in sections["blocked"] or [None]:
            out(
                "  none"
                if row is None
                else f"  pid {row['pid']} waits {row['seconds']:.0f} s on {row['blocked_by']}: {row['query']}"
                f"  (blocker: {row['blocking_query']})"
            )
        conns = sections["connections"]
        out(self.style.MIGRATE_HEADING("Connections"))
        out(f"  {conns['used']} of {conns['max']} (reserved {conns['reserved']}), {conns['ratio']:.0%}")
        if report.healthy:
            out(self.style.SUCCESS("Healthy."))
        else:
            for problem in report.problems:
                out(self.style.ERROR(f"Problem: {problem}"))
