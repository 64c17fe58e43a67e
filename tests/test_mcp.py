"""`prodcheck mcp`, driven as a coding agent drives it: the official SDK's own client
spawns `python -m prodcheck mcp` and talks to it over stdio."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import yaml
from mcp.client.session import ClientSession  # the dev extra installs the SDK
from mcp.client.stdio import StdioServerParameters, stdio_client

from prodcheck.yamlfile import load_schema

from .conftest import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
DEMO = SCENARIOS / "demo"
SECRET = "pw-9f2c41d7e0"


def _session(
    use: Callable[[ClientSession], Awaitable[Any]], env: dict[str, str] | None = None
) -> Any:
    """Spawn the server, run `use` on an initialized session, return what it returns."""

    async def main() -> Any:
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "prodcheck", "mcp"], cwd=str(ROOT), env=env
        )
        async with stdio_client(params) as streams, ClientSession(*streams) as session:
            await session.initialize()
            return await use(session)

    return anyio.run(main)


def _content(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    content: dict[str, Any] = result.structured_content
    # The text content says the same, for clients that read only text.
    assert json.loads(result.content[0].text) == content
    return content


def test_the_tools_are_listed_and_all_read_only() -> None:
    async def use(session: ClientSession) -> Any:
        return (await session.list_tools()).tools

    tools = {tool.name: tool for tool in _session(use)}
    assert set(tools) == {"check", "validate", "list_rules", "explain_rule", "explain_finding"}
    for tool in tools.values():
        assert tool.annotations.read_only_hint is True
        assert tool.annotations.destructive_hint is False
        assert tool.description
    # Only a check reaches beyond local files (a live config's API and database).
    assert {n for n, t in tools.items() if t.annotations.open_world_hint} == {
        "check",
        "explain_finding",
    }
    # No tool takes a secret: paths, a time, ids.
    arguments = {a for tool in tools.values() for a in tool.input_schema["properties"]}
    assert arguments == {"fixtures", "config", "now", "fingerprint", "rule_id"}


def test_an_agent_gets_the_demos_findings_and_explains_each(run_cli) -> None:
    async def use(session: ClientSession) -> Any:
        report = _content(await session.call_tool("check", {"fixtures": str(DEMO)}))
        explained = [
            _content(
                await session.call_tool(
                    "explain_finding", {"fingerprint": f["fingerprint"], "fixtures": str(DEMO)}
                )
            )
            for f in report["findings"]
        ]
        unknown = _content(
            await session.call_tool(
                "explain_finding", {"fingerprint": "0000000000000000", "fixtures": str(DEMO)}
            )
        )
        return report, explained, unknown

    report, explained, unknown = _session(use)
    jsonschema.validate(report, load_schema("report.schema.json"))
    cli = run_cli("check", "--fixtures", str(DEMO), "--format", "json")
    assert report == json.loads(cli.output)  # the JSON report, whole
    assert report["verdict"] == "fail" and len(report["findings"]) == 6
    for finding, explanation in zip(report["findings"], explained, strict=True):
        assert explanation["found"] is True
        assert explanation["finding"] == finding
        rule = explanation["rule"]
        assert rule["id"] == finding["rule"] and rule["fix_template"]
        # Every fact the rule's condition reads is shown, at its top-level name.
        for fact in rule["facts"]:
            assert fact["name"].split(".")[0] in explanation["facts"]
        assert explanation["objects"] == finding["refs"]
    assert unknown["found"] is False and "no finding with fingerprint" in unknown["errors"][0]


def test_rules_are_listed_and_explained(run_cli) -> None:
    async def use(session: ClientSession) -> Any:
        listed = _content(await session.call_tool("list_rules", {}))
        known = _content(
            await session.call_tool("explain_rule", {"rule_id": "credits.ledger_mismatch"})
        )
        unknown = _content(await session.call_tool("explain_rule", {"rule_id": "credits.nope"}))
        return listed, known, unknown

    listed, known, unknown = _session(use)
    lines = run_cli("rules").output
    assert [r["id"] for r in listed["rules"]] == sorted(r["id"] for r in listed["rules"])
    assert all(r["id"] in lines for r in listed["rules"])
    assert f"{len(listed['rules'])} rules." in lines
    rule = known["rule"]
    assert rule["subject"] == "credit_account" and rule["severity"] == "fail"
    assert {"has_balance", "difference"} == {f["name"] for f in rule["facts"]}
    assert rule["needs"] == ["credit_balances", "credit_ledger"]
    assert rule["examples"] == {"failing": ["credits-fail"], "passing": ["credits-pass"]}
    assert unknown == {"found": False, "error": "unknown rule id 'credits.nope': list_rules "
                       "gives every id."}  # fmt: skip


def test_validate_names_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "prodcheck.yml"
    data = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    data["policy"] = {"grace_period_dayz": 3}
    bad.write_text(yaml.safe_dump(data))

    async def use(session: ClientSession) -> Any:
        config = {"config": str(DEMO / "prodcheck.yml")}
        good = _content(await session.call_tool("validate", config))
        wrong = _content(await session.call_tool("validate", {"config": str(bad)}))
        return good, wrong

    good, wrong = _session(use)
    assert good["valid"] is True and "credits" in good["packs"] and good["rules"] >= 40
    assert wrong["valid"] is False
    assert str(bad) in wrong["error"] and "grace_period_dayz" in wrong["error"]


def test_a_secret_in_the_servers_environment_never_reaches_the_agent(tmp_path: Path) -> None:
    """A live database URL whose port is wrong: the check ends in an error report
    naming the problem, with the password the URL holds removed."""
    config = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(DEMO)
    config["database"]["url_env"] = "APP_DATABASE_URL"
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    env = {"APP_DATABASE_URL": f"postgresql://app:{SECRET}@127.0.0.1:notaport/app"}

    async def use(session: ClientSession) -> Any:
        report = _content(await session.call_tool("check", {"config": str(path)}))
        explained = _content(
            await session.call_tool(
                "explain_finding", {"fingerprint": "0000000000000000", "config": str(path)}
            )
        )
        return report, explained

    report, explained = _session(use, env)
    assert report["verdict"] == "error" and report["errors"]
    assert explained["found"] is False and explained["errors"]
    assert "$APP_DATABASE_URL" in report["errors"][0] and "***" in report["errors"][0]
    assert SECRET not in json.dumps([report, explained])
