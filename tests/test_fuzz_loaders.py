"""A short fuzz of every loader in CI (the long run is `bench/fuzz_loaders.py`), and
the compiled object shapes checked against jsonschema on the same mutated objects."""

from __future__ import annotations

import json
import random
from pathlib import Path

import jsonschema
import pytest

from prodcheck.sources.shapes import object_schema, problems

from .conftest import SCENARIOS
from .fuzzing import TARGETS, fuzz, mutate_data

INPUTS = 1_200


def test_short_fuzz_raises_nothing_but_prodcheck_errors(tmp_path: Path) -> None:
    outcome = fuzz(INPUTS, seed=20261203, work=tmp_path)
    assert outcome.inputs == INPUTS
    assert not outcome.crashes, (outcome.crashes, outcome.examples)
    # Not vacuous: mutations are both accepted and refused, on every target.
    assert outcome.accepted > INPUTS // 10 and outcome.refused > INPUTS // 10
    assert set(outcome.by_target) == {name for name, *_ in TARGETS}
    assert outcome.slowest < 30


KINDS = {
    "stripe-subscription": SCENARIOS / "mixed-saas" / "stripe" / "subscriptions.json",
    "stripe-customer": SCENARIOS / "mixed-saas" / "stripe" / "customers.json",
    "stripe-subscription-schedule": SCENARIOS
    / "mixed-saas"
    / "stripe"
    / "subscription_schedules.json",
    "stripe-event": SCENARIOS / "settle-window" / "stripe" / "events.json",
    "paddle-subscription": SCENARIOS / "paddle-fail" / "paddle" / "subscriptions.json",
    "paddle-customer": SCENARIOS / "paddle-fail" / "paddle" / "customers.json",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_compiled_shapes_agree_with_jsonschema(kind: str) -> None:
    """The fast checks and the reference validator give the same verdict on every
    mutated object, and every real object passes both."""
    data = json.loads(KINDS[kind].read_text())
    objects = data["data"] if isinstance(data, dict) else data
    validator = jsonschema.Draft202012Validator(object_schema(kind))
    rng = random.Random(kind)
    disagreements = []
    rejected = 0
    for original in objects:
        assert not problems(kind, original) and validator.is_valid(original)
    for number in range(600):
        obj = mutate_data(rng, json.loads(json.dumps(objects[number % len(objects)])), 2)
        ours = bool(problems(kind, obj))
        rejected += ours
        if ours == validator.is_valid(obj):
            disagreements.append(obj)
    assert not disagreements[:3]
    assert 30 < rejected < 570  # the mutations reach both outcomes
