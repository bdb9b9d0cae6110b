"""Benchmark the rule engine (questionnaires/rules.py) against its budget: 2,000 questions and 5,000 rules
evaluated in at most 10 ms, with a cost per rule that stays flat as questionnaires grow; and one answer
changed, evaluated incrementally from the previous evaluation (Engine.evaluate_change), in at most 0.3 ms.

Run as `python bench/bench_rules.py` (add `--json` for machine-readable output), or import and call main().
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from questionnaires.rules import Engine, QuestionSpec, RuleSpec  # noqa: E402

TARGET_MS = 10.0
CHANGE_TARGET_MS = 0.3
FULL_SIZE = (2_000, 5_000)  # (questions, rules)
SCALING_RULES = (200, 1_000, 5_000)  # questions grow with rules: 2 for every 5
SEED = 20250115

TYPES = (
    ("TEXT", 3),
    ("TEXTAREA", 1),
    ("NUMBER", 3),
    ("EMAIL", 1),
    ("URL", 1),
    ("DATE", 2),
    ("SINGLE_CHOICE", 4),
    ("MULTIPLE_CHOICE", 3),
    ("SCALE", 2),
    ("FILE_UPLOAD", 1),
    ("MATRIX", 1),
)
ACTIONS = (("SHOW", 35), ("HIDE", 25), ("REQUIRE", 20), ("UNREQUIRE", 20))
WORDS = ("alpha", "beta", "gamma", "delta", "retail", "health", "finance", "cloud", "legal", "tax")
INDUSTRIES = ("retail", "health", "finance", "tech")
FIELD_WINDOW = 30  # conditions read recent questions, so dependencies form long chains
TARGET_WINDOW = 40


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _options(rng: random.Random) -> list[str]:
    return [_uuid(rng) for _ in range(5)]


def _leaf(rng: random.Random, question: QuestionSpec, options: list[str]) -> dict:
    """Return a random, well-formed leaf whose operator suits the question's type."""
    kind = question.type
    field = question.id
    if kind in ("NUMBER", "SCALE"):
        op = rng.choice(("eq", "ne", "gt", "lt", "gte", "lte", "in", "not_in", "is_empty"))
        if op in ("in", "not_in"):
            return {"field": field, "operator": op, "value": rng.sample(range(1, 11), 3)}
        return {"field": field, "operator": op, "value": rng.randint(1, 10)}
    if kind == "DATE":
        op = rng.choice(("eq", "ne", "gt", "lt", "gte", "lte", "is_not_empty"))
        return {"field": field, "operator": op, "value": f"2025-{rng.randint(1, 12):02d}-15"}
    if kind in ("SINGLE_CHOICE", "MULTIPLE_CHOICE"):
        op = rng.choice(("eq", "ne", "in", "not_in", "contains", "not_contains", "is_empty"))
        if op in ("in", "not_in"):
            return {"field": field, "operator": op, "value": rng.sample(options, 2)}
        return {"field": field, "operator": op, "value": rng.choice(options)}
    if kind in ("FILE_UPLOAD", "MATRIX"):
        return {"field": field, "operator": rng.choice(("is_empty", "is_not_empty")), "value": None}
    op = rng.choice(("eq", "ne", "in", "not_in", "contains", "not_contains", "is_not_empty"))
    if op in ("in", "not_in"):
        return {"field": field, "operator": op, "value": rng.sample(WORDS, 3)}
    return {"field": field, "operator": op, "value": rng.choice(WORDS)}


def _condition(rng: random.Random, fields: list[QuestionSpec], options: dict[str, list[str]]) -> dict:
    """Return a condition of 1-3 leaves: a single leaf, a leaf with nested leaves, or a group."""
    leaves = [
        _leaf(rng, q, options.get(q.id, [])) for q in rng.sample(fields, min(len(fields), rng.randint(1, 3)))
    ]
    if len(leaves) == 1:
        return leaves[0]
    logical_op = rng.choice(("AND", "OR"))
    if rng.random() < 0.5:
        return {**leaves[0], "logicalOp": logical_op, "nested": leaves[1:]}
    return {"logicalOp": logical_op, "nested": leaves}


def _answer(rng: random.Random, question: QuestionSpec, options: list[str]) -> dict:
    kind = question.type
    if kind in ("TEXT", "TEXTAREA", "EMAIL", "URL"):
        return {"text": " ".join(rng.sample(WORDS, 2))}
    if kind == "NUMBER":
        return {"number": rng.randint(1, 10)}
    if kind == "SCALE":
        return {"rating": rng.randint(1, 10), "min": 1, "max": 10}
    if kind == "DATE":
        return {"date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
    if kind == "SINGLE_CHOICE":
        return {"selectedOptionId": rng.choice(options)}
    if kind == "MULTIPLE_CHOICE":
        return {"selectedOptionIds": rng.sample(options, rng.randint(1, 3))}
    if kind == "FILE_UPLOAD":
        return {"fileUrl": "https://files.example/doc.pdf", "fileName": "doc.pdf", "fileSize": 1024}
    return {"rows": {"r1": rng.choice(options or ["o1"]), "r2": rng.choice(options or ["o2"])}}


def generate(n_questions: int, n_rules: int, seed: int = SEED) -> tuple[list, list, dict]:
    """Return (questions, rules, answers) for a deterministic, acyclic generated questionnaire.

    Rules owned by the question at position p read questions at positions up to p and target
    questions after it, so every dependency points forward and chains run through the whole form.
    """
    rng = random.Random(seed)
    type_names = [name for name, _ in TYPES]
    type_weights = [weight for _, weight in TYPES]
    questions = []
    options: dict[str, list[str]] = {}
    for position in range(n_questions):
        qtype = rng.choices(type_names, type_weights)[0]
        tags = (rng.choice(INDUSTRIES),) if rng.random() < 0.1 else ()
        question = QuestionSpec(
            id=_uuid(rng),
            type=qtype,
            is_required=rng.random() < 0.3,
            industry_tags=tags,
            order=(position // 20, position % 20),
        )
        questions.append(question)
        if qtype in ("SINGLE_CHOICE", "MULTIPLE_CHOICE", "MATRIX"):
            options[question.id] = _options(rng)

    action_names = [name for name, _ in ACTIONS]
    action_weights = [weight for _, weight in ACTIONS]
    rules = []
    for _ in range(n_rules):
        owner = rng.randrange(0, n_questions - 1)
        fields = questions[max(0, owner - FIELD_WINDOW) : owner + 1]
        last = min(n_questions, owner + 1 + TARGET_WINDOW)
        targets = rng.sample(questions[owner + 1 : last], min(last - owner - 1, rng.randint(1, 2)))
        rules.append(
            RuleSpec(
                id=_uuid(rng),
                question_id=questions[owner].id,
                condition=_condition(rng, fields, options),
                action=rng.choices(action_names, action_weights)[0],
                target_question_ids=tuple(q.id for q in targets),
                priority=rng.randint(0, 3),
                is_active=rng.random() < 0.97,
            )
        )

    answers = {q.id: _answer(rng, q, options.get(q.id, [])) for q in questions if rng.random() < 0.75}
    return questions, rules, answers


def _time_rounds(cases: dict[int, tuple[Engine, dict]], repeat: int, warmup: int) -> dict[int, list[float]]:
    """Time the cases one evaluation each in turn.

    Interleaving puts every size under the same conditions: a slow spell on a shared machine hits
    them alike, and no small questionnaire is timed while it alone sits in the CPU cache (in a web
    process the rest of the request evicts it between evaluations too).
    """
    for _ in range(warmup):
        for engine, answers in cases.values():
            engine.evaluate(answers, industry="retail")
    gc.collect()
    samples: dict[int, list[float]] = {size: [] for size in cases}
    for _ in range(repeat):
        for size, (engine, answers) in cases.items():
            start = time.perf_counter()
            engine.evaluate(answers, industry="retail")
            samples[size].append((time.perf_counter() - start) * 1000.0)
    return samples


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(repeat: int = 300, warmup: int = 20) -> dict:
    """Run the benchmark and return its figures (milliseconds unless the key says otherwise)."""
    n_questions, n_rules = FULL_SIZE
    questions, rules, answers = generate(n_questions, n_rules)

    compile_samples = []
    for _ in range(5):
        start = time.perf_counter()
        engine = Engine(questions, rules)
        compile_samples.append((time.perf_counter() - start) * 1000.0)
    assert not engine.find_cycles(), "the generated questionnaire must be acyclic"

    cases: dict[int, tuple[Engine, dict]] = {}
    for size in SCALING_RULES:
        if size == n_rules:
            cases[size] = (engine, answers)
        else:
            sized_questions, sized_rules, sized_answers = generate(size * n_questions // n_rules, size)
            cases[size] = (Engine(sized_questions, sized_rules), sized_answers)
    samples = _time_rounds(cases, repeat, warmup)

    full_samples = samples[n_rules]
    result = engine.evaluate(answers, industry="retail")
    full = {
        "questions": n_questions,
        "rules": n_rules,
        "median_ms": statistics.median(full_samples),
        "p95_ms": _percentile(full_samples, 0.95),
        "min_ms": min(full_samples),
        "target_ms": TARGET_MS,
        "compile_ms": statistics.median(compile_samples),
        "visible": len(result.visible),
        "hidden": len(result.hidden),
        "required": len(result.required),
        "dormant": len(result.dormant),
    }
    full["within_target"] = full["p95_ms"] <= TARGET_MS

    scaling = []
    for size, (sized_engine, _) in cases.items():
        median = statistics.median(samples[size])
        scaling.append(
            {
                "questions": len(sized_engine.dependencies()),
                "rules": size,
                "median_ms": median,
                "us_per_rule": median * 1000.0 / size,
            }
        )
    ratio = scaling[-1]["us_per_rule"] / scaling[0]["us_per_rule"]
    return {"full": full, "scaling": scaling, "per_rule_ratio": ratio, "change": _changes(engine, answers)}


def _changes(engine: Engine, answers: dict, count: int = 600) -> dict:
    """Time one answer changed, as a client's answer does: each of ``count`` questions (drawn at random,
    every part of the questionnaire alike) gets another answer of its type, evaluated incrementally from
    the evaluation before it; the full evaluation of the same answers is timed alongside."""
    rng = random.Random(SEED + 1)
    questions = sorted(engine.dependencies())
    regenerated = generate(*FULL_SIZE)[2]  # answers of the same shapes, other values
    before = engine.evaluate(answers, industry="retail")
    incremental, full = [], []
    for question_id in rng.choices(questions, k=count):
        changed = dict(answers)
        if question_id in regenerated and rng.random() < 0.8:
            changed[question_id] = regenerated[question_id]
        else:
            changed.pop(question_id, None)  # cleared
        start = time.perf_counter()
        engine.evaluate_change(before, changed, (question_id,), industry="retail")
        incremental.append((time.perf_counter() - start) * 1000.0)
        start = time.perf_counter()
        engine.evaluate(changed, industry="retail")
        full.append((time.perf_counter() - start) * 1000.0)
    return {
        "changes": count,
        "median_ms": statistics.median(incremental),
        "p95_ms": _percentile(incremental, 0.95),
        "full_median_ms": statistics.median(full),
        "target_ms": CHANGE_TARGET_MS,
        "within_target": statistics.median(incremental) <= CHANGE_TARGET_MS,
    }


def _print_table(results: dict) -> None:
    full = results["full"]
    verdict = "OK" if full["within_target"] else "OVER BUDGET"
    print(f"Rule engine: {full['questions']:,} questions, {full['rules']:,} rules")
    print(f"  compile (Engine.__init__)  {full['compile_ms']:8.2f} ms")
    print(f"  evaluate min               {full['min_ms']:8.2f} ms")
    print(f"  evaluate median            {full['median_ms']:8.2f} ms")
    target = f"target {full['target_ms']:.0f} ms: {verdict}"
    print(f"  evaluate p95               {full['p95_ms']:8.2f} ms  ({target})")
    print(
        f"  outcome: {full['visible']} visible, {full['hidden']} hidden, "
        f"{full['required']} required, {full['dormant']} dormant"
    )
    print()
    print(f"  {'rules':>6} {'questions':>10} {'median ms':>10} {'us/rule':>8}")
    for row in results["scaling"]:
        print(
            f"  {row['rules']:>6} {row['questions']:>10} {row['median_ms']:>10.3f} {row['us_per_rule']:>8.3f}"
        )
    first, last = SCALING_RULES[0], SCALING_RULES[-1]
    print(
        f"  cost per rule at {last:,} / at {first:,} rules: {results['per_rule_ratio']:.2f} (1.00 = linear)"
    )
    change = results["change"]
    verdict = "OK" if change["within_target"] else "OVER BUDGET"
    print(
        f"  one answer changed ({change['changes']} random questions): incremental median "
        f"{change['median_ms']:.3f} ms, p95 {change['p95_ms']:.3f} ms (target {CHANGE_TARGET_MS} ms: "
        f"{verdict}); the full evaluation of the same answers {change['full_median_ms']:.2f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300, help="timed evaluations per size")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    figures = main(repeat=args.repeat)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        _print_table(figures)
