"""The render deadline times the template, not the garbage collector: with a
million subscriptions in memory a full collection pauses for over a second, and
that pause stopped a 1M-subscription check with "rendering took more than 1 s"."""

from __future__ import annotations

import gc

from prodcheck.engine.templates import render_bounded, template_environment


def test_no_collection_runs_while_a_template_renders() -> None:
    template = template_environment().from_string("{{ collecting() }}")
    assert gc.isenabled()
    assert render_bounded(template, {"collecting": gc.isenabled}) == "False"
    assert gc.isenabled()  # collections resume after the render


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    template = template_environment().from_string("{{ 1 + 1 }}")
    gc.disable()
    try:
        assert render_bounded(template, {}) == "2"
        assert not gc.isenabled()
    finally:
        gc.enable()
