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
    for figure in ("attitudes_then_vs_now",):
        assert any(f'"{figure}"' in s for s in shown), figure
    # The PRISMA diagram is too dense for a slide: the report shows it, the deck a slide-sized flow.
    flow = [c for c in nb.cells if c.cell_type == "code" and "present.prisma_flow()" in c.source]
    assert len(flow) == 1 and flow[0].metadata["tags"] == ["deck-only"]
    assert flow[0].metadata["slideshow"]["slide_type"] == "-"
    diagram = [c for c in nb.cells if '"prisma_flow"' in c.source]
    assert len(diagram) == 1 and diagram[0].metadata["slideshow"]["slide_type"] == "skip"
    assert any("triangulation_figure" in s for s in shown)
    assert any("headline_item_figure" in s for s in shown)  # the first headline item by role


def test_every_slide_with_evidence_displays_its_message():
    """Each evidence slide's headline is a finding computed from the numbers (helpers.findings.messages)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    slides, current = [], None
    for cell, kind in zip(nb.cells, kinds):
        if kind in ("slide", "subslide"):
            current = [cell]
            slides.append(current)
        elif current is not None and kind not in ("skip", "notes"):
            current.append(cell)
    internal = ("The strands in this run", "Assumptions and caveats", "Provenance")
    for cells in slides[1:]:
        title = cells[0].source.splitlines()[0]
        if any(word in title for word in internal):
            continue
        assert any("_message(" in c.source for c in cells if c.cell_type == "code"), title
