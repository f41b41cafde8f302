"""All tables of all strands in one workbook; formulas neutralised, numbers kept as numbers."""

import pytest
from openpyxl import load_workbook

from helpers.findings import all_tables


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    tables = tmp_path / "ws" / "reports" / "tables"
    tables.mkdir(parents=True)
    (tables / "b_table.csv").write_text(
        "name,value,code\n=1+1,-3,0123\n@SUM(A1),2.5,x\n-x,,1\n+y,*,2\nplain,7,3\n", encoding="utf-8"
    )
    (tables / "a_table.csv").write_text("n\n5\n", encoding="utf-8")
    (tables / "notes.txt").write_text("not a table", encoding="utf-8")
    return tmp_path / "ws"


def test_one_sheet_per_csv_with_formulas_as_text(workspace):
    path, listing = all_tables.write_all_tables()
    assert path == workspace / "reports" / "tables" / "all_tables.xlsx"
    assert listing.to_dict("records") == [
        {"table": "A table", "sheet": "a_table", "rows": 1},
        {"table": "B table", "sheet": "b_table", "rows": 5},
    ]
    wb = load_workbook(path)
    assert wb.sheetnames == ["Contents", "a_table", "b_table"]
    ws = wb["b_table"]
    names = [ws.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.value for c in names] == ["=1+1", "@SUM(A1)", "-x", "+y", "plain"]
    assert all(c.data_type == "s" for c in names)
    assert [c.quotePrefix for c in names] == [True, True, True, True, False]
    values = [ws.cell(row=r, column=2).value for r in range(2, 7)]
    assert values == [-3, 2.5, None, "*", 7]
    assert ws.cell(row=8, column=1).value == "Note: Source: reports/tables/b_table.csv."


def test_staged_tables_replace_published_and_stale_own_tables_are_left_out(workspace, tmp_path, monkeypatch):
    staging = tmp_path / "staging"
    (staging / "reports" / "tables").mkdir(parents=True)
    (staging / "reports" / "tables" / "a_table.csv").write_text("n\n10\n", encoding="utf-8")
    (workspace / "reports" / "tables" / "old_findings.csv").write_text("x\n1\n", encoding="utf-8")
    (workspace / "build" / "published").mkdir(parents=True)
    (workspace / "build" / "published" / "05_findings.txt").write_text(
        "reports/tables/old_findings.csv\nreports/tables/a_table.csv\n", encoding="utf-8"
    )
    monkeypatch.setenv("HELPERS_STAGING", str(staging))
    found = all_tables.table_files("05_findings")
    assert found == {
        "a_table": staging / "reports" / "tables" / "a_table.csv",
        "b_table": workspace / "reports" / "tables" / "b_table.csv",
    }


def test_no_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    with pytest.raises(ValueError, match="write_all_tables: no tables in reports/tables"):
        all_tables.write_all_tables()


def test_leading_zero_codes_stay_text(workspace):
    path, _ = all_tables.write_all_tables()
    ws = load_workbook(path)["b_table"]
    assert [ws.cell(row=r, column=3).value for r in range(2, 7)] == ["0123", "x", 1, 2, 3]


def test_own_tables_are_not_listed_as_inputs(workspace):
    from helpers import files

    (workspace / "reports" / "tables" / "triangulation.csv").write_text("a\n1\n", encoding="utf-8")
    all_tables.write_all_tables()
    read = {p.name for p in files.inputs_read()}
    assert "b_table.csv" in read and "triangulation.csv" not in read


def test_the_contents_sheet_lists_each_table_by_its_title_with_its_sheet_beside_it(workspace):
    """all_tables.xlsx listed its sheets by CSV name ('attitudes_scale_reliability'), the title
    being that name with spaces."""
    tables = workspace / "reports" / "tables"
    (tables / "attitudes_scale_reliability.csv").write_text("scale,n\nwork,335\n", encoding="utf-8")
    (tables / "attitudes_suppression_summary.csv").write_text("item,primary\na,1\n", encoding="utf-8")
    (tables / "mentions_sources.csv").write_text("option,n_mentions\nWeb,12\n", encoding="utf-8")
    (tables / "survey_flow.csv").write_text("step,remaining\nall,10\n", encoding="utf-8")
    path, _ = all_tables.write_all_tables(questions={"sources": "Where do you get news?"})
    contents = [[c.value for c in row[:3]] for row in load_workbook(path)["Contents"].iter_rows()]
    assert contents == [  # strand by strand, as the reports run; tables of no strand last
        ["table", "sheet", "rows"],
        ["From the survey export to the analysable respondents", "survey_flow", 1],
        ["Scale reliability", "attitudes_scale_reliability", 1],
        ["Suppressed cells per item", "attitudes_suppression_summary", 1],
        ["Respondents ticking each option: Where do you get news?", "mentions_sources", 1],
        ["A table", "a_table", 1],  # a table nobody titled: its name in words
        ["B table", "b_table", 5],
    ]
