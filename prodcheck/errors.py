"""The exception tree. Library code raises these; only the CLI maps them to exit codes.

Every message says what went wrong, where (file, line, key or object index) and
what to do about it.
"""

from __future__ import annotations


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
