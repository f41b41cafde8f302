"""Issue 11, failures 10 and 11: duplicate keys combined with OR, no identifiers, dates parsed
with a declared or documented format (the tiny codebook of conftest.py)."""

import pandas as pd
import pytest

from helpers.files import InputError
from helpers.survey.cleaning import clean_survey, parse_dates
from helpers.survey.codebook import load_codebook

COLUMNS = ["StartDate", "Status", "Progress", "Email", "Ref", "Q1", "Q2", "Q2_7_TEXT", "Q3_1", "Q3_2"]


def export(rows):
    df = pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS)
    df.index.name = "source_row"
    return df


def codebook(path, identifiers="  email: Email\n  ref: Ref\n", extra=""):
    text = path.read_text(encoding="utf-8").replace("  email: Email\n", identifiers)
    text = text.replace("  duration: Duration (in seconds)\n", "")
    if not identifiers:
        text = text.replace("identifiers:\n", "")
    path.write_text(text.replace("survey:\n", "survey:\n" + extra), encoding="utf-8")
    return load_codebook(path)


ROWS = {
    4: ["2015-01-01 09:00:00", "0", "100", "a@x.org", "R1", "1", "1", "", "3", "1"],
    5: ["2015-01-02 09:00:00", "0", "100", "b@x.org", "R1", "1", "2", "", "3", "3"],  # same ref as 4
    6: ["2015-01-03 09:00:00", "0", "100", "b@x.org", "R9", "1", "3", "", "2", "2"],  # same e-mail as 5
    7: ["2015-01-04 09:00:00", "0", "100", "", "", "1", "4", "", "2", "2"],  # no key: never a duplicate
    8: ["2015-01-05 09:00:00", "0", "100", "", "", "1", "4", "", "2", "2"],
}


def test_duplicate_keys_are_combined_with_or_transitively(tiny_codebook_path):
    cb = codebook(tiny_codebook_path)
    result = clean_survey(export(ROWS), cb, {"duplicate_keys": ["email", "ref"]}, "e.csv")
    dups = result.exclusions[result.exclusions["step"] == "Duplicate respondent"]
    # rows 4, 5 and 6 are one person (ref R1 links 4-5, e-mail links 5-6): the earliest stays
    assert dups[["source_row", "reason"]].values.tolist() == [
        [5, "duplicate of row 4"],
        [6, "duplicate of row 4"],
    ]
    assert len(result.clean) == 3


def test_no_identifiers_skips_the_duplicate_step_and_the_flow_says_so(tiny_codebook_path):
    cb = codebook(tiny_codebook_path, identifiers="")
    assert cb.identifiers == {}
    result = clean_survey(export(ROWS), cb, {"duplicate_keys": ["email"]}, "e.csv")
    assert {"step": "Duplicate respondent (skipped: no identifiers)", "excluded": 0, "remaining": 5} in (
        result.flow.to_dict("records")
    )
    assert any("declares no identifiers" in n for n in result.notes)


def test_dates_use_the_platform_format_and_an_ambiguous_column_is_refused(tiny_codebook_path):
    cb = codebook(tiny_codebook_path)
    rows = {r: ["03/04/2015 09:00", *v[1:]] for r, v in ROWS.items()}
    with pytest.raises(
        InputError,
        match=r"day-first or month-first: declare the format in the codebook as survey.date_format",
    ) as err:
        clean_survey(export(rows), cb, {"duplicate_keys": ["email"]}, "e.csv")
    assert err.value.row == 4 and err.value.column == "StartDate"


def test_a_declared_date_format_decides_which_duplicate_is_earliest(tiny_codebook_path):
    cb = codebook(tiny_codebook_path, extra="  date_format: '%d/%m/%Y %H:%M'\n")
    values = pd.Series(["03/04/2015 09:00", "04/03/2015 09:00"], index=[4, 5])
    parsed = parse_dates(values, cb, "StartDate", "e.csv")
    assert list(parsed) == [pd.Timestamp("2015-04-03 09:00"), pd.Timestamp("2015-03-04 09:00")]
    rows = {
        4: ["03/04/2015 09:00", "0", "100", "a@x.org", "", "1", "1", "", "3", "1"],  # 3 April
        5: ["04/03/2015 09:00", "0", "100", "a@x.org", "", "1", "1", "", "3", "1"],  # 4 March: earlier
    }
    result = clean_survey(export(rows), cb, {"duplicate_keys": ["email"]}, "e.csv")
    assert result.exclusions[["source_row", "reason"]].values.tolist() == [[4, "duplicate of row 5"]]
    with pytest.raises(InputError, match="not a date in the declared format") as err:
        parse_dates(pd.Series(["03/04/2015 09:00", "2015-13-40"], index=[4, 5]), cb, "StartDate", "e.csv")
    assert err.value.row == 5


def test_duration_derived_from_start_and_end_when_there_is_no_duration_column(tiny_codebook_path):
    text = tiny_codebook_path.read_text(encoding="utf-8").replace(
        "  duration: Duration (in seconds)\n", "  ended: EndDate\n"
    )
    tiny_codebook_path.write_text(text, encoding="utf-8")
    cb = load_codebook(tiny_codebook_path)
    rows = {r: v for r, v in ROWS.items() if r in (7, 8)}
    data = export(rows).assign(EndDate=["2015-01-04 09:10:00", "2015-01-05 09:00:30"])
    result = clean_survey(data, cb, {"duplicate_keys": [], "speeder_fraction": 0.33}, "e.csv")
    assert result.clean["duration_s"].tolist() == [600.0, 30.0]  # 10 minutes; 30 s
    assert result.clean["flag_speeder"].tolist() == [False, True]  # 30 < 0.33 x median 315
    assert "No duration column: duration derived from the start and end times." in result.notes


def test_without_progress_partials_are_found_from_the_answered_share(tiny_codebook_path):
    text = tiny_codebook_path.read_text(encoding="utf-8")
    text = text.replace("  progress: Progress\n", "").replace("  duration: Duration (in seconds)\n", "")
    tiny_codebook_path.write_text(text, encoding="utf-8")
    cb = load_codebook(tiny_codebook_path)
    rows = {
        4: ["2015-01-01 09:00:00", "0", "", "", "", "1", "1", "", "3", "1"],  # both items
        5: ["2015-01-02 09:00:00", "0", "", "", "", "1", "2", "", "3", ""],  # 1 of 2: partial
        6: [
            "2015-01-03 09:00:00",
            "0",
            "",
            "",
            "",
            "1",
            "3",
            "",
            "9",
            "2",
        ],  # "Don't know" counts as answered
    }
    result = clean_survey(export(rows), cb, {"min_progress": 80, "duplicate_keys": []}, "e.csv")
    assert result.exclusions.values.tolist() == [
        [5, "Partial response (answered below 80% of the required items)", "answered 50% of required items"]
    ]
    assert any("no progress column" in n for n in result.notes)


def test_notes_name_the_codebook_entry_that_is_missing_not_the_export(tiny_codebook_path):
    """The export may well have a Status column and an end time that the codebook leaves out
    (a developer session following docs/bring-your-own-survey.md was told "the export has no
    response-status column" of a Qualtrics export that has one): say what to declare."""
    text = tiny_codebook_path.read_text(encoding="utf-8").replace("  status: Status\n", "")
    tiny_codebook_path.write_text(text, encoding="utf-8")
    cb = codebook(tiny_codebook_path)
    result = clean_survey(export(ROWS), cb, {"duplicate_keys": []}, "e.csv")
    assert result.notes == [
        "The codebook declares no response-status column (metadata: status): no preview/test/spam "
        "filter applied.",
        "The codebook declares no duration column and no start and end times (metadata: duration, "
        "or started and ended): speeders cannot be flagged.",
    ]
    assert result.not_checked == {
        "flag_straightliner": "not checked: no battery has at least 8 items "
        "(params survey.straightline_min_items; the longest has 2 items)"
    }


def _surveymonkey_codebook(path, extra_variables=""):
    """The tiny codebook as a SurveyMonkey export declares it: no status, progress or duration."""
    text = path.read_text(encoding="utf-8")
    for line in ("  status: Status\n", "  progress: Progress\n", "  duration: Duration (in seconds)\n"):
        text = text.replace(line, "")
    text = text.replace("survey:\n", "survey:\n  platform: surveymonkey\n")
    path.write_text(text.replace("role_rules:\n", extra_variables + "role_rules:\n"), encoding="utf-8")
    return load_codebook(path)


def test_surveymonkey_notes_say_what_was_done_not_ask_for_columns_it_lacks(tiny_codebook_path):
    """SurveyMonkey exports have no status or progress column (issue 11, newcomer run): the notes
    say so and what was done instead (no status filter; partials by the answered share of the
    Likert items), never "declare metadata: status" as for a Qualtrics export that has one."""
    cb = _surveymonkey_codebook(tiny_codebook_path)
    result = clean_survey(export(ROWS), cb, {"min_progress": 80, "duplicate_keys": []}, "e.csv")
    assert result.notes[:2] == [
        "SurveyMonkey exports have no response-status column, so preview, test and spam responses cannot "
        "be told apart in the export: no status filter applied (delete any test responses in SurveyMonkey "
        "before exporting).",
        "SurveyMonkey exports have no progress column: partial responses are those answering fewer than "
        "80% (params survey.min_progress) of the 2 Likert items (the codebook marks none required: true).",
    ]
    assert not any("metadata: status" in n for n in result.notes)
    # the export's platform as read decides when the codebook leaves survey.platform out
    text = tiny_codebook_path.read_text(encoding="utf-8").replace("  platform: surveymonkey\n", "")
    tiny_codebook_path.write_text(text, encoding="utf-8")
    plain = load_codebook(tiny_codebook_path)
    settings = {"min_progress": 80, "duplicate_keys": []}
    notes = clean_survey(export(ROWS), plain, settings, "e.csv", platform="surveymonkey").notes
    assert notes[:2] == result.notes[:2]
    other = clean_survey(export(ROWS), plain, settings, "e.csv", platform="csv").notes
    assert other[0].startswith("The codebook declares no response-status column (metadata: status)")


def test_surveymonkey_progress_note_names_the_items_marked_required(tiny_codebook_path):
    text = tiny_codebook_path.read_text(encoding="utf-8").replace(
        'question: "Item one"}', 'question: "Item one", required: true}'
    )
    tiny_codebook_path.write_text(text, encoding="utf-8")
    cb = _surveymonkey_codebook(tiny_codebook_path)
    result = clean_survey(export(ROWS), cb, {"min_progress": 100, "duplicate_keys": []}, "e.csv")
    assert result.notes[1] == (
        "SurveyMonkey exports have no progress column: partial responses are those answering fewer than "
        "100% (params survey.min_progress) of the 1 item the codebook marks required: true."
    )
