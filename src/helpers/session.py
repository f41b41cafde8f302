"""Where a notebook run reads and writes, and whether the stages it reads have run.

Every numbered notebook's setup cell calls ``session.start(params, stage, needs=[...])``.

* Under ``make`` (the stage runner sets ``HELPERS_STAGING``) and under the notebook tests
  (``HELPERS_WORKSPACE``) nothing changes and nothing is displayed.
* Opened in JupyterLab (neither variable set) the run is **interactive**: outputs go to the
  scratch workspace ``build/interactive/`` (``HELPERS_STAGING`` is set in the kernel), never
  over the published ``data/processed`` and ``reports``; earlier stages' outputs are read from
  the published folders, which only ``make`` writes. The cell says which data folder is used
  and where outputs go. Publishing stays ``make all``.

In every mode the stages in ``needs`` must have run: a stage has run when its provenance record
``reports/provenance/<stage>.json`` (its last output) is in the workspace. When one is missing,
``start`` stops the notebook with one line naming the make target that produces it. A stage whose
strand is absent from the data folder (no ``literature/``, ``survey/`` or ``focus_groups/``
folder: :data:`STAGE_FOLDERS`) is not needed: the runner skips it with a note.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from helpers import paths

SCRATCH = "build/interactive"
# The make target that runs each stage (and the stages before it); see the Makefile.
MAKE_TARGETS = {
    "01_literature_review": "literature",
    "02_survey_cleaning": "survey",
    "03_attitude_analysis": "attitudes",
    "04_focus_group_themes": "focus_groups",
    "05_findings": "findings",
}


# The input folder of each strand's stages. A stage whose folder is absent from the data folder
# is skipped by the runner with a note, and the stages after it work with the strands present
# (issue 11: a team may have a survey and no literature review, or no focus groups).
STAGE_FOLDERS = {
    "01_literature_review": "literature",
    "02_survey_cleaning": "survey",
    "03_attitude_analysis": "survey",
    "04_focus_group_themes": "focus_groups",
}


def absent_stages(data_dir: str | Path) -> dict[str, str]:
    """{stage: its input folder} for the stages whose input folder is not in ``data_dir``
    (nothing when ``data_dir`` itself does not exist: that is an error the stages report)."""
    root = paths.resolve(data_dir)
    if not Path(root).is_dir():
        return {}
    return {stage: folder for stage, folder in STAGE_FOLDERS.items() if not (Path(root) / folder).is_dir()}


# Files that say which strand a folder's contents belong to, when they sit in the wrong place.
STRAND_FILES = {
    "codebook.yaml": "survey",
    "searches_log.csv": "literature",
    "screening_log.csv": "literature",
}


def missing_folder(data_dir: str | Path) -> str | None:
    """Why ``data_dir`` cannot be used because it does not exist, or None: the message names it
    and suggests the close names of existing sibling folders (a typo: ``DATA=data/raw/onw`` for
    ``own``). ``make check`` and ``make all`` both stop with it (one code path)."""
    root = Path(paths.resolve(data_dir))
    if root.is_dir():
        return None
    shown = str(data_dir).rstrip("/") or str(root)
    text = f"{shown}: no such data folder"
    parent = root.parent
    if parent.is_dir():
        siblings = sorted(c.name for c in parent.iterdir() if c.is_dir() and not c.name.startswith("."))
        close = difflib.get_close_matches(root.name, siblings, n=3, cutoff=0.6)
        if close:
            where = os.path.dirname(os.path.normpath(shown))
            meant = " or ".join(f"DATA={os.path.join(where, name)}" for name in close)
            return f"{text}. Did you mean {meant}?"
    return text


def no_strand(data_dir: str | Path) -> str | None:
    """Why ``data_dir`` cannot be analysed at all, or None: it exists but holds none of the
    strands' input folders (:data:`STAGE_FOLDERS`: literature/, survey/, focus_groups/), so every
    stage would be skipped. An empty folder, or a strand's own folder given by mistake
    (``DATA=.../survey``): the message names the folder, what it should hold and, where it can
    tell, the folder meant (the parent of a strand folder; subfolders that hold strands).
    ``make check`` reports it as a problem and ``make all`` refuses with it (one code path).
    None too when ``data_dir`` does not exist: that is an error of its own."""
    root = Path(paths.resolve(data_dir))
    if not root.is_dir():
        return None
    strands = list(dict.fromkeys(STAGE_FOLDERS.values()))
    if any((root / s).is_dir() for s in strands):
        return None
    shown = str(data_dir).rstrip("/") or str(root)
    text = (
        f"{shown}: no strand folder in it: a data folder holds at least one of "
        f"{', '.join(s + '/' for s in strands)} (laid out like data/raw/demo/; README, 'Running on your own data')"
    )
    parent = os.path.dirname(os.path.normpath(shown)) or str(root.parent)
    strays = sorted(name for name in STRAND_FILES if (root / name).is_file())
    if root.name in strands:
        return f"{text}. This is a {root.name}/ folder itself: give the folder that holds it, DATA={parent}"
    below = sorted(
        child.name
        for child in root.iterdir()
        if child.is_dir() and any((child / s).is_dir() for s in strands)
    )
    if below:
        meant = ", ".join(f"DATA={os.path.join(shown, name)}" for name in below[:3])
        return f"{text}. Its subfolder{'s' * (len(below) > 1)} {', '.join(below[:3])} hold{'s' * (len(below) == 1)} strands: {meant}?"
    if strays:
        where = {STRAND_FILES[name] for name in strays}
        return (
            f"{text}. It holds {', '.join(strays)}: move the files into its "
            f"{', '.join(sorted(w + '/' for w in where))} subfolder"
        )
    return text


def absent_note(stage: str, folder: str) -> str:
    """One line saying that a stage is skipped because its strand is absent."""
    return f"{stage}: skipped: the data folder has no {folder}/ folder (this strand is absent)"


class MissingStage(RuntimeError):
    """An earlier stage's outputs are missing. Shown as one line in a notebook, not a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython calls this instead of printing a traceback
        return [str(self)]


def mode() -> str:
    """``"pipeline"`` (make), ``"workspace"`` (a test's workspace) or ``"interactive"``."""
    if os.environ.get("HELPERS_STAGING"):
        return "pipeline"
    if os.environ.get("HELPERS_WORKSPACE"):
        return "workspace"
    return "interactive"


def missing(needs: list[str]) -> list[str]:
    """The stages in ``needs`` whose provenance record is not in the workspace read from."""
    return [s for s in needs if not paths.reports(f"provenance/{s}.json").is_file()]


def check(needs: list[str]) -> None:
    """Raise MissingStage naming the make target for the first stage in ``needs`` that has not run."""
    gone = missing(needs)
    if gone:
        stage = gone[0]
        target = MAKE_TARGETS.get(stage, "all")
        where = paths.reports(f"provenance/{stage}.json")
        raise MissingStage(
            f"Stage {stage} has not run here ({_show(where)} is missing): run `make {target}` "
            "in the project folder, then run this notebook again."
        )


def start(params: dict[str, Any], stage: str, needs: list[str] = ()) -> str:
    """Set up the run of ``stage``: choose where it writes, check ``needs``, say so when interactive.

    Returns the mode. In interactive mode it sets ``HELPERS_STAGING`` to the scratch workspace
    (for this kernel only) and displays one short note; otherwise it displays nothing, so the
    published reports are unchanged.
    """
    current = mode()
    absent = absent_stages(params["data_dir"]) if "data_dir" in params else {}
    needs = [s for s in needs if s not in absent]  # absent strands are not needed
    check(list(needs))
    if current == "interactive":
        scratch = paths.project_root() / SCRATCH
        scratch.mkdir(parents=True, exist_ok=True)
        os.environ["HELPERS_STAGING"] = str(scratch)
        _display(note(params, stage, list(needs), scratch))
    return current


def note(params: dict[str, Any], stage: str, needs: list[str], scratch: Path) -> str:
    """The interactive-run note (Markdown)."""
    reads = (
        f"earlier stages' outputs ({', '.join(needs)}) from the published `data/processed` and "
        "`reports` (written only by `make`)"
        if needs
        else "no earlier stage's outputs"
    )
    return (
        f"> **Interactive run of {stage}.** Data folder: `{_show(paths.resolve(params['data_dir']))}`. "
        f"Reads {reads}. Writes its outputs to `{_show(scratch)}/` (a scratch workspace), never "
        "over the published outputs; `make all` publishes."
    )


def _show(path: Path) -> str:
    path = Path(path)
    root = paths.project_root()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _display(markdown: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(markdown)
        return
    if get_ipython() is None:
        print(markdown)
    else:
        display(Markdown(markdown))
