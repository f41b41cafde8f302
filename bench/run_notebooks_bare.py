"""The floor for the pipeline benchmark: every notebook's code cells, in order, in ONE plain
Python process (no make, no Jupyter kernel, no papermill, no nbconvert, no HTML).

    python bench/run_notebooks_bare.py <data_dir> <params_file> <workspace>

The ``parameters`` cell is replaced by the given values, as papermill would inject them. Outputs
go to ``<workspace>`` (HELPERS_WORKSPACE: earlier stages' outputs are read from there too), so
the real workspace is untouched. Between notebooks the record of input files read is reset and
figures are closed, as a fresh kernel per notebook would have it; the imports are shared, which
is the point of the floor. ``display`` is a no-op and expression values are not rendered.
Prints one JSON line: seconds per notebook and in all.
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()


def main(data_dir: str, params_file: str, workspace: str) -> dict:
    os.environ["HELPERS_WORKSPACE"] = workspace
    os.environ.pop("HELPERS_STAGING", None)
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt
    import nbformat

    from helpers import files, paths

    seconds: dict[str, float] = {}
    notebooks = sorted(paths.project_root().glob("notebooks/[0-9][0-9]_*.ipynb"))
    for notebook in notebooks:
        started = time.perf_counter()
        nb = nbformat.read(notebook, as_version=4)
        namespace = {"__name__": "__main__", "display": lambda *args, **kwargs: None}
        files._INPUTS_READ.clear()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if "parameters" in cell.metadata.get("tags", []):
                source = f"data_dir = {data_dir!r}\nparams_file = {params_file!r}\n"
            else:
                source = cell.source
            if any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
                raise SystemExit(f"{notebook.name} cell {index}: IPython magic, cannot run bare")
            exec(compile(source, f"{notebook.name}[{index}]", "exec"), namespace)
            plt.close("all")
        seconds[notebook.stem] = time.perf_counter() - started
    return {"notebooks": seconds, "total": time.perf_counter() - T0}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
