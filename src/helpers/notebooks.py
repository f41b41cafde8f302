"""The canonical form of the notebook sources, and the content stamps make decides staleness by.

    python -m helpers.notebooks clean < in.ipynb > out.ipynb   # the git clean filter
    python -m helpers.notebooks strip notebooks/*.ipynb        # rewrite files in canonical form
    python -m helpers.notebooks check notebooks/*.ipynb        # exit 1 naming files not canonical
    python -m helpers.notebooks stamps build/canonical notebooks/*.ipynb

A notebook opened and saved in JupyterLab changes even when nobody edits it: the front end
writes the running kernel's ``language_info`` (which carries the Python patch version, so no
fixed form holds across machines), its kernelspec display name, outputs, execution counts and
per-cell UI state (collapsed, scrolled, execution timings). The canonical form removes or fixes
all of these, so that

* the git clean filter (installed by ``make env``, see ``.gitattributes``) makes git see no
  change after an open-and-save round trip;
* ``make strip`` rewrites the files into the same form;
* make's staleness is decided by the SHA-256 of the canonical content (decisions 2): ``stamps``
  writes ``build/canonical/<stage>.sha256`` and rewrites it only when the content changes, so
  a save in JupyterLab reruns nothing.

This module uses the standard library only (the git filter runs it with the system Python,
``python3 src/helpers/notebooks.py clean``, so it works before and outside the project's .venv).
Its output is byte-identical to ``nbformat.writes`` (what JupyterLab's server writes), which a
test checks.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
# Notebook-level metadata kept (normalised or as written); anything else is editor or run noise
# (papermill parameters and timings, widget state, editor settings).
KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info", "title", "authors")
# Cell-level metadata that is UI state or run records, never content.
DROP_CELL_METADATA = ("collapsed", "scrolled", "execution", "ExecuteTime", "papermill", "jupyter", "trusted")


def _split_lines(text):
    """Sources are stored as lists of lines, as nbformat writes them."""
    if isinstance(text, str):
        return text.splitlines(True)
    return text


def canonical(nb: dict, keep_outputs: bool = False) -> dict:
    """A copy of notebook ``nb`` (parsed JSON, nbformat 4) in canonical form.

    With ``keep_outputs`` (the JupyterLab save hook) outputs and execution counts stay, so a
    notebook run in JupyterLab reopens with its results; the rest is normalised the same way.
    """
    meta = nb.get("metadata", {})
    out_meta = {k: meta[k] for k in KEEP_NOTEBOOK_METADATA if k in meta}
    out_meta["kernelspec"] = dict(KERNELSPEC)
    out_meta["language_info"] = dict(LANGUAGE_INFO)
    cells = []
    taken = {c.get("id") for c in nb.get("cells", [])}
    for index, cell in enumerate(nb.get("cells", [])):
        dropped = () if keep_outputs else ("outputs", "execution_count")
        c = {k: v for k, v in cell.items() if k not in dropped}
        c["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k not in DROP_CELL_METADATA}
        c["source"] = _split_lines(cell.get("source", []))
        if "id" not in c and nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) >= 5:
            # nbformat 4.5 requires ids and JupyterLab adds random ones: give a stable one instead.
            c["id"] = _stable_id(index, "".join(c["source"]), taken)
            taken.add(c["id"])
        if cell.get("cell_type") == "code" and not keep_outputs:
            c["outputs"] = []
            c["execution_count"] = None
        cells.append(c)
    out = {k: v for k, v in nb.items() if k not in ("cells", "metadata")}
    out["cells"] = cells
    out["metadata"] = out_meta
    return out


def _stable_id(index: int, source: str, taken: set) -> str:
    """An 8-hex-digit cell id from the cell's position and source, unique in the notebook."""
    salt = 0
    while True:
        digest = hashlib.sha256(f"{index}:{salt}:{source}".encode()).hexdigest()[:8]
        if digest not in taken:
            return digest
        salt += 1


def dumps(nb: dict) -> str:
    """Serialise as nbformat (and so JupyterLab's server) does: one-space indent, sorted keys."""
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False, separators=(",", ": "))
    return text if text.endswith("\n") else text + "\n"


def clean_text(text: str) -> str:
    """The canonical form of a notebook file's text."""
    return dumps(canonical(json.loads(text)))


def content_hash(text: str) -> str:
    """SHA-256 of what decides a rerun: the canonical content without cell ids (editor-assigned)."""
    nb = canonical(json.loads(text))
    for cell in nb["cells"]:
        cell.pop("id", None)
    return hashlib.sha256(dumps(nb).encode("utf-8")).hexdigest()


def pre_save_hook(model: dict, **kwargs) -> None:
    """jupyter_server's ContentsManager.pre_save_hook: save the project's notebooks normalised.

    ``make env`` names it in the .venv's jupyter_server configuration, so every server started
    from the project's environment (``make lab``) writes the fixed kernelspec and language_info
    and no cell UI state: opening and saving a notebook without editing it leaves the file
    byte-identical. Outputs are kept (the git filter keeps them out of commits). Notebooks for
    another kernel are left alone.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    nb = model["content"]
    if nb.get("metadata", {}).get("kernelspec", {}).get("name", "python3") != "python3":
        return
    normal = canonical(nb, keep_outputs=True)
    nb.clear()
    nb.update(normal)


def strip(paths: list[str]) -> list[str]:
    """Rewrite each file in canonical form; return those that changed."""
    changed = []
    for name in paths:
        path = Path(name)
        before = path.read_text(encoding="utf-8")
        after = clean_text(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            changed.append(name)
    return changed


def not_canonical(paths: list[str]) -> list[str]:
    """The files whose text is not in canonical form."""
    return [n for n in paths if clean_text(Path(n).read_text(encoding="utf-8")) != Path(n).read_text("utf-8")]


def write_stamps(folder: str, paths: list[str]) -> list[str]:
    """Write ``folder/<stem>.sha256`` for each notebook, only where the canonical content changed.

    The stamp's modification time therefore moves only with the content: make compares it, not
    the notebook's own time, against the executed notebook. Returns the stamps rewritten.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rewritten = []
    for name in paths:
        digest = content_hash(Path(name).read_text(encoding="utf-8")) + "\n"
        stamp = out / (Path(name).stem + ".sha256")
        if not stamp.is_file() or stamp.read_text(encoding="utf-8") != digest:
            stamp.write_text(digest, encoding="utf-8")
            rewritten.append(str(stamp))
    return rewritten


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command == "clean" and not args:
        data = sys.stdin.buffer.read().decode("utf-8")
        try:
            sys.stdout.buffer.write(clean_text(data).encode("utf-8"))
        except (ValueError, AttributeError, TypeError):  # not a notebook: let git store it as it is
            sys.stdout.buffer.write(data.encode("utf-8"))
        return 0
    if command == "strip":
        for name in strip(args):
            print(f"stripped {name}")
        return 0
    if command == "check":
        bad = not_canonical(args)
        for name in bad:
            print(f"{name}: not in canonical form (outputs or editor metadata); run `make strip`")
        return 1 if bad else 0
    if command == "stamps" and args:
        write_stamps(args[0], args[1:])
        return 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
