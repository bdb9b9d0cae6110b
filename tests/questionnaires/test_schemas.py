"""The JSON Schemas for the JSONB columns accept the seed's shapes and explain what is wrong with others."""

import pytest
from jsonschema import Draft7Validator

from questionnaires.schemas import (
    CONDITION_SCHEMA,
    DOCUMENT_MAPPINGS_SCHEMA,
    MATRIX_ROWS_SCHEMA,
    OPTIONS_SCHEMA,
    RESPONSE_VALUE_SCHEMAS,
    SUGGESTED_ANSWER_SCHEMA,
    VALIDATION_RULES_SCHEMA,
    schema_errors,
)
from questionnaires.types import QUESTION_TYPES

OPT_1 = "6f1c7d4e-0a7b-4b8e-9c1d-2e3f4a5b6c7d"
OPT_2 = "0b4a7c52-3e0f-4d61-8a29-5c7e9f1d2b3a"
QUESTION_ID = "9d5e2f10-7c3b-4a8e-b1f6-0e2d4c6a8b9f"

ALL_SCHEMAS = [
    OPTIONS_SCHEMA,
    CONDITION_SCHEMA,
    VALIDATION_RULES_SCHEMA,
    SUGGESTED_ANSWER_SCHEMA,
    DOCUMENT_MAPPINGS_SCHEMA,
    MATRIX_ROWS_SCHEMA,
    *RESPONSE_VALUE_SCHEMAS.values(),
]


@pytest.mark.parametrize("schema", ALL_SCHEMAS, ids=lambda s: s.get("title"))
def test_every_schema_is_a_valid_draft_07_schema(schema):
    Draft7Validator.check_schema(schema)


def test_there_is_a_response_value_schema_for_each_of_the_eleven_question_types():
    assert set(RESPONSE_VALUE_SCHEMAS) == set(QUESTION_TYPES)
    assert len(QUESTION_TYPES) == 11


# --- options (§5.1) ---------------------------------------------------------------------------------


def test_options_accept_the_seed_example_with_every_field():
    options = [
        {
            "id": OPT_1,
            "label": "Retail",
            "description": "Shops and e-commerce",
            "icon": "store",
            "value": "retail",
            "isExclusive": False,
            "order": 1,
        },
        {"id": OPT_2, "label": "None of these", "value": 0, "isExclusive": True},
        {"id": OPT_2.upper(), "label": "Yes", "value": True},
    ]
    assert schema_errors(options, OPTIONS_SCHEMA) == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            [{"id": OPT_1, "label": "a"}, {"id": OPT_2, "label": "b"}, {"id": "abc", "label": "c"}],
            ["options[2].id: 'abc' is not a valid UUID"],
        ),
        ([{"id": OPT_1 + "\n", "label": "a"}], [f"options[0].id: '{OPT_1}\\n' is not a valid UUID"]),
        ([{"label": "a"}], ["options[0]: 'id' is a required property"]),
        ([{"id": OPT_1}], ["options[0]: 'label' is a required property"]),
        ([{"id": OPT_1, "label": ""}], ["options[0].label: must not be empty"]),
        ([{"id": OPT_1, "label": "a", "value": {"x": 1}}], ["options[0].value: {'x': 1} is not of type"]),
        ([{"id": OPT_1, "label": "a", "isExclusive": "yes"}], ["options[0].isExclusive: 'yes' is not of"]),
        ({"id": OPT_1, "label": "a"}, ["options: {'id':"]),
    ],
)
def test_options_reject_bad_entries_naming_the_path(options, expected):
    errors = schema_errors(options, OPTIONS_SCHEMA)
    assert len(errors) == len(expected)
    for error, start in zip(errors, expected, strict=True):
        assert error.startswith(start)


def test_options_reject_a_label_over_500_characters():
    errors = schema_errors([{"id": OPT_1, "label": "x" * 501}], OPTIONS_SCHEMA)
    shown = "'" + "x" * 56 + "..."
    assert errors == [f"options[0].label: {shown} is longer than 500 characters"]


# --- visibility conditions (§5.2) --------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition",
    [
        {"field": QUESTION_ID, "operator": "eq", "value": "yes"},
        {"field": QUESTION_ID, "operator": "gte", "value": 10},
        {"field": QUESTION_ID, "operator": "in", "value": [OPT_1, OPT_2]},
        {"field": QUESTION_ID, "operator": "is_empty"},
        {"field": QUESTION_ID, "operator": "is_not_empty"},
        {"field": QUESTION_ID, "operator": "eq", "value": None},
        {
            "logicalOp": "OR",
            "nested": [
                {"field": QUESTION_ID, "operator": "contains", "value": OPT_1},
                {"nested": [{"field": QUESTION_ID, "operator": "is_empty"}]},
            ],
        },
        {
            "field": QUESTION_ID,
            "operator": "ne",
            "value": "x",
            "logicalOp": "AND",
            "nested": [{"field": QUESTION_ID, "operator": "lt", "value": 3}],
        },
    ],
)
def test_condition_accepts_leaves_groups_and_leaves_with_nested_nodes(condition):
    assert schema_errors(condition, CONDITION_SCHEMA) == []


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            {},
            [
                "condition: must be a leaf with 'field' and 'operator', or a group with a non-empty "
                "'nested' list"
            ],
        ),
        (
            {"logicalOp": "AND", "nested": []},
            [
                "condition: must be a leaf with 'field' and 'operator', or a group with a non-empty "
                "'nested' list"
            ],
        ),
        ({"field": QUESTION_ID, "operator": "eq"}, ["condition: 'value' is a required property"]),
        (
            {"field": QUESTION_ID, "operator": "in", "value": OPT_1},
            [f"condition.value: '{OPT_1}' is not of type array"],
        ),
        (
            {"field": QUESTION_ID, "operator": "equals", "value": 1},
            ["condition.operator: 'equals' is not one of 'eq', 'ne'"],
        ),
        (
            {"field": QUESTION_ID, "operator": "eq", "value": 1, "logicalOp": "XOR"},
            ["condition.logicalOp: 'XOR' is not one of 'AND', 'OR'"],
        ),
        (
            {"field": QUESTION_ID, "operator": "eq", "value": 1, "operater": "eq"},
            ["condition: Additional properties are not allowed ('operater' was unexpected)"],
        ),
        (
            {"nested": [{"field": QUESTION_ID, "operator": "eq", "value": 1}], "operator": "eq", "value": 1},
            ["condition: 'field' is required when 'operator' is given"],
        ),
        (
            {
                "nested": [
                    {"field": QUESTION_ID, "operator": "gt", "value": 1},
                    {"field": 7, "operator": "eq"},
                ]
            },
            ["condition.nested[1]: 'value' is a required property", "condition.nested[1].field: 7 is not of"],
        ),
        (
            {"nested": [{"nested": [{"field": "", "operator": "is_empty"}]}]},
            ["condition.nested[0].nested[0].field: must not be empty"],
        ),
    ],
)
def test_condition_rejects_malformed_nodes_naming_the_path(condition, expected):
    errors = schema_errors(condition, CONDITION_SCHEMA)
    assert len(errors) == len(expected), errors
    for error, start in zip(errors, expected, strict=True):
        assert error.startswith(start)


def test_a_condition_nested_too_deeply_is_reported_not_raised():
    condition = {"field": QUESTION_ID, "operator": "is_empty"}
    for _ in range(5000):
        condition = {"nested": [condition]}
    assert schema_errors(condition, CONDITION_SCHEMA) == ["condition: is nested too deeply"]


# --- validation rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rules",
    [
        {},
        {"minLength": 10, "maxLength": 500, "pattern": "^[A-Z]{3}-[0-9]+$", "customMessage": "Use ABC-123."},
        {"min": 0, "max": 100.5, "step": 0.5},
        {"min": "2025-01-01", "max": "2025-12-31"},
        {"maxFileSize": 5 * 1024 * 1024, "allowedTypes": ["application/pdf", "image/*"]},
    ],
)
def test_validation_rules_accept_the_documented_keys(rules):
    assert schema_errors(rules, VALIDATION_RULES_SCHEMA) == []


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            {"minLenght": 3},
            "validation_rules: Additional properties are not allowed ('minLenght' was unexpected)",
        ),
        ({"minLength": -1}, "validation_rules.minLength: -1 is less than the minimum of 0"),
        ({"maxLength": 2.5}, "validation_rules.maxLength: 2.5 is not of type integer"),
        ({"pattern": "([a-z"}, "validation_rules.pattern: '([a-z' is not a valid regular expression"),
        ({"min": "2025-02-30"}, "validation_rules.min: must be a number, or a date (YYYY-MM-DD)"),
        ({"max": "soon"}, "validation_rules.max: must be a number, or a date (YYYY-MM-DD)"),
        ({"step": 0}, "validation_rules.step: 0 is less than or equal to the minimum of 0"),
        ({"maxFileSize": 0}, "validation_rules.maxFileSize: 0 is less than the minimum of 1"),
        ({"allowedTypes": ["pdf"]}, "validation_rules.allowedTypes[0]: 'pdf' is not a valid MIME type"),
        ({"allowedTypes": []}, "validation_rules.allowedTypes: [] should be non-empty"),
        ({"customMessage": 5}, "validation_rules.customMessage: 5 is not of type string"),
    ],
)
def test_validation_rules_reject_bad_values_naming_the_key(rules, expected):
    errors = schema_errors(rules, VALIDATION_RULES_SCHEMA)
    assert len(errors) == 1
    assert errors[0].startswith(expected)


# --- suggested answers and document mappings -------------------------------------------------------


def test_suggested_answer_accepts_value_reason_and_confidence():
    suggestion = {"value": {"number": 25}, "reason": "Typical for your industry", "confidence": 0.8}
    assert schema_errors(suggestion, SUGGESTED_ANSWER_SCHEMA) == []


@pytest.mark.parametrize(
    ("suggestion", "expected"),
    [
        (
            {"value": 1, "confidence": 1.5},
            "suggested_answer.confidence: 1.5 is greater than the maximum of 1",
        ),
        ({"value": 1, "confidence": -0.1}, "suggested_answer.confidence: -0.1 is less than the minimum of 0"),
        ({"reason": "because"}, "suggested_answer: 'value' is a required property"),
        ({"value": 1, "source": "x"}, "suggested_answer: Additional properties are not allowed"),
    ],
)
def test_suggested_answer_rejects_bad_shapes(suggestion, expected):
    errors = schema_errors(suggestion, SUGGESTED_ANSWER_SCHEMA)
    assert len(errors) == 1
    assert errors[0].startswith(expected)


def test_document_mappings_accept_the_seed_shape():
    mappings = [
        {"documentType": "technology-roadmap", "section": "Current state", "field": "stack"},
        {"documentType": "business-plan"},
    ]
    assert schema_errors(mappings, DOCUMENT_MAPPINGS_SCHEMA) == []


@pytest.mark.parametrize(
    ("mappings", "expected"),
    [
        ([{"section": "Costs"}], "document_mappings[0]: 'documentType' is a required property"),
        ([{"documentType": ""}], "document_mappings[0].documentType: must not be empty"),
        ([{"documentType": "brd", "page": 2}], "document_mappings[0]: Additional properties are not allowed"),
        ({"documentType": "brd"}, "document_mappings: {'documentType': 'brd'} is not of type array"),
    ],
)
def test_document_mappings_reject_bad_entries(mappings, expected):
    errors = schema_errors(mappings, DOCUMENT_MAPPINGS_SCHEMA)
    assert len(errors) == 1
    assert errors[0].startswith(expected)


# --- matrix rows -----------------------------------------------------------------------------------


def test_matrix_rows_accept_ids_and_labels():
    rows = [{"id": "r1", "label": "Speed"}, {"id": "cost_2", "label": "Cost", "order": 2}]
    assert schema_errors(rows, MATRIX_ROWS_SCHEMA) == []


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], "metadata.rows: [] should be non-empty"),
        ([{"id": "r.1", "label": "x"}], "metadata.rows[0].id: 'r.1' is not a valid id"),
        ([{"id": "r 1", "label": "x"}], "metadata.rows[0].id: 'r 1' is not a valid id"),
        ([{"id": "r1"}], "metadata.rows[0]: 'label' is a required property"),
    ],
)
def test_matrix_rows_reject_ids_that_cannot_name_a_form_field(rows, expected):
    errors = schema_errors(rows, MATRIX_ROWS_SCHEMA)
    assert len(errors) == 1
    assert errors[0].startswith(expected)


# --- response values (§5.3) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_type", "value"),
    [
        ("TEXT", {"text": "Acme Ltd"}),
        ("TEXTAREA", {"text": "Line one\nLine two"}),
        ("EMAIL", {"text": "ada@example.com"}),
        ("URL", {"text": "https://example.com"}),
        ("NUMBER", {"number": 123}),
        ("NUMBER", {"number": -1.5}),
        ("SINGLE_CHOICE", {"selectedOptionId": OPT_1}),
        ("MULTIPLE_CHOICE", {"selectedOptionIds": [OPT_1, OPT_2]}),
        ("MULTIPLE_CHOICE", {"selectedOptionIds": []}),
        ("SCALE", {"rating": 5}),
        ("DATE", {"date": "2025-01-15"}),
        ("DATE", {"date": "2024-02-29", "includeTime": False}),
        (
            "FILE_UPLOAD",
            {
                "fileUrl": "https://bucket.example.com/a.pdf",
                "fileName": "a.pdf",
                "fileSize": 1234,
                "mimeType": "application/pdf",
            },
        ),
        ("MATRIX", {"rows": {"row1": OPT_1, "row2": OPT_2}}),
    ],
)
def test_response_values_accept_the_seed_shapes(question_type, value):
    assert schema_errors(value, RESPONSE_VALUE_SCHEMAS[question_type]) == []


@pytest.mark.parametrize(
    ("question_type", "value", "expected"),
    [
        ("TEXT", {"text": 5}, "value.text: 5 is not of type string"),
        ("TEXT", {}, "value: 'text' is a required property"),
        ("NUMBER", {"number": "12"}, "value.number: '12' is not of type number"),
        ("NUMBER", {"number": True}, "value.number: True is not of type number"),
        ("SINGLE_CHOICE", {"selectedOptionId": "opt1"}, "value.selectedOptionId: 'opt1' is not a valid UUID"),
        ("MULTIPLE_CHOICE", {"selectedOptionIds": OPT_1}, "value.selectedOptionIds: '6f1c7d4e"),
        (
            "MULTIPLE_CHOICE",
            {"selectedOptionIds": [OPT_1, "x"]},
            "value.selectedOptionIds[1]: 'x' is not a valid UUID",
        ),
        ("SCALE", {"rating": 7.5}, "value.rating: 7.5 is not of type integer"),
        ("DATE", {"date": "2025-02-30"}, "value.date: '2025-02-30' is not a valid date (YYYY-MM-DD)"),
        ("DATE", {"date": "15/01/2025"}, "value.date: '15/01/2025' is not a valid date (YYYY-MM-DD)"),
        (
            "DATE",
            {"date": "2025-01-15", "includeTime": "no"},
            "value.includeTime: 'no' is not of type boolean",
        ),
        (
            "FILE_UPLOAD",
            {"fileUrl": "u", "fileName": "a.pdf", "fileSize": -1, "mimeType": "application/pdf"},
            "value.fileSize: -1 is less than the minimum of 0",
        ),
        (
            "FILE_UPLOAD",
            {"fileUrl": "u", "fileName": "a.pdf", "fileSize": 1},
            "value: 'mimeType' is a required",
        ),
        ("MATRIX", {"rows": {"row1": "opt1"}}, "value.rows.row1: 'opt1' is not a valid UUID"),
        ("MATRIX", {"rows": [OPT_1]}, "value.rows: ['6f1c7d4e"),
        (
            "SCALE",
            {"rating": 5, "min": 1},
            "value: Additional properties are not allowed ('min' was unexpected)",
        ),
    ],
)
def test_response_values_reject_wrong_shapes_naming_the_path(question_type, value, expected):
    errors = schema_errors(value, RESPONSE_VALUE_SCHEMAS[question_type])
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected)


# --- schema_errors ---------------------------------------------------------------------------------


def test_schema_errors_are_sorted_by_path_with_indexes_in_numeric_order():
    options = [{"id": OPT_1, "label": "x"} for _ in range(12)]
    options[10] = {"id": "bad-10", "label": "x"}
    options[2] = {"id": "bad-2", "label": "x"}
    options[3] = {"id": OPT_1}
    assert schema_errors(options, OPTIONS_SCHEMA) == [
        "options[2].id: 'bad-2' is not a valid UUID",
        "options[3]: 'label' is a required property",
        "options[10].id: 'bad-10' is not a valid UUID",
    ]


def test_schema_errors_are_the_same_on_every_call():
    condition = {"nested": [{"operator": "zz"}, {"field": 1, "operator": "in", "value": 2}], "x": 1}
    first = schema_errors(condition, CONDITION_SCHEMA)
    assert len(first) > 3
    assert all(schema_errors(condition, CONDITION_SCHEMA) == first for _ in range(5))


def test_schema_errors_can_name_the_root_differently():
    errors = schema_errors({"rating": "5"}, RESPONSE_VALUE_SCHEMAS["SCALE"], root="responses[3].value")
    assert errors == ["responses[3].value.rating: '5' is not of type integer"]


def test_schema_errors_quote_keys_that_are_not_identifiers():
    errors = schema_errors({"rows": {"row-1": "x"}}, RESPONSE_VALUE_SCHEMAS["MATRIX"])
    assert errors == ["value.rows['row-1']: 'x' is not a valid UUID"]


def test_schema_errors_work_with_a_schema_built_on_the_fly():
    assert schema_errors("a", {"type": "integer"}) == ["(root): 'a' is not of type integer"]
    assert schema_errors(3, {"type": "integer"}) == []
