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


class InOrder(click.Command):
    """A command that keeps its arguments as given (ctx.meta[ARGS]): click gathers
    each repeated option's values apart, and `pair_outputs` needs which --format
    each --output followed."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[ARGS] = list(args)
        return super().parse_args(ctx, args)


ARGS = "prodcheck.args"


def _output_owners(args: Sequence[str]) -> list[int | None]:
    """For each --output in order, the index of the --format given last before it
    (None: no --format before it)."""
    owners: list[int | None] = []
    formats = 0
    for token in args:
        if token == "--":
            break
        if token == "--format" or token.startswith("--format="):
            formats += 1
        elif token == "--output" or token.startswith("--output="):
            owners.append(formats - 1 if formats else None)
    return owners


def pair_outputs(
    formats: Sequence[str],
    outputs: Sequence[Path],
    env: Mapping[str, str],
    args: Sequence[str] | None = None,
) -> list[tuple[str, Path | None]]:
    """`--format json --output r.json --format junit --output j.xml`: each --output
    belongs to the --format given last before it (`args`, the command line as
    given); formats without an output print to stdout. Without --format, one
    --output takes the default format."""
    chosen = list(formats) or [default_format(env)]
    owners = _output_owners(args) if args is not None else list(range(len(outputs)))
    if not formats and owners:
        owners = [0 if owner is None else owner for owner in owners]
    if len(owners) != len(outputs):  # the arguments were not these (a caller's own list)
        owners = list(range(len(outputs)))
    bound: dict[int, Path] = {}
    for owner, output in zip(owners, outputs, strict=True):
        if owner is None or owner >= len(chosen):
            raise ConfigError(
                f"--output {output} follows no --format: give the --format it is for "
                "before it (--format json --output report.json)."
            )
        if owner in bound:
            raise ConfigError(
                f"--output {bound[owner]} and --output {output} both follow --format "
                f"{chosen[owner]}: give one --format before each --output."
            )
        bound[owner] = output
    pairs: list[tuple[str, Path | None]] = [
        (fmt, bound.get(index)) for index, fmt in enumerate(chosen)
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
