"""The command line. The only place that prints verdicts and turns errors into exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from prodcheck import __version__
from prodcheck.cli.failure import internal_error_lines, is_debug
from prodcheck.cli.output import say
from prodcheck.errors import ProdcheckError
from prodcheck.redaction import reset, scrub
from prodcheck.results import ExitCode


class _NotChecked(click.ClickException):
    """click's own errors other than usage errors exit 1 by default; here, 2."""

    exit_code = ExitCode.NOT_CHECKED


# Command name -> the module under prodcheck/cli/ defining it, imported only when
# the command runs or help lists the commands: `prodcheck --version` imports none.
COMMANDS = {
    "baseline": "baseline",
    "check": "check",
    "demo": "check",
    "doctor": "live",
    "facts": "reference",
    "init": "init",
    "mcp": "agent",
    "repair": "repair",
    "rules": "info",
    "snapshot": "live",
    "test": "scenarios",
    "validate": "check",
}


class Group(click.Group):
    """Maps every error to a clear message and exit code 2, in one place.

    Exit code 1 means drift and nothing else, so anything unexpected (a bug, an
    input shape nobody foresaw) is an internal error with exit 2, never a
    traceback with exit 1 that CI would read as a FAIL.

    Commands are imported when asked for (COMMANDS).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            import importlib

            module = importlib.import_module(f"prodcheck.cli.{COMMANDS[cmd_name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        reset()  # this run's secrets only
        try:
            return super().invoke(ctx)
        except ProdcheckError as exc:
            say(f"prodcheck: error: {exc}", err=True)
            ctx.exit(ExitCode.NOT_CHECKED)
        except KeyboardInterrupt:
            say("prodcheck: interrupted; nothing was verified.", err=True)
            ctx.exit(ExitCode.NOT_CHECKED)
        except BrokenPipeError:
            # `prodcheck check | head`: the reader went away; nothing more can be said.
            _quiet_stdout()
            ctx.exit(ExitCode.NOT_CHECKED)
        except click.UsageError as exc:
            # Usage errors quote the values given; a secret typed as one is removed.
            raise click.UsageError(scrub(exc.format_message()), ctx=exc.ctx) from None
        except click.ClickException as exc:
            raise _NotChecked(scrub(exc.format_message())) from None
        except (click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            for line in internal_error_lines(exc, debug=is_debug(ctx)):
                say(line, err=True)
            ctx.exit(ExitCode.NOT_CHECKED)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prodcheck")
@click.option(
    "--debug",
    is_flag=True,
    help="On an internal error, print the traceback (secrets removed). "
    "Also set by PRODCHECK_DEBUG=1.",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Prove that your app's database agrees with your billing provider.

    Start with `prodcheck demo`, then `prodcheck check --fixtures DIR` or a
    prodcheck.yml pointing at your live sources.
    """
    ctx.obj = {"debug": debug}


def main() -> None:
    # Exit codes: 0 pass, 1 fail, 2 could not check (click's usage errors are 2 too).
    try:
        cli.main(prog_name="prodcheck", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # outside any command (argument parsing, start-up)
        for line in internal_error_lines(exc, debug=False):
            say(line, err=True)
        sys.exit(ExitCode.NOT_CHECKED)
