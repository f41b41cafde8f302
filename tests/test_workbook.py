import io
import time
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import workbook


def _tables():
    a = pd.DataFrame({"item": ["x", "y", "z"], "n_agree": [12, "*", 0], "pct_agree": [60.0, np.nan, 0.0]})
    b = pd.DataFrame(
        {"text": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain"], "n": [1, 2, 3, 4, 5]}
    )
    return {
        "by_role": workbook.Sheet(a, "Agreement by role", ["Cells of 1-4 suppressed (*).", "Source: demo."]),
        "risky/name:with*chars": b,
    }


def test_workbook_layout_notes_and_markers(tmp_path):
    wb = load_workbook(io.BytesIO(workbook.workbook_bytes(_tables())))
    assert wb.sheetnames == ["Contents", "by_role", "risky_name_with_chars"]
    ws = wb["by_role"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows == [
        ["item", "n_agree", "pct_agree"],
        ["x", 12, 60.0],
        ["y", "*", None],
        ["z", 0, 0.0],
        [None, None, None],
        ["Note: Cells of 1-4 suppressed (*).", None, None],
        ["Note: Source: demo.", None, None],
    ]
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    contents = [[c.value for c in r] for r in wb["Contents"].iter_rows()]
    assert contents == [
        ["table", "sheet", "rows", "notes"],
        ["Agreement by role", "by_role", 3, "Cells of 1-4 suppressed (*). Source: demo."],
        ["risky_name_with_chars", "risky_name_with_chars", 5, None],  # untitled: its sheet's name
    ]


def test_the_contents_list_each_table_by_its_title_linked_to_its_sheet():
    """The contents sheet listed the sheets by name (a CSV's name in all_tables.xlsx) and the
    title second: a reader looks for a table by its title."""
    wb = load_workbook(io.BytesIO(workbook.workbook_bytes(_tables())))
    links = [(c.value, c.hyperlink.location) for c in wb["Contents"]["A"][1:]]
    assert links == [
        ("Agreement by role", "'by_role'!A1"),
        ("risky_name_with_chars", "'risky_name_with_chars'!A1"),
    ]


def test_formula_like_text_is_stored_as_text():
    data = workbook.workbook_bytes(_tables())
    ws = load_workbook(io.BytesIO(data))["risky_name_with_chars"]
    values = [ws.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.value for c in values] == ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain"]
    assert [c.data_type for c in values] == ["s"] * 5
    # "+1" and "-2" are plain numbers stored as text: no formula, so no quote prefix needed.
    assert [bool(c.quotePrefix) for c in values] == [True, False, False, True, False]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet_xml = z.read("xl/worksheets/sheet3.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_bytes_are_identical_between_runs_and_timestamps_fixed(monkeypatch):
    first = workbook.workbook_bytes(_tables())
    monkeypatch.setattr(time, "time", lambda: 1_300_000_000.0)  # a run on another day (2011)
    assert workbook.workbook_bytes(_tables()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert "2000-01-01T00:00:00Z" in z.read("docProps/core.xml").decode()


def test_sheet_names_are_unique_and_short():
    long = "a" * 40
    wb = load_workbook(
        io.BytesIO(
            workbook.workbook_bytes(
                {
                    long: pd.DataFrame({"x": [1]}),
                    long + "b": pd.DataFrame({"x": [2]}),
                    "contents": pd.DataFrame({"x": [3]}),
                }
            )
        )
    )
    assert wb.sheetnames == ["Contents", "a" * 31, "a" * 27 + " (2)", "contents (2)"]


def test_write_workbook_goes_to_reports_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_STAGING", str(tmp_path))
    path = workbook.write_workbook(_tables(), "attitudes")
    assert path == tmp_path / "reports" / "tables" / "attitudes.xlsx"
    assert path.read_bytes() == workbook.workbook_bytes(_tables())
    with pytest.raises(ValueError, match="no tables"):
        workbook.write_workbook({}, "empty")


def test_effect_sizes_and_test_statistics_show_their_decimals_in_excel():
    """Issue 15: an effect size of 0.3 showed as 0.3 in the workbook (Excel's General format);
    the cell keeps the published value and shows 0.30, a chi-square 12.0."""
    import io

    import openpyxl

    from helpers import workbook

    table = pd.DataFrame({"item": ["a"], "chi2": [12.0], "cramers_v": [0.3], "n": [40], "pct": [60.2]})
    wb = openpyxl.load_workbook(io.BytesIO(workbook.workbook_bytes({"tests": table})))
    row = {c.column_letter: c for c in wb["tests"][2]}
    assert (row["B"].value, row["B"].number_format) == (12.0, "0.0")
    assert (row["C"].value, row["C"].number_format) == (0.3, "0.00")
    assert row["D"].number_format == "General"  # a count
    # a percentage of a published table keeps its 1 decimal, as the reports print it (63.0, not 63)
    assert (row["E"].value, row["E"].number_format) == (60.2, "0.0")
