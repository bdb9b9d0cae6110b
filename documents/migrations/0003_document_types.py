"""Load the 25 document types of seed 000 §7.3 (documents/catalogue.py)."""

from django.db import migrations

from documents.catalogue import DOCUMENT_TYPE_SLUGS, catalogue_load


def load_types(apps, schema_editor):
    catalogue_load(apps.get_model("documents", "DocumentType"), only_missing=True)


def unload_types(apps, schema_editor):
    # Types that documents already refer to stay: the documents keep their history.
    DocumentType = apps.get_model("documents", "DocumentType")
    DocumentType.objects.filter(slug__in=DOCUMENT_TYPE_SLUGS, documents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_database_behaviour")]

    operations = [migrations.RunPython(load_types, unload_types)]
