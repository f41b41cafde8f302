"""What produced a report: inputs (SHA-256), code version, package versions, parameters.

Each notebook ends with :func:`footer`, which shows this in the report and writes it as JSON
to ``reports/provenance/<stage>.json`` so the index page can list every run's inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from helpers import files, outputs, paths

# The packages whose versions decide the numbers and figures.
KEY_PACKAGES = (
    "helpers",
    "pandas",
    "numpy",
    "pyarrow",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "openpyxl",
    "rispy",
    "bibtexparser",
    "rapidfuzz",
    "defusedxml",
    "papermill",
    "nbconvert",
)


def git_state(root: Path | None = None) -> dict[str, Any]:
    """The commit of the code and whether the work tree had uncommitted changes."""
    root = root or paths.project_root()

    def run(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)

    head = run("rev-parse", "HEAD")
    if head.returncode != 0:
        return {"commit": None, "dirty": None, "note": "not a git checkout"}
    status = run("status", "--porcelain", "--untracked-files=no")
    return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}


def package_versions(names=KEY_PACKAGES) -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def describe_inputs(paths_read: list[Path] | None = None) -> list[dict[str, Any]]:
    """Each input file read by this process, relative to the workspace (outputs of earlier
    stages, wherever the runner staged them) or else to the project root where possible."""
    bases = (paths.workspace().resolve(), paths.project_root())
    rows = []
    for path in paths_read if paths_read is not None else files.inputs_read():
        path = Path(path)
        resolved = path.resolve()
        base = next((b for b in bases if resolved.is_relative_to(b)), None)
        shown = resolved.relative_to(base).as_posix() if base is not None else path.as_posix()
        rows.append({"path": shown, "bytes": path.stat().st_size, "sha256": files.sha256(path)})
    return sorted(rows, key=lambda r: r["path"])


def manifest(stage: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    params = dict(params or {})
    # Paths as the reports show them (relative to the project, else the name): the record is
    # published, and an absolute path names the analyst's account and folders.
    shown_params = {
        k: _shown_folder(v) if k in ("data_dir", "params_file") else (str(v) if isinstance(v, Path) else v)
        for k, v in params.items()
    }
    return {
        "stage": stage,
        "ran_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "code": git_state(),
        "packages": package_versions(),
        "inputs": describe_inputs(),
        "parameters": shown_params,
    }


def footer(stage: str, params: dict[str, Any] | None = None):
    """Write the stage's provenance JSON and return it as Markdown for the report's last cell."""
    info = manifest(stage, params)
    target = paths.output(f"reports/provenance/{stage}.json")
    with outputs.atomic_path(target) as tmp:
        tmp.write_text(json.dumps(info, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return _as_markdown(info)


def _shown_folder(folder) -> str:
    """The data folder as a report shows it: relative to the project when inside it, else its
    name (an absolute path names the machine's user and folders)."""
    path = Path(str(folder))
    if not path.is_absolute():
        return path.as_posix()
    root = paths.project_root()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


def _shown_input(path: str, data_dir: Path) -> str:
    """An input as the report lists it: already relative (to the workspace or the project) as
    recorded; an absolute one under the data folder relative to the folder's parent
    (``demo/survey/codebook.yaml``), any other absolute one by its name."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    if data_dir.is_absolute() and p.is_relative_to(data_dir):
        return p.relative_to(data_dir.parent).as_posix()
    return p.name


def _as_markdown(info: dict[str, Any]):
    from IPython.display import Markdown

    code = info["code"]
    commit = (code.get("commit") or "unknown")[:12]
    dirty = " (with uncommitted changes)" if code.get("dirty") else ""
    lines = [
        "---",
        f"**Provenance.** Stage `{info['stage']}`, run {info['ran_at']}, code {commit}{dirty}, "
        f"data folder `{_shown_folder(info['parameters'].get('data_dir', '?'))}`.",
        "",
        "| input | bytes | SHA-256 |",
        "|---|---:|---|",
    ]
    folder = Path(str(info["parameters"].get("data_dir", "")))
    lines += [
        f"| `{_shown_input(i['path'], folder)}` | {i['bytes']} | `{i['sha256'][:16]}…` |"
        for i in info["inputs"]
    ] or ["| (none) | | |"]
    lines += ["", "Packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()) + "."]
    return Markdown("\n".join(lines))


def data_notice(params: dict[str, Any]):
    """A banner for the top of every report: synthetic demonstration data or real data."""
    from IPython.display import Markdown

    from helpers import config

    folder = Path(params["data_dir"])
    if config.is_synthetic(folder):
        return Markdown(
            f"> **SYNTHETIC DATA.** This report was built from the synthetic demonstration folder "
            f"`{folder.name}`: the figures illustrate the method and are not the study's findings."
        )
    return Markdown(f"> Data folder: `{folder.name}` (not marked synthetic).")
