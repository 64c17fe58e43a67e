"""Typed values from loosely typed input (JSON, CSV, driver rows), or a clear error.

Used by every normalizer so that fixtures and live sources read values the same way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

_TRUE = frozenset({"true", "t", "1", "yes", "y", "on"})
_FALSE = frozenset({"false", "f", "0", "no", "n", "off"})


def _show(value: Any) -> str:
    """A value in a message, cut short: a message is not a data dump."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class CoercionError(ValueError):
    """A value that cannot be read as the expected type; the caller adds the place."""


def to_bool(value: Any, *, null: bool | None = None) -> bool | None:
    """`true`/`"false"`/`1`/`"t"` ... to bool; None and "" to `null`."""
    if value is None or value == "":
        return null
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise CoercionError(f"expected a boolean (true/false, 1/0), got {_show(value)}")


def to_str(value: Any) -> str | None:
    """Ids and names: "" and None are null, numbers become their decimal text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CoercionError(f"expected text or an id, got {_show(value)}")
    if isinstance(value, int | str):
        return str(value).strip() or None
    if isinstance(value, UUID):  # uuid primary keys, as psycopg returns them
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise CoercionError(f"expected text or an id, got {_show(value)}")


def to_int(value: Any, *, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise CoercionError(f"expected an integer, got {_show(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise CoercionError(f"expected an integer, got {_show(value)}")


def to_datetime(value: Any, *, milliseconds: bool = False) -> datetime | None:
    """Epoch seconds (Stripe), ISO 8601 (Paddle, CSV), or a driver's datetime; UTC.
    `milliseconds`: a number (or its digits as text) counts epoch milliseconds, as
    Prisma on SQLite and many JavaScript apps store a time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool):
        raise CoercionError(f"expected a timestamp, got {_show(value)}")
    unit = "milliseconds" if milliseconds else "seconds"
    if isinstance(value, int | float):
        return _from_epoch(value, milliseconds)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            if len(text) > 20:
                raise CoercionError(f"expected epoch {unit}, got {_show(value)} (too long)")
            try:
                number = int(text)
            except ValueError:  # "--5", or digits int() does not read ("²")
                raise CoercionError(
                    f"expected a timestamp (ISO 8601 or epoch {unit}), got {_show(value)}"
                ) from None
            return _from_epoch(number, milliseconds)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise CoercionError(
                f"expected a timestamp (ISO 8601 or epoch {unit}), got {_show(value)}"
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise CoercionError(f"expected a timestamp, got {_show(value)}")


def object_id(value: Any) -> str | None:
    """A reference that the API returns as an id, or as the expanded object."""
    if isinstance(value, dict):
        return to_str(value.get("id"))
    return to_str(value)


def metadata(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CoercionError(f"expected an object of key/value pairs, got {_show(value)}")
    # A null value means "not set", as if the key were absent.
    return {str(k): str(v) for k, v in value.items() if v is not None}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class EpochRangeError(CoercionError):
    """An epoch number outside the years 1 to 9999: often the other unit."""

    def __init__(self, value: float, milliseconds: bool) -> None:
        unit = "milliseconds" if milliseconds else "seconds"
        self.value = _show(value)
        self.milliseconds = milliseconds
        hint = "" if milliseconds else "; milliseconds? divide by 1000"
        super().__init__(f"expected epoch {unit}, got {self.value} (out of range{hint})")


def _from_epoch(value: float, milliseconds: bool = False) -> datetime:
    try:
        if milliseconds:
            return _EPOCH + timedelta(milliseconds=value)
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, ValueError, OSError):
        raise EpochRangeError(value, milliseconds) from None
