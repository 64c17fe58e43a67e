"""action.yml and the example workflows: validated offline against the GitHub
schemas bundled in check-jsonschema, then run for real by tests/actions_runner.py
(a venv built once from this checkout, scripts run as the runner runs them), with
the outputs, the job summary and the annotations checked on a failing and a
passing run. The done-means of issue 5: the example PR workflow's steps run in a
scratch directory and produce annotations, a summary and outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from prodcheck import __version__
from prodcheck.bundled import contracts_dir
from prodcheck.engine.contracts import load_rules

from .actions_runner import Runner, parse_outputs
from .conftest import DEMO, REPO, SCENARIOS

WORKFLOWS = REPO / "examples" / "workflows"


def check_jsonschema(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *args], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_metadata_validates_against_the_github_actions_schema() -> None:
    check_jsonschema("--builtin-schema", "vendor.github-actions", str(REPO / "action.yml"))


def test_example_workflows_validate_against_the_github_workflows_schema() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["nightly-live.yml", "pr-gate.yml"]
    check_jsonschema("--builtin-schema", "vendor.github-workflows", *map(str, files))


def test_inputs_reach_scripts_only_through_env() -> None:
    """No `${{ }}` inside a script: an input can never be spliced in as shell code."""
    action = yaml.safe_load((REPO / "action.yml").read_text())
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]


def test_parse_outputs_reads_heredoc_blocks() -> None:
    text = "a=1\nmulti<<EOF_x\nline 1\nline=2\nEOF_x\nb=two=2\n"
    assert parse_outputs(text) == {"a": "1", "multi": "line 1\nline=2", "b": "two=2"}


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One RUNNER_TEMP for the module: the action's venv is built once and reused."""
    return tmp_path_factory.mktemp("runner_temp")


def make_runner(tmp_path: Path, runner_temp: Path, **env: str) -> Runner:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    temp = runner_temp / tmp_path.name
    temp.mkdir()
    # The venv lives at $RUNNER_TEMP/prodcheck-venv-*: share the module's.
    for venv in runner_temp.glob("prodcheck-venv-*"):
        (temp / venv.name).symlink_to(venv)
    return Runner(workspace=workspace, runner_temp=temp, action_path=REPO, env=env)


@pytest.fixture(scope="module")
def installed(runner_temp: Path) -> str:
    """The action's install step, once: a venv of its own with prodcheck from this checkout."""
    runner = Runner(workspace=runner_temp, runner_temp=runner_temp, action_path=REPO)
    action = yaml.safe_load((REPO / "action.yml").read_text())
    install = action["runs"]["steps"][0]
    env = {
        "PRODCHECK_ACTION_PATH": str(REPO),
        "PRODCHECK_PYTHON": sys.executable,
        "PRODCHECK_EXTRAS": "",
    }
    run = runner.run_script("install", install["run"], env, ".")
    assert run.returncode == 0, run.stderr[-3000:]
    prodcheck = run.outputs["prodcheck"]
    assert prodcheck == str(runner_temp / "prodcheck-venv-base" / "bin" / "prodcheck")
    # Its own venv: the job's Python (this interpreter) gained nothing.
    assert not Path(prodcheck).resolve().is_relative_to(Path(sys.prefix).resolve())
    return prodcheck


@pytest.mark.parametrize(
    ("ref", "ok"),
    [
        ("", True),  # a branch or a commit: whatever it installs
        ("main", True),
        (f"v{__version__}", True),
        (f"v{__version__.split('.')[0]}", True),  # the moving major tag
        ("v0.0.1", False),
        (f"v{int(__version__.split('.')[0]) + 1}", False),
    ],
)
def test_a_release_tag_installs_that_release(installed, runner_temp, ref: str, ok: bool) -> None:
    """Pinned to vX.Y.Z (or vX), the install step refuses a checkout of another
    version: a tag that is not a release commit."""
    runner = Runner(workspace=runner_temp, runner_temp=runner_temp, action_path=REPO)
    install = yaml.safe_load((REPO / "action.yml").read_text())["runs"]["steps"][0]
    env = {
        "PRODCHECK_ACTION_PATH": str(REPO),
        "PRODCHECK_ACTION_REF": ref,
        "PRODCHECK_PYTHON": sys.executable,
        "PRODCHECK_EXTRAS": "",
    }
    run = runner.run_script("install", install["run"], env, ".")
    assert run.stdout.startswith(f"prodcheck, version {__version__}\n")
    if ok:
        assert run.returncode == 0, run.stdout
        assert run.outputs["prodcheck"] == installed
    else:
        assert run.returncode == 1
        assert (
            f"::error title=prodcheck::the action is pinned to {ref}, but that ref " in run.stdout
        )
        assert "prodcheck" not in run.outputs


def annotations(stdout: str, level: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"::{level} ")]


def test_check_failing_fixtures(installed, tmp_path, runner_temp) -> None:
    runner = make_runner(tmp_path, runner_temp)
    shutil.copytree(DEMO, runner.workspace / "billing-fixtures")
    runs, outputs = runner.run_action(
        {
            "fixtures": "billing-fixtures",
            "json-report": "reports/prodcheck.json",
            "formats": "junit=reports/junit.xml\nsarif=reports/prodcheck.sarif\n"
            "html=reports/prodcheck.html",
            "python": sys.executable,
            "extras": "",
        }
    )
    install, check = runs
    assert install.returncode == 0
    assert check.returncode == 1  # FAIL fails the step
    assert outputs["verdict"] == "fail"
    assert (outputs["fail-count"], outputs["warn-count"]) == ("5", "1")
    assert outputs["monthly-at-stake"] == "$305.83/mo"
    assert Path(outputs["prodcheck"]).resolve() == Path(installed).resolve()
    report = Path(outputs["report"])
    assert report.is_absolute() and report == runner.workspace / "reports" / "prodcheck.json"
    assert json.loads(report.read_text())["verdict"] == "fail"
    for name in ("junit.xml", "prodcheck.sarif", "prodcheck.html"):
        assert (runner.workspace / "reports" / name).stat().st_size > 1000
    errors = annotations(check.stdout, "error")
    assert len(errors) == 5
    assert errors[0].startswith("::error file=billing-fixtures/prodcheck.yml,title=")
    assert len(annotations(check.stdout, "warning")) == 1
    summary = runner.summary.read_text()
    assert summary.startswith("## ❌ prodcheck: FAIL")
    assert "`access.revenue_leak`" in summary


def test_check_passing_with_a_baseline_and_strict_warnings(installed, tmp_path, runner_temp):
    runner = make_runner(tmp_path, runner_temp)
    fixtures = runner.workspace / "fixtures"
    shutil.copytree(SCENARIOS / "mixed-saas", fixtures)
    result = subprocess.run(
        [installed, "baseline", "--fixtures", "fixtures", "--out", ".prodcheck-baseline.json"],
        cwd=runner.workspace,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    inputs = {"fixtures": "fixtures", "baseline": ".prodcheck-baseline.json", "extras": ""}
    runs, outputs = runner.run_action({**inputs, "python": sys.executable})
    assert runs[-1].returncode == 0
    assert outputs["verdict"] == "pass"
    assert (outputs["fail-count"], outputs["warn-count"], outputs["known-count"]) == (
        "0",
        "0",
        "11",
    )
    assert annotations(runs[-1].stdout, "error") == []
    assert runner.summary.read_text().startswith("## ✅ prodcheck: PASS")

    # Only warnings, then --strict: the same run fails the step.
    (runner.workspace / ".prodcheck-baseline.json").unlink()
    warn_only = runner.workspace / "warn-only"
    shutil.copytree(SCENARIOS / "identity-orphan-subscription-fail", warn_only)
    runs, outputs = runner.run_action(
        {"fixtures": "warn-only", "extras": "", "python": sys.executable}
    )
    assert runs[-1].returncode == 0 and outputs["verdict"] == "warn"
    runs, outputs = runner.run_action(
        {"fixtures": "warn-only", "strict": "true", "extras": "", "python": sys.executable}
    )
    assert runs[-1].returncode == 1 and outputs["verdict"] == "warn"


def test_bad_input_fails_with_an_error_verdict(installed, tmp_path, runner_temp) -> None:
    runner = make_runner(tmp_path, runner_temp)
    runs, outputs = runner.run_action(
        {"fixtures": "missing", "formats": "junit", "extras": "", "python": sys.executable}
    )
    assert runs[-1].returncode == 2
    assert "'junit' is not FORMAT=PATH" in runs[-1].stdout
    runs, outputs = runner.run_action(
        {"fixtures": "missing", "extras": "", "python": sys.executable}
    )
    assert runs[-1].returncode == 2 and outputs["verdict"] == "error"


def _team_repo(runner: Runner, *, mismatch: bool) -> None:
    """A team's repository: prodcheck.yml at the root, regression scenarios beside it."""
    config = (DEMO / "prodcheck.yml").read_text()
    (runner.workspace / "prodcheck.yml").write_text(config)
    scenarios = runner.workspace / "billing-scenarios"
    shutil.copytree(DEMO, scenarios / "webhook-outage", ignore=shutil.ignore_patterns("*.yml"))
    shutil.copy(DEMO / "scenario.yml", scenarios / "webhook-outage" / "scenario.yml")
    if mismatch:
        broken = scenarios / "upgrade-not-applied"
        shutil.copytree(scenarios / "webhook-outage", broken)
        text = (broken / "scenario.yml").read_text()
        (broken / "scenario.yml").write_text(
            text.replace("  - rule: plan.underprovisioned\n    subject: account:u_1008\n", "")
        )


@pytest.mark.parametrize("mismatch", [False, True], ids=["scenarios-match", "scenario-mismatch"])
def test_example_pr_workflow_runs_locally(mismatch, installed, tmp_path, runner_temp) -> None:
    runner = make_runner(tmp_path, runner_temp)
    _team_repo(runner, mismatch=mismatch)
    # The workflow exactly as shipped (its install step finds the module's venv).
    runs = runner.run_workflow_job(WORKFLOWS / "pr-gate.yml", "scenarios")
    names = [r.name for r in runs]
    assert names == ["Install prodcheck", "Run prodcheck", "Outcome"]
    _install, check, outcome = runs
    bundled = len(load_rules(contracts_dir(), None, ()))
    assert f"valid · {bundled} rules" in check.stdout  # validate ran first
    summary = runner.summary.read_text()
    if mismatch:
        assert check.returncode == 1
        errors = annotations(check.stdout, "error")
        assert len(errors) == 1
        assert errors[0].startswith(
            "::error file=billing-scenarios/upgrade-not-applied/scenario.yml,"
        )
        assert "unexpected plan.underprovisioned  account:u_1008" in errors[0]
        assert "1 of 2 scenarios ok" in summary and "| mismatch |" in summary
        assert check.outputs["verdict"] == "fail"
        assert outcome.stdout.strip() == "prodcheck scenarios: fail (1 of 2 did not match)"
    else:
        assert check.returncode == 0
        assert annotations(check.stdout, "error") == []
        assert "1 of 1 scenarios ok" in summary
        assert outcome.stdout.strip() == "prodcheck scenarios: pass (0 of 1 did not match)"
