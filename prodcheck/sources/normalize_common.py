"""The loop every normalizer shares: convert each object, collect every error at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from prodcheck.errors import DataError
from prodcheck.sources.coerce import CoercionError, to_int, to_str
from prodcheck.sources.shapes import shape_check, shown

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


def non_negative(value: Any, *, default: int | None = None) -> int | None:
    """to_int's reading of an amount or a quantity, which is never below zero: a
    negative one would be money at stake taken away ("-$917.50 a month")."""
    number = to_int(value, default=default)
    if number is not None and number < 0:
        raise CoercionError(f"is {number}: an amount or a quantity is never below zero")
    return number


def currency_code(obj: Mapping[str, Any], key: str) -> str | None:
    """obj[key] as a currency code, lower-cased (ASCII letters only, as the SQL
    readers accept them); None when absent."""
    currency = field(obj, key, to_str)
    if currency is not None and not (currency.isascii() and currency.isalpha()):
        raise ObjectError(key, f"expected a currency code, got {currency!r}")
    return currency.lower() if currency else None


def required(obj: Mapping[str, Any], key: str, convert: Callable[[Any], T | None]) -> T:
    value = field(obj, key, convert)
    if value is None:
        raise ObjectError(key, "is required and missing")
    return value


# What a converter may still raise on a value of a shape nobody foresaw, after the
# shape check passed: reported against the object, never a traceback.
_UNFORESEEN = (AttributeError, TypeError, ValueError, KeyError, IndexError, OverflowError)
SHAPE_PROBLEMS_SHOWN = 3


def convert_all(
    objects: Sequence[Any],
    convert: Callable[[Mapping[str, Any]], T],
    origin: str,
    errors: list[str],
    shape: str | None = None,
    indices: Sequence[int] | None = None,
) -> tuple[T, ...]:
    """Check each object against its kind's shape (`prodcheck/schemas/<shape>.schema.json`),
    then convert it; errors name `origin[index]` (the object's index in its
    collection: `indices[n]` for the n-th object given, else n), the object's id
    and the key path."""
    check = shape_check(shape) if shape else None
    converted: list[T] = []
    numbers = range(len(objects)) if indices is None else indices
    for index, obj in zip(numbers, objects, strict=True):
        where = f"{origin}[{index}]"
        if not isinstance(obj, dict):
            errors.append(f"{where}: expected an object, got {shown(obj)}")
            continue
        label = f"{where} ({obj['id'][:60]})" if isinstance(obj.get("id"), str) else where
        if check is not None:
            found: list[str] = []
            check(obj, "", found)
            if found:
                errors.extend(f"{label}: {problem}" for problem in found[:SHAPE_PROBLEMS_SHOWN])
                continue
        try:
            converted.append(convert(obj))
        except (ObjectError, CoercionError) as exc:
            errors.append(f"{label}: {exc}")
        except _UNFORESEEN as exc:
            detail = " ".join(str(exc).split())[:120]
            errors.append(
                f"{label}: cannot be read ({type(exc).__name__}: {detail}); compare it with "
                "the provider's API reference"
            )
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
