"""A function that reads a session's answers with a snapshot of its own, for the answer path.

Saving an answer locks the session and reads its answers in one statement. A statement reads with
the snapshot it started with, so a subquery would miss answers committed while it waited for the
lock. A VOLATILE PL/pgSQL function takes a fresh snapshot for each query it runs, and when it is
called in the select list of an outer query over the locked row, it runs once the lock is held.
It runs with the caller's rights: row-level security still applies.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION session_answers_json(session uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_catalog AS $$
DECLARE
    answers jsonb;
BEGIN
    SELECT coalesce(jsonb_agg(jsonb_build_array(
               r.question_id, r.value, r.is_valid, r.validation_errors, r.id, r.revision)), '[]'::jsonb)
      INTO answers
      FROM responses AS r
     WHERE r.session_id = session;
    RETURN answers;
END
$$;
"""

DROP = "DROP FUNCTION session_answers_json(uuid);"


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0003_archive")]

    operations = [migrations.RunSQL(CREATE, DROP)]
