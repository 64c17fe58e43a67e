"""The stderr progress line: drawn on a terminal only, never when quiet, erased at the end."""

from __future__ import annotations

import io

from prodcheck.sources.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_draws_counts_pages_and_rate_on_a_terminal() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(stream=stream, clock=clock)
    progress.begin("Stripe")
    clock.now += 2.0
    progress.add("subscriptions", 100)
    progress.add("subscriptions", 100)  # within the redraw interval: not drawn
    clock.now += 0.5
    progress.add("customers", 40)
    lines = stream.getvalue().split("\r")
    assert lines[1].startswith("Stripe: 100 subscriptions · 1 pages")
    assert lines[2].strip() == "Stripe: 200 subscriptions, 40 customers · 3 pages · 1.2 pages/s"
    progress.finish()
    assert stream.getvalue().endswith("\r" + " " * len(lines[2].rstrip()) + "\r")


def test_silent_when_not_a_terminal_or_quiet() -> None:
    for stream, quiet in ((io.StringIO(), False), (Terminal(), True)):
        progress = Progress("Paddle", stream=stream, quiet=quiet)
        progress.add("customers", 200)
        progress.finish()
        assert stream.getvalue() == ""
        assert progress.objects == {"customers": 200}  # still counted, only not shown


def test_a_closed_stream_counts_as_not_a_terminal() -> None:
    stream = io.StringIO()
    stream.close()
    assert not Progress(stream=stream).enabled
