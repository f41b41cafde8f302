"""A cell has one status wherever it appears (issue 13): figures printed beside the attitude
table that equal one of its All-respondents cells, or give one back with another printed number,
are withheld where the attitude table suppresses that cell. Found on a team's own survey (about
60 respondents): a role test's n and the 2002 like-for-like n gave back the All row's suppressed
valid answers, and so its suppressed item non-response.

The table here: the test_inversion answers plus 2 directorate managers who did not answer. The
2 are a primary cell; the All row's n_valid (105) and its "Neutral" count (30) are suppressed to
protect them. Each test recovers the 2 from the figure as computed without the protection, and
fails to from what is published."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.survey import attitudes
from helpers.survey.attitudes import descriptives, then_and_now, weighting

from .test_inversion import DM, FIVE, ITEMS, clean

N_RESPONDENTS = 107  # 105 answering + 2 who did not (primary, below 5)


@pytest.fixture(scope="module")
def data():
    d = clean()
    missing = d[d["role"] == DM].head(2).copy()
    missing["x"] = np.nan
    return pd.concat([d, missing], ignore_index=True)


@pytest.fixture(scope="module")
def published(data):
    protected, _ = attitudes.protect_by_role(attitudes.by_role(data, ITEMS), FIVE)
    return protected


def all_row(published):
    return attitudes.tidy_numbers(published).set_index("group").loc[attitudes.ALL]


def test_the_all_rows_valid_answers_and_non_response_are_suppressed(published):
    row = all_row(published)
    assert row["n_respondents"] == N_RESPONDENTS
    assert pd.isna(row["n_valid"]) and pd.isna(row["n_2"])  # secondary, protecting the 2
    assert (row["n_1"], row["n_3"]) == (37, 38)
    assert descriptives.all_row_hidden(published, ["n_valid"]) == {"x"}
    assert descriptives.all_row_hidden(published, ["n_1", "n_3"]) == set()


def test_a_role_tests_n_cannot_give_back_the_all_rows_suppressed_valid_answers(data, published):
    tests = attitudes.role_tests(data, ITEMS, replicates=99)
    assert int(tests.at[0, "n"]) == 105  # the test's n: every valid answer, the All row's n_valid
    assert N_RESPONDENTS - int(tests.at[0, "n"]) == 2  # recovered: the suppressed non-response
    safe = attitudes.protect_role_tests(tests, published, FIVE)
    assert pd.isna(safe.at[0, "n"])
    assert safe.at[0, "grouping"] == "withheld: suppressed cells"


def test_the_2002_like_for_like_n_and_percent_cannot_give_back_the_all_row(data, published):
    reference = pd.DataFrame(
        [{"survey_year": 2002, "group": attitudes.ALL, "item": "x", "measure": "x_agree",
          "levels_counted": "Agree", "pct_published": 47.0}]
    )  # fmt: skip
    sample = pd.DataFrame({"group": list(attitudes.ROLES), "respondents": [103, 168, 445, 376]})
    leaky = then_and_now.like_for_like_2002(data, reference, sample, ITEMS, None, 5)
    assert leaky["n"].tolist() == [105]  # all respondents only: no coverage variable, no restricted row
    assert N_RESPONDENTS - leaky.at[0, "n"] == 2  # recovered
    safe = then_and_now.like_for_like_2002(data, reference, sample, ITEMS, None, 5, published=published)
    for c in ("n", "pct_crude", "crude_ci_low", "crude_ci_high", "pct_standardised"):
        assert safe[c].isna().all(), c
    assert set(safe["note"]) == {"withheld: the counts they come from are suppressed"}


def test_weighted_estimates_unweighted_figures_follow_the_all_row(published):
    table = pd.DataFrame(
        {"item": ["x"], "n_valid": [105], "pct_unweighted": [100 * 38 / 105], "pct_weighted": [37.0],
         "ci_low": [30.0], "ci_high": [45.0], "design_effect": [1.1]}
    )  # fmt: skip
    safe = weighting.protect_weighted(table, published)
    assert safe[["n_valid", "pct_unweighted", "pct_weighted"]].isna().all().all()
    shown = published.copy()
    shown.loc[shown["group"] == attitudes.ALL, ["n_valid", "n_agree"]] = [105, 38]
    assert descriptives.all_row_hidden(shown, ["n_valid", "n_agree"]) == set()
    kept = weighting.protect_weighted(table, shown)
    assert kept.at[0, "n_valid"] == 105  # printed in the attitude table: stays


def test_the_audit_reads_a_role_tests_n_as_the_roles_valid_answers(data, published):
    """The intruder audit relates a role test's n to the attitude table (audit.add_test_table):
    the test's n as computed before the protection narrows the All row's suppressed n_valid to
    105..107 (and the audit fails the release); the published n (blank) adds nothing."""
    from helpers import audit

    tests = attitudes.role_tests(data, ITEMS, replicates=99)
    shown = attitudes.tidy_numbers(published).astype(object)
    key = ("n_valid", "x", attitudes.ALL)
    intervals = {}
    for label, table in (("before", tests), ("after", attitudes.protect_role_tests(tests, published, FIVE))):
        system = audit.System()
        audit.add_by_group_table(system, shown, "attitudes_by_role")
        # the item non-response table, as survey_item_nonresponse publishes it (2 not answering)
        nonresponse = pd.DataFrame(
            {"item": ["x"], "n_respondents": [N_RESPONDENTS], "n_valid": [None], "n_non_substantive": [0],
             "n_no_answer": [None]}
        ).astype(object)  # fmt: skip
        audit.read_table(system, nonresponse, "survey_item_nonresponse")
        _, how = audit.read_table(
            system, attitudes.tidy_numbers(table).astype(object), "attitudes_role_tests"
        )
        assert how == "role tests: n <= the roles' valid answers"
        intervals[label] = audit.intervals(system, FIVE)[key]
    low, high = intervals["before"]
    assert low <= 105 <= high and high - low < 5  # narrowed: 105 to 107 (the respondents)
    low, high = intervals["after"]
    assert low <= 105 <= high and high - low >= 5
