"""Headline figures: copied from the strand tables, formatted, never recomputed."""

import math

import pandas as pd
import pytest

from helpers.findings import headline


def attitudes():
    rows = [
        ("q", "Rate relations", "all", "All respondents", 465, 280, 60.215, 55.70, 64.56),
        ("q", "Rate relations", "role", "Chief executive", 67, 53, 79.10, 67.93, 87.12),
        ("q", "Rate relations", "role", "Clinical director", 146, 66, 45.21, 37.36, 53.30),
        ("q", "Rate relations", "role", "Medical director", 3, None, None, None, None),  # suppressed
        ("q", "Rate relations", "profession", "Doctor", 240, 124, 51.67, 45.37, 57.91),
        ("r", "Regulation", "role", "Chief executive", 60, 50, 83.33, 72.0, 90.7),
        ("r", "Regulation", "all", "All respondents", 400, 352, 88.0, 84.5, 90.8),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "item",
            "question",
            "group_type",
            "group",
            "n_valid",
            "n_agree",
            "pct_agree",
            "ci_low",
            "ci_high",
        ],
    )


@pytest.mark.parametrize(
    "args, expected",
    [
        ((60.215, 55.70, 64.56), "60% (56 to 65)"),
        ((60.5, None, None), "61%"),  # half away from zero, as helpers.numbers rounds everywhere
        ((None, 1, 2), "suppressed"),
        (("*", 1, 2), "suppressed"),
        ((float("nan"), 1, 2), "suppressed"),
    ],
)
def test_fmt_pct_ci(args, expected):
    assert headline.fmt_pct_ci(*args) == expected


def test_headline_table_keeps_requested_order_and_copies_numbers():
    t = headline.headline_table(attitudes(), ["r", "q"], ("all", "role"))
    assert list(zip(t["item"], t["group"])) == [
        ("r", "All respondents"),
        ("r", "Chief executive"),
        ("q", "All respondents"),
        ("q", "Chief executive"),
        ("q", "Clinical director"),
        ("q", "Medical director"),
    ]
    assert t.loc[2, "pct_agree"] == 60.215 and t.loc[2, "estimate"] == "60% (56 to 65)"
    assert t.loc[5, "estimate"] == "suppressed" and math.isnan(t.loc[5, "n_agree"])


def test_headline_table_unknown_item():
    with pytest.raises(ValueError, match=r"headline item\(s\) not in attitudes_by_role: zz \(known: q, r\)"):
        headline.headline_table(attitudes(), ["q", "zz"])


def test_wide_and_sentences():
    t = headline.headline_table(attitudes(), ["q"])
    wide = headline.headline_wide(t)
    assert list(wide.columns) == [
        "All respondents",
        "Chief executive",
        "Clinical director",
        "Medical director",
    ]
    assert wide.loc["Rate relations"].tolist() == [
        "60% (56 to 65)",
        "79% (68 to 87)",
        "45% (37 to 53)",
        "suppressed",
    ]
    tests = pd.DataFrame({"item": ["q", "r"], "p_holm": [0.004, 1.0]})
    assert headline.sentences(t, attitudes(), role_tests=tests) == [
        "- *Rate relations*: 60% (56 to 65) of the 465 who answered agreeing or positive; highest among chief executives "
        "(79% (68 to 87)), lowest among clinical directors (45% (37 to 53))."
    ]
    # issue 14, 6: no highest/lowest where role has no adjusted significant effect (Holm p = 1)
    tests = pd.DataFrame({"item": ["q"], "p_holm": [1.0]})
    assert headline.sentences(t, attitudes(), role_tests=tests) == [
        "- *Rate relations*: 60% (56 to 65) of the 465 who answered agreeing or positive; "
        "the role groups did not differ significantly (Holm-adjusted)."
    ]


def test_every_percentage_in_text_states_its_base():
    # issue 14, 5: "88% of all respondents" was 88% of the 451 who answered substantively (84% of 472)
    a = attitudes().assign(n_respondents=[472, 70, 150, 3, 245, 62, 472])
    t = headline.headline_table(a, ["r"], ("all",))
    assert (
        headline.sentences(t, a)
        == [
            "- *Regulation*: 88% (85 to 91) of the 400 of 472 respondents who answered agreeing or positive."  # 84.5 rounds half away from zero
        ]
    )
    assert headline.base_text(float("nan")) == "of those who answered (base suppressed)"


def test_extremes_ignores_suppressed_and_needs_two_groups():
    tests = pd.DataFrame({"item": ["q", "r"], "p_holm": [0.01, 0.01]})
    assert headline.extremes(attitudes(), "q", role_tests=tests) == ("Chief executive", "Clinical director")
    assert headline.extremes(attitudes(), "r", role_tests=tests) is None
    assert headline.extremes(attitudes(), "q") is None  # never ranked without an adjusted test


def test_themes_summary_sums_role_rows():
    t = pd.DataFrame(
        [
            ("A", "board member", 3, 2, 4),
            ("A", "manager", 0, 0, 5),
            ("B", "board member", 1, 1, 4),
            ("B", "manager", 6, 4, 5),
        ],
        columns=["theme", "role", "references", "participants", "participants_in_role"],
    )
    assert headline.themes_summary(t).to_dict("records") == [
        {
            "theme": "A",
            "references": 3,
            "participants": 2,
            "participants_in_study": 9,
            "raised_by": "board member",
        },
        {
            "theme": "B",
            "references": 7,
            "participants": 5,
            "participants_in_study": 9,
            "raised_by": "board member, manager",
        },
    ]


def test_themes_summary_reads_the_published_totals_and_suppressed_roles():
    """The published themes_by_role (issue 13): a total row per theme ("all roles") and the
    counts of people under disclosure control. Totals come from the total row (NaN where it is
    itself suppressed); a suppressed role raised the theme (at least one person)."""
    t = pd.DataFrame(
        [
            ("A", "all roles", 9, 7, 18),
            ("A", "board member", 3, "*", "*"),
            ("A", "clinical director", 6, 5, 7),
            ("A", "participant", 0, 0, "*"),
            ("B", "all roles", 2, "*", 18),
            ("B", "board member", 2, "*", "*"),
            ("B", "clinical director", 0, 0, 7),
            ("B", "participant", 0, 0, "*"),
        ],
        columns=["theme", "role", "references", "participants", "participants_in_role"],
    )
    got = headline.themes_summary(t).to_dict("records")
    assert got[0] == {
        "theme": "A",
        "references": 9,
        "participants": 7,
        "participants_in_study": 18,
        "raised_by": "board member, clinical director",
    }
    assert got[1]["raised_by"] == "board member" and math.isnan(got[1]["participants"])


def test_themes_summary_rejects_non_numeric_counts():
    t = pd.DataFrame([("A", "x", "three", 1)], columns=["theme", "role", "references", "participants"])
    with pytest.raises(
        ValueError, match=r"themes_by_role, row 2, column 'references': not a whole count \(found 'three'\)"
    ):
        headline.themes_summary(t)


def test_then_and_now_formatting():
    t = pd.DataFrame(
        [
            (
                "relationship_positive",
                "All respondents",
                2002,
                47.0,
                True,
                60.2,
                55.7,
                64.6,
                13.2,
                7.9,
                18.1,
                1e-5,
            ),
            (
                "relationship_improve",
                "Chief executive",
                2015,
                80.0,
                "True",
                80.0,
                68.7,
                87.9,
                None,
                None,
                None,
                None,
            ),
            ("other", "Clinical director", 2002, 37.0, False, 45.2, 37.4, 53.3, 8.2, -1.5, 17.6, 0.0962),
        ],
        columns=[
            "measure",
            "group",
            "published_year",
            "published_pct",
            "approximate",
            "pct",
            "ci_low",
            "ci_high",
            "diff_pp",
            "diff_ci_low",
            "diff_ci_high",
            "p_value",
        ],
    )
    out = headline.then_and_now(t)
    assert out.to_dict("records") == [
        {
            "measure": "Rate relationships positive (4-5)",
            "group": "All respondents",
            "published": "2002: 47% (approx. n)",
            "this run": "60% (56 to 65)",
            "difference (95% CI)": "+13.2 pp (+7.9 to +18.1)",
            "p": "<0.001",
        },
        {
            "measure": "Expect relations to improve",
            "group": "Chief executive",
            "published": "2015: 80% (approx. n)",
            "this run": "80% (69 to 88)",
            "difference (95% CI)": "\u2013",
            "p": "\u2013",
        },
        {
            "measure": "other",
            "group": "Clinical director",
            "published": "2002: 37%",
            "this run": "45% (37 to 53)",
            "difference (95% CI)": "+8.2 pp (-1.5 to +17.6)",
            "p": "0.096",
        },
    ]
    # with the adjusted p of the analysis plan's family, a column of its own; p at 2 significant
    # figures, the floor of a published p (0.001) as "\u22640.001", never "p=0.610"
    t2 = t.assign(p_value=[0.001, None, 0.61], p_adjusted=[0.001, None, 1.0])
    out2 = headline.then_and_now(t2)
    assert out2["p"].tolist() == ["\u22640.001", "\u2013", "0.61"]
    assert out2["adjusted p"].tolist() == ["\u22640.001", "\u2013", "1.0"]
    assert headline.fmt_diff(3.44, -9.94, 15.46, 0.61) == "+3.4 pp (-9.9 to +15.5), p 0.61"
    assert headline.fmt_diff(-0.04, None, None) == "0.0 pp" and headline.fmt_diff(None, 1, 2) == ""


def test_a_suppressed_pooled_share_is_said_in_words():
    """A generated survey's bullet read 'suppressed of those who answered (base suppressed)
    agreeing or positive'."""
    a = attitudes()
    a.loc[a["item"] == "r", ["n_valid", "n_agree", "pct_agree", "ci_low", "ci_high"]] = None
    t = headline.headline_table(a, ["r"], ("all",))
    assert headline.sentences(t, a, role_tests=pd.DataFrame({"item": ["r"], "p_holm": [1.0]})) == [
        "- *Regulation*: the share agreeing or positive is not shown (suppressed: too few answers, or a "
        "small count it would let a reader work out); the role groups did not differ significantly "
        "(Holm-adjusted)."  # p = 1: tested
    ]
    # the newcomer's run: 'too few answers' beside a table publishing 25 agreeing of 60
    # respondents (its base suppressed only to protect a small level): the reason names both


def test_a_withheld_role_test_is_not_read_as_no_difference():
    """The generated survey's slide said 'The role groups were not tested on the headline
    statements' above a bullet saying they 'did not differ significantly'."""
    t = headline.headline_table(attitudes(), ["r"], ("all",))
    withheld = pd.DataFrame({"item": ["r"], "p_holm": [float("nan")]})
    assert headline.sentences(t, attitudes(), role_tests=withheld) == [
        "- *Regulation*: 88% (85 to 91) of the 400 who answered agreeing or positive; the role groups were "
        "not tested on it."
    ]
