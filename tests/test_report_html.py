"""The offline report template: no network reference, figures with their descriptions."""

import base64

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from helpers import outputs, report_html  # noqa: E402


@pytest.fixture
def staging(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_STAGING", str(tmp_path))
    return tmp_path


def _figure():
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.bar(["a", "b"], [1, 2])
    ax.set_title("Answers by group")
    ax.set_ylabel("respondents")
    return fig


def _notebook_with(*outputs) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nText."), nbformat.v4.new_code_cell("x")]
    nb.cells[1].outputs = list(outputs)
    return nb


def test_save_figure_writes_the_description_into_png_and_svg_and_displays_it(staging):
    fig = _figure()
    saved = outputs.save_figure(fig, "f", alt="Bars of the answers by group.")
    assert [p.name for p in saved] == ["f.png", "f.svg"]
    png = saved[0].read_bytes()
    assert outputs.figure_description(png) == "Bars of the answers by group."
    assert "Bars of the answers by group." in saved[1].read_text()
    data, meta = saved._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]) == png
    assert meta == {"image/png": {"alt": "Bars of the answers by group.", "width": saved.width}}
    assert not plt.fignum_exists(fig.number)  # closed: the inline backend does not show it a second time


def test_save_figure_without_alt_describes_the_figure_from_its_labels(staging):
    saved = outputs.save_figure(_figure(), "g")
    assert saved.alt == "Chart. Answers by group; vertical axis: respondents."


def test_report_has_no_network_reference_and_keeps_the_alt_text():
    out = nbformat.v4.new_output(
        "display_data",
        data={"image/png": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()},
        metadata={"image/png": {"alt": "Flow of the responses"}},
    )
    html = report_html.to_html(_notebook_with(out))
    assert report_html.network_references(html) == []
    assert 'alt="Flow of the responses"' in html
    assert report_html.images_without_description(html) == []
    for cdn in ("require.js", "MathJax", "mermaid"):
        assert cdn.lower() not in html.lower()


def test_render_refuses_an_image_without_a_description(tmp_path):
    out = nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()}
    )
    executed = tmp_path / "nb.ipynb"
    nbformat.write(_notebook_with(out), executed)
    with pytest.raises(report_html.ReportError, match="1 image\\(s\\) without a description"):
        report_html.render(executed, tmp_path / "nb.html")
    assert not (tmp_path / "nb.html").exists()


def test_a_warning_never_reaches_the_report_and_the_build_prints_it(tmp_path, capsys):
    """Newcomer run 2: report 03 showed matplotlib's 'Tight layout not applied' in a pink box
    with the local path of plots.py; the published notebook already dropped stderr."""
    warning = "/home/jsmith/repo/src/helpers/plots.py:378: UserWarning: Tight layout not applied.\n"
    nb = _notebook_with(
        nbformat.v4.new_output("stream", name="stderr", text=warning),
        nbformat.v4.new_output("stream", name="stdout", text="472 respondents\n"),
    )
    executed = tmp_path / "nb.ipynb"
    nbformat.write(nb, executed)
    report_html.render(executed, tmp_path / "nb.html")
    html = (tmp_path / "nb.html").read_text(encoding="utf-8")
    assert "jsmith" not in html and "Tight layout" not in html
    assert "472 respondents" in html  # stdout is kept
    assert capsys.readouterr().err == (
        "nb.html: left out of the report (fix its cause): " + warning.strip() + "\n"
    )
    assert report_html.warnings_left_out(nb) == [warning]


def test_network_references_finds_scripts_links_and_css_urls():
    html = (
        '<script src="https://cdn.example/require.js"></script><link href="//fonts.example/a.css">'
        "<style>@import url('https://fonts.example/b.css');</style><img src='data:image/png;base64,AA'>"
    )
    assert report_html.network_references(html) == [
        "https://cdn.example/require.js",
        "//fonts.example/a.css",
        "https://fonts.example/b.css",
    ]
    assert report_html.images_without_description('<img src="x" alt="">') == ['<img src="x" alt="">']
