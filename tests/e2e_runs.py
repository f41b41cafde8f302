"""The whole pipeline run end to end into temporary workspaces, shared by the e2e tests.

tests/test_determinism.py and tests/test_privacy_audit.py both need every stage run on a copy
of data/raw/demo; running it costs ~7 s a stage, so the runs are made once per test session and
shared (this module is loaded once, by :func:`shared`, and caches them).
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sys
import time
from pathlib import Path

import pytest

from helpers import paths, pipeline

_NAME = "helpers_tests_e2e_runs"


def shared():
    """This module, loaded once per session whatever the pytest import mode."""
    if _NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(_NAME, Path(__file__))
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


def notebooks() -> list[Path]:
    """Every stage, in make's order (03 is included as soon as it exists)."""
    return sorted((paths.project_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def checksums(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


_STATE: dict = {}


def data_copy(factory) -> Path:
    """One copy of data/raw/demo for every run (the same path, as two `make all` runs would have)."""
    if "data" not in _STATE:
        target = factory.mktemp("e2e") / "demo"
        shutil.copytree(paths.project_root() / "data" / "raw" / "demo", target)
        _STATE["data"] = target
        _STATE["before"] = checksums(target)
    return _STATE["data"]


def run_all(index: int, factory) -> Path:
    """Workspace of run ``index`` (0, 1, ...): every stage run with helpers.pipeline.run_stage."""
    runs = _STATE.setdefault("runs", {})
    if index not in runs:
        data = data_copy(factory)
        workspace = factory.mktemp(f"workspace{index}")
        started = time.perf_counter()
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("HELPERS_WORKSPACE", str(workspace))
            mp.delenv("HELPERS_STAGING", raising=False)
            for notebook in notebooks():
                pipeline.run_stage(notebook, str(data))
        _STATE.setdefault("seconds", {})[index] = time.perf_counter() - started
        runs[index] = workspace
    return runs[index]


def data_before() -> dict:
    return _STATE["before"]
