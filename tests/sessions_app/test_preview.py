"""Previews run the client's real pages on any version, drafts included, and leave no real session behind."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from questionnaires import selectors, services
from sessions_app import selectors as session_selectors
from sessions_app import services as session_services
from sessions_app.models import Response, Session, SessionStatus

pytestmark = pytest.mark.django_db


def start_preview(staff_client, questionnaire, industry=""):
    url = reverse("admin:questionnaires_questionnaire_preview", args=[questionnaire.pk])
    response = staff_client.post(url, {"industry": industry})
    assert response.status_code == 302
    return Session.objects.get(metadata__preview=True, questionnaire=questionnaire)


def test_an_admin_previews_a_draft_on_the_clients_real_pages(staff_client, admin_user, draft):
    session = start_preview(staff_client, draft.questionnaire)
    assert session.user == admin_user and session.questionnaire_version == 1
    assert session.expires_at - session.started_at == dt.timedelta(days=1)
    page = staff_client.get(reverse("sessions_app:resume", args=[session.pk]), follow=True)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Preview of version 1 (a draft)" in html
    assert "Do you have a product?" in html and f'id="wrap-q-{draft.text.pk}"' in html

    answer = reverse("sessions_app:answer", args=[session.pk, draft.choice.pk])
    response = staff_client.post(answer, {f"q-{draft.choice.pk}": draft.yes}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Product name" in response.content.decode()  # the branch opens, as it would for a client
    assert Response.objects.filter(session=session).count() == 1


def test_a_preview_is_not_a_real_session(staff_client, admin_user, draft):
    services.questionnaire_publish(questionnaire=draft.questionnaire, actor=admin_user)
    preview = start_preview(staff_client, draft.questionnaire)
    assert preview.status == SessionStatus.IN_PROGRESS
    assert list(session_selectors.sessions_for_client(user=admin_user)) == []
    assert (
        session_selectors.session_in_progress_for(user=admin_user, questionnaire=draft.questionnaire) is None
    )
    counted = selectors.questionnaires_with_usage().get(pk=draft.questionnaire.pk)
    assert counted.session_count == 0 and counted.in_progress_count == 0
    assert "In progress and finished" not in staff_client.get(reverse("sessions_app:list")).content.decode()


def test_completing_a_preview_produces_no_documents(admin_user, draft):
    called = []

    def hook(*, session, state):
        called.append(session.pk)

    session_services.on_session_complete(hook)
    try:
        preview = session_services.preview_start(questionnaire=draft.questionnaire, user=admin_user)
        session_services.session_complete(session=preview)
        real = session_services.session_start(user=admin_user, questionnaire=draft.questionnaire)
        session_services.session_complete(session=real)
    finally:
        session_services._completion_hooks.remove(hook)
    assert called == [real.pk]
    assert Session.objects.get(pk=preview.pk).status == SessionStatus.COMPLETED


def test_ending_a_preview_deletes_its_session_and_answers(staff_client, admin_user, draft):
    session = start_preview(staff_client, draft.questionnaire)
    session_services.response_save(
        session=session, question_id=str(draft.choice.pk), data={f"q-{draft.choice.pk}": draft.yes}
    )
    response = staff_client.post(
        reverse("admin:questionnaires_questionnaire_preview_end", args=[draft.questionnaire.pk])
    )
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
    assert not Response.objects.filter(session_id=session.pk).exists()


def test_starting_a_new_preview_replaces_the_previous_one(staff_client, draft):
    first = start_preview(staff_client, draft.questionnaire)
    second = start_preview(staff_client, draft.questionnaire, industry="healthcare")
    assert first.pk != second.pk and second.industry == "healthcare"
    assert not Session.objects.filter(pk=first.pk).exists()


def test_previews_are_deleted_by_the_expiry_task_after_a_day(admin_user, draft, client_a):
    preview = session_services.preview_start(questionnaire=draft.questionnaire, user=admin_user)
    real = session_services.session_start(user=client_a, questionnaire=draft.questionnaire)
    session_services.sessions_expire(now=timezone.now() + dt.timedelta(hours=23))
    assert Session.objects.filter(pk=preview.pk).exists()
    session_services.sessions_expire(now=timezone.now() + dt.timedelta(days=1, minutes=1))
    assert not Session.objects.filter(pk=preview.pk).exists()
    assert Session.objects.get(pk=real.pk).status == SessionStatus.IN_PROGRESS  # real sessions last longer


def test_nobody_else_can_open_an_admins_preview(staff_client, client, admin_user, client_a, draft):
    session = session_services.preview_start(questionnaire=draft.questionnaire, user=admin_user)
    client.force_login(client_a)
    assert client.get(reverse("sessions_app:resume", args=[session.pk])).status_code == 404


def test_clients_cannot_start_a_preview(client, client_a, draft):
    client.force_login(client_a)
    response = client.post(
        reverse("admin:questionnaires_questionnaire_preview", args=[draft.questionnaire.pk])
    )
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Session.objects.exists()


def test_deleting_a_question_a_preview_answered_discards_the_preview(staff_client, admin_user, draft):
    session = session_services.preview_start(questionnaire=draft.questionnaire, user=admin_user)
    session_services.response_save(
        session=session, question_id=str(draft.number.pk), data={f"q-{draft.number.pk}": "4"}
    )
    url = reverse("admin:questionnaires_question_delete", args=[draft.number.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
    assert not draft.section.questions.filter(pk=draft.number.pk).exists()
