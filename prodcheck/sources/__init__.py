"""Sources: each side of the comparison, live or from fixtures.

Registries are plain dicts of module paths, imported lazily so that fixture
mode and `--version` never pay for a vendor SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from prodcheck.config import Config
from prodcheck.extras import require_provider_sdk
from prodcheck.sources.base import AccountSource, BillingSource
from prodcheck.sources.fixtures import FixtureAccounts, FixtureBilling

# provider -> (module, class) of the live billing adapter
LIVE_BILLING: dict[str, tuple[str, str]] = {
    "stripe": ("prodcheck.sources.stripe", "StripeBilling"),
    "paddle": ("prodcheck.sources.paddle", "PaddleBilling"),
}


def _live_class(provider: str) -> Any:
    require_provider_sdk(provider)
    module_name, class_name = LIVE_BILLING[provider]
    return getattr(importlib.import_module(module_name), class_name)


def open_billing(
    config: Config,
    fixtures: Path | None,
    env: Mapping[str, str],
    *,
    quiet: bool = False,
    now: datetime | None = None,
) -> BillingSource:
    """--fixtures wins; then billing.fixtures; then the live API."""
    folder = fixtures or config.billing.fixtures
    if folder is not None:
        return FixtureBilling(folder, config.billing)
    from prodcheck.sources.progress import Progress

    live = _live_class(config.billing.provider.value)
    # `now`: the time windows read (events, notifications) are counted back from it
    kwargs: dict[str, Any] = {"env": env, "progress": Progress(quiet=quiet), "now": now}
    billing = config.billing
    if billing.events_days is None:
        # events are read for the webhooks pack: as far back as it checks, no further
        billing = replace(billing, events_days=config.webhooks.lookback_days)
    source: BillingSource = live(billing, **kwargs)
    return source


def open_accounts(config: Config, fixtures: Path | None, env: Mapping[str, str]) -> AccountSource:
    folder = fixtures or config.database.fixtures
    if folder is not None:
        return FixtureAccounts(folder, config.database)
    from prodcheck.sources.database import open_accounts_source

    return open_accounts_source(config.database, env)
