"""What a reader sees, checked in a real browser (slow tier: `make test-all`).

Playwright drives an installed Chromium through its executable path (Playwright's own browser
download needs the internet): Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run``
installs it when missing), or any Chrome/Chromium found on the machine. Where there is none the
tests skip with a message saying so.

On one end-to-end run of the demonstration data (shared with the determinism tests), with the
deck and the landing page built as ``make all`` builds them:
- every report and the landing page load with zero network requests and no horizontal
  overflow at 1280 px; the landing page also at a 390 px phone width;
- every slide of the deck, reached with the right arrow alone, fits 1280 x 720;
- every image has a real alt text;
- no report shows a raw Python repr (``PosixPath``, a dict, ``NaN``, an exponent).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import report_html

pytestmark = pytest.mark.slow

CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
RAW_REPRS = ("PosixPath", "{'", "NaN", "e+0")


def chromium_path() -> str | None:
    env = os.environ.get("CHROMIUM")
    if env and Path(env).is_file():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return next((c for c in CANDIDATES if Path(c).is_file()), None)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "no Chrome or Chromium installed (Debian: apt-get install chromium); browser tests skipped"
        )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def reports(pipeline_runs) -> Path:
    """The reports, deck and landing page of one full release (helpers.pipeline.run_release)."""
    reports = pipeline_runs.workspace(0) / "reports"
    for name in ("index.html", "05_findings_slides.html"):
        assert (reports / name).is_file(), f"{name} not built by the release"
    return reports


def _open(browser, page_file: Path, width: int, height: int = 800):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    return page, requests


def _report_pages(reports: Path) -> list[Path]:
    return sorted(p for p in reports.glob("*.html") if "slides" not in p.name)


def test_every_report_and_the_landing_page_render_offline_without_overflow(browser, reports):
    pages = _report_pages(reports)
    assert [p.name for p in pages][-1] == "index.html" and len(pages) >= 6
    problems = []
    for html in pages:
        widths = (1280, 390) if html.name == "index.html" else (1280,)
        for width in widths:
            page, requests = _open(browser, html, width)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if requests:
                problems.append(f"{html.name}: network requests {requests[:3]}")
            if overflow > 0:
                problems.append(f"{html.name} at {width} px: {overflow} px horizontal overflow")
            page.close()
    assert problems == []


def test_every_image_has_a_real_alt_text(browser, reports):
    problems = []
    for html in [*_report_pages(reports), reports / "05_findings_slides.html"]:
        page, _ = _open(browser, html, 1280)
        alts = page.evaluate("Array.from(document.images).map(i => i.getAttribute('alt'))")
        for alt in alts:
            if not alt or not alt.strip() or alt == report_html.GENERIC_ALT or len(alt.split()) < 4:
                problems.append(f"{html.name}: alt {alt!r}")
        page.close()
    assert problems == []


def test_every_slide_fits_1280_by_720_and_the_right_arrow_reaches_every_slide(browser, reports):
    page, requests = _open(browser, reports / "05_findings_slides.html", 1280, 720)
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
    total = page.evaluate("Reveal.getTotalSlides()")
    page.evaluate("Reveal.slide(0, 0)")
    visited, problems = 1, []
    while True:
        fits = page.evaluate(
            """() => { const s = Reveal.getCurrentSlide();
                 return [s.scrollHeight - s.clientHeight, s.scrollWidth - s.clientWidth,
                         s.scrollHeight, Reveal.getConfig().height]; }"""
        )
        over_h, over_w, height, config_height = fits
        if over_h > 1 or over_w > 1 or height > config_height + 1:
            problems.append(f"slide {visited}: overflows by {over_h} px down, {over_w} px across")
        before = page.evaluate("JSON.stringify(Reveal.getIndices())")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(50)
        if page.evaluate("JSON.stringify(Reveal.getIndices())") == before:
            break
        visited += 1
    page.close()
    assert requests == []
    assert visited == total, f"the right arrow reached {visited} of {total} slides"
    assert problems == []


def test_no_report_shows_a_raw_python_repr(reports):
    problems = []
    for html in [*_report_pages(reports), reports / "05_findings_slides.html"]:
        text = html.read_text(encoding="utf-8")
        # Only what a reader sees: drop scripts, styles and data URIs.
        text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S | re.I)
        text = re.sub(r"data:[^\"')\s]+", "", text)
        for raw in RAW_REPRS:
            if raw in text:
                at = text.index(raw)
                problems.append(f"{html.name}: {raw!r} in …{text[max(0, at - 60) : at + 40]!r}")
    assert problems == []


def test_every_checklist_link_reaches_a_heading_of_a_built_report(reports):
    from helpers import checklists

    assert checklists.missing_anchors(reports) == []


def test_the_deck_prints_to_pdf_one_page_per_slide(browser, reports, tmp_path):
    deck = reports / "05_findings_slides.html"
    page, _ = _open(browser, deck, 1280, 720)
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
    total = page.evaluate("Reveal.getTotalSlides()")
    page.close()
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(deck.as_uri() + "?print-pdf")
    # reveal.js lays out one .pdf-page per slide after it is ready
    page.wait_for_function(f"document.querySelectorAll('.pdf-page').length >= {total}")
    pdf = tmp_path / "deck.pdf"
    page.pdf(path=str(pdf), width="1280px", height="720px", print_background=True)
    page.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages == total
