"""scrub: each secret shape is removed wherever it stands, and the substring tests
that spare a text the patterns' scans never spare a secret."""

from __future__ import annotations

import pytest

from prodcheck.redaction import KEY_PATTERN, scrub

# text, the secret in it, what stands in its place
TEXTS = {
    "stripe secret key": (
        "key sk_live_abc123XYZ in a message",
        "sk_live_abc123XYZ",
        "[redacted key]",
    ),
    "stripe test key": ('"sk_test_51Habc"', "sk_test_51Habc", "[redacted key]"),
    "restricted key": ("rk_live_abcdef", "rk_live_abcdef", "[redacted key]"),
    "publishable key": ("pk_test_abc", "pk_test_abc", "[redacted key]"),
    "webhook secret": ("whsec_abcDEF123", "whsec_abcDEF123", "[redacted key]"),
    "paddle live key": ("pdl_live_apikey_01abc", "pdl_live_apikey_01abc", "[redacted key]"),
    "paddle sandbox key": ("pdl_sdbx_apikey_01abc", "pdl_sdbx_apikey_01abc", "[redacted key]"),
    "url password": ("postgresql://app:hunter22@db.example.com/app", "hunter22", "app:***@db"),
    "slack path": (
        "https://hooks.slack.com/services/T000/B000/XXXX",
        "T000/B000/XXXX",
        "hooks.slack.com/[redacted]",
    ),
}


@pytest.mark.parametrize("case", sorted(TEXTS))
def test_every_secret_shape_is_removed(case: str) -> None:
    text, secret, shown = TEXTS[case]
    scrubbed = scrub(f"before {text} after\n" * 3)
    assert scrubbed.count(shown) == 3
    assert secret not in scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nothing secret here: cus_123, sub_456, price_pro_monthly",
        "an email alice@example.com and a link https://dashboard.stripe.com/customers/cus_1",
        "a key-like word risk_live_thing and sk_livex_abc",
        "xsk_live_abc (glued to a word: not a key)",
    ],
)
def test_texts_without_secrets_are_unchanged(text: str) -> None:
    assert scrub(text) == text


def test_the_key_markers_hold_every_key_shape() -> None:
    """Each key KEY_PATTERN matches holds one of the substrings scrub tests first."""
    from prodcheck.redaction import _KEY_MARKERS

    for key in ("sk_live_a", "sk_test_a", "rk_live_a", "rk_test_a", "pk_live_a", "pk_test_a",
                "whsec_a", "pdl_live_a", "pdl_sdbx_a"):  # fmt: skip
        assert KEY_PATTERN.fullmatch(key), key
        assert any(marker in key for marker in _KEY_MARKERS), key
