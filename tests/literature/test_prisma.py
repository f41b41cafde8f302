"""PRISMA 2020 counts: from a tiny record flow, the identities, errors, the diagram's text."""

import matplotlib
import pandas as pd
import pytest

from helpers.literature import prisma


def flow_inputs():
    # 9 identified records: u1 found by A, B, C (2 duplicates), u2 by A and B (1 duplicate), u3-u6 once
    records = pd.DataFrame(
        {
            "record_id": ["a:1", "b:1", "c:1", "a:2", "b:2", "a:3", "b:3", "c:2", "r:1"],
            "database": ["A", "B", "C", "A", "B", "A", "B", "C", "Reg"],
            "source_type": ["database"] * 8 + ["register"],
            "unique_id": ["a:1", "a:1", "a:1", "a:2", "a:2", "a:3", "b:3", "c:2", "r:1"],
        }
    )
    records["is_duplicate"] = records["record_id"] != records["unique_id"]
    decisions = pd.DataFrame(
        {
            "unique_id": ["a:1", "a:2", "a:3", "b:3", "c:2", "r:1"],
            "status": [
                "included",
                "included",
                "excluded_screening",
                "not_retrieved",
                "excluded_full_text",
                "excluded_full_text",
            ],
            "exclusion_reason": ["", "", "", "", "wrong setting", "not empirical"],
        }
    )
    return records, decisions


def test_counts_and_identities():
    records, decisions = flow_inputs()
    flow = prisma.record_flow(records, decisions)
    assert flow["status"].value_counts().to_dict() == {
        "duplicate_removed": 3,
        "excluded_full_text": 2,
        "included": 2,
        "excluded_screening": 1,
        "not_retrieved": 1,
    }
    c = prisma.prisma_counts(flow, studies_of_reports={"a:1": "S1", "a:2": "S1"})
    expected = {
        "database_results": 8,
        "database_specific_results": "A, 3; B, 3; C, 2",
        "register_results": 1,
        "register_specific_results": "Reg, 1",
        "duplicates": 3,
        "records_screened": 6,
        "records_excluded": 1,
        "dbr_sought_reports": 5,
        "dbr_notretrieved_reports": 1,
        "dbr_assessed": 4,
        "dbr_excluded": "not empirical, 1; wrong setting, 1",
        "new_reports": 2,
        "new_studies": 1,
        "total_reports": 2,
        "total_studies": 1,
        "excluded_automatic": 0,
        "website_results": 0,
    }
    assert {k: c[k] for k in expected} == expected
    table = prisma.counts_table(c)
    assert list(table.columns) == ["data", "n"] and table["data"].tolist() == prisma.FIELDS
    shown = prisma.counts_report_table(c)  # the report's words, the same numbers in the same order
    assert list(shown.columns) == ["PRISMA 2020 step", "n"] and shown["n"].tolist() == table["n"].tolist()
    assert shown["PRISMA 2020 step"].tolist()[9:11] == [
        "Duplicate records removed",
        "Records marked as ineligible by automation tools",
    ]
    assert shown["PRISMA 2020 step"].is_unique and set(prisma.FIELD_LABELS) == set(prisma.FIELDS)
    assert prisma.exclusion_reasons_table(c).values.tolist() == [["not empirical", 1], ["wrong setting", 1]]
    db = prisma.database_table(flow).set_index("database")
    # A: a:1, a:2, a:3 (a:3 only in A); B: a:1, a:2, b:3 (b:3 only here); C: a:1, c:2 (c:2 only here)
    assert db.loc["A"].tolist() == [3, 3, 1, 2, 0]
    assert db.loc["B"].tolist() == [3, 3, 1, 2, 0]
    assert db.loc["C"].tolist() == [2, 2, 1, 1, 0]
    assert db.loc["Reg"].tolist() == [1, 1, 1, 0, 0]


def test_pending_records_stop_the_count():
    records, decisions = flow_inputs()
    decisions.loc[decisions["unique_id"] == "a:3", "status"] = "awaiting_screening"
    flow = prisma.record_flow(records, decisions)
    with pytest.raises(
        prisma.PrismaError, match=r"1 records have no final screening decision \(e\.g\. a:3\)"
    ):
        prisma.prisma_counts(flow)
    c = prisma.prisma_counts(flow, allow_pending=True)
    assert c["awaiting_classification"] == 1


def test_missing_decision_is_an_error():
    records, decisions = flow_inputs()
    with pytest.raises(
        prisma.PrismaError, match="1 unique records have no row in the decisions table, e.g. r:1"
    ):
        prisma.record_flow(records, decisions.iloc[:-1])


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"duplicates": 2},
            r"identified \(9\) - duplicates \(2\) - automation \(0\) - other \(0\) = 7, but records screened = 6",
        ),
        ({"records_excluded": 2}, r"screened \(6\) - excluded \(2\) = 4, but reports sought = 5"),
        ({"dbr_assessed": 5}, r"sought \(5\) - not retrieved \(1\) = 4, but reports assessed = 5"),
        (
            {"new_reports": 3, "total_reports": 3},
            r"assessed \(4\) - excluded with reasons \(2\) = 2, but reports of included studies = 3",
        ),
        ({"new_studies": 3, "total_studies": 3}, r"studies included \(3\) > reports \(2\)"),
        (
            {"database_specific_results": "A, 3; B, 3; C, 1"},
            r"database_specific_results add up to 7, but database_results = 8",
        ),
        ({"dbr_excluded": "not empirical, one"}, r"cannot read 'not empirical, one'"),
    ],
)
def test_identity_failures(change, message):
    records, decisions = flow_inputs()
    c = prisma.prisma_counts(
        prisma.record_flow(records, decisions), studies_of_reports={"a:1": "S1", "a:2": "S1"}
    )
    c.update(change)
    with pytest.raises(prisma.PrismaError, match=message):
        prisma.check_prisma(c)


def test_diagram_text_and_figure():
    matplotlib.use("Agg")
    records, decisions = flow_inputs()
    c = prisma.prisma_counts(prisma.record_flow(records, decisions))
    rows = prisma.flow_diagram_text(c)
    assert [r[0] for r in rows] == ["Identification", "Screening", "Screening", "Screening", "Included"]
    assert rows[0][1].splitlines() == [
        "Records identified from:",
        "Databases (n = 8)",
        "    A (n = 3)",
        "    B (n = 3)",
        "    C (n = 2)",
        "Registers (n = 1)",
        "    Reg (n = 1)",
    ]
    assert "Duplicate records removed (n = 3)" in rows[0][2]
    assert rows[3][2].splitlines() == [
        "Reports excluded:",
        "    not empirical (n\xa0=\xa01)",
        "    wrong setting (n\xa0=\xa01)",
    ]
    assert rows[4][1] == "Studies included in review\n(n = 2)\nReports of included studies\n(n = 2)"
    fig = prisma.draw_prisma_flow(c)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Records screened\n(n = 6)" in texts and "Identification" in texts and "Included" in texts
    arrows = [p for p in fig.axes[0].texts if hasattr(p, "arrow_patch") and p.arrow_patch is not None]
    assert len(arrows) == 4 + 4  # four main-column arrows down, four to the exclusion boxes
    c["duplicates"] = 0
    with pytest.raises(prisma.PrismaError):
        prisma.draw_prisma_flow(c)
