"""The fact catalogue is the truth about facts: what every subject's mapping holds, of
which type, and what each needs; contracts that name anything else fail to load."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from prodcheck.bundled import contracts_dir
from prodcheck.catalogue import FACTS, SUBJECT_KINDS, fields_of, top_level
from prodcheck.config import load_config
from prodcheck.engine.contracts import load_contract_file, load_rules
from prodcheck.engine.facts import SUBJECTS
from prodcheck.engine.index import build_index
from prodcheck.errors import ContractError
from prodcheck.factspec import ALL_PROVIDERS, FactType
from prodcheck.model import Money
from prodcheck.runner import load_checked_rules
from prodcheck.scenario import read_scenario
from prodcheck.tables import ACCOUNTS, TABLES
from prodcheck.testing import find_scenarios

from .conftest import SCENARIOS
from .python_readers import python_snapshot

PYTHON_TYPES: dict[FactType, Any] = {
    FactType.FLAG: bool,
    FactType.INTEGER: int,
    FactType.NUMBER: int | float,
    FactType.ID: str,
    FactType.TEXT: str,
    FactType.TIME: datetime,
    FactType.MONEY: Money,
    FactType.LIST: list,
    FactType.OBJECT: Mapping,
}


def _check_value(subject: str, name: str, value: Any, problems: list[str]) -> None:
    spec = FACTS[subject][name]
    if value is None:
        return
    if not isinstance(value, PYTHON_TYPES[spec.type]) or (
        spec.type is FactType.INTEGER and isinstance(value, bool)
    ):
        problems.append(f"{subject} {name}: {value!r} is not {spec.type}")
        return
    if spec.type is FactType.LIST and spec.item:
        problems += [
            f"{subject} {name}: item {v!r} is not {spec.item}"
            for v in value
            if not isinstance(v, PYTHON_TYPES[spec.item])
        ]
        if spec.values:
            problems += [
                f"{subject} {name}: {v!r} undeclared" for v in value if v not in spec.values
            ]
    if spec.values and spec.type is FactType.TEXT and value not in spec.values:
        problems.append(f"{subject} {name}: value {value!r} is not declared")
    if spec.type is FactType.OBJECT:
        declared = fields_of(subject, name)
        if set(value) != set(declared):
            problems.append(f"{subject} {name}: fields {sorted(value)} != {sorted(declared)}")
        for key, item in value.items():
            if key in declared:
                _check_value(subject, f"{name}.{key}", item, problems)


@pytest.mark.parametrize("folder", find_scenarios((SCENARIOS,)), ids=lambda p: p.name)
def test_every_computed_fact_is_declared_with_its_type(folder: Path) -> None:
    scenario = read_scenario(folder)
    assert scenario is not None
    config = load_config(folder / "prodcheck.yml")
    rules = load_checked_rules(config)
    snapshot = python_snapshot(config, rules, folder, scenario.now)
    assert scenario.now is not None
    index = build_index(snapshot, config, scenario.now)
    problems: list[str] = []
    subjects = 0
    for kind in SUBJECT_KINDS:
        for item in SUBJECTS[kind](index):
            subjects += 1
            keys = set(item.facts)
            if keys != set(top_level(kind)):
                problems.append(f"{kind}: facts {sorted(keys ^ set(top_level(kind)))} differ")
            for name in keys & set(top_level(kind)):
                _check_value(kind, name, item.facts[name], problems)
    assert subjects > 0
    assert not problems, "\n".join(sorted(set(problems))[:20])


def test_every_declaration_is_well_formed() -> None:
    assert set(FACTS) == set(SUBJECTS) == set(SUBJECT_KINDS)
    for kind, specs in FACTS.items():
        for name, spec in specs.items():
            assert spec.subject == kind and spec.name == name and spec.description
            others = {f"{t}.{f}" for t, s in TABLES.items() if t != "accounts" for f in s.optional}
            assert set(spec.columns) <= set(ACCOUNTS.optional) | others, name
            assert set(spec.needs) <= {"events", "subscription_schedules", *TABLES}, name
            assert spec.providers and spec.providers <= ALL_PROVIDERS, name
            assert (spec.item is not None) == (spec.type is FactType.LIST), name
            if spec.parent:
                assert FACTS[kind][spec.parent].type is FactType.OBJECT, name


def test_account_facts_follow_the_accounts_table() -> None:
    """An optional column declared in tables.py is an `account.*` fact that needs it."""
    for field in ACCOUNTS.fields:
        spec = FACTS["account"][f"account.{field.name}"]
        if not field.required and field.name != "comped":  # comped: also policy.comped_accounts
            assert spec.columns == (field.name,)


def test_derived_requirements_match_the_bundled_rules() -> None:
    rules = {rule.id: rule for rule in load_rules(contracts_dir(), None, ())}
    # Declared by no contract file: derived from the facts each condition names.
    assert rules["plan.mismatch"].requires == {"plan"}
    assert rules["lifecycle.stale_period_end"].requires == {"access_expires_at"}
    assert rules["plan.stale_pending_downgrade"].needs == {"subscription_schedules"}
    assert rules["plan.unpaid_upgrade"].providers == {"stripe"}
    assert rules["access.revenue_leak"].providers == ALL_PROVIDERS
    # Declared: account.deleted is false without deleted_at, so only the rule knows.
    assert rules["lifecycle.deleted_account_billed"].requires == {"deleted_at"}


RULE = """\
id: custom.probe
title: a probe rule
subject: {subject}
severity: warn
when:
  all:
    - {condition}
message: "{message}"
fix: "fix it"
rationale: "because"
"""


def _load(tmp_path: Path, condition: str, message: str = "x", subject: str = "account") -> list:
    path = tmp_path / "rule.yml"
    path.write_text(RULE.format(condition=condition, message=message, subject=subject))
    return load_contract_file(path)


def _error(tmp_path: Path, condition: str, message: str = "x", subject: str = "account") -> str:
    with pytest.raises(ContractError) as caught:
        _load(tmp_path, condition, message, subject)
    return str(caught.value)


# (condition, message template, words the error must hold); every error names the
# file, the line and the key path inside the rule.
BAD = [
    pytest.param(
        "{fact: account.has_acess, eq: true}",
        "x",
        [
            "rule.yml:7:",
            "when.all[0].fact",
            "unknown fact 'account.has_acess'",
            "did you mean 'account.has_access'?",
        ],
        id="misspelt-fact-path",
    ),
    pytest.param(
        "{fact: entitled, eq: true}",
        "{{ acount.id }}",
        ["rule.yml:8:", "message:", "unknown variable 'acount'", "did you mean 'account'?"],
        id="template-variable-typo",
    ),
    pytest.param(
        "{fact: entitled, eq: true}",
        "{{ candidate.stauts }}",
        ["rule.yml:8:", "unknown fact 'candidate.stauts'", "did you mean 'candidate.status'?"],
        id="template-attribute-typo",
    ),
    pytest.param(
        "{fact: billing_plan, gt: pro}",
        "x",
        [
            "rule.yml:7:",
            "when.all[0].gt",
            "`gt` compares numbers and times",
            "billing_plan is a text",
        ],
        id="gt-on-text",
    ),
    pytest.param(
        "{fact: entitling_count, eq: '2'}",
        "x",
        ["when.all[0].eq", "entitling_count holds an integer; '2' is text"],
        id="literal-of-the-wrong-type",
    ),
    pytest.param(
        "{fact: candidate.status, in: [active, cancelled]}",
        "x",
        ["when.all[0].in", "candidate.status is never 'cancelled'", "did you mean 'canceled'?"],
        id="status-typo",
    ),
    pytest.param(
        "{fact: subscription_statuses, in: [active]}",
        "x",
        ["`in` tests one value against a list", "use contains"],
        id="in-on-a-list",
    ),
    pytest.param(
        "{fact: entitling_count, contains: 1}",
        "x",
        ["`contains` looks inside a list or text"],
        id="contains-on-a-number",
    ),
    pytest.param(
        "{fact: billing_tier, gt: {fact: billing_plan}}",
        "x",
        ["when.all[0].gt", "billing_tier (integer) and billing_plan (text) never compare"],
        id="fact-against-fact-of-another-type",
    ),
    pytest.param(
        "{fact: monthly_amount, gt: 100}",
        "x",
        ["`gt` compares numbers and times, but monthly_amount is a money"],
        id="money-against-a-number",
    ),
    pytest.param(
        "{fact: entitled, eq: {fact: entitld}}",
        "x",
        ["when.all[0].eq.fact", "unknown fact 'entitld'", "did you mean 'entitled'?"],
        id="unknown-operand-fact",
    ),
    pytest.param(
        "{fact: entitled, eq: true}",
        "{{ columns.plann }}",
        ["unknown name 'columns.plann'", "did you mean 'columns.plan'?"],
        id="unknown-column-name",
    ),
    pytest.param(
        "{fact: entitled, eq: true}",
        "{{ subscription.id }}",
        ["unknown variable 'subscription'", "did you mean 'subscription_count'?"],
        id="fact-of-another-subject",
    ),
    pytest.param(
        "{fact: account.id, eq: 42}",
        "x",
        ["account.id holds an id; 42 is number", "quote it: ids are text"],
        id="unquoted-id",
    ),
]


@pytest.mark.parametrize(("condition", "message", "words"), BAD)
def test_a_bad_fact_is_a_load_error(
    tmp_path: Path, condition: str, message: str, words: list[str]
) -> None:
    text = _error(tmp_path, condition, message)
    assert "rule custom.probe" in text
    for word in words:
        assert word in text, f"{word!r} not in {text}"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = _error(
        tmp_path, "{fact: entitld, eq: true}\n    - {fact: billing_plan, lt: 3}", "{{ acount }}"
    )
    assert "3 problems" in text
    assert "rule.yml:7:" in text and "rule.yml:8:" in text and "rule.yml:9:" in text


GOOD = [
    ("{fact: candidate.status, in: [past_due, unpaid]}", "{{ candidate.status }}"),
    ("{fact: subscription_statuses, contains: past_due}", "{{ subscription_statuses | join }}"),
    ("{fact: db_tier, gt: {fact: billing_tier}}", "{{ db_tier }} {{ columns.plan }}"),
    ("{fact: expiry_gap_days, gt: 1.5}", "{{ policy.grace_period_days }} {{ now | date }}"),
    ("{fact: account.email, exists: true}", "{{ account.email.lower() }} {{ subject.id }}"),
    ("{fact: stale_downgrade, exists: true}", "{{ stale_downgrade.to_plan }}"),
    ("{fact: account.id, ne: {fact: customer.metadata_user_id}}", "{{ customer.get('id') }}"),
    (
        "{fact: entitling_count, ge: 2}",
        "{% for s in entitling_subscriptions %}{{ s.x }}{{ loop.index }}{% endfor %}"
        "{% set n = entitling_count %}{{ n.real }}{{ monthly_amount.amount }}",
    ),
    ("{fact: candidate.period_end, lt: {fact: billing_period_end}}", "{{ provider }}"),
]


@pytest.mark.parametrize(("condition", "message"), GOOD)
def test_a_sound_rule_loads(tmp_path: Path, condition: str, message: str) -> None:
    assert [r.id for r in _load(tmp_path, condition, message)] == ["custom.probe"]


@pytest.mark.parametrize("kind", SUBJECT_KINDS)
def test_every_subject_kind_checks_its_own_facts(tmp_path: Path, kind: str) -> None:
    first = next(iter(top_level(kind)))
    assert _load(tmp_path, f"{{fact: {first}, exists: true}}", f"{{{{ {first} }}}}", kind)
    assert "unknown fact 'nope'" in _error(tmp_path, "{fact: nope, exists: true}", "x", kind)
