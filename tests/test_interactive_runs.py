"""Notebooks run interactively, as from JupyterLab, on a fresh clone: published outputs untouched.

The kernel gets no HELPERS_* variable (as under `make lab`) and runs in notebooks/ (JupyterLab's
working directory). Slow tier: it runs every stage twice.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from helpers import paths

pytestmark = pytest.mark.slow
ROOT = paths.project_root()
STAGES = [
    "01_literature_review",
    "02_survey_cleaning",
    "03_attitude_analysis",
    "04_focus_group_themes",
    "05_findings",
]


def snapshot(clone: Path) -> dict[str, str]:
    out = {}
    for top in ("reports", "data/processed"):
        for p in sorted((clone / top).rglob("*")):
            if p.is_file():
                out[p.relative_to(clone).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def kernel_env(clone: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPERS_")}
    env["PYTHONPATH"] = str(clone / "src")  # the clone's helpers, ahead of the editable install
    return env


def run_interactively(clone: Path, stage: str) -> nbformat.NotebookNode:
    nb = nbformat.read(clone / "notebooks" / f"{stage}.ipynb", as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(clone / "notebooks")}}
    )
    try:
        client.execute(env=kernel_env(clone))
    except CellExecutionError as exc:
        exc.nb = nb
        raise
    return nb


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    target = tmp_path_factory.mktemp("interactive") / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    return target


def test_fresh_clone_runs_what_it_can_and_names_the_make_target_for_the_rest(clone):
    before = snapshot(clone)
    for stage in ("01_literature_review", "02_survey_cleaning", "04_focus_group_themes"):
        nb = run_interactively(clone, stage)
        note = "".join(o.get("data", {}).get("text/markdown", "") for o in nb.cells[2].outputs)
        assert note.startswith(f"> **Interactive run of {stage}.** Data folder: `data/raw/demo`.")
        assert "Writes its outputs to `build/interactive/`" in note
        assert (clone / "build" / "interactive" / "reports" / "provenance" / f"{stage}.json").is_file()
    for stage, target in (("03_attitude_analysis", "survey"), ("05_findings", "literature")):
        with pytest.raises(CellExecutionError) as caught:
            run_interactively(clone, stage)
        assert caught.value.ename == "MissingStage"
        error = next(
            o for c in caught.value.nb.cells for o in c.get("outputs", []) if o.output_type == "error"
        )
        # What the user sees is one line naming the make target, no traceback.
        assert error.traceback == [
            f"Stage {'02_survey_cleaning' if target == 'survey' else '01_literature_review'} has not run here "
            f"(reports/provenance/{'02_survey_cleaning' if target == 'survey' else '01_literature_review'}.json "
            f"is missing): run `make {target}` in the project folder, then run this notebook again."
        ]
    assert snapshot(clone) == before


def test_after_publishing_every_notebook_runs_top_to_bottom_and_changes_nothing_published(clone):
    env = {**kernel_env(clone), "PYTHONPATH": str(clone / "src")}
    for stage in STAGES:  # what `make all` runs for each stage
        subprocess.run(
            [
                sys.executable,
                "-m",
                "helpers.pipeline",
                "run",
                f"notebooks/{stage}.ipynb",
                "--data",
                "data/raw/demo",
            ],
            cwd=clone,
            env=env,
            check=True,
            capture_output=True,
        )
    published = snapshot(clone)
    assert "data/processed/survey_clean.parquet" in published
    for stage in STAGES:
        nb = run_interactively(clone, stage)
        assert all(o.get("output_type") != "error" for c in nb.cells for o in c.get("outputs", []))
    assert snapshot(clone) == published
    scratch = clone / "build" / "interactive"
    assert (scratch / "reports" / "provenance" / "05_findings.json").is_file()
    assert (scratch / "data" / "processed" / "survey_clean.parquet").is_file()
