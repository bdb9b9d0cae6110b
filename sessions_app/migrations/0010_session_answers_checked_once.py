"""Reading a session's answers checks the session once, not every answer.

session_answers_json() (0004) ran with the caller's rights, so row-level security put each of the
session's responses through app_session_visible(): forty answers, forty checks, on every answer saved
and every page that shows the answers. Every one of those rows belongs to the one session asked for,
so the function now asks once whether that session is visible to the caller's scope and then reads
its responses with its owner's rights: the same rows as the policy would let through, or none.

The policy does not apply to a superuser, a role with BYPASSRLS or the tables' owner (migrations,
maintenance, the test suite); for them the function reads the answers without asking, as before. The
caller is the session's role (`session_user`): inside a SECURITY DEFINER function `current_user` is
the owner, and the application never switches roles with SET ROLE.

Its snapshot is as before (VOLATILE: a fresh one for each query, taken after the caller's lock is
granted).
"""

from importlib import import_module

from django.db import migrations

CREATE = """
-- Whether row-level security leaves a role alone: a superuser, BYPASSRLS, or the tables' owner (or a
-- member who inherits its rights).
CREATE OR REPLACE FUNCTION row_security_exempt(role name) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles AS r WHERE r.rolname = role AND (r.rolsuper OR r.rolbypassrls))
        OR pg_has_role(role, (SELECT c.relowner FROM pg_class AS c WHERE c.oid = 'public.responses'::regclass),
                       'USAGE')
$$;

CREATE OR REPLACE FUNCTION session_answers_json(session uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    answers jsonb;
BEGIN
    IF NOT (app_session_visible(session) OR row_security_exempt(session_user)) THEN
        RETURN '[]'::jsonb;
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_array(
               r.question_id, r.value, r.is_valid, r.validation_errors, r.id, r.revision)), '[]'::jsonb)
      INTO answers
      FROM responses AS r
     WHERE r.session_id = session;
    RETURN answers;
END
$$;
"""

# As 0004 made it: the caller's rights (CREATE OR REPLACE sets them anew), every row through the policy.
PREVIOUS = (
    import_module("sessions_app.migrations.0004_session_answers_function").CREATE.replace(
        "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
    )
    + "DROP FUNCTION row_security_exempt(name);"
)


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0009_response_exports"),
        ("config", "0003_row_level_security_plpgsql"),
    ]

    operations = [migrations.RunSQL(CREATE, PREVIOUS)]
