"""Admin search over questions: PostgreSQL full-text search on idx_questions_text_search, and filters."""

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from questionnaires.models import Question
from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.factories import QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions():
    section = SectionFactory()
    return {
        "employees": QuestionFactory(section=section, text="How many employees work for you?"),
        "cloud": QuestionFactory(
            section=section,
            text="Where is production hosted?",
            help_text="For example a public cloud provider or your own data centre.",
            type="SINGLE_CHOICE",
            options=[{"id": "8f0e4b3c-0f0e-4b3c-8f0e-4b3c0f0e4b3c", "label": "Cloud"}],
            industry_tags=["technology", "retail"],
        ),
        "revenue": QuestionFactory(
            section=section, text="What is your annual revenue?", type="NUMBER", industry_tags=["fintech"]
        ),
    }


def search(client, term, **filters):
    response = client.get(reverse("admin:questionnaires_question_changelist"), {"q": term, **filters})
    assert response.status_code == 200
    return {q.text for q in response.context["cl"].result_list}


def test_search_matches_words_of_the_text_and_the_help_text_with_stemming(client, admin_user, questions):
    login_with_mfa(client, admin_user)
    assert search(client, "employee") == {"How many employees work for you?"}
    assert search(client, "clouds") == {"Where is production hosted?"}  # found in the help text
    assert search(client, "revenue OR employees") == {
        "How many employees work for you?",
        "What is your annual revenue?",
    }
    assert search(client, "annual -revenue") == set()
    assert search(client, "a") == set()  # a stop word alone matches nothing rather than everything


def test_search_uses_the_seeds_full_text_index():
    model_admin = admin.site._registry[Question]
    request = RequestFactory().get("/", {"q": "cloud"})
    queryset, _ = model_admin.get_search_results(request, Question.objects.all(), "cloud")
    with transaction.atomic(), connection.cursor() as cursor:
        # The test table is tiny: without this PostgreSQL would rightly prefer reading it whole.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor scan another index whole and filter (statistics from an earlier ANALYZE can favour it).
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert "idx_questions_text_search" in plan, plan


def test_questions_filter_by_type_and_by_the_industry_tags_in_use(client, admin_user, questions):
    login_with_mfa(client, admin_user)
    page = client.get(reverse("admin:questionnaires_question_changelist"))
    tag_filter = next(
        f for f in page.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "industry_tag"
    )
    assert [value for value, _ in tag_filter.lookup_choices] == ["fintech", "retail", "technology"]
    assert search(client, "", industry_tag="retail") == {"Where is production hosted?"}
    assert search(client, "", type__exact="NUMBER") == {"What is your annual revenue?"}
    assert search(client, "revenue", industry_tag="retail") == set()


def test_a_question_id_finds_that_question(client, admin_user, questions):
    login_with_mfa(client, admin_user)
    assert search(client, str(questions["revenue"].pk)) == {"What is your annual revenue?"}
