"""Deduplication: each rule, transitivity, order independence, overrides, the log."""

import pandas as pd
import pytest

from helpers.files import InputError
from helpers.literature import dedup
from helpers.literature.parsers import RECORD_COLUMNS


def recs(*rows):
    """rows: (record_id, title, first author, year, doi, pmid)."""
    out = []
    for rid, title, author, year, doi, pmid in rows:
        out.append(
            {
                "record_id": rid,
                "source_file": rid.split(":")[0],
                "database": rid.split(".")[0],
                "format": "x",
                "position": int(rid.split(":")[1]),
                "title": title,
                "authors": author,
                "first_author_surname": author,
                "year": year,
                "journal": None,
                "doi": doi,
                "pmid": pmid,
                "abstract": None,
            }
        )
    df = pd.DataFrame(out, columns=RECORD_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    return df


BASE = recs(
    (
        "a.ris:1",
        "Views of doctors and managers on the doctor-manager relationship",
        "davies",
        2003,
        "10.1/x",
        None,
    ),
    (
        "b.csv:1",
        "Views of doctors and managers on the doctor manager relationship.",
        "davies",
        2003,
        "10.1/x",
        "12649235",
    ),
    (
        "c.txt:1",
        "VIEWS OF DOCTORS AND MANAGERS ON THE DOCTOR-MANAGER RELATIONSHIP",
        "davies",
        2004,
        None,
        "12649235",
    ),
    ("c.txt:2", "Doctors and managers", "edwards", 2003, None, None),
    ("a.ris:2", "Doctors and managers: a problem without a solution?", "edwards", 2003, None, None),
    (
        "b.csv:2",
        "Professional identity and role transitions in clinical managers",
        "spehar",
        2015,
        None,
        None,
    ),
    ("c.txt:3", "Professional identity and role transition in clinical managers", None, 2016, None, None),
    (
        "a.ris:3",
        "Professional identity and role transitions in clinical managers",
        "spehar",
        2012,
        None,
        None,
    ),
)


def test_rules_and_log():
    result = dedup.deduplicate(BASE)
    groups = result.records.set_index("record_id")["unique_id"].to_dict()
    assert groups == {
        "a.ris:1": "a.ris:1",
        "b.csv:1": "a.ris:1",
        "c.txt:1": "a.ris:1",  # DOI, then PMID
        "c.txt:2": "c.txt:2",
        "a.ris:2": "a.ris:2",  # short title != long title
        "b.csv:2": "b.csv:2",
        "c.txt:3": "b.csv:2",  # fuzzy: no author on one side
        "a.ris:3": "a.ris:3",
    }  # 2012 vs 2015: too far apart
    log = result.log
    assert log[["unique_id", "record_a", "record_b", "rule", "action"]].values.tolist() == [
        ["a.ris:1", "a.ris:1", "b.csv:1", "doi", "merged"],
        ["a.ris:1", "b.csv:1", "c.txt:1", "pmid", "merged"],
        ["b.csv:2", "b.csv:2", "c.txt:3", "fuzzy_title", "merged"],
    ]
    assert result.n_duplicates == 3 == (log["action"] == "merged").sum()
    # the score is rapidfuzz's ratio of the normalised titles (one 's' deleted out of 125 characters)
    assert log["score"].iloc[2] == pytest.approx(round(100 * (1 - 1 / 125), 1))
    unique = result.unique.set_index("unique_id")
    assert unique.loc["a.ris:1", "n_records"] == 3
    assert unique.loc["a.ris:1", "pmid"] == "12649235" and unique.loc["a.ris:1", "doi"] == "10.1/x"
    assert unique.loc["a.ris:1", "record_ids"] == "a.ris:1; b.csv:1; c.txt:1"
    assert len(result.unique) == 5


def test_title_year_author_rule_and_year_tolerance():
    df = recs(
        ("a.ris:1", "Doctors as managers: investors and reluctants", "forbes", 2004, None, None),
        ("b.ris:1", "Doctors as Managers - Investors and Reluctants", "forbes", 2005, None, None),
        ("c.ris:1", "Doctors as managers: investors and reluctants", "forbes", 2007, None, None),
        ("d.ris:1", "Doctors as managers: investors and reluctants", "hallier", 2004, None, None),
    )
    result = dedup.deduplicate(df)
    assert result.log[["record_a", "record_b", "rule"]].values.tolist() == [
        ["a.ris:1", "b.ris:1", "title_year_author"]
    ]
    wide = dedup.deduplicate(df, year_tolerance=3)
    assert wide.records["unique_id"].tolist() == ["a.ris:1", "a.ris:1", "a.ris:1", "d.ris:1"]


def test_same_doi_different_titles_is_flagged_not_merged():
    df = recs(
        (
            "a.ris:1",
            "Clinicians on the board: what difference does it make?",
            "veronesi",
            2013,
            "10.1/y",
            None,
        ),
        ("b.ris:1", "Cerebellar circuitry as a neuronal machine", "voogd", 2006, "10.1/y", None),
    )
    result = dedup.deduplicate(df)
    assert result.n_duplicates == 0
    assert result.log[["rule", "action"]].values.tolist() == [["doi_conflict", "flagged_for_review"]]


def test_order_independent_and_transitive():
    first = dedup.deduplicate(BASE)
    shuffled = dedup.deduplicate(BASE.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(first.log, shuffled.log)
    pd.testing.assert_frame_equal(first.unique, shuffled.unique)
    assert first.records.set_index("record_id")["unique_id"].equals(
        shuffled.records.set_index("record_id")["unique_id"]
    )


def test_overrides_force_and_forbid(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(
        "record_id_a,record_id_b,action,reason\n"
        "c.txt:2,a.ris:2,merge,same editorial\n"
        "a.ris:1,c.txt:1,separate,different versions\n",
        encoding="utf-8",
    )
    overrides = dedup.read_overrides(path, BASE["record_id"])
    result = dedup.deduplicate(BASE, overrides=overrides)
    groups = result.records.set_index("record_id")["unique_id"]
    assert groups["c.txt:2"] == groups["a.ris:2"] == "a.ris:2"
    assert groups["a.ris:1"] == groups["b.csv:1"] == "a.ris:1"
    assert groups["c.txt:1"] == "c.txt:1"  # every link to c.txt:1 would join a forbidden pair
    blocked = result.log[result.log["action"] == "blocked_by_override"]
    assert blocked[["record_a", "record_b", "rule"]].values.tolist() == [
        ["a.ris:1", "c.txt:1", "title_year_author"],
        ["b.csv:1", "c.txt:1", "pmid"],
        ["b.csv:1", "c.txt:1", "title_year_author"],
    ]
    assert "override keeps a.ris:1 and c.txt:1 apart" in blocked["detail"].iloc[0]
    manual = result.log[result.log["rule"] == "manual_merge"]
    assert manual[["record_a", "record_b", "detail"]].values.tolist() == [
        ["a.ris:2", "c.txt:2", "same editorial"]
    ]


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "a.ris:1,zzz:9,merge,x\n",
            r"o\.csv, row 2, column 'record_id_b': unknown record id .*\(found 'zzz:9'\)",
        ),
        (
            "a.ris:1,b.csv:1,join,x\n",
            r"o\.csv, row 2, column 'action': action must be one of merge, separate \(found 'join'\)",
        ),
        (
            "a.ris:1,a.ris:1,merge,x\n",
            r"o\.csv, row 2, column 'record_id_b': a record cannot be paired with itself",
        ),
        (
            "a.ris:1,b.csv:1,merge,x\nb.csv:1,a.ris:1,separate,y\n",
            r"o\.csv, rows 2, 3: the same pair is both merged and separated",
        ),
        ("a.ris:1,b.csv:1\n", r"o\.csv, row 2: 2 fields but the header has 4"),
    ],
)
def test_override_file_errors(tmp_path, body, message):
    path = tmp_path / "o.csv"
    path.write_text("record_id_a,record_id_b,action,reason\n" + body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        dedup.read_overrides(path, BASE["record_id"])


def test_override_file_missing_column(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"o\.csv, row 1: missing column\(s\) record_id_a, record_id_b, action"
    ):
        dedup.read_overrides(path, [])


def test_duplicate_record_ids_are_refused():
    with pytest.raises(ValueError, match="'a.ris:1' repeats"):
        dedup.deduplicate(pd.concat([BASE.iloc[:1], BASE.iloc[:1]]))


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TITLES = [
    "Doctors and managers: building a new relationship",
    "Doctors and managers building a new relationship.",
    "Clinicians on the board: what difference does it make?",
    "Trends in doctor-manager relationships",
]


@st.composite
def record_sets(draw):
    n = draw(st.integers(1, 9))
    rows = []
    for i in range(n):
        rows.append(
            (
                f"{draw(st.sampled_from(['a.ris', 'b.csv', 'c.txt']))}:{i + 1}",
                draw(st.sampled_from(TITLES)),
                draw(st.sampled_from(["edwards", "veronesi", None])),
                draw(st.sampled_from([2003, 2004, 2006])),
                draw(st.sampled_from(["10.1/a", "10.1/b", None])),
                draw(st.sampled_from(["1", None])),
            )
        )
    return recs(*rows)


@settings(max_examples=60, deadline=None)
@given(record_sets(), st.randoms(use_true_random=False))
def test_property_order_independent_and_closed(df, rnd):
    first = dedup.deduplicate(df)
    order = list(range(len(df)))
    rnd.shuffle(order)
    again = dedup.deduplicate(df.iloc[order])
    pd.testing.assert_frame_equal(first.log, again.log)
    pd.testing.assert_frame_equal(first.unique, again.unique)
    groups = first.records.set_index("record_id")["unique_id"]
    # every record is kept once: groups partition the records, and each group's id is its first member
    assert first.unique["n_records"].sum() == len(df)
    assert all(
        uid == min(first.records.loc[first.records["unique_id"] == uid, "record_id"], key=dedup.record_key)
        for uid in groups.unique()
    )
    # closure: two records with the same PMID always end in the same group (no override here)
    with_pmid = first.records[first.records["pmid"].notna()]
    assert with_pmid.groupby("pmid")["unique_id"].nunique().le(1).all()
    assert first.n_duplicates == (first.log["action"] == "merged").sum()
