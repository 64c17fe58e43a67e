"""The rule reference is generated from contracts/, and every rule is proven by a
failing and a passing scenario."""

from __future__ import annotations

import pytest

from prodcheck.bundled import contracts_dir
from prodcheck.catalogue import FACTS
from prodcheck.cli.info import README_BEGIN, README_END, rules_markdown
from prodcheck.cli.reference import (
    COLUMNS_BEGIN,
    COLUMNS_END,
    FACTS_BEGIN,
    FACTS_END,
    columns_markdown,
    facts_markdown,
)
from prodcheck.engine.contracts import load_rules
from prodcheck.scenario import read_scenario

from .conftest import REPO, SCENARIOS

RULES = load_rules(contracts_dir(), None, ())

# The catalogue from issue 3: these ids are part of the interface.
CATALOGUE = {
    "access.revenue_leak",
    "access.wrongful_access",
    "access.grace_expired",
    "access.revoked_in_grace",
    "plan.mismatch",
    "plan.overprovisioned",
    "plan.underprovisioned",
    "plan.unknown_price",
    "plan.unpaid_upgrade",
    "plan.stale_pending_downgrade",
    "identity.duplicate_customer",
    "identity.metadata_mismatch",
    "identity.orphan_subscription",
    "identity.unknown_customer",
    "lifecycle.deleted_account_billed",
    "lifecycle.stale_period_end",
    "lifecycle.expired_still_active",
    "billing.multiple_entitling_subscriptions",
    "trial.repeat_trial",
}


def test_catalogue_ids_are_all_defined() -> None:
    assert {rule.id for rule in RULES} >= CATALOGUE


def test_readme_rule_table_is_generated_from_contracts() -> None:
    readme = (REPO / "README.md").read_text()
    start, end = readme.index(README_BEGIN), readme.index(README_END) + len(README_END)
    assert readme[start:end] + "\n" == rules_markdown(RULES), (
        "README rule table is stale: replace it with `prodcheck rules --format markdown`"
    )


def test_rules_command_lists_every_rule(run_cli) -> None:
    output = run_cli("rules").output
    for rule in RULES:
        assert rule.id in output
        assert rule.rationale[:40] in output


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_failing_and_passing_scenario(rule) -> None:
    failing = rule.examples.get("failing", ())
    passing = rule.examples.get("passing", ())
    assert failing and passing, f"{rule.id} needs a failing and a passing scenario"
    for name in failing:
        scenario = read_scenario(SCENARIOS / name)
        assert scenario is not None
        assert any(r == rule.id for r, _ in scenario.expect.findings), (
            f"{name} must expect a {rule.id} finding"
        )
    for name in passing:
        scenario = read_scenario(SCENARIOS / name)
        assert scenario is not None
        assert all(r != rule.id for r, _ in scenario.expect.findings), (
            f"{name} must not expect a {rule.id} finding"
        )


@pytest.mark.parametrize(
    ("begin", "end", "generated", "command"),
    [
        (FACTS_BEGIN, FACTS_END, facts_markdown, "prodcheck facts --format markdown"),
        (COLUMNS_BEGIN, COLUMNS_END, columns_markdown, "columns_markdown() in cli/reference.py"),
    ],
    ids=["facts", "columns"],
)
def test_readme_references_are_generated_from_the_declarations(
    begin: str, end: str, generated, command: str
) -> None:
    readme = (REPO / "README.md").read_text()
    start, stop = readme.index(begin), readme.index(end) + len(end)
    assert readme[start:stop] + "\n" == generated(), (
        f"README section is stale: run python tools/update_readme.py ({command})"
    )


def test_facts_command_lists_the_catalogue(run_cli) -> None:
    listing = run_cli("facts", "account")
    assert listing.exit_code == 0
    for name, spec in FACTS["account"].items():
        assert name in listing.output and spec.description in listing.output
    assert "pending_plan" in listing.output and "[Stripe only; plans.prices]" in listing.output
    assert "\n  subscription.status " not in listing.output  # a subscription rule's fact
    assert run_cli("facts", "--format", "markdown").output == facts_markdown()
    unknown = run_cli("facts", "acount")
    assert unknown.exit_code == 2 and "unknown subject 'acount'" in unknown.output


def test_rules_explains_the_facts_a_rule_reads(run_cli) -> None:
    text = run_cli("rules", "plan.unpaid_upgrade").output
    assert "pending_plan (text): the plan of a pending (unpaid) subscription update" in text
    assert "[Stripe only; plans.prices]" in text and "Providers: stripe" in text
    assert "Needs mapped columns: plan" in text
