"""A mutation fuzzer for prodcheck's loaders: real scenario files, mutated the way a
hostile or careless user would (a value of another type, a key deleted, deep
nesting, huge numbers, stray bytes, truncation), fed to the loader that reads them.
The only acceptable outcomes are a result or a ProdcheckError; anything else is a
crash, recorded with the exception type and the line that raised it.

Deterministic for a seed. `tests/test_fuzz_loaders.py` runs a short fuzz in CI;
`bench/fuzz_loaders.py` runs a long one and prints the figures.
"""

from __future__ import annotations

import json
import random
import shutil
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from prodcheck.baseline import load_baseline
from prodcheck.config import Config, load_config
from prodcheck.engine.contracts import load_contract_file
from prodcheck.errors import ProdcheckError
from prodcheck.redaction import reset
from prodcheck.scenario import read_scenario
from prodcheck.sources.fixtures import FixtureAccounts, FixtureBilling

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
CONTRACTS = REPO / "contracts"

_SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    10**30,
    float("nan"),
    float("inf"),
    "",
    "x",
    "sub_1",
    "2026-13-45T99:00:00Z",
    "9" * 400,
    "month",
    "🚀",
    "\x00",
    "x" * 5000,
]


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _nodes(item, (*path, index))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _replacement(rng: random.Random, old: Any) -> Any:
    choice = rng.randrange(9)
    if choice < 3:
        return rng.choice(_SCALARS)
    if choice == 3:
        return []
    if choice == 4:
        return {}
    if choice == 5:
        return [old]
    if choice == 6:
        return {"id": old, "data": old}
    if choice == 7:
        return str(old)[: rng.randrange(1, 30)]
    nested: Any = old
    for _ in range(rng.choice((10, 70, 300))):
        nested = [nested] if rng.random() < 0.5 else {"a": nested}
    return nested


def mutate_data(rng: random.Random, data: Any, rounds: int) -> Any:
    """`data` with 1..rounds structural mutations."""
    for _ in range(rng.randint(1, rounds)):
        paths = _nodes(data)
        path = rng.choice(paths)
        if not path:
            data = _replacement(rng, data)
            continue
        parent = _get(data, path[:-1])
        key = path[-1]
        if isinstance(parent, dict) and rng.random() < 0.2:
            del parent[key]
        elif isinstance(parent, list) and rng.random() < 0.1:
            parent.append(parent[key])
        else:
            parent[key] = _replacement(rng, parent[key])
    return data


def mutate_text(rng: random.Random, text: str) -> str:
    """Byte-level trouble: stray characters, cuts, a BOM, CRLF, doubled lines."""
    choice = rng.randrange(7)
    if not text:
        return rng.choice(["", "\ufeff", "{", "[", "- ", "a: [", "\x00"])
    position = rng.randrange(len(text))
    if choice == 0:
        return text[:position]
    if choice == 1:
        return text[:position] + rng.choice("{}[]:,\"'&*!|>#%@`\t\n\x00\\-?") + text[position:]
    if choice == 2:
        end = min(len(text), position + rng.randrange(1, 40))
        return text[:position] + text[end:]
    if choice == 3:
        return "\ufeff" + text.replace("\n", "\r\n")
    if choice == 4:
        lines = text.splitlines(keepends=True)
        line = rng.randrange(len(lines))
        return "".join(lines[: line + 1] + lines[line:])
    if choice == 5:
        return text[:position] + "&a " + text[position:] + "\n*a"
    return text[:position] + "9" * rng.choice((50, 500, 5000)) + text[position:]


@dataclass
class Outcome:
    inputs: int = 0
    accepted: int = 0
    refused: int = 0  # a ProdcheckError: exit 2 with a message
    crashes: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    slowest: float = 0.0
    by_target: Counter[str] = field(default_factory=Counter)


def _dump(path: Path, data: Any) -> None:
    if path.suffix == ".json":
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


Target = Callable[[Path, Config], object]


def _billing(folder: Path, config: Config) -> object:
    return FixtureBilling(folder, config.billing).load(frozenset())


def _accounts(folder: Path, config: Config) -> object:
    return FixtureAccounts(folder, config.database).load()


def _config(folder: Path, config: Config) -> object:
    return load_config(folder / "prodcheck.yml")


def _scenario(folder: Path, config: Config) -> object:
    return read_scenario(folder)


def _baseline(folder: Path, config: Config) -> object:
    return load_baseline(folder / "baseline.json")


def _contract(folder: Path, config: Config) -> object:
    return load_contract_file(folder / "rule.yml")


_BASELINE = {
    "schema_version": 1,
    "created": "2026-11-01T12:00:00Z",
    "tool": "prodcheck",
    "config": "prodcheck.yml",
    "entries": [
        {
            "fingerprint": "0a5c0c0e1f2b3c4d",
            "rule": "access.revenue_leak",
            "subject": "account:u_1003",
        }
    ],
}

# (target name, scenario, file mutated, loader)
TARGETS: list[tuple[str, str, str, Target]] = [
    ("stripe subscriptions", "mixed-saas", "stripe/subscriptions.json", _billing),
    ("stripe customers", "mixed-saas", "stripe/customers.json", _billing),
    ("stripe schedules", "mixed-saas", "stripe/subscription_schedules.json", _billing),
    ("stripe events", "settle-window", "stripe/events.json", _billing),
    ("paddle subscriptions", "paddle-fail", "paddle/subscriptions.json", _billing),
    ("paddle customers", "paddle-fail", "paddle/customers.json", _billing),
    ("db rows json", "mixed-saas", "db/users.json", _accounts),
    ("db rows csv", "mixed-saas-csv", "db/users.csv", _accounts),
    ("config", "mixed-saas", "prodcheck.yml", _config),
    ("scenario.yml", "demo", "scenario.yml", _scenario),
    ("baseline", "demo", "baseline.json", _baseline),
    ("contract", "demo", "rule.yml", _contract),
]


def _prepare(work: Path) -> dict[str, Path]:
    """A pristine copy of each scenario used, plus the extra files the targets read."""
    folders = {}
    for _, scenario, _, _ in TARGETS:
        if scenario not in folders:
            target = work / scenario
            shutil.copytree(SCENARIOS / scenario.removesuffix("-csv"), target)
            folders[scenario] = target
    mixed = folders["mixed-saas-csv"]
    rows = json.loads((mixed / "db" / "users.json").read_text())
    (mixed / "db" / "users.json").unlink()
    columns = list(dict.fromkeys(k for row in rows for k in row))
    lines = [",".join(columns)] + [
        ",".join("" if row.get(c) is None else str(row.get(c)) for c in columns) for row in rows
    ]
    (mixed / "db" / "users.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    demo = folders["demo"]
    (demo / "baseline.json").write_text(json.dumps(_BASELINE), encoding="utf-8")
    shutil.copy(CONTRACTS / "access" / "revenue_leak.yml", demo / "rule.yml")
    return folders


def fuzz(n: int, seed: int, work: Path, *, keep_examples: int = 3) -> Outcome:
    """Run `n` mutated inputs, spread over every target."""
    rng = random.Random(seed)
    folders = _prepare(work)
    originals = {
        name: (folders[scenario] / relative).read_text(encoding="utf-8")
        for name, scenario, relative, _ in TARGETS
    }
    configs = {
        scenario: load_config(folder / "prodcheck.yml") for scenario, folder in folders.items()
    }
    outcome = Outcome()
    for number in range(n):
        name, scenario, relative, loader = TARGETS[number % len(TARGETS)]
        case = folders[scenario]
        path = case / relative
        original = originals[name]
        written = False
        if rng.random() < 0.6 and path.suffix in (".json", ".yml"):
            data = json.loads(original) if path.suffix == ".json" else yaml.safe_load(original)
            try:
                _dump(path, mutate_data(rng, data, 3))
                written = True
            except RecursionError:  # nested past what the writer can write: mutate text
                pass
        if not written:
            path.write_text(mutate_text(rng, original), encoding="utf-8")
        reset()
        started = time.perf_counter()
        outcome.inputs += 1
        outcome.by_target[name] += 1
        try:
            loader(case, configs[scenario])
            outcome.accepted += 1
        except ProdcheckError:
            outcome.refused += 1
        except Exception as exc:
            site = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{name}: {type(exc).__name__} at {Path(site.filename).name}:{site.lineno}"
            outcome.crashes[key] += 1
            if key not in outcome.examples and len(outcome.examples) < keep_examples * 10:
                outcome.examples[key] = path.read_text(encoding="utf-8", errors="replace")[:2000]
        outcome.slowest = max(outcome.slowest, time.perf_counter() - started)
        path.write_text(original, encoding="utf-8")  # the next input starts from the original
    return outcome
