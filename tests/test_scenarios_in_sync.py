"""scenarios/ is data, written by tools/build_scenarios.py: the two must not drift."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from .conftest import REPO, SCENARIOS


def _builders() -> dict:
    tools = REPO / "tools"
    sys.path.insert(0, str(tools))
    try:
        spec = importlib.util.spec_from_file_location(
            "build_scenarios", tools / "build_scenarios.py"
        )
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(tools))
    return dict(module.BUILDERS)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_builder_reproduces_every_scenario_byte_for_byte(tmp_path: Path) -> None:
    builders = _builders()
    for build in builders.values():
        build().write(tmp_path)
    generated = _files(tmp_path)
    committed = {
        path: data for path, data in _files(SCENARIOS).items() if path.split("/", 1)[0] in builders
    }
    assert sorted(generated) == sorted(committed), "run: python tools/build_scenarios.py"
    stale = [path for path in generated if generated[path] != committed[path]]
    assert not stale, f"stale scenario files (run tools/build_scenarios.py): {stale[:5]}"
    # Every scenario folder comes from the builder: none is edited by hand only.
    assert {p.name for p in SCENARIOS.iterdir() if p.is_dir()} == set(builders)
