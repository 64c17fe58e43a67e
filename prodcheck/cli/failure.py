"""How an unexpected exception is reported: one line saying what prodcheck was
doing, one saying what to do, the traceback only when asked for (--debug), and
every secret removed from all of it."""

from __future__ import annotations

import os
import traceback

import click

from prodcheck.failures import internal_error_message


def is_debug(ctx: click.Context | None) -> bool:
    if os.environ.get("PRODCHECK_DEBUG", "").strip().lower() in ("1", "true", "yes"):
        return True
    root = ctx.find_root() if ctx is not None else None
    return bool(root is not None and isinstance(root.obj, dict) and root.obj.get("debug"))


def internal_error_lines(exc: BaseException, *, debug: bool) -> list[str]:
    message = internal_error_message(exc)
    if isinstance(exc, ModuleNotFoundError) and not message.startswith("internal error"):
        return [f"prodcheck: error: {message}"]
    lines = [
        f"prodcheck: {message}",
        "prodcheck: nothing was verified (exit 2). This is a bug in prodcheck: please report "
        "it with this message and the output of `prodcheck --debug` with the same command "
        "(secrets are removed from it)"
        + ("." if debug else "; --debug also prints the traceback."),
    ]
    if debug:
        lines.append("".join(traceback.format_exception(exc)).rstrip())
    return lines
