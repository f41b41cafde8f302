"""Writers: atomic, byte-stable, and files readable like any other output."""

import os
import stat

import pandas as pd
import pytest

from helpers import outputs


@pytest.fixture
def staging(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_STAGING", str(tmp_path))
    return tmp_path


def test_written_table_has_the_usual_file_mode(staging):
    mask = os.umask(0o022)
    try:
        path = outputs.write_table(pd.DataFrame({"a": [1]}), "t")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text() == "a\n1\n"


def test_failed_write_leaves_no_file_and_no_temporary(staging):
    target = staging / "reports" / "x.csv"
    with pytest.raises(RuntimeError):
        with outputs.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_output_paths_stay_inside_the_project(staging):
    with pytest.raises(ValueError, match="inside the project"):
        outputs.write_csv(pd.DataFrame(), "../escape.csv")


def test_csv_cells_that_would_run_as_formulas_are_neutralised(staging):
    table = pd.DataFrame(
        {"quote": ["=HYPERLINK(1)", "-so I said", "@SUM", "plain", None], "n": [1, -2, 3, 4, 5]}
    )
    path = outputs.write_table(table, "quotes")
    assert path.read_text().splitlines() == [
        "quote,n",
        "'=HYPERLINK(1),1",
        "'-so I said,-2",
        "'@SUM,3",
        "plain,4",
        ",5",
    ]


def test_headers_index_and_categories_are_neutralised_too(staging):
    # The code co-occurrence matrix: code names are the header row and the index.
    codes = ['=HYPERLINK("http://x","c")', "@SUM(A1)", "trust", " +cmd|' /C calc'!A0"]
    matrix = pd.DataFrame([[1, 2, 3, 4]] * 4, index=pd.Index(codes, name="-code"), columns=codes)
    matrix["kind"] = pd.Categorical(["=1+1", "a", "a", "b"])
    path = outputs.write_table(matrix, "code_cooccurrence", index=True)
    lines = path.read_text().splitlines()
    assert lines[0] == (
        '\'-code,"\'=HYPERLINK(""http://x"",""c"")",\'@SUM(A1),trust,\' +cmd|\' /C calc\'!A0,kind'
    )
    assert [line.split(",")[0] for line in lines[1:]] == [
        '"\'=HYPERLINK(""http://x""',
        "'@SUM(A1)",
        "trust",
        "' +cmd|' /C calc'!A0",
    ]
    assert lines[1].endswith(",'=1+1")


def test_plain_numbers_written_as_text_are_not_prefixed(staging):
    table = pd.DataFrame({"estimate": ["-0.12", "+3", "-5%", "-2+3", "- 0.1 to 0.3"]})
    path = outputs.write_table(table, "numbers")
    assert path.read_text().splitlines() == ["estimate", "-0.12", "+3", "-5%", "'-2+3", "'- 0.1 to 0.3"]


def test_the_workbook_uses_the_same_test_for_headers_and_cells():
    from helpers import workbook

    wb = workbook.build_workbook({"m": pd.DataFrame({"=cmd": ["@x", "-0.5", "ok"]})})
    ws = wb["m"]
    assert [(c.value, c.data_type, bool(c.quotePrefix)) for c in ws["A"][:4]] == [
        ("=cmd", "s", True),
        ("@x", "s", True),
        ("-0.5", "s", False),
        ("ok", "s", False),
    ]
