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
