"""Summaries on a tiny coded-segments table whose every number is worked out by hand below."""

import io
import types
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from helpers import disclosure
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


def test_published_labels_per_context_without_counts(tiny):
    """Notebook 04's participants table: the labels each context uses, no counts of people (it
    printed role group x label x count: a lone chief executive's 1 under the label hiding them)."""
    _, people, _ = tiny
    table = summaries.published_labels(people)
    assert table.values.tolist() == [
        ["focus group", "FG1", "board member, clinical director"],
        ["interview", "all interviews", "participant"],
    ]
    assert list(table.columns) == ["setting", "context", "role_labels"]


def test_themes_by_role_published_under_the_disclosure_rule(tiny):
    """Issue 13: participants are people. At threshold 2 (1 suppressed), by hand from the table
    of test_themes_by_role_by_hand: T1 participants 0 / 2 / 1 of 3 -> the participant's 1 is
    primary, the clinical directors' 2 secondary (else 3 - 0 - 2 = 1); T2 2 / 0 / 1 of 3 -> 1
    primary, the board members' 2 secondary. Participants in role 2 / 2 / 1 of 5: the 1
    primary, the board members' 2 (the first smallest part) secondary, in every theme alike."""
    data, people, seg = tiny
    table = summaries.themes_by_role(seg, people, summaries.themes_of(data))
    published = summaries.protect_themes_by_role(table, disclosure.Rule("threshold", 2, "*"), seg)
    assert published.values.tolist() == [
        ["T1", "all roles", 3, 4, 3, 2, 5],
        ["T1", "board member", 0, 0, 0, 0, "*"],
        ["T1", "clinical director", 2, 3, "*", 1, 2],
        ["T1", "participant", 1, 1, "*", 1, "*"],
        ["T2", "all roles", 3, 3, 3, 2, 5],
        ["T2", "board member", 2, 2, "*", 1, "*"],
        ["T2", "clinical director", 0, 0, 0, 0, 2],
        ["T2", "participant", 1, 1, "*", 1, "*"],
    ]
    assert not len(disclosure.violations(published, summaries.PEOPLE_COUNTS, rule="threshold", min_count=2))
    # the one-line summary ranks a suppressed count under any shown one, ties by references
    assert summaries.prevalence_notes(published).values.tolist() == [
        ["T1", 3, 3, 2, "clinical director"],
        ["T2", 3, 3, 2, "board member"],
    ]
    # at threshold 5 every count is small: the totals too
    five = summaries.protect_themes_by_role(table, disclosure.Rule("threshold", 5, "*"), seg)
    assert list(five["participants"]) == ["*", 0, "*", "*", "*", "*", 0, "*"]
    assert list(five["participants_in_role"]) == [5, "*", "*", "*", 5, "*", "*", "*"]


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
    # issue 14: the unit is the whole transcripts both coders worked on (FG1, INT1), every
    # passage either coded there, "not coded" counted: FG1 0-10, 5-15, 20-30, 25-35, INT1 0-10.
    # A: {a,b}, {a}, {c}, {c}, {b,c}; B: {a}, -, {c}, -, {a}.
    # a: A=[1,1,0,0,0] B=[1,0,0,0,1]: po=3/5, pe=.4*.4+.6*.6=.52, kappa=.08/.48=0.17
    # b: A=[1,0,0,0,1] B=[0,0,0,0,0]: po=3/5, pe=.6, kappa=0
    # c: A=[0,0,1,1,1] B=[0,0,1,0,0]: po=3/5, pe=.6*.2+.4*.8=.44, kappa=.16/.56=0.29
    assert table[
        [
            "code",
            "transcripts",
            "passages",
            "both",
            "primary_only",
            "second_only",
            "neither",
            "percent_agreement",
            "kappa",
        ]
    ].values.tolist() == [
        ["a", 2, 5, 1, 1, 1, 2, 60, 0.17],
        ["b", 2, 5, 0, 2, 0, 3, 60, 0.0],
        ["c", 2, 5, 1, 2, 0, 2, 60, 0.29],
    ]
    assert set(table["second_coder"]) == {"B"} and set(table["interval"]) == {"asymptotic"}


def test_agreement_at_perfect_agreement_reports_a_one_sided_bound(tmp_path):
    rows = [
        ("S1", "x", "a", f"p{i}", i * 10, i * 10 + 5, coder)
        for i in range(8)
        for coder in ("A", "B")
        if i < 3
    ] + [("S1", "x", "b", f"p{i}", i * 10, i * 10 + 5, coder) for i in range(3, 8) for coder in ("A", "B")]
    seg = pd.DataFrame(rows, columns=["source", "speaker", "code", "text", "start", "end", "coder"])
    seg, primary = segments.mark_agreement_codings(seg, "A")
    data = types.SimpleNamespace(
        segments=seg, primary_coder=primary, codes=pd.DataFrame({"label": ["a", "b"]})
    )
    table = summaries.agreement(data)
    # 8 passages, every one coded alike: kappa 1 with the exact one-sided bound, not 1.0 to 1.0
    row = table.iloc[0]
    assert (row["kappa"], row["ci_high"], row["interval"]) == (1.0, 1.0, "exact lower bound")
    chance = (3 / 8) ** 2 + (5 / 8) ** 2
    assert row["ci_low"] == round((0.05 ** (1 / 8) - chance) / (1 - chance), 2) < 1


def test_multi_coder_agreement_is_krippendorffs_alpha_by_hand():
    # three coders, five passages of one transcript, code "a" applied as below (1 = applied)
    applied = {"A": [1, 0, 1, 1, 0], "B": [1, 0, 0, 1, 0], "C": [1, 1, 1, 1, 0]}
    rows = [
        ("S1", "x", "a" if applied[c][i] else "z", f"p{i}", i * 10, i * 10 + 5, c)
        for c in applied
        for i in range(5)
    ]
    seg = pd.DataFrame(rows, columns=["source", "speaker", "code", "text", "start", "end", "coder"])
    seg, primary = segments.mark_agreement_codings(seg, "A")
    data = types.SimpleNamespace(
        segments=seg, primary_coder=primary, codes=pd.DataFrame({"label": ["a", "z"]})
    )
    table = summaries.multi_coder_agreement(data)
    # by hand, coincidence matrix: o00=4, o11=7, o01=o10=2, n=15, n0=6, n1=9;
    # alpha = 1 - (4/15) / (2*6*9/(15*14)) = 0.4815
    assert table.loc[0, ["code", "coders", "transcripts", "passages"]].tolist() == ["a", 3, 1, 5]
    assert table.loc[0, "alpha"] == round(1 - (4 / 15) / (108 / 210), 2) == 0.48
    assert summaries.multi_coder_agreement(
        types.SimpleNamespace(segments=seg[seg["coder"] != "C"], primary_coder="A", codes=data.codes)
    ).empty


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
    # I1, the only interviewee, is the only "participant" among the interviews: never quoted
    assert quotes.values.tolist() == [
        ["T1", "clinical director", "focus group", "clinical director, focus group", "[name] said so"],
        ["T1", "clinical director", "focus group", "clinical director, focus group", "bbb"],
        ["T2", "board member", "focus group", "board member, focus group", "ccc"],
        ["T2", "board member", "focus group", "board member, focus group", "ddd"],
    ]
    assert "P1" not in " ".join(quotes["quote"]) and "Ann" not in " ".join(quotes["quote"])
    frame = summaries.framework_matrix(seg, people, ["T1", "T2"], scrub)
    assert frame.values.tolist() == [
        ["P3", "board member", "", "1 ref: ccc"],
        ["P4", "board member", "", "1 ref: ddd"],
        ["P1", "clinical director", "1 ref: [name] said so", ""],
        ["P2", "clinical director", "1 ref: bbb", ""],
        ["", summaries.NOT_LISTED, f"1 ref: {summaries.UNQUOTED}", f"1 ref: {summaries.UNQUOTED}"],
    ]  # I1 (the only interviewee: its pseudonym says so) folded into an unlisted row (issue 13)
    assert scrub.replaced_names == 2
    assert summaries.unquoted_passages(seg) == 1  # I1's one passage "eee", coded twice
    table = summaries.accounting(data, summaries.themes_by_role(seg, people, ["T1", "T2"]), unquoted=1)
    assert table.values.tolist()[-1] == [
        "coded passages not quoted: the only participant with their label in their group",
        1,
    ]


LONE = """pseudonym,role_group,group,setting,name
A1,clinical director,FG1,focus group,
A2,clinical director,FG1,focus group,
A3,chief executive,FG1,focus group,
A4,chief executive,FG1,focus group,
B1,directorate manager,FG2,focus group,
B2,directorate manager,FG2,focus group,
B3,chief executive,FG2,focus group,
"""
LONE_SEGMENTS = """source,speaker,code,text,start,end,coder
FG1,A1,T1 > a,we agree,0,10,A
FG1,A3,T1 > a,the board decided,20,30,A
FG2,B1,T1 > a,on the wards,0,10,A
FG2,B3,T1 > a,as the one who signs the budget,20,40,A
FG2,B3,T1 > b,I told the regulator,50,70,A
"""


def test_a_lone_chief_executive_whose_fallback_label_is_unique_is_not_quoted(tmp_path):
    """A tiny synthetic project: FG2 is two directorate managers and one chief executive. Before:
    B3 was published as "participant" and quoted; a reader who knows FG2 had one chief executive
    knows who "participant, focus group" in FG2 is. After: B3 (the only "participant" in FG2) is
    not quoted, the framework matrix shows their references without excerpts or pseudonym, and
    the 2 passages are counted; FG1's two chief executives share "chief executive" and are quoted."""
    (tmp_path / "coded_segments.csv").write_text(LONE_SEGMENTS, encoding="utf-8")
    (tmp_path / "participants.csv").write_text(LONE, encoding="utf-8")
    data = segments.load_folder(tmp_path, {})
    people = summaries.label_participants(data, RULE).set_index("pseudonym")
    assert people.loc["B3", ["role", "quotable"]].tolist() == ["participant", False]
    assert people["quotable"].drop("B3").all()
    seg = summaries.annotate(data, people.reset_index())
    scrub = privacy.scrubber_for(people.reset_index())
    quotes = summaries.quotes(seg, ["T1"], scrub, per_theme=10)
    assert sorted(quotes["quote"]) == ["on the wards", "the board decided", "we agree"]
    assert "participant" not in set(quotes["role"])
    frame = summaries.framework_matrix(seg, people.reset_index(), ["T1"], scrub)
    assert "B3" not in set(frame["participant"])  # before: B3, "participant", 2 refs
    assert frame.values.tolist()[-1] == ["", summaries.NOT_LISTED, f"2 refs: {summaries.UNQUOTED}"]
    assert summaries.unquoted_passages(seg) == 2
    # how many participants is not said (a count of people, here 1: issue 13, prose read by the audit)
    assert summaries.unquoted_note(seg).startswith(
        "2 coded passages not quoted: each is by a participant whose"
    )


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
    # "-2" is a plain number stored as text: not a formula, so no quote prefix (helpers.outputs.is_formula)
    assert [c.quotePrefix for c in cells] == [True, False, True, True, False]
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
