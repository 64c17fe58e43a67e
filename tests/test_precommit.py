"""The pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself in a
scratch repository, as a team that adopts them runs them: `pre-commit try-repo`
on this checkout builds the hooks' environment (prodcheck installed from here)
and runs both on the scratch repository's config and scenario folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from pre_commit.clientlib import load_manifest

from .conftest import REPO, SCENARIOS

MANIFEST = REPO / ".pre-commit-hooks.yaml"


def _scratch(tmp_path: Path) -> Path:
    """A git repository with a prodcheck.yml and two scenario folders, committed."""
    repo = tmp_path / "app"
    (repo / "scenarios").mkdir(parents=True)
    for name in ("credits-pass", "credits-fail"):
        shutil.copytree(SCENARIOS / name, repo / "scenarios" / name)
    shutil.copy(SCENARIOS / "credits-pass" / "prodcheck.yml", repo / "prodcheck.yml")
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app"],
        cwd=repo,
        check=True,
    )
    return repo


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--all-files"],
        cwd=repo,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},  # pip's cache shared: faster
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_manifest_is_valid_and_names_both_hooks() -> None:
    hooks = {hook["id"]: hook for hook in load_manifest(str(MANIFEST))}
    assert set(hooks) == {"prodcheck-validate", "prodcheck-test"}
    assert all(hook["language"] == "python" for hook in hooks.values())
    assert all(hook["pass_filenames"] is False for hook in hooks.values())
    assert hooks["prodcheck-test"]["args"] == ["scenarios"]


def test_the_hooks_run_in_a_scratch_repository(tmp_path: Path) -> None:
    repo, home = _scratch(tmp_path), tmp_path / "pre-commit-home"
    passing = _try_repo(repo, home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "prodcheck validate" in passing.stdout and "prodcheck test" in passing.stdout
    assert passing.stdout.count("Passed") == 2

    # A misspelt key in the config, and a scenario that no longer matches its expect.
    config = yaml.safe_load((repo / "prodcheck.yml").read_text())
    config["policy"] = {"grace_period_dayz": 3}
    (repo / "prodcheck.yml").write_text(yaml.safe_dump(config))
    scenario = repo / "scenarios" / "credits-fail" / "scenario.yml"
    expected = yaml.safe_load(scenario.read_text())
    expected["expect"]["findings"].pop()
    scenario.write_text(yaml.safe_dump(expected))
    failing = _try_repo(repo, home)
    assert failing.returncode == 1
    assert failing.stdout.count("Failed") == 2, failing.stdout
    assert "grace_period_dayz" in failing.stdout
    assert "+ unexpected credits.orphan_ledger" in failing.stdout
