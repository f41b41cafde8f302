import math

import numpy as np
import pandas as pd
import pytest

from helpers import disclosure


def test_from_params_reads_the_section_and_defaults():
    rule = disclosure.from_params({"disclosure": {"rule": "nhs", "min_count": 10, "marker": "c"}})
    assert (rule.rule, rule.min_count, rule.marker, rule.upper) == ("nhs", 10, "c", 7)
    assert disclosure.from_params({}) == disclosure.Rule("threshold", 5, "*")
    with pytest.raises(ValueError, match="unknown disclosure rule 'round'"):
        disclosure.from_params({"disclosure": {"rule": "round"}})
    with pytest.raises(ValueError, match="unknown setting"):
        disclosure.from_params({"disclosure": {"minimum": 3}})
    with pytest.raises(ValueError, match="positive integer"):
        disclosure.Rule(min_count=0)


def test_threshold_primary_suppression_and_percentages():
    t = pd.DataFrame({"group": ["a", "b", "c"], "n": [0, 4, 12], "pct": [0.0, 20.0, 60.0]})
    out = disclosure.suppress(t, ["n"], ["pct"])
    assert out["n"].tolist() == [0, "*", 12]
    assert out["pct"].tolist() == [0.0, "*", 60.0]
    assert out["n"].dtype == object
    assert t["n"].tolist() == [0, 4, 12]  # input untouched


def test_min_count_boundary():
    t = pd.DataFrame({"n": [1, 4, 5, 9, 10]})
    assert disclosure.suppress(t, ["n"], min_count=10)["n"].tolist() == ["*"] * 4 + [10]
    assert disclosure.suppress(t, ["n"], min_count=5)["n"].tolist() == ["*", "*", 5, 9, 10]


def test_group_secondary_suppression_hides_the_smallest_other_cell():
    # Roles of one item: the role counts add up to a total a reader may know.
    t = pd.DataFrame(
        {"item": ["x"] * 4 + ["y"] * 4, "role": list("ABCD") * 2, "n": [3, 20, 9, 40, 3, 2, 30, 40]}
    )
    out, log = disclosure.suppress_with_log(t, ["n"], group_cols=["item"])
    # x: 3 suppressed alone -> the smallest other (9) goes too; y: two primaries already.
    assert out["n"].tolist() == ["*", 20, "*", 40, "*", "*", 30, 40]
    assert log.to_dict("records") == [
        {"row": 0, "column": "n", "value": 3, "reason": "primary: count 1-4"},
        {
            "row": 2,
            "column": "n",
            "value": 9,
            "reason": "secondary: else row 0 'n' = the 'n' total of its group minus the rest",
        },
        {"row": 4, "column": "n", "value": 3, "reason": "primary: count 1-4"},
        {"row": 5, "column": "n", "value": 2, "reason": "primary: count 1-4"},
    ]


def test_group_secondary_skips_zero_cells():
    t = pd.DataFrame({"g": ["x"] * 3, "n": [2, 0, 7]})
    assert disclosure.suppress(t, ["n"], group_cols=["g"])["n"].tolist() == ["*", 0, "*"]


def test_row_total_with_full_distribution():
    # Distribution of one row adds up to n_valid: one small cell needs a complement.
    t = pd.DataFrame({"n_valid": [30, 30], "n_disagree": [3, 10], "n_neutral": [12, 10], "n_agree": [15, 10]})
    out = disclosure.suppress(
        t,
        ["n_valid", "n_disagree", "n_neutral", "n_agree"],
        row_totals={"n_valid": ["n_disagree", "n_neutral", "n_agree"]},
    )
    assert out.iloc[0].tolist() == [30, "*", "*", 15]
    assert out.iloc[1].tolist() == [30, 10, 10, 10]


def test_row_total_with_small_unpublished_remainder():
    # 38 of 40 agree: the 2 who did not are recoverable as 40 - 38, so n_agree is hidden.
    t = pd.DataFrame(
        {"n_valid": [40, 40, 40, 3], "n_agree": [38, 35, 3, 3], "pct_agree": [95.0, 87.5, 7.5, 100.0]}
    )
    out = disclosure.suppress(
        t,
        ["n_valid", "n_agree"],
        {"pct_agree": ("n_agree", "n_valid")},
        marker=None,
        row_totals={"n_valid": ["n_agree"]},
    )
    assert out["n_valid"].tolist() == [40, 40, 40, pd.NA]
    assert out["n_agree"].tolist() == [pd.NA, 35, pd.NA, pd.NA]
    assert out["n_agree"].dtype == "Int64"
    pct = out["pct_agree"].tolist()
    assert math.isnan(pct[0]) and pct[1] == 87.5 and math.isnan(pct[2]) and math.isnan(pct[3])


def test_derived_columns_follow_their_sources():
    t = pd.DataFrame({"n_valid": [20, 20], "n_agree": [2, 10], "ci_low": [1.0, 29.0]})
    out = disclosure.suppress(t, ["n_valid", "n_agree"], derived={"ci_low": ["n_agree", "n_valid"]})
    assert out["ci_low"].tolist() == ["*", 29.0]

    def half(shown):
        return 100 * shown["n_agree"] / shown["n_valid"]

    out = disclosure.suppress(t, ["n_valid", "n_agree"], derived={"ci_low": half})
    assert out["ci_low"].tolist() == ["*", 50.0]


def test_nhs_rule_rounds_and_recomputes_percentages():
    t = pd.DataFrame(
        {
            "n_valid": [0, 7, 8, 12, 13, 103],
            "n_agree": [0, 0, 8, 8, 13, 78],
            "pct": [np.nan, 0.0, 100.0, 66.7, 100.0, 75.7],
        }
    )
    out = disclosure.suppress(t, ["n_valid", "n_agree"], {"pct": ("n_agree", "n_valid")}, rule="nhs")
    assert out["n_valid"].tolist() == [0, "*", 10, 10, 15, 105]
    assert out["n_agree"].tolist() == [0, 0, 10, 10, 15, 80]
    assert out["pct"].tolist()[1:] == ["*", 100.0, 100.0, 100.0, pytest.approx(100 * 80 / 105)]
    assert math.isnan(out["pct"].tolist()[0])
    with pytest.raises(ValueError, match="must be recomputed by a function"):
        disclosure.suppress(t, ["n_valid"], derived={"pct": ["n_valid"]}, rule="nhs")


def test_bad_counts_and_columns_are_named():
    with pytest.raises(KeyError, match="n_missing"):
        disclosure.suppress(pd.DataFrame({"n": [1]}), ["n_missing"])
    with pytest.raises(
        ValueError, match=r"column 'n' row 1: counts must be non-negative whole numbers \(found 2.5\)"
    ):
        disclosure.suppress(pd.DataFrame({"n": [1, 2.5]}), ["n"])
    with pytest.raises(
        ValueError, match="row 0: cells \\[\"row 0 'n_agree'\"\\] add up to more than 'n_valid'"
    ):
        disclosure.suppress(
            pd.DataFrame({"n_valid": [5], "n_agree": [6]}),
            ["n_valid", "n_agree"],
            row_totals={"n_valid": ["n_agree"]},
        )


def test_violations_scan_a_written_csv(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("group,n,n_agree,pct\na,12,*,\nb,3,10,50\nc,0,7,x\nd,8,,10\n", encoding="utf-8")
    found = disclosure.violations(path)
    assert found.to_dict("records") == [
        {"row": 1, "column": "n", "value": "3", "problem": "count 1-4 shown"},
    ]
    nhs = disclosure.violations(path, rule="nhs")
    assert nhs[["row", "column", "value"]].values.tolist() == [
        [0, "n", "12"],
        [1, "n", "3"],
        [3, "n", "8"],
        [2, "n_agree", "7"],
    ]
    grouped = disclosure.violations(pd.DataFrame({"g": ["x", "x"], "n": ["*", "9"]}), group_cols=["g"])
    assert grouped["problem"].tolist() == ["only suppressed cell of its group"]
    assert disclosure.count_columns(
        pd.DataFrame(columns=["n", "n_valid", "item_n", "count_people", "name", "pct"])
    ) == ["n", "n_valid", "item_n", "count_people"]


def test_suppressed_output_passes_its_own_scan():
    rng = np.random.default_rng(1)
    t = pd.DataFrame({"item": np.repeat(list("abcdef"), 4), "role": list("ABCD") * 6})
    t["n_agree"] = rng.integers(0, 12, len(t))
    t["n_valid"] = t["n_agree"] + rng.integers(0, 12, len(t))
    for rule in ("threshold", "nhs"):
        out = disclosure.suppress(
            t, ["n_valid", "n_agree"], rule=rule, group_cols=["item"], row_totals={"n_valid": ["n_agree"]}
        )
        assert (out == "*").sum().sum() >= 5
        assert disclosure.violations(out, rule=rule, group_cols=["item"]).empty
        assert not disclosure.violations(t, rule=rule).empty


def test_row_equations_protect_published_totals_across_rows():
    # Rows: 0 All, 1 CE, 2 MD, 3 CD, 4 DM, 5 Doctor (= MD + CD), 6 Manager (= CE + DM).
    # "Other" respondents are in All but not published: All - four roles = 3 others agreeing.
    t = pd.DataFrame(
        {
            "group": ["All", "CE", "MD", "CD", "DM", "Doctor", "Manager"],
            "n_agree": [103, 20, 3, 40, 37, 43, 57],
        }
    )
    out, log = disclosure.suppress_with_log(
        t, ["n_agree"], row_equations=[(0, [1, 2, 3, 4]), (5, [2, 3]), (6, [1, 4]), (0, [5, 6])]
    )
    # MD (3) primary; Doctor = MD + CD would give it: CD (40) or Doctor goes -> smallest part CD;
    # All = CE + MD + CD + DM + 3 others: unknowns MD, CD, remainder -> safe; All = Doctor +
    # Manager + 3 others: one unknown, the small remainder -> the smaller of Doctor/Manager goes.
    assert out["n_agree"].tolist() == [103, 20, "*", "*", 37, "*", 57]
    assert log["reason"].tolist() == [
        "primary: count 1-4",
        "secondary: else row 2 'n_agree' = 'n_agree' of row 5 minus rows [2, 3]",
        "secondary: else an unpublished remainder = 'n_agree' of row 0 minus rows [5, 6]",
    ]
    assert disclosure.violations(out).empty
    with pytest.raises(ValueError, match=r"rows not in the table: \[9\]"):
        disclosure.suppress(t, ["n_agree"], row_equations=[(9, [1])])


def test_missing_counts_stay_empty_and_are_not_marked():
    t = pd.DataFrame({"n": [np.nan, 3.0, 20.0]})
    out = disclosure.suppress(t, ["n"])
    assert math.isnan(out["n"].iloc[0]) and out["n"].tolist()[1:] == ["*", 20]
    assert disclosure.suppress(t, ["n"], marker=None)["n"].tolist()[1:] == [pd.NA, 20]
