"""Screening decisions imported from Rayyan, Covidence and ASReview (helpers.literature.screening_tools).

Synthetic exports are written here with each tool's quirks; every real file in
../shared/fixtures/screening is read at the end with its counts asserted (counted independently
with the csv/sqlite3/zipfile modules where the count is not visible by eye).
"""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile

import pandas as pd
import pytest

from helpers import paths
from helpers.files import InputError
from helpers.literature import screening
from helpers.literature import screening_tools as st

RAYYAN_CSV = (
    "key,title,year,month,day,journal,issn,volume,issue,pages,authors,url,language,publisher,location,abstract,notes,pubmed_id,pmc_id\n"
    'rayyan-1,Doctors and managers,2003,,,BMJ,,,,,A B,https://doi.org/10.1136/bmj.326.7390.626,,,,,"Corresponding author: x | '
    'RAYYAN-INCLUSION: {""Alice Smith""=>""Included"", ""bob.jones""=>""Excluded""} | RAYYAN-EXCLUSION-REASONS: wrong population | '
    'RAYYAN-LABELS: ask Alice,bob.j to check | USER-NOTES: {""Alice Smith""=>[""bob.jones thinks no""]}",,\n'
    'rayyan-2,Managing doctors,2016,,,Nuffield Trust,,,,,C D,,,,,,"RAYYAN-INCLUSION: {""bob.jones""=>""Maybe""}",12345,\n'
    'rayyan-3,A paper no search found,2010,,,J,,,,,E F,,,,,,"RAYYAN-INCLUSION: {""Alice Smith""=>""Excluded""}",,\n'
)
SEARCH_RECORDS = pd.DataFrame(
    {
        "record_id": ["pubmed.nbib:1", "scopus.csv:4"],
        "doi": ["10.1136/bmj.326.7390.626", None],
        "pmid": [None, "12345"],
        "title": ["Doctors and managers", "Managing doctors, doctors managing"],
    }
)


def test_rayyan_csv_codes_reviewers_and_scrubs_names_everywhere(tmp_path):
    path = tmp_path / "rayyan.csv"
    path.write_text(RAYYAN_CSV, encoding="utf-8")
    imported = st.read_rayyan(path)
    assert imported.reviewers == {"Alice Smith": "R1", "bob.jones": "R2"}
    log = imported.log
    assert log[["position", "reviewer", "decision", "reason"]].values.tolist() == [
        [1, "R1", "include", ""],
        [1, "R2", "exclude", "wrong population"],
        [2, "R2", "include", ""],
        [3, "R1", "exclude", ""],
    ]
    assert log.loc[0, "note"] == "labels: ask R1, R2 to check; R1: R2 thinks no"
    assert log.loc[2, "note"] == "Maybe in Rayyan"
    text = log.to_csv()
    assert "Alice" not in text and "bob" not in text.lower()
    assert imported.notes == [
        "3 records, 4 decisions by 2 reviewer(s) (names replaced by codes)",
        "1 'Maybe' decision(s) taken forward as include",
    ]


def test_matching_by_doi_pmid_title_lists_every_unmatched_record(tmp_path):
    path = tmp_path / "rayyan.csv"
    path.write_text(RAYYAN_CSV, encoding="utf-8")
    imported = st.match_to_searches(st.read_rayyan(path), SEARCH_RECORDS)
    assert imported.log["record_id"].tolist() == ["pubmed.nbib:1", "pubmed.nbib:1", "scopus.csv:4"]
    assert imported.unmatched[["position", "title"]].values.tolist() == [[3, "A paper no search found"]]
    assert (
        imported.notes[-1] == "matched to the searches: 1 by DOI, 1 by PMID, 0 by title; 1 unmatched (listed)"
    )
    id_map = {"pubmed.nbib:1": "pubmed.nbib:1", "scopus.csv:4": "pubmed.nbib:1"}  # one work, two records
    log = st.as_screening_log(imported, id_map)
    assert list(log.columns) == [*screening.COLUMNS, "unique_id", "row"]
    assert log["unique_id"].tolist() == ["pubmed.nbib:1"] * 3 and log["row"].tolist() == [1, 1, 2]


def test_rayyan_unknown_decision_is_an_error(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RAYYAN_CSV.replace('""Maybe""', '""Perhaps""'), encoding="utf-8")
    with pytest.raises(InputError, match="Rayyan decision must be Included, Excluded or Maybe") as err:
        st.read_rayyan(path)
    assert err.value.value == "Perhaps"


def test_covidence_stage_exports_are_final_decisions(tmp_path):
    path = tmp_path / "review_1_excluded.csv"
    path.write_bytes(
        b"Title;Authors;Published Year;DOI;Accession Number;Covidence #;Notes\r\n"
        b'Doctors and managers;A B;2003;10.1136/BMJ.326.7390.626;;#12;"Exclusion reason: wrong setting; other"\r\n'
    )
    imported = st.read_covidence(path, "excluded")
    assert imported.log[["stage", "reviewer", "decision", "reason"]].values.tolist() == [
        ["title_abstract", "covidence", "include", ""],
        ["full_text", "covidence", "exclude", "Exclusion reason: wrong setting, other"],
    ]
    assert st.match_to_searches(imported, SEARCH_RECORDS).log["record_id"].unique().tolist() == [
        "pubmed.nbib:1"
    ]
    with pytest.raises(InputError, match="Covidence export must be one of irrelevant, excluded, included"):
        st.read_covidence(path, "maybe")


def test_asreview_csv_label_column(tmp_path):
    path = tmp_path / "asr.csv"
    path.write_text("title,doi,included\nA,10.1/a,1\nB,,0\nC,,\n", encoding="utf-8")
    imported = st.read_asreview(path)
    assert imported.log[["position", "decision"]].values.tolist() == [[1, "include"], [2, "exclude"]]
    assert imported.notes == ["3 records: 1 relevant, 1 irrelevant, 1 unlabelled"]
    path.write_text("title,included\nA,yes\n", encoding="utf-8")
    with pytest.raises(InputError, match="ASReview label must be 1, 0 or empty"):
        st.read_asreview(path)


# --------------------------------------------------------------------------------------------
# The real files in ../shared/fixtures/screening (read-only; skipped when the folder is absent)

FIXTURES = paths.project_root().parent / "shared" / "fixtures" / "screening"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures not present")


@needs_fixtures
def test_real_rayyan_ris_decisions_conflicts_and_kappa():
    imported = st.read_rayyan(FIXTURES / "rayyanR_tinea_update.ris")
    assert len(imported.records) == 14
    assert len(imported.log) == 16 and sorted(imported.reviewers.values()) == ["R1", "R2"]
    assert imported.notes[-1] == "2 record(s) with no reviewer decision"
    assert not imported.log["note"].str.contains("M.el-G", regex=False).any()  # name abbreviation scrubbed
    log = imported.log.assign(unique_id=imported.log["position"].astype(str), row=imported.log["position"])
    agreement = screening.agreement(log).set_index("stage").loc["title_abstract"]
    # Dual-screened records 1, 2, 4, 10: (exclude, include), (include, include) x2, (exclude, exclude).
    # By hand: p_o = 3/4; p_e = 0.5 x 0.75 + 0.5 x 0.25 = 0.5; kappa = (0.75 - 0.5) / 0.5 = 0.5.
    assert agreement["dual_screened"] == 4 and agreement["agreements"] == 3
    assert agreement["kappa"] == 0.5 and agreement["conflicts"] == 1


@needs_fixtures
def test_real_asreview_files():
    ris = st.read_asreview(FIXTURES / "asreview-datatools_dataset_1.ris")
    assert ris.notes == ["6 records: 1 relevant, 3 irrelevant, 2 unlabelled"]
    name = "asreview-srd_Kitchenham_2010_EXCERPT_header+93.csv"
    rows = list(csv.DictReader(io.StringIO((FIXTURES / name).read_text(encoding="utf-8"))))
    relevant = sum(r["label_included"] == "1" for r in rows)
    table = st.read_asreview(FIXTURES / name)
    assert table.notes == [f"93 records: {relevant} relevant, {93 - relevant} irrelevant, 0 unlabelled"]
    project = st.read_asreview(FIXTURES / "asreview_demo-project-v2.asreview")
    with zipfile.ZipFile(FIXTURES / "asreview_demo-project-v2.asreview") as archive:
        db = sqlite3.connect(":memory:")
        db.deserialize(archive.read("reviews/7f8f806902284196addd44118561110c/results.db"))
        counts = dict(db.execute("SELECT label, COUNT(*) FROM results GROUP BY label").fetchall())
    assert counts == {None: 1, 0: 14, 1: 9}  # one record was being labelled when the project was saved
    assert project.notes == ["100 records: 9 relevant, 14 irrelevant, 77 unlabelled"]


def test_demo_folder_rayyan_export_beside_the_log_gives_complete_decisions():
    """The demo's title/abstract decisions are a Rayyan export (fictional reviewer names), the
    consensus and full-text decisions the log beside it: together every record has a decision."""
    from helpers.literature import dedup, searches

    folder = paths.project_root() / "data" / "raw" / "demo" / "literature"
    found = searches.load_searches(folder)
    overrides = dedup.read_overrides(folder / "duplicate_overrides.csv", found.records["record_id"])
    deduped = dedup.deduplicate(found.records, overrides=overrides)
    id_map = dict(zip(deduped.records["record_id"], deduped.records["unique_id"]))
    log, imports, unmatched = st.screening_decisions(folder, found.records, id_map)
    assert imports[["tool", "file", "decisions"]].values.tolist() == [["rayyan", "rayyan_export.csv", 41]]
    assert unmatched.empty
    decided = screening.decisions(log, deduped.unique["unique_id"].tolist())
    assert (decided["flag"] == "").all()
    agreement = screening.agreement(log).set_index("stage")
    assert (
        agreement.loc["title_abstract", "dual_screened"] == 12
        and agreement.loc["title_abstract", "conflicts"] == 3
    )
    text = log.to_csv() + imports.to_csv()
    assert "Alex" not in text and "sam.s" not in text
    assert set(log.loc[log["stage"] == "title_abstract", "reviewer"]) == {"R1", "R2", "consensus"}


def test_unknown_tool_export_name_is_an_error(tmp_path):
    (tmp_path / "screening_exports").mkdir()
    (tmp_path / "screening_exports" / "decisions.csv").write_text("a\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell which tool wrote this export"):
        st.screening_decisions(tmp_path, SEARCH_RECORDS, {})
