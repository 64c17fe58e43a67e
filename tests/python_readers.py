"""Every source read by the Python readers alone (the provider's normalizer over
every object, rows.py over every row): what the SQL readers are proved against,
and what they hand the inputs they do not read exactly to. prodcheck has no
switch for it; these tests patch the runner's three SQL reads to read the
Python way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

from prodcheck import runner
from prodcheck.config import Config
from prodcheck.model import Snapshot


def _billing(source: Any, needs: frozenset[str]) -> tuple[None, Any]:
    return None, source.load(needs)


@contextmanager
def python_readers() -> Iterator[None]:
    with (
        patch.object(runner, "_billing_by_sql", _billing),
        patch.object(runner, "_accounts_by_sql", lambda database, conn: None),
        patch.object(runner, "_table_by_sql", lambda database, name: None),
    ):
        yield


def python_snapshot(config: Config, rules: Any, folder: Path, now: datetime | None) -> Snapshot:
    """The folder's snapshot as the Python readers read it."""
    with python_readers():
        return runner.load_snapshot(config, rules, folder, {}, True, now)
