"""End to end: the stage runner on the demo survey, failure atomicity, determinism."""

import hashlib
import shutil

import pandas as pd
import pytest

from helpers import paths, pipeline

pytestmark = pytest.mark.e2e
NOTEBOOK = "notebooks/02_survey_cleaning.ipynb"


def snapshot(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for sub in ("data/processed", "reports")
        for p in sorted((root / sub).rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    ws.mkdir()
    monkeypatch.setenv("HELPERS_WORKSPACE", str(ws))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    return ws


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(paths.project_root() / "data" / "raw" / "demo" / "survey", target / "survey")
    (target / "SYNTHETIC.md").write_text("synthetic copy for a test\n")
    return target


def test_stage_publishes_outputs_and_accounts_for_every_row(workspace, data_copy):
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    clean = pd.read_parquet(workspace / "data/processed/survey_clean.parquet")
    exclusions = pd.read_csv(workspace / "data/processed/survey_exclusions.csv")
    flow = pd.read_csv(workspace / "reports/tables/survey_flow.csv")
    raw = pd.read_csv(data_copy / "survey/survey_export.csv", skiprows=[1, 2], dtype=str)
    assert len(clean) + len(exclusions) == len(raw) == flow["remaining"].iloc[0]
    assert (flow["remaining"].shift(1) - flow["excluded"]).iloc[1:].tolist() == flow["remaining"].iloc[
        1:
    ].tolist()
    assert flow["remaining"].iloc[-1] == len(clean)
    assert isinstance(clean["att_teamwork"].dtype, pd.CategoricalDtype) and clean["att_teamwork"].cat.ordered
    assert (workspace / "reports/02_survey_cleaning.html").is_file()
    assert (workspace / "reports/figures/survey_flow.svg").is_file()
    assert not (workspace / "build/staging/02_survey_cleaning").exists()


def test_no_identifier_reaches_the_outputs(workspace, data_copy):
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    raw = pd.read_csv(
        data_copy / "survey/survey_export.csv", skiprows=[1, 2], dtype=str, keep_default_na=False
    )
    identifiers = (
        set(raw["ResponseId"]) | set(raw["RecipientEmail"].str.strip().str.lower()) | set(raw["IPAddress"])
    )
    for path in [*(workspace / "data/processed").rglob("*"), *(workspace / "reports").rglob("*")]:
        if path.is_file() and path.suffix in {".csv", ".html", ".json", ".svg"}:
            text = path.read_text(encoding="utf-8").lower()
            leaked = [i for i in identifiers if i and i.lower() in text]
            assert not leaked, f"{path.name} contains identifiers such as {leaked[:3]}"
    clean = pd.read_parquet(workspace / "data/processed/survey_clean.parquet")
    assert not set(clean.columns) & {"ResponseId", "RecipientEmail", "IPAddress", "LocationLatitude", "Q10"}


def test_same_inputs_give_byte_identical_tables_and_figures(workspace, data_copy):
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    first = {k: v for k, v in snapshot(workspace).items() if k.endswith((".csv", ".png", ".svg", ".parquet"))}
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    second = {
        k: v for k, v in snapshot(workspace).items() if k.endswith((".csv", ".png", ".svg", ".parquet"))
    }
    assert first == second and len(first) >= 8


def test_failed_stage_leaves_previous_outputs_intact(workspace, data_copy):
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    before = snapshot(workspace)
    export = data_copy / "survey/survey_export.csv"
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    # Row 10 of the file: an answer code the codebook does not declare.
    cells = lines[9].split(",")
    column = lines[0].rstrip("\n").split(",").index("Q9_3")
    cells[column] = "6"
    lines[9] = ",".join(cells)
    export.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(Exception) as err:
        pipeline.run_stage(NOTEBOOK, str(data_copy))
    assert "survey_export.csv, row 10, column 'Q9_3': value not in the codebook" in str(err.value)
    # The one clear message first; papermill's traceback goes to the log it names (issue 12.9).
    message = pipeline._explain(err.value).splitlines()
    assert message[0].startswith("FAILED: 02_survey_cleaning: InputError: ")
    assert "row 10, column 'Q9_3'" in message[0] and len(message) == 4
    assert message[2] == "Full traceback: build/logs/02_survey_cleaning.log"
    assert "Traceback" in (workspace / "build/logs/02_survey_cleaning.log").read_text()
    assert snapshot(workspace) == before
    assert (workspace / "build/staging/02_survey_cleaning").exists()  # kept for inspection


def test_nothing_under_the_data_folder_changes(workspace, data_copy):
    def checksums():
        return {
            p.relative_to(data_copy).as_posix(): (
                hashlib.sha256(p.read_bytes()).hexdigest(),
                p.stat().st_mtime_ns,
            )
            for p in sorted(data_copy.rglob("*"))
            if p.is_file()
        }

    before = checksums()
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    assert checksums() == before
