"""API keys: read from the environment variable the config names, and kept out of output.

Keys never live in prodcheck.yml (DESIGN.md, Safety), and no message built by
a live adapter may contain one, even in part: vendor error texts sometimes
echo a masked key, so anything taken from them goes through `redact`.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from prodcheck.errors import CredentialError
from prodcheck.redaction import KEY_PATTERN, register_secret


def read_key(env: Mapping[str, str], variable: str | None, provider: str, advice: str) -> str:
    """The key in `variable`, or a CredentialError saying how to provide it."""
    if not variable:
        raise CredentialError(
            f"billing.api_key_env is not set: name the environment variable that holds "
            f"the {provider} API key (never the key itself). {advice}"
        )
    value = env.get(variable, "").strip()
    register_secret(value)
    if not value:
        state = "is empty" if variable in env else "is not set"
        raise CredentialError(
            f"the environment variable {variable} {state}: it must hold the {provider} "
            f"API key named by billing.api_key_env. {advice}"
        )
    return value


def redact(text: str, *secrets: str) -> str:
    """`text` without any of `secrets` and without anything shaped like an API key."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return KEY_PATTERN.sub("[redacted key]", text)


def display_url(url: str) -> str:
    """A base URL fit for reports: user and password removed."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "<the configured API base URL>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
