"""The seminar deck: CDN references removed, reveal.js inlined from the pinned wheel."""

import hashlib
import re
import zipfile
from pathlib import Path

import nbformat
import pytest

from helpers import paths, slides

REAL_WHEEL = paths.project_root() / slides.DEFAULT_WHEEL


def fake_wheel(path: Path) -> str:
    """A wheel laid out like sphinx-revealjs with tiny stand-ins; returns its SHA-256."""
    root = slides.ROOT
    members = {
        root + "dist/reveal.css": ".reveal{color:red}",
        root
        + "dist/theme/white.css": "@import url(./fonts/source-sans-pro/source-sans-pro.css);\n.reveal{font-family:x}",
        root
        + "dist/reveal.js": "window.Reveal={initialize:function(){document.title='READY'}}; var s='</script>';",
        root + "plugin/notes/notes.js": "window.RevealNotes={};",
    }
    for name, _, _ in slides.FONT_FACES:
        members[root + f"dist/theme/fonts/source-sans-pro/source-sans-pro-{name}.woff"] = "WOFF-" + name
    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tiny_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    first = nbformat.v4.new_markdown_cell(
        "# Findings\nFirst slide", metadata={"slideshow": {"slide_type": "slide"}}
    )
    hidden = nbformat.v4.new_markdown_cell("not in the deck", metadata={"slideshow": {"slide_type": "skip"}})
    fig = nbformat.v4.new_code_cell("show()", metadata={"slideshow": {"slide_type": "slide"}})
    # a 1x1 PNG, as a figure output is embedded
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    fig.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})]
    nb.cells = [first, hidden, fig]
    nbformat.write(nb, path)
    return path


def script_and_link_sources(html: str) -> list[str]:
    return re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]+)", html, flags=re.I)


def test_template_output_has_cdn_references_that_inline_removes(tmp_path):
    html = slides.render(tiny_notebook(tmp_path / "n.ipynb"))
    assert any(u.startswith("https://") for u in script_and_link_sources(html)), (
        "the template is expected to use CDNs"
    )
    sha = fake_wheel(tmp_path / "w.whl")
    out = slides.inline(html, slides.reveal_assets(tmp_path / "w.whl", sha))
    assert script_and_link_sources(out) == []
    assert slides.external_references(out) == []
    assert "waitSeconds" not in out and "require.js" not in out and "jquery" not in out.lower()
    assert "MathJax" not in out and "x-mathjax-config" not in out and "mermaid" not in out
    assert "window.Reveal={initialize" in out and "window.RevealNotes" in out and ".reveal{color:red}" in out
    # a closing script tag inside the inlined JS is escaped so it cannot end the element early
    assert "var s='<\\/script>'" in out
    # the theme's font import is replaced by data URIs
    assert "@import" not in out and out.count("data:font/woff;base64,") == 4


def test_build_writes_offline_deck_with_figures_and_skips_skipped_cells(tmp_path):
    sha = fake_wheel(tmp_path / "w.whl")
    target = slides.build(
        tiny_notebook(tmp_path / "n.ipynb"), tmp_path / "deck_slides.html", tmp_path / "w.whl", sha
    )
    html = target.read_text(encoding="utf-8")
    assert not [u for u in script_and_link_sources(html) if re.match(r"(https?:)?//", u)]
    assert "data:image/png;base64,iVBORw0KGgo" in html
    # The notebook's introduction gives way to the title slide; skipped cells stay out.
    assert "Study findings" in html and "About these results" in html  # no data folder: no codebook title
    assert "First slide" not in html and "not in the deck" not in html
    # title, figure and "About these results": each an outer (horizontal) and inner (vertical) section
    assert html.count("<section") == 6


def test_build_refuses_wheel_with_wrong_checksum(tmp_path):
    fake_wheel(tmp_path / "w.whl")
    with pytest.raises(slides.DeckError, match=r"w\.whl: SHA-256 [0-9a-f]{64} is not the pinned 0{64}"):
        slides.build(
            tiny_notebook(tmp_path / "n.ipynb"), tmp_path / "x_slides.html", tmp_path / "w.whl", "0" * 64
        )


def test_missing_wheel_says_how_to_fetch_it(tmp_path):
    with pytest.raises(
        slides.DeckError, match="reveal.js wheel not found; fetch it with `python -m pip download"
    ):
        slides.reveal_assets(tmp_path / "absent.whl")


def test_deck_name_must_contain_slides(tmp_path):
    with pytest.raises(ValueError, match="must contain 'slides'"):
        slides.build(tmp_path / "n.ipynb", tmp_path / "deck.html")


def test_inline_refuses_unexpected_template(tmp_path):
    sha = fake_wheel(tmp_path / "w.whl")
    with pytest.raises(slides.DeckError, match="found 0, 0, 0"):
        slides.inline("<html></html>", slides.reveal_assets(tmp_path / "w.whl", sha))


@pytest.mark.parametrize(
    "html, expected",
    [
        ('<script src="https://cdn.example/x.js"></script>', ["https://cdn.example/x.js"]),
        ("<link rel='stylesheet' href='//cdn.example/a.css'>", ["//cdn.example/a.css"]),
        ('<img src="http://example.org/i.png">', ["http://example.org/i.png"]),
        ("<style>@import url(https://fonts.example/css);</style>", ["https://fonts.example/css"]),
        ("<style>a{background:url('http://x.example/b.png')}</style>", ["http://x.example/b.png"]),
        ('<a href="https://doi.org/10.1136/bmj.326.7390.626">a link the reader may follow</a>', []),
        ('<img src="data:image/png;base64,AAAA">', []),
    ],
)
def test_external_references(html, expected):
    assert slides.external_references(html) == expected


@pytest.mark.skipif(
    not REAL_WHEEL.is_file(), reason="reveal.js wheel not fetched (make all fetches it into build/vendor)"
)
def test_real_wheel_deck_has_no_cdn_script_or_link(tmp_path):
    target = slides.build(tiny_notebook(tmp_path / "n.ipynb"), tmp_path / "real_slides.html", REAL_WHEEL)
    html = target.read_text(encoding="utf-8")
    remote = [u for u in script_and_link_sources(html) if re.match(r"(https?:)?//", u)]
    assert remote == []
    assert "reveal.js 5.2.0" in html and "Reveal.initialize" in html and "RevealNotes" in html


def test_prepare_lays_the_deck_out_for_the_seminar():
    nb = nbformat.v4.new_notebook(
        metadata={"papermill": {"parameters": {"data_dir": "/nowhere"}, "end_time": "2026-11-30T10:00:00"}}
    )
    slide = {"slideshow": {"slide_type": "slide"}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Intro\nlong introduction", metadata=slide),
        nbformat.v4.new_markdown_cell("## The strands in this run\nstage names", metadata=slide),
        nbformat.v4.new_code_cell("status()"),
        nbformat.v4.new_markdown_cell("## Headline\nThe share agreeing, 60% (55 to 64).", metadata=slide),
        nbformat.v4.new_markdown_cell("## In words", metadata={"slideshow": {"slide_type": "subslide"}}),
    ]
    records = [{"code": {"commit": "a" * 40}, "inputs": [{"path": "data/raw/x.csv", "sha256": "b" * 64}]}]
    out = slides.prepare(nb, records)
    kinds = [
        (c.cell_type, c.metadata.get("slideshow", {}).get("slide_type"), c.source.splitlines()[0])
        for c in out.cells
    ]
    assert kinds == [
        ("markdown", "slide", "# Study findings"),  # /nowhere: no codebook
        ("markdown", "slide", "## Headline"),
        ("markdown", "notes", "The share agreeing, 60% (55 to 64)."),
        ("markdown", "slide", "## In words"),
        ("markdown", "slide", "## About these results"),
    ]
    assert "2026-11-30" in out.cells[0].source and "Study data." in out.cells[0].source
    about = out.cells[-1].source
    assert "`aaaaaaaaaaaa`" in about
    assert f"`{slides.data_checksum(records)[:16]}`" in about
    # The checksum covers the raw inputs only, and changes when one of them changes.
    assert slides.data_checksum(records) != slides.data_checksum(
        [{"inputs": [{"path": "data/raw/x.csv", "sha256": "c" * 64}]}]
    )
    assert slides.data_checksum(records) == slides.data_checksum(
        records + [{"inputs": [{"path": "data/processed/y.parquet", "sha256": "d" * 64}]}]
    )


def _absent_output(text: str, what: str, why: str):
    """An output as the findings notebook stores helpers.findings.strands.absent(...)."""
    return nbformat.v4.new_output(
        "display_data",
        data={"text/markdown": text, "text/plain": "<IPython.core.display.Markdown object>"},
        metadata={"text/markdown": {"deck": {"absent": {"what": what, "why": why}}}},
    )


def test_slides_with_nothing_but_an_absent_note_are_dropped_and_what_is_absent_is_named_once():
    """A run with nothing to compare showed two near-empty 'No published figure' slides, and each
    absent strand a slide of one sentence: such slides are dropped; the title and closing slides
    say once what this run lacks."""
    nb = nbformat.v4.new_notebook(metadata={"papermill": {"parameters": {"data_dir": "/nowhere"}}})
    slide = {"slideshow": {"slide_type": "slide"}}
    comparison = ("the comparison with the 2002 and 2015 surveys", "the codebook maps no published figure")
    review = ("the rapid literature review", "its data were not supplied")
    chart, table = nbformat.v4.new_code_cell("figure()"), nbformat.v4.new_code_cell("table()")
    chart.outputs = [_absent_output("*No chart of the comparison.*", *comparison)]
    table.outputs = [_absent_output("*Nothing to compare.*", *comparison)]
    flow = nbformat.v4.new_code_cell("prisma()")
    flow.outputs = [_absent_output("**Rapid literature review: not part of this run.**", *review)]
    kept = nbformat.v4.new_code_cell("respondents()")
    kept.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>12</td></tr></table>"}),
        _absent_output("*No chart of the answers by role group.*", "a chart", "not drawn"),
    ]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Intro", metadata=slide),
        nbformat.v4.new_markdown_cell("## Who answered\nThe respondents.", metadata=slide),
        kept,
        nbformat.v4.new_markdown_cell("## Then and now\nThe 2002 figures.", metadata=slide),
        chart,
        nbformat.v4.new_markdown_cell("## Then and now: the differences", metadata=slide),
        table,
        nbformat.v4.new_markdown_cell("## What the literature led us to expect", metadata=slide),
        flow,
    ]
    out = slides.prepare(nb, [])
    headings = [c.source.splitlines()[0] for c in out.cells if slides._slide_type(c) == "slide"]
    assert headings == ["# Study findings", "## Who answered", "## About these results"]
    assert out.cells[0].source.splitlines()[2] == "Findings of the survey and the interviews, for the seminar"
    assert out.cells[0].source.splitlines()[-1] == (
        "Not in this run: the comparison with the 2002 and 2015 surveys and the rapid literature review."
    )
    assert out.cells[-1].source.splitlines()[3] == (
        "- Not in this run: the comparison with the 2002 and 2015 surveys (the codebook maps no published "
        "figure); the rapid literature review (its data were not supplied)."
    )
    # a slide that shows evidence keeps its absent note beside it; the speaker notes stay
    assert [c.cell_type for c in out.cells[1:4]] == ["markdown", "markdown", "code"]
    assert out.cells[2].metadata["slideshow"]["slide_type"] == "notes"


def test_a_run_with_everything_names_nothing_absent():
    nb = nbformat.v4.new_notebook(metadata={"papermill": {"parameters": {"data_dir": "/nowhere"}}})
    slide = {"slideshow": {"slide_type": "slide"}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Intro", metadata=slide),
        nbformat.v4.new_markdown_cell("## Headline", metadata=slide),
    ]
    out = slides.prepare(nb, [])
    assert "Not in this run" not in out.cells[0].source and "Not in this run" not in out.cells[-1].source
    assert slides.DECK_SUBTITLE in out.cells[0].source
    assert [c.source.splitlines()[0] for c in out.cells] == [
        "# Study findings",
        "## Headline",
        "## About these results",
    ]


def test_the_title_slide_and_the_landing_page_take_the_title_from_the_codebook(tmp_path):
    """The newcomer's deck and landing page were titled 'Doctors and managers in the NHS' (the
    demonstration study) over their own survey. The title is the codebook's survey.study_title,
    else its survey.title; the demo's is unchanged; without a codebook, words of its own."""
    import shutil

    from helpers import report_index
    from helpers.survey.codebook import study_title

    demo = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo"
    assert study_title(demo) == "Doctors and managers in the NHS"
    own = tmp_path / "own"
    shutil.copytree(demo / "survey", own / "survey")
    codebook = own / "survey" / "codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("study_title:")]
    own_text = "\n".join(lines).replace(
        "Doctors and managers in the NHS: web survey (SYNTHETIC demonstration data)",
        "Clinician-manager relations survey 2026",
    )
    codebook.write_text(own_text + "\n", encoding="utf-8")
    assert study_title(own) == "Clinician-manager relations survey 2026"
    assert study_title(tmp_path / "nowhere") == ""

    def title_slide(data_dir):
        nb = nbformat.v4.new_notebook(metadata={"papermill": {"parameters": {"data_dir": str(data_dir)}}})
        nb.cells = [nbformat.v4.new_markdown_cell("# Intro", metadata={"slideshow": {"slide_type": "slide"}})]
        return slides.prepare(nb, []).cells[0].source.splitlines()[0]

    assert title_slide(demo) == "# Doctors and managers in the NHS"
    tab = nbformat.v4.new_notebook(metadata={"papermill": {"parameters": {"data_dir": str(own)}}})
    tab.cells = [nbformat.v4.new_markdown_cell("# Intro", metadata={"slideshow": {"slide_type": "slide"}})]
    nbformat.write(tab, tmp_path / "05.ipynb")
    html = slides.render(tmp_path / "05.ipynb")
    assert "<title>Clinician-manager relations survey 2026 slides</title>" in html  # was "Notebook slides"
    assert title_slide(own) == "# Clinician-manager relations survey 2026"
    assert title_slide(tmp_path / "nowhere") == "# Study findings"
    assert report_index.page_title([str(demo)]) == "Doctors and managers in the NHS: the study at a glance"
    assert report_index.page_title(["None", str(own)]) == (
        "Clinician-manager relations survey 2026: the study at a glance"
    )
    assert report_index.page_title([str(tmp_path / "nowhere")]) == "The study at a glance"


def test_a_warning_never_reaches_the_deck(tmp_path):
    """As in the report (report_html): the kernel's stderr, a warning naming a local path, is left out."""
    path = tiny_notebook(tmp_path / "n.ipynb")
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[2].outputs.append(
        nbformat.v4.new_output("stream", name="stderr", text="/home/jsmith/plots.py:378: UserWarning: x\n")
    )
    nbformat.write(nb, path)
    html = slides.render(path)
    assert "jsmith" not in html and "UserWarning" not in html
    assert "iVBORw0KGgo" in html  # the figure of the same cell is kept
