"""A small stand-in for the GitHub Actions runner, enough to run action.yml and the
example workflows' steps locally: `${{ inputs.* }}`, `${{ github.action_path }}`
and `${{ steps.<id>.outputs.* }}` substituted, each `run:` script executed the
way the runner does for `shell: bash` (`bash --noprofile --norc -eo pipefail`),
with GITHUB_ACTIONS=true, a GITHUB_OUTPUT file per step and one shared
GITHUB_STEP_SUMMARY. Steps that only set up a real runner (checkout,
setup-python, upload-artifact) are skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")
SETUP_ONLY = ("actions/checkout@", "actions/setup-python@", "actions/upload-artifact@")


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's `name=value` lines and `name<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for inner in lines:
                if inner == delimiter:
                    break
                value.append(inner)
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


@dataclass
class StepRun:
    name: str
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class Runner:
    workspace: Path
    runner_temp: Path
    action_path: Path
    env: dict[str, str] = field(default_factory=dict)  # the job's env (secrets, ...)

    def __post_init__(self) -> None:
        self.summary = self.runner_temp / "step_summary.md"
        self.summary.touch()
        self._outputs = 0

    def evaluate(self, text: str, context: dict[str, Any]) -> str:
        def value(match: re.Match[str]) -> str:
            node: Any = context
            for part in match.group(1).split("."):
                node = node.get(part, "") if isinstance(node, dict) else ""
            return "" if node is None else str(node)

        return EXPRESSION.sub(value, text)

    def run_script(
        self, name: str, script: str, env: dict[str, str], working_directory: str
    ) -> StepRun:
        self._outputs += 1
        output_file = self.runner_temp / f"output_{self._outputs}"
        output_file.write_text("")
        script_file = self.runner_temp / f"step_{self._outputs}.sh"
        script_file.write_text(script)
        full_env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", str(self.runner_temp)),
            "LANG": "C.UTF-8",
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_WORKSPACE": str(self.workspace),
            "RUNNER_TEMP": str(self.runner_temp),
            **self.env,
            **env,
        }
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=self.workspace / working_directory,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        return StepRun(
            name,
            result.returncode,
            result.stdout,
            result.stderr,
            parse_outputs(output_file.read_text()),
        )

    def run_action(self, inputs: dict[str, str]) -> tuple[list[StepRun], dict[str, str]]:
        """action.yml's steps with these inputs; (steps run, the action's outputs)."""
        action = yaml.safe_load((self.action_path / "action.yml").read_text())
        given = {k: str(v) for k, v in inputs.items()}
        defaults = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
        unknown = set(given) - set(defaults)
        assert not unknown, f"inputs not declared in action.yml: {unknown}"
        context: dict[str, Any] = {
            "inputs": {**defaults, **given},
            "github": {"action_path": str(self.action_path)},
            "steps": {},
        }
        runs: list[StepRun] = []
        for step in action["runs"]["steps"]:
            assert step["shell"] == "bash"
            env = {k: self.evaluate(str(v), context) for k, v in step.get("env", {}).items()}
            workdir = self.evaluate(step.get("working-directory", "."), context)
            run = self.run_script(step.get("name", step["id"]), step["run"], env, workdir)
            runs.append(run)
            context["steps"][step["id"]] = {"outputs": run.outputs}
            if run.returncode != 0:
                break  # a failed step ends the composite action
        outputs = {
            name: self.evaluate(spec["value"], context) for name, spec in action["outputs"].items()
        }
        return runs, outputs

    def run_workflow_job(self, workflow: Path, job: str) -> list[StepRun]:
        """A workflow job's steps: the prodcheck action run from action_path, `run:` steps
        as scripts, set-up-only steps skipped; `if: always()` steps run after a failure."""
        steps = yaml.safe_load(workflow.read_text())["jobs"][job]["steps"]
        context: dict[str, Any] = {"steps": {}}
        runs: list[StepRun] = []
        failed = False
        for step in steps:
            uses = step.get("uses", "")
            if uses.startswith(SETUP_ONLY):
                continue
            if failed and "always()" not in str(step.get("if", "")):
                continue
            if "prodcheck@" in uses:
                inputs = {k: str(v) for k, v in (step.get("with") or {}).items()}
                job_env = self.env
                self.env = {**job_env, **{k: str(v) for k, v in step.get("env", {}).items()}}
                try:
                    action_runs, outputs = self.run_action(inputs)
                finally:
                    self.env = job_env
                runs.extend(action_runs)
                result = action_runs[-1]
            else:
                env = {k: self.evaluate(str(v), context) for k, v in step.get("env", {}).items()}
                result = self.run_script(step.get("name", "run"), step["run"], env, ".")
                runs.append(result)
                outputs = result.outputs
            if "id" in step:
                context["steps"][step["id"]] = {"outputs": outputs}
            failed = failed or result.returncode != 0
        return runs
