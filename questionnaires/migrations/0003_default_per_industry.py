"""At most one published default questionnaire per industry (NULL and '' are one "no industry").

A partial unique index rather than a model constraint: drafts may carry is_default (they become the
default when published, see questionnaires.services.questionnaire_publish), and versions of one
lineage take turns. Existing duplicates keep only the latest published one as the default. The index
is built CONCURRENTLY so that writes to questionnaires are not blocked while it builds.
"""

from django.db import migrations

INDEX = "idx_questionnaires_default_industry"


def keep_one_default_per_industry(apps, schema_editor):
    Questionnaire = apps.get_model("questionnaires", "Questionnaire")
    kept = set()
    for questionnaire in Questionnaire.objects.filter(is_default=True, published_at__isnull=False).order_by(
        "-published_at", "-version"
    ):
        industry = questionnaire.industry or ""
        if industry in kept:
            Questionnaire.objects.filter(pk=questionnaire.pk).update(is_default=False)
        else:
            kept.add(industry)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("questionnaires", "0002_database_behaviour")]

    operations = [
        migrations.RunPython(keep_one_default_per_industry, migrations.RunPython.noop, atomic=True),
        migrations.RunSQL(
            sql=f"""CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON questionnaires
                    ((COALESCE(industry, ''))) WHERE is_default AND published_at IS NOT NULL;""",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX};",
        ),
    ]
