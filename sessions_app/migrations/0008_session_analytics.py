# Seed 000 §7.2's migration example, as it writes it: sessions.analytics (JSONB, default '{}') with its
# GIN index idx_sessions_analytics, and the down step that drops both. The archive table gets the
# column too, since every live column is archived (sessions_app/retention.py).

import django.contrib.postgres.indexes
from django.db import migrations, models

UP = """
ALTER TABLE sessions ADD COLUMN analytics JSONB DEFAULT '{}';
CREATE INDEX idx_sessions_analytics ON sessions USING GIN(analytics);
"""
DOWN = """
DROP INDEX IF EXISTS idx_sessions_analytics;
ALTER TABLE sessions DROP COLUMN IF EXISTS analytics;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0007_session_reminders"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(UP, DOWN)],
            state_operations=[
                migrations.AddField(
                    model_name="session",
                    name="analytics",
                    field=models.JSONField(blank=True, db_default={}, default=dict, null=True),
                ),
                migrations.AddIndex(
                    model_name="session",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["analytics"], name="idx_sessions_analytics"
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="sessionarchive",
            name="analytics",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
