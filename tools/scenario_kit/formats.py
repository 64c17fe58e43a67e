"""Ids and timestamps in each provider's format, the same for the same seed on every run."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

DAY = 86_400
MINUTE = 1 / 1440  # a minute, in days
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def paddle_iso(epoch: int) -> str:
    """Paddle's RFC 3339 form, with microseconds as the API returns them."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def stripe_id(prefix: str, seed: str, length: int = 14) -> str:
    """A Stripe-looking id (`cus_Q3x8...`), the same for the same seed on every run."""
    number = int.from_bytes(hashlib.sha256(f"{prefix}:{seed}".encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return f"{prefix}_{''.join(chars)}"


def new_id(kind: str, seed: str) -> str:
    """Stripe's id shapes: cus_ + 14 characters; sub_1, sub_sched_1, evt_1, price_1 + 23."""
    if kind == "cus":
        return stripe_id("cus", seed)
    return f"{kind}_1{stripe_id(kind, seed, 23).rsplit('_', 1)[1]}"


def paddle_id(prefix: str, seed: str) -> str:
    """A Paddle-looking id (`ctm_01` + 24 lower-case Crockford base32 characters)."""
    number = int.from_bytes(hashlib.sha256(f"{prefix}:{seed}".encode()).digest(), "big")
    chars = []
    for _ in range(24):
        number, digit = divmod(number, 32)
        chars.append(_CROCKFORD[digit])
    return f"{prefix}_01{''.join(chars)}"
