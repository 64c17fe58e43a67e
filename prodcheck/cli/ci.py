"""What `check` and `test` add for CI: step outputs for the GitHub Action, Slack
notifications, and `test`'s annotations and job summary.

`--github-output` (hidden; the Action passes it) writes the verdict and counts
to $GITHUB_OUTPUT from the report in memory, so later steps read
`steps.<id>.outputs.verdict` without parsing anything. A failed Slack post is
one line on stderr and nothing else.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from prodcheck.cli.output import say
from prodcheck.config import Config, find_config, load_config
from prodcheck.errors import ConfigError
from prodcheck.redaction import scrub
from prodcheck.reporters.github import escape_data, escape_property
from prodcheck.reporters.markdown import cell
from prodcheck.results import Report, Severity
from prodcheck.testing import ScenarioResult

F = TypeVar("F", bound=Callable[..., Any])


def check_options(command: F) -> F:
    """`--baseline`, `--notify` and the hidden `--github-output`, shared by check's callers."""
    command = click.option(
        "--github-output",
        is_flag=True,
        hidden=True,
        help="Write verdict and counts to $GITHUB_OUTPUT (used by action.yml).",
    )(command)
    command = click.option(
        "--notify",
        type=click.Choice(["slack"]),
        multiple=True,
        help="Post the verdict to Slack (notify.slack in the config; by default on FAIL only). "
        "A failed post is reported on stderr and never changes the exit code.",
    )(command)
    return click.option(
        "--baseline",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Findings recorded in this baseline file (`prodcheck baseline --out FILE`) are "
        "listed as known and not counted; only new ones fail.",
    )(command)


def slack_config(
    notify: Sequence[str], config_path: Path | None, fixtures: Path | None
) -> Config | None:
    """With --notify slack, the config must say where to post: checked before any data is read."""
    if "slack" not in notify:
        return None
    path = find_config(config_path, fixtures)
    config = load_config(path)
    if config.slack is None:
        raise ConfigError(
            f"{path}: --notify slack needs a `notify: {{slack: {{webhook_url_env: NAME}}}}` "
            "section naming the environment variable that holds the incoming-webhook URL."
        )
    return config


def after_check(
    report: Report,
    config: Config | None,
    *,
    github_output: bool,
    quiet: bool,
    env: Mapping[str, str],
) -> None:
    """Side effects that never change the verdict: Slack, step outputs."""
    if config is not None and config.slack is not None:
        from prodcheck.notify import notify_slack  # only when Slack is configured: 14 ms

        outcome = notify_slack(report, config.slack, env)
        if not outcome.sent or not quiet:
            prefix = "" if outcome.sent else "warning: "
            say(f"prodcheck: {prefix}{outcome.message}", err=True)
    if github_output:
        write_github_outputs(check_outputs(report), env)


def check_outputs(report: Report) -> dict[str, str]:
    at_stake = " + ".join(f"{m.format()}/mo" for m in report.monthly_at_stake())
    return {
        "verdict": report.verdict.value,
        "fail-count": str(report.count(Severity.FAIL)),
        "warn-count": str(report.count(Severity.WARN)),
        "known-count": str(report.count_status("known")),
        "suppressed-count": str(report.count_status("suppressed")),
        "resolved-count": str(len(report.baseline.resolved) if report.baseline else 0),
        "monthly-at-stake": at_stake,
    }


def write_github_outputs(values: Mapping[str, str], env: Mapping[str, str]) -> None:
    path = env.get("GITHUB_OUTPUT")
    if not path:
        say("prodcheck: warning: --github-output: $GITHUB_OUTPUT is not set.", err=True)
        return
    lines = []
    for name, value in values.items():
        if "\n" in value:
            delimiter = f"prodcheck_{secrets.token_hex(8)}"
            lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}")
        else:
            lines.append(f"{name}={value}")
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(scrub("\n".join(lines) + "\n"))
    except OSError as exc:
        say(f"prodcheck: warning: cannot write step outputs to {path}: {exc}", err=True)


def test_to_github(
    results: Sequence[ScenarioResult], env: Mapping[str, str], *, github_output: bool
) -> None:
    """Under GitHub Actions: an annotation per mismatched scenario, a job summary table."""
    if env.get("GITHUB_ACTIONS") == "true":
        for line in test_annotations(results):
            say(line)
        summary = env.get("GITHUB_STEP_SUMMARY")
        if summary:
            try:
                with open(summary, "a", encoding="utf-8") as handle:
                    handle.write(scrub(test_summary(results)))
            except OSError as exc:
                say(f"prodcheck: warning: cannot write the job summary: {exc}", err=True)
    if github_output:
        write_github_outputs(test_outputs(results), env)


def _status(result: ScenarioResult) -> str:
    return "error" if result.error else ("ok" if result.ok else "mismatch")


def test_annotations(results: Sequence[ScenarioResult]) -> list[str]:
    lines = []
    for result in results:
        if result.ok:
            continue
        file = escape_property(str(result.folder / "scenario.yml"))
        title = escape_property(f"prodcheck scenario {_status(result)}: {result.folder.name}")
        body = result.error or "\n".join(result.differences)
        lines.append(f"::error file={file},title={title}::{escape_data(body)}")
    return lines


def test_summary(results: Sequence[ScenarioResult]) -> str:
    failed = [r for r in results if not r.ok]
    icon = "✅" if not failed else ("⛔" if any(r.error for r in failed) else "❌")
    lines = [
        f"## {icon} prodcheck test: {len(results) - len(failed)} of {len(results)} scenarios ok",
        "",
        "| scenario | result | verdict | details |",
        "| --- | --- | --- | --- |",
    ]
    for result in results:
        verdict = result.report.verdict.value if result.report else "error"
        details = result.error or "; ".join(result.differences)
        lines.append(
            f"| `{cell(str(result.folder))}` | {_status(result)} | {verdict} | "
            f"{cell(details) or '–'} |"
        )
    return "\n".join(lines) + "\n\n"


def test_outputs(results: Sequence[ScenarioResult]) -> dict[str, str]:
    errored = sum(1 for r in results if r.error)
    mismatched = sum(1 for r in results if not r.ok and not r.error)
    verdict = "error" if errored else ("fail" if mismatched else "pass")
    return {
        "verdict": verdict,
        "scenarios": str(len(results)),
        "scenarios-failed": str(mismatched + errored),
    }
