"""Summaries on a tiny coded-segments table whose every number is worked out by hand below."""

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from helpers.qualitative import privacy, segments, summaries

PEOPLE = """pseudonym,role_group,group,setting,name
P1,clinical director,FG1,focus group,Ann Lee
P2,clinical director,FG1,focus group,
P3,chief executive,FG1,focus group,
P4,medical director,FG1,focus group,
I1,directorate manager,INT1,interview,
"""
# Primary coder A; B double-codes three passages (rows 9-11).
SEGMENTS = """source,speaker,code,text,start,end,coder
FG1,P1,T1 > a,Ann said so,0,10,A
FG1,P1,T1 > b,Ann said so,0,10,A
FG1,P2,T1 > a,bbb,5,15,A
FG1,P3,T2 > c,ccc,20,30,A
FG1,P4,T2 > c,ddd,25,35,A
INT1,I1,T1 > b,eee,0,10,A
INT1,I1,T2 > c,eee,0,10,A
FG1,P1,T1 > a,Ann said so,0,10,B
FG1,P3,T2 > c,ccc,20,30,B
INT1,I1,T1 > a,eee,0,10,B
"""
RULE = {
    "min_role_size": 2,
    "coarsen": {
        "chief executive": "board member",
        "medical director": "board member",
        "directorate manager": "manager",
    },
    "fallback_label": "participant",
}


@pytest.fixture
def tiny(tmp_path):
    (tmp_path / "coded_segments.csv").write_text(SEGMENTS, encoding="utf-8")
    (tmp_path / "participants.csv").write_text(PEOPLE, encoding="utf-8")
    data = segments.load_folder(tmp_path, {})
    people = summaries.label_participants(data, RULE)
    return data, people, summaries.annotate(data, people)


def test_role_labels_and_code_table(tiny):
    data, people, seg = tiny
    assert list(people["role"]) == [
        "clinical director",
        "clinical director",
        "board member",
        "board member",
        "participant",
    ]
    table = summaries.code_table(data)
    assert table[["theme", "code", "codings", "transcripts", "participants"]].values.tolist() == [
        ["T1", "T1", 0, 0, 0],
        ["T1", "a", 2, 1, 2],
        ["T1", "b", 2, 2, 2],
        ["T2", "T2", 0, 0, 0],
        ["T2", "c", 3, 2, 3],
    ]


def test_themes_by_role_by_hand(tiny):
    data, people, seg = tiny
    table = summaries.themes_by_role(seg, people, summaries.themes_of(data))
    # T1/clinical director: codings rows 2,3,4; rows 2 and 3 are one passage -> 2 references.
    assert table.values.tolist() == [
        ["T1", "board member", 0, 0, 0, 0, 2],
        ["T1", "clinical director", 2, 3, 2, 1, 2],
        ["T1", "participant", 1, 1, 1, 1, 1],
        ["T2", "board member", 2, 2, 2, 1, 2],
        ["T2", "clinical director", 0, 0, 0, 0, 2],
        ["T2", "participant", 1, 1, 1, 1, 1],
    ]
    assert list(table.columns) == [
        "theme",
        "role",
        "references",
        "codings",
        "participants",
        "transcripts",
        "participants_in_role",
    ]


def test_cooccurrence_by_hand(tiny):
    data, people, seg = tiny
    matrix = summaries.cooccurrence(seg, data.codes)
    # a-b: rows 2&3 (same passage) and rows 3&4 (0-10 overlaps 5-15); a-a (rows 2&4) and c-c
    # (rows 5&6) are the same code; INT1 0-10 does not meet FG1 0-10 (other transcript);
    # b-c: rows 7&8 (same passage). Diagonal: codings of each code.
    expected = pd.DataFrame(
        [[2, 2, 0], [2, 2, 1], [0, 1, 3]],
        index=pd.Index(["a", "b", "c"], name="code"),
        columns=["a", "b", "c"],
    )
    pd.testing.assert_frame_equal(matrix, expected)


def test_cooccurrence_figure_shows_off_diagonal_counts(tiny):
    data, people, seg = tiny
    fig = summaries.cooccurrence_figure(summaries.cooccurrence(seg, data.codes))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["2", "", "2", "1", "", "1"]  # row by row, diagonal and zeros left blank
    heat = fig.axes[0].collections[0].get_array()
    assert heat.mask.ravel().tolist() == [True, False, False, False, True, False, False, False, True]
    assert heat.compressed().tolist() == [2, 0, 2, 1, 0, 1]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "b", "c"]


def test_top_pairs(tiny):
    data, people, seg = tiny
    table = summaries.top_pairs(summaries.cooccurrence(seg, data.codes), 5)
    assert table.values.tolist() == [["a", "b", 2], ["b", "c", 1]]


def test_agreement_kappa_by_hand(tiny):
    data, people, seg = tiny
    table = summaries.agreement(data)
    # passages: FG1 0-10, FG1 20-30, INT1 0-10. A: {a,b}, {c}, {b,c}; B: {a}, {c}, {a}.
    # a: A=[1,0,0] B=[1,0,1]: po=2/3, pe=1/3*2/3+2/3*1/3=4/9, kappa=(2/3-4/9)/(5/9)=0.4
    # b: A=[1,0,1] B=[0,0,0]: po=1/3, pe=0+1/3*1=1/3, kappa=0
    # c: A=[0,1,1] B=[0,1,0]: po=2/3, pe=4/9, kappa=0.4
    assert table[
        ["code", "passages", "both", "primary_only", "second_only", "percent_agreement", "kappa"]
    ].values.tolist() == [
        ["a", 3, 1, 0, 1, 66.7, 0.4],
        ["b", 3, 0, 2, 0, 33.3, 0.0],
        ["c", 3, 1, 1, 0, 66.7, 0.4],
    ]
    assert set(table["second_coder"]) == {"B"}


def test_accounting_invariant(tiny):
    data, people, seg = tiny
    by_role = summaries.themes_by_role(seg, people, summaries.themes_of(data))
    table = summaries.accounting(data, by_role)
    assert table["count"].tolist()[:3] == [10, 7, 3]
    with pytest.raises(AssertionError, match=r"codings read \(10\) != summarised \(6\)"):
        summaries.accounting(data, by_role.iloc[:-1])


def test_quotes_and_framework_are_scrubbed_and_role_only(tiny):
    data, people, seg = tiny
    scrub = privacy.scrubber_for(people)
    quotes = summaries.quotes(seg, ["T1", "T2"], scrub, per_theme=2)
    assert quotes.values.tolist() == [
        ["T1", "clinical director", "focus group", "[name] said so"],
        ["T1", "participant", "interview", "eee"],
        ["T2", "board member", "focus group", "ccc"],
        ["T2", "board member", "focus group", "ddd"],
    ]  # "eee" was quoted for T1 and T2 has others
    assert "P1" not in " ".join(quotes["quote"]) and "Ann" not in " ".join(quotes["quote"])
    frame = summaries.framework_matrix(seg, people, ["T1", "T2"], scrub)
    assert frame.values.tolist() == [
        ["P3", "board member", "", "1 ref: ccc"],
        ["P4", "board member", "", "1 ref: ddd"],
        ["P1", "clinical director", "1 ref: [name] said so", ""],
        ["P2", "clinical director", "1 ref: bbb", ""],
        ["I1", "participant", "1 ref: eee", "1 ref: eee"],
    ]
    assert scrub.replaced_names == 2


def test_workbook_neutralises_formulas_and_is_byte_stable():
    frame = pd.DataFrame({"text": ["=1+1", "-2", "@SUM(A1)", "+x", "plain"], "n": [1, 2, 3, 4, np.nan]})
    first = summaries.workbook_bytes({"Sheet A": frame}, ["SYNTHETIC note"])
    assert first == summaries.workbook_bytes({"Sheet A": frame}, ["SYNTHETIC note"])
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert "2000-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()
    wb = load_workbook(io.BytesIO(first))
    ws = wb["Sheet A"]
    cells = [ws.cell(r, 1) for r in range(2, 7)]
    assert [c.value for c in cells] == ["=1+1", "-2", "@SUM(A1)", "+x", "plain"]
    assert [c.data_type for c in cells] == ["s"] * 5
    assert [c.quotePrefix for c in cells] == [True, True, True, True, False]
    assert [ws.cell(r, 2).value for r in range(2, 7)] == [1, 2, 3, 4, None]
    assert wb["About"]["A2"].value == "SYNTHETIC note"


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["S1", "S2"]),
        st.sampled_from(["T > a", "T > b", "U > c"]),
        st.integers(0, 20),
        st.integers(0, 10),
        st.sampled_from(["A", "B"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(rows=ROWS)
def test_property_cooccurrence_matches_brute_force_and_accounting_holds(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("p")
    lines = ["source,speaker,code,text,start,end,coder"]
    lines += [
        f"{src},,{code},t{start},{start},{start + length},{coder}" for src, code, start, length, coder in rows
    ]
    (folder / "coded_segments.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = segments.load_folder(folder, {})
    people = summaries.label_participants(data, {})
    seg = summaries.annotate(data, people)
    matrix = summaries.cooccurrence(seg, data.codes)
    # brute force over every pair of summarised codings, straight from the rows
    recs = [(r.source, r.code, int(r.start), int(r.end), r.segment_id) for r in seg.itertuples()]
    for x in matrix.index:
        for y in matrix.columns:
            if x == y:
                expected = sum(1 for r in recs if r[1] == x)
            else:
                expected = sum(
                    1
                    for i, p in enumerate(recs)
                    for q in recs[i + 1 :]
                    if p[0] == q[0]
                    and {p[1], q[1]} == {x, y}
                    and (p[4] == q[4] or (p[2] < q[3] and q[2] < p[3]))
                )
            assert matrix.at[x, y] == expected
    by_role = summaries.themes_by_role(seg, people, summaries.themes_of(data))
    table = summaries.accounting(data, by_role)
    assert table["count"].iloc[0] == len(rows)
