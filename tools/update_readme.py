"""Regenerate the README's generated sections (rules, facts, config columns) from the
declarations; the tests in tests/test_rule_catalogue.py fail when one is stale.

    python tools/update_readme.py
"""

from __future__ import annotations

from pathlib import Path

from prodcheck.bundled import contracts_dir
from prodcheck.cli.info import README_BEGIN, README_END, rules_markdown
from prodcheck.cli.reference import (
    COLUMNS_BEGIN,
    COLUMNS_END,
    FACTS_BEGIN,
    FACTS_END,
    columns_markdown,
    facts_markdown,
)
from prodcheck.engine.contracts import load_rules

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    sections = [
        (README_BEGIN, README_END, rules_markdown(load_rules(contracts_dir(), None, ()))),
        (FACTS_BEGIN, FACTS_END, facts_markdown()),
        (COLUMNS_BEGIN, COLUMNS_END, columns_markdown()),
    ]
    for begin, end, generated in sections:
        start, stop = text.index(begin), text.index(end) + len(end)
        text = text[:start] + generated.rstrip("\n") + text[stop:]
    README.write_text(text, encoding="utf-8")
    print(f"updated {README.name}")


if __name__ == "__main__":
    main()
