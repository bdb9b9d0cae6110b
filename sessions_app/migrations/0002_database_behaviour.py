from django.db import migrations

from core.migration_ops import foreign_key_on_delete, updated_at_trigger


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0001_initial"), ("accounts", "0002_database_behaviour")]

    operations = [
        updated_at_trigger("sessions"),
        updated_at_trigger("responses"),
        foreign_key_on_delete("sessions", "user_id", "users", "CASCADE"),
        foreign_key_on_delete("responses", "session_id", "sessions", "CASCADE"),
    ]
