"""Strand outputs read by their documented names; missing strands said plainly, broken ones refused."""

import json

import pytest

from helpers import files
from helpers.files import InputError
from helpers.findings import strands


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    (tmp_path / "reports" / "tables").mkdir(parents=True)
    (tmp_path / "reports" / "figures").mkdir(parents=True)
    (tmp_path / "reports" / "provenance").mkdir(parents=True)
    return tmp_path


def ran(ws, stage):
    (ws / "reports" / "provenance" / f"{stage}.json").write_text(
        json.dumps({"stage": stage}), encoding="utf-8"
    )


def test_nothing_ran(workspace):
    s = strands.status()
    assert list(s["ran"]) == [False] * 4
    assert list(s["outputs"]) == ["0 of 3", "0 of 4", "0 of 3", "0 of 1"]
    assert strands.read_table("themes_by_role") is None
    assert "Interviews and focus groups: not available." in strands.missing_note("focus_groups")


def test_absent_strands_are_named_as_absent(workspace, tmp_path):
    """Issue 11: a strand whose input folder is not in the data folder is 'absent ... skipped',
    in the status table and in place of its sections; a present strand that has not run is not."""
    data = tmp_path / "data"
    (data / "survey").mkdir(parents=True)
    (data / "focus_groups").mkdir()
    s = strands.status(data)
    assert list(s["note"]) == [
        "absent: the data folder has no literature/ folder, so this strand is skipped",
        "not run yet: its findings are missing from this report",
        "not run yet: its findings are missing from this report",
        "not run yet: its findings are missing from this report",
    ]
    # read on the seminar deck too: no folder or stage name (the status table above has the folder)
    assert strands.missing_note("literature") == (
        "**Rapid literature review: not part of this run.** Its data were not supplied, so this "
        "section is empty; the findings use the strands present."
    )
    assert "Interviews and focus groups: not available." in strands.missing_note("focus_groups")
    strands.status()  # without a data folder nothing is declared absent
    assert "Rapid literature review: not available." in strands.missing_note("literature")


def test_ran_strand_with_missing_table_is_an_error(workspace):
    ran(workspace, "04_focus_group_themes")
    with pytest.raises(
        InputError,
        match=r"themes_by_role\.csv: stage 04_focus_group_themes ran \(its provenance record exists\) "
        r"but this expected output is missing; rerun `make focus_groups`",
    ):
        strands.status()
    with pytest.raises(
        InputError,
        match=r"themes_by_role\.csv: expected table is missing although stage 04_focus_group_themes ran",
    ):
        strands.read_table("themes_by_role")


def test_ran_strand_reads_table_and_notes_it_for_provenance(workspace):
    ran(workspace, "04_focus_group_themes")
    path = workspace / "reports" / "tables" / "themes_by_role.csv"
    path.write_text("theme,role,references,participants\nA,manager,3,2\nB,manager,,*\n", encoding="utf-8")
    s = strands.status()
    assert s.loc[3, "ran"] and s.loc[3, "outputs"] == "1 of 1"
    t = strands.read_table("themes_by_role")
    assert t["references"].isna().tolist() == [False, True] and t["participants"].tolist() == ["2", "*"]
    assert path.resolve() in files.inputs_read()


def test_table_missing_documented_column(workspace):
    ran(workspace, "04_focus_group_themes")
    (workspace / "reports" / "tables" / "themes_by_role.csv").write_text(
        "theme,role,refs\nA,m,1\n", encoding="utf-8"
    )
    with pytest.raises(
        InputError,
        match=r"themes_by_role\.csv, column 'references': missing documented column\(s\): references, participants",
    ):
        strands.read_table("themes_by_role")


def test_unknown_table_missing_is_error(workspace):
    with pytest.raises(InputError, match=r"no_such\.csv: expected table is missing"):
        strands.read_table("no_such")
