"""Properties of the rule engine over generated questionnaires and answers (Hypothesis, derandomized)."""

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires.rules import (
    ACTIONS,
    Engine,
    QuestionSpec,
    RuleSpec,
    evaluate_condition,
)
from questionnaires.types import OPERATORS

IDS = [f"q{n}" for n in range(6)]
TYPES = [
    "TEXT",
    "TEXTAREA",
    "EMAIL",
    "URL",
    "NUMBER",
    "SCALE",
    "DATE",
    "SINGLE_CHOICE",
    "MULTIPLE_CHOICE",
    "FILE_UPLOAD",
    "MATRIX",
]
INDUSTRIES = ["retail", "health"]
OPTIONS = ["opt-a", "opt-b", "opt-c"]

FAST = settings(derandomize=True, max_examples=100, deadline=None, database=None)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)

# Values a condition might compare with: plausible ones for every type, and anything at all.
condition_values = st.one_of(
    st.sampled_from(
        [1, 3, "2", "abc", "yes", "Yes", "opt-a", ["opt-a"], ["opt-a", "opt-b"], [1, 3], "2025-01-15", []]
    ),
    json_values,
)


@cache
def typed_answer(qtype):
    if qtype in ("TEXT", "TEXTAREA", "EMAIL", "URL"):
        return st.builds(lambda t: {"text": t}, st.sampled_from(["", "  ", "yes", "Yes please", "abc"]))
    if qtype == "NUMBER":
        return st.builds(lambda n: {"number": n}, st.integers(-2, 4) | st.floats(-2, 4))
    if qtype == "SCALE":
        return st.builds(lambda n: {"rating": n, "min": 1, "max": 5}, st.integers(1, 5))
    if qtype == "DATE":
        return st.builds(
            lambda d: {"date": d}, st.sampled_from(["2025-01-14", "2025-01-15", "2025-02-01", ""])
        )
    if qtype == "SINGLE_CHOICE":
        return st.builds(lambda o: {"selectedOptionId": o}, st.sampled_from([*OPTIONS, ""]))
    if qtype == "MULTIPLE_CHOICE":
        return st.builds(lambda o: {"selectedOptionIds": o}, st.lists(st.sampled_from(OPTIONS), max_size=3))
    if qtype == "FILE_UPLOAD":
        return st.sampled_from([{"fileUrl": "https://f.example/a.pdf", "fileName": "a.pdf"}, {"fileUrl": ""}])
    return st.sampled_from([{"rows": {"r1": "opt-a"}}, {"rows": {}}])


@cache
def conditions(fields):
    leaf = st.fixed_dictionaries(
        {
            "field": st.sampled_from(fields),
            "operator": st.sampled_from(sorted(OPERATORS)),
            "value": condition_values,
        }
    )
    return st.recursive(
        leaf,
        lambda children: st.one_of(
            st.fixed_dictionaries(
                {
                    "logicalOp": st.sampled_from(["AND", "OR"]),
                    "nested": st.lists(children, min_size=1, max_size=3),
                }
            ),
            st.builds(
                lambda node, op, nested: {**node, "logicalOp": op, "nested": nested},
                leaf,
                st.sampled_from(["AND", "OR"]),
                st.lists(children, max_size=2),
            ),
        ),
        max_leaves=4,
    )


@st.composite
def questionnaires(draw, acyclic=False):
    count = draw(st.integers(1, len(IDS)))
    ids = IDS[:count]
    questions = [
        QuestionSpec(
            id=qid,
            type=draw(st.sampled_from(TYPES)),
            is_required=draw(st.booleans()),
            industry_tags=tuple(draw(st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True))),
            order=(0, n),
        )
        for n, qid in enumerate(ids)
    ]
    rules = []
    for n in range(draw(st.integers(0, 8))):
        action = draw(st.sampled_from(sorted(ACTIONS)))
        if acyclic:
            # Every rule reads questions before a split point and targets questions after it.
            split = draw(st.integers(0, count - 1))
            fields, candidates = (*ids[:split], "ghost"), ids[split:]
        else:
            fields, candidates = (*ids, "ghost"), (*ids, "ghost")
        rules.append(
            RuleSpec(
                id=f"r{n}",
                question_id=draw(st.sampled_from(ids)),
                condition=draw(conditions(fields)),
                action=action,
                target_question_ids=tuple(
                    draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=3))
                ),
                priority=draw(st.integers(0, 2)),
                is_active=draw(st.booleans() | st.just(True)),
            )
        )
    answers = {}
    for question in questions:
        if draw(st.booleans()):
            answers[question.id] = draw(typed_answer(question.type) | json_values)
    industry = draw(st.sampled_from([None, *INDUSTRIES]))
    return questions, rules, answers, industry


def snapshot(result):
    return (result.visible, result.hidden, result.required, result.dormant, dict(result.trace))


@FAST
@given(questionnaires())
def test_evaluation_is_deterministic(case):
    questions, rules, answers, industry = case
    first = Engine(questions, rules).evaluate(answers, industry=industry)
    second = Engine(questions, rules).evaluate(answers, industry=industry)
    assert snapshot(first) == snapshot(second)


@FAST
@given(questionnaires(), st.randoms(use_true_random=False))
def test_evaluation_does_not_depend_on_row_order(case, rng):
    questions, rules, answers, industry = case
    shuffled_questions, shuffled_rules = list(questions), list(rules)
    rng.shuffle(shuffled_questions)
    rng.shuffle(shuffled_rules)
    expected = Engine(questions, rules).evaluate(answers, industry=industry)
    actual = Engine(shuffled_questions, shuffled_rules).evaluate(answers, industry=industry)
    assert snapshot(actual) == snapshot(expected)
    assert Engine(shuffled_questions, shuffled_rules).find_cycles() == Engine(questions, rules).find_cycles()


@FAST
@given(questionnaires(), json_values | st.dictionaries(st.sampled_from([*IDS, "ghost"]), json_values))
def test_arbitrary_answers_never_raise(case, answers):
    questions, rules, _, industry = case
    result = Engine(questions, rules).evaluate(answers, industry=industry)
    assert result.visible | result.hidden == {q.id for q in questions}


@FAST
@given(questionnaires())
def test_outcome_partitions_the_questions_and_is_consistent_with_the_trace(case):
    questions, rules, answers, industry = case
    result = Engine(questions, rules).evaluate(answers, industry=industry)
    ids = {q.id for q in questions}
    assert result.visible | result.hidden == ids
    assert not result.visible & result.hidden
    assert result.required <= result.visible  # a hidden question is never required
    assert result.dormant <= result.hidden & answers.keys()
    assert set(result.trace) == ids
    for qid, decision in result.trace.items():
        assert decision.visible is (qid in result.visible)
        assert decision.required is (qid in result.required)


@FAST
@given(questionnaires())
def test_dormant_answers_are_exactly_the_non_empty_answers_of_hidden_questions(case):
    questions, rules, answers, industry = case
    types = {q.id: q.type for q in questions}
    result = Engine(questions, rules).evaluate(answers, industry=industry)
    answered = {
        qid for qid in types if evaluate_condition({"field": qid, "operator": "is_not_empty"}, answers, types)
    }
    assert result.dormant == result.hidden & answered


@FAST
@given(questionnaires(), st.integers(0, 10))
def test_cyclic_questionnaires_terminate(case, extra):
    questions, rules, answers, industry = case
    engine = Engine(questions, rules)
    for cycle in engine.find_cycles():
        deps = engine.dependencies()
        for here, there in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert there in deps[here]
    assert engine.evaluate(answers, industry=industry) is not None


def reference(questions, rules, answers, industry):
    """Naive fixed point: recompute every question from the previous round until nothing changes."""
    types = {q.id: q.type for q in questions}
    active = [r for r in rules if r.is_active and r.action in ACTIONS]
    by_industry = {
        q.id for q in questions if industry and q.industry_tags and industry not in q.industry_tags
    }
    hidden = set(by_industry)
    for _ in range(len(questions) + 2):
        seen = {qid: value for qid, value in answers.items() if qid not in hidden}
        new_hidden = set(by_industry)
        for question in questions:
            if question.id in by_industry:
                continue
            mine = [
                r for r in active if question.id in r.target_question_ids and r.action in ("SHOW", "HIDE")
            ]
            holding = [r for r in mine if evaluate_condition(r.condition, seen, types)]
            if holding:
                best = max(holding, key=lambda r: (r.priority, r.action == "HIDE"))
                if best.action == "HIDE":
                    new_hidden.add(question.id)
            elif any(r.action == "SHOW" for r in mine):
                new_hidden.add(question.id)
        if new_hidden == hidden:
            break
        hidden = new_hidden
    else:
        raise AssertionError("an acyclic questionnaire reaches a fixed point")
    seen = {qid: value for qid, value in answers.items() if qid not in hidden}
    required = set()
    for question in questions:
        if question.id in hidden:
            continue
        mine = [
            r for r in active if question.id in r.target_question_ids and r.action in ("REQUIRE", "UNREQUIRE")
        ]
        holding = [r for r in mine if evaluate_condition(r.condition, seen, types)]
        if holding:
            best = max(holding, key=lambda r: (r.priority, r.action == "REQUIRE"))
            if best.action == "REQUIRE":
                required.add(question.id)
        elif question.is_required:
            required.add(question.id)
    return hidden, required


@settings(derandomize=True, max_examples=250, deadline=None, database=None)
@given(questionnaires(acyclic=True))
def test_single_pass_matches_a_naive_fixed_point_on_acyclic_questionnaires(case):
    questions, rules, answers, industry = case
    engine = Engine(questions, rules)
    assert engine.find_cycles() == []
    result = engine.evaluate(answers, industry=industry)
    hidden, required = reference(questions, rules, answers, industry)
    assert result.hidden == hidden
    assert result.required == required


@FAST
@given(json_values | conditions((*IDS, "ghost")), st.dictionaries(st.sampled_from(IDS), json_values))
def test_evaluate_condition_never_raises_and_returns_a_bool(condition, answers):
    types = dict(zip(IDS, TYPES, strict=False))
    assert evaluate_condition(condition, answers, types) in (True, False)
