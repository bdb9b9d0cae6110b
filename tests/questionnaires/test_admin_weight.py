"""The authoring admin stays light: a questionnaire's page costs the same queries whatever its size, and a
question's page asks for each static file once, the admin's own as bundles (core/static_bundles.py)."""

import re

import pytest

from questionnaires.models import Question, VisibilityRule
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    VisibilityRuleFactory,
    choice_options,
)

pytestmark = pytest.mark.django_db

# Warm: the structure and the analysis come from the cache. Cold: they are read (four queries each).
QUERIES_WARM = 6
QUERIES_COLD = 14


def _questionnaire(organization, *, sections: int, questions: int):
    questionnaire = QuestionnaireFactory(name=f"{sections}x{questions}", organization=organization)
    previous = None
    for s in range(sections):
        section = SectionFactory(questionnaire=questionnaire, order_index=s + 1, name=f"Section {s}")
        for q in range(questions):
            question = QuestionFactory(
                section=section,
                order_index=q + 1,
                type="SINGLE_CHOICE",
                text=f"Question {s}.{q}",
                options=choice_options("Yes", "No"),
            )
            if previous is not None:
                yes = previous.options[0]["id"]
                VisibilityRuleFactory(
                    question=previous,
                    action="SHOW",
                    condition={"field": str(previous.id), "operator": "eq", "value": yes},
                    target_question_ids=[question.id],
                )
            previous = question
    return questionnaire


def _page(questionnaire) -> str:
    return f"/admin/questionnaires/questionnaire/{questionnaire.pk}/change/"


@pytest.mark.parametrize("sections,questions", [(1, 2), (12, 15)])
def test_a_questionnaire_page_costs_the_same_queries_whatever_its_size(
    staff_client, admin_user, django_assert_num_queries, sections, questions
):
    questionnaire = _questionnaire(admin_user.organization, sections=sections, questions=questions)
    staff_client.get("/admin/")  # the log-in's session is saved on the first page
    with django_assert_num_queries(QUERIES_COLD):
        cold = staff_client.get(_page(questionnaire))
    with django_assert_num_queries(QUERIES_WARM):
        warm = staff_client.get(_page(questionnaire))
    assert cold.status_code == warm.status_code == 200
    assert warm.content.count(b'<li class="outline-question') == sections * questions


def test_a_change_in_the_draft_is_seen_at_once_despite_the_cached_analysis(staff_client, admin_user):
    questionnaire = _questionnaire(admin_user.organization, sections=1, questions=2)
    before = staff_client.get(_page(questionnaire)).content.decode()  # analysed and cached now
    assert "finding-error" not in before
    rule = VisibilityRule.objects.get()
    rule.condition = {**rule.condition, "value": "no-such-option"}  # can never hold now
    rule.save()
    after = staff_client.get(_page(questionnaire)).content.decode()
    assert after.count("rule-line finding-") > before.count("rule-line finding-")


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_a_question_page_asks_for_each_file_once_and_the_admin_scripts_as_one(staff_client, admin_user):
    _questionnaire(admin_user.organization, sections=1, questions=2)
    question = Question.objects.get(text="Question 0.0")
    html = staff_client.get(f"/admin/questionnaires/question/{question.pk}/change/").content.decode()
    urls = _static_urls(html)
    assert len(urls) == len(set(urls)), urls
    assert "/static/questionnaires/authoring.bundle.js" in urls
    assert "/static/admin/css/change_form.bundle.css" in urls
    names = ["jquery", "inlines.js", "core.js", "xregexp", "urlify", "prepopulate", "nav_sidebar"]
    names.append("forms.css")
    for unused in names:
        assert not [u for u in urls if unused in u], unused
    assert not [u for u in urls if u.endswith("questionnaires/authoring.js")]
