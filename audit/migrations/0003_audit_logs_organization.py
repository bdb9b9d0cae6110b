"""Give each audit row the organization it belongs to (org_id), which row-level security reads it by.

Nullable and without a constraint, so adding it rewrites nothing. The database fills it on INSERT and
for the existing rows (config/migrations/0002_row_level_security_more.py); the chain does not sign it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0002_audit_chain_and_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                db_column="org_id",
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["organization", "chain_seq"], name="idx_audit_logs_org"),
        ),
    ]
