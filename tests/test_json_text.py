"""json_text.dumps writes what json.dumps(indent=2, ensure_ascii=False) writes, byte
for byte: on every value hypothesis draws, on the odd shapes json handles its own
way, and on the demo's JSON report."""

from __future__ import annotations

import enum
import json
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodcheck.json_text import dumps
from prodcheck.reporters import json_report
from prodcheck.reporters.records import report_record
from prodcheck.runner import CheckRequest, run_check

from .conftest import DEMO


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_json_value_is_written_as_json_writes_it(value: Any) -> None:
    assert dumps(value) == _json(value)


class Text(enum.StrEnum):
    A = "a"


class Number(enum.IntEnum):
    X = 3


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        (1, 2),
        {"a": [], "b": {}, "c": [{}]},
        'é\u2028\x00"\\\U0001f600',
        -0.0,
        1e300,
        10**30,
        Text.A,
        {"k": Text.A, "n": Number.X},
        OrderedDict(a=1),
        {1: "a key json turns to text"},
        float("nan"),
        [float("inf")],
    ],
    ids=repr,
)
def test_odd_shapes_are_written_as_json_writes_them(value: Any) -> None:
    assert dumps(value) == _json(value)


def test_what_json_refuses_it_refuses() -> None:
    with pytest.raises(TypeError):
        dumps({"a": object()})
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(ValueError):
        dumps(looped)


def test_the_demo_report_is_json_dumps_of_its_record() -> None:
    _, report = run_check(CheckRequest(config_path=DEMO / "prodcheck.yml", fixtures=DEMO), env={})
    record = report_record(report)
    assert record["findings"]
    assert json_report.render(report) == _json(record) + "\n"
