"""bench.load.run's stepped runs: when clients start, what each step measures, and the capacity it reports."""

import argparse

import pytest

from bench.load.run import _capacity, _counts, _step_start, _steps_report


def test_client_counts_must_rise():
    assert _counts("20,40, 60") == [20, 40, 60]
    for wrong in ("40,20", "0,10", "", "ten", "20,20"):
        with pytest.raises(argparse.ArgumentTypeError):
            _counts(wrong)


def test_each_steps_new_clients_start_over_its_first_quarter():
    starts = [_step_start(number, [2, 4], seconds=40, ramp=20) for number in range(4)]
    assert starts == [0.0, 5.0, 40.0, 45.0]  # a quarter of 40 s is 10 s, shorter than the 20 s ramp
    with pytest.raises(ValueError):
        _step_start(4, [2, 4], seconds=40, ramp=20)


def test_a_step_is_measured_after_its_clients_have_started():
    ended = [
        (5.0, "answer", 900.0),  # the first third of step 1: left out
        (20.0, "answer", 10.0),
        (25.0, "section", 30.0),
        (35.0, "answer", 400.0),  # the first third of step 2
        (55.0, "answer", 300.0),
        (61.0, "answer", 500.0),  # after the last step
    ]
    first, second = _steps_report(ended, started=0.0, counts=[10, 20], seconds=30)
    assert first["clients"] == 10 and first["requests_per_second"] == 0.1  # 2 requests in 20 s
    assert first["all"]["count"] == 2 and first["answer"]["p95_ms"] == 10.0
    assert second["all"]["count"] == 1 and second["all"]["p95_ms"] == 300.0


def test_the_capacity_is_the_last_step_before_the_p95_passes_250_ms():
    def step(rps, p95):
        return {"requests_per_second": rps, "all": {"p95_ms": p95}}

    assert _capacity([step(40, 20), step(80, 120), step(110, 300), step(120, 100)]) == 80
    assert _capacity([step(40, 260), step(80, 20)]) is None
    assert _capacity([step(40, 20), {"requests_per_second": 0, "all": {}}]) == 40
