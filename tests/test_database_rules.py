"""The database itself refuses what seed 000 forbids and cascades as it says.

The helpers that write the cascades and the updated_at triggers are tested in tests/core/.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import ApiKey, User
from questionnaires.models import Question, Section, VisibilityRule
from sessions_app.models import Response, Session
from tests.accounts.factories import ApiKeyFactory, UserFactory
from tests.documents.factories import DocumentFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, VisibilityRuleFactory
from tests.sessions_app.factories import ResponseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def test_a_second_answer_to_the_same_question_in_a_session_is_refused():
    response = ResponseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(session=response.session, question=response.question, value={"text": "again"})


@pytest.mark.parametrize(
    "table, column",
    [
        ("users", "role"),
        ("questions", "type"),
        ("visibility_rules", "action"),
        ("sessions", "status"),
        ("documents", "status"),
        ("documents", "format"),
        ("document_types", "category"),
    ],
)
def test_an_unknown_enum_value_is_refused_by_the_database(table, column):
    factories = {
        "users": UserFactory,
        "questions": QuestionFactory,
        "visibility_rules": VisibilityRuleFactory,
        "sessions": SessionFactory,
        "documents": DocumentFactory,
        "document_types": lambda: DocumentFactory().document_type,
    }
    row = factories[table]()
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql(f"UPDATE {table} SET {column} = 'BOGUS' WHERE id = %s", [row.pk])


def test_a_session_without_a_user_is_refused():
    questionnaire = QuestionnaireFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql(
            "INSERT INTO sessions (questionnaire_id, questionnaire_version) VALUES (%s, 1)",
            [questionnaire.pk],
        )


def test_database_defaults_fill_a_row_written_by_sql_alone():
    questionnaire = QuestionnaireFactory()
    user = UserFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO sessions (user_id, questionnaire_id, questionnaire_version) VALUES (%s, %s, 1) "
            "RETURNING id, status, progress, started_at",
            [user.pk, questionnaire.pk],
        )
        session_id, status, progress, started_at = cursor.fetchone()
    assert session_id and status == "IN_PROGRESS" and started_at
    assert progress == '{"total": 0, "answered": 0, "percentage": 0}' or progress == {
        "percentage": 0,
        "answered": 0,
        "total": 0,
    }


def test_deleting_a_questionnaire_in_sql_cascades_to_sections_questions_and_rules():
    rule = VisibilityRuleFactory()
    questionnaire = rule.question.section.questionnaire
    _sql("DELETE FROM questionnaires WHERE id = %s", [questionnaire.pk])
    assert not Section.objects.filter(questionnaire_id=questionnaire.pk).exists()
    assert not Question.objects.filter(pk=rule.question_id).exists()
    assert not VisibilityRule.objects.filter(pk=rule.pk).exists()


def test_deleting_a_user_in_sql_cascades_to_sessions_responses_documents_and_api_keys():
    response = ResponseFactory()
    user = response.session.user
    document = DocumentFactory(session=response.session)
    key = ApiKeyFactory(user=user)
    _sql("DELETE FROM users WHERE id = %s", [user.pk])
    assert not Session.objects.filter(pk=response.session_id).exists()
    assert not Response.objects.filter(pk=response.pk).exists()
    assert not document.__class__.objects.filter(pk=document.pk).exists()
    assert not ApiKey.objects.filter(pk=key.pk).exists()


def test_deleting_an_organization_in_sql_leaves_its_users_without_one():
    user = UserFactory()
    _sql("DELETE FROM organizations WHERE id = %s", [user.organization_id])
    user.refresh_from_db()
    assert user.organization_id is None


def test_deleting_a_questionnaire_through_the_orm_cascades_too():
    question = QuestionFactory()
    question.section.questionnaire.delete()
    assert not Question.objects.filter(pk=question.pk).exists()


def test_a_question_with_answers_cannot_be_deleted_from_under_them():
    response = ResponseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql("SET CONSTRAINTS ALL IMMEDIATE")  # Django declares foreign keys deferrable
        _sql("DELETE FROM questions WHERE id = %s", [response.question_id])


def test_soft_deleted_users_disappear_and_cannot_log_in(client):
    user = UserFactory(email="leaving@example.com")
    User.objects.filter(pk=user.pk).soft_delete()
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.all_objects.filter(pk=user.pk).exists()
    assert not client.login(email="leaving@example.com", password="correct-horse-battery-staple")
