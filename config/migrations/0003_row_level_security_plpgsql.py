"""The two row tests that read other tables, in PL/pgSQL with the owner's rights: same answers, cheaper.

`app_user_visible()` and `app_session_visible()` (0001) decide which rows of sessions, responses,
documents, API keys and the tables hung off a session a connection sees. As SQL functions with an
EXISTS they cannot be inlined, and PostgreSQL then parses and plans their body afresh in every
statement that calls them, and an answer's one write statement has four call sites (a policy's USING
and its WITH CHECK, on responses and on sessions). A PL/pgSQL function keeps its query's plan for the
connection's life.

They also run with their owner's rights (SECURITY DEFINER, the tables' owner, whom row-level security
does not restrict), so that the sessions and users rows they read are not put through those tables'
own policies again: app_session_visible() used to call app_user_visible() for the session it read.
That changes no answer, because each EXISTS already names the condition those policies would add (the
user is the named user, or belongs to the tenant), and `app.tenant` and `app.user_id` are the
caller's settings either way. The expressions are those of 0001, word for word; STABLE keeps them
reading with the calling statement's snapshot, and search_path is pinned as for every function here
that runs with the owner's rights.
"""

from importlib import import_module

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION app_user_visible(target uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    RETURN app_tenant() = 'system'
        OR target::text = current_setting('app.user_id', true)
        OR (app_tenant() <> '' AND EXISTS (
            SELECT 1 FROM users u WHERE u.id = target AND u.org_id::text = app_tenant()));
END
$$;

CREATE OR REPLACE FUNCTION app_session_visible(target uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    RETURN app_tenant() = 'system'
        OR EXISTS (
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
