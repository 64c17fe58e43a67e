"""Why a live subscription is paused, whatever the API version the fetch reads.

Stripe answers in the shape of the API version asked for, and a subscription's
`status_details` (why it is paused: a failed renewal, a requested pause, a trial
ended without a payment method) exists from 2026-09-30 on. The fetch reads an
older version (stripe.STRIPE_API_VERSION, the shapes stripe_normalize reads), so
the paused subscriptions are listed once more at the version that has the field,
and only that field is put on the objects of the main list: a handful of
requests, and no other shape read at a version prodcheck does not read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from prodcheck.sources.stripe_slices import Listing

DETAILS_SINCE = "2026-09-30.endive"
NAME = "paused"  # the listing's name in what the fetch returns


def listing(api_version: str) -> Listing | None:
    """The paused subscriptions at the version that says why, when the fetch's own
    version does not."""
    if api_version[:10] >= DETAILS_SINCE[:10]:
        return None
    params = {"status": "paused", "stripe_version": DETAILS_SINCE}
    return Listing(NAME, "subscriptions", params, sliceable=False)


def _details(paused: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        str(obj.get("id")): obj["status_details"]
        for obj in paused
        if obj.get("status_details") is not None
    }


def merge(raw: dict[str, list[dict[str, Any]]]) -> None:
    """Put each paused subscription's status_details on its object in the main list
    (the listing itself is dropped)."""
    details = _details(raw.pop(NAME, []))
    for sub in raw.get("subscriptions", []):
        found = details.get(str(sub.get("id")))
        if found is not None and sub.get("status_details") is None:
            sub["status_details"] = found


def merge_lines(fetched: dict[str, list[tuple[str, str]]]) -> None:
    """`merge` for objects kept as (id, JSON text): only the paused ones are parsed."""
    details = _details([json.loads(line) for _, line in fetched.pop(NAME, [])])
    if not details:
        return
    kept = fetched.get("subscriptions", [])
    for index, (obj_id, line) in enumerate(kept):
        if obj_id in details:
            sub = json.loads(line)
            if sub.get("status_details") is None:
                sub["status_details"] = details[obj_id]
                kept[index] = (obj_id, json.dumps(sub, separators=(",", ":")))
