"""Names, not ids, on the authoring pages: rules by their wording, questions by their text and key, links
that say where they go, the guides in the admin, and reordering through the reorder view."""

import json
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import UserRole
from accounts.services import mfa_activate
from config.help import markdown_html
from questionnaires import services
from questionnaires.demo import demo_questionnaire_ensure
from questionnaires.models import Question, Section, VisibilityRule
from tests.accounts.factories import TOTP_SECRET, UserFactory
from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.factories import QuestionnaireFactory, SectionFactory

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def change_url(obj):
    return reverse(f"admin:questionnaires_{obj._meta.model_name}_change", args=[obj.pk])


class _Text(HTMLParser):
    """The words a reader sees: text outside tags, scripts and styles (attributes are not read)."""

    def __init__(self):
        super().__init__()
        self.skipping, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(parser.parts)


# --- The engine panel's trace --------------------------------------------------------------------------


def test_the_engine_trace_names_the_deciding_rule_by_its_wording_and_links_to_its_question(
    staff_client, draft
):
    rule = VisibilityRule.objects.get(question=draft.choice)
    url = reverse("admin:questionnaires_questionnaire_engine", args=[draft.questionnaire.pk])
    response = staff_client.get(url, {f"q-{draft.choice.pk}": draft.yes})
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["question"].id == str(draft.text.pk))
    shown = row["why"][0]
    assert shown["text"] == "shown by"
    assert shown["rule"] == 'SHOW "Product name" when "Do you have a product?" is "Yes"'
    assert shown["url"] == change_url(draft.choice) and shown["owner"] == "“Do you have a product?”"
    text = visible_text(response)
    assert str(rule.pk) not in text and "by rule" not in text
    assert f'href="{change_url(draft.choice)}"' in response.content.decode()


# --- Findings ------------------------------------------------------------------------------------------


def test_finding_links_say_the_question_text_and_key(staff_client, draft):
    Question.objects.filter(pk=draft.number.pk).update(metadata={"key": "employees"})
    # 70 is beyond the question's maximum of 50: the rule never holds, and "Product name" never shows.
    draft.rule(
        owner=draft.number,
        targets=[draft.extra],
        condition={"field": str(draft.number.pk), "operator": "gt", "value": 70},
    )
    response = staff_client.get(change_url(draft.questionnaire))
    html = response.content.decode()
    findings = html[html.index('class="findings"') : html.index("</ul>", html.index('class="findings"'))]
    assert f'<a href="{change_url(draft.number)}">“How many employees?” (employees)</a>' in findings
    assert f'<a href="{change_url(draft.extra)}">“Tell us more”</a>' in findings
    assert "question 1" not in findings
    assert f'href="{reverse("admin_help", args=["authoring"])}#the-analysis"' in html


# --- The guides in the admin -------------------------------------------------------------------------


def test_the_help_page_renders_a_guide_with_anchors_on_its_headings(staff_client):
    response = staff_client.get(reverse("admin_help", args=["authoring"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="the-analysis">The analysis</h2>' in html
    assert f'href="{reverse("admin_help", args=["rules"])}"' in html  # a link to another guide is ours
    assert staff_client.get(reverse("admin_help", args=["questionnaire-format"])).status_code == 200


def test_a_guide_shows_raw_html_as_text_and_keeps_only_links_to_guides():
    html = markdown_html(
        '# Title\n\n<script>alert("x")</script>\n\n<img src=x onerror=alert(1)> [rules](rules.md#actions), '
        "[security](security.md), [js](javascript:alert(1))"
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="/admin/help/rules/#actions">rules</a>' in html
    assert "security.md" not in html and "security" in html  # the words stay, the dead link goes
    assert "javascript:" not in html.replace("[js](javascript:alert(1))", "")


@pytest.mark.parametrize("slug", ["settings", "architecture", "..", "authoring.md", "AUTHORING"])
def test_an_unknown_guide_is_not_found(staff_client, slug):
    response = staff_client.get(f"/admin/help/{slug}/")
    assert response.status_code == 404


def test_the_guides_are_for_staff_only(client, client_a):
    url = reverse("admin_help", args=["authoring"])
    assert client.get(url).status_code == 302  # to the log-in
    client.force_login(client_a)
    response = client.get(url)
    assert response.status_code == 302 and "The analysis" not in response.content.decode()


# --- The demo questionnaire's pages --------------------------------------------------------------------


def test_the_demo_questionnaires_pages_show_no_docs_path_and_no_raw_id(staff_client, admin_user):
    published = demo_questionnaire_ensure(organization=admin_user.organization)
    draft = services.questionnaire_new_version(questionnaire=published, actor=admin_user)
    first, second = draft.sections.order_by("order_index")[:2]
    services.sections_reorder(questionnaire=draft, section_ids=[second.pk, first.pk], actor=admin_user)
    pages = [
        change_url(draft),
        change_url(published),
        reverse("admin:questionnaires_questionnaire_engine", args=[draft.pk]),
        reverse("admin:questionnaires_questionnaire_publish", args=[draft.pk]),
        reverse("admin:questionnaires_questionnaire_history_full", args=[draft.pk]),
        reverse("admin:questionnaires_questionnaire_import"),
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response)
        assert "docs/" not in text, url
        assert not UUID.search(text), (url, UUID.search(text))
    history = visible_text(staff_client.get(pages[4]))
    assert f"“{second.name}”" in history  # the reorder event names the sections it put in order


# --- Reordering through the view -------------------------------------------------------------------------


def reorder(client, questionnaire, payload):
    url = reverse("admin:questionnaires_questionnaire_reorder", args=[questionnaire.pk])
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


def test_sections_are_reordered_through_the_view(staff_client, draft):
    second = SectionFactory(questionnaire=draft.questionnaire, name="Second", order_index=2)
    order = {"sections": [str(second.pk), str(draft.section.pk)]}
    response = reorder(staff_client, draft.questionnaire, order)
    assert response.json() == {"ok": True}
    assert list(draft.questionnaire.sections.order_by("order_index").values_list("name", flat=True)) == [
        "Second",
        "Only section",
    ]


def test_questions_are_reordered_through_the_view(staff_client, draft):
    order = [draft.extra, draft.text, draft.number, draft.choice]
    response = reorder(
        staff_client, draft.questionnaire, {"questions": {str(draft.section.pk): [str(q.pk) for q in order]}}
    )
    assert response.json() == {"ok": True}
    assert list(draft.section.questions.order_by("order_index")) == order


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ("not json", "not valid JSON"),
        ({}, '"sections" (a list of ids) or "questions"'),
        ([1, 2], '"sections" (a list of ids) or "questions"'),
        ({"sections": "all of them"}, '"sections" must be a list of section ids'),
        ({"sections": [{"id": 1}]}, '"sections" must be a list of section ids'),
        ({"questions": ["a", "b"]}, '"questions" must map each section id'),
        ({"questions": {"a": "b"}}, '"questions" must map each section id'),
    ],
)
def test_a_bad_order_is_refused_with_a_clear_message(staff_client, draft, payload, says):
    response = reorder(staff_client, draft.questionnaire, payload)
    assert response.status_code == 400
    assert response.json()["ok"] is False and says in response.json()["error"]


def test_another_questionnaires_sections_and_questions_are_refused(staff_client, draft, org_b):
    theirs = SectionFactory(questionnaire=QuestionnaireFactory(organization=org_b), name="Theirs")
    response = reorder(staff_client, draft.questionnaire, {"sections": [str(theirs.pk)]})
    assert response.status_code == 409
    assert response.json()["error"] == "Some of the sections to order are not part of this questionnaire."
    response = reorder(
        staff_client, draft.questionnaire, {"questions": {str(theirs.pk): [str(draft.choice.pk)]}}
    )
    assert response.status_code == 409 and "not part of this questionnaire" in response.json()["error"]
    unknown = reorder(staff_client, draft.questionnaire, {"questions": {str(uuid.uuid4()): []}})
    assert unknown.status_code == 409


def test_an_organizations_admin_cannot_reorder_another_organizations_questionnaire(org_a, org_b, draft):
    staff = UserFactory(organization=org_b, is_staff=True, role=UserRole.ADMIN)
    staff.user_permissions.set(Permission.objects.all())
    mfa_activate(user=staff, secret=TOTP_SECRET, actor=None)
    client = login_with_mfa(Client(), staff)
    ours = QuestionnaireFactory(organization=org_a)
    first = SectionFactory(questionnaire=ours, name="First", order_index=1)
    second = SectionFactory(questionnaire=first.questionnaire, name="Second", order_index=2)
    order = {"sections": [str(second.pk), str(first.pk)]}
    assert reorder(client, first.questionnaire, order).status_code == 404  # not even found
    assert reorder(client, draft.questionnaire, {"sections": [str(draft.section.pk)]}).status_code == 403
    assert Section.objects.get(pk=first.pk).order_index == 1  # the shared catalogue is read-only to them
