from django.db import migrations

from core.migration_ops import foreign_key_on_delete, updated_at_trigger


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial"), ("accounts", "0002_database_behaviour")]

    operations = [
        updated_at_trigger("document_types"),
        updated_at_trigger("documents"),
        foreign_key_on_delete("documents", "session_id", "sessions", "CASCADE"),
    ]
