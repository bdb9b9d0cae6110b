"""Documents approved before finals existed (docs/review.md) keep serving the file that was approved.

Their approved file is recorded as their final, flagged ``legacy`` (it carries the draft's cover, and
no checksum was taken when it was approved), so that clients' downloads go on working and the worker
does not render a final from today's templates for a decision made on another file.
"""

from django.db import migrations

FORWARD = """
UPDATE documents
SET generation_metadata = jsonb_set(
    coalesce(generation_metadata, '{}'::jsonb),
    '{final}',
    jsonb_build_object('key', storage_url, 'legacy', true, 'fileSize', file_size, 'pageCount', page_count)
)
WHERE status = 'APPROVED' AND storage_url IS NOT NULL
  AND NOT coalesce(generation_metadata, '{}'::jsonb) ? 'final';
"""

BACKWARD = """
UPDATE documents SET generation_metadata = generation_metadata - 'final'
WHERE generation_metadata -> 'final' ->> 'legacy' = 'true';
"""


class Migration(migrations.Migration):
    dependencies = [("documents", "0008_recommendation_help")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)]
