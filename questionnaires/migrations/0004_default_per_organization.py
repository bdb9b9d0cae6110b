"""One published default per industry within each owner, not across every organization.

A default was unique per industry across all organizations, so making one organization's questionnaire
the default cleared another organization's. The index now includes the owner (the shared catalogue,
NULL, is an owner of its own). The new index is built before the old one is dropped, both
CONCURRENTLY, so writes are never blocked and uniqueness never lapses.
"""

from django.db import migrations

OLD = "idx_questionnaires_default_industry"
NEW = "idx_questionnaires_default_org_industry"
NEW_SQL = f"""CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {NEW} ON questionnaires
    ((COALESCE(org_id::text, '')), (COALESCE(industry, ''))) WHERE is_default AND published_at IS NOT NULL;"""
OLD_SQL = f"""CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {OLD} ON questionnaires
    ((COALESCE(industry, ''))) WHERE is_default AND published_at IS NOT NULL;"""


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("questionnaires", "0003_default_per_industry")]

    operations = [
        migrations.RunSQL(sql=NEW_SQL, reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {NEW};"),
        migrations.RunSQL(sql=f"DROP INDEX CONCURRENTLY IF EXISTS {OLD};", reverse_sql=OLD_SQL),
    ]
