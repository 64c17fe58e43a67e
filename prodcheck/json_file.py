"""JSON files prodcheck wrote and reads back (a baseline, a report): read, parsed with
each key's line for the messages, every failure a ConfigError naming the file, the
line and what to do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prodcheck.errors import ConfigError
from prodcheck.yamlfile import Located, load_yaml


def read_text(path: Path, what: str, missing: str) -> str:
    """The file's text (`what`: "the report"); `missing`: what to do when it is not there."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: {missing}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc}") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen.add(key)
    return dict(pairs)


def json_located(
    text: str, path: Path, what: str, advice: str, *, max_bytes: int, lines: bool = True
) -> Located:
    """A JSON file prodcheck wrote (`what`: "the baseline file"), parsed with each key's
    line for the messages (`lines`; else none, for a large file read fast); a
    ConfigError naming the file, the line and `advice` else."""
    if len(text) > max_bytes:
        raise ConfigError(
            f"{path}: {len(text):,} characters is more than {what} may have "
            f"({max_bytes:,}); {advice}."
        )
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path}:{exc.lineno}: {what} is not valid JSON ({exc.msg} at column "
            f"{exc.colno}); {advice}."
        ) from None
    except RecursionError:
        raise ConfigError(f"{path}:1: {what} is nested too deeply to be one; {advice}.") from None
    except ValueError as exc:  # duplicate keys, numbers beyond Python's digit limit
        reason = str(exc) if str(exc).startswith("duplicate") else "a number is too long"
        raise ConfigError(f"{path}:1: {what} cannot be read ({reason}); {advice}.") from None
    # JSON is YAML: parsing it again this way gives every key its line for the messages.
    # Valid JSON that YAML does not take (tab indentation) is read without line numbers.
    if lines:
        try:
            return load_yaml(text, str(path), ConfigError, max_bytes=max_bytes)
        except ConfigError:
            pass
    return Located(data=data, lines={}, filename=str(path))
