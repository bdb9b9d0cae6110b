from django.db import migrations

from core.migration_ops import foreign_key_on_delete, updated_at_trigger


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0001_initial"), ("accounts", "0002_database_behaviour")]

    operations = [
        updated_at_trigger("questionnaires"),
        updated_at_trigger("sections"),
        updated_at_trigger("questions"),
        updated_at_trigger("visibility_rules"),
        foreign_key_on_delete("sections", "questionnaire_id", "questionnaires", "CASCADE"),
        foreign_key_on_delete("questions", "section_id", "sections", "CASCADE"),
        foreign_key_on_delete("visibility_rules", "question_id", "questions", "CASCADE"),
        # The seed's exact expression, so that searches written the same way use the index.
        migrations.RunSQL(
            sql="""CREATE INDEX idx_questions_text_search ON questions
                   USING GIN(to_tsvector('english', text || ' ' || COALESCE(help_text, '')));""",
            reverse_sql="DROP INDEX IF EXISTS idx_questions_text_search;",
        ),
    ]
