"""The command line. The only place that prints verdicts and turns errors into exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from prodcheck import __version__
from prodcheck.errors import ProdcheckError
from prodcheck.results import ExitCode


class Group(click.Group):
    """Maps every ProdcheckError to a clear message and exit code 2, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProdcheckError as exc:
            click.echo(f"prodcheck: error: {exc}", err=True)
            ctx.exit(ExitCode.NOT_CHECKED)
        except KeyboardInterrupt:
            click.echo("prodcheck: interrupted; nothing was verified.", err=True)
            ctx.exit(ExitCode.NOT_CHECKED)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prodcheck")
def cli() -> None:
    """Prove that your app's database agrees with your billing provider.

    Start with `prodcheck demo`, then `prodcheck check --fixtures DIR` or a
    prodcheck.yml pointing at your live sources.
    """


def _register() -> None:
    from prodcheck.cli import baseline, check, info, init, live, scenarios

    for module in (check, baseline, info, init, live, scenarios):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    # Exit codes: 0 pass, 1 fail, 2 could not check (click's usage errors are 2 too).
    sys.exit(cli.main(prog_name="prodcheck", standalone_mode=True))
