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


def test_the_generated_seeds_go_out_in_chunks_right_after_the_shared_run():
    """The generated instruments in-process (one test per seed, the longest piece besides the
    shared run) are handed out in chunks of CHUNK_SEEDS seeds, in seed order, right after the
    shared run: the other worker starts on them at once, both workers share them, and the rest
    of their file stays one unit of work."""
    conftest = _conftest()
    assert conftest.CHUNK_SEEDS == 20
    gen = "tests/survey/test_generated_instruments.py"
    seeds = [
        f"{gen}::test_generated_instrument_in_process[{s}-{'csv' if s % 2 else 'jisc'}]" for s in range(45)
    ]
    collection = [  # xdist hands out files with more tests first: the seeds' file has the most
        *[f"tests/literature/test_dedup.py::test_{x}" for x in "awxy"],
        *seeds,
        f"{gen}::test_generator_is_seeded",
        *[f"tests/test_audit_printed.py::test_{x}" for x in "bcd"],
        *[f"tests/test_numbers.py::test_{x}" for x in "efg"],
    ]
    scheduler, workers = _schedule(conftest, collection)
    assert [collection[i] for i in workers[0].sent[0]] == [
        f"tests/test_audit_printed.py::test_{x}" for x in "bcd"
    ]
    assert len(workers[0].sent) == len(workers[1].sent) == 1  # more than 2 tests each: no second unit yet
    assert [collection[i] for i in workers[1].sent[0]] == seeds[:20]
    assert list(scheduler.workqueue) == [
        f"{gen}::test_generated_instrument_in_process[chunk 1]",
        f"{gen}::test_generated_instrument_in_process[chunk 2]",
        "tests/literature/test_dedup.py",
        "tests/test_numbers.py",
        gen,
    ]
    assert list(scheduler.workqueue.values())[1] == dict.fromkeys(seeds[40:], False)
    assert list(scheduler.workqueue.values())[4] == {f"{gen}::test_generator_is_seeded": False}


def test_other_parametrized_tests_stay_in_their_file():
    scope = _conftest()._scope_of
    assert scope("tests/test_numbers.py::test_e[3-csv]") == "tests/test_numbers.py"
    assert scope(
        "tests/survey/test_generated_instruments.py::test_each_layout_is_read_as_its_platform[csv]"
    ) == ("tests/survey/test_generated_instruments.py")
    assert scope(
        "tests/survey/test_generated_instruments.py::test_generated_instrument_in_process[57-csv]"
    ) == ("tests/survey/test_generated_instruments.py::test_generated_instrument_in_process[chunk 2]")


def test_other_distribution_modes_keep_xdists_own_scheduler():
    assert _conftest().pytest_xdist_make_scheduler(_Config("load"), None) is None
