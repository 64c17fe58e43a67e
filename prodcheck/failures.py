"""An unexpected exception, in one line: what prodcheck was doing and what broke.

Shared by the CLI's top-level catch, the JSON error report and `prodcheck test`
(where one scenario that cannot run must not stop the others).
"""

from __future__ import annotations

from prodcheck.errors import activity_of
from prodcheck.extras import missing_extra_message

MAX_DETAIL = 300


def describe_exception(exc: BaseException) -> str:
    """`TypeError: ...` on one line, bounded: enough to recognise, never a data dump."""
    detail = " ".join(str(exc).split())
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 3] + "..."
    name = type(exc).__name__
    return f"{name}: {detail}" if detail else name


def internal_error_message(exc: BaseException) -> str:
    """The one line an internal error is reported as (also the JSON report's error)."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        advice = missing_extra_message(exc.name)
        if advice:
            return advice
    if isinstance(exc, RecursionError):
        detail = "the input is nested too deeply to process"
    elif isinstance(exc, MemoryError):
        detail = "out of memory"
    else:
        detail = describe_exception(exc)
    doing = activity_of(exc) or "running"
    return f"internal error while {doing}: {detail}"
