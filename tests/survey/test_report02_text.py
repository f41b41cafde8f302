"""Report 02's sentences about the instrument come from its codebook and params (issue 11,
newcomer run): on another instrument it printed the demo's "Coverage variable: nation", the demo's
quasi-identifiers for the deposit copy, an empty "multi-item scales: " and Qualtrics' response
statuses of a SurveyMonkey export. Checked on generated instruments (helpers.synthetic.instruments)
and on the demo, whose report must not change."""

from __future__ import annotations

import pytest
import yaml

import helpers.synthetic.instruments as S
from helpers import paths
from helpers.survey import cleaning, deposit, describe, inputs
from helpers.tables import cells, default_spec

PARAMS = yaml.safe_load((paths.project_root() / "params.yaml").read_text(encoding="utf-8"))


def generated(seed, layout, tmp_path):
    folder = S.write_instrument(S.random_instrument(seed), tmp_path / str(seed), layout)
    export, codebook = inputs.load(folder)
    settings = S.settings_for(layout, {"identifiers": codebook.identifiers} if codebook.identifiers else {})
    result = cleaning.clean_survey(export.data, codebook, settings, export.source, platform=export.platform)
    return export, codebook, result


def shown(table):
    return {row[0]: row[1] for row in cells(table, default_spec(table)).values.tolist()}


def test_a_surveymonkey_instrument_without_scales_coverage_or_deposit_variables(tmp_path):
    export, codebook, result = generated(1, "surveymonkey", tmp_path)
    assert not codebook.multi_item_scales and not codebook.published_comparison  # what seed 1 is
    assert (
        describe.instrument_text(codebook)
        == "7 variables, 4 Likert items, batteries: set_staff_care; no multi-item scale"
    )
    rows = shown(describe.settings(PARAMS["survey"], codebook, export.platform))
    assert rows["Response statuses dropped (preview, test, spam)"] == (
        "not applied: SurveyMonkey exports have no response-status column"
    )
    assert "Partial responses: minimum progress (%)" not in rows
    assert rows["Partial responses: minimum share of the required items answered (%)"] == "80"
    assert rows["Comparison with the published figures"] == (
        "not made: the codebook maps no item to the published figures (published_comparison)"
    )
    assert not any("nation" in value for value in rows.values())
    assert deposit.rule_text(result.clean, PARAMS) == (
        "make deposit writes a deposit copy only if every value of role is shared by at least k respondents "
        "(params.yaml deposit: k = 5, the variables listed as quasi_identifiers). The clean data has no "
        "nation, years in role or sex, also listed there: not checked."
    )


def test_a_mapped_comparison_without_the_coverage_variable_and_no_battery(tmp_path):
    export, codebook, _ = generated(6, "qualtrics", tmp_path)
    assert codebook.published_comparison and "nation" not in codebook.variables
    rows = shown(describe.settings(PARAMS["survey"], codebook, export.platform))
    assert rows["Comparison with the published figures"] == (
        "New sample: no; Coverage variable: none (the codebook declares no variable 'nation')"
    )
    _, no_battery, _ = generated(2, "csv", tmp_path)
    assert not no_battery.batteries
    assert (
        describe.instrument_text(no_battery) == "5 variables, 2 Likert items, no battery; no multi-item scale"
    )


@pytest.mark.parametrize("declared", ["finished", "neither"])
def test_min_progress_says_what_stands_in_for_progress(declared, tiny_codebook_path):
    text = tiny_codebook_path.read_text(encoding="utf-8").replace("  progress: Progress\n", "")
    if declared == "finished":
        text = text.replace("metadata:\n", "metadata:\n  finished: Finished\n")
    tiny_codebook_path.write_text(text, encoding="utf-8")
    from helpers.survey.codebook import load_codebook

    rows = shown(
        describe.settings({"min_progress": 80, "drop_status": ["Spam"]}, load_codebook(tiny_codebook_path))
    )
    assert rows["Response statuses dropped (preview, test, spam)"] == "Spam"  # the tiny codebook has Status
    if declared == "finished":
        assert rows["Partial responses: minimum progress (%)"] == (
            "not used: a response is partial when it is not finished (metadata: finished)"
        )
    else:
        assert rows["Partial responses: minimum share of the required items answered (%)"] == "80"


def test_the_demo_report_says_what_it_said():
    export, codebook = inputs.load(paths.project_root() / "data" / "raw" / "demo")
    assert describe.instrument_text(codebook) == (
        f"{len(codebook.variables)} variables, {len(codebook.likert_items)} Likert items, "
        f"batteries: {', '.join(codebook.batteries)}; multi-item scales: "
        f"{', '.join(s.label for s in codebook.multi_item_scales.values())}"
    )  # the notebook's former f-string
    with_codebook = describe.settings(PARAMS["survey"], codebook, export.platform)
    assert with_codebook.equals(describe.settings(PARAMS["survey"]))
    import pandas as pd

    clean = pd.DataFrame(columns=["role", "nation", "years_in_role", "sex"])
    assert deposit.rule_text(clean, PARAMS) == (
        "make deposit writes a deposit copy only if every combination of role, nation, years in role and sex "
        "is shared by at least k respondents (params.yaml deposit: k = 5, the variables listed as "
        "quasi_identifiers)."
    )


def test_a_jisc_instrument_says_what_its_export_lacks(tmp_path):
    """JISC Online Surveys' results file has no status or progress column and only the completion
    date (input-formats.md 1.3): the cleaning notes and report 02's settings say so and what was
    done instead, never "declare metadata: status" or a duration column the platform cannot give."""
    export, codebook, result = generated(11, "jisc", tmp_path)
    assert export.platform == "jisc" and set(codebook.metadata) == {"response_id"}
    assert result.notes[:2] == [
        "JISC Online Surveys exports have no response-status column, so test responses cannot be told "
        "apart in the export: no status filter applied (delete any test responses in Online Surveys "
        "before exporting).",
        "JISC Online Surveys exports have no progress column: partial responses are those answering "
        "fewer than 80% (params survey.min_progress) of the 10 Likert items (the codebook marks none "
        "required: true).",
    ]
    assert (
        "JISC Online Surveys exports only the completion date (CompletionDate, no time of day) and no "
        "start time: response times, and so speeders, cannot be measured."
    ) in result.notes
    assert not any("metadata:" in note for note in result.notes)
    rows = shown(describe.settings(PARAMS["survey"], codebook, export.platform))
    assert rows["Response statuses dropped (preview, test, spam)"] == (
        "not applied: JISC Online Surveys exports have no response-status column"
    )
    assert (
        rows[describe.SETTINGS["speeder_fraction"]]
        == "not applied: JISC Online Surveys exports no response times"
    )
    assert rows[describe.SETTINGS["exclude_speeders"]] == rows[describe.SETTINGS["speeder_fraction"]]


def test_speeder_settings_without_response_times_say_not_applied(tiny_codebook_path):
    from helpers.survey.codebook import load_codebook

    text = tiny_codebook_path.read_text(encoding="utf-8").replace("  duration: Duration (in seconds)\n", "")
    tiny_codebook_path.write_text(text, encoding="utf-8")
    rows = shown(describe.settings({"speeder_fraction": 0.3}, load_codebook(tiny_codebook_path)))
    assert rows[describe.SETTINGS["speeder_fraction"]] == (
        "not applied: the codebook declares no duration column and no start and end times"
    )
