"""The exception tree. Library code raises these; only the CLI maps them to exit codes.

Every message says what went wrong, where (file, line, key or object index) and
what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress


class ProdcheckError(Exception):
    """Anything that stops prodcheck from checking. Always exit code 2."""

    def __init__(self, message: str, *, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        # Further errors of the same kind, reported together (all at once).
        self.details = details

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class ConfigError(ProdcheckError):
    """prodcheck.yml is missing, unreadable or invalid."""


class ContractError(ProdcheckError):
    """A contract file is invalid: bad YAML, unknown operator, bad template."""


class DataError(ProdcheckError):
    """An object read from a source (fixture or live) is malformed."""


class FixtureError(DataError):
    """A fixture file is missing or malformed."""


class SourceError(ProdcheckError):
    """A live source could not be read completely (unreachable, denied, timed out)."""


class CredentialError(SourceError):
    """A credential named in the config is missing from the environment."""


class MissingExtraError(ProdcheckError):
    """A live source needs an optional dependency that is not installed."""


# What prodcheck was doing when an unexpected exception escaped, for the one-line
# internal-error report. Set by `doing`, read by the CLI's top-level catch.
ACTIVITY_ATTRIBUTE = "prodcheck_activity"


@contextmanager
def doing(activity: str) -> Iterator[None]:
    """Name the work in progress: an exception that is not a ProdcheckError leaving
    this block is tagged with it (the innermost block wins)."""
    try:
        yield
    except ProdcheckError:
        raise
    except Exception as exc:
        if not hasattr(exc, ACTIVITY_ATTRIBUTE):
            with suppress(AttributeError, TypeError):
                setattr(exc, ACTIVITY_ATTRIBUTE, activity)
        raise


def activity_of(exc: BaseException) -> str | None:
    value = getattr(exc, ACTIVITY_ATTRIBUTE, None)
    return value if isinstance(value, str) else None


def json_kind(value: object) -> str:
    """A value's type in JSON's words, for messages about data of the wrong shape."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
