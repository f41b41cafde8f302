"""End to end: the stage runner on the demo survey, failure atomicity, determinism."""

import hashlib
import json
import re
import shutil

import pandas as pd
import pytest
import re2

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


def copy_demo_survey(target):
    shutil.copytree(paths.project_root() / "data" / "raw" / "demo" / "survey", target / "survey")
    (target / "SYNTHETIC.md").write_text("synthetic copy for a test\n")
    return target


def _any_of(values):
    """A pattern that finds any of ``values`` (text or bytes) where it occurs: one linear-time
    automaton (re2) over all of them, not a substring search per value per file (about 1,500
    identifiers over every output took 2.4 s). One pattern per kind of identifier: all of them
    in one is beyond re2's default memory for its automaton, which then falls back to slow
    matching."""
    values = sorted(set(values), key=len, reverse=True)
    return re2.compile((b"|" if isinstance(values[0], bytes) else "|").join(re.escape(v) for v in values))


@pytest.fixture(scope="module")
def one_run(pipeline_runs):
    """The session's shared end-to-end run (tests/conftest.py), for the tests that only read
    stage 02's outputs: (workspace, data folder, its checksums before the run)."""
    return pipeline_runs.workspace(0), pipeline_runs.data, pipeline_runs.data_before


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    ws.mkdir()
    monkeypatch.setenv("HELPERS_WORKSPACE", str(ws))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    return ws


@pytest.fixture
def data_copy(tmp_path):
    return copy_demo_survey(tmp_path / "data")


def test_stage_publishes_outputs_and_accounts_for_every_row(one_run):
    workspace, data_copy, _ = one_run
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


def test_no_identifier_reaches_the_outputs(one_run):
    workspace, data_copy, _ = one_run
    raw = pd.read_csv(
        data_copy / "survey/survey_export.csv", skiprows=[1, 2], dtype=str, keep_default_na=False
    )
    kinds = [raw["ResponseId"], raw["RecipientEmail"].str.strip().str.lower(), raw["IPAddress"]]
    patterns = [_any_of(i.lower() for i in identifiers if i) for identifiers in kinds]
    for path in [*(workspace / "data/processed").rglob("*"), *(workspace / "reports").rglob("*")]:
        if path.is_file() and path.suffix in {".csv", ".html", ".json", ".svg"}:
            text = path.read_text(encoding="utf-8").lower()
            leaked = sorted({i for pattern in patterns for i in pattern.findall(text)})
            assert not leaked, f"{path.name} contains identifiers such as {leaked[:3]}"
    clean = pd.read_parquet(workspace / "data/processed/survey_clean.parquet")
    assert not set(clean.columns) & {"ResponseId", "RecipientEmail", "IPAddress", "LocationLatitude", "Q10"}


def test_organisation_identifier_is_kept_apart_for_the_design_only(one_run):
    # decisions 9 / issue 14: the demo's OrgCode (codebook design.organisation) reaches only
    # data/processed/survey_design.parquet; the clean data, .sav/.dta, the data package, the
    # data dictionary and every report are built without it
    workspace, data_copy, _ = one_run
    raw = pd.read_csv(
        data_copy / "survey/survey_export.csv", skiprows=[1, 2], dtype=str, keep_default_na=False
    )
    codes = {c for c in raw["OrgCode"] if c}
    assert len(codes) > 100
    any_code = _any_of(c.lower().encode() for c in codes)
    design = pd.read_parquet(workspace / "data/processed/survey_design.parquet")
    clean = pd.read_parquet(workspace / "data/processed/survey_clean.parquet")
    assert list(design.columns) == ["respondent", "organisation"]
    assert (
        design["respondent"].tolist() == clean["respondent"].tolist() and design["organisation"].notna().all()
    )
    assert not {"OrgCode", "organisation", "organisation_id"} & set(clean.columns)
    for path in [*(workspace / "data/processed").rglob("*"), *(workspace / "reports").rglob("*")]:
        if not path.is_file() or path.name == "survey_design.parquet" or path.suffix == ".parquet":
            continue
        data = path.read_bytes().lower()
        leaked = sorted(set(any_code.findall(data)))
        assert not leaked and b"orgcode" not in data, (
            f"{path.name} carries organisation identifiers {leaked[:3]}"
        )


@pytest.mark.slow
def test_same_inputs_give_byte_identical_tables_and_figures(workspace, data_copy):
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    first = {k: v for k, v in snapshot(workspace).items() if k.endswith((".csv", ".png", ".svg", ".parquet"))}
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    second = {
        k: v for k, v in snapshot(workspace).items() if k.endswith((".csv", ".png", ".svg", ".parquet"))
    }
    assert first == second and len(first) >= 8


def test_failed_stage_leaves_previous_outputs_intact(one_run, workspace, data_copy):
    shutil.copytree(one_run[0], workspace, dirs_exist_ok=True)  # the shared run's outputs
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


@pytest.mark.slow
def test_attitude_stage_uses_organisations_as_psus_and_publishes_none(workspace, data_copy):
    # decisions 9 / issue 14: stage 03 joins the organisation identifier for the design (PSUs of
    # the intervals and the Rao-Scott tests) and no published file carries an organisation code
    pipeline.run_stage(NOTEBOOK, str(data_copy))
    pipeline.run_stage("notebooks/03_attitude_analysis.ipynb", str(data_copy))
    raw = pd.read_csv(
        data_copy / "survey/survey_export.csv", skiprows=[1, 2], dtype=str, keep_default_na=False
    )
    codes = {c.lower().encode() for c in raw["OrgCode"] if c}
    html = (workspace / "reports/03_attitude_analysis.html").read_text(encoding="utf-8")
    assert "organisations as primary sampling units" in html
    tests = pd.read_csv(workspace / "reports/tables/attitudes_weighted_role_tests.csv")
    published = ~tests["grouping"].str.startswith("withheld")  # none where a role cell is suppressed
    assert published.sum() >= 10 and tests.loc[published, "ddf"].notna().all() and (tests["n"] > 400).all()
    assert tests.loc[~published, "ddf"].isna().all()
    sensitivity = pd.read_csv(workspace / "reports/tables/attitudes_sensitivity.csv")
    # issue 13: the weighted rule's "roles differ" is the published weighted test's conclusion
    said = sensitivity[sensitivity["rule"] == "weighted"].set_index("name")["roles_differ"]
    expected = tests.set_index("item")["p_adjusted"].map(
        lambda p: "not assessed" if pd.isna(p) else "yes" if p < 0.05 else "no"
    )
    assert said.reindex(expected.index).tolist() == expected.tolist() and "not assessed" in set(said)
    for path in (workspace / "reports").rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            leaked = [c for c in codes if c in data]
            assert not leaked and b"orgcode" not in data, (
                f"{path.name} carries organisation codes {leaked[:3]}"
            )


def test_every_published_file_is_in_exactly_one_stage_record(one_run):
    # Reports are rendered while later stages run (helpers.pipeline._write_reports) and added to
    # their stage's record afterwards: a file missing from every record would never be withdrawn
    # by a later release, and one in two records would be withdrawn by the wrong stage.
    workspace, _, _ = one_run
    from helpers import release

    owners: dict[str, list[str]] = {}
    for record in sorted((workspace / release.RECORDS).glob("*.txt")):
        for rel in release.read_record(workspace, record.stem):
            owners.setdefault(rel, []).append(record.stem)
    published = {
        p.relative_to(workspace).as_posix()
        for sub in ("data/processed", "reports", "build/executed")
        for p in (workspace / sub).rglob("*")
        if p.is_file()
    }
    assert sorted(rel for rel in published if len(owners.get(rel, [])) != 1) == []
    for stage in pipeline.stages():
        assert {f"reports/{stage}.html", f"reports/notebooks/{stage}.ipynb"} <= {
            rel for rel, names in owners.items() if stage in names
        }, stage


def test_every_table_of_the_workbook_is_listed_by_its_title(one_run):
    """all_tables.xlsx's contents listed the demo's tables by CSV name: each is now listed by its
    title (helpers.findings.all_tables.title_of), none by its name in words, beside its sheet."""
    from openpyxl import load_workbook

    from helpers import tables

    workspace = one_run[0]
    book = load_workbook(workspace / "reports/tables/all_tables.xlsx", read_only=True)
    rows = list(book["Contents"].iter_rows(values_only=True))
    book.close()
    assert rows[0][:3] == ("table", "sheet", "rows")
    listed = {sheet: title for title, sheet, *_ in rows[1:]}
    assert len(listed) == len(list((workspace / "reports/tables").glob("*.csv")))
    assert [s for s, t in listed.items() if t in (tables.heading(s), s)] == []
    assert listed["attitudes_scale_reliability"] == "Scale reliability"
    assert listed["survey_respondents_by_role"] == "Respondents by role group"


def test_warm_kernels_left_no_trace_in_the_executed_notebooks(one_run):
    # In `make all`, stages 03 and 05 run in warm kernels (they wait for others): the warm-up
    # leaves no trace, and the execution counts run 1, 2, 3, ... as in a fresh kernel.
    workspace, _, _ = one_run
    for stage in ("03_attitude_analysis", "05_findings"):
        nb = json.loads((workspace / "build" / "executed" / f"{stage}.ipynb").read_text(encoding="utf-8"))
        counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), stage
