"""The HTML report opened in a real browser: Debian's headless Chromium.

The DOM after the page's own script ran must show the verdict and every
finding; the search box (pre-filled through `?q=`) must hide what does not
match. The screenshot is kept in artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from prodcheck.baseline import Baseline, apply_baseline
from prodcheck.reporters import get_renderer
from prodcheck.results import BaselineEntry, Report
from prodcheck.runner import CheckRequest, run_check

from .conftest import REPO, SCENARIOS

ARTIFACTS = REPO / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium not found: `apt-get install chromium` (see .ci/run)", False)


def browse(page: Path, tmp_path: Path, *extra: str, query: str = "") -> str:
    result = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'chromium'}", *extra,
         page.resolve().as_uri() + query],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def report() -> Report:
    """mixed-saas against a baseline of its first three findings: new and known ones."""
    _, report = run_check(CheckRequest(fixtures=SCENARIOS / "mixed-saas"), env={})
    entries = tuple(BaselineEntry(f.fingerprint, f.rule, f.subject) for f in report.findings[:3])
    return apply_baseline(report, Baseline("base.json", entries))


@pytest.fixture(scope="module")
def page(report: Report) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "prodcheck-report.html"
    path.write_text(get_renderer("html")(report), encoding="utf-8")
    return path


def test_verdict_and_every_finding_are_in_the_rendered_dom(report, page, tmp_path) -> None:
    dom = browse(page, tmp_path, "--dump-dom")
    assert re.search(r'<header class="verdict v-fail" id="verdict" data-verdict="fail">', dom)
    assert "<h1>prodcheck: FAIL</h1>" in dom
    rendered = set(re.findall(r'data-fingerprint="([0-9a-f]{16})"', dom))
    assert rendered == {f.fingerprint for f in report.findings}
    for finding in report.findings:
        assert finding.subject.id in dom
    assert dom.count('data-status="known"') == 3
    # The script ran and counted the rows it found.
    assert f"{len(report.findings)} of {len(report.findings)} findings" in dom
    assert "Monthly revenue at stake by rule" in dom and 'class="bar fail"' in dom


def test_search_filters_findings_in_the_browser(report, page, tmp_path) -> None:
    target = next(f for f in report.active_findings if f.subject.kind == "account")
    dom = browse(page, tmp_path, "--dump-dom", query=f"?q={target.subject.id}")
    rows = re.findall(r'<tr class="finding[^>]*>', dom)
    assert len(rows) == len(report.findings)
    visible = [
        re.search(r'data-fingerprint="([0-9a-f]{16})"', row).group(1)  # type: ignore[union-attr]
        for row in rows
        if " hidden" not in row
    ]
    assert target.fingerprint in visible
    assert len(visible) < len(report.findings)
    assert f"{len(visible)} of {len(report.findings)} findings" in dom


def test_escaped_data_stays_text_in_the_browser(report, tmp_path) -> None:
    hostile = replace(report.findings[0], message="<b id=injected>bold</b><script>x()</script>")
    path = tmp_path / "hostile.html"
    path.write_text(get_renderer("html")(replace(report, findings=(hostile,))), encoding="utf-8")
    dom = browse(path, tmp_path, "--dump-dom")
    assert 'id="injected"' not in dom and "&lt;b id=injected&gt;" in dom


def test_screenshot_is_kept_as_an_artifact(page, tmp_path) -> None:
    shot = ARTIFACTS / "prodcheck-report.png"
    shot.unlink(missing_ok=True)
    browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,1600")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600)
    assert len(data) > 50_000  # a rendered page, not a blank one
