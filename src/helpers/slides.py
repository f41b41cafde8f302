"""The seminar deck: reveal.js slides from the executed findings notebook, usable offline.

    python -m helpers.slides build/executed/05_findings.ipynb reports/05_findings_slides.html

nbconvert's :class:`~nbconvert.SlidesExporter` lays out the slides from each cell's
``slideshow.slide_type`` metadata (code hidden, outputs shown, figures already embedded as
data URIs). Its template fetches reveal.js, jQuery, require.js, mermaid and MathJax from
CDNs; this module removes every one of those references and inlines what the deck needs
instead, so the single HTML file works with no network:

* reveal.js 5 (``dist/reveal.css``, the ``white`` theme with its Source Sans Pro fonts as data
  URIs, ``dist/reveal.js``, the speaker-notes plugin), taken from the PyPI wheel of
  ``sphinx-revealjs==3.2.1``, which vendors reveal.js under ``sphinx_revealjs/_static/revealjs``
  (MIT licence; fonts SIL OFL). The Makefile downloads the wheel into ``build/vendor`` with
  ``pip download``; its SHA-256 is checked here before anything is read from it;
* a small initialisation script in place of the template's require.js loader.

jQuery, require.js, mermaid and MathJax are dropped: the findings use none of them (no LaTeX in
the findings notebook). :func:`external_references` finds any script, stylesheet, image or
CSS ``url()`` that would still reach the network; :func:`build` refuses to write a deck that
has one.
"""

from __future__ import annotations

import argparse
import base64
import re
import sys
from pathlib import Path

from helpers import files, outputs, paths

WHEEL_NAME = "sphinx_revealjs-3.2.1-py3-none-any.whl"
WHEEL_SHA256 = "805bed3ca459346e0f01967d5ed1c40d6b7b917de1541e1e4566c8341fe7017b"
WHEEL_REQUIREMENT = "sphinx-revealjs==3.2.1"
DEFAULT_WHEEL = Path("build") / "vendor" / WHEEL_NAME
ROOT = "sphinx_revealjs/_static/revealjs/"
THEME = "white"
PREFIX = "reveal-inline"  # sentinel URL prefix given to the template, replaced below
FONT_FACES = (
    ("regular", "normal", "normal"),
    ("italic", "normal", "italic"),
    ("semibold", "600", "normal"),
    ("semibolditalic", "600", "italic"),
)
WIDTH, HEIGHT = 1280, 720
# The title slide's title when the data folder has no survey codebook to take it from
# (helpers.survey.codebook.study_title): never the demonstration study's name.
UNTITLED = "Study findings"
DECK_SUBTITLE = "Findings of the review, the survey and the interviews, for the seminar"

# Readable slides from notebook output: tables and figures sized for the slide.
DECK_CSS = """
.reveal h1, .reveal h2, .reveal h3 { text-transform: none; }
.reveal h1 { font-size: 1.8em; } .reveal h2 { font-size: 1.45em; } .reveal h3 { font-size: 1.1em; }
.reveal { font-size: 26px; }
.reveal .slides section { text-align: left; }
.reveal section img { width: auto; height: auto; max-height: 560px; max-width: 100%; display: block; margin: 0 auto; }
.reveal .jp-RenderedHTMLCommon table { font-size: 17px; margin: 0.3em 0; }
.reveal .jp-RenderedHTMLCommon table th, .reveal .jp-RenderedHTMLCommon table td { padding: 0.15em 0.45em; text-align: left; }
.reveal blockquote { width: 95%; font-size: 0.8em; }
.reveal .jp-OutputArea-output pre { font-size: 0.55em; }
.reveal .provenance { font-size: 0.5em; }
.reveal .slides > section, .reveal .slides > section > section { height: 100%; overflow: hidden; }
.reveal .gt_table { font-size: 0.8em !important; width: 100% !important; }
.reveal .jp-RenderedHTMLCommon table.gt_table { table-layout: auto; }
.reveal .gt_table td.gt_right { white-space: nowrap !important; }
.reveal .gt_table td, .reveal .gt_table th { padding-top: 0.3em !important; padding-bottom: 0.3em !important; }
.reveal table.prisma-flow, .reveal table.prisma-flow td { font-family: "Source Sans Pro", Helvetica, sans-serif; background: none !important; }
.reveal .gt_table .gt_stub, .reveal .gt_table .gt_col_heading:first-child { min-width: 13em; }
.reveal table.prisma-flow { font-size: 0.95em !important; }
.reveal table.prisma-flow tr { background: none !important; }
.reveal .gt_table td, .reveal .gt_table th, .reveal .gt_table .gt_title { font-size: 100% !important; }
.reveal .gt_table .gt_sourcenote { font-size: 70% !important; }
.reveal .slides > section:first-child h1 { font-size: 2.1em; margin-top: 2.5em; }
.reveal .slides > section:first-child p { font-size: 1.05em; color: #444; }
.reveal .about code { font-size: 0.8em; }
"""


class DeckError(RuntimeError):
    """The deck cannot be built offline (missing or altered reveal.js wheel, external reference)."""


def fetch_command(dest: Path = DEFAULT_WHEEL.parent) -> str:
    return (
        f"python -m pip download --no-deps --only-binary=:all: --disable-pip-version-check "
        f"{WHEEL_REQUIREMENT} -d {dest}"
    )


def reveal_assets(wheel: str | Path = DEFAULT_WHEEL, sha256: str = WHEEL_SHA256) -> dict[str, str]:
    """reveal.css, the theme (fonts inlined), reveal.js and the notes plugin, from the wheel
    (whose SHA-256 must be ``sha256``)."""
    wheel = paths.resolve(wheel)
    if not wheel.is_file():
        raise DeckError(
            f"{wheel}: reveal.js wheel not found; fetch it with `{fetch_command(wheel.parent)}` "
            "(make all does this)"
        )
    digest = files.sha256(wheel)
    if digest != sha256:
        raise DeckError(f"{wheel}: SHA-256 {digest} is not the pinned {sha256} of {WHEEL_REQUIREMENT}")
    files.safe_zip_members(wheel)

    def text(member: str) -> str:
        return files.read_zip_member(wheel, ROOT + member).decode("utf-8")

    theme = text(f"dist/theme/{THEME}.css")
    theme = re.sub(r"@import url\(\./fonts/source-sans-pro/source-sans-pro\.css\);", "", theme)
    faces = []
    for name, weight, style in FONT_FACES:
        woff = files.read_zip_member(
            wheel, ROOT + f"dist/theme/fonts/source-sans-pro/source-sans-pro-{name}.woff"
        )
        faces.append(
            f"@font-face {{ font-family: 'Source Sans Pro'; font-weight: {weight}; font-style: {style}; "
            f"src: url(data:font/woff;base64,{base64.b64encode(woff).decode('ascii')}) format('woff'); }}"
        )
    return {
        "reveal_css": text("dist/reveal.css"),
        "theme_css": "\n".join(faces) + "\n" + theme,
        "reveal_js": text("dist/reveal.js"),
        "notes_js": text("plugin/notes/notes.js"),
    }


def _script(js: str) -> str:
    return "<script>\n" + js.replace("</script", "<\\/script") + "\n</script>"


def _style(css: str) -> str:
    return "<style>\n" + css.replace("</style", "<\\/style") + "\n</style>"


# The band at the foot of every slide kept clear of content: the navigation arrows and the
# slide number sit there (at 1280 x 720 they reach about 55 px up into the slide).
CONTROLS_BAND = 64
# Text size of a table that fills its slide: the most it grows to (few rows) and the least it
# shrinks to (many rows) before the whole slide is set smaller; body text is 26 px.
TABLE_FONT_MAX, TABLE_FONT_MIN = 30, 14

INIT_JS = (
    """Reveal.initialize({
  controls: true, progress: true, hash: true, center: false, transition: "none",
  navigationMode: "linear",
  slideNumber: "c/t", width: __WIDTH__, height: __HEIGHT__, margin: 0.04,
  plugins: [RevealNotes]
});
// Every slide's content ends above the controls band (LIMIT, in slide pixels). A slide whose
// evidence is a table: the table fills the room under the headline, its text as large as the
// rows allow (few rows: large text; many rows: smaller) and its rows sharing what is left. Any
// slide still too tall is then set in a smaller font, step by step.
var LIMIT = __HEIGHT__ - __BAND__, FONT_MAX = __FONT_MAX__, FONT_MIN = __FONT_MIN__;
function contentBottom(s) {
  var box = s.getBoundingClientRect(), scale = box.height / (s.offsetHeight || 1) || 1, bottom = 0;
  s.querySelectorAll("h1, h2, h3, p, li, img, table, pre, blockquote").forEach(function (e) {
    if (e.closest("aside")) return;
    var r = e.getBoundingClientRect();
    if (r.height > 0) bottom = Math.max(bottom, (r.bottom - box.top) / scale);
  });
  return bottom;
}
function fits(s, t) {  // above the controls band, and no wider than its box (no scrolling)
  return contentBottom(s) <= LIMIT && t.offsetWidth <= t.parentElement.clientWidth + 1;
}
function evidenceTable(s) {
  if (s.querySelector("img")) return null;
  var t = s.querySelector("table.gt_table") || s.querySelector(".jp-OutputArea-output table");
  return t && !t.classList.contains("prisma-flow") ? t : null;
}
function fillWithTable(s, t) {
  var size = function (f) { t.style.setProperty("font-size", f + "px", "important"); };
  t.style.removeProperty("height");
  var lo = FONT_MIN, hi = FONT_MAX;
  size(lo);
  if (!fits(s, t)) return;
  while (lo < hi) {  // the largest whole size that fits
    var mid = Math.ceil((lo + hi) / 2);
    size(mid);
    if (fits(s, t)) lo = mid; else hi = mid - 1;
  }
  size(lo);
  var spare = LIMIT - contentBottom(s);
  // the rows share the room left, each growing to at most 1.6 times its height; a short table
  // then sits in the middle of what remains under the headline
  var grow = Math.max(0, Math.min(spare, 0.6 * t.offsetHeight));
  t.style.height = (t.offsetHeight + grow) + "px";
  var rest = LIMIT - contentBottom(s);
  if (rest > 8) t.style.marginTop = Math.floor(rest / 2) + "px";
}
function fitSlide(s) {
  // slides far from the current one are hidden (display: none) and have no size: shown while measured
  var stack = s.parentElement.closest("section"), shown = s.style.display, stackShown = stack && stack.style.display;
  var size = 26, t = evidenceTable(s);
  s.style.display = "block";
  if (stack) stack.style.display = "block";
  s.style.fontSize = "";
  if (t) fillWithTable(s, t);
  var img = s.querySelector("img"), over = contentBottom(s) - LIMIT;
  if (img && over > 0) img.style.maxHeight = Math.max(200, img.offsetHeight - over) + "px";
  while ((s.scrollHeight > s.clientHeight + 1 || contentBottom(s) > LIMIT + 1) && size > 12) {
    size -= 1;
    s.style.fontSize = size + "px";
    if (t) t.style.setProperty("font-size", Math.min(size, FONT_MIN) + "px", "important");
  }
  s.style.display = shown;
  if (stack) stack.style.display = stackShown;
}
function fitAll() {
  document.querySelectorAll(".reveal .slides section:not(.stack)").forEach(fitSlide);
  Reveal.layout();
}
Reveal.on("ready", fitAll);
Reveal.on("pdf-ready", fitAll);""".replace("__WIDTH__", str(WIDTH))
    .replace("__HEIGHT__", str(HEIGHT))
    .replace("__BAND__", str(CONTROLS_BAND))
    .replace("__FONT_MAX__", str(TABLE_FONT_MAX))
    .replace("__FONT_MIN__", str(TABLE_FONT_MIN))
)

_EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I)
_MODULE_IMPORT = re.compile(
    r"<script\b[^>]*type=[\"']module[\"'][^>]*>(?:(?!</script>).)*?(?:https?:)?//(?:(?!</script>).)*</script>",
    re.I | re.S,
)
_MATHJAX_CONFIG = re.compile(
    r"<script\b[^>]*type=[\"']text/x-mathjax-config[\"'][^>]*>.*?</script>", re.I | re.S
)
_REQUIRE_LOADER = re.compile(r"<script>\s*require\s*\(.*?</script>", re.S)


def _link(href: str) -> re.Pattern:
    return re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']" + re.escape(href) + r"[\"'][^>]*>", re.I)


def inline(html: str, assets: dict[str, str]) -> str:
    """Replace the template's CDN and sentinel references by inlined assets."""
    html, n_css = _link(f"{PREFIX}/dist/reveal.css").subn(lambda m: _style(assets["reveal_css"]), html)
    html, n_theme = _link(f"{PREFIX}/dist/theme/{THEME}.css").subn(
        lambda m: _style(assets["theme_css"] + DECK_CSS), html
    )
    html, n_loader = _REQUIRE_LOADER.subn(
        lambda m: "\n".join([_script(assets["reveal_js"]), _script(assets["notes_js"]), _script(INIT_JS)]),
        html,
    )
    if (n_css, n_theme, n_loader) != (1, 1, 1):
        raise DeckError(
            f"the slides template changed: expected one reveal.css link, one theme link and one require() "
            f"loader, found {n_css}, {n_theme}, {n_loader}"
        )
    html = _EXTERNAL_SCRIPT.sub("", html)
    html = _MODULE_IMPORT.sub("", html)
    html = _MATHJAX_CONFIG.sub("", html)
    html = re.sub(
        r"<!-- (?:Load mathjax|MathJax configuration|End of mathjax configuration) -->", "", html, flags=re.I
    )
    return html


_REF = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed)\b[^>]*?\b(src|href)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
    re.I,
)
_CSS_URL = re.compile(r"(?:@import\s+(?:url\()?|url\()\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.I)


def external_references(html: str) -> list[str]:
    """URLs the page would fetch: script/link/img/... src or href, CSS @import and url()."""
    found = [m.group(3) for m in _REF.finditer(html)]
    found += [m.group(1) for m in _CSS_URL.finditer(html)]
    return found


def render(notebook: str | Path, provenance_dir: str | Path | None = None) -> str:
    """The reveal.js HTML of an executed notebook, as the template writes it (CDN references)."""
    import jinja2
    import nbformat
    from nbconvert import SlidesExporter

    from helpers import report_html

    # The figures keep their alt text (image/png metadata "alt"), as in the reports.
    template = "{%- extends 'index.html.j2' -%}\n" + report_html.DATA_PNG
    exporter = SlidesExporter(
        reveal_url_prefix=PREFIX,
        reveal_theme=THEME,
        reveal_transition="none",
        template_file="deck.html.j2",
        extra_loaders=[jinja2.DictLoader({"deck.html.j2": template})],
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:  # a warning (a local path) never reaches the deck, as in the report
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not report_html.is_stderr(o)]
    body, _ = exporter.from_notebook_node(prepare(nb, _records(provenance_dir)))
    return body


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _records(folder: str | Path | None) -> list[dict]:
    """The provenance records of the release the deck belongs to (reports/provenance/*.json)."""
    import json

    out = []
    if folder is not None and Path(folder).is_dir():
        for p in sorted(Path(folder).glob("*.json")):
            try:
                out.append(json.loads(p.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
    return out


def data_checksum(records: list[dict]) -> str:
    """One SHA-256 over every raw input file the stages read (path and SHA-256 of each)."""
    import hashlib

    rows = sorted(
        {
            (i["path"], i["sha256"])
            for r in records
            for i in r.get("inputs", [])
            if not str(i["path"]).startswith(("data/processed", "reports/"))
        }
    )
    return hashlib.sha256("".join(f"{p} {h}\n" for p, h in rows).encode("utf-8")).hexdigest()


def prepare(nb, records: list[dict] | None = None):
    """The findings notebook laid out for the seminar:

    * a title slide (study title, date, data status) in place of the notebook's introduction;
    * every slide horizontal (linear navigation: the right arrow reaches every slide);
    * each slide keeps its heading and evidence; the explaining paragraphs become the speaker
      notes (press S), with the numbers the slide shows;
    * pipeline internals (the strands' run status, the provenance listing) are left to the
      written report; a closing "About these results" slide gives the commit and one checksum
      of the data instead;
    * a slide with nothing to show but a note that its evidence is not in this run (a strand
      without data, no published figure to compare with) is dropped; what the run lacks is
      named once, on the title slide and on the closing slide (:func:`drop_empty_slides`)."""
    import copy

    import nbformat

    from helpers import config

    records = records or []
    nb = copy.deepcopy(nb)
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    data_dir = params.get("data_dir", "")
    synthetic = bool(data_dir) and config.is_synthetic(Path(data_dir))
    ended = str(nb.metadata.get("papermill", {}).get("end_time") or "")[:10]
    status = (
        "Synthetic demonstration data: the figures illustrate the method, not the study's findings."
        if synthetic
        else "Study data."
    )
    cells = []
    skipping = False
    for i, cell in enumerate(nb.cells):
        kind = _slide_type(cell)
        if i == 0 and kind == "slide":
            skipping = True  # the notebook's introduction: replaced by the title slide
        elif kind in ("slide", "subslide"):
            heading = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
            skipping = any(word in heading for word in INTERNAL_SLIDES)
        if skipping or kind == "skip":
            continue
        if kind == "subslide":
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "slide"
            kind = "slide"
        if cell.cell_type == "markdown" and kind == "slide":
            lines = cell.source.strip().splitlines()
            heads = [line for line in lines if line.startswith("#")][:1]
            rest = "\n".join(line for line in lines if line not in heads).strip()
            cell.source = heads[0] if heads else ""
            cells.append(cell)
            if rest:
                cells.append(
                    nbformat.v4.new_markdown_cell(rest, metadata={"slideshow": {"slide_type": "notes"}})
                )
            continue
        cells.append(cell)
    commit = next(
        (r["code"].get("commit") for r in reversed(records) if r.get("code", {}).get("commit")), None
    )
    cells, absent = drop_empty_slides(apply_messages(cells))
    lacking = f"Not in this run: {_listed([a['what'] for a in absent])}." if absent else ""
    from helpers.survey.codebook import study_title

    heading = (study_title(data_dir) if data_dir else "") or UNTITLED
    title = nbformat.v4.new_markdown_cell(
        f"# {heading}\n\n{subtitle([a['what'] for a in absent])}\n\n{ended}\n\n**{status}**"
        + (f"\n\n{lacking}" if lacking else ""),
        metadata={"slideshow": {"slide_type": "slide"}},
    )
    about = [
        "## About these results",
        "",
        f"- {status}",
    ]
    if absent:
        about.append(
            "- Not in this run: "
            + "; ".join(f"{a['what']}" + (f" ({a['why']})" if a.get("why") else "") for a in absent)
            + "."
        )
    about.append(f"- Code version (git commit): `{(commit or 'unknown')[:12]}`")
    if records:
        about.append(f"- Data checksum (SHA-256 over every input file): `{data_checksum(records)[:16]}`")
    about += [
        "- Every number is taken from the strands' published tables, after disclosure control.",
        "- Methods, assumptions and caveats, and the full provenance: the written reports and `index.html`.",
    ]
    closing = nbformat.v4.new_markdown_cell("\n".join(about), metadata={"slideshow": {"slide_type": "slide"}})
    nb.cells = [title, *cells, closing]
    nb.metadata["title"] = heading  # the browser tab: "<title> slides", not nbconvert's "Notebook slides"
    return nb


def subtitle(absent: list[str]) -> str:
    """The title slide's subtitle, naming the strands this run has ('Findings of the survey, for
    the seminar' when the review and the interviews are absent: ``absent`` holds what
    :func:`drop_empty_slides` found missing)."""
    from helpers.findings.strands import IN_WORDS

    parts = [
        ("the review", IN_WORDS["literature"]),
        ("the survey", IN_WORDS["survey"]),
        ("the interviews", IN_WORDS["focus_groups"]),
    ]
    present = [words for words, what in parts if what not in absent]
    if len(present) == len(parts) or not present:
        return DECK_SUBTITLE
    return f"Findings of {_listed(present)}, for the seminar"


def _listed(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def deck_absent(output) -> dict | None:
    """What an output says is not in this run (helpers.findings.strands.absent: output metadata
    ``deck.absent`` with ``what`` and ``why``), or None."""
    meta = output.get("metadata") or {}
    for found in (meta.get("deck"), (meta.get("text/markdown") or {}).get("deck")):
        if isinstance(found, dict) and isinstance(found.get("absent"), dict) and found["absent"].get("what"):
            return found["absent"]
    return None


def _shows(output) -> bool:
    """Whether an output puts anything on the slide."""
    if output.get("output_type") == "stream":
        return bool(str(output.get("text", "")).strip())
    data = output.get("data") or {}
    return any(str(v).strip() for k, v in data.items() if k != "text/plain") or bool(
        str(data.get("text/plain", "")).strip()
    )


def drop_empty_slides(cells: list) -> tuple[list, list[dict]]:
    """The slides that have something to show, and what the others said is not in this run.

    A slide whose only evidence is a note that its strand, chart or comparison is not in this run
    (:func:`deck_absent`) is dropped: a run with nothing to compare, or without a strand, would
    otherwise show near-empty slides of one sentence each. What each dropped slide lacked is
    returned once (by ``what``, in slide order) for the title and closing slides to name."""
    slides: list[list] = []
    for cell in cells:
        if _slide_type(cell) == "slide" or not slides:
            slides.append([])
        slides[-1].append(cell)
    kept, absent, seen = [], [], set()
    for slide in slides:
        marks, evidence = [], False
        for k, cell in enumerate(slide):
            kind = _slide_type(cell)
            if cell.cell_type == "markdown":
                heading = k == 0 and cell.source.lstrip().startswith("#")
                evidence |= kind not in ("notes", "skip") and not heading and bool(cell.source.strip())
                continue
            for output in cell.get("outputs", []):
                mark = deck_absent(output)
                if mark is not None:
                    marks.append(mark)
                elif _shows(output):
                    evidence = True
        if marks and not evidence:
            for mark in marks:
                if mark["what"] not in seen:
                    seen.add(mark["what"])
                    absent.append({"what": mark["what"], "why": mark.get("why", "")})
            continue
        kept += slide
    return kept, absent


def deck_message(output) -> dict | None:
    """The slide message an output carries (helpers.findings.messages.Message: output metadata
    ``deck`` with ``headline`` and ``notes``), or None."""
    meta = output.get("metadata") or {}
    for found in (meta.get("deck"), (meta.get("text/markdown") or {}).get("deck")):
        if isinstance(found, dict) and found.get("headline"):
            return found
    return None


def apply_messages(cells: list) -> list:
    """Each slide whose cells display a message: the message's headline becomes the slide's
    heading (a finding as a sentence, not a topic), its notes replace the speaker notes (the
    slide's numbers with bases and intervals rather than the notebook's explanations), and the
    message output itself leaves the slide body."""
    import nbformat

    out: list = []
    heading = notes = None  # the current slide's heading cell and notes cell
    for cell in cells:
        kind = _slide_type(cell)
        if kind == "slide":
            heading = cell if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#") else None
            notes = None
        elif kind == "notes":
            notes = cell
        if cell.cell_type == "code":
            kept = []
            for output in cell.get("outputs", []):
                message = deck_message(output)
                if message is None:
                    kept.append(output)
                    continue
                text = "\n".join(f"- {line}" for line in message.get("notes") or [])
                if heading is not None:
                    heading.source = "## " + message["headline"]
                if notes is not None:
                    notes.source = text
                elif text:
                    notes = nbformat.v4.new_markdown_cell(
                        text, metadata={"slideshow": {"slide_type": "notes"}}
                    )
                    out.append(notes)
            cell.outputs = kept
        out.append(cell)
    return out


# Slides about how the pipeline ran rather than what was found: kept in the written report only.
INTERNAL_SLIDES = ("The strands in this run", "Provenance", "Assumptions and caveats")


def build(
    notebook: str | Path, target: str | Path, wheel: str | Path = DEFAULT_WHEEL, sha256: str = WHEEL_SHA256
) -> Path:
    """Write the offline deck for ``notebook`` to ``target`` (name must contain 'slides')."""
    target = paths.resolve(target)
    if "slides" not in target.name:
        raise ValueError(f"{target.name}: the deck's file name must contain 'slides'")
    notebook = paths.resolve(notebook)
    if not notebook.is_file():
        raise DeckError(f"{notebook}: executed notebook not found; run `make findings` first")
    html = inline(render(notebook, target.parent / "provenance"), reveal_assets(wheel, sha256))
    remaining = external_references(html)
    if remaining:
        raise DeckError(
            f"{target.name}: the deck still references the network: {', '.join(sorted(set(remaining))[:5])}"
        )
    with outputs.atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.slides",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("notebook", help="executed notebook (build/executed/05_findings.ipynb)")
    parser.add_argument("target", help="output HTML, e.g. reports/05_findings_slides.html")
    parser.add_argument("--wheel", default=str(DEFAULT_WHEEL), help=f"the {WHEEL_REQUIREMENT} wheel")
    args = parser.parse_args(argv)
    try:
        out = build(args.notebook, args.target, args.wheel)
    except (DeckError, ValueError) as exc:
        print(f"slides: {exc}", file=sys.stderr)
        return 1
    print(
        f"slides: wrote {out.relative_to(paths.project_root()) if out.is_relative_to(paths.project_root()) else out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
