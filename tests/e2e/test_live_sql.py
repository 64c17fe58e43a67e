"""Live pages normalized by the same SQL as fixture files (duck_billing.
read_billing_lines): every scenario served by the local fake Stripe or Paddle
API, through the real SDKs, is read into DuckDB's billing tables, never left to
the Python normalizer, and the objects read back from them are the ones the
normalizer makes of the same fetch; a shape the SQL leaves to Python is read by
it, from the objects already fetched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from prodcheck.billing_objects import billing_objects
from prodcheck.config import load_config
from prodcheck.engine.duck import connect
from prodcheck.runner import load_checked_rules, needs_for
from prodcheck.scenario import read_scenario
from prodcheck.sources import open_billing

from ..conftest import without_near_misses
from ..live.scenario_server import serve
from .test_live_parity import LIVE_SCENARIOS


def _source(folder: Path, tmp_path: Path, url: str, key: str) -> tuple[Any, frozenset[str]]:
    config = yaml.safe_load((folder / "prodcheck.yml").read_text())
    config["billing"].update(api_key_env="PC_BILLING_KEY", api_base=url)
    if config["billing"]["provider"] == "paddle":
        config["billing"]["environment"] = "sandbox"  # the test key is a sandbox key
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    loaded = load_config(path)
    scenario = read_scenario(folder)
    assert scenario is not None
    source = open_billing(loaded, None, {"PC_BILLING_KEY": key}, quiet=True, now=scenario.now)
    return source, needs_for(loaded, load_checked_rules(loaded))


READ = without_near_misses(LIVE_SCENARIOS)


@pytest.mark.parametrize("folder", READ, ids=[p.name for p in READ])
def test_live_pages_are_normalized_by_sql(folder: Path, tmp_path: Path) -> None:
    server, key = serve(folder)
    with server:
        source, needs = _source(folder, tmp_path, server.url, key)
        conn = connect()
        state, info, in_db = source.load_by_sql(conn, needs)
        python, python_info = source.load(needs)
    assert in_db, "a scenario's live objects left to Python"
    assert state.subscriptions == ()  # they stay in DuckDB
    assert billing_objects(conn, state.loaded, None, source.config.provider)[0] == python
    assert (info.location, info.counts) == (python_info.location, python_info.counts)


def test_a_shape_the_sql_leaves_is_normalized_by_python(tmp_path: Path) -> None:
    """A timestamp given as text: that object alone goes to stripe_normalize, which
    reads it from what was fetched (no second fetch), and takes its place in the
    tables beside the objects the SQL read."""
    folder = next(f for f in LIVE_SCENARIOS if f.name == "mixed-saas")
    server, key = serve(folder)
    subscription = server.objects["subscriptions"][0]
    subscription["cancel_at"] = "1767225600"  # epoch seconds as text
    with server:
        source, needs = _source(folder, tmp_path, server.url, key)
        conn = connect()
        state, _, in_db = source.load_by_sql(conn, needs)
        fetched = server.requests
        python, _ = source.load(needs)
        assert server.requests == 2 * fetched
    assert in_db
    assert billing_objects(conn, state.loaded, None, source.config.provider)[0] == python
    assert any(s.cancel_at is not None for s in python.subscriptions)


def test_a_malformed_live_object_is_named_as_the_normalizer_names_it(tmp_path: Path) -> None:
    """Its index in what was fetched, its id and its key path: the same error from
    the SQL path as from the normalizer reading every object."""
    from prodcheck.errors import DataError

    folder = next(f for f in LIVE_SCENARIOS if f.name == "mixed-saas")
    server, key = serve(folder)
    server.objects["subscriptions"][1]["status"] = "enabled"
    server.objects["customers"][2]["email"] = ["two@example.com"]
    with server:
        source, needs = _source(folder, tmp_path, server.url, key)
        with pytest.raises(DataError) as by_sql:
            source.load_by_sql(connect(), needs)
        with pytest.raises(DataError) as by_python:
            source.load(needs)
    assert (by_sql.value.message, by_sql.value.details) == (
        by_python.value.message,
        by_python.value.details,
    )
    assert len(by_sql.value.details) == 2
