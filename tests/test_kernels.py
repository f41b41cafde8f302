"""The runner's kernels (helpers.kernels) and how the runner schedules warm kernels."""

from __future__ import annotations

import ast
import json
import os
import sys
import threading
from pathlib import Path

import pytest

from helpers import kernels, paths, pipeline


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = {
        "cells": [
            {"cell_type": kind, "id": f"cell{i}", "metadata": {}, "source": source}
            | ({"outputs": [], "execution_count": None} if kind == "code" else {})
            for i, (kind, source) in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_import_statements_are_the_module_level_imports_of_code_cells_in_order(tmp_path):
    notebook = write_notebook(
        tmp_path / "n.ipynb",
        [
            ("markdown", "import nothing_from_markdown"),
            ("code", "import json\nfrom pathlib import Path as P, PurePath\nx = 1\n"),
            ("code", "%matplotlib inline\nimport never_parsed"),
            ("code", "def f():\n    import inside_a_function\nimport csv, io"),
        ],
    )
    assert kernels.import_statements(notebook) == [
        "import json",
        "from pathlib import Path as P, PurePath",
        "import csv, io",
    ]


def test_warm_up_code_loads_the_modules_and_leaves_the_namespace_empty():
    sys.modules.pop("colorsys", None)
    namespace: dict = {}
    exec(kernels.warm_up_code(["import colorsys", "from json import dumps as d"]), namespace)
    assert sorted(namespace) == ["__builtins__"]
    assert "colorsys" in sys.modules
    empty: dict = {}
    exec(kernels.warm_up_code([]), empty)
    assert sorted(empty) == ["__builtins__"]


def test_every_library_loaded_later_is_imported_by_the_helpers():
    # An entry no helper imports any more would only slow the warm-up.
    imported = set()
    for module in (paths.project_root() / "src" / "helpers").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    assert sorted(set(kernels.LOADED_LATER) - imported) == []


class FakeStages:
    """Stand-ins for the runner's _warm, _execute, _merge and _write_reports that record what
    the scheduler started: scheduling is tested without a kernel. A stage's run may wait until
    another event has happened (``after``), which makes the order deterministic."""

    def __init__(self, monkeypatch, after: dict[str, str], fail: str | None = None):
        self.events: list[str] = []
        self.changed = threading.Condition()
        self.after, self.fail = after, fail
        monkeypatch.setattr(pipeline, "_warm", self.warm)
        monkeypatch.setattr(pipeline, "_execute", self.execute)
        monkeypatch.setattr(pipeline, "_merge", lambda staged, release, s: [f"{s}.csv"])
        monkeypatch.setattr(pipeline, "_write_reports", lambda nb, s, *a: [f"reports/{s}.html"])
        monkeypatch.setattr(pipeline, "_discard", lambda warming: self.log(f"discard {warming.result()}"))
        monkeypatch.setattr(pipeline, "_write_record", lambda *a: None)

    def log(self, event: str) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def warm(self, stage, root, staged_release):
        self.log(f"warm {stage}")
        return stage

    def execute(self, stage, root, staged_release, data_dir, params_file, warming=None):
        self.log(f"run {stage} in a " + (f"warm kernel ({warming.result()})" if warming else "cold kernel"))
        if stage in self.after:
            with self.changed:
                assert self.changed.wait_for(lambda: self.after[stage] in self.events, timeout=30), (
                    self.events
                )
        if stage == self.fail:
            raise RuntimeError(f"{stage} failed")
        return Path(stage), None


def test_a_free_core_warms_the_kernel_of_a_stage_waiting_for_a_running_one(monkeypatch, tmp_path):
    # 02 runs until 03's kernel is warming, 03 until 05's is: with 2 cores, a core is free for
    # warming only while the stage on the longest chain (02 -> 03 -> 05) is running.
    fake = FakeStages(
        monkeypatch,
        after={"02_survey_cleaning": "warm 03_attitude_analysis", "03_attitude_analysis": "warm 05_findings"},
    )
    order = pipeline.stages()
    said: list[str] = []
    pipeline._run_stages(order, order, tmp_path, tmp_path, "data", "params.yaml", 2, said.append)
    # The longest chain starts first, and its next stage is warmed before a stage off the chain runs.
    assert set(fake.events[:2]) == {"run 02_survey_cleaning in a cold kernel", "warm 03_attitude_analysis"}
    assert sorted(fake.events) == [
        "run 01_literature_review in a cold kernel",
        "run 02_survey_cleaning in a cold kernel",
        "run 03_attitude_analysis in a warm kernel (03_attitude_analysis)",
        "run 04_focus_group_themes in a cold kernel",
        "run 05_findings in a warm kernel (05_findings)",
        "warm 03_attitude_analysis",
        "warm 05_findings",
    ]
    assert fake.events.index("warm 05_findings") > fake.events.index(
        "run 04_focus_group_themes in a cold kernel"
    )
    assert [line.split(":")[0] for line in said][-1] == "05_findings"


def test_one_core_warms_nothing(monkeypatch, tmp_path):
    fake = FakeStages(monkeypatch, after={})
    order = pipeline.stages()
    pipeline._run_stages(order, order, tmp_path, tmp_path, "data", "params.yaml", 1, lambda line: None)
    assert [e for e in fake.events if not e.endswith("in a cold kernel")] == []


def test_a_failure_upstream_stops_the_warm_kernels_of_the_stages_that_never_run(monkeypatch, tmp_path):
    fake = FakeStages(
        monkeypatch, after={"02_survey_cleaning": "warm 03_attitude_analysis"}, fail="02_survey_cleaning"
    )
    order = pipeline.stages()
    with pytest.raises(pipeline.StageFailed, match="02_survey_cleaning failed"):
        pipeline._run_stages(order, order, tmp_path, tmp_path, "data", "params.yaml", 2, lambda line: None)
    assert fake.events.count("discard 03_attitude_analysis") == 1
    assert [e for e in fake.events if e.startswith(("run 03", "run 05"))] == []


@pytest.mark.slow
def test_a_warm_kernel_runs_a_notebook_as_a_fresh_one_and_is_killed_after(tmp_path):
    psutil = pytest.importorskip("psutil")
    notebook = write_notebook(
        tmp_path / "n.ipynb",
        [
            ("code", "import colorsys\nimport sys"),
            (
                "code",
                "print(sorted(k for k in globals() if not k.startswith('_') and k not in ('In', 'Out')))",
            ),
            ("code", "print('colorsys' in sys.modules, sys.argv[0].endswith('ipykernel_launcher.py'))"),
        ],
    )
    env = dict(os.environ)
    outputs = {}
    for kind in ("cold", "warm"):
        km = kernels.warm(notebook, env, str(tmp_path)) if kind == "warm" else None
        pid = km.provisioner.process.pid if km else None
        with open(tmp_path / f"{kind}.log", "w") as stderr:
            nb = kernels.execute(
                notebook, tmp_path / f"{kind}.ipynb", {}, env=env, cwd=str(tmp_path), stderr=stderr, km=km
            )
        outputs[kind] = (
            ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells if c.cell_type == "code"],
            [c.execution_count for c in nb.cells if c.cell_type == "code"],
        )
        if pid is not None:
            assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert outputs["warm"] == outputs["cold"]
    assert outputs["warm"][0][1] == "['colorsys', 'exit', 'get_ipython', 'open', 'quit', 'sys']\n"
    assert outputs["warm"][1] == [1, 2, 3]
    # A warm kernel that is never used is killed.
    km = kernels.warm(notebook, env, str(tmp_path))
    pid = km.provisioner.process.pid
    kernels.kill(km)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
