"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path

import click

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="prodcheck.yml to use (default: ./prodcheck.yml, else the one in --fixtures DIR).",
)
fixtures_option = click.option(
    "--fixtures",
    type=click.Path(path_type=Path, file_okay=False),
    help="Read both sides from a fixture folder instead of live sources.",
)
now_option = click.option(
    "--now", "now_text", metavar="ISO8601", help="Evaluate as of this time (reproducible runs)."
)
quiet_option = click.option("--quiet", is_flag=True, help="No progress display on stderr.")
