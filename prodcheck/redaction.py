"""Secrets never leave the process: every value prodcheck reads as a secret is
registered here, and everything prodcheck prints or writes goes through `scrub`.

prodcheck reads three kinds of secret, always from environment variables the
config names: the billing API key, the database URL (its password) and the
Slack webhook URL. The places that read them call `register_secret` or
`register_url` at once, before the value reaches a client library, so a
driver's or SDK's error text that echoes it (libpq quotes a URL it cannot
parse, urllib quotes a URL with a space) is cleaned at the door like any
other output. On top of that, anything shaped like an API key, and the
password in anything shaped like a URL with credentials, is removed whether
registered or not.

Each CLI invocation starts with an empty registry (`reset`).
"""

from __future__ import annotations

import html
import json
import re
import threading
from urllib.parse import parse_qsl, quote, unquote, urlsplit

REDACTED = "[redacted]"
# Shorter values are not treated as secrets: replacing every "ab" in a report
# would destroy it, and a two-letter password protects nothing anyway.
MIN_SECRET_LENGTH = 4

# Stripe (sk_/rk_/pk_ live/test, whsec_) and Paddle (pdl_live_/pdl_sdbx_) key shapes.
KEY_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9*]+|whsec_[A-Za-z0-9*]+"
    r"|pdl_(?:live|sdbx)_[A-Za-z0-9_*]+)"
)
# What every match of KEY_PATTERN holds.
_KEY_MARKERS = ("_live_", "_test_", "whsec_", "pdl_sdbx_")
# scheme://user:password@host: the password goes, whatever the scheme.
_URL_CREDENTIALS = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@'\"]*:)[^\s@'\"]+@")
# Slack incoming-webhook paths are the secret part of the URL.
_SLACK_PATH = re.compile(r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+")

_lock = threading.Lock()
_secrets: set[str] = set()


def reset() -> None:
    with _lock:
        _secrets.clear()


def _forms(value: str) -> set[str]:
    """The value as it may appear in output: raw, URL-quoted and -unquoted, and
    escaped for JSON, HTML and XML reports."""
    forms = {value, unquote(value), quote(value, safe=""), quote(value, safe="/:@")}
    forms |= {json.dumps(value)[1:-1], html.escape(value), html.escape(value, quote=False)}
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def register_secret(value: str | None) -> None:
    """Never show `value` (and its escaped forms) in any output of this run."""
    if not value:
        return
    value = value.strip()
    if len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        _secrets.update(_forms(value))


def url_passwords(url: str) -> list[str]:
    """Every password a URL may carry, found even when the URL does not parse:
    `user:pass@host`, `?password=...`, and libpq's `password=...` keywords."""
    found: list[str] = []
    _, sep, rest = url.partition("://")
    if sep:
        authority = rest.split("?", 1)[0]
        if "@" in authority:
            userinfo = authority.rsplit("@", 1)[0]
            if ":" in userinfo:
                found.append(userinfo.split(":", 1)[1])
    try:
        parts = urlsplit(url)
        if parts.password:
            found.append(parts.password)
        found += [v for k, v in parse_qsl(parts.query) if "password" in k.lower() and v]
    except ValueError:
        pass
    found += re.findall(r"password\s*=\s*'?([^\s'&]+)", url, flags=re.IGNORECASE)
    return found


def register_url(url: str | None, *, whole: bool = False) -> None:
    """Register a URL's passwords; with `whole`, the URL itself is the secret
    (a Slack webhook), and so is its path."""
    if not url:
        return
    for password in url_passwords(url):
        register_secret(password)
    if whole:
        register_secret(url)
        try:
            path = urlsplit(url.strip()).path
        except ValueError:
            path = ""
        if len(path.strip("/")) >= 8:
            register_secret(path)


def scrub(text: str) -> str:
    """`text` without any registered secret, API-key-shaped string or URL password."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    # Each pattern runs only where the text holds what every match holds: over a
    # 40 MB report, a substring test costs a fiftieth of a pattern's scan.
    if any(marker in text for marker in _KEY_MARKERS):
        text = KEY_PATTERN.sub("[redacted key]", text)
    if "://" in text and "@" in text:
        text = _URL_CREDENTIALS.sub(r"\g<head>***@", text)
    if "hooks.slack.com/" in text:
        text = _SLACK_PATH.sub("hooks.slack.com/[redacted]", text)
    return text
