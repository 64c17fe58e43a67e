"""The loop every normalizer shares: convert each object, collect every error at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from prodcheck.errors import DataError
from prodcheck.sources.coerce import CoercionError

T = TypeVar("T")
MAX_ERRORS = 20


class ObjectError(Exception):
    """Raised inside a converter with the key path that is wrong."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")


def field(obj: Mapping[str, Any], key: str, convert: Callable[[Any], T]) -> T:
    """obj[key] through `convert`, naming the key when the value is wrong."""
    try:
        return convert(obj.get(key))
    except CoercionError as exc:
        raise ObjectError(key, str(exc)) from None


def required(obj: Mapping[str, Any], key: str, convert: Callable[[Any], T | None]) -> T:
    value = field(obj, key, convert)
    if value is None:
        raise ObjectError(key, "is required and missing")
    return value


def convert_all(
    objects: Sequence[Any],
    convert: Callable[[Mapping[str, Any]], T],
    origin: str,
    errors: list[str],
) -> tuple[T, ...]:
    """Convert every object; errors name `origin[index]` and the object's id."""
    converted: list[T] = []
    for index, obj in enumerate(objects):
        where = f"{origin}[{index}]"
        if not isinstance(obj, dict):
            errors.append(f"{where}: expected an object, got {type(obj).__name__}")
            continue
        label = f"{where} ({obj['id']})" if isinstance(obj.get("id"), str) else where
        try:
            converted.append(convert(obj))
        except ObjectError as exc:
            errors.append(f"{label}: {exc}")
        except CoercionError as exc:
            errors.append(f"{label}: {exc}")
    return tuple(converted)


def raise_if_errors(errors: list[str], what: str) -> None:
    if not errors:
        return
    shown = errors[:MAX_ERRORS]
    more = len(errors) - len(shown)
    if more:
        shown.append(f"... and {more} more")
    raise DataError(
        f"malformed {what} ({len(errors)} problem{'s' if len(errors) > 1 else ''}); "
        "fix the objects named below:",
        details=tuple(shown),
    )
