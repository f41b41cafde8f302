"""Where things live.

Every path resolves from the project root, never from the current directory: papermill runs
kernels in the calling folder and nbval in the notebook's folder, so a relative path would
mean different files in each.

Two environment variables let the pipeline isolate a run:

``HELPERS_WORKSPACE``
    the root under which ``data/processed`` and ``reports`` are read (default: the project
    root). The notebook tests point it at a temporary folder so they never touch real outputs.
``HELPERS_STAGING``
    the root under which outputs are written (default: the workspace). The stage runner points
    it at a fresh folder and moves the files into the workspace only when the stage succeeds,
    so a failed run leaves the previous outputs as they were.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The repository root: the folder holding ``pyproject.toml`` above ``src/helpers``."""
    for candidate in (_PACKAGE_DIR, *_PACKAGE_DIR.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "src" / "helpers").is_dir():
            return candidate
    raise RuntimeError(
        f"cannot find the project root above {_PACKAGE_DIR}: install the package in editable "
        "mode from the repository (make all does this)"
    )


def resolve(path: str | os.PathLike) -> Path:
    """An absolute path: relative paths are taken from the project root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else project_root() / p


def workspace() -> Path:
    """Root under which processed data and reports are read."""
    env = os.environ.get("HELPERS_WORKSPACE")
    return Path(env).resolve() if env else project_root()


def staging() -> Path:
    """Root under which this run writes its outputs."""
    env = os.environ.get("HELPERS_STAGING")
    return Path(env).resolve() if env else workspace()


def processed(name: str = "") -> Path:
    """A file in data/processed, for reading (outputs of earlier stages)."""
    return workspace() / "data" / "processed" / name


def reports(name: str = "") -> Path:
    """A file in reports/, for reading (outputs of earlier stages)."""
    return workspace() / "reports" / name


def output(relative: str) -> Path:
    """Where this run writes ``relative`` (e.g. ``reports/tables/x.csv``); parents are created."""
    rel = Path(relative)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"output path must be relative and inside the project: {relative!r}")
    target = staging() / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def reference(name: str = "") -> Path:
    """Committed reference material (published figures), shared by demo and real runs."""
    return project_root() / "data" / "reference" / name
