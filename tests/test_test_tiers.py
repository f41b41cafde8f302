"""The fast tier's scheduling: the shared end-to-end run is made once, on one worker, first.

`make test` runs pytest-xdist with --dist loadfile; tests/conftest.py sends every file that reads
the shared run (the `pipeline_runs` fixture) to one worker as one unit of work (docs/testing.md).
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import SimpleNamespace

TESTS = Path(__file__).resolve().parent


def _conftest():
    spec = importlib.util.spec_from_file_location("tests_conftest_under_test", TESTS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _files_asking_for_the_shared_run() -> set[str]:
    """Test files with a function that takes `pipeline_runs` as an argument (tests or fixtures)."""
    found = set()
    for path in sorted(TESTS.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(a.arg == "pipeline_runs" for a in node.args.args):
                found.add(path.relative_to(TESTS.parent).as_posix())
                break
    return found


def test_every_file_that_reads_the_shared_run_is_listed():
    assert _conftest().SHARED_RUN_FILES == _files_asking_for_the_shared_run()


class _Config:
    def __init__(self, dist: str):
        self.values = {"tx": ["2*popen"], "dist": dist}
        self.option = SimpleNamespace(loadscopereorder=True, maxschedchunk=None)

    def getvalue(self, name):
        return self.values[name]


class _Worker:
    def __init__(self, name: str):
        self.name = name
        self.sent: list[list[int]] = []
        self.gateway = SimpleNamespace(id=name)
        self.shutting_down = False

    def send_runtest_some(self, indexes):
        self.sent.append(list(indexes))

    def shutdown(self):
        pass


def _schedule(conftest, collection: list[str]):
    """The project's scheduler on two fake workers that collected ``collection``, after its
    first round of hand-outs."""
    scheduler = conftest.pytest_xdist_make_scheduler(_Config("loadfile"), None)
    workers = [_Worker("gw0"), _Worker("gw1")]
    for worker in workers:
        scheduler.add_node(worker)
        scheduler.add_node_collection(worker, collection)
    scheduler.schedule()
    return scheduler, workers


def test_the_shared_run_files_go_to_one_worker_first_and_other_files_stay_whole():
    conftest = _conftest()
    collection = [
        "tests/literature/test_dedup.py::test_a",
        "tests/literature/test_dedup.py::test_b",
        "tests/literature/test_dedup.py::test_c",
        "tests/test_audit_printed.py::test_d",
        "tests/test_numbers.py::test_e",
        "tests/test_numbers.py::test_f",
        "tests/test_privacy_audit.py::test_g",
        "tests/test_published_notebooks.py::test_h",
    ]
    scheduler, workers = _schedule(conftest, collection)

    first_unit = [collection[i] for i in workers[0].sent[0]]
    assert first_unit == [
        "tests/test_audit_printed.py::test_d",
        "tests/test_privacy_audit.py::test_g",
        "tests/test_published_notebooks.py::test_h",
    ]
    # Every other file is one unit of work, sent whole or still waiting whole.
    assert [[collection[i] for i in sent] for sent in workers[1].sent] == [collection[:3]]
    assert {scope: list(unit) for scope, unit in scheduler.workqueue.items()} == {
        "tests/test_numbers.py": collection[4:6]
    }


def test_the_generated_instruments_file_starts_at_once_on_the_other_worker():
    """The generated instruments in-process (the longest file besides the shared run) are
    handed out second, so they do not start last on a worker that has finished everything else."""
    conftest = _conftest()
    collection = [  # xdist hands out files with more tests first: here the others have more
        *[f"tests/literature/test_dedup.py::test_{x}" for x in "awxy"],
        "tests/survey/test_generated_instruments.py::test_b",
        "tests/survey/test_generated_instruments.py::test_c",
        "tests/test_audit_printed.py::test_d",
        *[f"tests/test_numbers.py::test_{x}" for x in "efg"],
    ]
    scheduler, workers = _schedule(conftest, collection)
    assert [collection[i] for i in workers[0].sent[0]] == ["tests/test_audit_printed.py::test_d"]
    assert [collection[i] for i in workers[1].sent[0]] == collection[4:6]


def test_other_distribution_modes_keep_xdists_own_scheduler():
    assert _conftest().pytest_xdist_make_scheduler(_Config("load"), None) is None
