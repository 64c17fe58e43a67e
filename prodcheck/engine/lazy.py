"""Facts computed on first use: a rule whose first condition is false never pays
for the facts named after it, and a fact read by several rules is computed once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any


class LazyFacts(Mapping[str, Any]):
    __slots__ = ("_thunks", "_values")

    def __init__(self, values: dict[str, Any], thunks: dict[str, Callable[[], Any]]) -> None:
        self._values = values
        self._thunks = thunks

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            value = self._thunks[key]()
            self._values[key] = value
            return value

    def get(self, key: str, default: Any = None) -> Any:
        values = self._values
        if key in values:
            return values[key]
        thunk = self._thunks.get(key)
        if thunk is None:
            return default
        value = values[key] = thunk()
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._values or key in self._thunks

    def __iter__(self) -> Iterator[str]:
        yield from self._values
        yield from (k for k in self._thunks if k not in self._values)

    def __len__(self) -> int:
        return len(self._values.keys() | self._thunks.keys())
