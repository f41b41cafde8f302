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
UNROUNDED = re.compile(r"(?<![\w.])\d+\.\d{5,}(?![\w.])")


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
            # what a step prints reads as text: the body's font, not a code font
            fonts = page.evaluate(
                """() => { const body = getComputedStyle(document.body).fontFamily;
                     return Array.from(document.querySelectorAll('.jp-RenderedText pre'))
                       .map(e => getComputedStyle(e).fontFamily).filter(f => f !== body); }"""
            )
            if fonts:
                problems.append(f"{html.name}: {len(fonts)} printed outputs in a code font ({fonts[0]})")
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


# What a slide shows, measured in the browser: the content's rectangles (slide pixels, from the
# slide's top left), the navigation controls' rectangles (the arrows shown and the slide number),
# and for a slide whose evidence is a table: its top and bottom, text size and rows.
SLIDE_LAYOUT = """() => {
  const s = Reveal.getCurrentSlide(), box = s.getBoundingClientRect();
  const scale = box.height / s.offsetHeight;
  const rect = (r) => [(r.left - box.left) / scale, (r.top - box.top) / scale,
                       (r.right - box.left) / scale, (r.bottom - box.top) / scale];
  const content = [];
  s.querySelectorAll("h1, h2, h3, p, li, img, td, th").forEach((e) => {
    if (e.closest("aside")) return;
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) content.push([e.tagName, (e.textContent || e.alt || "").slice(0, 40), rect(r)]);
  });
  const controls = [];
  document.querySelectorAll(".reveal .controls button, .reveal .slide-number").forEach((e) => {
    const st = getComputedStyle(e), r = e.getBoundingClientRect();
    if (st.display !== "none" && st.visibility !== "hidden" && parseFloat(st.opacity) > 0.05 && r.width > 0)
      controls.push(rect(r));
  });
  const t = s.querySelector("img") ? null : s.querySelector("table.gt_table");
  const h = s.querySelector("h1, h2");
  const table = t && {top: rect(t.getBoundingClientRect())[1], bottom: rect(t.getBoundingClientRect())[3],
    font: parseFloat(getComputedStyle(t.querySelector("td")).fontSize), rows: t.tBodies[0].rows.length,
    headline: h ? rect(h.getBoundingClientRect())[3] : 0,
    clipped: t.offsetWidth > t.parentElement.clientWidth + 1};
  return {content, controls, table, height: Reveal.getConfig().height,
          over: [s.scrollHeight - s.clientHeight, s.scrollWidth - s.clientWidth]};
}"""


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def slide_problems(number: int, layout: dict) -> list[str]:
    """Everything wrong with one slide as a reader sees it at 1280 x 720 (see SLIDE_LAYOUT):
    content past the slide's edges, content under the navigation controls, and a table that
    does not fill the room under its headline."""
    problems = []
    over_h, over_w = layout["over"]
    if over_h > 1 or over_w > 1:
        problems.append(f"slide {number}: overflows by {over_h} px down, {over_w} px across")
    for tag, text, r in layout["content"]:
        if r[3] > layout["height"] + 1:
            problems.append(f"slide {number}: {tag} {text!r} ends at {r[3]:.0f} px, below the slide")
        if any(_overlaps(r, c) for c in layout["controls"]):
            problems.append(f"slide {number}: the navigation controls cover {tag} {text!r}")
    table = layout["table"]
    if table:
        # filled: little room left under the table, or (a table too short to fill it) the table
        # placed in the middle of the room under the headline, not a strip at the top
        room = layout["height"] - table["headline"]
        above, below = table["top"] - table["headline"], layout["height"] - table["bottom"]
        if below > 0.25 * room and below > above + 80:
            problems.append(
                f"slide {number}: the table is a strip under the headline ({above:.0f} px above it, "
                f"{below:.0f} px empty below), not filling the slide"
            )
        if table["clipped"]:
            problems.append(f"slide {number}: the table is wider than the slide")
    return problems


def test_every_slide_fits_1280_by_720_and_the_right_arrow_reaches_every_slide(browser, reports):
    page, requests = _open(browser, reports / "05_findings_slides.html", 1280, 720)
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
    total = page.evaluate("Reveal.getTotalSlides()")
    page.evaluate("Reveal.slide(0, 0)")
    visited, problems, tables = 1, [], 0
    while True:
        layout = page.evaluate(SLIDE_LAYOUT)
        problems += slide_problems(visited, layout)
        tables += layout["table"] is not None
        before = page.evaluate("JSON.stringify(Reveal.getIndices())")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(50)
        if page.evaluate("JSON.stringify(Reveal.getIndices())") == before:
            break
        visited += 1
    page.close()
    assert requests == []
    assert visited == total, f"the right arrow reached {visited} of {total} slides"
    assert tables >= 4, f"only {tables} slides with a table as evidence: the layout checks checked little"
    assert problems == []


def _table_notebook(path: Path, row_counts) -> Path:
    """A findings-like notebook: one slide per table of ``row_counts`` rows (great_tables HTML, as
    the findings notebook shows them), a headline each."""
    import nbformat
    import pandas as pd

    from helpers import tables

    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    slide = {"slideshow": {"slide_type": "slide"}}
    nb.cells = [nbformat.v4.new_markdown_cell("# Intro", metadata=slide)]
    for rows in row_counts:
        frame = pd.DataFrame(
            {
                "group": [f"Group {i + 1} with a longer name" for i in range(rows)],
                "estimate": [f"{40 + i}% ({35 + i} to {45 + i})" for i in range(rows)],
                "n": [100 + i for i in range(rows)],
            }
        )
        spec = tables.TableSpec(source="Source: a test table, data dated 2026-01-01 (file date).")
        html = tables.to_html(frame, spec)
        cell = nbformat.v4.new_code_cell("show()")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "t"})]
        nb.cells += [nbformat.v4.new_markdown_cell(f"## A table of {rows} rows", metadata=slide), cell]
    nbformat.write(nb, path)
    return path


def test_a_table_fills_its_slide_larger_text_for_fewer_rows_never_under_the_controls(browser, tmp_path):
    from helpers import paths, slides

    wheel = paths.project_root() / slides.DEFAULT_WHEEL
    if not wheel.is_file():
        pytest.skip(f"the reveal.js wheel is fetched by make test-all: {slides.fetch_command()}")
    counts = (1, 5, 12, 20)
    deck = slides.build(_table_notebook(tmp_path / "t.ipynb", counts), tmp_path / "t_slides.html", wheel)
    page, requests = _open(browser, deck, 1280, 720)
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
    layouts, problems = {}, []
    for number, rows in enumerate(counts, start=2):
        page.evaluate(f"Reveal.slide({number - 1}, 0)")
        layout = page.evaluate(SLIDE_LAYOUT)
        layouts[rows] = layout["table"]
        problems += slide_problems(number, layout)
    page.close()
    assert requests == [] and problems == []
    assert [layouts[r]["rows"] for r in counts] == list(counts)
    fonts = [layouts[r]["font"] for r in counts]
    # text size falls as rows are added, from the largest size the deck allows
    assert fonts == sorted(fonts, reverse=True) and fonts[0] == slides.TABLE_FONT_MAX and fonts[-1] < fonts[1]
    # the rows grow with the room: the 5-row table's rows are taller than the 20-row table's
    height = {r: layouts[r]["bottom"] - layouts[r]["top"] for r in counts}
    assert height[5] / 5 > height[20] / 20


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
        # a number at full floating-point precision (report 03's weighted table showed 60.215053763440864)
        for found in UNROUNDED.finditer(text):
            problems.append(f"{html.name}: unrounded number {found.group()} (not through helpers.numbers)")
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
