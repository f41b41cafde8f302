"""The HTML report of an executed notebook, readable offline.

    render(executed_notebook, target_html)

nbconvert's ``lab`` template loads require.js, MathJax and mermaid from CDNs and gives every
image the alt text "No description has been provided for this image". The report template
here extends it and:

* drops the require.js, MathJax and mermaid loaders (the notebooks use no widgets, no LaTeX and
  no mermaid diagrams), so the page makes no network request at all;
* takes each figure's alt text from its output metadata (``image/png`` -> ``alt``), which
  :func:`helpers.outputs.save_figure` sets from the description of the figure;
* shows figures at their drawn size, never wider than the text column, and puts every
  table in its own horizontally scrolling box, so a wide table
  never widens the page;
* sets a readable text column and publication typography.

:func:`network_references` lists anything a page would still fetch; :func:`render` refuses to
write a report that has one, or an image without a real description. The kernel's stderr (a
warning, which prints the path of the file that raised it on this machine) never reaches the
report, as it never reaches the published notebook (:mod:`helpers.published_notebooks`):
:func:`render` leaves it out and prints it to the build's own stderr, so the team sees it and
fixes its cause.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jinja2
import nbformat

from helpers import outputs

GENERIC_ALT = "No description has been provided for this image"

REPORT_CSS = """
:root { --report-width: 1100px;
  --report-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
body.jp-Notebook { max-width: var(--report-width); margin: 0 auto; padding: 1.5rem 1rem 3rem;
  font-family: var(--report-font); }
.jp-RenderedHTMLCommon { font-size: 15px; line-height: 1.55; }
.jp-RenderedHTMLCommon h1 { font-size: 1.9em; line-height: 1.25; }
.jp-RenderedHTMLCommon h2 { font-size: 1.45em; margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.jp-RenderedHTMLCommon h3 { font-size: 1.15em; }
.jp-RenderedHTMLCommon p, .jp-RenderedHTMLCommon li { max-width: 50em; }
/* Every table scrolls inside its own box: a wide table never widens the page. */
.jp-RenderedHTMLCommon.jp-OutputArea-output, .jp-OutputArea-output { max-width: 100%; overflow-x: auto; }
.jp-OutputArea-output table { font-variant-numeric: tabular-nums; }
.jp-RenderedHTMLCommon table { font-size: 13px; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { max-width: 32em; white-space: normal; vertical-align: top; }
.jp-OutputArea-output pre { white-space: pre-wrap; word-break: break-word; }
/* The sentences a step prints (counts, checks, the summary) read as text, not as code output:
   the body font, wrapped between words at the text's width (specific enough to win over
   JupyterLab's stylesheet, which comes after this one). */
body.jp-Notebook .jp-OutputArea-output.jp-RenderedText pre { font-family: var(--report-font); font-size: 15px; line-height: 1.55; max-width: 50em;
  word-break: normal; overflow-wrap: break-word; margin: 0.3em 0 0.8em; color: inherit; }
/* Figures at a readable size: no wider than the column, no taller than the window. */
.jp-RenderedImage img { max-width: 100%; height: auto; display: block; }
.jp-OutputArea-prompt, .jp-InputPrompt, .jp-OutputPrompt { display: none; }
.jp-OutputArea-child { display: block; }
@media (max-width: 600px) { body.jp-Notebook { padding: 0.8rem 0.5rem; } }
"""

DATA_PNG = """{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
{%- set alt = output | get_metadata('alt', 'image/png') -%}
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- if alt %} alt="{{ alt | escape_html }}"{% endif %}
{%- set width = output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif %}>
</div>
{%- endblock data_png %}
"""

TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{% block extra_css %}<style type="text/css">"""
    + REPORT_CSS
    + """</style>{% endblock extra_css %}
"""
    + DATA_PNG
    + """
"""
)

_REF = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed)\b[^>]*?\b(src|href)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
    re.I,
)
_CSS_URL = re.compile(r"(?:@import\s+(?:url\()?|url\()\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"\balt\s*=\s*\"([^\"]*)\"", re.I)


class ReportError(RuntimeError):
    """The report would not be readable offline or has an image without a description."""


def network_references(html: str) -> list[str]:
    """URLs the page would fetch: script/link/img/... src or href, CSS @import and url()."""
    found = [m.group(3) for m in _REF.finditer(html)]
    found += [m.group(1) for m in _CSS_URL.finditer(html)]
    return found


def images_without_description(html: str) -> list[str]:
    """The opening of every <img> tag whose alt text is missing, empty or nbconvert's placeholder."""
    bad = []
    for tag in _IMG.findall(html):
        alt = _ALT.search(tag)
        if alt is None or not alt.group(1).strip() or alt.group(1) == GENERIC_ALT:
            bad.append(tag[:80])
    return bad


def exporter():
    from nbconvert import HTMLExporter

    exp = HTMLExporter(
        template_name="lab",
        template_file="report.html.j2",
        extra_loaders=[jinja2.DictLoader({"report.html.j2": TEMPLATE})],
    )
    # Code is hidden: the report reads as a methods/results section. Figures are embedded.
    exp.exclude_input = True
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    return exp


# Cells tagged so are for the seminar deck only (e.g. the slide-sized PRISMA flow beside the
# full diagram the report shows): left out of the written report.
DECK_ONLY = "deck-only"


def is_stderr(output) -> bool:
    """A kernel's stderr output (a warning, with the path of the file that raised it)."""
    return output.get("output_type") == "stream" and output.get("name") == "stderr"


def warnings_left_out(notebook: nbformat.NotebookNode) -> list[str]:
    """The stderr text of each code cell's outputs (warnings naming local paths), which the
    report leaves out."""
    return [
        "".join(o.get("text", ""))
        for c in notebook.cells
        if c.get("cell_type") == "code"
        for o in c.get("outputs", [])
        if is_stderr(o)
    ]


def to_html(notebook: nbformat.NotebookNode) -> str:
    import copy

    nb = copy.deepcopy(notebook)
    nb.cells = [c for c in nb.cells if DECK_ONLY not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not is_stderr(o)]
    body, _ = exporter().from_notebook_node(nb)
    return body


def render(executed: str | Path | nbformat.NotebookNode, target: str | Path) -> Path:
    """Write the offline report of the executed notebook ``executed`` (a path or a notebook
    node) to ``target``."""
    target = Path(target)
    nb = (
        executed
        if isinstance(executed, nbformat.NotebookNode)
        else nbformat.read(str(executed), as_version=4)
    )
    html = to_html(nb)
    for text in warnings_left_out(nb):
        print(f"{target.name}: left out of the report (fix its cause): {text.strip()}", file=sys.stderr)
    remaining = network_references(html)
    if remaining:
        raise ReportError(
            f"{target.name}: the report still references the network: {', '.join(sorted(set(remaining))[:5])}"
        )
    missing = images_without_description(html)
    if missing:
        raise ReportError(
            f"{target.name}: {len(missing)} image(s) without a description; give each figure an alt "
            "text (helpers.outputs.save_figure(fig, name, alt=...))"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with outputs.atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target
