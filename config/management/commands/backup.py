"""`manage.py backup`: a pg_dump archive and its manifest in the backup storage; `--prune` too."""

import json

from django.core.management.base import BaseCommand, CommandError

from config.ops.backup import BackupError, backup_create, backups_existing, backups_prune
from config.ops.pgtools import ToolMissing, ops_alias


class Command(BaseCommand):
    help = "Back the database up (pg_dump -Fc plus a manifest) into the backup storage."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            default=ops_alias(),
            help="Django database alias to back up (default: MAINTENANCE_DATABASE).",
        )
        parser.add_argument(
            "--prune", action="store_true", help="Also delete backups older than the retention (30 days)."
        )
        parser.add_argument("--list", action="store_true", help="List the backups in storage and stop.")

    def handle(self, *args, **options):
        if options["list"]:
            for name, stamp in backups_existing():
                self.stdout.write(f"{stamp:%Y-%m-%d %H:%M:%S}Z  {name}")
            return
        try:
            backup = backup_create(alias=options["database"])
        except (BackupError, ToolMissing) as failure:
            raise CommandError(str(failure)) from failure
        manifest = backup.manifest
        self.stdout.write(f"Archive:  {backup.archive}")
        self.stdout.write(f"Manifest: {backup.manifest_name}")
        self.stdout.write(
            f"{manifest['size']} bytes, sha256 {manifest['sha256']}, "
            f"{manifest['rows']} rows in {len(manifest['tables'])} tables"
        )
        if options["verbosity"] > 1:
            self.stdout.write(json.dumps(manifest["tables"], indent=2))
        if options["prune"]:
            for name in backups_prune():
                self.stdout.write(f"Pruned {name}")
