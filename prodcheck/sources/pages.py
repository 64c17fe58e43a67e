"""What every live list page must be before its objects count: a `data` list of
objects with ids, and an explicit word on whether more pages follow. Anything
else (a page without `data`, an empty page that says there is more) stops the
fetch: taking it as the end of the list would check a partial snapshot.
Shared by the Stripe and Paddle sources; each says where its `has_more` lives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prodcheck.errors import SourceError, json_kind

STOP = "stopping rather than checking a partial list. Run again later."


def checked_page(
    page: Mapping[str, Any], where: str, has_more: Any, has_more_key: str
) -> list[dict[str, Any]]:
    """The page's objects; `has_more` is the page's own flag, read from `has_more_key`."""
    data = page.get("data")
    if not isinstance(data, list):
        got = "no `data`" if data is None else f"`data` as {json_kind(data)}"
        raise SourceError(f"{where} has {got} where a list of objects belongs; {STOP}")
    for index, obj in enumerate(data):
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise SourceError(f"{where}: data[{index}] is not an object with an id; {STOP}")
    if not isinstance(has_more, bool):
        raise SourceError(
            f"{where} does not say whether more pages follow ({has_more_key}); {STOP}"
        )
    if has_more and not data:
        raise SourceError(f"{where} is empty but says has_more: true; {STOP}")
    return data


def repeated_cursor(where: str, cursor: str) -> SourceError:
    return SourceError(
        f"{where}: the next cursor ({cursor}) was used before, so paging would never end; {STOP}"
    )
