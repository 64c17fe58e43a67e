"""What a live billing source does with the objects it fetched, whatever the
provider: normalized by the same SQL as fixture files, into a DuckDB
connection's billing tables (duck_billing.read_billing_objects), or by the
provider's Python normalizer (`load`, and whatever the SQL would read
otherwise: from the same objects, never a second fetch). StripeBilling and
PaddleBilling mix this in and say how they fetch, normalize and describe.
"""

from __future__ import annotations

from typing import Any

from prodcheck.model import BillingState, Provider, SourceInfo

Raw = dict[str, list[dict[str, Any]]]


class LiveBilling:
    provider: Provider

    def fetch(self, needs: frozenset[str]) -> tuple[Raw, dict[str, str]]:
        """Raw objects per collection, complete, and where each came from."""
        raise NotImplementedError

    def _normalize(self, raw: Raw, origins: dict[str, str]) -> BillingState:
        raise NotImplementedError

    def _info(self, raw: Raw) -> SourceInfo:
        raise NotImplementedError

    def load(self, needs: frozenset[str]) -> tuple[BillingState, SourceInfo]:
        raw, origins = self.fetch(needs)
        return self._normalize(raw, origins), self._info(raw)

    def load_by_sql(
        self, conn: Any, needs: frozenset[str]
    ) -> tuple[BillingState, SourceInfo, bool]:
        """What `load` reads, normalized by SQL into `conn`'s billing tables (True),
        or, when the SQL would read them otherwise, by the provider's normalizer
        from the same objects (False)."""
        from prodcheck.sources.duck_billing import read_billing_objects

        raw, origins = self.fetch(needs)
        info = self._info(raw)
        state = read_billing_objects(conn, raw, self.provider)
        if state is not None:
            return state, info, True
        return self._normalize(raw, origins), info, False
