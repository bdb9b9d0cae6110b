"""From answers to a document's content: which types apply, answers in words, dormant answers left out.

Pure logic (documents/rendering.py): plain questions and answers in, plans and content out.
"""

from dataclasses import dataclass, field

from documents.rendering import (
    TypeSpec,
    answer_display,
    document_content,
    document_plans,
    format_date,
    format_number,
    humanize_field,
)


@dataclass(frozen=True)
class Q:
    id: str
    text: str
    type: str = "TEXT"
    options: list | None = None
    metadata: dict = field(default_factory=dict)
    validation_rules: dict | None = None
    document_mappings: list | None = None


@dataclass(frozen=True)
class A:
    value: object
    is_valid: bool = True
    response_id: str = "r-1"
    revision: int = 1


def maps(slug, section, field_name):
    return [{"documentType": slug, "section": section, "field": field_name}]


YES, NO = {"id": "o-yes", "label": "Yes"}, {"id": "o-no", "label": "No"}

PLAN = TypeSpec.from_row(
    slug="business-plan",
    name="Business Plan",
    category="CFO",
    required_questions=["q-name"],
    metadata={
        "summary": "A plan.",
        "sections": [{"title": "Company overview", "intro": "Who."}, {"title": "Financials"}],
        "fields": {"budget": {"label": "Budget", "prefix": "US$"}},
    },
)


def test_answers_read_in_words_for_every_type():
    scale = Q("s", "Debt?", "SCALE", metadata={"minLabel": "None", "maxLabel": "Severe"})
    matrix = Q(
        "m",
        "Maturity?",
        "MATRIX",
        options=[{"id": "lo", "label": "Ad hoc"}, {"id": "hi", "label": "Measured"}],
        metadata={
            "rows": [{"id": "ci", "label": "Continuous integration"}, {"id": "qa", "label": "Testing"}]
        },
    )
    multi = Q(
        "p",
        "Platforms?",
        "MULTIPLE_CHOICE",
        options=[{"id": "w", "label": "Web"}, {"id": "i", "label": "iOS"}],
    )

    assert answer_display(
        Q("c", "Stage?", "SINGLE_CHOICE", options=[YES, NO]), {"selectedOptionId": "o-no"}
    ) == {
        "kind": "text",
        "text": "No",
    }
    assert answer_display(multi, {"selectedOptionIds": ["i", "w"]})["items"] == ("Web", "iOS")  # option order
    assert answer_display(scale, {"rating": 7})["text"] == "7 out of 10 (1 = None, 10 = Severe)"
    assert answer_display(Q("d", "When?", "DATE"), {"date": "2025-03-14"})["text"] == "14 March 2025"
    assert answer_display(Q("n", "How many?", "NUMBER"), {"number": 1250000})["text"] == "1,250,000"
    table = answer_display(matrix, {"rows": {"ci": "hi"}})
    assert table["kind"] == "table" and table["rows"] == (("Continuous integration", "Measured"),)
    story = answer_display(Q("t", "Story?", "TEXTAREA"), {"text": "First part.\n\nSecond\npart."})
    assert story["paragraphs"] == ("First part.", "Second part.")
    upload = answer_display(Q("f", "Diagram?", "FILE_UPLOAD"), {"fileName": "arch.png", "fileUrl": "/x"})
    assert upload["text"] == "arch.png (provided with the questionnaire)"


def test_an_option_the_question_no_longer_offers_is_not_shown():
    question = Q("c", "Stage?", "SINGLE_CHOICE", options=[YES])
    assert answer_display(question, {"selectedOptionId": "gone"}) is None
    assert answer_display(question, {}) is None


def test_numbers_dates_and_field_names_are_formatted_for_people():
    assert format_number(2.50) == "2.5"
    assert format_number(3.0) == "3"
    assert format_number(-1234.567) == "-1,234.57"
    assert format_date("2025-03-14T09:30:00") == "14 March 2025, 09:30"
    assert format_date("not a date") == "not a date"
    assert humanize_field("technical_debt_sources") == "Technical debt sources"


def test_only_visible_valid_answers_reach_the_document():
    questions = [
        Q("q-name", "Legal name?", document_mappings=maps("business-plan", "Company overview", "legal_name")),
        Q("q-dormant", "Describe it?", document_mappings=maps("business-plan", "Company overview", "detail")),
        Q("q-bad", "Budget?", "NUMBER", document_mappings=maps("business-plan", "Financials", "budget")),
    ]
    answers = {
        "q-name": A({"text": "Orbital Ltd"}),
        "q-dormant": A({"text": "SECRET dormant text"}),
        "q-bad": A({"number": "abc"}, is_valid=False),
    }
    content = document_content(spec=PLAN, questions=questions, visible={"q-name", "q-bad"}, answers=answers)

    texts = [answer.plain for section in content.sections for answer in section.answers]
    assert texts == ["Orbital Ltd"]
    assert [section.title for section in content.sections] == ["Company overview"]


def test_sections_follow_the_outline_and_unknown_sections_come_last():
    questions = [
        Q("q-extra", "Extra?", document_mappings=maps("business-plan", "Appendix", "notes")),
        Q("q-budget", "Budget?", "NUMBER", document_mappings=maps("business-plan", "Financials", "budget")),
        Q("q-name", "Legal name?", document_mappings=maps("business-plan", "Company overview", "legal_name")),
    ]
    answers = {
        "q-extra": A({"text": "More"}),
        "q-budget": A({"number": 5000}),
        "q-name": A({"text": "Orbital"}),
    }
    content = document_content(spec=PLAN, questions=questions, visible=set(answers), answers=answers)

    assert [section.title for section in content.sections] == ["Company overview", "Financials", "Appendix"]
    assert content.sections[0].intro == "Who."
    budget = content.sections[1].answers[0]
    assert (budget.label, budget.text) == ("Budget", "US$5,000")  # the type's field hint
    assert content.sections[2].answers[0].label == "Notes"  # humanized field name
    assert content.sources()[1] == {
        "section": "Financials",
        "answers": [{"field": "budget", "questionId": "q-budget", "responseId": "r-1", "revision": 1}],
    }


def test_a_type_with_a_hidden_required_question_is_not_generated_and_says_why():
    questions = [
        Q("q-name", "Legal name?", document_mappings=maps("business-plan", "Company overview", "legal_name")),
        Q("q-other", "Website?", document_mappings=maps("business-plan", "Company overview", "website")),
    ]
    answers = {"q-name": A({"text": "Orbital"}), "q-other": A({"text": "https://o.example"})}

    [plan] = document_plans(specs=[PLAN], questions=questions, visible={"q-other"}, answers=answers)

    assert not plan.generate
    assert plan.reasons == ("The required question “Legal name?” is hidden by other answers.",)


def test_a_type_with_an_unanswered_required_question_is_not_generated_and_says_why():
    questions = [
        Q("q-name", "Legal name?", document_mappings=maps("business-plan", "Company overview", "legal_name")),
        Q("q-other", "Website?", document_mappings=maps("business-plan", "Company overview", "website")),
    ]
    answers = {"q-other": A({"text": "https://o.example"})}

    [plan] = document_plans(specs=[PLAN], questions=questions, visible={"q-name", "q-other"}, answers=answers)

    assert plan.reasons == ("The required question “Legal name?” was not answered.",)


def test_types_the_questionnaire_does_not_feed_are_not_listed_and_empty_ones_say_so():
    roadmap = TypeSpec.from_row(slug="technology-roadmap", name="Technology Roadmap", category="CTO")
    unrelated = TypeSpec.from_row(slug="gap-analysis", name="Gap Analysis", category="BA")
    questions = [
        Q("q-r", "Hosting?", document_mappings=maps("technology-roadmap", "Current state", "hosting"))
    ]

    plans = document_plans(specs=[roadmap, unrelated], questions=questions, visible=set(), answers={})

    assert [plan.spec.slug for plan in plans] == ["technology-roadmap"]
    assert plans[0].reasons == ("No visible answer feeds this document.",)


def test_required_questions_of_another_questionnaire_do_not_bind_this_one():
    questions = [Q("q-own", "Own?", document_mappings=maps("business-plan", "Company overview", "own"))]
    answers = {"q-own": A({"text": "Yes"})}

    [plan] = document_plans(specs=[PLAN], questions=questions, visible={"q-own"}, answers=answers)

    assert plan.generate  # PLAN requires "q-name", which this questionnaire does not have
