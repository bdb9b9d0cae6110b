"""Row-level security on the tenant tables, and the application's own database role.

The application connects as `acqs_app`: not the owner of any table, no BYPASSRLS. Each request or task
says which organization it acts for with `set_config('app.tenant', …)` (core/tenancy.py); rows of
other organizations are invisible to it. Migrations run as the owner, which RLS does not restrict.
"""

from django.db import migrations

APP_ROLE = "acqs_app"
TABLES = ["sessions", "responses", "documents", "api_keys"]

CREATE_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        BEGIN
            CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'Cannot create role {APP_ROLE}; create it as described in docs/security.md';
            -- Another process (a parallel test worker) created it between the check and here.
            WHEN duplicate_object OR unique_violation THEN
                NULL;
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO {APP_ROLE}', current_database());
        GRANT USAGE ON SCHEMA public TO {APP_ROLE};
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
        -- Tables that later migrations create (as this owner) are granted too.
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE};
    END IF;
END
$$;
"""

# "system" is for background tasks and superusers; an unset or empty setting sees nothing but the
# rows of the user named by app.user_id (a user without an organization still sees their own).
FUNCTIONS = """
CREATE OR REPLACE FUNCTION app_tenant() RETURNS text
    LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.tenant', true), '') $$;

CREATE OR REPLACE FUNCTION app_user_visible(target uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT app_tenant() = 'system'
        OR target::text = current_setting('app.user_id', true)
        OR (app_tenant() <> '' AND EXISTS (
            SELECT 1 FROM users u WHERE u.id = target AND u.org_id::text = app_tenant()))
$$;

CREATE OR REPLACE FUNCTION app_session_visible(target uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT app_tenant() = 'system'
        OR EXISTS (
            SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = target
              AND (u.id::text = current_setting('app.user_id', true)
                   OR (app_tenant() <> '' AND u.org_id::text = app_tenant())))
$$;
"""

POLICIES = """
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sessions USING (app_user_visible(user_id)) WITH CHECK (app_user_visible(user_id));
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys USING (app_user_visible(user_id)) WITH CHECK (app_user_visible(user_id));
ALTER TABLE responses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON responses
    USING (app_session_visible(session_id)) WITH CHECK (app_session_visible(session_id));
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON documents
    USING (app_session_visible(session_id)) WITH CHECK (app_session_visible(session_id));
"""

DROP_POLICIES = "\n".join(
    f"DROP POLICY IF EXISTS tenant_isolation ON {table}; ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;"
    for table in TABLES
)
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS app_session_visible(uuid);
DROP FUNCTION IF EXISTS app_user_visible(uuid);
DROP FUNCTION IF EXISTS app_tenant();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_reviewers_group"),
        ("sessions_app", "0002_database_behaviour"),
        ("documents", "0002_database_behaviour"),
    ]

    operations = [
        migrations.RunSQL(CREATE_ROLE, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(FUNCTIONS, reverse_sql=DROP_FUNCTIONS),
        migrations.RunSQL(POLICIES, reverse_sql=DROP_POLICIES),
    ]
