"""Describing the clean data: item non-response, respondents, dictionary, and their disclosure control."""

import pandas as pd

from helpers.disclosure import Rule
from helpers.survey import describe
from helpers.survey.cleaning import clean_survey
from helpers.survey.codebook import load_codebook
from tests.survey.test_cleaning import SETTINGS, export


def _clean(tiny_codebook_path):
    cb = load_codebook(tiny_codebook_path)
    return clean_survey(export(), cb, SETTINGS, "e.csv").clean, cb


def test_item_nonresponse_counts_by_hand(tiny_codebook_path):
    clean, cb = _clean(tiny_codebook_path)
    # Kept rows 4, 9, 11, 12: a1 = Agree, Neutral, Don't know, Agree; a2 = Disagree, Neutral, -99, Agree
    table = describe.item_nonresponse(clean, cb)
    assert table[
        ["item", "n_respondents", "n_valid", "n_non_substantive", "n_no_answer", "pct_no_answer"]
    ].values.tolist() == [["a1", 4, 3, 1, 0, 0.0], ["a2", 4, 3, 0, 1, 25.0]]


def test_small_counts_suppressed_with_their_complement():
    table = pd.DataFrame(
        {
            "item": ["x", "y"],
            "n_respondents": [100, 100],
            "n_valid": [90, 95],
            "n_non_substantive": [7, 2],
            "n_no_answer": [3, 3],
            "pct_no_answer": [3.0, 3.0],
        }
    )
    out = describe.suppress_small_counts(table, Rule("threshold", 5, "*"))
    # Row x: 3 is suppressed, and so is 7 (else 100 - 90 - 7 gives it away); row y: 2 and 3 both
    # small, and with 95 shown each would lie in [1, 4], narrower than 5: 95 is suppressed too.
    assert out.values.tolist() == [["x", 100, 90, "*", "*", "*"], ["y", 100, "*", "*", "*", "*"]]


def test_respondents_by_role_and_dictionary(tiny_codebook_path):
    clean, cb = _clean(tiny_codebook_path)
    by_role = describe.respondents_by_role(clean)
    assert by_role[["role", "n"]].values.tolist() == [
        ["Chief executive", 2],
        ["Medical director", 0],
        ["Clinical director", 1],
        ["Directorate manager", 1],
        ["Other", 0],
    ]
    assert by_role["pct"].tolist() == [50.0, 0.0, 25.0, 25.0, 0.0]
    dictionary = describe.data_dictionary(clean, cb).set_index("variable")
    assert dictionary.loc["a1", "value_labels"] == "1 = Disagree; 2 = Neutral; 3 = Agree"
    assert dictionary.loc["a2", "type"] == "likert (agree3), reverse-coded in its scale"
    assert dictionary.loc["a2", ["n_valid", "n_non_substantive", "n_missing"]].tolist() == [3, 0, 1]


def test_respondents_by_role_under_the_nhs_rule_recomputes_percentages_from_published_counts():
    """Stage 02 stopped under `rule: nhs` ('derived column 'pct' must be recomputed by a
    function'); now each % is 100 x published count / published total (by hand: 10/25, 15/25)."""
    from helpers import disclosure
    from helpers.survey import describe

    table = pd.DataFrame({"role": ["A", "B", "C"], "n": [11, 14, 3], "pct": [39.3, 50.0, 10.7]})
    nhs = describe.protect_respondents_by_role(table, disclosure.Rule("nhs", 8, marker=None))
    assert nhs["n"].tolist() == [10, 15, pd.NA] and nhs["pct"].tolist()[:2] == [40.0, 60.0]
    assert pd.isna(nhs["pct"].iloc[2])
    threshold = describe.protect_respondents_by_role(table, disclosure.Rule("threshold", 5))
    assert threshold["n"].tolist() == [11, 14, "*"] and threshold["pct"].tolist() == [39.3, 50.0, "*"]


def test_the_cleaning_settings_are_shown_in_words_with_their_params_key():
    """Issue 15: report 02 showed params.yaml's survey section as a Series: snake_case keys,
    True/False and a dict's repr."""
    from helpers import tables
    from helpers.survey import describe as D

    shown = D.settings(
        {
            "require_consent": True,
            "exclude_speeders": False,
            "drop_status": ["Survey Preview", "Spam"],
            "then_and_now": {"new_sample": False, "coverage_variable": "nation"},
            "design": {"psu": None},
            "some_new_setting": 3,
        }
    )
    cells = tables.cells(shown, tables.default_spec(shown))
    assert cells.values.tolist() == [
        ["Consent required", "yes", "require_consent"],
        ["Speeders excluded", "no", "exclude_speeders"],
        ["Response statuses dropped (preview, test, spam)", "Survey Preview, Spam", "drop_status"],
        [
            "Comparison with the published figures",
            "New sample: no; Coverage variable: nation",
            "then_and_now",
        ],
        ["Survey design", "Primary sampling unit: –", "design"],
        ["Some new setting", "3", "some_new_setting"],
    ]
    assert tables.heading(D.KEY_COLUMN) == "Key in params.yaml"


def test_respondents_flagged_by_each_check_by_name():
    clean = pd.DataFrame(
        {
            "flag_speeder": [True, False, True],
            "flag_straightliner": [False, None, True],
            "flag_duplicate_answers": [False, False, False],
        }
    )
    table = describe.flagged(clean)
    assert table.index.name == "check"
    assert table["respondents flagged"].to_dict() == {
        "Speeders": 2,
        "Straight-liners": 1,
        "Identical answers to another respondent": 0,
    }
    # as report 02 prints it (issue 13): counts 1 .. the rule's limit are the marker, zeros shown
    from helpers import disclosure

    printed = describe.flagged(clean, disclosure.Rule("threshold", 5, "*"))["respondents flagged"]
    assert printed.tolist() == ["*", "*", 0]
    clean = pd.DataFrame({"flag_speeder": [True] * 12, "flag_straightliner": [True] * 4 + [False] * 8})
    nhs = describe.flagged(clean, disclosure.Rule("nhs", 8, "*"))["respondents flagged"]
    assert nhs.tolist() == [10, "*"]


def test_a_check_that_could_not_run_is_not_checked_not_zero():
    # No battery of 8 items: the newcomer's report 02 printed "Straight-liners 0".
    from helpers import disclosure

    clean = pd.DataFrame({"flag_speeder": [False] * 6, "flag_straightliner": [False] * 6})
    printed = describe.flagged(
        clean, disclosure.Rule("threshold", 5, "*"), not_checked={"flag_straightliner": "not checked: why"}
    )
    assert printed["respondents flagged"].tolist() == [0, "not checked: why"]
    assert describe.flagged(clean, not_checked={"flag_straightliner": "not checked: why"})[
        "respondents flagged"
    ].tolist() == [
        0,
        "not checked: why",
    ]


def test_the_flow_chart_wraps_merged_steps_and_says_which_count_is_suppressed():
    """On a small generated survey every step was merged into one label of 120 characters: the
    chart squeezed its bars into a corner, the report printed matplotlib's 'Tight layout not
    applied' warning with a file path, and the row whose 19 remaining are published said only
    'suppressed'."""
    import warnings

    import matplotlib.pyplot as plt

    step = (
        "Preview, test or spam response; Partial response (progress below 80%); Duplicate "
        "respondent; Role not in the study's four groups"
    )
    flow = pd.DataFrame(
        {"step": ["Responses in the export", step], "excluded": [0, None], "remaining": [None, 19]},
        dtype=object,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no tight-layout warning
        fig = describe.flow_figure(flow)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Responses in the export",
        "Preview, test or spam response;\nPartial response (progress below 80%);\n"
        "Duplicate respondent; Role not in the\nstudy's four groups",
    ]
    assert [t.get_text() for t in ax.texts] == ["suppressed (small numbers)", "19   (excluded: suppressed)"]
    # newcomer run 2: the legend sat over the axis label; now in a band of its own below the axes
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["remaining", "excluded by the step"]
    assert fig.legends[0].get_window_extent(renderer).y1 <= ax.get_tightbbox(renderer).y0
    plt.close(fig)
    assert describe.flow_note(22, 3) == "22   (-3)" and describe.flow_note(22, 0) == "22"


def test_the_accounting_sentence_prints_counts_as_the_flow_table_publishes_them():
    # A generated survey printed "22 responses in the export = 19 analysable + 3 excluded" while
    # survey_flow.csv left the 22 and the 3 empty: 3 excluded people, printed in words.
    five = Rule("threshold", 5, None)
    assert describe.accounted_for(22, 19, 3, five) == (
        "Analysable responses: 19; excluded: fewer than 5 (the export's size is not published: "
        "with the analysable count it would give the number excluded)."
    )
    assert "22" not in describe.accounted_for(22, 19, 3, five)
    assert (
        describe.accounted_for(472, 453, 19, five)
        == "Responses in the export: 472; analysable: 453; excluded: 19."
    )
    assert (
        describe.accounted_for(19, 19, 0, five) == "Responses in the export: 19; analysable: 19; excluded: 0."
    )
    nhs = Rule("nhs", 8, None)
    assert (
        describe.accounted_for(472, 453, 19, nhs)
        == "Responses in the export: 470; analysable: 455; excluded: 20."
    )
    assert describe.accounted_for(30, 24, 6, nhs).startswith(
        "Analysable responses: 25; excluded: fewer than 8 "
    )


def test_item_nonresponse_without_likert_items_has_its_columns_and_no_row():
    """An instrument with no Likert item (a plain export whose answers are codes, drafted by
    `make codebook` as categoricals): notebook 02's non-response table is empty but has its
    columns, so dropping withheld items from it works (before: KeyError 'item', stage 02 failed)."""
    from types import SimpleNamespace

    from helpers import disclosure
    from helpers.survey import attitudes

    clean = pd.DataFrame({"role": pd.Categorical(["Chief executive"])})
    table = describe.item_nonresponse(clean, SimpleNamespace(likert_items=[]))
    assert list(table.columns) == [
        "item", "question", "n_respondents", "n_valid", "n_non_substantive", "n_no_answer", "pct_no_answer",
    ]  # fmt: skip
    withheld = attitudes.withheld_items(clean, {}, disclosure.Rule())
    assert len(attitudes.drop_withheld(table, withheld)) == 0
