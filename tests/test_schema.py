"""The database has every table, column, type family and named index of seed 000, exactly."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

SEED_COLUMNS = {
    "organizations": {
        "id": "uuid",
        "name": "character varying",
        "slug": "character varying",
        "settings": "jsonb",
        "subscription": "jsonb",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
        "deleted_at": "timestamp with time zone",
    },
    "users": {
        "id": "uuid",
        "org_id": "uuid",
        "email": "character varying",
        "email_verified": "boolean",
        "password_hash": "character varying",
        "role": "character varying",
        "profile": "jsonb",
        "preferences": "jsonb",
        "mfa_enabled": "boolean",
        "mfa_secret": "character varying",
        "last_login_at": "timestamp with time zone",
        "last_login_ip": "inet",
        "failed_login_attempts": "integer",
        "locked_until": "timestamp with time zone",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
        "deleted_at": "timestamp with time zone",
    },
    "questionnaires": {
        "id": "uuid",
        "name": "character varying",
        "description": "text",
        "industry": "character varying",
        "version": "integer",
        "is_active": "boolean",
        "is_default": "boolean",
        "estimated_time": "integer",
        "metadata": "jsonb",
        "created_by": "uuid",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
        "published_at": "timestamp with time zone",
    },
    "sections": {
        "id": "uuid",
        "questionnaire_id": "uuid",
        "name": "character varying",
        "description": "text",
        "order_index": "integer",
        "icon": "character varying",
        "estimated_time": "integer",
        "metadata": "jsonb",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
    },
    "questions": {
        "id": "uuid",
        "section_id": "uuid",
        "text": "text",
        "type": "character varying",
        "help_text": "text",
        "explanation": "text",
        "placeholder": "character varying",
        "order_index": "integer",
        "is_required": "boolean",
        "options": "jsonb",
        "validation_rules": "jsonb",
        "default_value": "jsonb",
        "suggested_answer": "jsonb",
        "industry_tags": "ARRAY",
        "document_mappings": "jsonb",
        "metadata": "jsonb",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
    },
    "visibility_rules": {
        "id": "uuid",
        "question_id": "uuid",
        "condition": "jsonb",
        "action": "character varying",
        "target_question_ids": "ARRAY",
        "priority": "integer",
        "is_active": "boolean",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
    },
    "sessions": {
        "id": "uuid",
        "user_id": "uuid",
        "questionnaire_id": "uuid",
        "questionnaire_version": "integer",
        "status": "character varying",
        "industry": "character varying",
        "progress": "jsonb",
        "current_section_id": "uuid",
        "current_question_id": "uuid",
        "adaptive_state": "jsonb",
        "metadata": "jsonb",
        "started_at": "timestamp with time zone",
        "last_activity_at": "timestamp with time zone",
        "completed_at": "timestamp with time zone",
        "expires_at": "timestamp with time zone",
        "analytics": "jsonb",  # §7.2, the migration example
    },
    "responses": {
        "id": "uuid",
        "session_id": "uuid",
        "question_id": "uuid",
        "value": "jsonb",
        "is_valid": "boolean",
        "validation_errors": "jsonb",
        "time_spent_seconds": "integer",
        "revision": "integer",
        "answered_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
    },
    "document_types": {
        "id": "uuid",
        "name": "character varying",
        "slug": "character varying",
        "description": "text",
        "category": "character varying",
        "template_path": "character varying",
        "required_questions": "ARRAY",
        "output_formats": "ARRAY",
        "estimated_pages": "integer",
        "is_active": "boolean",
        "metadata": "jsonb",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
    },
    "documents": {
        "id": "uuid",
        "session_id": "uuid",
        "document_type_id": "uuid",
        "status": "character varying",
        "format": "character varying",
        "storage_url": "character varying",
        "file_name": "character varying",
        "file_size": "bigint",
        "page_count": "integer",
        "version": "integer",
        "generation_metadata": "jsonb",
        "review_status": "jsonb",
        "approved_by": "uuid",
        "approved_at": "timestamp with time zone",
        "rejection_reason": "text",
        "generated_at": "timestamp with time zone",
        "expires_at": "timestamp with time zone",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
    },
    "audit_logs": {
        "id": "uuid",
        "user_id": "uuid",
        "action": "character varying",
        "resource_type": "character varying",
        "resource_id": "uuid",
        "changes": "jsonb",
        "ip_address": "inet",
        "user_agent": "text",
        "request_id": "character varying",
        "created_at": "timestamp with time zone",
    },
    "api_keys": {
        "id": "uuid",
        "user_id": "uuid",
        "name": "character varying",
        "key_prefix": "character varying",
        "key_hash": "character varying",
        "scopes": "ARRAY",
        "rate_limit": "integer",
        "last_used_at": "timestamp with time zone",
        "expires_at": "timestamp with time zone",
        "created_at": "timestamp with time zone",
        "revoked_at": "timestamp with time zone",
    },
}

# Every index that seed 000 names, with a fragment of its definition that must be there.
SEED_INDEXES = {
    "idx_organizations_slug": "(slug)",
    "idx_organizations_created": "(created_at)",
    "idx_users_email": "(email)",
    "idx_users_org": "(org_id)",
    "idx_users_role": "(role)",
    "idx_users_created": "(created_at)",
    "idx_users_profile_name": "(profile ->> 'name'::text)",
    "idx_questionnaires_industry": "(industry)",
    "idx_questionnaires_active": "(is_active)",
    "idx_sections_questionnaire": "(questionnaire_id)",
    "idx_sections_order": "(questionnaire_id, order_index)",
    "idx_questions_section": "(section_id)",
    "idx_questions_order": "(section_id, order_index)",
    "idx_questions_type": "(type)",
    "idx_questions_industry": "USING gin (industry_tags)",
    "idx_visibility_rules_question": "(question_id)",
    "idx_visibility_rules_targets": "USING gin (target_question_ids)",
    "idx_sessions_user": "(user_id)",
    "idx_sessions_questionnaire": "(questionnaire_id)",
    "idx_sessions_status": "(status)",
    "idx_sessions_started": "(started_at)",
    "idx_responses_session": "(session_id)",
    "idx_responses_question": "(question_id)",
    "idx_responses_answered": "(answered_at)",
    "idx_document_types_category": "(category)",
    "idx_document_types_active": "(is_active)",
    "idx_documents_session": "(session_id)",
    "idx_documents_type": "(document_type_id)",
    "idx_documents_status": "(status)",
    "idx_documents_generated": "(generated_at)",
    "idx_audit_logs_user": "(user_id)",
    "idx_audit_logs_action": "(action)",
    "idx_audit_logs_resource": "(resource_type, resource_id)",
    "idx_audit_logs_created": "(created_at)",
    "idx_api_keys_user": "(user_id)",
    "idx_api_keys_prefix": "(key_prefix)",
    "idx_sessions_user_status": "(user_id, status)",
    "idx_responses_session_answered": "(session_id, answered_at)",
    "idx_documents_session_status": "(session_id, status)",
    "idx_sessions_active": "(user_id, started_at) WHERE ((status)::text = 'IN_PROGRESS'::text)",
    "idx_documents_pending_review": "(created_at) WHERE ((status)::text = 'PENDING_REVIEW'::text)",
    "idx_questions_text_search": (
        "to_tsvector('english'::regconfig, ((text || ' '::text) || COALESCE(help_text, ''::text)))"
    ),
    "idx_questions_options": "USING gin (options)",
    "idx_responses_value": "USING gin (value)",
    "idx_sessions_progress": "USING gin (progress)",
    "idx_sessions_analytics": "USING gin (analytics)",
    "idx_sessions_progress_pct": "(((progress ->> 'percentage'::text))::integer)",
}


def _columns(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table]
        )
        return dict(cursor.fetchall())


@pytest.mark.parametrize("table", sorted(SEED_COLUMNS))
def test_table_has_every_seed_column_with_its_type(table):
    actual = _columns(table)
    missing = {c: t for c, t in SEED_COLUMNS[table].items() if actual.get(c) != t}
    assert not missing, f"{table}: wrong or missing columns {missing} (found {actual})"


@pytest.mark.parametrize("name", sorted(SEED_INDEXES))
def test_seed_index_exists_with_its_definition(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = cursor.fetchone()
    assert row, f"index {name} is missing"
    assert SEED_INDEXES[name] in row[0], row[0]


def test_audit_logs_is_partitioned_by_month_on_created_at():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_partkeydef('audit_logs'::regclass)")
        assert cursor.fetchone()[0] == "RANGE (created_at)"


@pytest.mark.parametrize(
    "table, column, expected",
    [
        ("users", "org_id", "SET NULL"),
        ("sections", "questionnaire_id", "CASCADE"),
        ("questions", "section_id", "CASCADE"),
        ("visibility_rules", "question_id", "CASCADE"),
        ("sessions", "user_id", "CASCADE"),
        ("responses", "session_id", "CASCADE"),
        ("documents", "session_id", "CASCADE"),
        ("api_keys", "user_id", "CASCADE"),
        ("sessions", "questionnaire_id", "NO ACTION"),
        ("responses", "question_id", "NO ACTION"),
        ("documents", "document_type_id", "NO ACTION"),
    ],
)
def test_foreign_key_has_the_seeds_on_delete_action(table, column, expected):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT rc.delete_rule FROM information_schema.referential_constraints rc
            JOIN information_schema.key_column_usage k ON k.constraint_name = rc.constraint_name
            WHERE k.table_name = %s AND k.column_name = %s
            """,
            [table, column],
        )
        assert [row[0] for row in cursor.fetchall()] == [expected]
