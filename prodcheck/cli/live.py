"""`doctor` (is everything in place for a live check?) and `snapshot` (record the
live state as a fixture folder that `check --fixtures` and `test` accept)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from prodcheck.advice import config_warnings
from prodcheck.cli.options import config_option, quiet_option
from prodcheck.cli.output import environment, say
from prodcheck.config import find_config, load_config
from prodcheck.errors import ConfigError
from prodcheck.extras import require_provider_sdk
from prodcheck.results import ExitCode
from prodcheck.runner import CheckRequest, load_checked_rules, parse_now, resolve_now
from prodcheck.snapshot import record_snapshot
from prodcheck.sources import LIVE_BILLING

if TYPE_CHECKING:
    from prodcheck.sources.database import Check


def _print_checks(side: str, checks: list[Check], counts: dict[str, int]) -> None:
    for check in checks:
        # A working but over-privileged key, a writable role on a development database,
        # an empty table: warnings, not failures.
        warning = not check.ok and (check.warning or check.message.lower().startswith("warning"))
        label = "ok  " if check.ok else ("warn" if warning else "FAIL")
        counts[label] = counts.get(label, 0) + 1
        say(f"{label}  {side}: {check.name}: {check.message}")


@click.command()
@config_option
def doctor(config_path: Path | None) -> None:
    """Check the config, credentials, billing access and the database, and say what to fix."""
    env = environment()
    path = find_config(config_path, None)
    config = load_config(path)
    rules = load_checked_rules(config)
    say(f"ok    config: {path} is valid ({len(rules)} rules)")
    counts: dict[str, int] = {}
    for warning in config_warnings(config, rules):
        counts["warn"] = counts.get("warn", 0) + 1
        say(f"warn  config: {warning}")
    if config.billing.fixtures is not None:
        say(f"ok    billing: fixtures {config.billing.fixtures} (no live API to check)")
    else:
        require_provider_sdk(config.billing.provider.value)
        module = importlib.import_module(LIVE_BILLING[config.billing.provider.value][0])
        _print_checks(config.billing.provider.value, module.probe(config.billing, env), counts)
    if config.database.fixtures is not None:
        say(f"ok    database: fixtures {config.database.fixtures} (no live database to check)")
    else:
        from prodcheck.sources.database import probe

        _print_checks("database", list(probe(config.database, env)), counts)
        if not counts.get("FAIL"):
            from prodcheck.doctor import value_checks

            _print_checks("values", value_checks(config, env), counts)
    failures, warnings = counts.get("FAIL", 0), counts.get("warn", 0)
    if failures:
        say(f"\n{failures} problem{'s' if failures > 1 else ''} to fix before a live check.")
        raise SystemExit(ExitCode.NOT_CHECKED)
    if warnings:
        say(
            f"\nReady, with {warnings} warning{'s' if warnings > 1 else ''}: `prodcheck check` "
            "can read both sides; read them above."
        )
    else:
        say("\nReady: `prodcheck check` can read both sides.")


@click.command()
@config_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write (must not exist or be empty).",
)
@click.option("--no-redact", is_flag=True, help="Keep emails, names, addresses and phone numbers.")
@click.option("--now", "now_text", metavar="ISO8601", help="Record this as the scenario's now.")
@quiet_option
def snapshot(
    config_path: Path | None, out: Path, no_redact: bool, now_text: str | None, quiet: bool
) -> None:
    """Record the live billing objects and account rows into a fixture folder.

    The folder reproduces this run's findings without keys: `prodcheck check
    --fixtures OUT` and `prodcheck test OUT` accept it, so a nightly FAIL can be
    kept as a regression scenario.
    """
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"--out {out}: the folder is not empty; choose a new folder.")
    env = environment()
    path = find_config(config_path, None)
    now = parse_now(now_text, "--now") if now_text else None
    request = CheckRequest(config_path=path, now=now, quiet=quiet)
    summary = record_snapshot(path, out, env, now=resolve_now(request), redact_data=not no_redact)
    say(summary)


COMMANDS = [doctor, snapshot]
