"""The demo Technology and Business Assessment: complete, valid, and branching the way it reads."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Organization
from questionnaires.demo import demo_questionnaire_document, demo_questionnaire_ensure
from questionnaires.interchange import structure_from_document
from questionnaires.interchange_checks import questionnaire_validate
from questionnaires.models import Questionnaire, QuestionType, RuleAction
from tests.accounts.factories import OrganizationFactory


@pytest.fixture
def document():
    return demo_questionnaire_document()


@pytest.fixture
def engine(document):
    return structure_from_document(document).engine()


@pytest.fixture
def ask(document):
    """Return helpers: the id of a question by its text, and answers built from option labels."""
    by_text = {q["text"]: q for s in document["sections"] for q in s["questions"]}

    class Ask:
        def id(self, text):
            return by_text[text]["id"]

        def choose(self, text, *labels):
            question = by_text[text]
            ids = [next(o["id"] for o in question["options"] if o["label"] == label) for label in labels]
            if question["type"] == QuestionType.SINGLE_CHOICE:
                return {question["id"]: {"selectedOptionId": ids[0]}}
            return {question["id"]: {"selectedOptionIds": ids}}

    return Ask()


def all_questions(document):
    return [q for s in document["sections"] for q in s["questions"]]


def all_rules(document):
    return [r for q in all_questions(document) for r in q["visibility_rules"]]


def depth(node):
    return 1 + max((depth(child) for child in node.get("nested", [])), default=0)


# --- Content ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_file_is_valid_and_its_rules_have_no_cycle(document, engine):
    assert questionnaire_validate(document) == []
    assert engine.find_cycles() == []


def test_the_demo_covers_every_question_type_and_rule_action(document):
    questions = all_questions(document)
    rules = all_rules(document)
    assert len(document["sections"]) >= 5
    assert len(questions) >= 40
    assert {q["type"] for q in questions} == set(QuestionType.values)
    assert len(rules) >= 15
    assert {r["action"] for r in rules} == set(RuleAction.values)
    assert any(depth(r["condition"]) >= 3 for r in rules), "a nested AND/OR condition"
    assert {
        n["logicalOp"]
        for r in rules
        for n in [r["condition"], *r["condition"].get("nested", [])]
        if "logicalOp" in n
    } == {
        "AND",
        "OR",
    }


def test_the_demo_is_filled_in_like_a_real_questionnaire(document):
    questions = all_questions(document)
    assert document["estimated_time"] and all(s["estimated_time"] for s in document["sections"])
    for q in questions:
        if q["type"] == QuestionType.MATRIX:
            assert q["metadata"]["rows"] and q["options"]
        if q["type"] == QuestionType.SCALE:
            assert {"min", "max"} <= set(q["validation_rules"])
    assert any(
        q["type"] == QuestionType.FILE_UPLOAD and "architecture diagram" in q["text"] for q in questions
    )
    for column in ("help_text", "explanation", "placeholder", "suggested_answer"):
        assert sum(1 for q in questions if q[column]) >= 2, column
    assert sum(1 for q in questions if q["default_value"] is not None) >= 2
    assert sum(1 for q in questions if q["document_mappings"]) >= 0.9 * len(questions)
    tags = [tuple(q["industry_tags"]) for q in questions if q["industry_tags"]]
    assert ("healthcare",) in tags and ("fintech", "retail") in tags
    document_types = {m["documentType"] for q in questions for m in q["document_mappings"] or ()}
    assert {
        "technology-roadmap",
        "security-policy",
        "business-plan",
        "financial-projections",
        "brd",
    } <= document_types


# --- Behaviour ---------------------------------------------------------------------------------------


def test_answering_other_industry_opens_the_describe_your_industry_question(engine, ask):
    describe = ask.id("Please describe your industry.")
    assert describe in engine.evaluate({}).hidden
    answers = ask.choose("Which industry best describes your organization?", "Other")
    assert describe in engine.evaluate(answers).visible


def test_hiding_the_start_of_a_chain_hides_its_end(engine, ask):
    sensitive = "Do you store or process personal or sensitive data?"
    kinds = ask.choose("Which kinds of sensitive data do you handle?", "Health records")
    hipaa = ask.id("Are you compliant with HIPAA for the health data you hold?")
    assert hipaa in engine.evaluate({**ask.choose(sensitive, "Yes"), **kinds}).visible
    after = engine.evaluate({**ask.choose(sensitive, "No"), **kinds})
    assert hipaa in after.hidden
    assert ask.id("Which kinds of sensitive data do you handle?") in after.dormant


def test_a_higher_priority_hide_beats_a_show(engine, ask):
    workloads = ask.id("Which workloads should move to the cloud first?")
    migrating = ask.choose("Which initiatives are planned for the next 12 months?", "Cloud migration")
    assert workloads in engine.evaluate(migrating).visible
    on_aws = ask.choose("Where is your production infrastructure hosted?", "Amazon Web Services")
    assert workloads in engine.evaluate({**migrating, **on_aws}).hidden


def test_a_higher_priority_show_beats_a_hide(engine, ask):
    use_cases = ask.id("Describe the AI or machine-learning use cases you have in mind.")
    idea = ask.choose("What stage is the company at?", "Idea or pre-revenue")
    assert use_cases in engine.evaluate({}).hidden
    ai = ask.choose("Which initiatives are planned for the next 12 months?", "AI and machine learning")
    assert use_cases in engine.evaluate({**ai, **idea}).visible


def test_nested_conditions_decide_whether_the_fundraising_questions_show(engine, ask):
    amount = ask.id("How much do you plan to raise in the next 18 months, in US dollars?")
    close = ask.id("When do you expect to close that round?")
    funding = "How is the company funded?"
    mature = ask.choose("What stage is the company at?", "Established and profitable")
    growth = ask.id("What revenue growth do you expect next year, in percent?")
    assert amount in engine.evaluate({**ask.choose(funding, "Venture capital"), **mature}).hidden
    fast = {growth: {"number": 80}}
    shown = engine.evaluate(
        {**ask.choose(funding, "Venture capital"), **mature, **fast, amount: {"number": 2e6}}
    )
    assert {amount, close} <= shown.visible
    hidden = engine.evaluate({**ask.choose(funding, "Bootstrapped"), **fast, amount: {"number": 2e6}})
    assert {amount, close} <= hidden.hidden


def test_require_and_unrequire_rules_change_what_must_be_answered(engine, ask):
    rto = ask.id("What is your recovery time objective (RTO), in hours?")
    confidence = ask.id("How confident are you that you could recover from losing your main hosting region?")
    assert rto not in engine.evaluate({}).required
    assert rto in engine.evaluate({confidence: {"rating": 1}}).required
    backups = ask.id("Describe your backup strategy.")
    assert backups in engine.evaluate({}).required
    idea = ask.choose("What stage is the company at?", "Idea or pre-revenue")
    assert backups not in engine.evaluate(idea).required


# --- Loading ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ensuring_the_demo_questionnaire_imports_it_once_published_and_default(document):
    organization = OrganizationFactory(slug="demo-org")
    first = demo_questionnaire_ensure(organization=organization)
    second = demo_questionnaire_ensure(organization=organization)
    assert first.pk == second.pk
    assert Questionnaire.objects.count() == 1
    assert str(first.id) == document["id"]
    assert first.organization == organization
    assert first.is_default and first.published_at is not None
    assert first.sections.count() == len(document["sections"])


@pytest.mark.django_db
def test_seed_demo_also_loads_the_demo_questionnaire():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert "Demo questionnaire: Technology and Business Assessment" in out.getvalue()
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.organization == Organization.objects.get(slug="demo")
