"""`manage.py restore ARCHIVE`: restore a backup into an empty database and verify every row count."""

from django.core.management.base import BaseCommand, CommandError

from config.ops import pgtools
from config.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup (a name in the backup storage, or a local .dump with its .manifest.json) into "
        "an empty database, then check every table's row count against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="e.g. backups/acqs-20260101T020000Z.dump")
        parser.add_argument(
            "--database",
            default=pgtools.ops_alias(),
            help="Django alias whose server and credentials to use (default: MAINTENANCE_DATABASE).",
        )
        parser.add_argument(
            "--target-db",
            help="Restore into this database on that server instead of the alias's own database.",
        )
        parser.add_argument(
            "--create", action="store_true", help="Create the target database first (it must not exist)."
        )
        parser.add_argument(
            "--no-owner",
            action="store_true",
            help="Do not restore owners and grants (a server without the original roles).",
        )

    def handle(self, *args, **options):
        target = pgtools.conninfo(options["database"], dbname=options["target_db"])
        try:
            if options["create"]:
                self._create(options["database"], target["dbname"])
            manifest = backup_restore(
                archive=options["archive"], target=target, keep_owners=not options["no_owner"]
            )
        except (BackupError, pgtools.ToolMissing) as failure:
            raise CommandError(str(failure)) from failure
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {options['archive']} into {target['dbname']}: {manifest['rows']} rows in "
                f"{len(manifest['tables'])} tables match the manifest ({manifest['created_at']})."
            )
        )

    def _create(self, alias: str, name: str) -> None:
        from psycopg import sql

        with pgtools.connect(pgtools.conninfo(alias, dbname="postgres")) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
