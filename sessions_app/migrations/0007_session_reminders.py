# Written by hand (sessions_app/reminder_models.py); makemigrations' output plus the database's own rules.

import django.contrib.postgres.functions
import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
import uuid
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

from core.migration_ops import foreign_key_on_delete

# Read and written like the session itself: by its client, its organization's staff, or the system
# (config/migrations/0001_row_level_security.py).
ROW_SECURITY = """
ALTER TABLE session_reminders ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON session_reminders
    USING (app_session_visible(session_id)) WITH CHECK (app_session_visible(session_id));
"""
NO_ROW_SECURITY = """
DROP POLICY tenant_isolation ON session_reminders; ALTER TABLE session_reminders DISABLE ROW LEVEL SECURITY;
"""
GROUP = "Organization admins"  # accounts/migrations/0006: every permission on the project's own models


def grant_to_organization_admins(apps, schema_editor):
    app_config = apps.get_app_config("sessions_app")
    app_config.models_module = True  # permissions are normally created after all migrations
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        permissions = apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="sessions_app", content_type__model="sessionreminder"
        )
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_organization_admins_group"),
        ("config", "0002_row_level_security_more"),
        ("sessions_app", "0006_invitations"),
    ]

    operations = [
        migrations.CreateModel(
            name="SessionReminder",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        db_default=django.contrib.postgres.functions.RandomUUID(),
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("IDLE", "No answer for some days"),
                            ("DUE", "Due date near"),
                            ("LINK", "Link to continue, asked for by the client"),
                        ],
                        max_length=10,
                    ),
                ),
                ("period", models.DateTimeField()),
                (
                    "sent_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        default=django.utils.timezone.now,
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to="sessions_app.session",
                    ),
                ),
            ],
            options={
                "db_table": "session_reminders",
                "ordering": ["-sent_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["IDLE", "DUE", "LINK"])),
                        name="session_reminders_kind_valid",
                    ),
                    models.UniqueConstraint(
                        fields=("session", "kind", "period"), name="session_reminders_once_per_period"
                    ),
                ],
            },
        ),
        # Retention deletes sessions with SQL (sessions_app/retention.py): their reminders go with them.
        foreign_key_on_delete("session_reminders", "session_id", "sessions", "CASCADE"),
        migrations.RunSQL(ROW_SECURITY, reverse_sql=NO_ROW_SECURITY),
        migrations.RunPython(grant_to_organization_admins, migrations.RunPython.noop),
    ]
