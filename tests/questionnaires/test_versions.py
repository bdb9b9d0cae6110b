"""Drafts, publishing (refused on errors), read-only versions, new versions, diffs, defaults per industry."""

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from questionnaires import selectors, services, versions
from questionnaires.models import Question, Questionnaire, VisibilityRule
from questionnaires.structure import structure_load
from sessions_app import services as session_services
from sessions_app.models import Session
from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.factories import QuestionnaireFactory

pytestmark = pytest.mark.django_db


def publish(questionnaire, actor=None):
    return services.questionnaire_publish(questionnaire=questionnaire, actor=actor)


# --- Publishing -------------------------------------------------------------------------------------


def test_a_questionnaire_is_a_draft_until_published(draft, admin_user, client_a):
    assert draft.questionnaire.published_at is None
    assert draft.questionnaire not in selectors.questionnaires_for_client(user=client_a)
    published = publish(draft.questionnaire, admin_user)
    assert published.published_at is not None
    assert published in selectors.questionnaires_for_client(user=client_a)
    entry = AuditLog.objects.get(event="questionnaire.publish", resource_id=published.pk)
    assert entry.actor == admin_user and entry.changes["after"]["version"] == 1


def test_publishing_is_refused_while_the_analysis_finds_errors(draft, admin_user):
    draft.rule(
        owner=draft.text,
        targets=[draft.text],
        condition={"field": str(draft.text.id), "operator": "is_empty"},
    )
    with pytest.raises(services.PublishRefused) as refused:
        publish(draft.questionnaire, admin_user)
    assert [f.code for f in refused.value.analysis.errors] == ["cycle"]
    draft.questionnaire.refresh_from_db()
    assert draft.questionnaire.published_at is None


def test_warnings_do_not_block_publishing(draft, admin_user):
    draft.rule(
        owner=draft.number,
        targets=[draft.extra],
        condition={"field": str(draft.number.id), "operator": "gt", "value": 99},
    )
    assert publish(draft.questionnaire, admin_user).published_at is not None


def test_the_publish_page_refuses_on_errors_and_shows_them(client, admin_user, draft):
    draft.rule(
        owner=draft.text,
        targets=[draft.text],
        condition={"field": str(draft.text.id), "operator": "is_empty"},
    )
    login_with_mfa(client, admin_user)
    url = reverse("admin:questionnaires_questionnaire_publish", args=[draft.questionnaire.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Publishing is blocked" in page.content.decode()
    response = client.post(url)
    assert response.status_code == 409
    assert "form a cycle" in response.content.decode()
    draft.questionnaire.refresh_from_db()
    assert draft.questionnaire.published_at is None


def test_the_publish_page_shows_the_changes_and_the_sessions_in_progress(client, admin_user, draft, client_a):
    publish(draft.questionnaire, admin_user)
    session_services.session_start(user=client_a, questionnaire=draft.questionnaire)
    new = services.questionnaire_new_version(questionnaire=draft.questionnaire, actor=admin_user)
    choice = Question.objects.get(section__questionnaire=new, text="Do you have a product?")
    choice.options = [*choice.options, {"id": str(uuid.uuid4()), "label": "Not yet"}]
    choice.save()
    Question.objects.filter(section__questionnaire=new, text="Tell us more").delete()
    login_with_mfa(client, admin_user)
    url = reverse("admin:questionnaires_questionnaire_publish", args=[new.pk])
    html = client.get(url).content.decode()
    assert "Changes since version 1" in html
    assert "Question removed: <strong>Tell us more</strong>" in html
    assert "option added: Not yet" in html
    assert "1 session in progress</strong> on earlier versions keeps the version they started on" in html
    response = client.post(url)
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.published_at is not None


# --- Read-only versions and new versions ---------------------------------------------------------


def test_a_published_version_cannot_be_changed_by_the_authoring_services(draft, admin_user):
    publish(draft.questionnaire, admin_user)
    with pytest.raises(services.QuestionnairePublished):
        services.question_create(section=draft.section, text="Late question", type="TEXT", actor=admin_user)
    with pytest.raises(services.QuestionnairePublished):
        services.visibility_rule_create(
            question=draft.number,
            condition={"field": str(draft.number.id), "operator": "is_not_empty"},
            action="SHOW",
            target_question_ids=[draft.extra.id],
        )
    with pytest.raises(services.QuestionnairePublished):
        services.sections_reorder(questionnaire=draft.questionnaire, section_ids=[], actor=admin_user)
    with pytest.raises(services.AuthoringError):
        publish(draft.questionnaire, admin_user)


def test_a_new_version_is_a_draft_copy_numbered_after_the_latest(draft, admin_user):
    publish(draft.questionnaire, admin_user)
    new = services.questionnaire_new_version(questionnaire=draft.questionnaire, actor=admin_user)
    assert new.version == 2 and new.published_at is None and new.lineage_id == draft.questionnaire.lineage_id
    old, copy = structure_load(draft.questionnaire.pk), structure_load(new.pk)
    assert [q.text for q in copy.questions] == [q.text for q in old.questions]
    assert not {q.id for q in copy.questions} & {q.id for q in old.questions}
    # The copied rule points at the copied questions and behaves the same.
    (rule,) = copy.rules
    by_text = {q.text: q for q in copy.questions}
    assert rule.condition["field"] == by_text["Do you have a product?"].id
    assert rule.target_question_ids == (by_text["Product name"].id,)
    yes = {by_text["Do you have a product?"].id: {"selectedOptionId": draft.yes}}
    assert by_text["Product name"].id in copy.engine().evaluate(yes).visible
    # Only one draft per lineage.
    with pytest.raises(services.DraftExists) as exists:
        services.questionnaire_new_version(questionnaire=draft.questionnaire, actor=admin_user)
    assert exists.value.draft == new


def test_the_new_version_button_opens_the_copy(client, admin_user, draft):
    publish(draft.questionnaire, admin_user)
    login_with_mfa(client, admin_user)
    response = client.post(
        reverse("admin:questionnaires_questionnaire_new_version", args=[draft.questionnaire.pk])
    )
    new = Questionnaire.objects.get(lineage_id=draft.questionnaire.lineage_id, version=2)
    assert response["Location"] == reverse("admin:questionnaires_questionnaire_change", args=[new.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Draft version 2" in page and 'name="_save"' in page


def test_a_session_keeps_its_version_across_a_new_publish(draft, admin_user, client_a):
    publish(draft.questionnaire, admin_user)
    started = session_services.session_start(user=client_a, questionnaire=draft.questionnaire)
    new = services.questionnaire_new_version(questionnaire=draft.questionnaire, actor=admin_user)
    Question.objects.filter(section__questionnaire=new, text="Tell us more").update(text="Tell us everything")
    publish(new, admin_user)

    started.refresh_from_db()
    assert started.questionnaire_id == draft.questionnaire.pk and started.questionnaire_version == 1
    texts = [
        q.text for s in session_services.session_flow(session=started).visible_sections for q in s.questions
    ]
    assert "Tell us more" in texts and "Tell us everything" not in texts
    # New sessions start on the new version.
    assert selectors.questionnaires_for_client(user=client_a) == [new]
    fresh = session_services.session_start(user=client_a, questionnaire=new)
    assert fresh.questionnaire_version == 2


def test_the_diff_lists_questions_and_options_added_removed_and_changed(draft, admin_user):
    publish(draft.questionnaire, admin_user)
    new = services.questionnaire_new_version(questionnaire=draft.questionnaire, actor=admin_user)
    questions = {q.text: q for q in Question.objects.filter(section__questionnaire=new)}
    choice = questions["Do you have a product?"]
    choice.options = [
        {**choice.options[0], "label": "Yes, we do"},
        {"id": str(uuid.uuid4()), "label": "Maybe"},
    ]
    choice.save()
    questions["How many employees?"].validation_rules = {"min": 1, "max": 500}
    questions["How many employees?"].save()
    questions["Tell us more"].delete()
    services.question_create(
        section=questions["Product name"].section, text="Website", type="URL", actor=admin_user
    )
    VisibilityRule.objects.filter(question=choice).delete()

    diff = versions.questionnaire_diff(questionnaire=new)
    assert diff.previous == draft.questionnaire
    assert [c.text for c in diff.added] == ["Website"]
    assert [c.text for c in diff.removed] == ["Tell us more"]
    changed = {c.text: c for c in diff.changed}
    assert set(changed) == {"Do you have a product?", "How many employees?"}
    assert changed["Do you have a product?"].options_added == ("Maybe",)
    assert changed["Do you have a product?"].options_removed == ("No",)
    assert changed["Do you have a product?"].options_changed == (("Yes", "Yes, we do"),)
    assert changed["Do you have a product?"].rules_removed == 1
    (field,) = changed["How many employees?"].fields
    assert (field.field, field.before, field.after) == (
        "validation_rules",
        {"min": 1, "max": 50},
        {"min": 1, "max": 500},
    )


def test_an_unchanged_new_version_has_an_empty_diff(draft, admin_user):
    publish(draft.questionnaire, admin_user)
    new = services.questionnaire_new_version(questionnaire=draft.questionnaire, actor=admin_user)
    assert versions.questionnaire_diff(questionnaire=new).is_empty


# --- One default per industry ----------------------------------------------------------------------


def test_publishing_a_default_replaces_the_industrys_previous_default(draft, admin_user):
    current = QuestionnaireFactory(industry="technology", is_default=True, published_at=timezone.now())
    draft.questionnaire.is_default = True
    draft.questionnaire.save()
    publish(draft.questionnaire, admin_user)
    current.refresh_from_db()
    assert not current.is_default
    assert Questionnaire.objects.filter(
        industry="technology", is_default=True, published_at__isnull=False
    ).get() == (draft.questionnaire)


def test_a_new_version_of_the_default_takes_over_the_default_when_published(draft, admin_user):
    draft.questionnaire.is_default = True
    draft.questionnaire.save()
    publish(draft.questionnaire, admin_user)
    new = services.questionnaire_new_version(questionnaire=draft.questionnaire, actor=admin_user)
    assert new.is_default  # a draft may carry the flag: it takes effect when published
    publish(new, admin_user)
    draft.questionnaire.refresh_from_db()
    assert not draft.questionnaire.is_default and Questionnaire.objects.get(pk=new.pk).is_default


def test_the_database_refuses_two_published_defaults_for_one_industry():
    QuestionnaireFactory(industry="retail", is_default=True, published_at=timezone.now())
    QuestionnaireFactory(industry="retail", is_default=True)  # a draft may carry the flag
    QuestionnaireFactory(industry="health", is_default=True, published_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireFactory(industry="retail", is_default=True, published_at=timezone.now())


def test_make_default_moves_the_default_within_an_industry(admin_user):
    first = QuestionnaireFactory(industry="retail", is_default=True, published_at=timezone.now())
    second = QuestionnaireFactory(industry="retail", published_at=timezone.now())
    services.questionnaire_make_default(questionnaire=second, actor=admin_user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_default and not first.is_default
    with pytest.raises(services.AuthoringError):
        services.questionnaire_make_default(
            questionnaire=QuestionnaireFactory(industry="retail"), actor=admin_user
        )


def test_an_imported_file_is_a_draft_whatever_its_published_at_says(admin_user, draft):
    import json

    from questionnaires.interchange import questionnaire_export

    current = QuestionnaireFactory(
        name="Current default", industry="technology", is_default=True, published_at=timezone.now()
    )
    document = questionnaire_export(draft.questionnaire)
    Questionnaire.objects.filter(pk=draft.questionnaire.pk).delete()
    document.update(is_default=True, published_at=timezone.now().isoformat())

    imported = services.questionnaire_import_upload(
        content=json.dumps(document).encode(), file_name="q.json", actor=admin_user
    )
    assert imported.published_at is None
    current.refresh_from_db()
    assert current.is_default  # a draft takes the default only when it is published


def test_importing_with_publish_publishes_and_moves_the_owners_default(admin_user, draft):
    import json

    from questionnaires.interchange import questionnaire_export

    current = QuestionnaireFactory(
        name="Current default", industry="technology", is_default=True, published_at=timezone.now()
    )
    document = questionnaire_export(draft.questionnaire)
    Questionnaire.objects.filter(pk=draft.questionnaire.pk).delete()
    document.update(is_default=True, published_at=None)

    imported = services.questionnaire_import_upload(
        content=json.dumps(document).encode(), file_name="q.json", actor=admin_user, publish=True
    )
    assert imported.published_at is not None and imported.is_default
    current.refresh_from_db()
    assert not current.is_default


def test_sessions_are_kept_when_a_published_version_is_closed_to_new_sessions(draft, admin_user, client_a):
    publish(draft.questionnaire, admin_user)
    session = session_services.session_start(user=client_a, questionnaire=draft.questionnaire)
    services.questionnaire_set_active(questionnaire=draft.questionnaire, active=False, actor=admin_user)
    assert selectors.questionnaires_for_client(user=client_a) == []
    assert Session.objects.get(pk=session.pk).status == "IN_PROGRESS"
