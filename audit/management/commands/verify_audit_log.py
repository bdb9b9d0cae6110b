"""Check the audit trail's hash chain: exit 0 when intact, 1 naming the first row that was tampered with."""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import ChainAnchor
from audit.services import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Walk the audit_logs hash chain in order and report the first row that was changed, removed or "
        "reordered. Exits 0 when the chain is intact, 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--after-seq",
            type=int,
            help="chain_seq of the last row before the oldest one kept (after old partitions were dropped).",
        )
        parser.add_argument("--after-signature", help="signature of that row.")
        parser.add_argument(
            "--chunk-size", type=int, default=2000, help="rows fetched per round trip (default 2000)."
        )

    def handle(self, *args, after_seq=None, after_signature=None, chunk_size=2000, **options):
        if (after_seq is None) != (after_signature is None):
            raise CommandError("--after-seq and --after-signature go together.")
        anchor = ChainAnchor(after_seq, after_signature) if after_seq is not None else None
        report = audit_chain_verify(after=anchor, chunk_size=chunk_size)
        if not report.intact:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
