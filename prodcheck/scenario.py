"""scenario.yml: what a fixture folder must produce (verdict, findings, totals)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from prodcheck.errors import ConfigError
from prodcheck.yamlfile import read_yaml_file, schema_errors

SCENARIO_FILENAME = "scenario.yml"


@dataclass(frozen=True, slots=True)
class Expectation:
    verdict: str
    findings: frozenset[tuple[str, str]]  # (rule, "kind:id")
    monthly_at_stake: dict[str, int] | None = None
    skipped_rules: frozenset[str] | None = None
    settling: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    folder: Path
    description: str
    now: datetime | None
    expect: Expectation


def read_scenario(folder: Path, *, required: bool = True) -> Scenario | None:
    path = folder / SCENARIO_FILENAME
    if not path.is_file():
        if required:
            raise ConfigError(
                f"{path}: not found. A scenario folder needs a scenario.yml with "
                "`description`, `now` and `expect: {verdict, findings}`."
            )
        return None
    located = read_yaml_file(path, ConfigError, "scenario file")
    errors = schema_errors(located, "scenario.schema.json")
    if errors:
        raise ConfigError(f"{path}: invalid scenario:", details=tuple(errors))
    data = located.data
    now = None
    if data.get("now"):
        try:
            now = datetime.fromisoformat(str(data["now"]).replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(
                f"{located.where(('now',))}: now: '{data['now']}' is not ISO 8601 "
                "(e.g. 2026-01-31T12:00:00Z)."
            ) from None
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    expect = data["expect"]
    skipped = expect.get("skipped_rules")
    return Scenario(
        folder=folder,
        description=" ".join(str(data["description"]).split()),
        now=now,
        expect=Expectation(
            verdict=expect["verdict"],
            findings=frozenset((f["rule"], f["subject"]) for f in expect["findings"]),
            monthly_at_stake=expect.get("monthly_at_stake"),
            skipped_rules=frozenset(skipped) if skipped is not None else None,
            settling=frozenset(expect["settling"]) if "settling" in expect else None,
        ),
    )
