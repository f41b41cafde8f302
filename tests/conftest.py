"""Fixtures shared across the test folders."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from helpers import imports, paths, pipeline

# jsonschema (imported by nbformat, which many test files import) imports its IRI checker,
# rfc3987_syntax, whose grammars cost about 1.2 s of CPU in every process that collects the
# tests: each pytest-xdist worker collects them all. Nothing here validates an IRI (helpers.imports)
with imports.without_iri_checker():
    import jsonschema  # noqa: F401


def checksums(folder: Path) -> dict[str, tuple[str, int]]:
    """SHA-256 and modification time of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class PipelineRuns:
    """Every stage run end to end (helpers.pipeline.run_release, as `make all`: one process,
    independent stages side by side, deck and index, one publish) on one copy of
    data/raw/demo, into temporary workspaces. A run costs several seconds a stage, so runs are
    made once per session and shared by the determinism and privacy-audit tests."""

    def __init__(self, factory: pytest.TempPathFactory):
        self._factory = factory
        self.data = factory.mktemp("e2e") / "demo"
        shutil.copytree(paths.project_root() / "data" / "raw" / "demo", self.data)
        self.data_before = checksums(self.data)
        self._workspaces: dict[int, Path] = {}

    @staticmethod
    def notebooks() -> list[Path]:
        return sorted((paths.project_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))

    def workspace(self, index: int) -> Path:
        """Workspace of run ``index`` (0, 1, ...), running every stage the first time it is asked for."""
        if index not in self._workspaces:
            workspace = self._factory.mktemp(f"workspace{index}")
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("HELPERS_WORKSPACE", str(workspace))
                mp.delenv("HELPERS_STAGING", raising=False)
                pipeline.run_release(None, str(self.data), force=True, what="tests")
            self._workspaces[index] = workspace
        return self._workspaces[index]


@pytest.fixture(scope="session")
def pipeline_runs(tmp_path_factory) -> PipelineRuns:
    return PipelineRuns(tmp_path_factory)


# The test files that read the shared end-to-end run. `make test` distributes test files over
# pytest-xdist workers (--dist loadfile), and a session fixture lives once per worker: two of
# these files on two workers would run the whole pipeline twice. The scheduler below sends them
# to one worker as one unit of work, first, so the run (the longest single piece of the fast
# tier) overlaps the unit tests on the other worker. tests/test_conftest.py checks this list
# against the files that ask for the fixture.
SHARED_RUN_FILES = frozenset(
    {
        "tests/test_audit_printed.py",
        "tests/test_browser.py",
        "tests/test_determinism.py",
        "tests/test_pipeline.py",
        "tests/test_privacy_audit.py",
        "tests/test_published_notebooks.py",
    }
)
SHARED_RUN_SCOPE = "shared end-to-end run"
# The generated instruments in-process (issue 11), one test per seed: the longest piece of the
# fast tier besides the shared run. One file is one unit of work under --dist loadfile, so one
# worker would run them all; their seeds are handed out instead in chunks of CHUNK_SEEDS, one
# unit of work each, right after the shared run: the other worker starts on them at once and the
# first to finish the shared run joins in; the short files fill in the end.
CHUNKED = ("tests/survey/test_generated_instruments.py::test_generated_instrument_in_process",)
CHUNK_SEEDS = 20


def _scope_of(nodeid: str) -> str:
    """The unit of work of a test: the shared run, a chunk of generated seeds, or its file."""
    path = nodeid.split("::", 1)[0]
    if path in SHARED_RUN_FILES:
        return SHARED_RUN_SCOPE
    test, _, param = nodeid.partition("[")
    if test in CHUNKED and param[: param.find("-")].isdigit():
        return f"{test}[chunk {int(param[: param.find('-')]) // CHUNK_SEEDS}]"
    return path


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedRunFirst(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _scope_of(nodeid)

        def _assign_work_unit(self, node) -> None:
            # the shared run first, then the chunks of generated seeds in their order
            chunks = sorted((s for s in self.workqueue if s.startswith(CHUNKED)), key=_chunk_number)
            for scope in (*reversed(chunks), SHARED_RUN_SCOPE):
                if scope in self.workqueue:
                    self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return SharedRunFirst(config, log)


def _chunk_number(scope: str) -> tuple[str, int]:
    test, _, chunk = scope.partition("[chunk ")
    return test, int(chunk.rstrip("]"))


# The fast tier (`make test` sets TEST_TIER=fast) runs each property test on at most this many
# generated examples; `make test-all` runs the counts written in the tests (docs/testing.md).
FAST_EXAMPLES = 25


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TEST_TIER") != "fast":
        return
    import hypothesis

    for item in items:
        test = getattr(item, "obj", None)
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is not None and current.max_examples > FAST_EXAMPLES:
            test._hypothesis_internal_use_settings = hypothesis.settings(current, max_examples=FAST_EXAMPLES)
