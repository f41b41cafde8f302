"""The findings notebook carries the slide layout the deck is generated from."""

import nbformat

from helpers import paths

NOTEBOOK = paths.project_root() / "notebooks" / "05_findings.ipynb"
KINDS = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def test_every_cell_has_a_slide_type_and_set_up_cells_are_skipped():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert set(kinds) <= KINDS, (
        f"cells without a known slide type: {[i for i, k in enumerate(kinds) if k not in KINDS]}"
    )
    assert kinds[0] == "slide" and nb.cells[0].source.startswith("# Findings across the strands")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and params[0].metadata["slideshow"]["slide_type"] == "skip"
    assert params[0].source == 'data_dir = "data/raw/demo"\nparams_file = "params.yaml"'
    assert nb.cells[-1].source.endswith('provenance.footer("05_findings", params)')
    assert (
        nb.cells[-1].metadata["slideshow"]["slide_type"] == "-"
    )  # the provenance footer is on the last slide


def test_each_strand_figure_is_on_a_slide():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    shown = {
        c.source
        for c in nb.cells
        if c.cell_type == "code" and c.metadata["slideshow"]["slide_type"] != "skip"
    }
    for figure in ("attitudes_then_vs_now", "prisma_flow"):
        assert any(f'"{figure}"' in s for s in shown), figure
    assert any("triangulation_figure" in s for s in shown)
    assert any("headline_item_figure" in s for s in shown)  # the first headline item by role
