"""`prodcheck baseline`: record today's findings so only new drift fails.

Takes the same sources as `check` (--config, --fixtures, --now) and writes
the fingerprints of every finding that is not suppressed. `--prune` rewrites
an existing baseline without the entries that no longer occur, and never
adds one: the safe way to let the file shrink as drift is fixed.
"""

from __future__ import annotations

from pathlib import Path

import click

from prodcheck.baseline import (
    BASELINE_FILENAME,
    apply_baseline,
    entries_of,
    load_baseline,
    pruned_entries,
    render_baseline,
)
from prodcheck.cli.options import config_option, fixtures_option, now_option, quiet_option
from prodcheck.cli.output import environment, say, write_text
from prodcheck.errors import ConfigError
from prodcheck.runner import CheckRequest, parse_now, run_check


@click.command("baseline")
@config_option
@fixtures_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=BASELINE_FILENAME,
    show_default=True,
    help="Baseline file to write (commit it; pass it to `check --baseline`).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Only drop the entries of the existing --out file that no longer occur; add none.",
)
@now_option
@quiet_option
def baseline_command(
    config_path: Path | None,
    fixtures: Path | None,
    out: Path,
    prune: bool,
    now_text: str | None,
    quiet: bool,
) -> None:
    """Write the fingerprints of today's findings to a baseline file."""
    if fixtures is not None and not fixtures.is_dir():
        raise ConfigError(f"--fixtures {fixtures}: no such folder.")
    now = parse_now(now_text, "--now") if now_text else None
    existing = load_baseline(out) if prune else None
    request = CheckRequest(config_path=config_path, fixtures=fixtures, now=now, quiet=quiet)
    _, report = run_check(request, environment())
    if existing is not None:
        compared = apply_baseline(report, existing)
        entries = pruned_entries(compared, existing)
        dropped = len(existing.entries) - len(entries)
        summary = (
            f"pruned {dropped} resolved entr{'y' if dropped == 1 else 'ies'}, kept {len(entries)}"
        )
    else:
        entries = entries_of(report)
        suppressed = report.count_status("suppressed")
        skipped = f" ({suppressed} suppressed findings left out)" if suppressed else ""
        summary = f"recorded {len(entries)} finding{'' if len(entries) == 1 else 's'}{skipped}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text(out, render_baseline(report, entries))
    except OSError as exc:
        raise ConfigError(f"{out}: cannot write the baseline file: {exc}") from None
    say(f"{out}: {summary}.")
    if entries and existing is None:
        say(
            f"Commit it and run `prodcheck check --baseline {out}`: these findings are then "
            "listed as known and only new drift fails."
        )


COMMANDS = [baseline_command]
