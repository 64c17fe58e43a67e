"""engine.memory_limit and engine.temp_directory: DuckDB's bounds, set from the
config for each run; beyond the limit it spills to a directory of its own (never
`.tmp` in the working directory), and what it cannot spill is an error naming the
setting, exit 2, never an internal error."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from prodcheck.config import EngineConfig, load_config
from prodcheck.engine.duck import _database, configure


@pytest.fixture(autouse=True)
def _default_bounds_after() -> Iterator[None]:
    # A database of the test's own: what earlier tests of the worker left in the
    # process's one (tables of connections never closed, a spill directory used)
    # must not bear on the bounds these tests set (a 1 MB limit, a new directory).
    _database.cache_clear()
    yield
    _database.cache_clear()
    configure(EngineConfig())  # later tests get the default


def _with_engine(folder: Path, engine: dict[str, str]) -> Path:
    path = folder / "prodcheck.yml"
    data = yaml.safe_load(path.read_text())
    data["engine"] = engine
    path.write_text(yaml.safe_dump(data))
    return path


def _setting(name: str) -> str:
    conn = _database().cursor()
    try:
        found = conn.execute(f"SELECT current_setting('{name}')").fetchall()
        return str(found[0][0])
    finally:
        conn.close()


def test_the_defaults() -> None:
    config = load_config(Path(__file__).parent.parent / "scenarios" / "demo" / "prodcheck.yml")
    assert config.engine == EngineConfig(memory_limit="300MB", temp_directory=None)


def test_the_limit_and_a_private_spill_directory_are_set(run_cli, demo_copy: Path) -> None:
    _with_engine(demo_copy, {"memory_limit": "512MB"})
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 1, result.output
    assert _setting("memory_limit") == "488.2 MiB"
    spill = Path(_setting("temp_directory"))
    assert spill.is_dir() and spill.name.startswith("prodcheck-duckdb-")
    assert spill.parent == Path(tempfile.gettempdir())


def test_a_spill_directory_of_the_config(run_cli, demo_copy: Path, tmp_path: Path) -> None:
    _with_engine(demo_copy, {"memory_limit": "1GiB", "temp_directory": "spill"})
    assert run_cli("check", "--fixtures", str(demo_copy)).exit_code == 1
    assert Path(_setting("temp_directory")) == demo_copy / "spill"  # beside the config


def test_a_limit_too_small_is_the_configs_to_fix(run_cli, demo_copy: Path) -> None:
    _with_engine(demo_copy, {"memory_limit": "1MB"})
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert "ran out of memory under engine.memory_limit '1MB'" in result.output
    assert "internal error" not in result.output


@pytest.mark.parametrize("value", ["lots", "2 G", "-1GB", "50"])
def test_a_limit_that_is_no_size_is_refused_at_load(run_cli, demo_copy: Path, value: str) -> None:
    _with_engine(demo_copy, {"memory_limit": value})
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert "engine.memory_limit" in result.output


def test_a_small_fixture_run_takes_one_thread_a_large_one_every_core(
    run_cli, demo_copy: Path
) -> None:
    import os

    from prodcheck import runner

    cores = str(os.cpu_count())
    run_cli("check", "--fixtures", str(demo_copy), "--format", "json")
    assert _setting("threads") == "1"
    config = load_config(demo_copy / "prodcheck.yml")
    assert runner._small(demo_copy, config)
    # One byte over the bound (the folder's files, every one counted).
    total = sum(p.stat().st_size for p in demo_copy.rglob("*") if p.is_file())
    (demo_copy / "padding.txt").write_bytes(b"x" * (runner.SMALL_INPUT - total + 1))
    assert not runner._small(demo_copy, config)
    run_cli("check", "--fixtures", str(demo_copy), "--format", "json")
    assert _setting("threads") == cores
    # A live source: its size is unknown, every core.
    assert not runner._small(None, config)


def test_staged_files_go_to_the_runs_temp_directory(tmp_path, monkeypatch) -> None:
    """A copied table's rows and a live run's pages are written where DuckDB
    spills (engine.temp_directory), not to the system's temp, which may be
    memory; a connection with no absolute temp_directory uses the system's."""
    from prodcheck.engine.duck import connect
    from prodcheck.model import Provider
    from prodcheck.sources import duck_billing
    from prodcheck.sources.duck_fixtures import staging

    spill = tmp_path / "spill"
    conn = connect()
    saved = conn.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
    try:
        conn.execute(f"SET temp_directory = '{spill}'")  # the process's database: restored
        with staging(conn, "prodcheck-test-") as folder:
            assert folder.parent == spill and folder.is_dir()
        assert not folder.exists()
        seen: list[list[str]] = []
        real = duck_billing._normalize

        def spy(*args, **kwargs):
            seen.append(sorted(p.name for p in spill.rglob("*.ndjson")))
            return real(*args, **kwargs)

        monkeypatch.setattr(duck_billing, "_normalize", spy)
        lines = {"customers": ['{"id":"cus_1","created":1}'], "subscriptions": []}
        duck_billing.read_billing_lines(conn, lines, Provider.STRIPE, {})
        assert seen == [["customers.ndjson", "subscriptions.ndjson"]]
        assert not list(spill.rglob("*.ndjson"))  # removed afterwards
        conn.execute("SET temp_directory = '.tmp'")  # DuckDB's default: relative
        with staging(conn, "prodcheck-test-") as folder:
            assert folder.parent == Path(tempfile.gettempdir())
    finally:
        conn.execute(f"SET temp_directory = '{saved}'")


def test_a_later_run_may_spill_elsewhere_after_an_earlier_one_spilled(tmp_path: Path) -> None:
    """DuckDB cannot switch a temp directory it has used: a process running several
    checks (`prodcheck test`, each scenario with its own engine settings) gives the
    later run a database of its own instead of failing."""
    first, second = tmp_path / "first", tmp_path / "second"
    configure(EngineConfig(memory_limit="64MB", temp_directory=first))
    conn = _database().cursor()
    conn.execute("CREATE TEMP TABLE big AS SELECT md5(range::VARCHAR) AS y FROM range(2000000)")
    conn.execute("SELECT * FROM big ORDER BY y").fetchone()
    assert any(first.iterdir()), "the sort spilled"
    configure(EngineConfig(temp_directory=second))
    assert _setting("temp_directory") == str(second)
    conn.execute("SELECT count(*) FROM big").fetchone()  # the earlier run's connection works
    conn.close()
