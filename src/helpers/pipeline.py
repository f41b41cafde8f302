"""The stage runner behind ``make``: run one notebook, render its report, publish atomically.

    python -m helpers.pipeline run notebooks/02_survey_cleaning.ipynb --data data/raw/demo
    python -m helpers.pipeline strip notebooks/*.ipynb

A stage writes every output under ``build/staging/<stage>/`` (helpers.paths.staging). Only
when the notebook has run and its HTML report has rendered are the files moved into
``data/processed`` and ``reports``; outputs that the stage wrote last time but not this time
are removed. A failed stage therefore leaves the previous outputs exactly as they were, and
its half-run notebook stays in the staging folder for inspection.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat

from helpers import paths

BUILD = "build"


def stage_name(notebook: Path) -> str:
    return Path(notebook).stem


def _render_html(executed: Path, target: Path) -> None:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    # Code is hidden: the report reads as a methods/results section. Figures are embedded.
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")


def _publish(staged_root: Path, root: Path, record: Path) -> list[str]:
    """Move every staged file into place; remove this stage's outputs from last time that are gone."""
    new = sorted(p.relative_to(staged_root).as_posix() for p in staged_root.rglob("*") if p.is_file())
    old = record.read_text(encoding="utf-8").split() if record.is_file() else []
    for rel in new:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged_root / rel, target)
    for rel in sorted(set(old) - set(new)):
        (root / rel).unlink(missing_ok=True)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text("\n".join(new) + "\n", encoding="utf-8")
    return new


def run_stage(notebook: str | Path, data_dir: str, params_file: str = "params.yaml") -> Path:
    """Run ``notebook`` on ``data_dir``; publish its outputs into the workspace only on success."""
    import papermill

    root = paths.workspace()
    notebook = paths.resolve(notebook)
    stage = stage_name(notebook)
    staged = root / BUILD / "staging" / stage
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    executed_staged = staged / "_executed.ipynb"

    # The kernel inherits the environment: it writes under the staging folder.
    saved = os.environ.get("HELPERS_STAGING")
    os.environ["HELPERS_STAGING"] = str(staged)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed_staged),
            parameters={
                "data_dir": str(paths.resolve(data_dir)),
                "params_file": str(paths.resolve(params_file)),
            },
            kernel_name="python3",
            cwd=str(paths.project_root()),
            progress_bar=False,
            log_output=False,
        )
    finally:
        if saved is None:
            os.environ.pop("HELPERS_STAGING", None)
        else:
            os.environ["HELPERS_STAGING"] = saved
    _render_html(executed_staged, staged / "reports" / f"{stage}.html")
    executed_final = root / BUILD / "executed" / f"{stage}.ipynb"
    executed_staged_final = staged / BUILD / "executed" / f"{stage}.ipynb"
    executed_staged_final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(executed_staged, executed_staged_final)
    published = _publish(staged, root, root / BUILD / "published" / f"{stage}.txt")
    shutil.rmtree(staged, ignore_errors=True)
    print(f"{stage}: ran in {time.perf_counter() - started:.1f} s, published {len(published)} files")
    return executed_final


def strip_outputs(notebooks: list[str]) -> list[str]:
    """Remove outputs and execution counts in place; return the notebooks that changed."""
    changed = []
    for name in notebooks:
        nb = nbformat.read(name, as_version=4)
        before = nbformat.writes(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
            cell.metadata.pop("execution", None)
        nb.metadata.pop("papermill", None)
        after = nbformat.writes(nb)
        if after != before:
            nbformat.write(nb, name)
            changed.append(name)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one notebook stage and publish its outputs")
    run.add_argument("notebook")
    run.add_argument("--data", required=True, help="input folder laid out like data/raw/demo")
    run.add_argument("--params", default="params.yaml")
    strip = sub.add_parser("strip", help="remove outputs from notebook sources")
    strip.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "run":
        try:
            run_stage(args.notebook, args.data, args.params)
        except Exception as exc:  # report, keep previous outputs, fail the make target
            name = type(exc).__name__
            print(
                f"\nSTAGE FAILED: {stage_name(Path(args.notebook))}: {name}: {exc}\n"
                f"Previous outputs are unchanged; the partial run is in "
                f"{BUILD}/staging/{stage_name(Path(args.notebook))}/",
                file=sys.stderr,
            )
            return 1
        return 0
    for name in strip_outputs(args.notebooks):
        print(f"stripped {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
