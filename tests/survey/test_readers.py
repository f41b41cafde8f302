"""Survey export readers: every platform's layout and quirk, and every kind of bad input.

The synthetic fixtures are built here, byte by byte, to reproduce the quirks of the real
exports in ../shared/fixtures (which are read at the end of this file when that folder exists).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import paths
from helpers.files import InputError
from helpers.survey.readers import (
    PLATFORMS,
    SurveyExport,
    cell_text,
    detect_platform,
    find_jisc_key,
    read_export,
    read_jisc_key,
)


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def assert_all_text(export: SurveyExport) -> None:
    assert all(str(t) == "str" for t in export.data.dtypes)
    assert not export.data.isna().any().any()
    assert export.data.index.name == "source_row"


# --------------------------------------------------------------------------------------------
# Qualtrics, current format (3 header rows)

QUALTRICS_DE = (
    "StartDate,EndDate,Status,Progress,Finished,ResponseId,Q1,Q2_1,Q2_2,Q3_7_TEXT\n"
    "Anfangsdatum,Enddatum,Antworttyp,Aktueller Stand,Beendet,Antwort-ID,"
    "Wie gut? - Auswahl,Matrix - Zeile 1,Matrix - Zeile 2,Andere - Text\n"
    '"{""ImportId"":""startDate"",""timeZone"":""Europe/London""}","{""ImportId"":""endDate""}",'
    '"{""ImportId"":""status""}","{""ImportId"":""progress""}","{""ImportId"":""finished""}",'
    '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID20_3""}",'
    '"{""ImportId"":""QID20_7""}","{""ImportId"":""QID3_7_TEXT"",""choiceId"":""7""}"\n'
    "2024-05-01 09:00:00,2024-05-01 09:10:00,0,100,1,R_a,5,3,,\n"
    '2024-05-02 10:00:00,2024-05-02 10:01:00,1,40,0,R_b,,"1,2",9,"Ärztin, Leitung"\n'
)
QUALTRICS_IDS = [
    "StartDate",
    "EndDate",
    "Status",
    "Progress",
    "Finished",
    "ResponseId",
    "Q1",
    "Q2_1",
    "Q2_2",
    "Q3_7_TEXT",
]


def test_qualtrics_three_header_rows_with_german_labels(tmp_path):
    export = read_export(write(tmp_path, "survey.csv", QUALTRICS_DE))
    assert export.platform == "qualtrics"
    assert export.encoding == "utf-8"
    assert list(export.data.columns) == QUALTRICS_IDS
    assert list(export.data.index) == [4, 5]
    assert export.data.loc[4, "Q1"] == "5"
    assert export.data.loc[4, "Q2_2"] == ""  # unanswered stays an empty string
    assert export.data.loc[5, "Q2_1"] == "1,2"  # multi-select cell kept whole
    assert export.data.loc[5, "Q3_7_TEXT"] == "Ärztin, Leitung"
    assert export.questions["Status"] == "Antworttyp"
    assert export.questions["Q2_1"] == "Matrix - Zeile 1"
    assert export.import_ids == {
        "StartDate": "startDate",
        "EndDate": "endDate",
        "Status": "status",
        "Progress": "progress",
        "Finished": "finished",
        "ResponseId": "_recordId",
        "Q1": "QID1",
        "Q2_1": "QID20_3",
        "Q2_2": "QID20_7",
        "Q3_7_TEXT": "QID3_7_TEXT",
    }
    assert export.value_labels == {}
    assert export.notes == []
    assert_all_text(export)


def test_qualtrics_detection_ignores_the_localised_row_2(tmp_path):
    lines = QUALTRICS_DE.split("\n")
    english = "Start Date,End Date,Response Type,Progress,Finished,Response ID,How good?,M1,M2,Other"
    nonsense = "Respondent ID,URN,V1,V2,x,x,x,x,x,x"  # words other platforms use, in row 2
    for row2 in (english, nonsense):
        export = read_export(write(tmp_path, "s.csv", "\n".join([lines[0], row2, *lines[2:]])))
        assert export.platform == "qualtrics"
        assert list(export.data.columns) == QUALTRICS_IDS


def test_qualtrics_recognised_by_import_ids_alone(tmp_path):
    # An anonymised export with no metadata columns at all.
    text = 'Q1,Q2\nHow?,Why?\n"{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"\n4,because\n'
    export = read_export(write(tmp_path, "anon.csv", text))
    assert export.platform == "qualtrics"
    assert export.import_ids == {"Q1": "QID1", "Q2": "QID2_TEXT"}
    assert export.data.to_dict("list") == {"Q1": ["4"], "Q2": ["because"]}


def test_qualtrics_with_bom(tmp_path):
    export = read_export(write(tmp_path, "bom.csv", codecs.BOM_UTF8 + QUALTRICS_DE.encode()))
    assert export.encoding == "utf-8-sig"
    assert export.data.columns[0] == "StartDate"
    assert list(export.data.index) == [4, 5]


def test_qualtrics_utf16_tab_delimited(tmp_path):
    rows = [line for line in csv.reader(io.StringIO(QUALTRICS_DE))]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path = write(tmp_path, "survey.tsv", buffer.getvalue().encode("utf-16"))  # BOM + UTF-16LE
    export = read_export(path)
    assert export.platform == "qualtrics"
    assert export.encoding == "utf-16"
    assert export.notes == ["tab-delimited"]
    assert list(export.data.columns) == QUALTRICS_IDS
    assert export.data.loc[5, "Q3_7_TEXT"] == "Ärztin, Leitung"
    assert export.data.loc[5, "Q2_1"] == "1,2"
    assert export.import_ids["Q1"] == "QID1"


def test_duplicate_row_1_names_get_numbered_suffixes(tmp_path):
    text = (
        "StartDate,Q1,StartDate,Q1,Q1_1,Q1\n"
        "a,b,c,d,e,f\n" + ",".join(f'"{{""ImportId"":""{i}""}}"' for i in "ABCDEF") + "\n"
        "1,2,3,4,5,6\n"
    )
    export = read_export(write(tmp_path, "dup.csv", text))
    # Q1_1 is already taken by the file's own column, so the second Q1 becomes Q1_2.
    assert list(export.data.columns) == ["StartDate", "Q1", "StartDate_1", "Q1_2", "Q1_1", "Q1_3"]
    assert export.notes == ["renamed 3 duplicate header(s): StartDate -> StartDate_1, Q1 -> Q1_2, Q1 -> Q1_3"]
    assert export.import_ids["StartDate_1"] == "C"
    assert export.questions["Q1_3"] == "f"
    assert export.data.loc[4].tolist() == ["1", "2", "3", "4", "5", "6"]


def test_qualtrics_header_only_is_zero_rows(tmp_path):
    header = "\n".join(QUALTRICS_DE.split("\n")[:3]) + "\n"
    export = read_export(write(tmp_path, "empty.csv", header))
    assert export.data.shape == (0, 10)
    assert list(export.data.columns) == QUALTRICS_IDS
    assert export.notes == ["no responses: the file has its 3 header row(s) and no data (0 rows)"]


# --------------------------------------------------------------------------------------------
# Qualtrics legacy (2 header rows, BOM, trailing comma)

LEGACY = (
    "V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1,Q2,\r\n"
    "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,"
    "EndDate,Finished,How good?,Why?,\r\n"
    "R_1,Default Response Set,Anonymous,,,,0,2015-01-01 10:00:00,2015-01-01 10:05:00,1,2,fine,\r\n"
    "R_2,Default Response Set,Anonymous,,,,0,2015-01-02 10:00:00,2015-01-02 10:05:00,0,,,\r\n"
)


def test_qualtrics_legacy_bom_and_trailing_comma(tmp_path):
    export = read_export(write(tmp_path, "legacy.csv", codecs.BOM_UTF8 + LEGACY.encode()))
    assert export.platform == "qualtrics-legacy"
    assert export.encoding == "utf-8-sig"
    assert list(export.data.columns) == [f"V{i}" for i in range(1, 11)] + ["Q1", "Q2"]
    assert list(export.data.index) == [3, 4]
    assert export.questions["V1"] == "ResponseID" and export.questions["Q1"] == "How good?"
    assert export.data.loc[3, "Q2"] == "fine"
    assert export.import_ids == {}
    assert export.notes == ["dropped trailing empty column (no header, no data)"]


def test_cp1252_excel_resave(tmp_path):
    # 0x92 = right single quote, 0xA0 = no-break space, 0x96 = en dash: invalid as UTF-8.
    raw = b"id,answer,band\r\n1,Don\x92t know,1\x962\r\n2,Initiating\xa0or releasing,3\r\n"
    export = read_export(write(tmp_path, "resaved.csv", raw))
    assert export.platform == "csv"
    assert export.encoding == "cp1252"
    assert export.data["answer"].tolist() == ["Don\u2019t know", "Initiating\u00a0or releasing"]
    assert export.data["band"].tolist() == ["1\u20132", "3"]
    assert export.notes == [
        "not valid UTF-8: decoded as Windows-1252 (cp1252), as Excel writes when it re-saves a CSV"
    ]


# --------------------------------------------------------------------------------------------
# SurveyMonkey

SM_IDS = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "Which best describes your role? - Response",
    "Which best describes your role? - Other (please specify)",
    "Which tasks do you do? - Budgets",
    "Which tasks do you do? - Rotas, staffing",
    "Any comments? - Open-Ended Response",
]
SM_QUESTIONS = ["Which best describes your role?", "", "Which tasks do you do?", "", "Any comments?"]
SM_SUBS = ["Response", "Other (please specify)", "Budgets", "Rotas, staffing", "Open-Ended Response"]
SM_BODY = (
    "11111111111,400,06/08/2020 10:36:30 AM,Clinical director,,Budgets,,\n"
    '11111111112,400,06/09/2020 07:24:48 AM,Other (please specify),Head of service,,"Rotas, staffing","Line one\nline two"\n'
)


def sm_csv(row1_meta, row2_meta, fill_across=False, number_row=None):
    questions = SM_QUESTIONS
    if fill_across:
        questions = (
            ["Which best describes your role?"] * 2 + ["Which tasks do you do?"] * 2 + ["Any comments?"]
        )
    rows = [row1_meta + questions, row2_meta + SM_SUBS]
    if number_row is not None:
        rows.insert(0, number_row)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue() + SM_BODY


META = ["Respondent ID", "Collector ID", "Start Date"]


def test_surveymonkey_blank_continuation_cells(tmp_path):
    export = read_export(write(tmp_path, "sm.csv", sm_csv(META, ["", "", ""])))
    assert export.platform == "surveymonkey"
    assert list(export.data.columns) == SM_IDS
    assert list(export.data.index) == [3, 4]  # the quoted line break does not start a row
    assert export.data.loc[4, "Which best describes your role? - Other (please specify)"] == "Head of service"
    assert export.data.loc[4, "Any comments? - Open-Ended Response"] == "Line one\nline two"
    assert (
        export.questions["Which tasks do you do? - Rotas, staffing"]
        == "Which tasks do you do? - Rotas, staffing"
    )
    assert export.questions["Respondent ID"] == "Respondent ID"
    assert export.notes == []
    assert_all_text(export)


def test_surveymonkey_variants_give_the_same_ids(tmp_path):
    # 2018: row 2 repeats the metadata names; 2020: row 1 filled across every column.
    repeated = read_export(write(tmp_path, "a.csv", sm_csv(META, META)))
    filled = read_export(write(tmp_path, "b.csv", sm_csv(META, ["", "", ""], fill_across=True)))
    assert list(repeated.data.columns) == SM_IDS
    assert list(filled.data.columns) == SM_IDS
    assert repeated.notes == ["row 2 repeats the row-1 text in 3 column(s) (e.g. 'Respondent ID')"]
    assert filled.notes == []
    pd.testing.assert_frame_equal(repeated.data, filled.data)


def test_surveymonkey_question_number_row(tmp_path):
    numbers = ["", "", "", "q1", "", "q2", "", "q3"]
    export = read_export(write(tmp_path, "sm2023.csv", sm_csv(META, ["", "", ""], number_row=numbers)))
    assert export.platform == "surveymonkey"
    assert list(export.data.columns) == [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "q1 - Response",
        "q1 - Other (please specify)",
        "q2 - Budgets",
        "q2 - Rotas, staffing",
        "q3 - Open-Ended Response",
    ]
    assert list(export.data.index) == [4, 5]
    assert export.questions["q2 - Budgets"] == "Which tasks do you do? - Budgets"
    assert export.notes == [
        "SurveyMonkey header with an extra row of question numbers (3 header rows); "
        "column IDs use the numbers"
    ]


def test_surveymonkey_nbsp_and_line_breaks_in_question_text(tmp_path):
    text = 'Respondent ID,"Initiating\u00a0or\nreleasing?"\n,Response\n1,Yes\n'
    export = read_export(write(tmp_path, "nbsp.csv", text))
    assert list(export.data.columns) == ["Respondent ID", "Initiating or releasing? - Response"]
    assert (
        export.questions["Initiating or releasing? - Response"] == "Initiating\u00a0or\nreleasing? - Response"
    )
    assert export.notes == ["normalised whitespace (line breaks, non-breaking spaces) in 1 column name(s)"]


# --------------------------------------------------------------------------------------------
# JISC Online Surveys: coded results + key file

JISC_RESULTS = (
    '"URN","Q1","Q2_1","Q2_2","Q3_1_a_1","Q3_1_b_1","Q4","CompletionDate"\n'
    '"651771-1",,"0","0",,,,"2020-10-20"\n'
    '"651771-2","2","1","0","1",,"free text, with comma","2020-12-07"\n'
)
JISC_KEY = (
    '"URN","Unique Response Number"\n'
    '"Q1","What is your role?"\n"1","Chief executive"\n"2","Clinical director"\n'
    '"Q2","Which tasks do you do?"\n"1","Budgets"\n"2","Rotas"\n'
    '"Q3","Where do you meet?"\n'
    '"Q3_1_a","Board"\n"1","Monthly"\n"Q3_1_b","Board"\n"1","Weekly"\n'
    '"Q5","Unused question"\n"-1","Not applicable"\n'
    '"CompletionDate","Submission date"\n'
)
RESULTS_NAME = "results-for-nhs-survey-2020-11-06-1613.en.csv"


def check_jisc(export):
    assert export.platform == "jisc"
    assert list(export.data.columns) == [
        "URN",
        "Q1",
        "Q2_1",
        "Q2_2",
        "Q3_1_a_1",
        "Q3_1_b_1",
        "Q4",
        "CompletionDate",
    ]
    assert list(export.data.index) == [2, 3]
    assert export.data.loc[3, "Q4"] == "free text, with comma"
    assert export.questions == {
        "URN": "Unique Response Number",
        "Q1": "What is your role?",
        "Q2_1": "Which tasks do you do? - Budgets",
        "Q2_2": "Which tasks do you do? - Rotas",
        "Q3_1_a_1": "Where do you meet? - Board - Monthly",
        "Q3_1_b_1": "Where do you meet? - Board - Weekly",
        "Q4": "Q4",
        "CompletionDate": "Submission date",
    }
    assert export.value_labels == {"Q1": {"1": "Chief executive", "2": "Clinical director"}}


def test_jisc_results_with_explicit_key(tmp_path):
    results = write(tmp_path, RESULTS_NAME, JISC_RESULTS)
    key = write(tmp_path, "any-name.csv", JISC_KEY)
    export = read_export(results, key_file=key)
    check_jisc(export)
    assert export.notes == [
        "key file any-name.csv: 7 of 8 columns matched (1 with value labels)",
        "1 column(s) not in the key file: Q4",
        "1 key question(s) with no results column: Q5",
    ]


def test_jisc_key_found_beside_the_results(tmp_path):
    results = write(tmp_path, RESULTS_NAME, JISC_RESULTS)
    write(tmp_path, "results-for-nhs-survey-2020-11-06-1613-key.en.csv", JISC_KEY)
    export = read_export(results)
    check_jisc(export)
    assert (
        export.notes[0]
        == "key file found beside the results: results-for-nhs-survey-2020-11-06-1613-key.en.csv"
    )


def test_jisc_key_with_another_minute_stamp(tmp_path):
    results = write(tmp_path, RESULTS_NAME, JISC_RESULTS)
    write(tmp_path, "results-for-nhs-survey-2020-11-06-1612-key.en.csv", JISC_KEY)
    write(tmp_path, "results-for-nhs-survey-2020-11-06-1612-key.pt.csv", "x")  # other language
    assert find_jisc_key(results).name == "results-for-nhs-survey-2020-11-06-1612-key.en.csv"
    check_jisc(read_export(results))
    write(tmp_path, "results-for-nhs-survey-2020-11-06-1614-key.en.csv", JISC_KEY)
    with pytest.raises(InputError) as err:
        read_export(results)
    assert str(err.value) == (
        f"{results}: several JISC key files match this results file; give key_file (found "
        "'results-for-nhs-survey-2020-11-06-1612-key.en.csv, results-for-nhs-survey-2020-11-06-1614-key.en.csv')"
    )


def test_jisc_without_key_is_read_with_a_note(tmp_path):
    export = read_export(write(tmp_path, RESULTS_NAME, JISC_RESULTS))
    assert export.platform == "jisc"
    assert export.questions["Q2_1"] == "Q2_1"
    assert export.value_labels == {}
    assert export.notes == [
        "no JISC key file given or found beside the results (looked for "
        "results-for-nhs-survey-2020-11-06-1613-key.en.csv, or the same survey, date and language at "
        "another minute): question texts and value labels are not available"
    ]  # the name to look for: a key downloaded in another language or on another day is not it


def test_jisc_key_parsing(tmp_path):
    questions, labels = read_jisc_key(write(tmp_path, "k.csv", JISC_KEY))
    assert list(questions) == ["URN", "Q1", "Q2", "Q3", "Q3_1_a", "Q3_1_b", "Q5", "CompletionDate"]
    assert labels == {
        "Q1": {"1": "Chief executive", "2": "Clinical director"},
        "Q2": {"1": "Budgets", "2": "Rotas"},
        "Q3_1_a": {"1": "Monthly"},
        "Q3_1_b": {"1": "Weekly"},
        "Q5": {"-1": "Not applicable"},
    }


@pytest.mark.parametrize(
    "key, message",
    [
        (
            '"1","Chief executive"\n"Q1","Role"\n',
            'row 1, column 1: a JISC key file starts with a question row such as "URN","Unique Response Number" (found \'1\')',
        ),
        (
            '"URN","Unique Response Number"\n"Q1","Role"\n"1","A"\n"Q1","Role again"\n',
            "row 4, column 1: question ID appears twice in the key file (found 'Q1')",
        ),
        (
            '"URN","Unique Response Number"\n"Q1","Role"\n"1","A"\n"1","B"\n',
            "row 4, column 1: code appears twice under question Q1 (found '1')",
        ),
        (
            '"URN","Unique Response Number","x"\n"Q1","Role","y"\n',
            "row 1: a JISC key file has 2 columns, this one has 3 (found 'URN')",
        ),
    ],
)
def test_jisc_bad_key_files(tmp_path, key, message):
    results = write(tmp_path, RESULTS_NAME, JISC_RESULTS)
    key_path = write(tmp_path, "bad-key.csv", key)
    with pytest.raises(InputError) as err:
        read_export(results, key_file=key_path)
    assert str(err.value) == f"{key_path}, {message}"


def test_jisc_key_file_read_as_results_is_refused(tmp_path):
    path = write(tmp_path, "results-for-x-2020-11-06-1612-key.en.csv", JISC_KEY)
    with pytest.raises(InputError) as err:
        read_export(path)
    assert str(err.value) == (
        f"{path}, row 1: this is a JISC key file: read the results file and give "
        "this file as key_file (found 'Unique Response Number')"
    )


# --------------------------------------------------------------------------------------------
# Plain CSV and XLSX


def test_plain_csv_blank_lines_and_quoted_line_breaks(tmp_path):
    text = 'id,comment,score\n1,"two\nlines",3\n\n2,,4\n\n'
    export = read_export(write(tmp_path, "plain.csv", text))
    assert export.platform == "csv"
    assert list(export.data.index) == [2, 4]  # row 3 and row 5 were blank
    assert export.data.to_dict("list") == {
        "id": ["1", "2"],
        "comment": ["two\nlines", ""],
        "score": ["3", "4"],
    }
    assert export.questions == {"id": "id", "comment": "comment", "score": "score"}
    assert export.notes == ["dropped 2 blank row(s): rows 3, 5"]


def test_old_mac_line_endings(tmp_path):
    export = read_export(write(tmp_path, "cr.csv", 'id,x\r1,a\r2,"b\rc"\r'))
    assert list(export.data.index) == [2, 3]
    assert export.data["x"].tolist() == ["a", "b\rc"]


def test_header_rows_cut_short(tmp_path):
    raises(
        write(tmp_path, "sm.csv", "Respondent ID,Q\n"),
        ", row 2: the surveymonkey format has 2 header rows but the file ends after row 1: "
        "a header row is missing",
    )


def test_plain_csv_empty_header_cell_and_header_only(tmp_path):
    export = read_export(write(tmp_path, "gap.csv", "id,,score\n1,x,3\n"))
    assert list(export.data.columns) == ["id", "column_2", "score"]
    assert export.notes == ["named 1 column(s) with an empty header by position: column_2"]
    empty = read_export(write(tmp_path, "head.csv", "id,score\n"))
    assert empty.data.shape == (0, 2)
    assert empty.notes == ["no responses: the file has its 1 header row(s) and no data (0 rows)"]


def test_platform_csv_reads_a_qualtrics_file_with_one_header_row(tmp_path):
    export = read_export(write(tmp_path, "q.csv", QUALTRICS_DE), platform="csv")
    assert export.platform == "csv"
    assert list(export.data.index) == [2, 3, 4, 5]


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        (True, "TRUE"),
        (False, "FALSE"),
        (3, "3"),
        (3.0, "3"),
        (-2.0, "-2"),
        (0.25, "0.25"),
        (0.1, "0.1"),
        (1e20, "1e+20"),
        (dt.datetime(2024, 5, 1, 9, 30, 5), "2024-05-01 09:30:05"),
        (dt.datetime(2024, 5, 2), "2024-05-02"),
        (dt.date(2024, 5, 3), "2024-05-03"),
        (dt.time(8, 15), "08:15:00"),
        ("Don\u2019t know", "Don\u2019t know"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_xlsx_one_header_row(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Responses"
    sheet.append(["id", "score", "when", "consent", "ratio"])
    sheet.append([1, 3.0, dt.datetime(2024, 5, 1, 9, 30), True, 0.25])
    sheet.append([None, None, None, None, None])
    sheet.append([2, 4, dt.datetime(2024, 5, 2), False, None])
    workbook.create_sheet("Notes").append(["ignored"])
    path = tmp_path / "responses.xlsx"
    workbook.save(path)
    export = read_export(path)
    assert export.platform == "xlsx"
    assert export.encoding == "xlsx"
    assert list(export.data.index) == [2, 4]
    assert export.data.to_dict("list") == {
        "id": ["1", "2"],
        "score": ["3", "4"],
        "when": ["2024-05-01 09:30:00", "2024-05-02"],
        "consent": ["TRUE", "FALSE"],
        "ratio": ["0.25", ""],
    }
    assert export.notes == [
        "workbook has 2 sheets; read the first, 'Responses'",
        "dropped 1 blank row(s): rows 3",
    ]
    assert_all_text(export)


def test_xlsx_with_surveymonkey_layout(tmp_path):
    workbook = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(sm_csv(META, ["", "", ""]))):
        workbook.active.append([c if c else None for c in row])
    path = tmp_path / "sm.xlsx"
    workbook.save(path)
    export = read_export(path)
    assert export.platform == "surveymonkey"
    assert export.encoding == "xlsx"
    assert list(export.data.columns) == SM_IDS
    assert list(export.data.index) == [3, 4]


# --------------------------------------------------------------------------------------------
# Detection


@pytest.mark.parametrize(
    "rows, platform",
    [
        (
            [["StartDate", "EndDate", "Q1"], ["Anfangsdatum", "Enddatum", "Q"], ['{"ImportId":"startDate"}']],
            "qualtrics",
        ),
        ([["Q1"], ["x"], ['{"ImportId":"QID1"}']], "qualtrics"),
        ([["StartDate", "EndDate", "Status", "Q1"], ["a", "b", "c", "d"], ["1", "2", "3", "4"]], "qualtrics"),
        ([LEGACY.split(",")[:12], ["ResponseID"]], "qualtrics-legacy"),
        ([["Respondent ID", "Collector ID", "Q"], ["", "", "Response"]], "surveymonkey"),
        ([["", "", "q1"], ["Respondent ID", "Collector ID", "Q"], ["", "", "Response"]], "surveymonkey"),
        ([["URN", "Q1", "CompletionDate"], ["1", "2", "2020-01-01"]], "jisc"),
        ([["id", "Start Date", "Status"], ["1", "2", "3"]], "csv"),
        ([["Respondent ID", "Q"], ["11111111111", "Yes"]], "csv"),  # one header row
        ([["", "q1"], ["Respondent ID", "Q"], ["11111111111", "Yes"]], "csv"),
        ([["V1", "x"], ["y", "z"]], "csv"),
        ([["id"]], "csv"),
    ],
)
def test_detect_platform(rows, platform):
    assert detect_platform(rows) == platform


# --------------------------------------------------------------------------------------------
# Bad input: the message names the file, row, column and value


def raises(path, match_text, **kwargs):
    with pytest.raises(InputError) as err:
        read_export(path, **kwargs)
    assert str(err.value) == f"{path}{match_text}"
    return err.value


def test_empty_file(tmp_path):
    raises(write(tmp_path, "empty.csv", b""), ": file is empty")
    raises(write(tmp_path, "blank.csv", "\n \r\n"), ": file is empty")


def test_blank_first_row(tmp_path):
    raises(write(tmp_path, "b.csv", ",,\na,b,c\n"), ", row 1: row 1 is blank; expected the header row")


def test_undecodable_bytes(tmp_path):
    # 0x81 is undefined in cp1252 and invalid as UTF-8.
    raises(
        write(tmp_path, "bad.csv", b"id,x\n1,\x81\n"),
        ", row 2, column 3: cannot decode the file: it is not UTF-8, UTF-16 with BOM or Windows-1252 "
        "(invalid byte 0x81 at byte 7)",
    )
    raises(
        write(tmp_path, "u16.csv", "id,x\n".encode("utf-16-le")),
        ": looks like UTF-16 without a byte-order mark; re-export as UTF-8 or UTF-16 with BOM",
    )


def test_duplicated_header_row_inside_the_data(tmp_path):
    raises(
        write(tmp_path, "twice.csv", 'id,role\n1,"a\nb"\nid,role\n2,c\n'),
        ", row 3, column 1: header row 1 appears again inside the data (a duplicated header row) (found 'id')",
    )
    raises(
        write(tmp_path, "partial.csv", "id,role,score,when\n1,a,2,x\nid,role,total,date\n"),
        ", row 3, column 1: header row 1 appears again inside the data (a duplicated header row) (found 'id')",
    )
    lines = QUALTRICS_DE.rstrip("\n").split("\n")
    concatenated = "\n".join(lines + lines[:3]) + "\n"  # two exports pasted together
    error = raises(
        write(tmp_path, "q.csv", concatenated),
        ", row 6, column 1: header row 1 appears again inside the data (a duplicated header row) "
        "(found 'StartDate')",
    )
    assert error.row == 6 and error.value == "StartDate"


def test_qualtrics_missing_import_id_row(tmp_path):
    lines = QUALTRICS_DE.split("\n")
    no_row3 = "\n".join(lines[:2] + lines[3:])
    raises(
        write(tmp_path, "q2.csv", no_row3),
        ", row 3, column 'StartDate': expected the Qualtrics 3-row header (row 1 IDs, row 2 question labels, "
        'row 3 ImportId JSON such as {"ImportId":"QID1"}) but row 3 is not ImportId JSON: a header row is '
        "missing (for a file with one header row, give platform='csv') (found '2024-05-01 09:00:00')",
    )
    no_row2 = "\n".join(lines[:1] + lines[2:])
    raises(
        write(tmp_path, "q1.csv", no_row2),
        ", row 2, column 'StartDate': expected the Qualtrics 3-row header (row 1 IDs, row 2 question labels, "
        "row 3 ImportId JSON) but row 2 already holds the ImportId JSON: the label row is missing "
        '(found \'{"ImportId":"startDate","timeZone":"Europe/London"}\')',
    )
    raises(
        write(tmp_path, "short.csv", "\n".join(lines[:2]) + "\n"),
        ", row 3, column 'StartDate': expected the Qualtrics 3-row header (row 1 IDs, row 2 question labels, "
        'row 3 ImportId JSON such as {"ImportId":"QID1"}) but row 3 is not ImportId JSON: a header row is '
        "missing (for a file with one header row, give platform='csv')",
    )


def test_qualtrics_bad_import_id_cell(tmp_path):
    text = 'Q1,Q2\nA,B\n"{""ImportId"":""QID1""}","{""Import"":""QID2""}"\n1,2\n'
    raises(
        write(tmp_path, "bad3.csv", text),
        ', row 3, column \'Q2\': row 3 cell is not Qualtrics ImportId JSON such as {"ImportId":"QID1"} '
        '(found \'{"Import":"QID2"}\')',
    )


def test_ragged_row(tmp_path):
    raises(
        write(tmp_path, "ragged.csv", 'id,role,score\n1,"a\nb",3\n\n2,c,4,,surplus\n'),
        ", row 4, column 4: row has 5 fields but the header row has 3 (found 'surplus')",
    )
    raises(
        write(tmp_path, "ragged2.csv", "id,role\n1,a,\n"),
        ", row 2, column 3: row has 3 fields but the header row has 2",
    )


def test_unclosed_quote(tmp_path):
    raises(
        write(tmp_path, "quote.csv", 'id,role\n1,a\n2,"never closed\n3,b\n'),
        ", row 3: a quoted field is never closed (unbalanced double quote)",
    )


@pytest.mark.parametrize(
    "name, content, platform, message",
    [
        (
            "q.csv",
            QUALTRICS_DE,
            "surveymonkey",
            ", row 1, column 1: expected a SurveyMonkey header (a 'Respondent ID' column in row 1, or in row 2 "
            "below a row of question numbers q1, q2 ...) (found 'StartDate')",
        ),
        (
            "sm.csv",
            sm_csv(META, ["", "", ""]),
            "qualtrics",
            ", row 3, column 'Respondent ID': expected the Qualtrics 3-row header (row 1 IDs, row 2 question labels, "
            'row 3 ImportId JSON such as {"ImportId":"QID1"}) but row 3 is not ImportId JSON: a header row is '
            "missing (for a file with one header row, give platform='csv') (found '11111111111')",
        ),
        (
            "one.csv",
            "Respondent ID,Q\n11111111111,Yes\n",
            "surveymonkey",
            ", row 2, column 'Respondent ID': expected SurveyMonkey's sub-label row (blank under 'Respondent ID') "
            "in row 2, but it holds a response: the file has one header row (give platform='csv') (found '11111111111')",
        ),
        (
            "plain.csv",
            "id,x\n1,2\n",
            "jisc",
            ", row 1, column 1: expected a JISC Online Surveys results file (first column 'URN') (found 'id')",
        ),
        (
            "plain.csv",
            "id,x\n1,2\n",
            "qualtrics-legacy",
            ", row 1, column 1: expected the legacy Qualtrics header (row 1 starting V1, V2, ... V10) (found 'id')",
        ),
        (
            "plain.csv",
            "id,x\n1,2\n",
            "xlsx",
            ": platform 'xlsx' was given but the file is not an .xlsx workbook",
        ),
        (
            "plain.csv",
            "id,x\n1,2\n",
            "sas",
            ": unknown platform; expected one of "
            "qualtrics, qualtrics-legacy, surveymonkey, jisc, csv, xlsx, spss, stata (found 'sas')",
        ),
        (
            "plain.csv",
            "id,x\n1,2\n",
            "spss",
            ": not an SPSS system file (it should begin with $FL2 or $FL3) (found 'id,x')",
        ),
    ],
)
def test_platform_that_does_not_fit(tmp_path, name, content, platform, message):
    raises(write(tmp_path, name, content), message, platform=platform)


def test_key_file_for_another_platform(tmp_path):
    raises(
        write(tmp_path, "plain.csv", "id,x\n1,2\n"),
        ": key_file is for JISC Online Surveys results; this file reads as csv (found 'k.csv')",
        key_file="k.csv",
    )


def test_bad_xlsx_files(tmp_path):
    raises(
        write(tmp_path, "broken.xlsx", b"id,x\n1,2\n"), ": not a valid zip archive: File is not a zip file"
    )
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    raises(other, ": not an Excel .xlsx workbook (no xl/workbook.xml in the archive)")
    raises(
        write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
        ": this is an old binary Excel workbook (.xls): save it as .xlsx or CSV",
    )
    unsafe = tmp_path / "unsafe.xlsx"
    with zipfile.ZipFile(unsafe, "w") as archive:
        archive.writestr("../evil.xml", "x")
    raises(unsafe, ": archive member has an unsafe path (absolute or '..') (found '../evil.xml')")


# --------------------------------------------------------------------------------------------
# Round trip: whatever cells the csv module writes come back unchanged, row numbers included

cell = st.text(alphabet='ab é,"\n\r;\t\u00a0\u2019', max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(cell, cell, cell), max_size=6))
def test_round_trip_plain_csv(tmp_path_factory, rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([("x1", "x2", "x3"), *rows])
    path = tmp_path_factory.mktemp("rt") / "rt.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    export = read_export(path, platform="csv")
    kept = [(number, row) for number, row in enumerate(rows, start=2) if any(row)]
    assert list(export.data.index) == [number for number, _ in kept]
    assert [tuple(r) for r in export.data.itertuples(index=False)] == [row for _, row in kept]


# --------------------------------------------------------------------------------------------
# The real exports in ../shared/fixtures (read-only; skipped when the folder is absent)

FIXTURES = paths.project_root().parent / "shared" / "fixtures"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures not present")

# Expected sizes were established independently of this reader: each file was decoded (UTF-8,
# or cp1252 for the Excel-mangled one) and split into records with Python's csv module; rows =
# records minus header rows, columns = fields per record (every record has the same count).
# ospo2020 has 270 fields of which the last 23 have no header in either row and no data; the
# legacy Qualtrics file has 16 fields, the last empty (trailing comma).
REAL = [
    ("qualtrics/qualtRics_sample.csv", "qualtrics", "utf-8", 1, 20, 4),
    ("qualtrics/qualtRics_sample_legacy.csv", "qualtrics-legacy", "utf-8-sig", 1, 15, 3),
    ("surveymonkey/ospo2018_results_EXCERPT_2hdr+8.csv", "surveymonkey", "utf-8", 8, 174, 3),
    ("surveymonkey/ospo2020_results_2020_EXCERPT_2hdr+8.csv", "surveymonkey", "utf-8-sig", 8, 247, 3),
    (
        "surveymonkey/ospo2020_results_2020_EXCELMANGLED_cp1252_EXCERPT_2hdr+12.csv",
        "surveymonkey",
        "cp1252",
        12,
        248,
        3,
    ),
    ("surveymonkey/ospo2023_RawData_EXCERPT_3hdr+8.csv", "surveymonkey", "utf-8", 8, 492, 4),
    ("jisc-online-surveys/sodp_results-for-idrc-surveyin-2021-03-05-0811.pt.csv", "jisc", "utf-8", 3, 378, 2),
    (
        "jisc-online-surveys/sodp_results-for-idrc-surveyin-2020-11-06-1613.txt.en.csv",
        "jisc",
        "utf-8",
        45,
        170,
        2,
    ),
]


@needs_fixtures
@pytest.mark.parametrize("name, platform, encoding, n_rows, n_columns, first_row", REAL)
def test_real_exports(name, platform, encoding, n_rows, n_columns, first_row):
    export = read_export(FIXTURES / name)
    assert (export.platform, export.encoding) == (platform, encoding)
    assert export.data.shape == (n_rows, n_columns)
    assert export.data.index[0] == first_row
    assert list(export.data.index) == list(range(first_row, first_row + n_rows))
    assert export.data.columns.is_unique
    assert_all_text(export)


@needs_fixtures
def test_real_qualtrics_values():
    export = read_export(FIXTURES / "qualtrics" / "qualtRics_sample.csv")
    assert export.data.columns[-3:].tolist() == ["Q1", "Q2", "Q2 - Topics"]
    assert export.questions["StartDate"] == "Anfangsdatum"
    assert export.import_ids["ResponseId"] == "_recordId"
    assert export.data.loc[4, "Q2"] == "Hello World!"
    legacy = read_export(FIXTURES / "qualtrics" / "qualtRics_sample_legacy.csv")
    assert legacy.questions["V10"] == "Finished"
    assert legacy.data.loc[3, "Q2"] == "Hello World!"


@needs_fixtures
def test_real_surveymonkey_headers():
    mangled = read_export(
        FIXTURES / "surveymonkey" / "ospo2020_results_2020_EXCELMANGLED_cp1252_EXCERPT_2hdr+12.csv"
    )
    journey = "Where is your company or organization on its open source journey? (Check all that apply)"
    assert mangled.data.columns[:4].tolist() == [
        "Respondent ID",
        "Start Date",
        "End Date",
        f"{journey} - Consuming open source code in products or services",
    ]
    assert mangled.questions[f"{journey} - Don\u2019t know"] == f"{journey} - Don\u2019t know"
    numbered = read_export(FIXTURES / "surveymonkey" / "ospo2023_RawData_EXCERPT_3hdr+8.csv")
    assert numbered.data.columns[:7].tolist() == [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "language",
        "q1 - Don't know or not applicable",
        "q1 - Using open source code in products or services",
    ]


@needs_fixtures
def test_real_jisc_with_key():
    folder = FIXTURES / "jisc-online-surveys"
    key = folder / "sodp_results-for-idrc-surveyin-2020-11-06-1612-key.en.csv"
    questions, labels = read_jisc_key(key)
    # 616 records: 170 question rows (first cell not a number) and 446 code rows.
    assert len(questions) == 170
    assert sum(len(v) for v in labels.values()) == 446
    export = read_export(folder / "sodp_results-for-idrc-surveyin-2021-03-05-0811.pt.csv", key_file=key)
    assert export.value_labels["Q1"] == {
        "1": "18 - 24",
        "2": "25 - 34",
        "3": "35 - 44",
        "4": "45 - 54",
        "5": "55 - 64",
        "6": "over 65",
    }
    assert export.questions["Q11_1_a_1"] == (
        "Where did you store the data you created while you were conducting your research and after "
        "research was completed (select all that apply) - non-digital formats (ie. lab books) - During research"
    )
    assert export.notes[0] == (
        "key file sodp_results-for-idrc-surveyin-2020-11-06-1612-key.en.csv: "
        "378 of 378 columns matched (26 with value labels)"
    )
    assert export.data.loc[2, "Q9_1"] == "0" and export.data.loc[2, "Q1"] == ""


def test_platform_names():
    assert PLATFORMS == (
        "qualtrics",
        "qualtrics-legacy",
        "surveymonkey",
        "jisc",
        "csv",
        "xlsx",
        "spss",
        "stata",
    )
