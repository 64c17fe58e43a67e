"""Contracts are validated at load: an invalid one is an error naming file and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodcheck.bundled import contracts_dir
from prodcheck.engine.contracts import builtin_contract_files, load_contract_file, load_rules
from prodcheck.errors import ContractError

GOOD = """\
id: custom.big_spender
title: Big spender without access
subject: account
severity: warn
when:
  all:
    - {fact: entitled, eq: true}
    - {fact: monthly_amount, exists: true}
message: "Account {{ account.id }} pays {{ monthly_amount | money }}"
fix: "Check {{ account.id }}"
rationale: "Because."
"""


def load(tmp_path: Path, text: str) -> list:
    path = tmp_path / "rule.yml"
    path.write_text(text)
    return load_contract_file(path)


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ContractError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_every_builtin_contract_loads_and_matches_its_file() -> None:
    files = builtin_contract_files(contracts_dir())
    rules = load_rules(contracts_dir(), None, ())
    assert [r.id for r in rules] == [expected for expected, _ in files]
    assert len(rules) >= 19


def test_user_contract_loads(tmp_path: Path) -> None:
    [rule] = load(tmp_path, GOOD)
    assert rule.id == "custom.big_spender"
    # Compiled once, when it loads, to SQL over the account facts.
    assert rule.predicate == (
        '(("entitled" IS NOT DISTINCT FROM TRUE) AND ("monthly_amount" IS NOT NULL))'
    )


def test_several_rules_in_one_user_file(tmp_path: Path) -> None:
    indented = "".join(f"    {line}\n" for line in GOOD.splitlines())
    text = "rules:\n  -\n" + indented + "  -\n" + indented.replace("big_spender", "other")
    assert [r.id for r in load(tmp_path, text)] == ["custom.big_spender", "custom.other"]


def test_unknown_fact(tmp_path: Path) -> None:
    text = error(tmp_path, GOOD.replace("fact: entitled", "fact: entitld"))
    assert (
        "rule.yml:7: rule custom.big_spender: when.all[0].fact: unknown fact 'entitld' for an "
        "account rule: did you mean 'entitled'?" in text
    )


def test_unknown_operator(tmp_path: Path) -> None:
    text = error(tmp_path, GOOD.replace("eq: true", "equals: true"))
    assert "needs exactly one operator" in text and "when.all[0]" in text


def test_template_syntax_error(tmp_path: Path) -> None:
    text = error(tmp_path, GOOD.replace("{{ account.id }} pays", "{{ account.id pays"))
    assert "message template" in text


def test_missing_required_key_and_bad_severity(tmp_path: Path) -> None:
    text = error(
        tmp_path,
        GOOD.replace("severity: warn", "severity: critical").replace('rationale: "Because."\n', ""),
    )
    assert "invalid contract" in text


def test_builtin_id_must_match_path(tmp_path: Path) -> None:
    (tmp_path / "access").mkdir()
    (tmp_path / "access" / "leak.yml").write_text(GOOD)
    with pytest.raises(ContractError, match="does not match its file"):
        load_rules(tmp_path, None, ())


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    path = tmp_path / "mine.yml"
    path.write_text(GOOD.replace("custom.big_spender", "access.revenue_leak"))
    with pytest.raises(ContractError, match="already defined"):
        load_rules(contracts_dir(), None, (path,))


def test_template_error_at_render_names_rule_and_subject(run_cli, demo_copy: Path) -> None:
    rule = demo_copy / "extra.yml"
    # Valid at load (pending_plan is a declared fact), null at render for an account
    # without a pending update.
    rule.write_text(GOOD.replace("{{ account.id }} pays", "{{ pending_plan.upper() }} pays"))
    config = demo_copy / "prodcheck.yml"
    config.write_text(config.read_text() + "contracts:\n  files: [extra.yml]\n")
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert "rule custom.big_spender: the message template failed for account" in result.output


def test_every_built_in_template_compiles() -> None:
    """Built-in rules' templates are compiled when first rendered (a run renders only
    the rules that fire): each one compiles."""
    from prodcheck.bundled import contracts_dir
    from prodcheck.engine.contracts import load_rules

    rules = load_rules(contracts_dir(), None, ())
    assert len(rules) >= 25
    for rule in rules:
        for template in (rule.message, rule.fix):
            assert template.compiled() is not None, rule.id
