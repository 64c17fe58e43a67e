"""A live command without its optional dependency is exit 2 naming the pip command
that installs it, never a ModuleNotFoundError traceback. Simulated by hiding the
module (`sys.modules[name] = None` makes `import name` fail, as after a plain
`pip install prodcheck`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from prodcheck.failures import internal_error_message

from .conftest import DEMO

STRIPE_EXTRA = "pip install 'prodcheck[stripe]'"
POSTGRES_EXTRA = "pip install 'prodcheck[postgres]'"
PADDLE_EXTRA = "pip install 'prodcheck[paddle]'"
LIVE = "pip install 'prodcheck[live]'"
ENV = {
    "STRIPE_API_KEY": "rk_test_51ExtrasTestKeyMaterial",
    "PADDLE_API_KEY": "pdl_sdbx_apikey_01extrastestkeymaterial",
    "DATABASE_URL": "postgresql://prodcheck_ro@127.0.0.1:9/app",
}


def _config(tmp_path: Path, *, provider: str = "stripe", billing_fixtures: bool = False) -> Path:
    data = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    data["billing"]["provider"] = provider
    data["billing"]["api_key_env"] = "PADDLE_API_KEY" if provider == "paddle" else "STRIPE_API_KEY"
    if billing_fixtures:
        data["billing"]["fixtures"] = str(DEMO)
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def _hide(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)


@pytest.mark.parametrize("command", ["check", "snapshot"])
def test_stripe_missing(command: str, run_cli, monkeypatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "stripe")
    extra = ["--out", str(tmp_path / "snap")] if command == "snapshot" else []
    result = run_cli(command, "--config", str(_config(tmp_path)), *extra, env=ENV)
    assert result.exit_code == 2
    assert STRIPE_EXTRA in result.stderr and LIVE in result.stderr
    assert "Traceback" not in result.stderr and "ModuleNotFoundError" not in result.stderr


def test_doctor_without_stripe(run_cli, monkeypatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "stripe")
    result = run_cli("doctor", "--config", str(_config(tmp_path)), env=ENV)
    assert result.exit_code == 2
    assert STRIPE_EXTRA in result.stderr


def test_init_without_stripe(run_cli, monkeypatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "stripe")
    result = run_cli("init", "--out", str(tmp_path / "p.yml"), env={"STRIPE_API_KEY": "rk_x"})
    assert result.exit_code == 2
    assert STRIPE_EXTRA in result.stderr
    assert not (tmp_path / "p.yml").exists()


def test_paddle_missing(run_cli, monkeypatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "paddle_billing")
    path = _config(tmp_path, provider="paddle")
    result = run_cli("check", "--config", str(path), env=ENV)
    assert result.exit_code == 2
    assert PADDLE_EXTRA in result.stderr


@pytest.mark.parametrize("command", ["check", "doctor"])
def test_psycopg_missing(command: str, run_cli, monkeypatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "psycopg")
    path = _config(tmp_path, billing_fixtures=True)
    result = run_cli(command, "--config", str(path), env=ENV)
    assert result.exit_code == 2
    assert POSTGRES_EXTRA in result.output
    assert "Traceback" not in result.output


def test_pymysql_missing(run_cli, monkeypatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "pymysql")
    path = _config(tmp_path, billing_fixtures=True)
    result = run_cli("check", "--config", str(path), env={**ENV, "DATABASE_URL": "mysql://u@h/db"})
    assert result.exit_code == 2
    assert "pip install 'prodcheck[mysql]'" in result.output
    assert "Traceback" not in result.output


def test_init_without_psycopg(run_cli, monkeypatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "psycopg")
    result = run_cli("init", "--out", str(tmp_path / "p.yml"), env=ENV)
    assert result.exit_code == 2
    assert POSTGRES_EXTRA in result.stderr


def test_mcp_missing(run_cli, monkeypatch) -> None:
    _hide(monkeypatch, "mcp")
    result = run_cli("mcp")
    assert result.exit_code == 2
    assert "the MCP server (prodcheck mcp) needs the Python package 'mcp'" in result.stderr
    assert "pip install 'prodcheck[mcp]', in the same environment" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_stray_module_error_deep_inside_still_names_the_extra() -> None:
    exc = ModuleNotFoundError("No module named 'psycopg'", name="psycopg")
    assert POSTGRES_EXTRA in internal_error_message(exc)
    other = ModuleNotFoundError("No module named 'numpy'", name="numpy")
    assert internal_error_message(other).startswith("internal error while running")


def test_readme_names_the_live_extra_beside_the_first_set_up_command() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    assert "python3 -m pip install . && prodcheck demo" in setup
    assert "python3 -m pip install '.[live]'" in setup
