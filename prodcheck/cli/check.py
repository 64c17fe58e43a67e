"""`check`, `validate` and `demo`."""

from __future__ import annotations

from pathlib import Path

import click

from prodcheck.advice import config_warnings
from prodcheck.bundled import scenarios_dir
from prodcheck.cli.ci import after_check, check_options, slack_config
from prodcheck.cli.options import (
    config_option,
    fixtures_option,
    now_option,
    quiet_option,
)
from prodcheck.cli.output import (
    ARGS,
    FORMATS,
    InOrder,
    emit,
    environment,
    pair_outputs,
    say,
    use_color,
)
from prodcheck.config import find_config, load_config
from prodcheck.errors import ConfigError, ProdcheckError
from prodcheck.failures import internal_error_message
from prodcheck.reporters.terminal import render, render_color
from prodcheck.results import exit_code_for
from prodcheck.runner import CheckRequest, error_report, load_checked_rules, parse_now, run_check
from prodcheck.scenario import read_scenario


@click.command(cls=InOrder)
@config_option
@fixtures_option
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Output format; repeat with --output for several reports in one run. "
    "Default: terminal (github when GITHUB_ACTIONS=true).",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the --format given last before it to FILE instead of stdout.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the run too (exit 1).")
@now_option
@quiet_option
@check_options
def check(
    config_path: Path | None,
    fixtures: Path | None,
    formats: tuple[str, ...],
    outputs: tuple[Path, ...],
    strict: bool,
    now_text: str | None,
    quiet: bool,
    baseline: Path | None,
    notify: tuple[str, ...],
    github_output: bool,
) -> None:
    """Compare the database with billing and report every disagreement."""
    env = environment()
    pairs = pair_outputs(formats, outputs, env, click.get_current_context().meta.get(ARGS))
    now = parse_now(now_text, "--now") if now_text else None
    if fixtures is not None and not fixtures.is_dir():
        raise ConfigError(f"--fixtures {fixtures}: no such folder.")
    notifying = slack_config(notify, config_path, fixtures)
    request = CheckRequest(
        config_path=config_path,
        fixtures=fixtures,
        now=now,
        quiet=quiet,
        baseline=baseline,
    )
    try:
        _, report = run_check(request, env)
    except Exception as exc:
        # Structured outputs still get a report saying "error", so a pipeline
        # reading the JSON never mistakes a failed run for a clean one; an
        # unexpected exception is reported the same way before the top-level catch.
        message = str(exc) if isinstance(exc, ProdcheckError) else internal_error_message(exc)
        failed = error_report(message, now, config_path)
        structured = [(f, o) for f, o in pairs if f != "terminal"]
        if structured:
            emit(failed, structured, env)
        after_check(failed, notifying, github_output=github_output, quiet=quiet, env=env)
        raise
    emit(report, pairs, env)
    after_check(report, notifying, github_output=github_output, quiet=quiet, env=env)
    raise SystemExit(exit_code_for(report.verdict, strict=strict))


@click.command()
@config_option
@click.option("--fixtures", type=click.Path(path_type=Path, file_okay=False), hidden=True)
def validate(config_path: Path | None, fixtures: Path | None) -> None:
    """Validate the config and every contract it loads; read no data."""
    path = find_config(config_path, fixtures)
    config = load_config(path)
    rules = load_checked_rules(config)
    packs = sorted({rule.pack for rule in rules})
    say(f"{path}: valid · {len(rules)} rules in {len(packs)} packs ({', '.join(packs)})")
    for note in config.deprecations:
        say(f"note: {note}")
    for warning in config_warnings(config, rules):
        say(f"warning: {warning}")


DEMO_INTRO = """\
prodcheck demo: a small SaaS app ("Acme Notes") billed through Stripe.
Its users table says who has paid access and on which plan; Stripe says who
actually pays. Webhooks keep the two in sync, and here some of them failed.
prodcheck reads both sides from bundled fixtures (no keys, no network):
"""

DEMO_NEXT = """\
What this shows: every finding names the account and the Stripe objects
involved, says what to fix, and counts the monthly revenue at stake. The run
exits 1 because of the FAIL findings; in CI that blocks the merge.

Next steps:
  prodcheck rules                      every rule, with its rationale
  prodcheck check --fixtures DIR       your own scenario folders
  prodcheck init                       a prodcheck.yml for your live sources
"""


@click.command()
def demo() -> None:
    """Run a bundled failing scenario and explain what it shows."""
    env = environment()
    folder = scenarios_dir() / "demo"
    scenario = read_scenario(folder)
    assert scenario is not None  # required=True raises instead
    say(DEMO_INTRO)
    say(f"  {scenario.description}\n")
    request = CheckRequest(config_path=folder / "prodcheck.yml", fixtures=folder, now=scenario.now)
    _, report = run_check(request, env)
    text = render_color(report) if use_color(env) else render(report)
    say(text)
    say(DEMO_NEXT, nl=False)
    raise SystemExit(exit_code_for(report.verdict, strict=False))


COMMANDS = [check, validate, demo]
