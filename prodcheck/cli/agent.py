"""`mcp`: prodcheck's tools for coding agents, over stdio."""

from __future__ import annotations

import click

from prodcheck.extras import require


@click.command("mcp")
def mcp() -> None:
    """Serve check, validate, list_rules, explain_rule and explain_finding to a coding
    agent over stdio (Model Context Protocol). Every tool only reads; credentials
    stay in this process's environment. Needs the extra: pip install 'prodcheck[mcp]'."""
    require("mcp")
    from prodcheck.mcp_server import serve

    serve()


COMMANDS = [mcp]
