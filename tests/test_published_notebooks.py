"""The executed notebooks published beside the reports carry only what the reports show."""

from __future__ import annotations

import json

import nbformat
import pytest

from helpers import published_notebooks as pn

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def executed() -> nbformat.NotebookNode:
    """A notebook as papermill leaves it: injected parameters, metadata, every kind of output."""
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3.11.7", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.7"},
            "papermill": {"parameters": {"data_dir": "/home/jsmith/secure/survey"}, "duration": 3.2},
        }
    )
    params = nbformat.v4.new_code_cell('data_dir = "data/raw/demo"', metadata={"tags": ["parameters"]})
    injected = nbformat.v4.new_code_cell(
        'data_dir = "/home/jsmith/secure/survey"', metadata={"tags": ["injected-parameters"]}
    )
    table = nbformat.v4.new_code_cell(
        "show(table)", metadata={"slideshow": {"slide_type": "-"}, "papermill": {"duration": 0.1}}
    )
    table.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="472 respondents\n"),
        nbformat.v4.new_output(
            "stream", name="stderr", text="UserWarning: /home/jsmith/secure/survey/x.csv\n"
        ),
        nbformat.v4.new_output(
            "execute_result",
            data={
                "text/html": "<table><tr><td>60% (56 to 65)</td></tr></table>",
                "text/plain": "   item  pct_agree\n0  q  60.215054",
            },
            execution_count=3,
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": PNG, "text/plain": "<Figure size 640x480>"},
            metadata={"image/png": {"alt": "Bar chart of agreement by role group"}},
        ),
        nbformat.v4.new_output(
            "display_data",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                "application/javascript": "x()",
            },
        ),
    ]
    deck_only = nbformat.v4.new_code_cell("present.prisma_flow()", metadata={"tags": ["deck-only"]})
    text = nbformat.v4.new_markdown_cell("## Results")
    nb.cells = [params, injected, text, table, deck_only]
    return nb


def test_only_what_the_report_shows_is_published():
    out = pn.publishable(executed())
    assert out.metadata == {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python"},
    }
    assert [c.source for c in out.cells] == ['data_dir = "data/raw/demo"', "## Results", "show(table)"]
    outputs = out.cells[2].outputs
    assert [o.output_type for o in outputs] == ["stream", "execute_result", "display_data"]
    assert outputs[0].text == "472 respondents\n"  # stdout kept, stderr (a path on the machine) dropped
    assert outputs[1].data == {"text/html": "<table><tr><td>60% (56 to 65)</td></tr></table>"}  # no raw frame
    assert outputs[1].execution_count == 3
    assert outputs[2].data == {"image/png": PNG}
    assert outputs[2].metadata == {"image/png": {"alt": "Bar chart of agreement by role group"}}
    assert out.cells[2].metadata == {"slideshow": {"slide_type": "-"}}
    assert pn.problems(out, ["/home/jsmith"]) == []
    assert "jsmith" not in json.dumps(out)


def test_problems_name_what_may_not_be_published():
    found = pn.problems(executed(), ["/home/jsmith/secure"])
    assert found == [
        "notebook metadata: papermill's record (paths and timings)",
        "cell 2: tagged injected-parameters",
        "cell 4: stderr stream",
        "cell 4: output text/html, text/plain (the report shows one of text/html, text/markdown, "
        "image/svg+xml, image/png, image/jpeg, text/plain)",
        "cell 4: output image/png, text/plain (the report shows one of text/html, text/markdown, "
        "image/svg+xml, image/png, image/jpeg, text/plain)",
        "cell 4: output application/vnd.jupyter.widget-view+json, application/javascript (the report "
        "shows one of text/html, text/markdown, image/svg+xml, image/png, image/jpeg, text/plain)",
        "cell 5: tagged deck-only",
        "contains '/home/jsmith/secure'",
    ]


def test_write_refuses_a_notebook_that_still_names_a_forbidden_path(tmp_path):
    nb = executed()
    nb.cells[3].outputs[0]["text"] = "read /home/jsmith/secure/survey/export.csv\n"
    with pytest.raises(ValueError, match=r"03_x\.ipynb: not publishable: contains '/home/jsmith/secure'"):
        pn.write(nb, tmp_path / "03_x.ipynb", ["/home/jsmith/secure"])
    assert not (tmp_path / "03_x.ipynb").exists()
    target = pn.write(executed(), tmp_path / "03_x.ipynb", ["/home/jsmith/secure"])
    assert nbformat.read(str(target), as_version=4).cells[2].source == "show(table)"


@pytest.mark.e2e
def test_the_release_publishes_every_executed_notebook_linked_from_the_landing_page(pipeline_runs):
    from helpers import paths

    reports = pipeline_runs.workspace(0) / "reports"
    stages = [p.stem for p in pipeline_runs.notebooks()]
    published = sorted(p.stem for p in (reports / "notebooks").glob("*.ipynb"))
    assert published == stages
    index = (reports / "index.html").read_text(encoding="utf-8")
    forbidden = [str(paths.project_root()), str(pipeline_runs.data), str(pipeline_runs.workspace(0))]
    for stage in stages:
        assert f'href="notebooks/{stage}.ipynb"' in index
        nb = nbformat.read(str(reports / "notebooks" / f"{stage}.ipynb"), as_version=4)
        assert pn.problems(nb, forbidden) == [], stage
        assert any(c.get("outputs") for c in nb.cells), f"{stage}: published without outputs"


def test_the_report_footer_names_no_absolute_path_of_the_machine():
    from helpers import provenance

    info = {
        "stage": "02_x",
        "ran_at": "2026-11-30T07:00:00+00:00",
        "code": {"commit": "abc"},
        "packages": {"pandas": "3.1.1"},
        "parameters": {"data_dir": "/home/jsmith/secure/survey2026"},
        "inputs": [
            {"path": "/home/jsmith/secure/survey2026/survey/codebook.yaml", "bytes": 10, "sha256": "0" * 64},
            {"path": "/opt/elsewhere/reference.csv", "bytes": 5, "sha256": "1" * 64},
            {"path": "reports/tables/x.csv", "bytes": 7, "sha256": "2" * 64},
        ],
    }
    text = provenance._as_markdown(info).data
    assert "/home/jsmith" not in text and "/opt/" not in text
    assert "data folder `survey2026`" in text
    assert "| `survey2026/survey/codebook.yaml` | 10 |" in text
    assert "| `reference.csv` | 5 |" in text and "| `reports/tables/x.csv` | 7 |" in text
