from django.db import migrations

from core.migration_ops import UPDATED_AT_FUNCTION, foreign_key_on_delete, updated_at_trigger


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        UPDATED_AT_FUNCTION,
        updated_at_trigger("organizations"),
        updated_at_trigger("users"),
        updated_at_trigger("api_keys"),
        foreign_key_on_delete("users", "org_id", "organizations", "SET NULL"),
        foreign_key_on_delete("api_keys", "user_id", "users", "CASCADE"),
    ]
