"""What the provider SQL tests (test_stripe_sql.py, test_paddle_sql.py) share: the
normalized tables read as rows, each object read by the provider's Python
normalizer alone, and the two readings compared object by object."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from prodcheck.model import Customer, Provider, Subscription, SubscriptionItem, SubscriptionStatus
from prodcheck.sources.coerce import metadata
from prodcheck.sources.normalize_common import convert_all

from .fuzzing import mutate_data

# collection -> (the normalizer's converter for one object, the shape it is checked against)
Converters = Mapping[str, tuple[Callable[[Mapping[str, Any]], Any], str]]


def write_folder(folder: Path, objects: dict[str, list[Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, listed in objects.items():
        (folder / f"{name}.json").write_text(json.dumps(listed, default=str))
    return folder


def dicts(conn: Any, query: str) -> list[dict[str, Any]]:
    cursor = conn.execute(query)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def meta(text: str | None) -> dict[str, str]:
    return metadata(json.loads(text)) if text is not None else {}


def python_read(objects: list[Any], collection: str, converters: Converters) -> dict[int, Any]:
    """Position -> the object Python reads, for the objects it reads without error."""
    convert, shape = converters[collection]
    read = {}
    for pos, obj in enumerate(objects):
        errors: list[str] = []
        converted = convert_all([obj], convert, "x", errors, shape)
        if not errors:
            read[pos] = converted[0]
    return read


def agree(
    sql: dict[str, dict[int, Any]],
    unread: set[tuple[str, int]],
    objects: dict[str, list[Any]],
    converters: Converters,
) -> int:
    """The SQL's reading (objects by collection and position, and those it lists
    unread) against Python's; the number of objects SQL read."""
    read = 0
    for name in converters:
        python = python_read(objects[name], name, converters)
        for pos, obj in enumerate(objects[name]):
            if (name, pos) in unread:
                continue
            assert pos in python, (name, pos, obj)  # SQL read what Python refuses
            assert sql[name][pos] == python[pos], (name, pos, obj)
            read += 1
    return read


def mutation_outcomes(
    folders: list[Path],
    collection: str,
    read: Callable[[Path], dict[str, list[Any]]],
    normalize: Callable[[Path], Any],
    compare: Callable[[Any, dict[str, list[Any]]], int],
    scratch: Path,
) -> dict[str, int]:
    """One object of `collection` mutated per folder (tests/fuzzing.py), 40 times,
    written to `scratch`: the SQL (`normalize`: the connection, or None when
    DuckDB's reader refuses the file, a nesting it does not declare, which Python
    reads) reads the untouched objects and reads the mutated one as Python does,
    or lists it unread (`compare`). How often each of the three happened."""
    rng = random.Random(20261205)
    outcomes = {"refused": 0, "unread": 0, "read": 0}
    for attempt in range(40):
        objects = read(folders[attempt % len(folders)])
        pos = rng.randrange(len(objects[collection]))
        objects[collection][pos] = mutate_data(rng, objects[collection][pos], 2)
        conn = normalize(write_folder(scratch / str(attempt), objects))
        if conn is None:
            outcomes["refused"] += 1
            continue
        total = sum(map(len, objects.values()))
        count = compare(conn, objects)
        assert count >= total - 1
        outcomes["read" if count == total else "unread"] += 1
    return outcomes


def subscriptions(conn: Any, provider: Provider) -> dict[int, Subscription]:
    """Position -> the subscription the tables describe, for those SQL read."""
    items: dict[int, list[SubscriptionItem]] = {}
    for row in dicts(conn, "SELECT * FROM billing_items ORDER BY sub_pos, pos"):
        sub = row.pop("sub_pos")
        fields = {k: v for k, v in row.items() if k not in ("pos", "ok")}
        items.setdefault(sub, []).append(SubscriptionItem(**fields))
    pending: dict[int, list[str]] = {}
    for sub, price_id in conn.execute(
        "SELECT sub_pos, price_id FROM billing_pending ORDER BY sub_pos, pos"
    ).fetchall():
        pending.setdefault(sub, []).append(price_id)
    found = {}
    for row in dicts(conn, "SELECT * FROM billing_subscriptions WHERE ok"):
        pos = row.pop("pos")
        del row["ok"]
        found[pos] = Subscription(
            **{
                **row,
                "status": SubscriptionStatus(row["status"]),
                "metadata": meta(row["metadata"]),
            },
            items=tuple(items.get(pos, ())),
            pending_update_price_ids=tuple(pending.get(pos, ())),
            provider=provider,
        )
    return found


def customers(conn: Any) -> dict[int, Customer]:
    """Position -> the customer the tables describe, for those SQL read."""
    found = {}
    for row in dicts(conn, "SELECT * FROM billing_customers WHERE ok"):
        pos = row.pop("pos")
        del row["ok"]
        found[pos] = Customer(**{**row, "metadata": meta(row["metadata"])})
    return found
