"""The executed notebooks, published beside the reports (``reports/notebooks/<stage>.ipynb``).

A reader who wants the code behind a report opens its executed notebook (JupyterLab, VS Code,
or any notebook viewer): the same cells, run, with their outputs. Linking them from the landing
page publishes them (decisions 8), so each goes through the release like every report: written
into the stage's staging folder by the runner, staged, audited with the whole release and
published once.

A published notebook carries only what the HTML report already shows:

* each output keeps the one representation the report renders (nbconvert's order: HTML,
  Markdown, SVG, PNG, JPEG, plain text). A table's ``text/plain`` twin (pandas' raw repr of the
  whole frame at full precision, with its index) is dropped; so is anything only a live
  kernel can show (widgets, JavaScript);
* error output and the kernel's stderr (warnings naming paths on the machine) are dropped;
* papermill's injected-parameters cell (absolute paths of the data folder and the params file)
  is dropped, leaving the notebook's own defaults; notebook and cell metadata keep only the
  kernel's name and language, the slide layout and the tags;
* cells tagged ``deck-only`` (the slide-sized PRISMA flow) are dropped, as the report drops them.

:func:`problems` checks a published notebook against these rules; :func:`write` refuses to
write one that breaks them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

from helpers import outputs

FOLDER = "reports/notebooks"
# What the HTML report renders, in nbconvert's display priority.
SHOWN = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain")
DECK_ONLY = "deck-only"
INJECTED = "injected-parameters"
CELL_METADATA = ("slideshow", "tags")


def _shown_output(output) -> dict | None:
    """The output as the report shows it, or None when the report shows nothing of it."""
    kind = output.get("output_type")
    if kind == "stream":
        return dict(output) if output.get("name") == "stdout" else None
    if kind not in ("display_data", "execute_result"):
        return None  # errors (a failed stage publishes nothing anyway) and unknown kinds
    data = output.get("data") or {}
    mime = next((m for m in SHOWN if m in data), None)
    if mime is None:
        return None  # widgets, JavaScript: only a live kernel shows them
    meta = (output.get("metadata") or {}).get(mime)
    kept = {"output_type": kind, "data": {mime: data[mime]}, "metadata": {mime: meta} if meta else {}}
    if kind == "execute_result":
        kept["execution_count"] = output.get("execution_count")
    return kept


def publishable(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the executed notebook ``nb`` that carries only what its report shows."""
    out = copy.deepcopy(nb)
    kernel = out.metadata.get("kernelspec", {})
    out.metadata = nbformat.NotebookNode(
        {
            "kernelspec": {
                "name": kernel.get("name", "python3"),
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            },
            "language_info": {"name": "python"},
        }
    )
    cells = []
    for cell in out.cells:
        tags = cell.metadata.get("tags", [])
        if INJECTED in tags or DECK_ONLY in tags:
            continue
        cell.metadata = nbformat.NotebookNode(
            {k: cell.metadata[k] for k in CELL_METADATA if k in cell.metadata}
        )
        if cell.cell_type == "code":
            cell.outputs = [
                nbformat.NotebookNode(o) for o in map(_shown_output, cell.outputs) if o is not None
            ]
        cells.append(cell)
    out.cells = cells
    nbformat.validate(out)
    return out


def problems(nb: nbformat.NotebookNode, forbidden: list[str] = ()) -> list[str]:
    """Why ``nb`` may not be published (empty when it may): an output with more than one
    representation or one the report does not render, stderr or error output, an injected or
    deck-only cell, papermill metadata, or any of the ``forbidden`` strings (e.g. the absolute
    path of the data folder) anywhere in it."""
    found = []
    if "papermill" in nb.metadata:
        found.append("notebook metadata: papermill's record (paths and timings)")
    for i, cell in enumerate(nb.cells, start=1):
        tags = cell.metadata.get("tags", [])
        if INJECTED in tags or DECK_ONLY in tags:
            found.append(f"cell {i}: tagged {', '.join(t for t in tags if t in (INJECTED, DECK_ONLY))}")
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream" and output.get("name") != "stdout":
                found.append(f"cell {i}: {output.get('name')} stream")
            elif kind == "error":
                found.append(f"cell {i}: error output")
            elif kind in ("display_data", "execute_result"):
                mimes = list(output.get("data", {}))
                if len(mimes) != 1 or mimes[0] not in SHOWN:
                    found.append(
                        f"cell {i}: output {', '.join(mimes)} (the report shows one of {', '.join(SHOWN)})"
                    )
    text = json.dumps(nb, ensure_ascii=False)
    for word in forbidden:
        if word and word in text:
            found.append(f"contains {word!r}")
    return found


def write(nb: nbformat.NotebookNode, target: str | Path, forbidden: list[str] = ()) -> Path:
    """Write the publishable copy of the executed notebook ``nb`` to ``target``; refuse when
    it still breaks a rule (:func:`problems`)."""
    target = Path(target)
    clean = publishable(nb)
    found = problems(clean, forbidden)
    if found:
        raise ValueError(f"{target.name}: not publishable: " + "; ".join(found[:5]))
    target.parent.mkdir(parents=True, exist_ok=True)
    with outputs.atomic_path(target) as tmp:
        nbformat.write(clean, str(tmp))
    return target
