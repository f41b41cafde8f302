"""The one number formatter (decisions.md, 4): each kind checked by hand."""

import math

import pandas as pd
import pytest

from helpers import numbers


@pytest.mark.parametrize(
    "p, text",
    [
        (0.0362, "0.036"),
        (0.4149, "0.41"),
        (1.0, "1.0"),
        (2e-5, "<0.001"),
        (0.001, "\u22640.001"),
        (0.00104, "0.0010"),
        (0.05, "0.050"),
    ],
)
def test_p_value_two_significant_figures(p, text):
    assert numbers.p_value(p) == text


def test_p_value_rounded_number_for_csv():
    assert numbers.rounded(0.0362, "p_value") == 0.036
    assert numbers.rounded(2e-5, "p_value") == 0.001


def test_percentages_round_half_away_from_zero():
    # Python's round(2.5) is 2; a reader expects 3.
    assert numbers.percentage(2.5) == "3%"
    assert numbers.percentage(60.24) == "60%"
    assert numbers.percentage_ci(88.0, 84.6, 90.5) == "88% (85 to 91)"
    assert numbers.rounded(84.5, "percentage") == 85.0


def test_test_statistic_one_decimal():
    assert numbers.test_statistic(12.345) == "12.3"
    assert numbers.rounded(3.25, "test_statistic") == 3.3


def test_odds_ratio_interval_never_rounds_onto_one():
    # Issue 14: 1.592 (1.03-2.46) was printed as 1.6 (1.0-2.5) with p = 0.036.
    assert numbers.odds_ratio(1.592, 1.0312, 2.4571) == "1.59 (1.03 to 2.46)"
    assert numbers.odds_ratio(1.5, 1.0031, 2.2) == "1.50 (1.003 to 2.20)"
    assert numbers.odds_ratio(0.7, 0.4, 0.9962) == "0.70 (0.40 to 0.996)"
    assert numbers.odds_ratio(1.2, 1.0, 1.4) == "1.20 (1.00 to 1.40)"


def test_counts_and_missing():
    assert numbers.count(1500000) == "1,500,000"
    assert numbers.count(float("nan")) == numbers.MISSING_TEXT
    assert numbers.percentage(None) == numbers.MISSING_TEXT


def test_round_table_leaves_markers_and_text():
    table = pd.DataFrame({"pct": [60.24, "*"], "p": [0.0362, 2e-5], "label": ["a", "b"]})
    out = numbers.round_table(table, {"pct": "percentage", "p": "p_value"})
    assert out["pct"].tolist() == [60.0, "*"]
    assert out["p"].tolist() == [0.036, 0.001]
    assert math.isnan(numbers.round_table(pd.DataFrame({"x": [float("nan")]}), {"x": "mean"})["x"][0])


def test_unknown_kind_named():
    with pytest.raises(ValueError, match="unknown kind of number 'ratio'"):
        numbers.rounded(1.0, "ratio")


def test_as_float_reads_numbers_and_turns_anything_else_into_nan():
    assert numbers.as_float("12.5") == 12.5 and numbers.as_float(3) == 3.0
    assert all(math.isnan(numbers.as_float(v)) for v in ("*", "", None, "suppressed"))


def test_differences_in_percentage_points_are_signed_at_one_decimal():
    # half away from zero (3.45 -> 3.5; Python's round gives 3.5 here only by luck of binary)
    assert numbers.difference(3.44, -9.94, 15.46) == "+3.4 pp (-9.9 to +15.5)"
    assert numbers.difference(-13.25) == "-13.3 pp"
    assert numbers.difference(0.04, None, 2) == "0.0 pp"  # rounds to zero: no sign
    assert numbers.signed(2.675) == "+2.7" and numbers.signed(float("nan")) == numbers.MISSING_TEXT
    assert numbers.rounded(2.25, "difference") == 2.3  # round(2.25, 1) would give 2.2


def test_every_kind_has_a_text_and_the_table_kinds_keep_their_precision():
    assert [numbers.text(12.345, k) for k in numbers.KINDS] == [
        "12",  # count
        "12%",  # percentage
        "12.3",  # test_statistic
        "12.35",  # odds_ratio
        "12.35",  # effect_size
        "12.35",  # mean
        "12.3",  # table_percentage
        "+12.3",  # difference
        "12.35",  # design_effect
        "12.345",  # statistic
        "12",  # p_value (two significant figures)
    ]
    assert numbers.rounded(14.35, "table_percentage") == 14.4 and numbers.design_effect(1.375) == "1.38"
    with pytest.raises(ValueError, match="unknown kind of number 'pct'"):
        numbers.text(1, "pct")


def test_effect_sizes_keep_their_trailing_zeros():
    """Issue 15: an effect size is printed at 2 decimals whatever its value (0.30, not 0.3)."""
    assert [numbers.effect_size(v) for v in (0.3, 0.1, 1.0, 0.0, -0.2, 0.125, 0.995)] == [
        "0.30",
        "0.10",
        "1.00",
        "0.00",
        "-0.20",
        "0.13",  # half away from zero
        "1.00",
    ]
    assert numbers.text(0.3, "effect_size") == "0.30"


def test_the_kind_of_a_published_column_from_its_name():
    """One place says which columns hold effect sizes, so every table shows them alike."""
    kinds = {c: numbers.kind_of(c) for c in ("cramers_v", "kappa", "alpha", "eta_squared", "omega")}
    assert set(kinds.values()) == {"effect_size"}
    assert numbers.kind_of("kappa_ci_low") == numbers.kind_of("alpha_ci_high") == "effect_size"
    # an interval's bounds are the estimate's kind only where the table's one estimate says so
    assert numbers.kind_of("ci_low", ["code", "kappa", "ci_low", "ci_high"]) == "effect_size"
    assert numbers.kind_of("ci_low", ["item", "pct", "ci_low"]) == "table_percentage"
    assert numbers.kind_of("ci_low", ["item", "odds_ratio", "pct_x", "ci_low"]) is None
    assert numbers.kind_of("ci_low", ["scale", "mean", "ci_low"]) is None
    assert numbers.kind_of("ci_low") is None
    assert numbers.kind_of("design_effect") == "design_effect" and numbers.kind_of("sd") == "mean"
    assert numbers.kind_of("lr_chi2") == numbers.kind_of("F") == "test_statistic"
    assert numbers.kind_of("question") is None and numbers.kind_of("v_df") is None


def test_a_count_of_people_in_a_sentence_follows_the_rule():
    from helpers import disclosure

    five, nhs = disclosure.Rule("threshold", 5), disclosure.Rule("nhs", 8)
    assert [numbers.people(n, five) for n in (0, 3, 5, 1234)] == ["0", "fewer than 5", "5", "1,234"]
    assert [numbers.people(n, nhs) for n in (0, 7, 8, 472)] == ["0", "fewer than 8", "10", "470"]


def test_a_percentage_column_keeps_its_published_decimal_in_every_report_table():
    """The newcomer's like-for-like table printed 'Std CI high' 63 beside 'Std CI low' 53.3: a
    column the name guess did not know was printed as an unknown number (trailing zeros dropped).
    Every percentage column (and its interval's bounds) is a table_percentage: 1 decimal, kept."""
    from helpers import tables

    table = pd.DataFrame(
        {
            "measure": ["m"],
            "published_2002_pct": [47.0],
            "n": [465],
            "pct_crude": [60.0],
            "crude_ci_low": [55.7],
            "crude_ci_high": [64.0],
            "pct_standardised": [58.3],
            "std_ci_low": [53.3],
            "std_ci_high": [63.0],
            "diff_pp": [-2.0],
            "rr1": [40.0],
        }
    )
    shown = tables.cells(table, tables.TableSpec())
    assert shown.iloc[0].tolist() == [
        "m",
        "47.0",
        "465",
        "60.0",
        "55.7",
        "64.0",
        "58.3",
        "53.3",
        "63.0",
        "-2.0",
        "40.0",
    ]
    by_role = pd.DataFrame(
        {"item": ["q"], "n_valid": [40], "pct_agree": [60.0], "ci_low": [45.0], "ci_high": [73.6]}
    )
    assert tables.cells(by_role, tables.TableSpec()).iloc[0].tolist() == ["q", "40", "60.0", "45.0", "73.6"]
    odds = pd.DataFrame({"term": ["CE"], "odds_ratio": [2.0], "ci_low": [1.1], "ci_high": [3.0]})
    assert tables.cells(odds, tables.TableSpec()).iloc[0].tolist()[2:] == ["1.1", "3"]  # not percentages
