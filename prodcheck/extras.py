"""Optional dependencies: the live sources' SDKs and drivers are extras, so a plain
`pip install prodcheck` runs fixtures only. A live command without its extra is
exit 2 with the exact command to run, never a ModuleNotFoundError traceback."""

from __future__ import annotations

import importlib

from prodcheck.errors import MissingExtraError

# importable module -> (what needs it, the extra that installs it)
EXTRAS: dict[str, tuple[str, str]] = {
    "stripe": ("the live Stripe source", "stripe"),
    "paddle_billing": ("the live Paddle source", "paddle"),
    "psycopg": ("reading a PostgreSQL database", "postgres"),
    "pymysql": ("reading a MySQL or MariaDB database", "mysql"),
    "mcp": ("the MCP server (prodcheck mcp)", "mcp"),
}
# billing provider -> the module its live source needs
PROVIDER_SDK = {"stripe": "stripe", "paddle": "paddle_billing"}
ALL_LIVE = "pip install 'prodcheck[live]'"
LIVE_EXTRAS = frozenset({"stripe", "paddle", "postgres", "mysql"})


def missing_extra_message(module: str) -> str | None:
    """The advice for a missing top-level module, or None when it is not an extra's."""
    top = module.split(".", 1)[0]
    if top not in EXTRAS:
        return None
    what, extra = EXTRAS[top]
    every = f" (or {ALL_LIVE} for every live source)" if extra in LIVE_EXTRAS else ""
    return (
        f"{what} needs the Python package '{top}', which is not installed. Install it with "
        f"pip install 'prodcheck[{extra}]'{every}, in the same environment as prodcheck."
    )


def require(module: str) -> None:
    """Import `module` or raise MissingExtraError naming the pip command that installs it."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        message = missing_extra_message(module) or f"the Python package '{module}' is missing"
        raise MissingExtraError(message) from exc


def require_provider_sdk(provider: str) -> None:
    require(PROVIDER_SDK[provider])
