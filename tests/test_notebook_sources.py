"""Notebook sources: committed without outputs, with a python3 kernelspec and a parameters cell."""

from pathlib import Path

import nbformat
import pytest

from helpers import paths

NOTEBOOKS = sorted((paths.project_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no numbered notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    with_outputs = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)
    ]
    assert not with_outputs, f"{path.name}: cells {with_outputs} have outputs; run `make strip`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_kernel_and_parameters(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected exactly one cell tagged 'parameters'"
    assert "data_dir" in tagged[0].source and "params_file" in tagged[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cells_are_short_and_define_no_functions(path: Path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert "def " not in cell.source and "class " not in cell.source, (
            f"{path.name} cell {i}: move definitions to helpers"
        )
        assert len(cell.source.splitlines()) <= 15, (
            f"{path.name} cell {i}: over 15 lines; move logic to helpers"
        )
