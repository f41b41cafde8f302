"""Extraction table: reading, checks, characteristics, counts, the years-by-theme figure."""

import matplotlib
import pandas as pd
import pytest

from helpers.files import InputError
from helpers.literature import extraction

IDS = {"u1": "u1", "u2": "u2", "u3": "u3", "x1": "u1", "u9": "u9"}
INCLUDED = ["u1", "u2", "u3"]
HEADER = "record_id,study_id,design,setting,country,participants,focus,themes\n"
BODY = (
    "x1,S1,Survey,NHS,UK,100 doctors,views,Trust; Identity\n"
    "u2,S1,Survey,NHS,UK; USA,50 managers,views,Trust\n"
)


def write(tmp_path, body, header=HEADER):
    path = tmp_path / "extraction.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def unique():
    return pd.DataFrame(
        {
            "unique_id": ["u1", "u2", "u3"],
            "authors": ["Davies, H; Hodges, C", "Rundall T", "Ham C"],
            "year": pd.array([2003, 2004, 2011], dtype="Int64"),
            "title": ["A", "B", "C"],
            "journal": ["BMJ", "JHM", "JRSM"],
            "doi": ["10.1/a", None, None],
        }
    )


def test_read_and_characteristics(tmp_path):
    table, missing = extraction.read_extraction(write(tmp_path, BODY), IDS, INCLUDED)
    assert table["unique_id"].tolist() == ["u1", "u2"]
    assert missing.values.tolist() == [["u3", "included but not in the extraction table"]]
    ch = extraction.characteristics_table(unique(), table)
    assert ch[["unique_id", "first_author", "year", "country"]].values.tolist() == [
        ["u1", "Davies", 2003, "UK"],
        ["u2", "Rundall", 2004, "UK; USA"],
    ]
    counts = extraction.included_counts(ch)
    assert counts.values.tolist() == [
        ["year", "2003", 1, 1],
        ["year", "2004", 1, 1],
        ["design", "Survey", 1, 2],
        ["country", "UK", 1, 2],
        ["country", "USA", 1, 1],
        ["theme", "Trust", 1, 2],
        ["theme", "Identity", 1, 1],
    ]
    assert extraction.years_by_theme(ch).values.tolist() == [
        ["Identity", 2003, 1],
        ["Trust", 2003, 1],
        ["Trust", 2004, 1],
    ]


def test_empty_study_id_means_one_report_one_study(tmp_path):
    table, _ = extraction.read_extraction(
        write(tmp_path, "u3,,Interviews,NHS,UK,,,Identity\n"), IDS, INCLUDED
    )
    assert table["study_id"].tolist() == ["u3"]


@pytest.mark.parametrize(
    "body, message",
    [
        ("zz,,Survey,NHS,UK,,,T\n", r"row 2, column 'record_id': unknown record id \(found 'zz'\)"),
        (
            "u9,,Survey,NHS,UK,,,T\n",
            r"row 2, column 'record_id': record u9 is not among the included studies \(found 'u9'\)",
        ),
        (
            "u1,,Survey,NHS,UK,,,T\nx1,,Survey,NHS,UK,,,T\n",
            r"rows 2, 3, column 'record_id': record u1 is extracted twice",
        ),
        ("u1,,,NHS,UK,,,T\n", r"row 2, column 'design': design is empty"),
        ("u1,,Survey,NHS,UK\n", r"row 2: 5 fields but the header has 8"),
    ],
)
def test_bad_rows(tmp_path, body, message):
    with pytest.raises(InputError, match=message):
        extraction.read_extraction(write(tmp_path, body), IDS, INCLUDED)


def test_missing_column(tmp_path):
    with pytest.raises(InputError, match=r"row 1: missing column\(s\) themes"):
        extraction.read_extraction(
            write(tmp_path, "u1,Survey,UK\n", "record_id,design,country\n"), IDS, INCLUDED
        )


def test_years_by_theme_figure(tmp_path):
    matplotlib.use("Agg")
    table, _ = extraction.read_extraction(write(tmp_path, BODY), IDS, INCLUDED)
    fig = extraction.plot_years_by_theme(extraction.characteristics_table(unique(), table))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Identity (n = 1)",
        "Trust (n = 2)",
    ]  # most frequent on top
    offsets = sorted(tuple(map(float, c.get_offsets()[0])) for c in ax.collections)
    assert offsets == [(2003.0, 0.0), (2003.0, 1.0), (2004.0, 1.0)]
