"""Row-level security on users, organizations, the questionnaire tables and the audit trail.

The same two settings as 0001 decide what a connection of the application's role sees: `app.tenant`
(an organization id, 'system', or empty) and `app.user_id` (core/tenancy.py). docs/security.md says
what each policy allows, how log-in finds a user before a tenant is known, and how the audit chain's
writer reads the chain's end across tenants.
"""

from django.db import migrations

# Inlinable SQL functions, so that an index on org_id serves the policies. "system" and "" are no
# organization; every other value of app.tenant is one (only core/tenancy.py sets it).
FUNCTIONS = """
CREATE FUNCTION app_tenant_org() RETURNS uuid
    LANGUAGE sql STABLE AS $$ SELECT nullif(nullif(app_tenant(), 'system'), '')::uuid $$;

CREATE FUNCTION app_user_uuid() RETURNS uuid
    LANGUAGE sql STABLE AS $$ SELECT nullif(coalesce(current_setting('app.user_id', true), ''), '')::uuid $$;

-- A questionnaire of `org` (NULL: the shared catalogue) may be written by that organization, or by
-- the system; the catalogue by the system alone.
CREATE FUNCTION app_questionnaire_writable(org uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT app_tenant() = 'system' OR coalesce(org = app_tenant_org(), false) $$;

-- Log-in by e-mail, and a password-reset request, come before any tenant is known, when no user row
-- is visible: return the id of the account an address names (as the ORM's email__iexact on the
-- default manager would find it), and nothing else. The caller then names that user in app.user_id.
CREATE FUNCTION app_user_id_for_login(address text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT u.id FROM public.users AS u
    WHERE upper(u.email::text) = upper(address) AND u.deleted_at IS NULL
    ORDER BY u.email LIMIT 1
$$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION app_user_id_for_login(text);
DROP FUNCTION app_questionnaire_writable(uuid);
DROP FUNCTION app_user_uuid();
DROP FUNCTION app_tenant_org();
"""

# The chain's writer reads the last row of the whole trail, whatever the organization it acts for:
# the function that takes the chain's lock and reads its end runs with its owner's rights (the
# table's owner, whom row-level security does not restrict). It returns the clock, a seq and a
# signature, nothing of any row's content.
CHAIN_END = """
ALTER FUNCTION audit_chain_last_link(bigint) SECURITY DEFINER SET search_path = pg_catalog, public;
"""
CHAIN_END_REVERSE = "ALTER FUNCTION audit_chain_last_link(bigint) SECURITY INVOKER RESET search_path;"

# Which organization an audit row belongs to. A request or task that acts for an organization writes
# that organization's rows; one that acts for none (the system, or a visitor not yet signed in) writes
# rows of the organization of the resource the row is about, else of its actor, else of none (only
# 'system' reads those). The lookups read every row whatever the caller's scope (SECURITY DEFINER).
# An unknown resource type falls back to the actor; a resource that is gone (a deletion's history)
# too. Filled after the chain signed the row, so org_id is not signed (audit.chain.UNSIGNED_COLUMNS).
AUDIT_ORGANIZATION = """
CREATE FUNCTION audit_row_organization(kind text, resource uuid, actor uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    org uuid;
BEGIN
    IF resource IS NOT NULL THEN
        CASE kind
        WHEN 'accounts.organization' THEN
            SELECT o.id INTO org FROM public.organizations AS o WHERE o.id = resource;
        WHEN 'accounts.user' THEN
            SELECT u.org_id INTO org FROM public.users AS u WHERE u.id = resource;
        WHEN 'accounts.apikey' THEN
            SELECT u.org_id INTO org FROM public.api_keys AS k
                JOIN public.users AS u ON u.id = k.user_id WHERE k.id = resource;
        WHEN 'accounts.mfarecoverycode' THEN
            SELECT u.org_id INTO org FROM public.mfa_recovery_codes AS c
                JOIN public.users AS u ON u.id = c.user_id WHERE c.id = resource;
        WHEN 'sessions_app.session' THEN
            SELECT u.org_id INTO org FROM public.sessions AS s
                JOIN public.users AS u ON u.id = s.user_id WHERE s.id = resource;
        WHEN 'sessions_app.response' THEN
            SELECT u.org_id INTO org FROM public.responses AS r
                JOIN public.sessions AS s ON s.id = r.session_id
                JOIN public.users AS u ON u.id = s.user_id WHERE r.id = resource;
        WHEN 'documents.document' THEN
            SELECT u.org_id INTO org FROM public.documents AS d
                JOIN public.sessions AS s ON s.id = d.session_id
                JOIN public.users AS u ON u.id = s.user_id WHERE d.id = resource;
        WHEN 'questionnaires.questionnaire' THEN
            SELECT q.org_id INTO org FROM public.questionnaires AS q WHERE q.id = resource;
        WHEN 'questionnaires.section' THEN
            SELECT q.org_id INTO org FROM public.sections AS s
                JOIN public.questionnaires AS q ON q.id = s.questionnaire_id WHERE s.id = resource;
        WHEN 'questionnaires.question' THEN
            SELECT q.org_id INTO org FROM public.questions AS x
                JOIN public.sections AS s ON s.id = x.section_id
                JOIN public.questionnaires AS q ON q.id = s.questionnaire_id WHERE x.id = resource;
        WHEN 'questionnaires.visibilityrule' THEN
            SELECT q.org_id INTO org FROM public.visibility_rules AS v
                JOIN public.questions AS x ON x.id = v.question_id
                JOIN public.sections AS s ON s.id = x.section_id
                JOIN public.questionnaires AS q ON q.id = s.questionnaire_id WHERE v.id = resource;
        ELSE
            NULL;
        END CASE;
        -- Found, even with no organization (the shared catalogue): the resource decides.
        IF FOUND THEN
            RETURN org;
        END IF;
    END IF;
    IF actor IS NOT NULL THEN
        SELECT u.org_id INTO org FROM public.users AS u WHERE u.id = actor;
    END IF;
    RETURN org;
END
$$;

CREATE FUNCTION audit_logs_organization_fill() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF NEW.org_id IS NULL THEN
        NEW.org_id := coalesce(
            app_tenant_org(), audit_row_organization(NEW.resource_type, NEW.resource_id, NEW.user_id));
    END IF;
    RETURN NEW;
END
$$;

-- A row trigger on the parent: PostgreSQL clones it to every partition, present and future.
CREATE TRIGGER audit_logs_organization BEFORE INSERT ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_organization_fill();

-- The rows written before the column existed, by the same rule less the writer's tenant (not
-- recorded). The append-only trigger is off for this one statement, inside the migration's
-- transaction; the chain does not sign org_id, so every signature still holds.
ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only;
UPDATE audit_logs AS a SET org_id = found.org
    FROM (SELECT id, created_at, audit_row_organization(resource_type, resource_id, user_id) AS org
          FROM audit_logs WHERE org_id IS NULL) AS found
    WHERE a.id = found.id AND a.created_at = found.created_at AND found.org IS NOT NULL;
ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_append_only;
"""

DROP_AUDIT_ORGANIZATION = """
DROP TRIGGER audit_logs_organization ON audit_logs;
DROP FUNCTION audit_logs_organization_fill();
DROP FUNCTION audit_row_organization(text, uuid, uuid);
"""

# A visible questionnaire makes its sections visible, a visible section its questions, a visible
# question its rules: each reads its parent through the parent's own policy. Writing needs the
# questionnaire to be writable.
QUESTIONNAIRE_READABLE = """
    app_tenant() = 'system'
    OR org_id = app_tenant_org()
    OR (org_id IS NULL AND (app_tenant() <> '' OR app_user_uuid() IS NOT NULL))
    OR EXISTS (SELECT 1 FROM sessions AS s
               WHERE s.questionnaire_id = questionnaires.id AND s.user_id = app_user_uuid())
"""
QUESTIONNAIRE_TABLES = {
    "questionnaires": (QUESTIONNAIRE_READABLE, "app_questionnaire_writable(org_id)"),
    "sections": (
        "EXISTS (SELECT 1 FROM questionnaires AS q WHERE q.id = sections.questionnaire_id)",
        """EXISTS (SELECT 1 FROM questionnaires AS q
                   WHERE q.id = sections.questionnaire_id AND app_questionnaire_writable(q.org_id))""",
    ),
    "questions": (
        "EXISTS (SELECT 1 FROM sections AS s WHERE s.id = questions.section_id)",
        """EXISTS (SELECT 1 FROM sections AS s JOIN questionnaires AS q ON q.id = s.questionnaire_id
                   WHERE s.id = questions.section_id AND app_questionnaire_writable(q.org_id))""",
    ),
    "visibility_rules": (
        "EXISTS (SELECT 1 FROM questions AS x WHERE x.id = visibility_rules.question_id)",
        """EXISTS (SELECT 1 FROM questions AS x
                   JOIN sections AS s ON s.id = x.section_id
                   JOIN questionnaires AS q ON q.id = s.questionnaire_id
                   WHERE x.id = visibility_rules.question_id AND app_questionnaire_writable(q.org_id))""",
    ),
}

ACCOUNT_AND_AUDIT_POLICIES = """
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
-- A direct expression on the row: app_user_visible() and app_session_visible() read users, so a
-- policy on users that called them would recurse.
CREATE POLICY tenant_isolation ON users
    USING (app_tenant() = 'system' OR org_id = app_tenant_org() OR id = app_user_uuid())
    -- The named user writes their own row only while no tenant is set (log-in, second factor,
    -- password reset): a signed-in member can never write their row into another organization.
    WITH CHECK (app_tenant() = 'system' OR org_id = app_tenant_org()
                OR (id = app_user_uuid() AND app_tenant() = ''));

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organizations
    USING (app_tenant() = 'system' OR id = app_tenant_org())
    WITH CHECK (app_tenant() = 'system' OR id = app_tenant_org());

ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON audit_logs FOR SELECT
    USING (app_tenant() = 'system' OR org_id = app_tenant_org() OR user_id = app_user_uuid());
-- Every writer appends, whatever it acts for; a tenant only rows of its own organization (the fill
-- trigger gives it that unless the writer named another). No UPDATE or DELETE policy: neither
-- reaches a row (and the append-only trigger refuses both anyway).
CREATE POLICY append ON audit_logs FOR INSERT
    WITH CHECK (app_tenant_org() IS NULL OR org_id = app_tenant_org());
"""

DROP_ACCOUNT_AND_AUDIT_POLICIES = """
DROP POLICY tenant_isolation ON users; ALTER TABLE users DISABLE ROW LEVEL SECURITY;
DROP POLICY tenant_isolation ON organizations; ALTER TABLE organizations DISABLE ROW LEVEL SECURITY;
DROP POLICY tenant_read ON audit_logs; DROP POLICY append ON audit_logs;
ALTER TABLE audit_logs DISABLE ROW LEVEL SECURITY;
"""

QUESTIONNAIRE_POLICIES = """
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON {table} FOR SELECT USING ({readable});
CREATE POLICY tenant_insert ON {table} FOR INSERT WITH CHECK ({writable});
CREATE POLICY tenant_update ON {table} FOR UPDATE USING ({writable}) WITH CHECK ({writable});
CREATE POLICY tenant_delete ON {table} FOR DELETE USING ({writable});
"""

DROP_QUESTIONNAIRE_POLICIES = """
DROP POLICY tenant_read ON {table}; DROP POLICY tenant_insert ON {table};
DROP POLICY tenant_update ON {table}; DROP POLICY tenant_delete ON {table};
ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
"""

POLICIES = ACCOUNT_AND_AUDIT_POLICIES + "".join(
    QUESTIONNAIRE_POLICIES.format(table=table, readable=readable, writable=writable)
    for table, (readable, writable) in QUESTIONNAIRE_TABLES.items()
)
DROP_POLICIES = DROP_ACCOUNT_AND_AUDIT_POLICIES + "".join(
    DROP_QUESTIONNAIRE_POLICIES.format(table=table) for table in QUESTIONNAIRE_TABLES
)

# Queries through audit_logs get its policies; a partition named directly gets its own, and it has
# none: with row-level security on, the application's role sees no row of it and can insert none.
# audit/partitions.py does the same for every partition it creates later.
PARTITIONS = """
DO $$
DECLARE partition regclass;
BEGIN
    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', partition);
    END LOOP;
END
$$;
"""
PARTITIONS_REVERSE = PARTITIONS.replace("ENABLE ROW LEVEL SECURITY", "DISABLE ROW LEVEL SECURITY")


class Migration(migrations.Migration):
    dependencies = [
        ("config", "0001_row_level_security"),
        ("accounts", "0005_mfa_last_used_step"),
        ("questionnaires", "0003_default_per_industry"),
        ("sessions_app", "0004_session_answers_function"),
        ("audit", "0003_audit_logs_organization"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, reverse_sql=DROP_FUNCTIONS),
        migrations.RunSQL(CHAIN_END, reverse_sql=CHAIN_END_REVERSE),
        migrations.RunSQL(AUDIT_ORGANIZATION, reverse_sql=DROP_AUDIT_ORGANIZATION),
        migrations.RunSQL(POLICIES, reverse_sql=DROP_POLICIES),
        migrations.RunSQL(PARTITIONS, reverse_sql=PARTITIONS_REVERSE),
    ]
