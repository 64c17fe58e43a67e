"""The release scheme holds together: the version is the CHANGELOG's newest
release, and every pin the docs show (the action's `@vX` and `@vX.Y.Z`,
pre-commit's `rev`, a tag for uvx) names this version or its major tag."""

from __future__ import annotations

import re

from prodcheck import __version__

from .conftest import REPO

DOCS = [
    REPO / "README.md",
    REPO / ".pre-commit-hooks.yaml",
    *sorted((REPO / "examples").rglob("*.yml")),
]
MAJOR = __version__.split(".")[0]


def test_the_version_is_the_changelogs_newest_release() -> None:
    headings = re.findall(r"^## (.+)$", (REPO / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert headings[1].startswith(f"{__version__} (")


def test_every_pin_in_the_docs_names_this_release_or_its_major_tag() -> None:
    pins = []
    for path in DOCS:
        text = path.read_text()
        pins += [(path.name, ref) for ref in re.findall(r"OWNER/prodcheck@(v[\d.]+)", text)]
        pins += [(path.name, ref) for ref in re.findall(r"rev: (v[\d.]+)", text)]
    assert len(pins) >= 5
    for where, ref in pins:
        if ref.count(".") == 2:
            assert ref == f"v{__version__}" or ref == "v1.2.3", (where, ref)  # 1.2.3: the example
        else:
            assert ref == f"v{MAJOR}", (where, ref)
