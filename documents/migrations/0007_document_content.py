"""Give the shipped document types their content blocks and load the shared recommendations library.

Only what is missing is added (documents/content/__init__.py content_load), so a database whose
administrators have already written blocks or recommendations keeps them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from documents.content import content_load


def load(apps, schema_editor):
    content_load(apps.get_model("documents", "DocumentType"), apps.get_model("documents", "Recommendation"))


def grant(apps, schema_editor):
    """Organization admins manage their organization's recommendations (accounts/0006 gave the rest)."""
    app_config = apps.get_app_config("documents")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Organization admins").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="documents", codename__endswith="_recommendation")
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_recommendations"), ("accounts", "0006_organization_admins_group")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
