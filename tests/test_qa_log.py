"""Assumptions-and-caveats log and data log filled from the strands' outputs."""

import hashlib
import json

import pandas as pd
import pytest

from helpers import qa_log


def flow():
    return pd.DataFrame(
        {
            "step": [
                "Responses in the export",
                "Did not consent",
                "Duplicate respondent",
                "Speeders flagged",
            ],
            "excluded": [0, 6, 40, 0],
            "remaining": [521, 515, 475, 475],
        }
    )


def test_exclusion_entries_agree_with_exclusion_log():
    excl = pd.DataFrame(
        {"source_row": range(46), "step": ["Did not consent"] * 6 + ["Duplicate respondent"] * 40}
    )
    out = qa_log.exclusion_entries(flow(), excl)
    assert [(e["description"], e["evidence"], e["impact"]) for e in out] == [
        ("Responses excluded at cleaning step: Did not consent.", "6 of 521 exported rows", "low"),
        ("Responses excluded at cleaning step: Duplicate respondent.", "40 of 521 exported rows", "medium"),
    ]  # 7.7% >= 5%


def test_exclusion_log_disagreeing_with_flow_is_an_error():
    excl = pd.DataFrame({"step": ["Did not consent"] * 5 + ["Duplicate respondent"] * 40})
    with pytest.raises(
        ValueError,
        match=r"survey_flow\.csv: step 'Did not consent' excluded 6 responses but the exclusion log lists 5",
    ):
        qa_log.exclusion_entries(flow(), excl)
    excl = pd.DataFrame({"step": ["Did not consent"] * 6 + ["Duplicate respondent"] * 40 + ["Mystery"]})
    with pytest.raises(
        ValueError, match=r"exclusion log has steps not in reports/tables/survey_flow\.csv: Mystery"
    ):
        qa_log.exclusion_entries(flow(), excl)


def test_suppression_entries_count_marker_cells_only():
    tables = {
        "survey_x": pd.DataFrame({"n": ["*", "12", " * "], "pct": ["*", "40.0", ""]}),
        "themes_by_role": pd.DataFrame({"n": ["3"]}),
        "empty": pd.DataFrame({"n": []}),
    }
    out = qa_log.suppression_entries(tables, "*", {"rule": "threshold", "min_count": 5})
    assert [(e["strand"], e["evidence"], e["source"]) for e in out] == [
        ("survey", "3 cells show '*'", "reports/tables/survey_x.csv")
    ]


def test_weighting_and_synthetic(tmp_path):
    (tmp_path / "SYNTHETIC.md").write_text("x", encoding="utf-8")
    assert qa_log.synthetic_entries(tmp_path)[0]["kind"] == "caveat"
    assert qa_log.weighting_entries(tmp_path, attitudes_ran=False) == []
    unweighted = qa_log.weighting_entries(tmp_path, attitudes_ran=True)
    assert (
        unweighted[0]["description"].startswith("Estimates are UNWEIGHTED")
        and unweighted[0]["impact"] == "high"
    )
    (tmp_path / "survey").mkdir()
    (tmp_path / "survey" / "population_margins.csv").write_text("role,n\n", encoding="utf-8")
    weighted = qa_log.weighting_entries(tmp_path, attitudes_ran=True)
    assert (
        weighted[0]["kind"] == "assumption"
        and weighted[0]["evidence"] == "margins file survey/population_margins.csv"
    )
    # issue 14: a sampling frame supersedes the margins file
    (tmp_path / "survey" / "sampling_frame.csv").write_text("role,invited\n", encoding="utf-8")
    framed = qa_log.weighting_entries(tmp_path, attitudes_ran=True)
    assert framed[0]["evidence"] == "sampling frame survey/sampling_frame.csv"
    assert "frame supersedes" in framed[0]["description"]
    (tmp_path / "SYNTHETIC.md").unlink()
    assert qa_log.synthetic_entries(tmp_path) == []


def test_attitude_entries():
    tables = {
        "attitudes_suppression_summary": pd.DataFrame(
            {"item": ["a", "b"], "primary": ["2", "5"], "secondary": ["1", "0"]}
        ),
        "attitudes_then_vs_now": pd.DataFrame({"approximate": ["True", "False", "True"]}),
    }
    out = qa_log.attitude_entries(tables)
    assert [e["evidence"] for e in out] == [
        "7 primary and 1 secondary cells over 2 items",
        "2 of 3 comparisons",
    ]


def test_assumptions_log_numbers_entries():
    log = qa_log.assumptions_log(
        [
            qa_log._entry("caveat", "all", "d1", "e1", "high", "s1"),
            qa_log._entry("assumption", "survey", "d2", "e2", "low", "s2"),
        ]
    )
    assert list(log.columns) == qa_log.ASSUMPTION_COLUMNS
    assert list(log["id"]) == ["A01", "A02"] and list(log["description"]) == ["d1", "d2"]


def test_data_log_merges_stages_and_flags_changed_inputs(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    (processed / "x.csv").write_text("a\n1\n2\n", encoding="utf-8")
    records = [
        {"stage": "02_s", "inputs": [{"path": "data/raw/demo/survey/e.csv", "bytes": 10, "sha256": "aa"}]},
        {
            "stage": "03_a",
            "inputs": [
                {"path": "data/raw/demo/survey/e.csv", "bytes": 10, "sha256": "aa"},
                {"path": "data/reference/p.csv", "bytes": 5, "sha256": "bb"},
            ],
        },
        {"stage": "04_q", "inputs": [{"path": "data/reference/p.csv", "bytes": 6, "sha256": "cc"}]},
    ]
    log = qa_log.data_log(records, [processed / "x.csv"], tmp_path)
    assert log[["dataset", "kind", "stages", "sha256", "note"]].to_records(index=False).tolist() == [
        ("data/raw/demo/survey/e.csv", "raw input", "02_s 03_a", "aa", ""),
        ("data/reference/p.csv", "reference", "03_a", "bb", "changed between stages (one row per version)"),
        ("data/reference/p.csv", "reference", "04_q", "cc", "changed between stages (one row per version)"),
        ("data/processed/x.csv", "processed", "", hashlib.sha256(b"a\n1\n2\n").hexdigest(), "build output"),
    ]
    assert log.loc[3, "rows"] == 2 and log.loc[0, "synthetic"] == False  # noqa: E712  (no SYNTHETIC.md here)


def test_build_assumptions_log_from_a_workspace(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    monkeypatch.setenv("HELPERS_WORKSPACE", str(ws))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    for sub in ("reports/tables", "reports/provenance", "data/processed"):
        (ws / sub).mkdir(parents=True)
    (ws / "reports" / "provenance" / "02_survey_cleaning.json").write_text(
        json.dumps({"stage": "02_survey_cleaning"})
    )
    (ws / "reports" / "tables" / "survey_flow.csv").write_text(
        "step,excluded,remaining\nExport,0,10\nDid not consent,2,8\n"
    )
    data = tmp_path / "data"
    data.mkdir()
    (data / "SYNTHETIC.md").write_text("x")
    with pytest.raises(
        Exception, match=r"survey_exclusions\.csv: the survey stage ran but its exclusion log is missing"
    ):
        qa_log.build_assumptions_log({"data_dir": data})
    (ws / "data" / "processed" / "survey_exclusions.csv").write_text(
        "source_row,step,reason\n3,Did not consent,No\n4,Did not consent,No\n"
    )
    log = qa_log.build_assumptions_log({"data_dir": data, "disclosure": {"marker": "*"}})
    assert list(log["description"]) == [
        "Every input is SYNTHETIC demonstration data: the figures illustrate the method and are not the study's findings.",
        "Responses excluded at cleaning step: Did not consent.",
        "Strand not run, so absent from the findings: Rapid literature review.",
        "Strand not run, so absent from the findings: Attitudes by role and against 2002.",
        "Strand not run, so absent from the findings: Interviews and focus groups.",
    ]


def test_provenance_records_leave_out_this_stage(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    folder = tmp_path / "reports" / "provenance"
    folder.mkdir(parents=True)
    for stage in ("05_findings", "01_a", "02_b"):
        (folder / f"{stage}.json").write_text(json.dumps({"stage": stage}), encoding="utf-8")
    assert [r["stage"] for r in qa_log.provenance_records()] == ["01_a", "02_b"]
    assert [r["stage"] for r in qa_log.provenance_records(exclude=None)] == ["01_a", "02_b", "05_findings"]


def test_data_log_paths_relative_to_workspace_and_raw_inputs_found_by_data_folder(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    monkeypatch.setenv("HELPERS_WORKSPACE", str(ws))
    data = tmp_path / "copy" / "demo"
    records = [
        {
            "stage": "03_a",
            "inputs": [
                {"path": f"{ws}/reports/tables/t.csv", "bytes": 1, "sha256": "aa"},
                {"path": f"{data}/survey/e.csv", "bytes": 2, "sha256": "bb"},
                {"path": f"{tmp_path}/home/jsmith/params.yaml", "bytes": 3, "sha256": "cc"},
            ],
        }
    ]
    log = qa_log.data_log(records, [], data)
    # no path of this machine in the published log: the data folder by its last part
    assert log[["dataset", "kind"]].to_records(index=False).tolist() == [
        ("demo/survey/e.csv", "raw input"),
        ("params.yaml (outside the project)", "other"),
        ("reports/tables/t.csv", "strand output (read by a later stage)"),
    ]
    assert not log["dataset"].str.contains(str(tmp_path)).any()


@pytest.mark.parametrize(
    ("rule", "clean_rows", "excluded_rows"),
    [({"min_count": 5}, 41, None), ({"rule": "nhs"}, 40, None), ({"min_count": 2}, 41, 2)],
)
def test_survey_datasets_rows_are_counts_of_people_and_their_sizes_are_not_published(
    tmp_path, monkeypatch, rule, clean_rows, excluded_rows
):
    """The newcomer's release (issue 11): the flow suppressed the number excluded (2, under 5),
    but data_log.csv listed survey_exclusions.csv with 2 rows and 121 bytes. A survey dataset's
    rows are respondents: published as the rule publishes a count of people (blank where
    suppressed, rounded to 5 under the NHS rule), and its size is blank (it gives the rows back).
    A literature dataset keeps its rows and size."""
    from helpers import disclosure

    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    (processed / "survey_exclusions.csv").write_text(
        "source_row,step\n3,Partial\n4,Partial\n", encoding="utf-8"
    )
    (processed / "survey_clean.csv").write_text("role\n" + "Medical director\n" * 41, encoding="utf-8")
    (processed / "literature_records.csv").write_text("id\n1\n2\n", encoding="utf-8")
    files = sorted(processed.iterdir())
    log = qa_log.data_log([], files, tmp_path, disclosure.from_params({"disclosure": rule})).set_index(
        "dataset"
    )
    exclusions, clean = (
        log.loc["data/processed/survey_exclusions.csv"],
        log.loc["data/processed/survey_clean.csv"],
    )
    assert (None if pd.isna(exclusions["rows"]) else exclusions["rows"]) == excluded_rows
    assert clean["rows"] == clean_rows
    assert (
        pd.isna(exclusions["bytes"]) and pd.isna(clean["bytes"]) and exclusions["note"] == qa_log.PEOPLE_NOTE
    )
    assert str(log["rows"].dtype) == str(log["bytes"].dtype) == "Int64"  # written "41", not "41.0"
    literature = log.loc["data/processed/literature_records.csv"]
    assert literature["rows"] == 2 and literature["bytes"] == 7 and literature["note"] == "build output"


def test_the_description_of_the_export_leaves_its_size_to_the_flow(tmp_path):
    """Report 02's first table printed 'responses (rows) 43' beside a flow that left the export's
    size out to protect 2 exclusions (issue 11, newcomer run): 43 - 41 analysable gave them back."""
    import helpers.synthetic.instruments as S
    from helpers.survey import inputs

    export, _ = inputs.load(S.write_instrument(S.random_instrument(77), tmp_path, "xlsx"))
    table = inputs.describe_export(export)
    assert table.loc["responses (rows)", "value"] == "in the flow of responses below"
    assert str(len(export.data)) not in {str(v) for v in table["value"]}
