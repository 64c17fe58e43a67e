"""A one-line progress display on stderr for long live fetches.

A nightly check of a large account can take minutes; a silent terminal looks
hung. The line is drawn only on a terminal: in CI logs, pipes and files the
carriage-return redraws would be noise, and `--quiet` turns it off entirely.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO


class Progress:
    def __init__(
        self,
        label: str = "fetching",
        *,
        stream: TextIO | None = None,
        quiet: bool = False,
        interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label  # adapters name their source when a fetch starts
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _is_tty(self.stream)
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._started = clock()
        self._drawn_at = 0.0
        self._width = 0
        self.objects: dict[str, int] = {}
        self.pages = 0

    def begin(self, label: str) -> None:
        """A fetch starts: name the source and restart the rate's clock."""
        with self._lock:
            self.label = label
            self._started = self._clock()

    def add(self, collection: str, objects: int, pages: int = 1) -> None:
        """Count a fetched page; redraws at most every `interval` seconds."""
        with self._lock:
            self.objects[collection] = self.objects.get(collection, 0) + objects
            self.pages += pages
            now = self._clock()
            if self.enabled and now - self._drawn_at >= self.interval:
                self._drawn_at = now
                self._draw(self.line())

    def line(self) -> str:
        elapsed = max(self._clock() - self._started, 1e-9)
        counts = ", ".join(f"{n:,} {name}" for name, n in self.objects.items() if n)
        return (
            f"{self.label}: {counts or 'starting'} · {self.pages:,} pages"
            f" · {self.pages / elapsed:.1f} pages/s"
        )

    def finish(self) -> None:
        """Erase the line so the report starts on a clean terminal."""
        with self._lock:
            if self.enabled and self._width:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
                self._width = 0

    def _draw(self, text: str) -> None:
        padding = " " * max(self._width - len(text), 0)
        self.stream.write("\r" + text + padding)
        self.stream.flush()
        self._width = len(text)


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real file
        return False
