"""Determinism: two runs of every stage on the same inputs give byte-identical outputs.

Every notebook is run with helpers.pipeline.run_stage (as `make all` does) into two temporary
workspaces, on one copy of data/raw/demo; every CSV and XLSX table, PNG and SVG figure and
parquet dataset must be byte-identical between the two runs (SVG hash salt, dates in figures,
PNG metadata, workbook timestamps and zip entry dates all fixed). Stage 02 alone is also
checked in tests/test_pipeline.py; this covers every stage and the workbooks.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]  # two full runs: the slow tier
COMPARED = (".csv", ".xlsx", ".png", ".svg", ".parquet")


def outputs(workspace: Path) -> dict[str, bytes]:
    return {
        p.relative_to(workspace).as_posix(): p.read_bytes()
        for sub in ("data/processed", "reports")
        for p in sorted((workspace / sub).rglob("*"))
        if p.is_file() and p.suffix in COMPARED
    }


@pytest.fixture(scope="module")
def two_runs(pipeline_runs):
    return outputs(pipeline_runs.workspace(0)), outputs(pipeline_runs.workspace(1))


def test_every_stage_published_its_tables_and_figures(two_runs):
    first, _ = two_runs
    kinds = {Path(name).suffix for name in first}
    assert kinds == set(COMPARED), f"missing kinds of output: {set(COMPARED) - kinds}"
    for stage_output in (
        "reports/figures/prisma_flow.svg",
        "reports/figures/survey_flow.png",
        "data/processed/survey_clean.parquet",
        "reports/tables/focus_groups.xlsx",
        "reports/figures/code_cooccurrence.svg",
    ):
        assert stage_output in first


def test_two_runs_give_byte_identical_outputs(two_runs):
    first, second = two_runs
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"outputs differ between two runs on the same inputs: {differ}"


def test_workbooks_have_fixed_timestamps(two_runs):
    first, _ = two_runs
    books = {name: data for name, data in first.items() if name.endswith(".xlsx")}
    assert books
    for name, data in books.items():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {info.date_time for info in archive.infolist()} <= {
                (2000, 1, 1, 0, 0, 0),
                (2015, 1, 1, 0, 0, 0),
            }, name


def test_svg_figures_carry_no_date(two_runs):
    first, _ = two_runs
    for name, data in first.items():
        if name.endswith(".svg"):
            assert b"<dc:date>" not in data, f"{name} records the date it was drawn"
