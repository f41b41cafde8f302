"""Items withheld from the release (issue 13: "no table of the release is suppressed entirely
unless its total is itself below the threshold"; an item no pattern protects is withheld), on a
tiny survey built here: 11 respondents answering one six-level item."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import audit, disclosure, publication
from helpers.survey import attitudes, describe

CE, MD, CD, DM = publication.ROLES
PROFESSION = {CE: "Manager", DM: "Manager", MD: "Doctor", CD: "Doctor"}
LEVEL = {CE: "Board", MD: "Board", CD: "Directorate", DM: "Directorate"}
LEVELS = ("1", "2", "3", "4", "5", "6")
ITEMS = {
    "q": attitudes.Item("q", "How would you rate rota?", LEVELS, ("4", "5", "6")),
    "r": attitudes.Item("r", "Rate the ward", LEVELS, ("4", "5", "6")),
}
# q: 1, 2, 0, 2, 3, 3 (8 agreeing); r: everyone answers 4 (11 agreeing)
Q = ["1", "2", "2", "4", "4", "5", "5", "5", "6", "6", "6"]
ROLE = [CE, CE, CE, MD, MD, MD, CD, CD, CD, DM, DM]


def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "role": pd.Categorical(ROLE, categories=list(publication.ROLES)),
            "profession": [PROFESSION[r] for r in ROLE],
            "level": [LEVEL[r] for r in ROLE],
            "q": pd.Categorical(Q, categories=list(LEVELS)),
            "r": pd.Categorical(["4"] * 11, categories=list(LEVELS)),
        }
    )


def release(tmp_path, rule: disclosure.Rule, withhold: bool):
    """The attitude table and item non-response table as notebooks 02 and 03 publish them."""
    clean = tiny()
    withheld = (
        attitudes.withheld_items(clean, ITEMS, rule)
        if withhold
        else attitudes.withheld_items(clean, {}, rule)
    )
    items, _ = attitudes.without_withheld(ITEMS, {}, withheld)
    table, _ = attitudes.protect_by_role(
        attitudes.by_role(clean, items), disclosure.Rule(rule.rule, rule.min_count, None)
    )
    nonresponse = pd.DataFrame(
        [
            {"item": i, "n_respondents": 11, "n_valid": 11, "n_non_substantive": 0, "n_no_answer": 0}
            for i in ITEMS
        ]
    )
    folder = tmp_path / ("after" if withhold else "before") / "release"
    (folder / "tables").mkdir(parents=True)
    attitudes.tidy_numbers(table).to_csv(folder / "tables/attitudes_by_role.csv", index=False)
    describe.suppress_small_counts(attitudes.drop_withheld(nonresponse, withheld), rule).to_csv(
        folder / "tables/survey_item_nonresponse.csv", index=False
    )
    if len(withheld):
        withheld.to_csv(folder / "tables/survey_withheld_items.csv", index=False)
    return folder, withheld


@pytest.mark.slow  # 2 s: two audits per rule
@pytest.mark.parametrize("rule", [disclosure.Rule("threshold", 10), disclosure.Rule("nhs", 8)])
def test_an_item_suppressed_entirely_is_withheld_and_the_audit_passes(tmp_path, rule):
    """Before: q's every answer for all respondents suppressed while its 11 valid answers are
    shown; a reader knows each suppressed level lies in [1, 11 - the others], so the audit finds
    cells narrower than the protection width and the table suppressed entirely. After: q is
    withheld (r, 11 of 11 agreeing, is not: 11 is shown), the audit passes, and the record has
    a row saying so."""
    before, _ = release(tmp_path, rule, withhold=False)
    with pytest.raises(audit.AuditFailure) as failure:
        audit.audit_release(before, rule, enforce=True)
    problems = [leak["problem"] for leak in failure.value.leaks]
    shown = rule.shown(11)  # 10 under the NHS rule
    assert (
        f"suppressed entirely while its valid answers ({shown}) are shown: the item should be withheld"
        in problems[0]
    )
    assert any("narrower than" in p for p in problems)
    after, withheld = release(tmp_path, rule, withhold=True)
    assert withheld.to_dict("records") == [
        {"item": "q", "question": "How would you rate rota?", "reason": attitudes.withholding.ENTIRELY}
    ]
    result = audit.audit_release(after, rule, enforce=True)
    assert result.leaks == []
    rows = [(f.path, f.kind, f.result, f.note) for f in result.files if f.kind == "withheld item"]
    assert rows == [("(withheld) q", "withheld item", "withheld", attitudes.withholding.ENTIRELY)]
    published = pd.read_csv(after / "tables/attitudes_by_role.csv")
    assert set(published["item"]) == {"r"}
    assert set(pd.read_csv(after / "tables/survey_item_nonresponse.csv")["item"]) == {"r"}


def test_at_threshold_5_the_number_agreeing_is_published_so_nothing_is_withheld():
    """8 agreeing is shown at threshold 5: q is not suppressed entirely."""
    assert attitudes.withheld_items(tiny(), ITEMS, disclosure.Rule("threshold", 5)).empty
    assert attitudes.withheld_items(tiny(), ITEMS, disclosure.Rule("threshold", 1)).empty


def test_a_total_below_the_threshold_may_be_suppressed_entirely():
    """The audit's rule: a block whose valid answers are themselves suppressed is not flagged."""
    table = pd.DataFrame(
        [
            {"item": "q", "group_type": "all", "group": attitudes.ALL, "n_respondents": "11", "n_valid": v,
             "n_1": "", "n_2": "0", "n_agree": ""}
            for v in ("", "11")
        ]
    )  # fmt: skip
    rule = disclosure.Rule("threshold", 10)
    assert audit.entirely_suppressed(table.iloc[[0]], rule) == []
    assert [p["cell"] for p in audit.entirely_suppressed(table.iloc[[1]], rule)] == ["q: every answer count"]


def test_scales_using_a_withheld_item_are_withheld_and_the_reports_say_so():
    withheld = attitudes.withheld_items(tiny(), ITEMS, disclosure.Rule("threshold", 10))
    scales = {
        "s": attitudes.Scale("s", "Rota and ward", ("q", "r")),
        "t": attitudes.Scale("t", "Ward", ("r",)),
    }
    items, kept = attitudes.without_withheld(ITEMS, scales, withheld)
    assert list(items) == ["r"] and list(kept) == ["t"]
    assert attitudes.withheld_note(withheld, scales) == (
        "1 item withheld from every table, figure and statistic of this release, because no pattern of "
        "suppression protects it (docs/disclosure.md): \u2018How would you rate rota?\u2019 (q): every answer "
        "count for all respondents would be suppressed, although its valid answers are not below the "
        "threshold. Multi-item scales withheld with them: Rota and ward."
    )
    assert attitudes.withheld_note(withheld.iloc[:0]) == ""


def test_notebook_03_runs_in_process_when_every_item_is_withheld():
    """The fast tier's version of the slow tier's generated instruments 104, 107 and 203: a
    survey whose only item is withheld (q at threshold 10). What notebook 03 does after
    withholding runs with no item: every table keeps its columns, with no row; the sensitivity
    table, the weighted tables (a frame by role), the role tests, contrasts and the summary
    sentences say nothing rather than fail."""
    rule = disclosure.Rule("threshold", 10, None)
    clean = tiny().assign(flag_speeder=False, flag_straightliner=False)
    withheld = attitudes.withheld_items(clean, {"q": ITEMS["q"]}, rule)
    assert withheld["item"].tolist() == ["q"]
    items, scales = attitudes.without_withheld({"q": ITEMS["q"]}, {}, withheld)
    assert items == {} and scales == {}
    design = publication.design_of(clean, rule)
    grouped = clean.assign(role=design.recode(clean["role"]))
    by_role, log = attitudes.protect_by_role(attitudes.by_role(clean, items), rule)
    assert len(by_role) == 0 and {"item", "group", "n_valid", "n_agree"} <= set(by_role.columns)
    assert len(attitudes.suppression_summary(log)) == 0
    tests = attitudes.protect_counts(attitudes.role_tests(grouped, items, roles=design.groups()), rule)
    tests = attitudes.protect_role_tests(tests, by_role, rule, groups=design.groups())
    tests = attitudes.adjust_family(tests, "role_tests", attitudes.load_plan(None), "p_chi2")
    assert len(tests) == 0 and {"item", "p_holm", "grouping", "p_adjusted"} <= set(tests.columns)
    contrasts = attitudes.pairwise_contrasts(by_role)
    assert len(contrasts) == 0
    margins = {"role": pd.Series({CE: 30.0, MD: 30.0, CD: 30.0, DM: 20.0})}
    weighted, weighting = attitudes.weighted_estimates(clean, items, margins, rule)
    weighted = attitudes.protect_weighted(weighted, by_role)
    assert len(weighted) == 0 and {"item", "pct_weighted"} <= set(weighted.columns)
    weighted_tests = attitudes.design_role_tests(grouped, items, weighting["weights"], roles=design.groups())
    coarse = attitudes.design_role_tests(
        grouped, items, weighting["weights"], roles=design.groups(), agree_only=True
    )
    weighted_tests = attitudes.protect_design_role_tests(
        weighted_tests, by_role, rule, groups=design.groups(), coarse=coarse
    )
    weighted_tests = attitudes.adjust_family(
        attitudes.protect_counts(weighted_tests, rule), "weighted_role_tests", attitudes.load_plan(None)
    )
    assert len(weighted_tests) == 0 and {"p_holm", "grouping"} <= set(weighted_tests.columns)
    sensitivity = attitudes.sensitivity_table(
        grouped, items, scales, weights=weighting["weights"], roles=design.groups(), tests=tests,
        weighted_tests=weighted_tests,
    )  # fmt: skip
    sensitivity = attitudes.protect_sensitivity(
        sensitivity, rule, published=by_role, excluded=attitudes.excluded_answers(clean, items)
    )
    assert len(sensitivity) == 0 and list(sensitivity.columns) == attitudes.sensitivity.COLUMNS
    text = attitudes.headline(by_role, tests, None, None, None, items)
    assert "nan" not in text
    sheets = attitudes.workbook_sheets({"by_role": by_role, "role_tests": tests, "weighted": weighted,
                                        "sensitivity": sensitivity}, rule)  # fmt: skip
    assert {name: len(sheet.table) for name, sheet in sheets.items()} == dict.fromkeys(sheets, 0)
    for table in (by_role, tests, weighted, sensitivity):
        attitudes.tidy_numbers(table).to_csv(index=False)  # writes (a header line)
