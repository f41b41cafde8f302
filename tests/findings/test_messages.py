"""Each slide's message: a finding as a sentence, generated from the strand tables (exact
sentences on tiny tables), never ranking role groups without an adjusted significant test."""

import math

import nbformat
import pandas as pd
import pytest

from helpers import slides
from helpers.findings import messages


def attitudes():
    rows = [
        ("q", "all", "All respondents", 465, 280, 60.215, 55.70, 64.56),
        ("q", "role", "Chief executive", 67, 53, 79.10, 67.93, 87.12),
        ("q", "role", "Clinical director", 146, 66, 45.21, 37.36, 53.30),
        ("q", "role", "Medical director", 3, None, None, None, None),  # suppressed
        ("r", "all", "All respondents", 400, 130, 32.5, 28.1, 37.2),
        ("r", "role", "Chief executive", 60, 20, 33.3, 22.7, 45.9),
        ("r", "role", "Clinical director", 90, 30, 33.3, 24.4, 43.5),
    ]
    return pd.DataFrame(
        rows, columns=["item", "group_type", "group", "n_valid", "n_agree", "pct_agree", "ci_low", "ci_high"]
    )


AGREE = ("Agree", "Strongly agree")


@pytest.mark.parametrize(
    "pct, words",
    [
        (60.215, "three in five"),
        (49.2, "half of"),
        (66.0, "two in three"),
        (45.0, "45%"),
        (90.9, "nine in ten"),
    ],
)
def test_share_in_words_only_within_one_point_of_the_fraction(pct, words):
    assert messages.share(pct) == words


def test_answer_phrase_agreement_or_the_levels_quoted():
    assert messages.answer_phrase(AGREE) == "agree"
    assert messages.answer_phrase(("4", "5 Excellent")) == "answer \u20184\u2019 or \u20185 Excellent\u2019"
    assert messages.answer_phrase(("Improve",)) == "answer \u2018Improve\u2019"
    # "Disagree" counted as the positive answer (a reversed item) is not called agreement
    assert messages.answer_phrase(("Disagree", "Strongly disagree")).startswith("answer \u2018Disagree")


def test_item_share_headline_and_notes_with_bases_and_intervals():
    tests = pd.DataFrame(
        {"item": ["q"], "chi2": [25.6], "dof": [12], "p_value": [0.012], "p_adjusted": [0.06]}
    )
    m = messages.item_share(attitudes(), "q", "Relations are good", AGREE, tests)
    assert m.headline == "Three in five respondents agree: \u201cRelations are good\u201d"
    assert m.notes == [
        "\u201cRelations are good\u201d: % who agree.",
        "All respondents: 60% (56 to 65), 280 of 465 who answered.",
        "Chief executive: 79% (68 to 87), 53 of 67 who answered.",
        "Clinical director: 45% (37 to 53), 66 of 146 who answered.",
        "Medical director: suppressed (small numbers).",
        "Across role groups: chi-square 25.6, df 12, p 0.012, adjusted p 0.060.",
    ]


def test_role_difference_names_the_ends_only_after_an_adjusted_significant_test():
    label, a = "Relations are good", attitudes()
    significant = pd.DataFrame({"item": ["q"], "p_value": [0.0001], "p_adjusted": [0.004]})
    assert (
        messages.role_difference(a, "q", label, AGREE, significant).headline
        == "\u201cRelations are good\u201d: chief executives agree most often (79%), clinical directors least (45%)"
    )
    # unadjusted p 0.012 but adjusted 0.060: no ranking (issue 14)
    not_after_adjustment = pd.DataFrame({"item": ["q"], "p_value": [0.012], "p_adjusted": [0.06]})
    assert (
        messages.role_difference(a, "q", label, AGREE, not_after_adjustment).headline
        == "\u201cRelations are good\u201d: no significant difference between role groups (adjusted p 0.060)"
    )
    # p_holm is used where the strand table has no p_adjusted
    holm = pd.DataFrame({"item": ["q"], "p_holm": [0.2]})
    assert "(adjusted p 0.20)" in messages.role_difference(a, "q", label, AGREE, holm).headline
    assert (
        messages.role_difference(a, "q", label, AGREE, None).headline
        == "\u201cRelations are good\u201d: the role groups were not tested"
    )


def test_role_tests_summary_counts_adjusted_significant_items():
    tests = pd.DataFrame({"item": ["q", "r", "s"], "p_adjusted": [0.01, 0.3, 0.049]})
    m = messages.role_tests_summary(["q", "r", "s"], tests, labels={"q": "Q"})
    assert m.headline == "The role groups differ significantly on 2 of the 3 headline statements"
    assert m.notes[0] == "\u201cQ\u201d: adjusted p 0.010 (significant)."
    assert (
        messages.role_tests_summary(["r"], tests).headline
        == "The role groups do not differ significantly on any of the 1 headline statement"
    )
    assert messages.role_tests_summary(["q"], tests).headline == (
        "The role groups differ significantly on all 1 headline statement"
    )


def test_respondents_lists_groups_and_never_adds_a_suppressed_count():
    t = pd.DataFrame(
        {
            "role": ["Chief executive", "Clinical director", "Other"],
            "n": [68, 150, 0],
            "pct": [31.2, 68.8, 0.0],
        }
    )
    m = messages.respondents(t)
    assert m.headline == "218 respondents: 68 chief executives and 150 clinical directors"
    assert m.notes == ["Chief executive: 68 (31%).", "Clinical director: 150 (69%).", "Other: 0 (0%)."]
    t.loc[0, "n"] = math.nan
    assert (
        messages.respondents(t).headline
        == "Respondents by role: 150 clinical directors; 1 small group(s) not shown"
    )


def test_respondents_when_small_role_groups_are_combined():
    """Issue 15 (a generated instrument's deck): '19 respondents: 19 respondents in the other
    role groups'."""
    from helpers.survey import describe

    assert messages.COMBINED_ROLES == describe.COMBINED_ROLES
    alone = pd.DataFrame({"role": ["Directorate manager", describe.COMBINED_ROLES], "n": [0, 19]})
    assert messages.respondents(alone).headline == (
        "19 respondents; no role group is large enough to show on its own"
    )
    mixed = pd.DataFrame({"role": ["Clinical director", describe.COMBINED_ROLES], "n": [150, 12]})
    assert messages.respondents(mixed).headline == (
        "162 respondents: 150 clinical directors and 12 in the other role groups"
    )


def test_a_figure_the_survey_does_not_have_is_named_in_words(tmp_path, monkeypatch):
    """A slide never names a file or a stage ('No `attitudes_then_vs_now` figure for this
    instrument (stage 03_attitude_analysis did not draw it)')."""
    from helpers.findings import headline, strands

    monkeypatch.setattr(strands, "figure_path", lambda name: tmp_path / f"{name}.png")
    monkeypatch.setattr(strands, "has_run", lambda strand: True)
    shown = headline.figure("attitudes_then_vs_now", "attitudes").data
    assert (
        shown
        == "*No chart of the comparison with the published figures (the codebook maps none) for this survey.*"
    )
    assert headline.figure("attitudes_workload_by_role", "attitudes").data == (
        "*No chart of the answers by role group for this survey.*"
    )


def then_now(p_adjusted, now=60.2):
    return pd.DataFrame(
        {
            "measure": ["relationship_positive", "relationship_positive"],
            "group": ["Chief executive", "All respondents"],
            "published_year": [2002, 2002],
            "published_pct": [76.0, 47.0],
            "pct": [79.1, now],
            "ci_low": [67.9, 55.7],
            "ci_high": [87.1, 64.6],
            "n_valid": [67, 465],
            "diff_pp": [3.4, now - 47.0],
            "diff_ci_low": [-9.9, 7.8],
            "diff_ci_high": [15.5, 18.5],
            "p_value": [0.61, p_adjusted],
            "p_adjusted": [0.61, p_adjusted],
        }
    )


def test_then_and_now_says_up_or_down_only_when_significant():
    assert messages.then_and_now(then_now(0.001)).headline == (
        "\u201cRate relationships positive (4-5)\u201d: up from 47% in 2002 to 60% in this survey"
    )
    assert messages.then_and_now(then_now(0.001, now=40.0)).headline.endswith(
        "down from 47% in 2002 to 40% in this survey"
    )
    assert messages.then_and_now(then_now(0.2)).headline == (
        "\u201cRate relationships positive (4-5)\u201d: 60% in this survey, 47% in 2002, no significant change"
    )
    assert messages.then_and_now(then_now(0.001)).notes[1] == (
        "Rate relationships positive (4-5), All respondents: 2002 47%; this survey 60% (56 to 65), n 465; "
        "difference +13.2 pp (+7.8 to +18.5), adjusted p \u22640.001."
    )
    assert messages.then_and_now_summary(then_now(0.001)).headline == (
        "1 of the 2 tested comparisons with 2002 shows a significant change"
    )
    assert messages.then_and_now_summary(then_now(0.3)).headline == (
        "None of the 2 tested comparisons with 2002 shows a significant change"
    )


PRISMA = pd.DataFrame(
    {
        "data": [
            "database_results", "register_results", "website_results", "citations_results", "duplicates",
            "records_screened", "records_excluded", "dbr_sought_reports", "dbr_notretrieved_reports",
            "other_sought_reports", "other_notretrieved_reports", "dbr_assessed", "other_assessed",
            "dbr_excluded", "other_excluded", "total_studies", "total_reports",
        ],
        "n": [85, 0, 1, 2, 56, 29, 3, 26, 1, 3, 1, 25, 2, "wrong population, 4; not empirical, 5",
              "not empirical, 1", 16, 17],
    }
)  # fmt: skip


def test_prisma_headline_and_the_slide_sized_flow():
    m = messages.prisma(PRISMA)
    assert m.headline == "16 studies (17 reports) included from 88 records identified"
    assert "Records screened (title and abstract): 29." in m.notes
    html = messages.prisma_flow_html(PRISMA)
    for text in (
        "<b>88</b> records identified",
        "85 from databases and registers, 3 by other methods",
        "<b>56</b> removed before screening",
        "<b>29</b> reports sought",
        "<b>2</b> not retrieved",
        "<b>27</b> reports assessed in full",
        "<b>10</b> excluded: wrong population (4); not empirical (6)",
        "<b>16</b> studies included",
        "in 17 reports",
    ):
        assert text in html, text


def test_themes_names_the_widest_shared_theme_and_ties():
    s = pd.DataFrame(
        {
            "theme": ["A", "B", "C"],
            "references": [5, 9, 2],
            "participants": [7, 11, 3],
            "participants_in_study": [13, 13, 13],
            "raised_by": ["x", "x, y", "y"],
        }
    )
    assert messages.themes(s).headline == "\u201cB\u201d was raised by the most participants: 11 of 13"
    s.loc[0, "participants"] = 11
    assert (
        messages.themes(s).headline
        == "\u201cA\u201d and \u201cB\u201d were each raised by the most participants: 11 of 13"
    )


def test_triangulation_counts_only_the_pairs_the_team_compared():
    long = pd.DataFrame(
        {
            "survey_item": ["q", "r", "s", "t"],
            "question": ["Q", "R", "S", "T"],
            "theme": ["A", "B", "C", "(none)"],
            "judgement": ["convergence", "dissonance", "complementarity", "silence"],
            "survey_evidence": ["e1", "e2", "e3", "e4"],
            "rationale": ["", "why", "", ""],
            "origin": ["mapping row 2", "mapping row 3", "mapping row 4", "derived: item in the survey"],
        }
    )
    assert messages.triangulation(long).headline == (
        "Survey and interviews converge on 1 of the 3 pairs compared and are dissonant on 1"
    )
    d = messages.dissonance(long, {"r": "Short R"})
    assert d.headline == "Survey and interviews disagree on \u201cShort R\u201d and \u201cB\u201d"
    assert d.notes == ["Short R x B: e2; team: why."]


def test_the_deck_takes_the_message_as_heading_and_its_numbers_as_notes():
    m = messages.Message("Three in five agree", ["All: 60% (56 to 65), 280 of 465 who answered."])
    data, meta = m._repr_markdown_()
    heading = nbformat.v4.new_markdown_cell(
        "## Headline figures\n\nWhy we asked.", metadata={"slideshow": {"slide_type": "slide"}}
    )
    code = nbformat.v4.new_code_cell("x", metadata={"slideshow": {"slide_type": "-"}})
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": data}, metadata=meta),
        nbformat.v4.new_output("display_data", data={"text/html": "<table></table>"}),
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Intro", metadata={"slideshow": {"slide_type": "slide"}}),
        heading,
        code,
    ]
    out = slides.prepare(nb)
    texts = [(c.cell_type, c.metadata.get("slideshow", {}).get("slide_type"), c.source) for c in out.cells]
    assert ("markdown", "slide", "## Three in five agree") in texts
    assert ("markdown", "notes", "- All: 60% (56 to 65), 280 of 465 who answered.") in texts
    assert not any("Why we asked" in t for _, _, t in texts)  # the explanation stays in the report
    shown = next(c for c in out.cells if c.cell_type == "code")
    assert [o.data for o in shown.outputs] == [{"text/html": "<table></table>"}]  # the message left the body


def test_no_comparison_rows_is_said_not_shown_as_an_empty_table():
    from helpers.findings import present

    empty = pd.DataFrame(columns=["measure", "group", "published_year", "published_pct", "pct"])
    assert present.then_and_now(empty).data == (
        "*The survey's codebook maps no published figure: there is nothing to compare.*"
    )


def test_a_withheld_headline_item_is_left_out_and_named(tmp_path, monkeypatch):
    """A generated survey's stage 05 failed: a headline item withheld by notebook 02/03
    (helpers.survey.attitudes.withholding) is in no attitudes table. It is left out of the
    headline figures and the slide names it."""
    from pathlib import Path

    from helpers.findings import present, strands
    from helpers.survey.attitudes import withholding
    from helpers.survey.attitudes.withholding import ENTIRELY

    monkeypatch.setattr(strands, "table_path", lambda name: tmp_path / f"{name}.csv")
    params = {"data_dir": Path(__file__).resolve().parents[2] / "data" / "raw" / "demo"}
    declared = [
        "relationship_quality",
        "relationship_change",
        "att_regulation_punitive",
        "att_cost_quality_tension",
    ]
    assert present.headline_items(params) == declared
    withheld = pd.DataFrame(
        {"item": ["att_regulation_punitive"], "question": ["Regulation is punitive"], "reason": [ENTIRELY]}
    )
    withheld.to_csv(tmp_path / "survey_withheld_items.csv", index=False)
    assert present.headline_items(params) == [d for d in declared if d != "att_regulation_punitive"]
    # the newcomer's run: report 05 said 'too few answers' where report 02 said every answer
    # count would be suppressed although the valid answers are not below the threshold; now both
    # print the one sentence of helpers.survey.attitudes.withholding.note, with notebook 02's reason
    assert present.withheld_note(params).data == (
        "*Not shown among the headline items: 1 item withheld from every table, figure and statistic "
        "of this release, because no pattern of suppression protects it (docs/disclosure.md): "
        "\u2018Regulation is punitive\u2019 (att_regulation_punitive): every answer count for all "
        "respondents would be suppressed, although its valid answers are not below the threshold.*"
    )
    assert present.withheld_note(params).data.endswith(withholding.note(withheld) + "*")


def test_notes_of_what_a_run_lacks_are_marked_for_the_deck(tmp_path, monkeypatch):
    """The deck drops a slide with nothing but such a note and names what is absent once
    (helpers.slides.drop_empty_slides): the note carries what is absent and why."""
    from helpers.findings import headline, present, strands

    monkeypatch.setattr(strands, "figure_path", lambda name: tmp_path / f"{name}.png")
    monkeypatch.setattr(strands, "has_run", lambda s: getattr(s, "key", s) != "literature")
    monkeypatch.setattr(strands, "_ABSENT", {"01_literature_review": "literature"})
    empty = pd.DataFrame(columns=["measure", "group", "published_year", "published_pct", "pct"])
    shown = [
        headline.figure("attitudes_then_vs_now", "attitudes"),
        headline.figure("attitudes_workload_by_role", "attitudes"),
        present.then_and_now(empty),
        present.prisma_flow(),
        present.triangulation_figure(None, None),
        present.triangulation_detail(None),
        present.headline_item_figure([]),
    ]
    assert [s.metadata["deck"]["absent"] for s in shown] == [
        {
            "what": "the comparison with the 2002 and 2015 surveys",
            "why": "the codebook maps no published figure",
        },
        {
            "what": "the chart of the first headline statement by role group",
            "why": "drawn only for a statement outside a battery",
        },
        {
            "what": "the comparison with the 2002 and 2015 surveys",
            "why": "the codebook maps no published figure",
        },
        {"what": "the rapid literature review", "why": "its data were not supplied"},
        {
            "what": "the triangulation of the survey and the interviews",
            "why": "it needs both strands and the team's mapping file",
        },
        {
            "what": "the triangulation of the survey and the interviews",
            "why": "it needs both strands and the team's mapping file",
        },
        {"what": "headline figures", "why": "the survey codebook declares no headline items"},
    ]


def test_the_respondents_slide_leaves_out_a_role_group_nobody_is_in():
    """The deck's 'who answered' table ended with 'Other – – 0 0' (the headline already leaves
    such a group out); a suppressed count keeps its row."""
    from helpers.findings import present

    table = pd.DataFrame(
        {"role": ["Chief executive", "Medical director", "Other"], "n": [68, "*", 0], "pct": [14.4, "*", 0.0]}
    )
    shown = present.respondents(table).data
    assert shown["role"].tolist() == ["Chief executive", "Medical director"]
