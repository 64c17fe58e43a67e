"""Regenerate the bundled scenario folders: `python tools/build_scenarios.py [NAME...]`.

The scenarios are written in tools/scenarios/ (one module per contract pack, then
the settle window, comped accounts, skipped rules, the audit, a mixed SaaS, Paddle
and the demo) with tools/scenario_kit/. The output under scenarios/ is committed;
tests/test_scenarios_in_sync.py checks that this script reproduces it byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenarios import BUILDERS

ROOT = Path(__file__).resolve().parent.parent / "scenarios"

__all__ = ["BUILDERS", "main"]


def main(names: list[str]) -> None:
    for name in names or sorted(BUILDERS):
        folder = BUILDERS[name]().write(ROOT)
        print(f"wrote {folder.relative_to(ROOT.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
