"""The two row tests that read other tables, in PL/pgSQL: same answers, a fraction of the cost.

`app_user_visible()` and `app_session_visible()` (0001) decide which rows of sessions, responses,
documents, API keys and the tables hung off a session a connection sees. As SQL functions with an
EXISTS they cannot be inlined, and PostgreSQL then parses and plans their body afresh in every
statement that calls them, and an answer's one write statement has four call sites (a policy's USING
and its WITH CHECK, on responses and on sessions). A PL/pgSQL function keeps its query's plan for the
connection's life, and evaluates a test without a query (the system's scope, the named user's own
row) without starting an executor: that case, a client's own session, is decided first.

The rules are those of 0001, clause for clause. Where the SQL functions answered NULL (no user named,
no tenant) these answer false; a policy treats both as "not visible". STABLE keeps them reading with
the calling statement's snapshot.

app_session_visible() runs with its owner's rights (SECURITY DEFINER, the tables' owner, whom
row-level security does not restrict; search_path pinned), so that the session and user it reads are
not put through those tables' policies again, which halves its cost: it is called for every row of
responses and documents a statement reads. That changes no answer: its EXISTS already states the
condition those policies would add (the user is the named user, or belongs to the tenant), and
`app.tenant` and `app.user_id` are the caller's settings either way.
"""

from importlib import import_module

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION app_user_visible(target uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF app_tenant() = 'system' OR target::text = current_setting('app.user_id', true) THEN
        RETURN true;
    END IF;
    RETURN app_tenant() <> '' AND EXISTS (
        SELECT 1 FROM users u WHERE u.id = target AND u.org_id::text = app_tenant());
END
$$;

CREATE OR REPLACE FUNCTION app_session_visible(target uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF app_tenant() = 'system' THEN
        RETURN true;
    END IF;
    RETURN EXISTS (
        SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = target
          AND (u.id::text = current_setting('app.user_id', true)
               OR (app_tenant() <> '' AND u.org_id::text = app_tenant())));
END
$$;
"""

# Back to the SQL functions of 0001: CREATE OR REPLACE sets the language, the rights (SECURITY INVOKER
# when unsaid) and the settings (none) anew.
SQL_FUNCTIONS = import_module("config.migrations.0001_row_level_security").FUNCTIONS


class Migration(migrations.Migration):
    dependencies = [("config", "0002_row_level_security_more")]

    operations = [migrations.RunSQL(FUNCTIONS, reverse_sql=SQL_FUNCTIONS)]
