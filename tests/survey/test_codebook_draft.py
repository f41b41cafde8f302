"""`make codebook`: a codebook drafted from a Qualtrics .qsf or an SPSS file.

A tiny .qsf is built here with the quirks that matter (recode values that are not 1..k, a
matrix, "Other, please specify", a trashed question, a multiple-answer question); the real
.qsf files in ../shared/fixtures/qualtrics-qsf are drafted with their exports at the end, and
`make check` on each reports nothing but the TODO decisions.
"""

from __future__ import annotations

import json
import shutil

import pyreadstat
import pytest
import yaml

from helpers import check, paths
from helpers.files import InputError
from helpers.survey import codebook_draft as cd
from helpers.survey.codebook import load_codebook
from helpers.survey.readers import read_export


def sq(qid, tag, qtype, selector, sub=None, text="Q?", **extra):
    payload = {
        "QuestionID": qid,
        "DataExportTag": tag,
        "QuestionType": qtype,
        "Selector": selector,
        "SubSelector": sub,
        "QuestionText": text,
    }
    payload.update(extra)
    return {"Element": "SQ", "PrimaryAttribute": qid, "Payload": payload}


TINY_QSF = {
    "SurveyEntry": {"SurveyName": "Tiny survey"},
    "SurveyElements": [
        {
            "Element": "BL",
            "Payload": [
                {
                    "Type": "Default",
                    "BlockElements": [
                        {"Type": "Question", "QuestionID": "QID2"},
                        {"Type": "Question", "QuestionID": "QID1"},
                        {"Type": "Question", "QuestionID": "QID3"},
                        {"Type": "Question", "QuestionID": "QID5"},
                        {"Type": "Question", "QuestionID": "QID6"},
                    ],
                },
                {"Type": "Trash", "BlockElements": [{"Type": "Question", "QuestionID": "QID4"}]},
            ],
        },
        sq(
            "QID1",
            "role",
            "MC",
            "SAVR",
            "TX",
            text="<p>What is your <b>current</b> role?</p>",
            Choices={
                "1": {"Display": "Chief executive"},
                "2": {"Display": "Other, please specify", "TextEntry": "true"},
            },
            ChoiceOrder=[1, 2],
            RecodeValues={"1": "1", "2": "7"},
        ),
        sq("QID2", "Q0", "DB", "TB", text="Welcome"),
        sq(
            "QID3",
            "att",
            "Matrix",
            "Likert",
            "SingleAnswer",
            text="How far do you agree?",
            Choices={"1": {"Display": "Managers listen"}, "2": {"Display": "Doctors listen"}},
            ChoiceOrder=["1", "2"],
            Answers={
                "1": {"Display": "Disagree"},
                "2": {"Display": "Agree"},
                "3": {"Display": "Don&#39;t know"},
            },
            AnswerOrder=[1, 2, 3],
            RecodeValues={"1": "1", "2": "5", "3": "9"},
        ),
        sq("QID4", "old", "TE", "SL", text="Trashed question"),
        sq(
            "QID5",
            "why",
            "MC",
            "MAVR",
            "TX",
            text="Why?",
            Choices={"1": {"Display": "Pay"}, "2": {"Display": "Status"}},
            ChoiceOrder=[1, 2],
            RecodeValues={"1": "3", "2": "4"},
        ),
        sq("QID6", "years", "TE", "SL", text="Years in role"),
    ],
}


@pytest.fixture
def tiny_qsf(tmp_path):
    path = tmp_path / "survey.qsf"
    path.write_text(json.dumps(TINY_QSF), encoding="utf-8")
    return path


def test_qsf_draft_declares_questions_choices_recodes_matrix_and_other_text(tiny_qsf):
    draft = cd.draft_from_qsf(tiny_qsf)
    assert [(v.source, v.type) for v in draft.variables] == [
        ("role", "categorical"),
        ("role_7_TEXT", "text"),
        ("att_1", "likert"),
        ("att_2", "likert"),
        ("", "multiple"),  # the multiple-answer question: one variable over its 0/1 columns
        ("years", "text"),
    ]  # block order, the descriptive-text block and the trashed question left out
    role, other, att1 = draft.variables[0], draft.variables[1], draft.variables[2]
    assert role.labels == {"1": "Chief executive", "7": "Other, please specify"}  # recode values
    assert role.question == "What is your current role?"
    assert other.question == "What is your current role? - Other, please specify - Text"
    assert att1.question == "How far do you agree? - Managers listen" and att1.battery == "att"
    assert draft.scales == {"scale_att": ({"1": "Disagree", "5": "Agree"}, {"9": "Don't know"})}
    why = draft.variables[4]
    assert (why.name, why.question, why.columns) == ("why", "Why?", {"3": "why_3", "4": "why_4"})
    assert why.labels == {"3": "Pay", "4": "Status"}  # recode values, as the export names the columns
    assert draft.missing_codes == ["-99"]


def test_rendered_draft_loads_once_the_role_is_chosen_and_lists_each_todo(tiny_qsf, tmp_path):
    text = cd.render(cd.draft_from_qsf(tiny_qsf))
    out = tmp_path / "draft.yaml"
    out.write_text(text, encoding="utf-8")
    todos = cd.pending_decisions(out)
    assert [t.split(": ", 2)[2] for t in todos] == [
        "TODO role: choose the variable that holds the respondent's role: set its type to role, map its "
        "codes to the study's role groups (as labels, or under `groups` keeping the export's wording as "
        "labels), add other_code/other_text and role_rules; then delete this line.",
        "TODO reversed items: mark negatively worded likert items `reverse: true` (or none); then delete "
        "this line.",
        "TODO published figures: add published_comparison (measure -> item and levels) or leave it out; "
        "then delete this line.",
        "TODO agreement: list the codes of scale_att counted as agreement",
    ]  # each decision whole on one line: make check prints it as it stands
    assert todos[0].startswith("draft.yaml line 4: decision still to make: ")
    with pytest.raises(InputError, match="exactly one variable must have type 'role'"):
        load_codebook(out)
    codebook = load_codebook(out, require_role=False)
    assert codebook.variables["att_1"].scale.levels == {"1": "Disagree", "5": "Agree"}
    raw = yaml.safe_load(text)
    raw["variables"]["role"].update(type="role", other_code=7, other_text="role_7_TEXT")
    raw["variables"]["role"]["labels"] = {1: "Chief executive", 7: "Other"}
    out.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert load_codebook(out).role.source == "role"


def test_spss_draft_uses_labels_and_user_missing(tmp_path):
    import pandas as pd

    frame = pd.DataFrame(
        {
            "Finished": [1.0, 1.0],
            "q1": [1.0, 9.0],
            "q2": [2.0, -1.0],
            "q3": [3.0, 1.0],
            "age": [40.0, 51.0],
            "note": ["a", "b"],
        }
    )
    agree = {1: "Disagree", 2: "Neutral", 3: "Agree", 9: "Don't know"}
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"q1": "Item one", "q2": "Item two", "age": "Age"},
        variable_value_labels={
            "Finished": {0: "False", 1: "True"},
            "q1": agree,
            "q2": agree,
            "q3": {1: "Yes", 3: "No"},
        },
        missing_ranges={"q1": [9, -1], "q2": [9, -1]},
    )
    draft = cd.draft_from_labelled(path)
    assert draft.metadata == {"finished": "Finished"}
    assert [(v.source, v.type) for v in draft.variables] == [
        ("q1", "likert"),
        ("q2", "likert"),
        ("q3", "categorical"),
        ("age", "number"),
        ("note", "text"),
    ]
    assert draft.scales == {
        "scale_labels_1": ({"1": "Disagree", "2": "Neutral", "3": "Agree"}, {"9": "Don't know"})
    }
    assert draft.missing_codes == ["-1"]  # user-missing with no label
    assert draft.variables[0].question == "Item one"


def test_make_codebook_cli_writes_outside_the_data_folder_only(tiny_qsf, tmp_path, capsys):
    out = tmp_path.parent / (tmp_path.name + "_out") / "draft.yaml"
    assert cd.main([str(tiny_qsf.parent), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Drafted 6 variables from survey.qsf" in printed and "4 decisions are marked TODO" in printed
    assert str(tiny_qsf.parent / "codebook.yaml") in printed
    assert out.read_text(encoding="utf-8") == cd.render(cd.draft_from_qsf(tiny_qsf))
    assert cd.main([str(tiny_qsf.parent), "--out", str(tmp_path / "codebook.yaml")]) == 1
    assert "never written under the data folder" in capsys.readouterr().err
    assert not (tmp_path / "codebook.yaml").exists()


# --------------------------------------------------------------------------------------------
# The real .qsf files with their exports (read-only copies into tmp; skipped when absent)

FIXTURES = paths.project_root().parent / "shared" / "fixtures" / "qualtrics-qsf"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures not present")


@needs_fixtures
@pytest.mark.parametrize(
    "qsf, export, n_vars, n_todo",
    [
        (
            "QualtricsTools_Dummy_Enhancement_Sample_Survey.qsf",
            "QualtricsTools_Dummy_Enhancement_Sample_Survey.csv",
            27,  # 45 columns: two multiple-answer questions of 10 options each are 2 variables
            5,
        ),
        (
            "QualtricsTools_Long_Exhaustive_Sample_Survey.qsf",
            "QualtricsTools_Long_Exhaustive_Sample_Survey.csv",
            241,  # 353 columns: its multiple-answer questions and matrices are one variable each
            8,
        ),
        (
            "QualtricsTools_Single_Answer_Matrix_Questions.qsf",
            "QualtricsTools_Single_Answer_Matrix_Questions_insights.csv",
            16,
            5,
        ),
        (
            "QualtricsTools_Test_Survey_for_Coded_Comments.qsf",
            "QualtricsTools_Test_Survey_for_Coded_Comments.csv",
            3,
            3,
        ),
        ("porter2016rescue_survey.qsf", "porter2016rescue_pilot_a_anonymized.csv", 28, 3),
    ],
)
def test_real_qsf_drafts_every_exported_question_column_and_checks_clean(
    tmp_path, qsf, export, n_vars, n_todo
):
    survey = tmp_path / "survey"
    survey.mkdir()
    shutil.copy(FIXTURES / qsf, survey / "survey.qsf")
    shutil.copy(FIXTURES / export, survey / "export.csv")
    exported = read_export(survey / "export.csv")
    draft = cd.draft_from_qsf(survey / "survey.qsf", cd._beside_export(survey / "survey.qsf"))
    question_columns = [c for c in exported.data.columns if exported.import_ids.get(c, "").startswith("QID")]
    drafted = [c for v in draft.variables for c in (list(v.columns.values()) or [v.source])]
    assert sorted(drafted) == sorted(question_columns) and len(drafted) == len(question_columns)
    assert len(draft.variables) == n_vars
    (survey / "codebook.yaml").write_text(cd.render(draft), encoding="utf-8")
    report = check.check_survey(tmp_path, {"survey": {}})
    problems = [str(p) for p in report.problems]
    assert [p for p in problems if "decision still to make: TODO" not in p] == []
    assert len(problems) == n_todo


SPSS_FIXTURES = FIXTURES.parent / "spss-stata"


@needs_fixtures
@pytest.mark.parametrize(
    "name, n_vars",
    [
        ("pyreadstat_sample.sav", 7),
        ("pyreadstat_sample_missing.sav", 7),
        ("pyreadstat_simple_alltypes.sav", 12),
        ("pyreadstat_test_width_qualtrics.sav", 0),  # all four columns are Qualtrics metadata
        ("haven_umlauts.sav", 1),
        ("pyreadstat_sample.dta", 7),
        ("haven_tagged-na-int.dta", 1),
    ],
)
def test_real_spss_stata_drafts_check_clean(tmp_path, name, n_vars):
    survey = tmp_path / "survey"
    survey.mkdir()
    shutil.copy(SPSS_FIXTURES / name, survey / name)
    draft = cd.draft_from_labelled(survey / name)
    assert len(draft.variables) == n_vars
    (survey / "codebook.yaml").write_text(cd.render(draft), encoding="utf-8")
    problems = [str(p) for p in check.check_survey(tmp_path, {"survey": {}}).problems]
    others = [p for p in problems if "decision still to make: TODO" not in p]
    if n_vars:
        assert others == []
    else:  # every column is Qualtrics metadata: a codebook without variables is refused
        assert len(others) == 1 and others[0].endswith("variables: must not be empty (found {})")


# --------------------------------------------------------------------------------------------
# Two independent routes to the demo's codebook


def _signature(var):
    scale = var.scale
    return (
        var.source,
        var.type,
        var.value_labels,
        var.substantive_labels,
        var.non_substantive_labels,
        (scale.levels, scale.non_substantive, scale.positive) if scale else None,
        var.battery,
        var.reverse,
        var.other_code,
        var.other_text,
        var.consent_code,
    )


def test_demo_qsf_draft_plus_analyst_decisions_equals_the_hand_written_codebook(tmp_path):
    """Route 1: codebook.yaml, written by hand. Route 2: survey.qsf (written from the instrument's
    wording by helpers.survey.demo_qsf) drafted, plus analyst_decisions.yaml. Same variables,
    codes, labels, scales, batteries, reversed items, role rules, and the same clean dataset."""
    import pandas as pd

    from helpers import config
    from helpers.survey import cleaning

    demo = paths.project_root() / "data" / "raw" / "demo" / "survey"
    export = read_export(demo / "survey_export.csv")
    text = cd.render(cd.draft_from_qsf(demo / "survey.qsf", export))
    decisions = yaml.safe_load((demo / "analyst_decisions.yaml").read_text(encoding="utf-8"))
    (tmp_path / "codebook.yaml").write_text(
        yaml.safe_dump(cd.apply_decisions(text, decisions), sort_keys=False), encoding="utf-8"
    )
    drafted, by_hand = load_codebook(tmp_path / "codebook.yaml"), load_codebook(demo / "codebook.yaml")
    assert list(drafted.variables) == list(by_hand.variables)
    assert {n: _signature(v) for n, v in drafted.variables.items()} == {
        n: _signature(v) for n, v in by_hand.variables.items()
    }
    assert drafted.metadata == by_hand.metadata and drafted.identifiers == by_hand.identifiers
    assert drafted.missing_codes == by_hand.missing_codes
    assert [(r.pattern.pattern, r.role) for r in drafted.role_rules] == [
        (r.pattern.pattern, r.role) for r in by_hand.role_rules
    ]
    assert drafted.multi_item_scales == by_hand.multi_item_scales
    assert drafted.covariates == by_hand.covariates
    assert drafted.published_comparison == by_hand.published_comparison
    assert drafted.headline_items == by_hand.headline_items
    params = config.load_params(paths.project_root() / "params.yaml", demo.parent)
    a = cleaning.clean_survey(export.data, drafted, params["survey"], export.source)
    b = cleaning.clean_survey(export.data, by_hand, params["survey"], export.source)
    pd.testing.assert_frame_equal(a.clean, b.clean)
    pd.testing.assert_frame_equal(a.flow, b.flow)
    assert len(a.clean) == 472


def test_demo_qsf_leaves_out_the_trashed_question_and_the_text_block():
    demo = paths.project_root() / "data" / "raw" / "demo" / "survey"
    draft = cd.draft_from_qsf(demo / "survey.qsf")
    sources = [v.source for v in draft.variables]
    assert "Q11" not in sources and "Q0" not in sources
    assert sources[:3] == ["Q1", "Q2", "Q2_7_TEXT"] and len(sources) == 23


@needs_fixtures
def test_real_qsf_draft_reads_as_a_new_user_needs_it(tmp_path):
    """What a developer session following docs/bring-your-own-survey.md tripped over on the
    QualtricsTools dummy survey: matrix questions carried their <style> sheet as text; every
    text-entry question was commented as "Other, please specify"; the end time was left out
    although the export has no duration column (so speeders could not be flagged); the
    export's e-mail column was not declared (so duplicates could not be detected)."""
    survey = tmp_path / "survey"
    survey.mkdir()
    name = "QualtricsTools_Dummy_Enhancement_Sample_Survey"
    shutil.copy(FIXTURES / f"{name}.qsf", survey / "survey.qsf")
    shutil.copy(FIXTURES / f"{name}.csv", survey / "export.csv")
    draft = cd.draft_from_qsf(survey / "survey.qsf", cd._beside_export(survey / "survey.qsf"))
    by_source = {v.source: v for v in draft.variables}
    assert by_source["program_agree_fit"].question == (
        "Please rate your agreement with the following statements: - "
        "I think this program will be a good fit for my academic interests"
    )
    assert not [v.source for v in draft.variables if "{" in v.question or "border" in v.question]
    assert by_source["Q3"].comment == "" and by_source["te_numeric_good"].comment == ""
    assert draft.metadata == {
        "status": "Status",
        "finished": "Finished",
        "started": "StartDate",
        "ended": "EndDate",
        "response_id": "ResponseID",
    }
    assert draft.identifiers == {"email": "RecipientEmail"}
    text = cd.render(draft)
    assert "identifiers:  # used only to find duplicate respondents, never written out\n  email: " in text
    assert yaml.safe_load(text)["identifiers"] == {"email": "RecipientEmail"}


# --------------------------------------------------------------------------------------------
# JISC Online Surveys: coded results + key file


@pytest.mark.parametrize("seed", [11, 18])
def test_jisc_draft_declares_grids_tick_all_and_single_answers_as_generated(tmp_path, seed):
    """A generated JISC export (helpers.synthetic.instruments: grids of one-hot columns, a
    tick-all question, single answers with arbitrary codes) drafts back to what the generator
    declared: each grid row a likert item over its one-hot columns (one battery per grid, the
    answers as the scale, "Don't know" apart), the tick-all question a multiple over its
    columns, every single answer a categorical with the key's codes."""
    from helpers.synthetic import instruments as S

    inst = S.random_instrument(seed, max_battery_items=2)
    folder = S.write_instrument(inst, tmp_path / "data", "jisc")
    written = yaml.safe_load((folder / "survey" / "codebook.yaml").read_text(encoding="utf-8"))
    draft = cd.draft(cd.find_definition(folder))
    assert draft.title == f"generated-{seed}" and draft.metadata == {"response_id": "URN"}
    drafted = {tuple(v.columns.values()) or (v.source,): v for v in draft.variables}
    for name, spec in written["variables"].items():
        var = drafted[tuple(spec["columns"].values()) if "columns" in spec else (spec["source"],)]
        if spec["type"] == "likert" and "columns" in spec:
            scale = written["scales"][spec["scale"]]
            levels, non = draft.scales[var.scale]
            grid = next(iter(spec["columns"].values())).split("_")[0]  # Q5 of Q5_1_a_1
            assert var.type == "likert" and var.battery == grid.lower(), name
            assert list(levels.values()) == list(scale["levels"].values()), name
            assert list(non.values()) == list((scale.get("non_substantive") or {}).values()), name
        elif spec["type"] == "multiple":
            assert (var.type, list(var.labels.values())) == ("multiple", list(spec["labels"].values()))
        elif spec["type"] == "text":
            assert var.type == "text"
        elif spec["type"] == "likert":  # a single question: its scale's codes, as categorical
            scale = written["scales"][spec["scale"]]
            assert var.type == "categorical" and {**var.labels, **var.non_substantive} == {
                **scale["levels"],
                **(scale.get("non_substantive") or {}),
            }
        else:
            assert var.type == "categorical" and {**var.labels, **var.non_substantive} == spec["labels"], name
    (folder / "survey" / "codebook.yaml").write_text(cd.render(draft), encoding="utf-8")
    problems = [str(p) for p in check.check_survey(folder, {"survey": {}}).problems]
    assert problems and all("decision still to make: TODO" in p for p in problems)


def test_jisc_draft_without_its_key_file_says_which_file_it_needs(tmp_path):
    from helpers.synthetic import instruments as S

    folder = S.write_instrument(S.random_instrument(4), tmp_path / "data", "jisc")
    (key,) = (folder / "survey").glob("*-key.en.csv")
    key.unlink()
    with pytest.raises(InputError) as caught:
        cd.draft(cd.find_definition(folder))
    assert "drafting a JISC codebook needs the key file beside the results, named " in str(caught.value)
    assert "<results name>-key.<lang>.csv" in str(caught.value)
