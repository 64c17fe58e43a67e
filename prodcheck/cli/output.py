"""Where reports go: formats paired with outputs, colour decisions, the job summary."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from prodcheck.errors import ConfigError, doing
from prodcheck.redaction import scrub
from prodcheck.reporters import REPORTERS, get_renderer
from prodcheck.reporters.markdown import render as render_markdown
from prodcheck.reporters.terminal import render_color
from prodcheck.results import Report

FORMATS = sorted(REPORTERS)


def default_format(env: Mapping[str, str]) -> str:
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "terminal"


def pair_outputs(
    formats: Sequence[str], outputs: Sequence[Path], env: Mapping[str, str]
) -> list[tuple[str, Path | None]]:
    """`--format json --output r.json --format junit --output j.xml`: the n-th output
    belongs to the n-th format; formats without an output print to stdout."""
    chosen = list(formats) or [default_format(env)]
    if len(outputs) > len(chosen):
        raise ConfigError(
            f"{len(outputs)} --output given for {len(chosen)} --format: give one --format "
            "before each --output."
        )
    pairs: list[tuple[str, Path | None]] = [
        (fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(chosen)
    ]
    to_stdout = [fmt for fmt, out in pairs if out is None]
    if len(to_stdout) > 1:
        raise ConfigError(
            f"formats {', '.join(to_stdout)} would all print to stdout: give each but one "
            "an --output FILE."
        )
    return pairs


def say(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Every line prodcheck prints goes through here: no secret ever reaches a terminal."""
    click.echo(scrub(text), err=err, nl=nl)


def write_text(path: Path, text: str) -> None:
    """Every file prodcheck writes goes through here, secrets removed."""
    path.write_text(scrub(text), encoding="utf-8")


def use_color(env: Mapping[str, str]) -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in env and env.get("TERM") != "dumb"


def emit(report: Report, pairs: list[tuple[str, Path | None]], env: Mapping[str, str]) -> None:
    for fmt, output in pairs:
        with doing(f"rendering the {fmt} report"):
            if fmt == "terminal" and output is None and use_color(env):
                text = render_color(report)
            else:
                text = get_renderer(fmt)(report)
        if output is None:
            say(text, nl=False)
        else:
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
                write_text(output, text)
            except OSError as exc:
                raise ConfigError(f"{output}: cannot write the {fmt} report: {exc}") from None
    if any(fmt == "github" for fmt, _ in pairs):
        append_step_summary(report, env)


def append_step_summary(report: Report, env: Mapping[str, str]) -> None:
    path = env.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(scrub(render_markdown(report)))
    except OSError as exc:
        say(f"prodcheck: warning: cannot write the job summary to {path}: {exc}", err=True)


def environment() -> dict[str, str]:
    return dict(os.environ)
