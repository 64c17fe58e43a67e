"""What a live billing source does with the objects it fetched, whatever the
provider: normalized by the same SQL as fixture files, into a DuckDB
connection's billing tables (duck_billing.read_billing_lines; what the SQL would
read otherwise is normalized by the provider's Python normalizer from the same
texts, never a second fetch), or by the normalizer alone (`load`). StripeBilling and
PaddleBilling mix this in and say how they fetch, normalize and describe.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prodcheck.model import BillingState, Provider, SourceInfo

Raw = dict[str, list[dict[str, Any]]]
Lines = dict[str, list[str]]  # collection -> each object's JSON text, in order


class LiveBilling:
    provider: Provider

    def fetch(self, needs: frozenset[str]) -> tuple[Raw, dict[str, str]]:
        """Raw objects per collection, complete, and where each came from."""
        raise NotImplementedError

    def fetch_lines(self, needs: frozenset[str]) -> tuple[Lines, dict[str, str]]:
        """The same objects as `fetch`, each kept as its JSON text."""
        raise NotImplementedError

    def _normalize(self, raw: Raw, origins: dict[str, str]) -> BillingState:
        raise NotImplementedError

    def _info(self, raw: Mapping[str, Sequence[Any]]) -> SourceInfo:
        """What was read (the counts of each collection), for the report."""
        raise NotImplementedError

    def load(self, needs: frozenset[str]) -> tuple[BillingState, SourceInfo]:
        raw, origins = self.fetch(needs)
        return self._normalize(raw, origins), self._info(raw)

    def load_by_sql(
        self, conn: Any, needs: frozenset[str]
    ) -> tuple[BillingState, SourceInfo, bool]:
        """What `load` reads, normalized by SQL into `conn`'s billing tables (True;
        the objects the SQL does not read as the provider's normalizer does are
        normalized by it, one by one, from the same texts), or, for collections the
        SQL does not know, by the provider's normalizer from the same objects
        (False). The objects are kept as JSON text from the moment they arrive,
        never as parsed objects, unless the normalizer is to read them."""
        from prodcheck.sources.duck_billing import read_billing_lines

        lines, origins = self.fetch_lines(needs)
        info = self._info(lines)
        state, raw = read_billing_lines(conn, lines, self.provider, origins)
        if state is not None:
            return state, info, True
        return self._normalize(raw, origins), info, False
