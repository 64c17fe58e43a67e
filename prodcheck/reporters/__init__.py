"""Reporters: pure `render(report) -> str` functions, one module per format.

The registry is a plain dict of module paths; a module is imported only when
its format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from prodcheck.results import Report

REPORTERS: dict[str, str] = {
    "terminal": "prodcheck.reporters.terminal",
    "json": "prodcheck.reporters.json_report",
    "github": "prodcheck.reporters.github",
    "markdown": "prodcheck.reporters.markdown",
    "junit": "prodcheck.reporters.junit",
    "sarif": "prodcheck.reporters.sarif",
    "html": "prodcheck.reporters.html",
}


def get_renderer(name: str) -> Callable[[Report], str]:
    module = importlib.import_module(REPORTERS[name])
    renderer: Callable[[Report], str] = module.render
    return renderer
