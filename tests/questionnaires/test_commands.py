"""The import_questionnaire, export_questionnaire and evaluate_rules management commands."""

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from questionnaires.demo import DEMO_QUESTIONNAIRE_PATH
from questionnaires.interchange import questionnaire_export, questionnaire_import
from questionnaires.models import Question, Questionnaire, Section, VisibilityRule

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
INDUSTRY = "Which industry best describes your organization?"
INDUSTRY_OTHER = "Please describe your industry."
HIPAA = "Are you compliant with HIPAA for the health data you hold?"
SENSITIVE = "Do you store or process personal or sensitive data?"
DATA_KINDS = "Which kinds of sensitive data do you handle?"


@pytest.fixture
def document():
    return json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())


def question(document, text):
    return next(q for s in document["sections"] for q in s["questions"] if q["text"] == text)


def option_id(question, label):
    return next(option["id"] for option in question["options"] if option["label"] == label)


def run(*args):
    """Run a command; return (stdout, stderr, the CommandError or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def row_counts():
    return tuple(model.objects.count() for model in (Questionnaire, Section, Question, VisibilityRule))


# --- import_questionnaire ---------------------------------------------------------------------------


def test_import_prints_only_the_new_questionnaires_id():
    out, err, error = run("import_questionnaire", str(DEMO_QUESTIONNAIRE_PATH))
    assert error is None, err
    questionnaire = Questionnaire.objects.get()
    assert out == f"{questionnaire.id}\n"
    assert questionnaire.organization is None


def test_import_into_an_organization(org_a):
    out, _, error = run("import_questionnaire", str(DEMO_QUESTIONNAIRE_PATH), "--organization", "acme")
    assert error is None
    assert Questionnaire.objects.get(pk=out.strip()).organization == org_a


def test_import_into_an_unknown_organization_is_refused():
    _, _, error = run("import_questionnaire", str(DEMO_QUESTIONNAIRE_PATH), "--organization", "nobody")
    assert str(error) == "There is no organization with the slug 'nobody'."
    assert not Questionnaire.objects.exists()


def test_import_of_a_bad_document_prints_every_problem_and_writes_nothing(tmp_path, document):
    question(document, INDUSTRY)["type"] = "DROPDOWN"
    question(document, INDUSTRY_OTHER)["order_index"] = "first"
    del document["name"]
    path = write(tmp_path, "bad.json", document)
    out, err, error = run("import_questionnaire", path)
    assert out == ""
    lines = err.splitlines()
    assert "(root): 'name' is a required property" in lines
    assert any(line.startswith("sections[0].questions[2].type: 'DROPDOWN' is not one of") for line in lines)
    assert "sections[0].questions[3].order_index: 'first' is not of type integer" in lines
    assert str(error) == f"{path}: {len(lines)} problems; nothing was imported."
    assert row_counts() == (0, 0, 0, 0)


def test_import_of_a_file_that_is_not_json_says_so(tmp_path):
    path = write(tmp_path, "notes.json", "{ this is not json")
    _, _, error = run("import_questionnaire", path)
    assert (
        str(error)
        == f"{path}: is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 3)"
    )


def test_import_of_a_missing_file_says_so(tmp_path):
    _, _, error = run("import_questionnaire", str(tmp_path / "missing.json"))
    assert str(error) == f"{tmp_path / 'missing.json'}: no such file"


def test_import_refuses_nan(tmp_path):
    path = write(tmp_path, "nan.json", '{"format": "acqs-questionnaire/1", "version": NaN}')
    _, _, error = run("import_questionnaire", path)
    assert "NaN is not allowed" in str(error)


def _test_database_url():
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def test_import_from_the_shell_exits_with_status_1_and_no_traceback(tmp_path, document):
    question(document, INDUSTRY)["type"] = "DROPDOWN"
    path = write(tmp_path, "bad.json", document)
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ACQS_TESTING": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "import_questionnaire", path],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "sections[0].questions[2].type: 'DROPDOWN' is not one of" in result.stderr
    assert "CommandError: " in result.stderr
    assert result.stdout == ""


# --- export_questionnaire ---------------------------------------------------------------------------


def test_export_writes_the_document_to_stdout(document):
    questionnaire = questionnaire_import(document)
    out, _, error = run("export_questionnaire", str(questionnaire.id))
    assert error is None
    assert json.loads(out) == questionnaire_export(questionnaire) == document
    assert out.startswith('{\n  "format": "acqs-questionnaire/1",')


def test_export_to_a_file_then_import_elsewhere_round_trips(tmp_path, document):
    questionnaire = questionnaire_import(document)
    target = tmp_path / "out.json"
    out, _, error = run("export_questionnaire", str(questionnaire.id), "--output", str(target))
    assert error is None and out == ""
    assert json.loads(target.read_text()) == document


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("42", "'42' is not a questionnaire id (a UUID)."),
        (
            "00000000-0000-4000-8000-000000000000",
            "There is no questionnaire with the id 00000000-0000-4000-8000-000000000000.",
        ),
    ],
)
def test_export_of_an_unknown_or_invalid_id_is_a_clear_error(argument, message):
    _, _, error = run("export_questionnaire", argument)
    assert str(error) == message


def test_export_to_an_unwritable_place_is_a_clear_error(tmp_path, document):
    questionnaire = questionnaire_import(document)
    _, _, error = run(
        "export_questionnaire", str(questionnaire.id), "--output", str(tmp_path / "no" / "x.json")
    )
    assert str(error).startswith(f"{tmp_path / 'no' / 'x.json'}: cannot be written")


# --- evaluate_rules ---------------------------------------------------------------------------------


def evaluate(*args):
    out, err, error = run("evaluate_rules", *args)
    assert error is None, (str(error), err)
    return json.loads(out)


def test_evaluating_the_demo_file_opens_a_branch_when_answered(tmp_path, document):
    industry, other = question(document, INDUSTRY), question(document, INDUSTRY_OTHER)
    before = row_counts()

    unanswered = evaluate(str(DEMO_QUESTIONNAIRE_PATH))
    assert set(unanswered) == {"visible", "hidden", "required"}
    assert other["id"] in unanswered["hidden"]
    assert unanswered["visible"] == sorted(unanswered["visible"])

    answers = write(
        tmp_path, "answers.json", {industry["id"]: {"selectedOptionId": option_id(industry, "Other")}}
    )
    answered = evaluate(str(DEMO_QUESTIONNAIRE_PATH), "--answers", answers)
    assert other["id"] in answered["visible"]
    assert other["id"] not in answered["hidden"]
    assert row_counts() == before == (0, 0, 0, 0)


def test_evaluating_a_questionnaire_in_the_database_by_id(tmp_path, document):
    questionnaire = questionnaire_import(document)
    industry, other = question(document, INDUSTRY), question(document, INDUSTRY_OTHER)
    answers = write(
        tmp_path, "answers.json", {industry["id"]: {"selectedOptionId": option_id(industry, "Other")}}
    )
    assert other["id"] in evaluate(str(questionnaire.id))["hidden"]
    assert other["id"] in evaluate(str(questionnaire.id), "--answers", answers)["visible"]


def test_trace_explains_each_questions_outcome(tmp_path, document):
    industry, other = question(document, INDUSTRY), question(document, INDUSTRY_OTHER)
    answers = write(
        tmp_path, "answers.json", {industry["id"]: {"selectedOptionId": option_id(industry, "Other")}}
    )
    result = evaluate(str(DEMO_QUESTIONNAIRE_PATH), "--answers", answers, "--trace")
    all_questions = [q["id"] for s in document["sections"] for q in s["questions"]]
    assert list(result["trace"]) == all_questions
    rule_id = industry["visibility_rules"][0]["id"]
    assert result["trace"][other["id"]].startswith(f"shown by rule {rule_id}")
    assert result["trace"][industry["id"]] == "visible by default; required by default"


def test_industry_hides_questions_tagged_for_other_industries(tmp_path, document):
    sensitive, kinds, hipaa = (
        question(document, SENSITIVE),
        question(document, DATA_KINDS),
        question(document, HIPAA),
    )
    answers = write(
        tmp_path,
        "answers.json",
        {
            sensitive["id"]: {"selectedOptionId": option_id(sensitive, "Yes")},
            kinds["id"]: {"selectedOptionIds": [option_id(kinds, "Health records")]},
        },
    )
    assert (
        hipaa["id"]
        in evaluate(str(DEMO_QUESTIONNAIRE_PATH), "--answers", answers, "--industry", "healthcare")["visible"]
    )
    assert (
        hipaa["id"]
        in evaluate(str(DEMO_QUESTIONNAIRE_PATH), "--answers", answers, "--industry", "retail")["hidden"]
    )


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ("[not json", "is not valid JSON"),
        ([1, 2], "answers must be a JSON object mapping question ids to answers"),
    ],
)
def test_a_bad_answers_file_is_a_clear_error(tmp_path, answers, expected):
    path = write(tmp_path, "answers.json", answers)
    _, err, error = run("evaluate_rules", str(DEMO_QUESTIONNAIRE_PATH), "--answers", path)
    assert error is not None
    assert expected in str(error) + err


def test_answers_that_do_not_fit_the_questionnaire_are_each_reported(tmp_path, document):
    industry = question(document, INDUSTRY)
    stranger = str(uuid.uuid4())
    path = write(
        tmp_path,
        "answers.json",
        {industry["id"]: {"selectedOptionId": str(uuid.uuid4())}, stranger: {"text": "hello"}},
    )
    _, err, error = run("evaluate_rules", str(DEMO_QUESTIONNAIRE_PATH), "--answers", path)
    assert str(error) == f"{path}: the answers do not fit the questionnaire"
    assert f"['{stranger}']: not a question of this questionnaire" in err
    assert "is not an option of the question" in err


def test_evaluating_an_invalid_file_lists_its_problems(tmp_path, document):
    question(document, INDUSTRY)["visibility_rules"][0]["action"] = "TOGGLE"
    path = write(tmp_path, "bad.json", document)
    _, err, error = run("evaluate_rules", path)
    assert str(error) == f"{path}: the document is not valid"
    assert "'TOGGLE' is not one of" in err


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "00000000-0000-4000-8000-000000000000",
            "There is no questionnaire with the id 00000000-0000-4000-8000-000000000000.",
        ),
        ("/nowhere/questionnaire.json", "/nowhere/questionnaire.json: no such file"),
    ],
)
def test_evaluating_an_unknown_source_is_a_clear_error(source, message):
    _, _, error = run("evaluate_rules", source)
    assert str(error) == message
