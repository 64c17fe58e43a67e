"""A fixture folder may hold any provider collection or database table as NDJSON
(one object per line, for large folders) instead of a JSON array or list object:
the report is the same, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from prodcheck.sources.fixtures import read_json_list

from .conftest import SCENARIOS


@pytest.mark.parametrize("name", ["mixed-saas", "paddle-fail", "plan-stale-pending-downgrade-fail"])
def test_ndjson_folders_give_the_same_report(tmp_path: Path, run_cli, name: str) -> None:
    original = tmp_path / "json" / name  # both outside the working directory: same paths
    copy = tmp_path / "ndjson" / name
    shutil.copytree(SCENARIOS / name, original)
    shutil.copytree(SCENARIOS / name, copy)
    converted = 0
    for path in sorted(copy.glob("*/*.json")):
        if path.parent.name not in ("stripe", "paddle", "db"):
            continue
        objects = read_json_list(path)
        lines = "".join(json.dumps(obj) + "\n" for obj in objects)
        path.with_suffix(".ndjson").write_text(lines + "\n")  # a blank last line is fine
        path.unlink()
        converted += 1
    assert converted >= 3
    args = ["check", "--format", "json"]
    before = run_cli(*args, "--fixtures", str(original))
    after = run_cli(*args, "--fixtures", str(copy))
    assert after.exit_code == before.exit_code, after.output[-1500:]
    assert '"findings": []' not in before.stdout  # each of these finds something
    # The report names the files it read; everything else is the same.
    renamed = after.stdout.replace(str(copy), str(original)).replace(".ndjson", ".json")
    assert renamed == before.stdout


def test_ndjson_reader_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "rows.ndjson"
    path.write_text('{"a": 1}\n\n  \n{"a": 2}\n')
    assert read_json_list(path) == [{"a": 1}, {"a": 2}]
