"""Report prose built from the run's own codebook and params (the newcomer's SurveyMonkey run)."""

import json
from pathlib import Path

from helpers.survey import attitudes

NOTEBOOK_03 = Path(__file__).resolve().parents[2] / "notebooks" / "03_attitude_analysis.ipynb"


def _code(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_no_models_note_is_text_when_the_models_ran_but_none_is_published():
    # Every item's model withheld: models_note is None, and Markdown(None) printed
    # '<IPython.core.display.Markdown object>' under the Brant-test heading.
    assert attitudes.no_models_note(None) == (
        "No ordinal model is published (see the note above), so there is no Brant test."
    )
    assert attitudes.no_models_note("**Ordinal models skipped**: x.") == "**Ordinal models skipped**: x."


def test_notebook_03_never_displays_a_note_that_may_be_none():
    code = _code(NOTEBOOK_03)
    assert "Markdown(model_note)" not in code


def test_then_and_now_note_follows_the_runs_new_sample_setting():
    # new_sample: true printed "This study's own respondents are the 2015 survey's
    # (params survey.then_and_now.new_sample: false)" above a table of independent samples.
    assert attitudes.sample_note(True) == (
        "This run's respondents are a new sample, independent of the 2002 and 2015 surveys' "
        "(params `survey.then_and_now.new_sample: true`): every row with known counts is compared "
        "by an independent-samples test (column `comparison`), and the tests form the "
        "`then_vs_now` family of the analysis plan."
    )
    assert attitudes.sample_note(False).startswith(
        "This run's respondents *are* the 2015 survey's (params `survey.then_and_now.new_sample: false`)"
    )
    markdown = "\n".join(
        "".join(c["source"])
        for c in json.loads(NOTEBOOK_03.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "markdown"
    )
    assert "new_sample:\nfalse`)" not in markdown and "*are* the 2015 survey's" not in markdown


def test_model_and_scale_sentences_are_printed_only_when_those_sections_ran():
    # The newcomer's report said "Odds ratios ... (below ...)" with no model published, and
    # "Mean scale scores by role group (above ...)" under a skipped scales section.
    assert attitudes.odds_ratios_intro("Clinical director").startswith(
        "Odds ratios for each role group against clinical directors (below; the full table"
    )
    assert attitudes.odds_ratios_intro("Directorate manager").endswith("than directorate managers did.")
    assert attitudes.SCALE_TESTS_INTRO.startswith("Mean scale scores by role group (below;")
    cells = json.loads(NOTEBOOK_03.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for instrument_bound in (
        "Odds ratios for each role group",
        "Mean scale scores by role group",
        "1 (strongly disagree)",
    ):
        assert instrument_bound not in markdown
    assert _code(NOTEBOOK_03).count("Markdown(scales_note)") == 1  # the skipped note printed once


def test_notebook_03_markdown_states_no_fact_of_the_demonstration_instrument():
    # A team's survey was told its covariates were "in the demonstration: nation, years in role
    # and organisation type" and agreement was "4 or 5 on the 1-5 scale, as in 2002".
    cells = json.loads(NOTEBOOK_03.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for demo_fact in ("in the demonstration:", "1-5 scale, as in 2002", "health boards are exactly"):
        assert demo_fact not in markdown.replace("\n", " ")


def test_notebook_03_does_not_fix_the_role_test_at_three_degrees_of_freedom():
    # newcomer2 item 5: the likelihood-ratio test has (role groups compared - 1) degrees
    # of freedom; an instrument with fewer or more groups than the demo's four must not
    # read "3 degrees of freedom".
    from pathlib import Path

    text = (Path(__file__).parents[2] / "notebooks" / "03_attitude_analysis.ipynb").read_text()
    assert "(3 degrees of freedom)" not in text
    assert "the number of role groups compared minus one" in text
