"""Engine.evaluate_change(): after answers change, deciding again only what depends on them gives exactly
what a full evaluation gives (Hypothesis over random questionnaires, cycles and computed values included,
and random sequences of answers, changes and clearings)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires.rules import ComputedSpec, Engine, QuestionSpec, RuleSpec
from tests.questionnaires.test_rules_properties import (
    IDS,
    INDUSTRIES,
    json_values,
    questionnaires,
    snapshot,
    typed_answer,
)

CHANGES = settings(derandomize=True, max_examples=300, deadline=None, database=None)


def _total(answers):
    """A computed value: the sum of the numbers answered (fails on anything odd, as an author's might)."""
    return sum(value["number"] for value in answers.values())


@st.composite
def with_computed_rules(draw):
    """A questionnaire (maybe cyclic), plus rules that read a computed value over some of its questions."""
    questions, rules, answers, industry = draw(questionnaires())
    ids = [q.id for q in questions]
    reads = tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)))
    computed = [ComputedSpec("total", reads, _total)]
    for n in range(draw(st.integers(0, 3))):
        rules.append(
            RuleSpec(
                id=f"c{n}",
                question_id=ids[0],
                condition={
                    "field": "total",
                    "operator": draw(st.sampled_from(["gt", "lte", "eq", "is_empty", "is_not_empty"])),
                    "value": draw(st.integers(-2, 6)),
                },
                action=draw(st.sampled_from(["SHOW", "HIDE", "REQUIRE", "UNREQUIRE"])),
                target_question_ids=tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2))),
                priority=draw(st.integers(0, 2)),
            )
        )
    return questions, rules, computed, answers, industry


@st.composite
def answer_changes(draw, questions):
    """A sequence of steps, each answering, changing or clearing one question (now and then two)."""
    types = {q.id: q.type for q in questions}
    steps = []
    for _ in range(draw(st.integers(1, 8))):
        step = {}
        for question_id in draw(st.lists(st.sampled_from([*IDS, "ghost"]), min_size=1, max_size=2)):
            qtype = types.get(question_id, "TEXT")
            step[question_id] = draw(st.none() | typed_answer(qtype) | json_values)
        steps.append(step)
    return steps


def _apply(answers: dict, step: dict) -> dict:
    after = dict(answers)
    for question_id, value in step.items():
        if value is None:
            after.pop(question_id, None)  # cleared
        else:
            after[question_id] = value
    return after


@CHANGES
@given(st.data())
def test_a_change_evaluated_incrementally_equals_a_full_evaluation(data):
    questions, rules, computed, answers, industry = data.draw(with_computed_rules())
    engine = Engine(questions, rules, computed)
    evaluation = engine.evaluate(answers, industry=industry)
    for step in data.draw(answer_changes(questions)):
        answers = _apply(answers, step)
        incremental = engine.evaluate_change(evaluation, answers, step, industry=industry)
        full = engine.evaluate(answers, industry=industry)
        assert snapshot(incremental) == snapshot(full), step
        evaluation = incremental  # the next change starts from the incremental result


@CHANGES
@given(questionnaires(), st.data())
def test_another_industry_or_engine_is_evaluated_in_full(case, data):
    questions, rules, answers, industry = case
    engine = Engine(questions, rules)
    before = engine.evaluate(answers, industry=industry)
    other_industry = data.draw(st.sampled_from([None, *INDUSTRIES]))
    changed = engine.evaluate_change(before, answers, [], industry=other_industry)
    assert snapshot(changed) == snapshot(engine.evaluate(answers, industry=other_industry))
    twin = Engine(questions, rules)  # same questionnaire, another engine: its memory is not reused
    assert snapshot(twin.evaluate_change(before, answers, [], industry=industry)) == snapshot(before)


def test_only_the_dependants_of_the_changed_answer_are_decided_again():
    # q0 -> q1 -> q2 is a chain of SHOW rules; q3 and q4 hang on q5. Answering q5 must not re-decide the
    # chain, which the count of condition calls shows.
    questions = [QuestionSpec(f"q{n}", "NUMBER") for n in range(6)]
    calls = []

    def rule(n, field, target):
        return RuleSpec(f"r{n}", field, {"field": field, "operator": "gt", "value": 0}, "SHOW", (target,))

    rules = [rule(1, "q0", "q1"), rule(2, "q1", "q2"), rule(3, "q5", "q3"), rule(4, "q5", "q4")]
    engine = Engine(questions, rules)
    answers = {"q0": {"number": 1}, "q1": {"number": 1}}
    before = engine.evaluate(answers)
    assert before.visible == {"q0", "q1", "q2", "q5"}
    steps = engine._steps
    engine._steps = tuple(  # count the steps decided again
        (i, tuple((_counting(c, i, calls), h, p) for c, h, p in r), s, comp) for i, r, s, comp in steps
    )
    answers = {**answers, "q5": {"number": 3}}
    after = engine.evaluate_change(before, answers, ["q5"])
    assert after.visible == {"q0", "q1", "q2", "q3", "q4", "q5"}
    assert sorted({engine._ids[i] for i in calls}) == ["q3", "q4"]


def _counting(condition, i, calls):
    def counted(e):
        calls.append(i)
        return condition(e)

    return counted
