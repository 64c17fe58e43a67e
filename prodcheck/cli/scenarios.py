"""`prodcheck test`: the user's regression scenarios, compared with their `expect:`."""

from __future__ import annotations

from pathlib import Path

import click

from prodcheck.cli.ci import test_to_github
from prodcheck.cli.output import environment, say
from prodcheck.errors import ConfigError
from prodcheck.results import ExitCode
from prodcheck.testing import find_scenarios, run_scenario


@click.command("test")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="One config for every scenario (default: each folder's prodcheck.yml).",
)
@click.option("--github-output", is_flag=True, hidden=True, help="Step outputs (action.yml).")
def test_command(paths: tuple[Path, ...], config_path: Path | None, github_output: bool) -> None:
    """Run every scenario folder in PATHS and compare with its scenario.yml `expect`."""
    folders = find_scenarios(paths)
    if not folders:
        raise ConfigError(
            f"no scenario.yml found under {', '.join(map(str, paths))}: a scenario folder "
            "holds fixtures and a scenario.yml with `expect:`."
        )
    env = environment()
    failed = errored = 0
    results = []
    for folder in folders:
        result = run_scenario(folder, config_path, env)
        results.append(result)
        if result.error:
            errored += 1
            say(f"ERROR {folder}")
            for line in result.error.splitlines():
                say(f"      {line}")
        elif not result.ok:
            failed += 1
            say(f"FAIL  {folder}")
            for line in result.differences:
                say(f"      {line}")
        else:
            say(f"ok    {folder}")
    passed = len(folders) - failed - errored
    # Under GitHub Actions: annotations and a job summary, as `check` writes them.
    test_to_github(results, env, github_output=github_output)
    say(f"\n{len(folders)} scenarios: {passed} ok, {failed} mismatched, {errored} could not run")
    if errored:
        raise SystemExit(ExitCode.NOT_CHECKED)
    raise SystemExit(ExitCode.FAILED if failed else ExitCode.OK)


COMMANDS = [test_command]
