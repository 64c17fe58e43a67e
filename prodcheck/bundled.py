"""Where the built-in contracts and bundled scenarios are.

In a wheel they are package data under prodcheck/_bundled/; in a source
checkout (editable install, tests) they are the top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def contracts_dir() -> Path:
    return bundled_dir("contracts")


def scenarios_dir() -> Path:
    return bundled_dir("scenarios")


def display_path(path: Path | str) -> str:
    """A path as reports show it: relative to the working directory when below it,
    `scenarios/...` for bundled files, else as given. Keeps output machine-independent."""
    candidate = Path(path)
    resolved = candidate.resolve()
    for base in (Path.cwd().resolve(), _PACKAGE / "_bundled", _PACKAGE.parent):
        try:
            return str(resolved.relative_to(base))
        except ValueError:
            continue
    return str(candidate)
