"""Answers are read from forms, shaped as seed 000 §5.3, checked by type and rules, and files by content."""

import io
import json
import zipfile

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from questionnaires.answers import (
    DEFAULT_ALLOWED_TYPES,
    DEFAULT_MAX_FILE_SIZE,
    DOCX,
    PPTX,
    XLSX,
    QuestionInput,
    ValidationResult,
    check_upload,
    parse_form,
    sniff_mime_type,
    validate_answer,
    validate_value,
)

OPT_A = "6f1c7d4e-0a7b-4b8e-9c1d-2e3f4a5b6c7d"
OPT_B = "0b4a7c52-3e0f-4d61-8a29-5c7e9f1d2b3a"
OPT_C = "a3c1e5f7-9b2d-4f6a-8c0e-1d3b5a7c9e2f"
OPT_NONE = "d2e4f6a8-0c1e-4b3d-9f5a-7c9e1b3d5f7a"
UNKNOWN = "11111111-2222-4333-8444-555555555555"

OPTIONS = (
    {"id": OPT_A, "label": "Retail"},
    {"id": OPT_B, "label": "Finance"},
    {"id": OPT_C, "label": "Health"},
    {"id": OPT_NONE, "label": "None of these", "isExclusive": True},
)
ROWS = [
    {"id": "speed", "label": "Speed"},
    {"id": "cost", "label": "Cost"},
    {"id": "quality", "label": "Quality"},
]
FILE_VALUE = {
    "fileUrl": "https://files.example.com/responses/a1/report.pdf",
    "fileName": "report.pdf",
    "fileSize": 1234,
    "mimeType": "application/pdf",
}
QUESTION_TYPES = (
    "TEXT",
    "TEXTAREA",
    "NUMBER",
    "EMAIL",
    "URL",
    "DATE",
    "SINGLE_CHOICE",
    "MULTIPLE_CHOICE",
    "SCALE",
    "FILE_UPLOAD",
    "MATRIX",
)

AFTER_NEW_YEAR = "Enter a date on or after 1 January 2025."


def question(kind, rules=None, **extra):
    if kind in ("SINGLE_CHOICE", "MULTIPLE_CHOICE", "MATRIX"):
        extra.setdefault("options", OPTIONS)
    if kind == "MATRIX":
        extra.setdefault("metadata", {"rows": ROWS})
    return QuestionInput(id="q1", type=kind, validation_rules=rules or {}, **extra)


class MultiDict(dict):
    """A stand-in for Django's QueryDict: each key holds a list, ``get`` returns the last value."""

    def get(self, key, default=None):
        values = super().get(key)
        return values[-1] if values else default

    def getlist(self, key):
        return list(super().get(key, []))


# --- valid answers and normalisation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rules", "value", "expected"),
    [
        ("TEXT", {}, {"text": "  Acme Ltd  "}, {"text": "Acme Ltd"}),
        ("TEXT", {}, {"text": "Acme\x00 Ltd"}, {"text": "Acme Ltd"}),
        ("TEXTAREA", {}, {"text": "Line one\r\nLine two\r\n"}, {"text": "Line one\nLine two"}),
        ("EMAIL", {}, {"text": " Ada.Lovelace+q@Example.CO.UK "}, {"text": "Ada.Lovelace+q@example.co.uk"}),
        ("EMAIL", {}, {"text": "ada@bücher.de"}, {"text": "ada@bücher.de"}),
        (
            "URL",
            {},
            {"text": "HTTPS://Example.COM/Path?Q=A#Top"},
            {"text": "https://example.com/Path?Q=A#Top"},
        ),
        ("URL", {}, {"text": "http://192.168.1.10:8080/"}, {"text": "http://192.168.1.10:8080/"}),
        ("URL", {}, {"text": "http://[2001:db8::1]/x"}, {"text": "http://[2001:db8::1]/x"}),
        ("NUMBER", {}, {"number": 42}, {"number": 42}),
        ("NUMBER", {}, {"number": 3.0}, {"number": 3}),
        ("NUMBER", {}, {"number": -1.25}, {"number": -1.25}),
        ("NUMBER", {"min": 0, "max": 1, "step": 0.1}, {"number": 0.3}, {"number": 0.3}),
        ("NUMBER", {"min": 1, "step": 2}, {"number": 5}, {"number": 5}),
        ("DATE", {}, {"date": "2024-02-29"}, {"date": "2024-02-29"}),
        (
            "DATE",
            {},
            {"date": "2025-01-15", "includeTime": True},
            {"date": "2025-01-15", "includeTime": True},
        ),
        ("DATE", {"min": "2025-01-01", "max": "2025-12-31"}, {"date": "2025-12-31"}, {"date": "2025-12-31"}),
        ("SINGLE_CHOICE", {}, {"selectedOptionId": OPT_B}, {"selectedOptionId": OPT_B}),
        (
            "MULTIPLE_CHOICE",
            {},
            {"selectedOptionIds": [OPT_C, OPT_A, OPT_C]},
            {"selectedOptionIds": [OPT_C, OPT_A]},
        ),
        ("MULTIPLE_CHOICE", {}, {"selectedOptionIds": [OPT_NONE]}, {"selectedOptionIds": [OPT_NONE]}),
        ("SCALE", {}, {"rating": 1}, {"rating": 1}),
        ("SCALE", {}, {"rating": 10.0}, {"rating": 10}),
        ("SCALE", {"min": 0, "max": 100, "step": 25}, {"rating": 75}, {"rating": 75}),
        ("FILE_UPLOAD", {}, FILE_VALUE, FILE_VALUE),
        ("FILE_UPLOAD", {}, {**FILE_VALUE, "fileUrl": "/media/responses/a1/report.pdf"}, None),
        (
            "MATRIX",
            {},
            {"rows": {"quality": OPT_A, "speed": OPT_B}},
            {"rows": {"speed": OPT_B, "quality": OPT_A}},
        ),
    ],
)
def test_valid_answers_are_accepted_and_normalised(kind, rules, value, expected):
    result = validate_value(question(kind, rules), value)
    assert result.errors == ()
    assert result.is_valid
    assert result.value == (value if expected is None else expected)


def test_matrix_answers_keep_the_question_row_order():
    result = validate_value(question("MATRIX"), {"rows": {"quality": OPT_A, "speed": OPT_B}})
    assert list(result.value["rows"]) == ["speed", "quality"]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("TEXT", None),
        ("TEXT", {"text": "   \n\t "}),
        ("TEXTAREA", {"text": "\r\n"}),
        ("EMAIL", {"text": " "}),
        ("URL", {"text": ""}),
        ("MULTIPLE_CHOICE", {"selectedOptionIds": []}),
        ("MATRIX", {"rows": {}}),
        ("NUMBER", None),
        ("FILE_UPLOAD", None),
    ],
)
def test_blank_answers_are_no_answer_and_no_error(kind, value):
    result = validate_value(question(kind, {"minLength": 5, "min": 2}), value)
    assert result == ValidationResult(None, ())
    assert result.is_valid


# --- type errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("TEXT", {"text": 5}, "Enter text."),
        ("TEXT", "just a string", "Enter text."),
        ("TEXTAREA", {"text": ["a"]}, "Enter text."),
        ("EMAIL", {"text": "ada"}, "Enter a valid email address."),
        ("EMAIL", {"text": "ada@localhost"}, "Enter a valid email address."),
        ("EMAIL", {"text": "ada lovelace@example.com"}, "Enter a valid email address."),
        ("EMAIL", {"text": "ada@@example.com"}, "Enter a valid email address."),
        ("EMAIL", {"text": "ada..l@example.com"}, "Enter a valid email address."),
        ("EMAIL", {"text": "ada@-example.com"}, "Enter a valid email address."),
        ("EMAIL", {"text": "ada@example.c0m"}, "Enter a valid email address."),
        ("EMAIL", {"text": "a" * 250 + "@example.com"}, "Enter a valid email address."),
        ("URL", {"text": "example.com"}, "Enter a valid URL starting with http:// or https://."),
        ("URL", {"text": "ftp://example.com/file"}, "Enter a valid URL starting with http:// or https://."),
        ("URL", {"text": "javascript:alert(1)"}, "Enter a valid URL starting with http:// or https://."),
        ("URL", {"text": "https://"}, "Enter a valid URL starting with http:// or https://."),
        ("URL", {"text": "https://intranet/page"}, "Enter a valid URL starting with http:// or https://."),
        ("URL", {"text": "https://exa mple.com"}, "Enter a valid URL starting with http:// or https://."),
        (
            "URL",
            {"text": "https://user:pw@example.com"},
            "Enter a valid URL starting with http:// or https://.",
        ),
        (
            "URL",
            {"text": "https://example.com:99999/"},
            "Enter a valid URL starting with http:// or https://.",
        ),
        ("URL", {"text": "http://[::1"}, "Enter a valid URL starting with http:// or https://."),
        (
            "URL",
            {"text": "https://example.com/" + "a" * 2000},
            "Enter a valid URL starting with http:// or https://.",
        ),
        ("NUMBER", {"number": "abc"}, "Enter a number."),
        ("NUMBER", {"number": "12"}, "Enter a number."),
        ("NUMBER", {"number": True}, "Enter a number."),
        ("NUMBER", {"number": float("nan")}, "Enter a number."),
        ("NUMBER", {"number": float("inf")}, "Enter a number."),
        ("NUMBER", {"number": None}, "Enter a number."),
        ("NUMBER", 12, "Enter a number."),
        ("DATE", {"date": "2025-02-30"}, "Enter a real date in the form YYYY-MM-DD."),
        ("DATE", {"date": "2025-13-01"}, "Enter a real date in the form YYYY-MM-DD."),
        ("DATE", {"date": "15/01/2025"}, "Enter a real date in the form YYYY-MM-DD."),
        ("DATE", {"date": "20250115"}, "Enter a real date in the form YYYY-MM-DD."),
        ("DATE", {"date": "2025-01-15T10:00"}, "Enter a real date in the form YYYY-MM-DD."),
        ("SINGLE_CHOICE", {"selectedOptionId": UNKNOWN}, "Choose one of the listed options."),
        ("SINGLE_CHOICE", {"selectedOptionId": "Retail"}, "Choose one of the listed options."),
        ("SINGLE_CHOICE", {"selectedOptionId": [OPT_A]}, "Choose one of the listed options."),
        ("MULTIPLE_CHOICE", {"selectedOptionIds": [OPT_A, UNKNOWN]}, "Choose one of the listed options."),
        ("MULTIPLE_CHOICE", {"selectedOptionIds": OPT_A}, "Choose one of the listed options."),
        ("SCALE", {"rating": 7.5}, "Choose a rating from 1 to 10."),
        ("SCALE", {"rating": "7"}, "Choose a rating from 1 to 10."),
        ("SCALE", {"rating": False}, "Choose a rating from 1 to 10."),
        ("FILE_UPLOAD", {"fileUrl": "x"}, "Upload a valid file."),
        ("FILE_UPLOAD", {**FILE_VALUE, "fileSize": -1}, "Upload a valid file."),
        ("FILE_UPLOAD", {**FILE_VALUE, "fileUrl": "javascript:alert(1)"}, "Upload a valid file."),
        ("FILE_UPLOAD", {**FILE_VALUE, "fileName": "a\x00.pdf"}, "Upload a valid file."),
        ("MATRIX", {"rows": {"speed": UNKNOWN}}, "Choose one of the listed options for each row."),
        ("MATRIX", {"rows": {"colour": OPT_A}}, "Answer only the rows listed in this question."),
        ("MATRIX", {"rows": [OPT_A]}, "Choose one of the listed options for each row."),
        ("TEXT", {"text": "a", "extra": 1}, "Unexpected field: extra."),
    ],
)
def test_values_of_the_wrong_type_get_one_plain_message(kind, value, message):
    result = validate_value(question(kind), value)
    assert result.errors == (message,)
    assert not result.is_valid


def test_an_unknown_question_type_is_reported_not_raised():
    result = validate_value(QuestionInput(id="q1", type="SIGNATURE"), {"text": "x"})
    assert result.errors == ("This question type is not supported.",)


def test_an_invalid_value_comes_back_as_submitted_so_it_can_be_shown_again():
    result = validate_value(question("NUMBER"), {"number": "12 apples"})
    assert result.value == {"number": "12 apples"}


def test_an_invalid_value_is_made_safe_for_jsonb():
    result = validate_value(question("NUMBER"), {"number": float("nan")})
    assert result.value == {"number": "nan"}
    result = validate_value(question("SINGLE_CHOICE"), {"selectedOptionId": "a\x00b\ud800"})
    assert result.value == {"selectedOptionId": "ab\ufffd"}
    json.dumps(result.value, allow_nan=False).encode("utf-8")


# --- rule violations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rules", "value", "errors"),
    [
        ("TEXT", {"minLength": 10}, {"text": "  short   "}, ("Enter at least 10 characters.",)),
        ("TEXT", {"minLength": 1, "maxLength": 1}, {"text": "ab"}, ("Enter no more than 1 character.",)),
        ("TEXT", {"maxLength": 5}, {"text": "123456"}, ("Enter no more than 5 characters.",)),
        ("TEXT", {}, {"text": "x" * 1001}, ("Enter no more than 1000 characters.",)),
        ("TEXTAREA", {}, {"text": "x" * 10_001}, ("Enter no more than 10,000 characters.",)),
        (
            "TEXT",
            {"pattern": "[A-Z]{3}-[0-9]+"},
            {"text": "ABC-12x"},
            ("Enter a value in the requested format.",),
        ),
        ("TEXT", {"pattern": "[0-9]+"}, {"text": "12a"}, ("Enter a value in the requested format.",)),
        (
            "TEXT",
            {"minLength": 8, "pattern": "[0-9]+"},
            {"text": "12a"},
            ("Enter at least 8 characters.", "Enter a value in the requested format."),
        ),
        (
            "EMAIL",
            {"pattern": r".*@acme\.com"},
            {"text": "ada@example.com"},
            ("Enter a value in the requested format.",),
        ),
        ("NUMBER", {"min": 10}, {"number": 9.5}, ("Enter a number no less than 10.",)),
        ("NUMBER", {"max": 100}, {"number": 101}, ("Enter a number no greater than 100.",)),
        ("NUMBER", {"max": 2.5}, {"number": 3}, ("Enter a number no greater than 2.5.",)),
        ("NUMBER", {"step": 0.5}, {"number": 1.25}, ("Enter a multiple of 0.5.",)),
        ("NUMBER", {"min": 1, "step": 2}, {"number": 4}, ("Enter 1 plus a multiple of 2.",)),
        ("DATE", {"min": "2025-01-01"}, {"date": "2024-12-31"}, (AFTER_NEW_YEAR,)),
        ("DATE", {"max": "2025-06-30"}, {"date": "2025-07-01"}, ("Enter a date on or before 30 June 2025.",)),
        (
            "MULTIPLE_CHOICE",
            {"minLength": 2},
            {"selectedOptionIds": [OPT_A]},
            ("Choose at least 2 options.",),
        ),
        (
            "MULTIPLE_CHOICE",
            {"maxLength": 1},
            {"selectedOptionIds": [OPT_A, OPT_B]},
            ("Choose no more than 1 option.",),
        ),
        (
            "MULTIPLE_CHOICE",
            {"min": 3},
            {"selectedOptionIds": [OPT_A, OPT_A]},
            ("Choose at least 3 options.",),
        ),
        (
            "MULTIPLE_CHOICE",
            {"max": 2},
            {"selectedOptionIds": [OPT_A, OPT_B, OPT_C]},
            ("Choose no more than 2 options.",),
        ),
        ("SCALE", {}, {"rating": 0}, ("Choose a rating from 1 to 10.",)),
        ("SCALE", {}, {"rating": 11}, ("Choose a rating from 1 to 10.",)),
        ("SCALE", {"min": 1, "max": 5}, {"rating": 6}, ("Choose a rating from 1 to 5.",)),
        ("SCALE", {"min": 0, "max": 100, "step": 10}, {"rating": 55}, ("Enter a multiple of 10.",)),
        ("SCALE", {"min": 1, "max": 9, "step": 2}, {"rating": 4}, ("Enter 1 plus a multiple of 2.",)),
        ("MATRIX", {"min": 2}, {"rows": {"speed": OPT_A}}, ("Answer at least 2 rows.",)),
        ("MATRIX", {"max": 1}, {"rows": {"speed": OPT_A, "cost": OPT_B}}, ("Answer no more than 1 row.",)),
        ("FILE_UPLOAD", {"maxFileSize": 1000}, FILE_VALUE, ("The file is too large (maximum 1000 bytes).",)),
        (
            "FILE_UPLOAD",
            {},
            {**FILE_VALUE, "fileSize": DEFAULT_MAX_FILE_SIZE + 1},
            ("The file is too large (maximum 10 MB).",),
        ),
        ("FILE_UPLOAD", {}, {**FILE_VALUE, "mimeType": "text/html"}, ("This file type is not allowed.",)),
        (
            "FILE_UPLOAD",
            {"allowedTypes": ["image/png"]},
            FILE_VALUE,
            ("This file type is not allowed.",),
        ),
    ],
)
def test_rule_violations_are_reported_in_plain_words(kind, rules, value, errors):
    result = validate_value(question(kind, rules), value)
    assert result.errors == errors
    assert result.value is not None


def test_the_number_of_answered_matrix_rows_counts_only_answered_rows():
    rules = {"min": 3}
    full = {"rows": {"speed": OPT_A, "cost": OPT_B, "quality": OPT_C}}
    assert validate_value(question("MATRIX", rules), full).errors == ()


def test_an_exclusive_option_cannot_be_combined_with_others():
    result = validate_value(question("MULTIPLE_CHOICE"), {"selectedOptionIds": [OPT_A, OPT_NONE]})
    assert result.errors == ('"None of these" cannot be combined with other options.',)
    assert result.value == {"selectedOptionIds": [OPT_A, OPT_NONE]}


def test_an_exclusive_option_selected_twice_is_still_alone():
    result = validate_value(question("MULTIPLE_CHOICE"), {"selectedOptionIds": [OPT_NONE, OPT_NONE]})
    assert result.errors == ()
    assert result.value == {"selectedOptionIds": [OPT_NONE]}


def test_a_custom_message_replaces_the_rule_messages():
    rules = {"minLength": 8, "pattern": "[0-9]+", "customMessage": "Enter your 8-digit customer number."}
    result = validate_value(question("TEXT", rules), {"text": "12a"})
    assert result.errors == ("Enter your 8-digit customer number.",)


@pytest.mark.parametrize(
    ("kind", "value", "range_message"),
    [
        ("NUMBER", {"number": 500}, "Enter a number no greater than 10."),
        ("DATE", {"date": "2020-01-01"}, "Enter a date on or after 1 January 2025."),
        ("MULTIPLE_CHOICE", {"selectedOptionIds": [OPT_A]}, "Choose at least 2 options."),
        ("SCALE", {"rating": 0}, None),
        ("MATRIX", {"rows": {"speed": OPT_A}}, "Answer at least 2 rows."),
    ],
)
def test_a_custom_message_never_hides_a_broken_minimum_or_maximum(kind, value, range_message):
    rules = {"min": 2, "max": 10, "customMessage": "Out of range."}
    if kind == "DATE":
        rules = {"min": "2025-01-01", "customMessage": "Out of range."}
    errors = validate_value(question(kind, rules), value).errors
    assert errors[-1] == "Out of range."
    assert len(errors) == 2
    if range_message:
        assert errors[0] == range_message


def test_a_custom_message_does_not_hide_a_type_error():
    rules = {"min": 1, "customMessage": "Between 1 and 5, please."}
    assert validate_value(question("NUMBER", rules), {"number": "five"}).errors == ("Enter a number.",)


def test_a_custom_message_is_not_shown_when_the_answer_is_valid():
    rules = {"minLength": 2, "customMessage": "Too short."}
    assert validate_value(question("TEXT", rules), {"text": "ok"}).errors == ()


def test_an_invalid_pattern_is_reported_instead_of_raising():
    result = validate_value(question("TEXT", {"pattern": "([a-z"}), {"text": "abc"})
    assert result.errors == ("This question's pattern is invalid.",)
    assert result.value == {"text": "abc"}


def test_an_invalid_pattern_is_not_hidden_by_a_custom_message():
    rules = {"pattern": "(", "minLength": 5, "customMessage": "Check your answer."}
    result = validate_value(question("TEXT", rules), {"text": "abc"})
    assert result.errors == ("Check your answer.", "This question's pattern is invalid.")


def test_the_pattern_must_match_the_whole_answer():
    rules = {"pattern": "[0-9]{4}"}
    assert validate_value(question("TEXT", rules), {"text": "12345"}).errors
    assert validate_value(question("TEXT", rules), {"text": "1234"}).errors == ()


def test_a_set_max_length_replaces_the_default():
    assert validate_value(question("TEXT", {"maxLength": 5000}), {"text": "x" * 4000}).errors == ()


def test_length_is_measured_after_trimming_and_line_break_normalisation():
    rules = {"maxLength": 3}
    assert validate_value(question("TEXTAREA", rules), {"text": "  a\r\nb  "}).errors == ()


@pytest.mark.parametrize(
    "rules",
    [
        {"minLength": "10", "maxLength": None, "min": "x", "max": [], "step": -1, "pattern": 5},
        {"min": float("nan"), "max": float("inf"), "maxFileSize": "big", "allowedTypes": "pdf"},
        {"customMessage": 42, "step": 0},
    ],
)
@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_malformed_validation_rules_never_raise(kind, rules):
    samples = {
        "TEXT": {"text": "hello"},
        "TEXTAREA": {"text": "hello"},
        "NUMBER": {"number": 5},
        "EMAIL": {"text": "a@example.com"},
        "URL": {"text": "https://example.com"},
        "DATE": {"date": "2025-01-01"},
        "SINGLE_CHOICE": {"selectedOptionId": OPT_A},
        "MULTIPLE_CHOICE": {"selectedOptionIds": [OPT_A]},
        "SCALE": {"rating": 5},
        "FILE_UPLOAD": FILE_VALUE,
        "MATRIX": {"rows": {"speed": OPT_A}},
    }
    result = validate_value(question(kind, rules), samples[kind])
    assert isinstance(result, ValidationResult)


def test_question_input_accepts_the_null_jsonb_columns_of_a_question_row():
    q = QuestionInput(id="q1", type="TEXT", options=None, validation_rules=None, metadata=None)
    assert q.options == ()
    assert q.validation_rules == {}
    assert q.metadata == {}
    assert validate_value(q, {"text": "hi"}).value == {"text": "hi"}


def test_question_input_takes_options_as_a_list():
    q = QuestionInput(id="q1", type="SINGLE_CHOICE", options=list(OPTIONS))
    assert q.options == OPTIONS
    assert validate_value(q, {"selectedOptionId": OPT_A}).is_valid


# --- reading HTML forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("TEXT", {"q": ["Acme"]}, {"text": "Acme"}),
        ("TEXT", {"q": ["first", "second"]}, {"text": "second"}),
        ("TEXTAREA", {"q": [" two\r\nlines "]}, {"text": " two\r\nlines "}),
        ("EMAIL", {"q": ["ada@example.com"]}, {"text": "ada@example.com"}),
        ("URL", {"q": ["https://example.com"]}, {"text": "https://example.com"}),
        ("NUMBER", {"q": ["-3"]}, {"number": -3}),
        ("NUMBER", {"q": [" 1.5 "]}, {"number": 1.5}),
        ("NUMBER", {"q": ["007"]}, {"number": 7}),
        ("NUMBER", {"q": ["1,5"]}, {"number": "1,5"}),
        ("NUMBER", {"q": ["1e3"]}, {"number": "1e3"}),
        ("NUMBER", {"q": ["abc"]}, {"number": "abc"}),
        ("NUMBER", {"q": ["NaN"]}, {"number": "NaN"}),
        ("DATE", {"q": ["2025-01-15"]}, {"date": "2025-01-15"}),
        ("DATE", {"q": ["tomorrow"]}, {"date": "tomorrow"}),
        ("SINGLE_CHOICE", {"q": [OPT_A]}, {"selectedOptionId": OPT_A}),
        ("MULTIPLE_CHOICE", {"q": [OPT_A, "", OPT_B]}, {"selectedOptionIds": [OPT_A, OPT_B]}),
        ("SCALE", {"q": ["7"]}, {"rating": 7}),
        ("SCALE", {"q": ["7.5"]}, {"rating": "7.5"}),
        ("MATRIX", {"q.speed": [OPT_A], "q.cost": [""], "q.colour": [OPT_B]}, {"rows": {"speed": OPT_A}}),
    ],
)
def test_form_fields_are_read_into_the_seed_value_shape(kind, data, expected):
    assert parse_form(question(kind), MultiDict(data), prefix="q") == expected


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("TEXT", {}),
        ("TEXT", {"q": ["   "]}),
        ("NUMBER", {"q": [""]}),
        ("DATE", {"q": [" "]}),
        ("SINGLE_CHOICE", {"q": [""]}),
        ("MULTIPLE_CHOICE", {"q": ["", " "]}),
        ("SCALE", {}),
        ("MATRIX", {"q.speed": [""]}),
        ("FILE_UPLOAD", {"q": ["report.pdf"]}),
        ("UNKNOWN", {"q": ["x"]}),
    ],
)
def test_empty_form_input_is_no_answer(kind, data):
    assert parse_form(question(kind), MultiDict(data), prefix="q") is None


def test_a_plain_dict_of_lists_or_strings_works_as_form_data():
    assert parse_form(question("MULTIPLE_CHOICE"), {"q": [OPT_A, OPT_B]}, prefix="q") == {
        "selectedOptionIds": [OPT_A, OPT_B]
    }
    assert parse_form(question("MULTIPLE_CHOICE"), {"q": OPT_A}, prefix="q") == {"selectedOptionIds": [OPT_A]}
    assert parse_form(question("NUMBER"), {"q": "12"}, prefix="q") == {"number": 12}


def test_form_fields_use_the_given_prefix():
    data = MultiDict({"answers-q9": ["hello"], "q": ["other"], "answers-q9.speed": [OPT_A]})
    assert parse_form(question("TEXT"), data, prefix="answers-q9") == {"text": "hello"}
    assert parse_form(question("MATRIX"), data, prefix="answers-q9") == {"rows": {"speed": OPT_A}}


@pytest.mark.parametrize(
    ("kind", "raw", "value", "errors"),
    [
        ("NUMBER", "abc", {"number": "abc"}, ("Enter a number.",)),
        ("NUMBER", "1,5", {"number": "1,5"}, ("Enter a number.",)),
        ("NUMBER", "12.50", {"number": 12.5}, ()),
        ("NUMBER", "4.0", {"number": 4}, ()),
        ("EMAIL", " ADA@EXAMPLE.COM ", {"text": "ADA@example.com"}, ()),
        ("DATE", "2025-02-30", {"date": "2025-02-30"}, ("Enter a real date in the form YYYY-MM-DD.",)),
        ("SCALE", "eleven", {"rating": "eleven"}, ("Choose a rating from 1 to 10.",)),
        (
            "SINGLE_CHOICE",
            "not-an-option",
            {"selectedOptionId": "not-an-option"},
            ("Choose one of the listed options.",),
        ),
        ("TEXT", "", None, ()),
    ],
)
def test_validate_answer_reads_and_checks_a_form_in_one_step(kind, raw, value, errors):
    result = validate_answer(question(kind), MultiDict({"q": [raw]}), prefix="q")
    assert result == ValidationResult(value, errors)


def test_validate_answer_checks_matrix_rows_from_their_own_fields():
    data = MultiDict({"q.speed": [OPT_A], "q.cost": [UNKNOWN]})
    result = validate_answer(question("MATRIX"), data, prefix="q")
    assert result.errors == ("Choose one of the listed options for each row.",)


# --- garbage never raises ------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from([OPT_A, OPT_NONE, "speed", "2025-01-15", "https://example.com", "a@example.com"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)
shaped_values = st.fixed_dictionaries(
    {},
    optional={
        key: json_values
        for key in (
            "text",
            "number",
            "date",
            "includeTime",
            "selectedOptionId",
            "selectedOptionIds",
            "rating",
            "rows",
            "fileUrl",
            "fileName",
            "fileSize",
            "mimeType",
        )
    },
)
rule_sets = st.dictionaries(
    st.sampled_from(
        [
            "minLength",
            "maxLength",
            "min",
            "max",
            "pattern",
            "customMessage",
            "step",
            "maxFileSize",
            "allowedTypes",
        ]
    ),
    json_values,
    max_size=4,
)


def assert_storable(result):
    assert isinstance(result, ValidationResult)
    assert all(isinstance(error, str) and error for error in result.errors)
    # What PostgreSQL's jsonb accepts: strict JSON, valid UTF-8, no NUL characters.
    dumped = json.dumps(result.value, allow_nan=False)
    dumped.encode("utf-8")
    assert "\\u0000" not in dumped


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(QUESTION_TYPES), value=json_values | shaped_values, rules=rule_sets)
def test_garbage_values_never_raise_and_stay_storable(kind, value, rules):
    assert_storable(validate_value(question(kind, rules), value))


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(QUESTION_TYPES),
    fields=st.dictionaries(
        st.sampled_from(["q", "q.speed", "q.cost", "other"]),
        st.lists(st.text() | st.sampled_from([OPT_A, OPT_B, "7", "-1.5", "2025-02-28"]), max_size=3),
    ),
    rules=rule_sets,
)
def test_garbage_form_input_never_raises(kind, fields, rules):
    assert_storable(validate_answer(question(kind, rules), MultiDict(fields), prefix="q"))


# --- sniffing file types -------------------------------------------------------------------------------


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def zip_bytes(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "<?xml version='1.0'?><x/>" * 20)
    return buffer.getvalue()


def docx_bytes():
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Quarterly report")
    document.save(buffer)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00>\x00"
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/keys')</script></body></html>"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: PDF, "application/pdf"),
        (lambda: image_bytes("PNG"), "image/png"),
        (lambda: image_bytes("JPEG"), "image/jpeg"),
        (lambda: image_bytes("GIF"), "image/gif"),
        (lambda: image_bytes("WEBP"), "image/webp"),
        (docx_bytes, DOCX),
        (lambda: zip_bytes("[Content_Types].xml", "_rels/.rels", "word/document.xml"), DOCX),
        (
            lambda: zip_bytes("_rels/.rels", "docProps/app.xml", "word/document.xml", "[Content_Types].xml"),
            DOCX,
        ),
        (
            lambda: zip_bytes(
                "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"
            ),
            XLSX,
        ),
        (lambda: zip_bytes("[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml"), PPTX),
        (lambda: b"Name,Revenue\nAcme,1200\nGlobex,900\n", "text/plain"),
        (lambda: "Résumé: café ☕\n".encode(), "text/plain"),
        (lambda: b"\xef\xbb\xbfWith a byte order mark\n", "text/plain"),
        (lambda: b"a" * 2047 + "é".encode()[:1], "text/plain"),
    ],
)
def test_file_types_are_recognised_from_their_content(make, expected):
    assert sniff_mime_type(make()[:2048]) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"",
        HTML,
        b"\n\n  <html><head><title>x</title></head>",
        b"<SCRIPT>alert(1)</SCRIPT>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"<?xml version='1.0'?><!DOCTYPE x>",
        b"<!-- comment --><p>hi</p>",
        EXE,
        ELF,
        b"\xff\xfeH\x00i\x00",
        b"\xc3\x28 not utf-8",
        b"PK\x03\x04" + b"\x00" * 40,
    ],
    ids=[
        "empty",
        "html",
        "html-after-whitespace",
        "script",
        "svg",
        "xml",
        "html-comment",
        "windows-exe",
        "elf",
        "utf16",
        "bad-utf8",
        "bare-zip",
    ],
)
def test_markup_executables_and_unknown_binaries_are_not_recognised(head):
    assert sniff_mime_type(head) is None


def test_a_zip_without_office_parts_is_not_an_office_file():
    assert sniff_mime_type(zip_bytes("photos/a.txt", "notes.txt")[:2048]) is None


def test_text_that_starts_like_markup_in_the_middle_of_a_sentence_is_still_text():
    assert sniff_mime_type(b"Use <b> for bold and <p> for paragraphs.\n") == "text/plain"


# --- checking uploads ----------------------------------------------------------------------------------


def upload(rules=None, *, name="file.bin", data=b"", size=None):
    q = question("FILE_UPLOAD", rules)
    return check_upload(q, file_name=name, size=len(data) if size is None else size, head=data[:2048])


def test_every_default_type_is_allowed():
    assert set(DEFAULT_ALLOWED_TYPES) == {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        DOCX,
        XLSX,
        "text/plain",
    }
    assert upload(name="report.pdf", data=PDF) == ("application/pdf", ())
    assert upload(name="notes.txt", data=b"hello\n") == ("text/plain", ())
    assert upload(name="report.docx", data=docx_bytes()) == (DOCX, ())


def test_a_png_renamed_to_pdf_is_judged_by_its_content():
    png = image_bytes("PNG")
    assert upload(name="invoice.pdf", data=png) == ("image/png", ())
    assert upload({"allowedTypes": ["application/pdf"]}, name="invoice.pdf", data=png) == (
        "image/png",
        ("This file type is not allowed.",),
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", HTML),
        ("photo.jpg", EXE),
        ("notes.txt", ELF),
        ("index.html", HTML),
        ("a.svg", b"<svg/>"),
    ],
)
def test_html_and_executables_are_refused_whatever_their_name(name, data):
    mime_type, errors = upload(name=name, data=data)
    assert mime_type is None
    assert errors == ("This file type is not allowed.",)


def test_a_presentation_is_refused_unless_the_question_allows_it():
    pptx = zip_bytes("[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml")
    assert upload(name="deck.pptx", data=pptx) == (PPTX, ("This file type is not allowed.",))
    assert upload({"allowedTypes": [PPTX]}, name="deck.pptx", data=pptx) == (PPTX, ())


def test_a_wildcard_allows_every_image_type_and_nothing_else():
    rules = {"allowedTypes": ["image/*"]}
    assert upload(rules, name="a.webp", data=image_bytes("WEBP")) == ("image/webp", ())
    assert upload(rules, name="a.pdf", data=PDF)[1] == ("This file type is not allowed.",)


def test_files_over_the_default_limit_are_refused():
    assert upload(name="big.pdf", data=PDF, size=DEFAULT_MAX_FILE_SIZE) == ("application/pdf", ())
    assert upload(name="big.pdf", data=PDF, size=DEFAULT_MAX_FILE_SIZE + 1) == (
        "application/pdf",
        ("The file is too large (maximum 10 MB).",),
    )


def test_the_question_can_set_its_own_size_limit():
    rules = {"maxFileSize": 2 * 1024 * 1024 + 512 * 1024}
    assert upload(rules, name="a.pdf", data=PDF, size=3 * 1024 * 1024)[1] == (
        "The file is too large (maximum 2.5 MB).",
    )


def test_a_large_file_of_a_refused_type_gets_both_messages():
    assert upload(name="a.exe", data=EXE, size=DEFAULT_MAX_FILE_SIZE * 2) == (
        None,
        ("The file is too large (maximum 10 MB).", "This file type is not allowed."),
    )


def test_an_empty_file_is_refused():
    assert upload(name="empty.pdf", data=b"") == (None, ("The file is empty.",))


@settings(max_examples=300, deadline=None)
@given(head=st.binary(max_size=2048), size=st.integers(min_value=-1, max_value=2**40), rules=rule_sets)
def test_any_bytes_are_sniffed_and_checked_without_raising(head, size, rules):
    mime_type, errors = check_upload(question("FILE_UPLOAD", rules), file_name="x", size=size, head=head)
    assert mime_type is None or mime_type in (*DEFAULT_ALLOWED_TYPES, PPTX)
    assert all(isinstance(error, str) for error in errors)
