"""The rule engine's semantics (docs/rules.md), one table or case per rule; no Django, no database."""

import pytest

from questionnaires.rules import (
    ACTIONS,
    MAX_CONDITION_DEPTH,
    Decision,
    Engine,
    QuestionSpec,
    RuleSpec,
    condition_fields,
    evaluate,
    evaluate_condition,
)
from questionnaires.types import OPERATORS, QUESTION_TYPES


def q(qid, qtype="TEXT", **kwargs):
    return QuestionSpec(id=qid, type=qtype, **kwargs)


def rule(rid, condition, action, targets, priority=0, is_active=True, owner=None):
    if isinstance(targets, str):
        targets = (targets,)
    return RuleSpec(
        id=rid,
        question_id=owner or condition.get("field", "owner"),
        condition=condition,
        action=action,
        target_question_ids=tuple(targets),
        priority=priority,
        is_active=is_active,
    )


def leaf(field, operator, value=None):
    return {"field": field, "operator": operator, "value": value}


def text(value):
    return {"text": value}


def holds(qtype, answer, operator, value):
    """Evaluate one leaf against a question "f" of the given type."""
    answers = {} if answer is None else {"f": answer}
    return evaluate_condition(leaf("f", operator, value), answers, {"f": qtype})


# --- Rule 1 and 2: operators, typed per question type --------------------------------------------

ANSWERED = {
    "TEXT": text("  Hello World  "),
    "TEXTAREA": text("Line one\nline two"),
    "EMAIL": text("ana@example.com"),
    "URL": text("https://example.com/path"),
    "NUMBER": {"number": 10},
    "SCALE": {"rating": 7, "min": 1, "max": 10},
    "DATE": {"date": "2025-01-15"},
    "SINGLE_CHOICE": {"selectedOptionId": "opt-a"},
    "MULTIPLE_CHOICE": {"selectedOptionIds": ["opt-a", "opt-b"]},
    "FILE_UPLOAD": {"fileUrl": "https://files.example/a.pdf", "fileName": "a.pdf", "fileSize": 10},
    "MATRIX": {"rows": {"row-1": "opt-1"}},
}

OPERATOR_CASES = [
    # NUMBER: numeric comparison; numeric strings in the condition are read as numbers.
    ("NUMBER", "eq", 10, True),
    ("NUMBER", "eq", 10.0, True),
    ("NUMBER", "eq", "10", True),
    ("NUMBER", "eq", 9, False),
    ("NUMBER", "ne", 9, True),
    ("NUMBER", "ne", 10, False),
    ("NUMBER", "gt", 9, True),
    ("NUMBER", "gt", 10, False),
    ("NUMBER", "gt", "9.5", True),
    ("NUMBER", "lt", 11, True),
    ("NUMBER", "lt", 10, False),
    ("NUMBER", "gte", 10, True),
    ("NUMBER", "gte", 11, False),
    ("NUMBER", "lte", 10, True),
    ("NUMBER", "lte", 9, False),
    ("NUMBER", "in", [1, 10], True),
    ("NUMBER", "in", [1, 2], False),
    ("NUMBER", "in", 10, True),
    ("NUMBER", "not_in", [1, 2], True),
    ("NUMBER", "not_in", [10, 11], False),
    ("NUMBER", "contains", 10, False),
    ("NUMBER", "not_contains", 10, False),
    ("NUMBER", "is_empty", None, False),
    ("NUMBER", "is_not_empty", None, True),
    # Uncoercible values make the leaf false, whatever the operator.
    ("NUMBER", "gt", "abc", False),
    ("NUMBER", "ne", "abc", False),
    ("NUMBER", "eq", True, False),
    ("NUMBER", "in", [10, "abc"], False),
    ("NUMBER", "not_in", ["abc"], False),
    # SCALE: numbers too.
    ("SCALE", "eq", 7, True),
    ("SCALE", "gt", 5, True),
    ("SCALE", "lte", 6, False),
    ("SCALE", "in", [7, 8], True),
    ("SCALE", "not_in", [7], False),
    ("SCALE", "contains", 7, False),
    # DATE: compared as dates, never as strings; a time part is ignored.
    ("DATE", "eq", "2025-01-15", True),
    ("DATE", "eq", "2025-01-15T09:30:00", True),
    ("DATE", "eq", "2025-01-16", False),
    ("DATE", "ne", "2025-01-16", True),
    ("DATE", "gt", "2024-12-31", True),
    ("DATE", "gt", "2025-01-15", False),
    ("DATE", "lt", "2025-02-01", True),
    ("DATE", "gte", "2025-01-15", True),
    ("DATE", "lte", "2025-01-14", False),
    ("DATE", "in", ["2025-01-15", "2025-02-01"], True),
    ("DATE", "not_in", ["2025-02-01"], True),
    ("DATE", "eq", "15/01/2025", False),
    ("DATE", "ne", "not a date", False),
    ("DATE", "contains", "2025", False),
    # Text types: eq/ne exact after strip, contains case-insensitive, in = equals one of a list.
    ("TEXT", "eq", "Hello World", True),
    ("TEXT", "eq", "  Hello World ", True),
    ("TEXT", "eq", "hello world", False),
    ("TEXT", "ne", "other", True),
    ("TEXT", "ne", "Hello World", False),
    ("TEXT", "contains", "WORLD", True),
    ("TEXT", "contains", "planet", False),
    ("TEXT", "not_contains", "planet", True),
    ("TEXT", "not_contains", "world", False),
    ("TEXT", "in", ["Hello World", "Goodbye"], True),
    ("TEXT", "in", ["hello world"], False),
    ("TEXT", "in", "Hello World", True),
    ("TEXT", "not_in", ["Goodbye"], True),
    ("TEXT", "not_in", ["Hello World"], False),
    ("TEXT", "gt", "A", False),
    ("TEXT", "lte", "Z", False),
    ("TEXT", "eq", 5, False),
    ("TEXT", "contains", ["Hello"], False),
    ("TEXTAREA", "contains", "LINE TWO", True),
    ("TEXTAREA", "eq", "Line one\nline two", True),
    ("EMAIL", "contains", "@EXAMPLE.COM", True),
    ("EMAIL", "eq", "ana@example.com", True),
    ("EMAIL", "in", ["bob@example.com"], False),
    ("URL", "contains", "example.com", True),
    ("URL", "ne", "https://example.com/path", False),
    # SINGLE_CHOICE: option ids; eq takes a string or a one-element list.
    ("SINGLE_CHOICE", "eq", "opt-a", True),
    ("SINGLE_CHOICE", "eq", ["opt-a"], True),
    ("SINGLE_CHOICE", "eq", "opt-b", False),
    ("SINGLE_CHOICE", "eq", ["opt-a", "opt-b"], False),
    ("SINGLE_CHOICE", "ne", "opt-b", True),
    ("SINGLE_CHOICE", "ne", ["opt-a"], False),
    ("SINGLE_CHOICE", "in", ["opt-a", "opt-b"], True),
    ("SINGLE_CHOICE", "in", ["opt-c"], False),
    ("SINGLE_CHOICE", "not_in", ["opt-c"], True),
    ("SINGLE_CHOICE", "not_in", ["opt-a"], False),
    ("SINGLE_CHOICE", "contains", "opt-a", True),
    ("SINGLE_CHOICE", "contains", "opt-b", False),
    ("SINGLE_CHOICE", "not_contains", "opt-b", True),
    ("SINGLE_CHOICE", "not_contains", "opt-a", False),
    ("SINGLE_CHOICE", "gt", "opt-a", False),
    ("SINGLE_CHOICE", "eq", 1, False),
    # MULTIPLE_CHOICE: eq = the same set; in = any selected is listed; contains = selected.
    ("MULTIPLE_CHOICE", "eq", ["opt-b", "opt-a"], True),
    ("MULTIPLE_CHOICE", "eq", ["opt-a"], False),
    ("MULTIPLE_CHOICE", "eq", "opt-a", False),
    ("MULTIPLE_CHOICE", "ne", ["opt-a"], True),
    ("MULTIPLE_CHOICE", "ne", ["opt-a", "opt-b"], False),
    ("MULTIPLE_CHOICE", "in", ["opt-b", "opt-z"], True),
    ("MULTIPLE_CHOICE", "in", ["opt-z"], False),
    ("MULTIPLE_CHOICE", "not_in", ["opt-z"], True),
    ("MULTIPLE_CHOICE", "not_in", ["opt-a", "opt-z"], False),
    ("MULTIPLE_CHOICE", "contains", "opt-a", True),
    ("MULTIPLE_CHOICE", "contains", "opt-z", False),
    ("MULTIPLE_CHOICE", "contains", ["opt-a", "opt-b"], True),
    ("MULTIPLE_CHOICE", "contains", ["opt-a", "opt-z"], False),
    ("MULTIPLE_CHOICE", "not_contains", "opt-z", True),
    ("MULTIPLE_CHOICE", "not_contains", "opt-a", False),
    ("MULTIPLE_CHOICE", "lt", "opt-a", False),
    ("MULTIPLE_CHOICE", "contains", [], False),
    # FILE_UPLOAD and MATRIX: only is_empty / is_not_empty mean anything.
    ("FILE_UPLOAD", "is_empty", None, False),
    ("FILE_UPLOAD", "is_not_empty", None, True),
    ("FILE_UPLOAD", "eq", "a.pdf", False),
    ("FILE_UPLOAD", "ne", "b.pdf", False),
    ("FILE_UPLOAD", "contains", "a", False),
    ("MATRIX", "is_empty", None, False),
    ("MATRIX", "is_not_empty", None, True),
    ("MATRIX", "contains", "opt-1", False),
    ("MATRIX", "not_in", ["opt-2"], False),
]


@pytest.mark.parametrize(("qtype", "operator", "value", "expected"), OPERATOR_CASES)
def test_operator_compares_an_answer_by_question_type(qtype, operator, value, expected):
    assert holds(qtype, ANSWERED[qtype], operator, value) is expected


def test_operator_table_covers_every_operator_and_type():
    covered_types = {qtype for qtype, _, _, _ in OPERATOR_CASES}
    covered_operators = {operator for _, operator, _, _ in OPERATOR_CASES}
    assert covered_types == set(QUESTION_TYPES)
    assert covered_operators == set(OPERATORS)


# The operators that mean something per type; every other pairing is always false.
SUPPORTED = {
    "number": {"eq", "ne", "gt", "lt", "gte", "lte", "in", "not_in", "is_empty", "is_not_empty"},
    "text": {"eq", "ne", "in", "not_in", "contains", "not_contains", "is_empty", "is_not_empty"},
    "choice": {"eq", "ne", "in", "not_in", "contains", "not_contains", "is_empty", "is_not_empty"},
    "presence": {"is_empty", "is_not_empty"},
}
FAMILY = {
    "NUMBER": "number",
    "SCALE": "number",
    "DATE": "number",
    "TEXT": "text",
    "TEXTAREA": "text",
    "EMAIL": "text",
    "URL": "text",
    "SINGLE_CHOICE": "choice",
    "MULTIPLE_CHOICE": "choice",
    "FILE_UPLOAD": "presence",
    "MATRIX": "presence",
}
WELL_FORMED_VALUE = {
    "NUMBER": (5, [5, 6]),
    "SCALE": (5, [5, 6]),
    "DATE": ("2025-01-15", ["2025-01-15"]),
    "TEXT": ("abc", ["abc"]),
    "TEXTAREA": ("abc", ["abc"]),
    "EMAIL": ("a@example.com", ["a@example.com"]),
    "URL": ("https://example.com", ["https://example.com"]),
    "SINGLE_CHOICE": ("opt-a", ["opt-a"]),
    "MULTIPLE_CHOICE": ("opt-a", ["opt-a"]),
    "FILE_UPLOAD": ("a.pdf", ["a.pdf"]),
    "MATRIX": ("opt-1", ["opt-1"]),
}
TRUE_WHEN_EMPTY = {"is_empty", "ne", "not_in", "not_contains"}
EMPTY_CASES = [
    (
        qtype,
        operator,
        WELL_FORMED_VALUE[qtype][1 if operator in ("in", "not_in") else 0],
        operator in SUPPORTED[FAMILY[qtype]] and operator in TRUE_WHEN_EMPTY,
    )
    for qtype in sorted(QUESTION_TYPES)
    for operator in sorted(OPERATORS)
]


# --- Rule 3: empty answers ------------------------------------------------------------------------


@pytest.mark.parametrize(("qtype", "operator", "value", "expected"), EMPTY_CASES)
def test_operator_on_an_unanswered_question_follows_the_empty_rules(qtype, operator, value, expected):
    assert holds(qtype, None, operator, value) is expected


EMPTY_ANSWERS = [
    ("TEXT", None),
    ("TEXT", text("")),
    ("TEXT", text("   \n\t ")),
    ("TEXTAREA", text(" ")),
    ("EMAIL", {}),
    ("URL", text(None)),
    ("NUMBER", {"number": None}),
    ("NUMBER", {}),
    ("SCALE", {"rating": None}),
    ("DATE", {"date": ""}),
    ("SINGLE_CHOICE", {"selectedOptionId": None}),
    ("SINGLE_CHOICE", {"selectedOptionId": "  "}),
    ("MULTIPLE_CHOICE", {"selectedOptionIds": []}),
    ("MULTIPLE_CHOICE", {"selectedOptionIds": None}),
    ("FILE_UPLOAD", {"fileUrl": "", "fileName": ""}),
    ("FILE_UPLOAD", {}),
    ("MATRIX", {"rows": {}}),
    ("MATRIX", {"rows": {"row-1": ""}}),
]


@pytest.mark.parametrize(("qtype", "answer"), EMPTY_ANSWERS)
def test_blank_null_and_empty_list_answers_count_as_empty(qtype, answer):
    answers = {"f": answer}
    types = {"f": qtype}
    assert evaluate_condition(leaf("f", "is_empty"), answers, types) is True
    assert evaluate_condition(leaf("f", "is_not_empty"), answers, types) is False


MALFORMED_ANSWERS = [
    ("TEXT", "a bare string"),
    ("TEXT", {"text": 42}),
    ("TEXT", ["not", "a", "dict"]),
    ("NUMBER", {"number": "12"}),
    ("NUMBER", {"number": True}),
    ("NUMBER", {"number": float("nan")}),
    ("NUMBER", {"number": float("inf")}),
    ("NUMBER", 12),
    ("SCALE", {"number": 5}),
    ("DATE", {"date": "yesterday"}),
    ("DATE", {"date": 20250115}),
    ("SINGLE_CHOICE", {"selectedOptionId": ["opt-a"]}),
    ("SINGLE_CHOICE", {"selectedOptionIds": ["opt-a"]}),
    ("MULTIPLE_CHOICE", {"selectedOptionIds": "opt-a"}),
    ("MULTIPLE_CHOICE", {"selectedOptionIds": ["opt-a", 3]}),
    ("MULTIPLE_CHOICE", {"selectedOptionIds": [None]}),
    ("FILE_UPLOAD", {"fileSize": 10}),
    ("FILE_UPLOAD", "https://files.example/a.pdf"),
    ("MATRIX", {"rows": ["opt-1"]}),
    ("MATRIX", {"rows": {"row-1": 1}}),
]


@pytest.mark.parametrize(("qtype", "answer"), MALFORMED_ANSWERS)
@pytest.mark.parametrize("operator", sorted(OPERATORS))
def test_malformed_answer_counts_as_empty_and_never_raises(qtype, answer, operator):
    value = WELL_FORMED_VALUE[qtype][1 if operator in ("in", "not_in") else 0]
    assert holds(qtype, answer, operator, value) is holds(qtype, None, operator, value)


# --- Rule 1: condition trees ----------------------------------------------------------------------

TYPES = {"a": "NUMBER", "b": "TEXT", "c": "SINGLE_CHOICE"}
TREE_ANSWERS = {"a": {"number": 5}, "b": text("yes"), "c": {"selectedOptionId": "opt-x"}}
TRUE_LEAF = leaf("a", "eq", 5)
FALSE_LEAF = leaf("b", "eq", "no")


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"logicalOp": "AND", "nested": [TRUE_LEAF, leaf("b", "eq", "yes")]}, True),
        ({"logicalOp": "AND", "nested": [TRUE_LEAF, FALSE_LEAF]}, False),
        ({"logicalOp": "OR", "nested": [FALSE_LEAF, TRUE_LEAF]}, True),
        ({"logicalOp": "OR", "nested": [FALSE_LEAF, FALSE_LEAF]}, False),
        ({"nested": [TRUE_LEAF, FALSE_LEAF]}, False),  # AND by default
        ({"nested": [TRUE_LEAF]}, True),
        ({**TRUE_LEAF, "nested": [FALSE_LEAF]}, False),  # a leaf joins its nested nodes, AND
        ({**TRUE_LEAF, "logicalOp": "OR", "nested": [FALSE_LEAF]}, True),
        ({**FALSE_LEAF, "logicalOp": "OR", "nested": [FALSE_LEAF]}, False),
        ({**TRUE_LEAF, "nested": []}, True),
        ({"logicalOp": "or", "nested": [FALSE_LEAF, TRUE_LEAF]}, True),  # case-insensitive
        (
            {
                "logicalOp": "AND",
                "nested": [
                    TRUE_LEAF,
                    {"logicalOp": "OR", "nested": [FALSE_LEAF, leaf("c", "in", ["opt-x", "opt-y"])]},
                ],
            },
            True,
        ),
        (
            {
                "logicalOp": "OR",
                "nested": [
                    {"logicalOp": "AND", "nested": [TRUE_LEAF, FALSE_LEAF]},
                    {"logicalOp": "AND", "nested": [FALSE_LEAF, TRUE_LEAF]},
                ],
            },
            False,
        ),
    ],
)
def test_condition_tree_combines_leaf_and_nested_nodes(condition, expected):
    assert evaluate_condition(condition, TREE_ANSWERS, TYPES) is expected


@pytest.mark.parametrize(
    "condition",
    [
        None,
        "a == 5",
        [],
        {},
        {"nested": []},
        {"field": "a", "operator": "equals", "value": 5},
        {"field": "a", "value": 5},
        {"operator": "eq", "value": 5},
        {"field": 7, "operator": "eq", "value": 5},
        {"field": "a", "operator": ["eq"], "value": 5},
        {**TRUE_LEAF, "logicalOp": "XOR", "nested": [TRUE_LEAF]},
        {**TRUE_LEAF, "logicalOp": 1, "nested": [TRUE_LEAF]},
        {**TRUE_LEAF, "nested": "not a list"},
        {"logicalOp": "AND", "nested": [TRUE_LEAF, "garbage"]},
    ],
)
def test_malformed_condition_never_holds(condition):
    assert evaluate_condition(condition, TREE_ANSWERS, TYPES) is False


def test_malformed_branch_of_an_or_does_not_spoil_the_others():
    condition = {"logicalOp": "OR", "nested": [{"field": "a", "operator": "bogus"}, TRUE_LEAF]}
    assert evaluate_condition(condition, TREE_ANSWERS, TYPES) is True


def test_condition_nested_beyond_the_depth_limit_is_false_without_recursion_error():
    node = TRUE_LEAF
    for _ in range(MAX_CONDITION_DEPTH + 5):
        node = {"nested": [node]}
    assert evaluate_condition(node, TREE_ANSWERS, TYPES) is False
    node = TRUE_LEAF
    for _ in range(MAX_CONDITION_DEPTH):
        node = {"nested": [node]}
    assert evaluate_condition(node, TREE_ANSWERS, TYPES) is True


def test_condition_fields_lists_every_referenced_question():
    condition = {
        **leaf("a", "eq", 1),
        "nested": [
            leaf("b", "contains", "x"),
            {"logicalOp": "OR", "nested": [leaf("c", "is_empty"), "junk"]},
        ],
    }
    assert condition_fields(condition) == {"a", "b", "c"}
    assert condition_fields(None) == set()
    assert condition_fields({"field": 3, "nested": "x"}) == set()


def test_deep_condition_fields_do_not_recurse():
    node = leaf("deep", "is_empty")
    for _ in range(5000):
        node = {"nested": [node]}
    assert condition_fields(node) == {"deep"}


def test_evaluate_condition_ignores_whether_a_question_is_hidden():
    # Only an Engine knows about hiding; evaluate_condition reads the answers as given.
    assert evaluate_condition(leaf("a", "eq", 5), {"a": {"number": 5}}, {"a": "NUMBER"}) is True


# --- Rule 4: SHOW, HIDE, REQUIRE, UNREQUIRE --------------------------------------------------------

YES = leaf("gate", "eq", "yes")
NO = leaf("gate", "eq", "no")


def gated(*rules, target_required=False, answer="yes"):
    questions = [q("gate"), q("target", is_required=target_required)]
    return evaluate(questions, list(rules), {"gate": text(answer)})


def test_question_without_rules_is_visible():
    result = gated()
    assert result.visible == {"gate", "target"}
    assert result.trace["target"].reason == "visible by default; optional by default"


def test_show_rule_that_holds_shows_its_target():
    result = gated(rule("r1", YES, "SHOW", "target"))
    assert "target" in result.visible
    assert result.trace["target"].visibility_rule_id == "r1"
    assert result.trace["target"].reason.startswith("shown by rule r1 (priority 0)")


def test_question_targeted_by_show_rules_is_hidden_until_one_holds():
    result = gated(
        rule("r1", NO, "SHOW", "target"), rule("r2", leaf("gate", "eq", "maybe"), "SHOW", "target")
    )
    assert "target" in result.hidden
    assert result.trace["target"].reason == "hidden: no SHOW rule holds"
    assert result.trace["target"].visibility_rule_id is None


def test_any_holding_show_rule_shows_the_target():
    result = gated(rule("r1", NO, "SHOW", "target"), rule("r2", YES, "SHOW", "target"))
    assert "target" in result.visible
    assert result.trace["target"].visibility_rule_id == "r2"


def test_hide_rule_that_holds_hides_its_target():
    result = gated(rule("r1", YES, "HIDE", "target", priority=2))
    assert "target" in result.hidden
    assert result.trace["target"].reason == "hidden by rule r1 (priority 2)"


def test_hide_rule_that_does_not_hold_leaves_the_target_visible():
    assert "target" in gated(rule("r1", NO, "HIDE", "target")).visible


@pytest.mark.parametrize(
    ("show_priority", "hide_priority", "visible"),
    [(2, 1, True), (1, 2, False), (1, 1, False), (0, 0, False), (-1, -2, True)],
)
def test_higher_priority_wins_between_show_and_hide_and_hide_wins_ties(show_priority, hide_priority, visible):
    result = gated(
        rule("show", YES, "SHOW", "target", priority=show_priority),
        rule("hide", YES, "HIDE", "target", priority=hide_priority),
    )
    assert ("target" in result.visible) is visible
    assert result.trace["target"].visibility_rule_id == ("show" if visible else "hide")


def test_equal_rules_are_reported_by_smallest_rule_id():
    result = gated(rule("r9", YES, "HIDE", "target"), rule("r1", YES, "HIDE", "target"))
    assert result.trace["target"].visibility_rule_id == "r1"


def test_required_by_default_follows_is_required():
    result = gated(target_required=True)
    assert "target" in result.required
    assert result.trace["target"].reason.endswith("required by default")


def test_require_rule_that_holds_makes_an_optional_question_required():
    result = gated(rule("r1", YES, "REQUIRE", "target"))
    assert "target" in result.required
    assert result.trace["target"].requirement_rule_id == "r1"
    assert result.trace["target"].reason.endswith("required by rule r1 (priority 0)")


def test_unrequire_rule_that_holds_makes_a_required_question_optional():
    result = gated(rule("r1", YES, "UNREQUIRE", "target"), target_required=True)
    assert "target" not in result.required
    assert result.trace["target"].reason.endswith("optional by rule r1 (priority 0)")


def test_require_rule_that_does_not_hold_changes_nothing():
    assert "target" not in gated(rule("r1", NO, "REQUIRE", "target")).required
    assert "target" in gated(rule("r1", NO, "UNREQUIRE", "target"), target_required=True).required


@pytest.mark.parametrize(
    ("require_priority", "unrequire_priority", "required"),
    [(2, 1, True), (1, 2, False), (1, 1, True), (0, 0, True)],
)
def test_higher_priority_wins_between_require_and_unrequire_and_require_wins_ties(
    require_priority, unrequire_priority, required
):
    for base in (False, True):
        result = gated(
            rule("req", YES, "REQUIRE", "target", priority=require_priority),
            rule("unreq", YES, "UNREQUIRE", "target", priority=unrequire_priority),
            target_required=base,
        )
        assert ("target" in result.required) is required


def test_hidden_question_is_not_required():
    result = gated(rule("hide", YES, "HIDE", "target"), target_required=True)
    assert "target" in result.hidden
    assert "target" not in result.required
    assert result.trace["target"].required is False


def test_hidden_question_is_not_required_even_when_a_require_rule_holds():
    result = gated(rule("hide", YES, "HIDE", "target"), rule("req", YES, "REQUIRE", "target", priority=9))
    assert "target" not in result.required
    assert result.trace["target"].requirement_rule_id is None


def test_inactive_rules_are_ignored():
    result = gated(
        rule("show", NO, "SHOW", "target", is_active=False),
        rule("hide", YES, "HIDE", "target", is_active=False),
        rule("req", YES, "REQUIRE", "target", is_active=False),
    )
    assert "target" in result.visible
    assert "target" not in result.required
    assert result.trace["target"].reason == "visible by default; optional by default"


def test_rule_with_an_unknown_action_is_ignored():
    assert "target" in gated(rule("r1", YES, "EXPLODE", "target")).visible


def test_actions_are_the_four_of_the_schema():
    assert {"SHOW", "HIDE", "REQUIRE", "UNREQUIRE"} == ACTIONS


# --- Rule 5: hiding cascades ----------------------------------------------------------------------


def chain(length):
    """q0 is a yes/no gate; each next question is shown when the previous one is answered."""
    questions = [q(f"q{n}") for n in range(length)]
    rules = [rule("r1", leaf("q0", "eq", "yes"), "SHOW", "q1")]
    rules += [rule(f"r{n}", leaf(f"q{n - 1}", "is_not_empty"), "SHOW", f"q{n}") for n in range(2, length)]
    answers = {f"q{n}": text(f"answer {n}") for n in range(1, length)}
    return questions, rules, answers


@pytest.mark.parametrize("length", [3, 4, 6, 50])
def test_hiding_cascades_through_a_chain(length):
    questions, rules, answers = chain(length)
    shown = evaluate(questions, rules, {**answers, "q0": text("yes")})
    hidden = evaluate(questions, rules, {**answers, "q0": text("no")})
    assert shown.visible == {f"q{n}" for n in range(length)}
    assert hidden.visible == {"q0"}
    assert hidden.dormant == {f"q{n}" for n in range(1, length)}


def test_hidden_answer_counts_as_empty_for_every_operator():
    questions = [q("gate"), q("middle", "NUMBER"), q("ne_target"), q("eq_target")]
    rules = [
        rule("hide", YES, "HIDE", "middle"),
        rule("ne", leaf("middle", "ne", 3), "SHOW", "ne_target"),
        rule("eq", leaf("middle", "eq", 3), "SHOW", "eq_target"),
    ]
    answers = {"gate": text("yes"), "middle": {"number": 3}}
    result = evaluate(questions, rules, answers)
    assert "middle" in result.hidden
    assert "ne_target" in result.visible  # ne holds for an empty answer
    assert "eq_target" in result.hidden


def test_long_chain_is_evaluated_without_recursion_limits():
    questions, rules, answers = chain(3000)
    result = evaluate(questions, list(reversed(rules)), {**answers, "q0": text("yes")})
    assert len(result.visible) == 3000


def test_row_order_does_not_change_the_result():
    questions, rules, answers = chain(8)
    rules.append(rule("hide", leaf("q3", "contains", "ANSWER"), "HIDE", "q5", priority=1))
    answers["q0"] = text("yes")
    forward = Engine(questions, rules).evaluate(answers)
    backward = Engine(list(reversed(questions)), list(reversed(rules))).evaluate(answers)
    assert forward == backward
    assert dict(forward.trace) == dict(backward.trace)
    assert forward.hidden == {"q5", "q6", "q7"}


# --- Rule 6: cycles -------------------------------------------------------------------------------


def test_find_cycles_returns_the_cycle_as_a_path():
    questions = [q("a"), q("b"), q("c"), q("d")]
    rules = [
        rule("r1", leaf("a", "is_not_empty"), "SHOW", "b"),
        rule("r2", leaf("b", "is_not_empty"), "SHOW", "c"),
        rule("r3", leaf("c", "is_not_empty"), "HIDE", "a"),
        rule("r4", leaf("c", "is_not_empty"), "SHOW", "d"),
    ]
    engine = Engine(questions, rules)
    # Each question's visibility depends on the next one's answer; the last on the first.
    assert engine.find_cycles() == [["a", "c", "b"]]
    deps = engine.dependencies()
    assert deps == {"a": {"c"}, "b": {"a"}, "c": {"b"}, "d": {"c"}}


def test_find_cycles_reports_each_cyclic_group_and_self_references():
    questions = [q(x) for x in "abcxyz"]
    rules = [
        rule("r1", leaf("y", "is_not_empty"), "SHOW", "x"),
        rule("r2", leaf("x", "is_not_empty"), "SHOW", "y"),
        rule("r3", leaf("z", "eq", "stop"), "HIDE", "z"),
        rule("r4", leaf("a", "is_not_empty"), "SHOW", "b"),
        rule("r5", leaf("c", "is_not_empty"), "REQUIRE", "c"),  # requirement rules are not in the graph
    ]
    assert Engine(questions, rules).find_cycles() == [["x", "y"], ["z"]]


def test_acyclic_questionnaire_has_no_cycles():
    questions, rules, _ = chain(5)
    assert Engine(questions, rules).find_cycles() == []


def test_inactive_rules_do_not_form_cycles():
    questions = [q("a"), q("b")]
    rules = [
        rule("r1", leaf("a", "is_not_empty"), "SHOW", "b"),
        rule("r2", leaf("b", "is_not_empty"), "SHOW", "a", is_active=False),
    ]
    assert Engine(questions, rules).find_cycles() == []


def mutual_show(answers):
    questions = [q("a"), q("b"), q("after")]
    rules = [
        rule("r1", leaf("b", "is_not_empty"), "SHOW", "a"),
        rule("r2", leaf("a", "is_not_empty"), "SHOW", "b"),
        rule("r3", leaf("a", "is_empty"), "SHOW", "after"),
    ]
    return evaluate(questions, rules, answers)


def test_cycle_that_settles_keeps_its_fixed_point():
    both = mutual_show({"a": text("x"), "b": text("y")})
    assert both.visible == {"a", "b"}
    assert "after" in both.hidden  # reads a's answer after the cycle settled
    neither = mutual_show({})
    assert neither.hidden == {"a", "b"}
    assert "after" in neither.visible


def test_cycle_that_never_settles_is_hidden_deterministically():
    questions = [q("self"), q("next")]
    rules = [
        rule("r1", leaf("self", "is_not_empty"), "HIDE", "self"),
        rule("r2", leaf("self", "is_empty"), "SHOW", "next"),
    ]
    result = evaluate(questions, rules, {"self": text("x")})
    assert "self" in result.hidden
    assert result.trace["self"].reason == "hidden: unresolved cycle"
    assert "self" in result.dormant
    assert "next" in result.visible  # the hidden answer counts as empty downstream


def test_oscillating_pair_is_hidden_whatever_the_ids_or_row_order():
    for first, second in (("a", "b"), ("b", "a")):
        questions = [q(first), q(second)]
        rules = [
            rule("r1", leaf(second, "is_not_empty"), "HIDE", first),
            rule("r2", leaf(first, "is_not_empty"), "HIDE", second),
        ]
        answers = {"a": text("x"), "b": text("y")}
        forward = evaluate(questions, rules, answers)
        backward = evaluate(list(reversed(questions)), list(reversed(rules)), answers)
        assert forward == backward
        assert forward.hidden == {"a", "b"}


# --- Rule 7: dormant answers ----------------------------------------------------------------------


def test_hidden_answers_are_reported_dormant_and_not_deleted():
    questions, rules, answers = chain(4)
    answers["q0"] = text("no")
    before = dict(answers)
    result = evaluate(questions, rules, answers)
    assert result.dormant == {"q1", "q2", "q3"}
    assert answers == before


def test_dormant_answer_is_used_again_when_its_question_shows_again():
    questions, rules, answers = chain(4)
    engine = Engine(questions, rules)
    assert engine.evaluate({**answers, "q0": text("no")}).dormant == {"q1", "q2", "q3"}
    restored = engine.evaluate({**answers, "q0": text("yes")})
    assert restored.dormant == frozenset()
    assert restored.visible == {"q0", "q1", "q2", "q3"}


def test_hidden_question_without_an_answer_is_not_dormant():
    result = gated(rule("hide", YES, "HIDE", "target"))
    assert "target" in result.hidden
    assert result.dormant == frozenset()


def test_blank_answer_of_a_hidden_question_is_not_dormant():
    result = evaluate(
        [q("gate"), q("target")],
        [rule("hide", YES, "HIDE", "target")],
        {"gate": text("yes"), "target": text("   ")},
    )
    assert result.dormant == frozenset()


# --- Unknown references, malformed data, industry -------------------------------------------------


def test_condition_on_an_unknown_question_sees_an_empty_answer():
    questions = [q("empty_target"), q("eq_target"), q("ne_target")]
    rules = [
        rule("r1", leaf("ghost", "is_empty"), "SHOW", "empty_target"),
        rule("r2", leaf("ghost", "eq", "x"), "SHOW", "eq_target"),
        rule("r3", leaf("ghost", "ne", "x"), "SHOW", "ne_target"),
    ]
    result = evaluate(questions, rules, {"ghost": text("x")})
    assert result.visible == {"empty_target", "ne_target"}
    assert result.hidden == {"eq_target"}
    assert Engine(questions, rules).dependencies() == {
        "empty_target": set(),
        "eq_target": set(),
        "ne_target": set(),
    }


def test_unknown_targets_are_ignored():
    questions = [q("gate"), q("target")]
    rules = [rule("r1", NO, "SHOW", ("ghost", "target")), rule("r2", YES, "HIDE", ("ghost",))]
    result = evaluate(questions, rules, {"gate": text("yes")})
    assert result.hidden == {"target"}
    assert set(result.trace) == {"gate", "target"}


def test_answers_for_unknown_questions_are_ignored():
    result = evaluate([q("a")], [], {"ghost": text("x"), "a": text("y")})
    assert result.visible == {"a"}
    assert result.dormant == frozenset()


@pytest.mark.parametrize(
    "answers",
    [
        None,
        [],
        "answers",
        {"gate": "yes", "target": 7},
        {"gate": {"text": ["yes"]}, "target": {"selectedOptionIds": {"a": 1}}},
        {"gate": {"number": 5}, "target": {"rows": None}},
    ],
)
def test_malformed_answers_never_raise(answers):
    questions = [q("gate"), q("target", "NUMBER")]
    rules = [rule("r1", YES, "SHOW", "target"), rule("r2", leaf("target", "gt", 3), "REQUIRE", "gate")]
    result = evaluate(questions, rules, answers)
    assert result.hidden == {"target"}


def test_duplicate_question_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate question id"):
        Engine([q("a"), q("a", "NUMBER")], [])


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate rule id"):
        Engine(
            [q("gate"), q("target")], [rule("r1", YES, "SHOW", "target"), rule("r1", NO, "HIDE", "target")]
        )


def industry_questionnaire():
    questions = [
        q("everyone"),
        q("retail_only", industry_tags=("retail",)),
        q("health_or_retail", industry_tags=("health", "retail")),
        q("after_retail"),
    ]
    rules = [
        rule("r1", leaf("everyone", "is_not_empty"), "SHOW", "retail_only", priority=5),
        rule("r2", leaf("retail_only", "is_not_empty"), "SHOW", "after_retail"),
    ]
    answers = {"everyone": text("x"), "retail_only": text("y")}
    return questions, rules, answers


def test_question_tagged_for_other_industries_is_hidden_regardless_of_rules():
    questions, rules, answers = industry_questionnaire()
    result = evaluate(questions, rules, answers, industry="health")
    assert result.hidden == {"retail_only", "after_retail"}  # the hidden answer cascades
    assert result.trace["retail_only"].reason == "hidden: industry"
    assert result.dormant == {"retail_only"}


def test_question_tagged_for_the_sessions_industry_follows_its_rules():
    questions, rules, answers = industry_questionnaire()
    result = evaluate(questions, rules, answers, industry="retail")
    assert result.visible == {"everyone", "retail_only", "health_or_retail", "after_retail"}


@pytest.mark.parametrize("industry", [None, ""])
def test_industry_tags_are_ignored_without_an_industry(industry):
    questions, rules, answers = industry_questionnaire()
    assert evaluate(questions, rules, answers, industry=industry).hidden == frozenset()


# --- The result and its trace ---------------------------------------------------------------------


def test_every_question_has_one_decision_in_display_order():
    questions = [
        q("z", order=(0, 1)),
        q("y", order=(1, 0)),
        q("x", order=(0, 2)),
        q("w", order=(0, 1)),
    ]
    result = evaluate(questions, [], {})
    assert list(result.trace) == ["w", "z", "x", "y"]
    assert len(result.trace) == 4
    assert "w" in result.trace and "ghost" not in result.trace
    assert all(isinstance(decision, Decision) for decision in result.trace.values())
    with pytest.raises(KeyError):
        result.trace["ghost"]


def test_as_dict_lists_sorted_ids():
    questions = [q("gate"), q("b"), q("a", is_required=True), q("c")]
    rules = [rule("r1", YES, "HIDE", "b"), rule("r2", YES, "REQUIRE", "c")]
    result = evaluate(questions, rules, {"gate": text("yes")})
    assert result.as_dict() == {"visible": ["a", "c", "gate"], "hidden": ["b"], "required": ["a", "c"]}


def test_evaluate_is_the_same_as_building_an_engine():
    questions, rules, answers = chain(5)
    assert evaluate(questions, rules, answers) == Engine(questions, rules).evaluate(answers)


def test_engine_evaluates_many_answer_sets():
    questions, rules, answers = chain(5)
    engine = Engine(questions, rules)
    results = [engine.evaluate({**answers, "q0": text(choice)}) for choice in ("yes", "no", "yes")]
    assert results[0] == results[2]
    assert results[0] != results[1]


def test_odd_rule_fields_do_not_crash_compilation():
    questions = [q("gate"), q("target")]
    rules = [
        RuleSpec("r1", "gate", YES, "SHOW", (["target"], None, 7, "target"), priority="high"),
        RuleSpec("r2", "gate", "not a condition", "HIDE", None),
        RuleSpec("r3", "gate", YES, "hide", "target", priority=1),
    ]
    result = evaluate(questions, rules, {"gate": text("yes")})
    assert result.hidden == {"target"}
    assert result.trace["target"].reason == "hidden by rule r3 (priority 1)"
