"""Statistics checked for inversion (issue 13, leak class 2; docs/disclosure.md, "Which published
statistics the enumeration attack checks"): with the published counts and at its published
precision, can a statistic give back a suppressed cell? Each test recovers the cell from the
statistic computed without the protection and fails to with it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import disclosure, publication
from helpers.survey import attitudes

CE, MD, CD, DM = publication.ROLES
PROFESSION = {CE: "Manager", DM: "Manager", MD: "Doctor", CD: "Doctor"}
LEVEL = {CE: "Board", MD: "Board", CD: "Directorate", DM: "Directorate"}
LEVELS = ("Disagree", "Neutral", "Agree")
ITEMS = {"x": attitudes.Item("x", "Q", LEVELS, ("Agree",))}
FIVE = disclosure.Rule("threshold", 5, None)
# answers per role: (disagree, neutral, agree); chief executives: 2 agree (suppressed)
ANSWERS = {CE: (10, 8, 2), MD: (9, 6, 10), CD: (12, 7, 11), DM: (6, 9, 15)}


def clean() -> pd.DataFrame:
    roles, answers = [], []
    for role, counts in ANSWERS.items():
        for level, n in zip(LEVELS, counts):
            roles += [role] * n
            answers += [level] * n
    return pd.DataFrame(
        {
            "role": pd.Categorical(roles, categories=list(publication.ROLES)),
            "profession": [PROFESSION[r] for r in roles],
            "level": [LEVEL[r] for r in roles],
            "x": pd.Categorical(answers, categories=list(LEVELS)),
        }
    )


def published_value(table: pd.DataFrame, group: str, col: str):
    v = attitudes.tidy_numbers(table).set_index("group").at[group, col]
    return None if pd.isna(v) else float(v)


def test_pairwise_contrasts_cannot_give_back_a_suppressed_count():
    """Without the protection (contrasts from the raw table), the chief executives' % agreeing,
    published to 1 decimal beside their published valid answers (20), gives their 2 agreeing
    back exactly. With it (from the protected table, as notebook 03), every contrast touching
    the chief executives is empty, and the others use only published counts: every completion
    of the suppressed cells gives the same contrast table."""
    raw = attitudes.by_role(clean(), ITEMS)
    protected, _ = attitudes.protect_by_role(raw, FIVE)
    assert published_value(protected, CE, "n_agree") is None  # suppressed
    n_valid = published_value(protected, CE, "n_valid")
    assert n_valid == 20
    leaky = attitudes.tidy_numbers(attitudes.pairwise_contrasts(raw))
    pct = leaky.loc[leaky["group_1"] == CE, "pct_1"].iloc[0]
    candidates = [x for x in range(int(n_valid) + 1) if round(100 * x / n_valid, 1) == pct]
    assert candidates == [2]  # recovered
    safe = attitudes.tidy_numbers(attitudes.pairwise_contrasts(protected))
    touching = (safe["group_1"] == CE) | (safe["group_2"] == CE)
    assert (
        safe.loc[touching, ["pct_1", "pct_2", "diff_pp", "ci_low", "ci_high", "p_value"]].isna().all().all()
    )
    # the published pairs are a function of published counts only: changing a suppressed cell
    # (the chief executives' agreeing, with the cells that move with it) changes nothing
    moved = protected.copy()
    moved.loc[moved["group"] == CE, "n_agree"] = np.nan
    again = attitudes.tidy_numbers(attitudes.pairwise_contrasts(moved))
    pd.testing.assert_frame_equal(again, safe)


def test_sensitivity_dont_know_as_neutral_cannot_give_back_a_suppressed_dont_know():
    """All respondents: 30 agree, 10 neutral, 20 disagree (60 valid answers, printed), 3 "Don't
    know" and 7 no answer (both suppressed in the item non-response table: [1, 9] each). Without
    the protection the sensitivity table's "don't know as neutral" estimate, 30 / 63 = 47.6 at 1
    decimal, leaves one "Don't know" count that fits: 3. With it that estimate is withheld (the
    main one, 30 / 60 from printed counts, stays)."""
    from helpers.survey import describe

    answers = ["Agree"] * 30 + ["Neutral"] * 10 + ["Disagree"] * 20 + [None] * 10
    roles = ([CE, MD, CD, DM] * 18)[:70]
    data = pd.DataFrame(
        {
            "role": pd.Categorical(roles, categories=list(publication.ROLES)),
            "profession": [PROFESSION[r] for r in roles],
            "level": [LEVEL[r] for r in roles],
            "x": pd.Categorical(answers, categories=list(LEVELS)),
            "x_nonsub": [None] * 60 + ["Don't know"] * 3 + [None] * 7,
        }
    )
    table = attitudes.sensitivity_table(data, ITEMS, {})
    nonresponse = pd.DataFrame(
        [{"item": "x", "n_respondents": 70, "n_valid": 60, "n_non_substantive": 3, "n_no_answer": 7}]
    )
    nonresponse = describe.suppress_small_counts(nonresponse, disclosure.Rule("threshold", 5))
    assert nonresponse.loc[0, ["n_valid", "n_non_substantive", "n_no_answer"]].tolist() == [60, "*", "*"]
    published, _ = attitudes.protect_by_role(attitudes.by_role(data, ITEMS), FIVE)
    n_agree = published_value(published, attitudes.ALL, "n_agree")
    assert n_agree == 30
    leaky = attitudes.tidy_numbers(attitudes.protect_sensitivity(table, FIVE)).set_index("rule")
    estimate = float(leaky.at["don't know as neutral", "estimate"])
    assert [dk for dk in range(1, 10) if round(100 * n_agree / (60 + dk), 1) == estimate] == [3]
    safe = attitudes.protect_sensitivity(table, FIVE, published=published, nonresponse=nonresponse)
    safe = attitudes.tidy_numbers(safe).set_index("rule")
    assert (
        pd.isna(safe.at["don't know as neutral", "estimate"])
        and safe.at["don't know as neutral", "majority"] == ""
    )
    assert float(safe.at["main analysis", "estimate"]) == 50.0
    # an All row whose n_agree the attitude table suppresses (say, as a secondary cell): the main
    # estimate at 1 decimal with its printed n (60) gives it back; protected, every rule's
    # estimate of the item is withheld
    main = float(leaky.at["main analysis", "estimate"])
    assert [x for x in range(61) if round(100 * x / 60, 1) == main] == [30]
    hidden = published.copy()
    hidden.loc[hidden["group"] == attitudes.ALL, "n_agree"] = np.nan
    safe = attitudes.protect_sensitivity(table, FIVE, published=hidden, nonresponse=nonresponse)
    assert safe["estimate"].isna().all() and set(safe["majority"]) == {""}


def test_like_for_like_standardised_figure_cannot_narrow_a_suppressed_role_count():
    """The standardised % is sum over roles of the 2002 share x the role's % agreeing. The
    published table gives the roles' agreeing counts up to one free number t (chief executives
    t, directorate managers 17 - t, medical directors 12 - t, clinical directors 9 + t; each
    suppressed count at least 1): t in 1 .. 11. The standardised figure at 1 decimal keeps
    fewer than 5 of them, the true 2 among them. Given the published table, it is withheld."""
    from helpers.survey.attitudes import then_and_now

    data = clean()
    reference = pd.DataFrame(
        [{"survey_year": 2002, "group": attitudes.ALL, "item": "x", "measure": "x_agree",
          "levels_counted": "Agree", "pct_published": 47.0}]
    )  # fmt: skip
    sample = pd.DataFrame({"group": list(publication.ROLES), "respondents": [103, 168, 445, 376]})
    s = dict(zip(publication.ROLES, np.array([103, 168, 445, 376]) / 1092))
    protected, _ = attitudes.protect_by_role(attitudes.by_role(data, ITEMS), FIVE)
    agree = {g: published_value(protected, g, "n_agree") for g in ("Manager", "Board", "Doctor", CE)}
    assert agree == {"Manager": 17, "Board": 12, "Doctor": 21, CE: None}
    valid = {r: published_value(protected, r, "n_valid") for r in publication.ROLES}
    leaky = attitudes.tidy_numbers(then_and_now.like_for_like_2002(data, reference, sample, ITEMS, None, 5))
    std = float(leaky.at[0, "pct_standardised"])

    def standardised(t):
        counts = {CE: t, DM: 17 - t, MD: 12 - t, CD: 9 + t}
        return round(100 * sum(s[r] * counts[r] / valid[r] for r in counts), 1)

    feasible = [t for t in range(21) if min(t, 17 - t, 12 - t, 9 + t) >= 1]
    assert (min(feasible), max(feasible)) == (1, 11)  # 10 wide from the table alone
    kept = [t for t in feasible if standardised(t) == std]
    assert 2 in kept and max(kept) - min(kept) < 5  # narrowed below the protection width
    safe = then_and_now.like_for_like_2002(data, reference, sample, ITEMS, None, 5, published=protected)
    assert safe[["pct_standardised", "std_ci_low", "std_ci_high"]].isna().all().all()
    assert safe["pct_crude"].notna().all()  # All's counts are printed
    assert safe.at[0, "note"] == "standardised figures withheld: a role's counts are suppressed"


def _flagged_sample(flagged_agree: int, flagged_not: int) -> pd.DataFrame:
    """60 respondents (15 per role), 30 agreeing and 30 not (the All row's counts, printed);
    the first flagged_agree + flagged_not are speeders, flagged_agree of them agreeing."""
    answers = ["Agree"] * flagged_agree + ["Disagree"] * flagged_not
    answers += ["Agree"] * (30 - flagged_agree) + ["Neutral"] * 10 + ["Disagree"] * (20 - flagged_not)
    roles = [publication.ROLES[i % 4] for i in range(60)]
    return pd.DataFrame(
        {
            "role": pd.Categorical(roles, categories=list(publication.ROLES)),
            "profession": [PROFESSION[r] for r in roles],
            "level": [LEVEL[r] for r in roles],
            "x": pd.Categorical(answers, categories=list(LEVELS)),
            "flag_speeder": [True] * (flagged_agree + flagged_not)
            + [False] * (60 - flagged_agree - flagged_not),
            "flag_straightliner": False,
        }
    )


def test_sensitivity_excluded_estimate_cannot_give_back_how_a_few_flagged_respondents_answered():
    """6 speeders (report 02 prints how many were flagged), 2 of them agreeing. All's 30 agreeing
    of 60 valid answers are printed. Without the protection the "speeders and straight-liners
    excluded" estimate, 28 / 54 = 51.9 at 1 decimal, leaves one pair (speeders agreeing, speeders
    answering) of the 28 pairs a reader can form with at most 6 speeders: (2, 6), i.e. 2 agreed
    and 4 did not. With it that estimate (and its majority view) is withheld, and its role
    difference stays; with 5 speeders agreeing and 5 not (both publishable counts) it is shown."""
    data = _flagged_sample(2, 4)
    table = attitudes.sensitivity_table(data, ITEMS, {})
    published, _ = attitudes.protect_by_role(attitudes.by_role(data, ITEMS), FIVE)
    assert (
        published_value(published, attitudes.ALL, "n_agree"),
        published_value(published, attitudes.ALL, "n_valid"),
    ) == (30, 60)
    excluded = "speeders and straight-liners excluded"
    leaky = attitudes.tidy_numbers(table).set_index("rule")  # at its published precision
    estimate = float(leaky.at[excluded, "estimate"])
    assert estimate == 51.9
    pairs = [
        (a, v) for v in range(7) for a in range(v + 1) if round(100 * (30 - a) / (60 - v), 1) == estimate
    ]
    assert pairs == [(2, 6)]  # recovered: 2 of the 6 speeders agreed, 4 did not
    answers = attitudes.excluded_answers(data, ITEMS)
    assert answers.to_dict("records") == [{"item": "x", "n_valid": 6, "n_agree": 2}]
    safe = attitudes.protect_sensitivity(table, FIVE, published=published, excluded=answers)
    safe = attitudes.tidy_numbers(safe).set_index("rule")
    assert pd.isna(safe.at[excluded, "estimate"]) and safe.at[excluded, "majority"] == ""
    assert float(safe.at["main analysis", "estimate"]) == 50.0
    assert float(safe.at["don't know as neutral", "estimate"]) == 50.0  # no "Don't know" here
    # not told how the flagged respondents answered: the rule's estimates are withheld
    for blind in (None, answers.iloc[:0]):
        out = attitudes.protect_sensitivity(table, FIVE, published=published, excluded=blind)
        assert pd.isna(out.set_index("rule").at[excluded, "estimate"])
    # 5 agreeing and 5 not: both counts publishable, the estimate (25 / 50) is shown
    data = _flagged_sample(5, 5)
    table = attitudes.sensitivity_table(data, ITEMS, {})
    shown = attitudes.protect_sensitivity(
        table, FIVE, published=published, excluded=attitudes.excluded_answers(data, ITEMS)
    )
    assert float(attitudes.tidy_numbers(shown).set_index("rule").at[excluded, "estimate"]) == 50.0


def test_weighted_estimate_cannot_narrow_a_suppressed_role_count():
    """Raked to the frame's eligible people by role (40, 100, 200, 150: printed in the
    response-rates table), the weights are constant within a role, eligible / respondents, both
    printed, so the weighted % agreeing is sum_r eligible_r x (agreeing_r / valid_r) / 490. The
    published table leaves the roles' agreeing counts one free number t (chief executives t,
    directorate managers 17 - t, medical directors 12 - t, clinical directors 9 + t): t in
    1 .. 11. The weighted % at 1 decimal (computed by design.weighted_estimates) keeps 1 and 2
    (the true 2): 1 wide instead of 10. Protected (attitudes.protect_weighted, and the sensitivity table's weighted row), the
    weighted figures of the item are withheld; the unweighted % (All's printed counts) stays."""
    data = clean()
    eligible = pd.Series({CE: 40.0, MD: 100.0, CD: 200.0, DM: 150.0})
    protected, _ = attitudes.protect_by_role(attitudes.by_role(data, ITEMS), FIVE)
    valid = {r: published_value(protected, r, "n_valid") for r in publication.ROLES}
    assert valid == {CE: 20, MD: 25, CD: 30, DM: 30}  # every role answered every item
    assert published_value(protected, CE, "n_agree") is None
    weighted, summary = attitudes.weighted_estimates(data, ITEMS, {"role": eligible.rename(index=str)}, FIVE)
    leaky = attitudes.tidy_numbers(weighted)
    pct = float(leaky.at[0, "pct_weighted"])

    def weighted_pct(t):  # by hand, from printed numbers only
        agree = {CE: t, DM: 17 - t, MD: 12 - t, CD: 9 + t}
        return round(100 * sum(eligible[r] * agree[r] / valid[r] for r in agree) / eligible.sum(), 1)

    feasible = [t for t in range(21) if min(t, 17 - t, 12 - t, 9 + t) >= 1]
    assert (min(feasible), max(feasible)) == (1, 11)
    assert [t for t in feasible if weighted_pct(t) == pct] == [1, 2]  # narrowed below 5 wide
    safe = attitudes.protect_weighted(weighted, protected)
    assert safe[["pct_weighted", "ci_low", "ci_high", "design_effect"]].isna().all().all()
    assert attitudes.tidy_numbers(safe).at[0, "pct_unweighted"] == 36.2  # All's printed 38 / 105
    # the sensitivity table's weighted estimate is the same figure: withheld too
    table = attitudes.sensitivity_table(data, ITEMS, {}, weights=summary["weights"])
    leaky = attitudes.tidy_numbers(table).set_index("rule")
    assert float(leaky.at["weighted", "estimate"]) == pct
    safe = attitudes.protect_sensitivity(table, FIVE, published=protected).set_index("rule")
    assert pd.isna(safe.at["weighted", "estimate"]) and safe.at["weighted", "majority"] == ""
    # every role's counts printed (a larger survey): the weighted figures are published
    shown = attitudes.protect_weighted(weighted, protected.assign(n_agree=protected["n_agree"].fillna(1)))
    assert shown["pct_weighted"].notna().all()


def test_roles_differ_is_said_only_from_a_published_role_test():
    """A two-level item (disagree / agree): chief executives 2 of 20 agree (suppressed), and the
    published table leaves the roles' agreeing counts one free number t (chief executives t,
    medical directors 12 - t, clinical directors 9 + t, directorate managers 17 - t): t in
    1 .. 11, so the role test is withheld (attitudes_role_tests, "withheld: suppressed cells").
    Before, the sensitivity table still said "roles differ: yes" from the chi-square of the raw
    table (p = 0.035): a reader keeps the t whose chi-square (scipy's chi2_contingency, an
    independent computation) has p < 0.05, {1, 2, 8, 9, 10, 11}, and learns that the chief
    executives' count is not 3 .. 7. Given the published tests, every rule says "not assessed"."""
    from scipy.stats import chi2_contingency

    two = ("Disagree", "Agree")
    items = {"x": attitudes.Item("x", "Q", two, ("Agree",))}
    answers = {CE: (18, 2), MD: (15, 10), CD: (19, 11), DM: (15, 15)}
    roles = [r for r, (no, yes) in answers.items() for _ in range(no + yes)]
    values = [a for no, yes in answers.values() for a in ["Disagree"] * no + ["Agree"] * yes]
    data = pd.DataFrame(
        {
            "role": pd.Categorical(roles, categories=list(publication.ROLES)),
            "profession": [PROFESSION[r] for r in roles],
            "level": [LEVEL[r] for r in roles],
            "x": pd.Categorical(values, categories=list(two)),
        }
    )
    protected, _ = attitudes.protect_by_role(attitudes.by_role(data, items), FIVE)
    assert [published_value(protected, r, "n_agree") for r in publication.ROLES] == [None] * 4
    agree = {g: published_value(protected, g, "n_agree") for g in ("Manager", "Board", "Doctor")}
    assert agree == {"Manager": 17, "Board": 12, "Doctor": 21}
    tests = attitudes.protect_counts(attitudes.role_tests(data, items), FIVE)
    tests = attitudes.protect_role_tests(tests, protected, FIVE)
    assert tests.at[0, "grouping"].startswith("withheld") and pd.isna(tests.at[0, "p_holm"])
    before = attitudes.sensitivity_table(data, items, {}).set_index("rule")
    assert before.at["main analysis", "roles_differ"] == "yes"
    valid = {CE: 20, MD: 25, CD: 30, DM: 30}

    def p(t):
        counts = {CE: t, MD: 12 - t, CD: 9 + t, DM: 17 - t}
        return chi2_contingency([[counts[r], valid[r] - counts[r]] for r in counts], correction=False)[1]

    feasible = [t for t in range(21) if min(t, 12 - t, 9 + t, 17 - t) >= 1]
    assert feasible == list(range(1, 12))
    assert [t for t in feasible if p(t) < 0.05] == [1, 2, 8, 9, 10, 11]  # 3 .. 7 ruled out
    after = attitudes.sensitivity_table(data, items, {}, tests=tests)
    assert set(after["roles_differ"]) == {"not assessed"} and set(after["changes"]) == {""}
    # a published test: the main analysis says what it says (at its adjusted p), and the other
    # rules test the same table; without tests, as before
    shown = tests.assign(grouping="role x agree (published counts)", p_holm=0.2)
    after = attitudes.sensitivity_table(data, items, {}, tests=shown).set_index("rule")
    assert after.at["main analysis", "roles_differ"] == "no"  # 0.2, as published (raw: 0.035)
    assert after.at["don't know as neutral", "roles_differ"] == "yes"  # role x agree, p 0.035
