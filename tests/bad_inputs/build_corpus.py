"""Write the bad-input corpus: small synthetic files, one case each (manifest: cases.yaml).

    .venv/bin/python tests/bad_inputs/build_corpus.py

Every file is written from the text below, so the corpus is reproducible and reviewable; the
quirks re-create those documented in ../shared/reference/input-formats.md and seen in the real
exports of ../shared/fixtures/ (no fixture file is copied). Output is byte-identical run to run.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

from helpers.outputs import deterministic_zip

HERE = Path(__file__).resolve().parent


def write(rel: str, data: str | bytes, encoding: str = "utf-8") -> None:
    path = HERE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


# ---------------------------------------------------------------------------------------------
# Survey: a tiny Qualtrics export and the codebook that describes it.

CODEBOOK = """\
# Codebook of the bad-input corpus's tiny Qualtrics exports (synthetic).
survey:
  title: "Bad-input corpus survey (SYNTHETIC)"
  synthetic: true
  missing_codes: [-99]
metadata:
  response_id: ResponseId
  status: Status
  progress: Progress
  finished: Finished
  duration: Duration (in seconds)
  started: StartDate
identifiers:
  email: RecipientEmail
scales:
  agree5:
    levels: {1: Strongly disagree, 2: Disagree, 3: Neither agree nor disagree, 4: Agree, 5: Strongly agree}
    non_substantive: {9: "Don't know"}
    positive: [4, 5]
variables:
  consent: {source: Q1, type: consent, labels: {1: "Yes", 2: "No"}, consent_code: 1}
  role:
    source: Q2
    type: role
    labels: {1: Chief executive, 2: Medical director, 3: Clinical director, 4: Directorate manager, 5: Other}
    other_code: 5
    other_text: Q2_5_TEXT
  att_teamwork: {source: Q3_1, type: likert, scale: agree5, battery: att}
  att_trust: {source: Q3_2, type: likert, scale: agree5, battery: att}
role_rules:
  - {pattern: "chief exec|\\\\bceo\\\\b", role: Chief executive}
  - {pattern: "clinical (director|lead)", role: Clinical director}
"""

Q_IDS = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "ResponseId",
    "RecipientEmail",
    "Q1",
    "Q2",
    "Q2_5_TEXT",
    "Q3_1",
    "Q3_2",
]
Q_LABELS = [
    "Start Date",
    "End Date",
    "Response Type",
    "IP Address",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "Response ID",
    "Recipient Email",
    "Do you agree to take part?",
    "Which best describes your role? - Selected Choice",
    "Which best describes your role? - Other, please specify - Text",
    "Views - Doctors and managers work as a team",
    "Views - I trust managers",
]
Q_LABELS_DE = [
    "Anfangsdatum",
    "Enddatum",
    "Antworttyp",
    "IP-Adresse",
    "Aktueller Stand",
    "Dauer (in Sekunden)",
    "Beendet",
    "Antwort-ID",
    "E-Mail-Adresse",
    "Nehmen Sie teil?",
    "Rolle - Ausgewählte Auswahl",
    "Rolle - Andere - Text",
    "Ansichten - Team",
    "Ansichten - Vertrauen",
]
Q_IMPORT = [
    '"{""ImportId"":""startDate"",""timeZone"":""Europe/London""}"',
    '"{""ImportId"":""endDate"",""timeZone"":""Europe/London""}"',
    '"{""ImportId"":""status""}"',
    '"{""ImportId"":""ipAddress""}"',
    '"{""ImportId"":""progress""}"',
    '"{""ImportId"":""duration""}"',
    '"{""ImportId"":""finished""}"',
    '"{""ImportId"":""_recordId""}"',
    '"{""ImportId"":""recipientEmail""}"',
    '"{""ImportId"":""QID1""}"',
    '"{""ImportId"":""QID2""}"',
    '"{""ImportId"":""QID2_5_TEXT""}"',
    '"{""ImportId"":""QID3_1""}"',
    '"{""ImportId"":""QID3_2""}"',
]
# Seven responses: 1 kept; preview; no consent; partial (50%); duplicate e-mail (case, spaces);
# "Other" recoded to chief executive (kept); Don't know and -99 (kept). Clean 3, excluded 4.
Q_ROWS = [
    [
        "2015-07-01 09:00:00",
        "2015-07-01 09:10:00",
        "0",
        "192.0.2.1",
        "100",
        "600",
        "1",
        "R_corpus0001",
        "ann@example.nhs.uk",
        "1",
        "1",
        "",
        "4",
        "5",
    ],
    [
        "2015-07-01 09:05:00",
        "2015-07-01 09:06:00",
        "1",
        "192.0.2.2",
        "100",
        "60",
        "1",
        "R_corpus0002",
        "",
        "1",
        "2",
        "",
        "3",
        "3",
    ],
    [
        "2015-07-01 10:00:00",
        "2015-07-01 10:01:00",
        "0",
        "192.0.2.3",
        "100",
        "50",
        "1",
        "R_corpus0003",
        "bob@example.nhs.uk",
        "2",
        "",
        "",
        "",
        "",
    ],
    [
        "2015-07-01 11:00:00",
        "2015-07-01 11:04:00",
        "0",
        "192.0.2.4",
        "50",
        "240",
        "0",
        "R_corpus0004",
        "cat@example.nhs.uk",
        "1",
        "3",
        "",
        "2",
        "",
    ],
    [
        "2015-07-02 09:00:00",
        "2015-07-02 09:09:00",
        "0",
        "192.0.2.5",
        "100",
        "540",
        "1",
        "R_corpus0005",
        " ANN@Example.nhs.uk ",
        "1",
        "1",
        "",
        "4",
        "4",
    ],
    [
        "2015-07-02 10:00:00",
        "2015-07-02 10:12:00",
        "0",
        "192.0.2.6",
        "100",
        "720",
        "1",
        "R_corpus0006",
        "dan@example.nhs.uk",
        "1",
        "5",
        "Acting Chief Exec",
        "5",
        "4",
    ],
    [
        "2015-07-02 11:00:00",
        "2015-07-02 11:11:00",
        "0",
        "192.0.2.7",
        "100",
        "660",
        "1",
        "R_corpus0007",
        "eve@example.nhs.uk",
        "1",
        "3",
        "",
        "9",
        "-99",
    ],
]


def csv_line(cells) -> str:
    out = []
    for c in cells:
        c = str(c)
        if c.startswith('"{'):
            out.append(c)  # already quoted ImportId JSON
        elif any(ch in c for ch in ',"\n'):
            out.append('"' + c.replace('"', '""') + '"')
        else:
            out.append(c)
    return ",".join(out)


def qualtrics(rows=None, labels=Q_LABELS, ids=Q_IDS, imports=Q_IMPORT, sep=",", eol="\n") -> str:
    rows = Q_ROWS if rows is None else rows
    lines = [csv_line(ids), csv_line(labels), csv_line(imports)] + [csv_line(r) for r in rows]
    text = eol.join(lines) + eol
    return text.replace(",", sep) if sep != "," else text


def tab_separated(text: str) -> str:
    """The same table written tab-delimited (Excel's "Unicode text"), quoting as csv does."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
    return out.getvalue()


def xlsx_bytes(rows: list[list]) -> bytes:
    """A one-sheet .xlsx with fixed timestamps (byte-identical run to run)."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.properties.created = wb.properties.modified = dt.datetime(2015, 1, 1)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(raw) as src:
        return deterministic_zip({name: src.read(name) for name in src.namelist()})


def with_cell(row: int, column: str, value: str):
    rows = [list(r) for r in Q_ROWS]
    rows[row][Q_IDS.index(column)] = value
    return rows


def survey_cases() -> None:
    write("survey/codebook.yaml", CODEBOOK)
    cb = CODEBOOK
    write("survey/qualtrics_clean_baseline.csv", qualtrics())
    write("survey/qualtrics_bom_crlf.csv", "\ufeff" + qualtrics(eol="\r\n"))
    # Choice-text export re-saved by Excel on Windows: cp1252, curly apostrophe, labels in odd case.
    labelled = [list(r) for r in Q_ROWS]
    names = {"1": "Yes", "2": "No"}
    roles = {
        "1": "Chief executive",
        "2": "Medical director",
        "3": "clinical director",
        "4": "Directorate manager",
        "5": "Other",
    }
    scale = {
        "1": "Strongly disagree",
        "2": "Disagree",
        "3": "Neither agree nor disagree",
        "4": "agree",
        "5": "Strongly Agree",
        "9": "Don\u2019t know",
        "-99": "-99",
        "": "",
    }
    for r in labelled:
        r[9] = names.get(r[9], r[9])
        r[10] = roles.get(r[10], r[10])
        r[12], r[13] = scale[r[12]], scale[r[13]]
    write("survey/qualtrics_choice_text_cp1252.csv", qualtrics(labelled), encoding="cp1252")
    write(
        "survey/qualtrics_utf16_tab.tsv",
        "\ufeff" + tab_separated(qualtrics()).replace("\n", "\r\n"),
        encoding="utf-16-le",
    )
    write("survey/qualtrics_utf16_no_bom.csv", qualtrics(), encoding="utf-16-le")
    write("survey/qualtrics_german_row2.csv", qualtrics(labels=Q_LABELS_DE))
    write("survey/qualtrics_undeclared_code.csv", qualtrics(with_cell(3, "Q3_1", "6")))
    write("survey/qualtrics_undeclared_label.csv", qualtrics(with_cell(0, "Q3_2", "Somewhat agree")))
    write("survey/qualtrics_progress_text.csv", qualtrics(with_cell(2, "Progress", "about half")))
    write("survey/qualtrics_duration_comma.csv", qualtrics(with_cell(5, "Duration (in seconds)", "1,234")))
    dropped = [r[:13] for r in Q_ROWS]
    write("survey/qualtrics_missing_column.csv", qualtrics(dropped, Q_LABELS[:13], Q_IDS[:13], Q_IMPORT[:13]))
    two_rows = qualtrics().split("\n")
    write("survey/qualtrics_missing_importid_row.csv", "\n".join(two_rows[:2] + two_rows[3:]))
    broken = list(Q_IMPORT)
    broken[10] = '"{""ImportId"":""QID2"""'
    write("survey/qualtrics_broken_importid.csv", qualtrics(imports=broken))
    ragged = qualtrics().split("\n")
    ragged[5] = ragged[5] + ",surplus"
    write("survey/qualtrics_ragged_row.csv", "\n".join(ragged))
    unclosed = qualtrics().split("\n")
    unclosed[8] = unclosed[8].replace("Acting Chief Exec", '"Acting Chief Exec')
    write("survey/qualtrics_unclosed_quote.csv", "\n".join(unclosed))
    pasted = qualtrics().split("\n")
    write("survey/qualtrics_header_pasted_twice.csv", "\n".join(pasted[:6] + pasted[:3] + pasted[6:]))
    write("survey/qualtrics_empty.csv", "")
    write("survey/qualtrics_header_only.csv", "\n".join(qualtrics().split("\n")[:3]) + "\n")
    blank = qualtrics().split("\n")
    write("survey/qualtrics_blank_lines.csv", "\n".join(blank[:5] + ["", ",,,,,,,,,,,,,"] + blank[5:]))
    write("survey/qualtrics_blank_first_row.csv", "\n" + qualtrics())
    dup_ids = list(Q_IDS)
    write(
        "survey/qualtrics_repeated_column_id.csv",
        qualtrics(
            [r + [r[0]] for r in Q_ROWS],
            Q_LABELS + ["Start Date"],
            dup_ids + ["StartDate"],
            Q_IMPORT + ['"{""ImportId"":""startDate""}"'],
        ),
    )
    write(
        "survey/plain_one_header.xlsx",
        xlsx_bytes(
            [
                ["respondent", "role", "teamwork"],
                [1, "Medical director", 4],
                [2, "Clinical director", None],
                [3, "=1+1", 2.5],
            ]
        ),
    )
    # LimeSurvey CSV writer: BOM, ';' separator, every value quoted, CRLF, trailing blank line.
    lime = [
        '"id";"submitdate";"lastpage";"startlanguage";"Q1";"Q2[SQ001]";"Q2[other]"',
        '"1";"2015-07-01 09:10:00";"3";"en";"A1";"A4";""',
        '"2";"";"1";"en";"A1";"";"Acting CEO"',
    ]
    write("survey/limesurvey_semicolon_bom.csv", "\ufeff" + "\r\n".join(lime) + "\r\n\r\n")
    # REDCap raw export: checkbox columns with three underscores, [not completed] timestamps.
    write(
        "survey/redcap_raw_export.csv",
        "record_id,redcap_survey_identifier,survey_timestamp,role,views___1,views___2,survey_complete\n"
        "1,,2018-03-06 15:52:43,2,1,0,2\n2,,[not completed],3,0,0,0\n3,,2018-03-07 09:01:02,1,0,1,2\n",
    )
    write("survey/old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    # Legacy (pre-2017) Qualtrics: V1..V10, BOM and a trailing comma on every line.
    legacy = [
        "V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1,Q2,",
        "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,Consent,Role,",
        "R_legacy01,Default Response Set,Anonymous,,,192.0.2.10,0,2014-03-01 09:00:00,2014-03-01 09:10:00,1,1,2,",
        "R_legacy02,Default Response Set,Anonymous,,,192.0.2.11,0,2014-03-01 10:00:00,2014-03-01 10:05:00,1,1,3,",
    ]
    write("survey/legacy_qualtrics_bom_trailing_comma.csv", "\ufeff" + "\r\n".join(legacy) + "\r\n")
    # SurveyMonkey: question text only in the first column of a question; row 2 sub-labels.
    sm = [
        "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,Which best describes your role?,,"
        "How far do you agree?,",
        ",,,,,,Response,Other (please specify),Doctors and managers work as a team,I trust managers",
        "11400000001,400001,06/08/2020 10:36:30 AM,06/08/2020 10:40:02 AM,192.0.2.20,,Medical director,,Agree,Agree",
        "11400000002,400001,06/08/2020 11:01:00 AM,06/08/2020 11:09:45 AM,192.0.2.21,,Other (please specify),CEO,Disagree,Strongly agree",
    ]
    write("survey/surveymonkey_two_header_rows.csv", "\ufeff" + "\r\n".join(sm) + "\r\n")
    sm_rep = [
        sm[0],
        "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,Response,Other (please specify),"
        "Doctors and managers work as a team,I trust managers",
    ] + sm[2:]
    sm_rep[2] = sm_rep[2].replace("06/08/2020 10:36:30 AM", "43290.53487")
    write("survey/surveymonkey_repeated_header_excel_dates.csv", "\n".join(sm_rep) + "\n")
    sm_num = [",".join(["", "", "", "", "", "", "q1", "", "q2", ""])] + sm
    write("survey/surveymonkey_question_number_row.csv", "\n".join(sm_num) + "\n")
    mangled = sm + [
        "11400000003,400001,6/15/2020 6:45,6/15/2020 6:52,192.0.2.22,,Directorate manager,,Feb-50,5-Jan"
    ]
    write(
        "survey/surveymonkey_excel_mangled_cp1252.csv",
        ("\r\n".join(mangled) + "\r\n").replace(
            "Which best describes your role?", "Which best describes your role?\u00a0\u2013 pick one"
        ),
        encoding="cp1252",
    )
    one_header = [sm[0].replace(",,How", ",Other text,How").rstrip(",") + ",Trust"] + sm[2:]
    write("survey/surveymonkey_forced_one_header.csv", "\n".join(one_header) + "\n")
    # JISC Online Surveys coded results + key file.
    write(
        "survey/jisc/results-for-corpus-2021-03-05-0811.en.csv",
        '"URN","Q1","Q2","Q3_1","Q3_2","CompletionDate"\n'
        '"651771-651762-66577157","1","2","1","0","2021-03-01"\n'
        '"651771-651762-66577158","1",,"0","0","2021-03-02"\n',
    )
    write(
        "survey/jisc/results-for-corpus-2021-03-05-0812-key.en.csv",
        '"URN","Unique Response Number"\n"Q1","Do you agree to take part?"\n"1","Yes"\n"2","No"\n'
        '"Q2","Which best describes your role?"\n"1","Chief executive"\n"2","Medical director"\n'
        '"Q3","Which of these do you do?"\n"1","Clinics"\n"2","Budgets"\n"CompletionDate","Submission date"\n',
    )
    write(
        "survey/jisc_bad_key/results-for-corpus-2021-03-05-0811.en.csv",
        '"URN","Q1","CompletionDate"\n"651771-651762-66577157","1","2021-03-01"\n',
    )
    write(
        "survey/jisc_bad_key/results-for-corpus-2021-03-05-0811-key.en.csv",
        '"URN","Unique Response Number",""\n"Q1","Do you agree to take part?","x"\n"1","Yes",""\n',
    )
    # Codebooks.
    write("codebooks/not_yaml.yaml", cb.replace("scales:\n", "scales:\n  agree5: [unclosed\n", 1))
    write(
        "codebooks/unknown_type.yaml",
        cb.replace(
            "type: likert, scale: agree5, battery: att}\n  att_trust",
            "type: likret, scale: agree5, battery: att}\n  att_trust",
        ),
    )
    write(
        "codebooks/likert_without_scale.yaml",
        cb.replace(
            "{source: Q3_2, type: likert, scale: agree5,", "{source: Q3_2, type: likert, scale: agree7,"
        ),
    )
    write("codebooks/yaml_duplicate_key.yaml", cb.replace('{1: "Yes", 2: "No"}', '{1: "Yes", 1: "No"}'))
    write("codebooks/code_listed_twice.yaml", cb.replace('{1: "Yes", 2: "No"}', '{1: "Yes", "1": "No"}'))
    write(
        "codebooks/two_role_variables.yaml",
        cb.replace(
            "att_teamwork: {source: Q3_1, type: likert, scale: agree5, battery: att}",
            "att_teamwork: {source: Q3_1, type: role, labels: {1: Chief executive}}",
        ),
    )
    write("codebooks/bad_role_regex.yaml", cb.replace("clinical (director|lead)", "clinical (director|lead"))
    write(
        "codebooks/unknown_platform.yaml",
        cb.replace("  synthetic: true\n", "  synthetic: true\n  platform: qualtrix\n"),
    )
    write("codebooks/positive_not_a_level.yaml", cb.replace("positive: [4, 5]", "positive: [4, 5, 6]"))
    write(
        "codebooks/nonsub_overlaps_levels.yaml",
        cb.replace('non_substantive: {9: "Don\'t know"}', 'non_substantive: {5: "Don\'t know"}'),
    )
    write(
        "codebooks/same_column_twice.yaml",
        cb.replace("att_trust: {source: Q3_2,", "att_trust: {source: Q3_1,"),
    )
    write(
        "codebooks/role_label_not_a_group.yaml",
        cb.replace("4: Directorate manager, 5: Other}", "4: Directorate manager, 5: Nurse director}"),
    )


# ---------------------------------------------------------------------------------------------
# Literature: search exports, searches logs, screening logs, extraction tables.

RIS_TWO = (
    "TY  - JOUR\nAU  - Davies, Huw T. O.\nTI  - Views of doctors and managers on the doctor-manager relationship\n"
    "T2  - BMJ\nPY  - 2003\nDO  - 10.1136/bmj.326.7390.626\nER  - \n\n"
    "TY  - JOUR\nAU  - Powell, Alison\nTI  - Managing doctors, doctors managing: a corpus record\nT2  - Nuffield Trust\n"
    "PY  - 2016\nER  - \n"
)


def literature_cases() -> None:
    write("literature/ris_bom.ris", "\ufeff" + RIS_TWO)
    write(
        "literature/ris_ovid_numbering_dx_doi.ris",
        "1.\nTY  - JOUR\nA1  - Davies, H.\nT1  - Views of doctors and managers on the doctor-manager relationship\n"
        "JF  - BMJ\nY1  - 2003//\nDO  - http://dx.doi.org/10.1136/bmj.326.7390.626\nL2  - http://resolver.example/1\n"
        "ER  - \n\nLink to the Ovid Full Text or citation:\nhttp://ovidsp.example/1\n\n"
        "2.\nTY  - JOUR\nA1  - Powell, A.\nT1  - Managing doctors, doctors managing: a corpus record\nJF  - Nuffield Trust\n"
        "Y1  - 2016//\nER  - \n",
    )
    write(
        "literature/ris_scopus_blank_lines.ris",
        "TY  - JOUR\nAU  - Davies, H.T.O.\nTI  - Views of doctors and managers on the doctor-manager relationship\n"
        "T2  - BMJ\nPY  - 2003\nSN  - 09598138 (ISSN)\nN1  - Cited By :9\n\nExport Date: 12 May 2022\n\nM3  - Article\n"
        "DB  - Scopus\nER  - \n",
    )
    write(
        "literature/ris_rayyan_keyword_lines.ris",
        "TY  - JOUR\nAU  - Davies, H.\nTI  - Views of doctors and managers on the doctor-manager relationship\n"
        "PY  - 2003\nKW  - doctors\nmanagers\nNHS\nAN  - rayyan-264552525\nER  - \n",
    )
    write(
        "literature/ris_empty_tags_and_empty_record.ris",
        "TY  - JOUR\nTI  - \nAU  - \nN2  - \nSP  - \nER  - \n\n" + RIS_TWO,
    )
    write("literature/ris_faulty_year.ris", RIS_TWO.replace("PY  - 2003", "PY  - 10 15"))
    write(
        "literature/ris_vendor_preamble.ris",
        'Record #1 of 2\nProvider: Example Provider\nContent: text/plain; charset="UTF-8"\n\n' + RIS_TWO,
    )
    write(
        "literature/ris_repeated_title_tag.ris",
        RIS_TWO.replace("T2  - BMJ\n", "T2  - BMJ\nTI  - A second title\n"),
    )
    write(
        "literature/endnote_tagged.ris",
        "%0 Journal Article\n%A Davies, H.\n%T Views of doctors and managers\n%D 2003\n",
    )
    write(
        "literature/pubmed_summary.txt",
        "1. Davies HT, Hodges CL, Rundall TG. Views of doctors and managers on the doctor-manager relationship "
        "in the NHS. BMJ. 2003;326(7390):626-8. doi: 10.1136/bmj.326.7390.626. PMID: 12649236.\n",
    )
    write(
        "literature/medline_doi_suffix.nbib",
        "\nPMID- 12649236\nOWN - NLM\nTI  - Views of doctors and managers on the doctor-manager relationship in\n"
        "      the NHS.\nDP  - 2003 Mar 22\nAU  - Davies HT\nFAU - Davies, Huw T O\nLID - 10.1136/bmj.326.7390.626 [doi]\n"
        "TA  - BMJ\nJT  - BMJ (Clinical research ed.)\n\nPMID- 99999999\nTI  - Managing doctors, doctors managing: a corpus\n"
        "      record.\nDP  - 2016\nAU  - Powell A\nAID - 10.0000/corpus.2 [doi]\nAID - S0000 [pii]\n",
    )
    header = "PT\tAU\tAF\tTI\tSO\tPY\tDI\tUT\t"
    rows = [
        "J\tDavies, HTO\tDavies, Huw\tViews of doctors and managers on the doctor-manager relationship\tBMJ\t2003\t10.1136/bmj.326.7390.626\tWOS:000181754900023\t",
        "J\tPowell, A\tPowell, Alison\tManaging doctors, doctors managing: a corpus record\tNUFFIELD TRUST\t2016\t\tWOS:000000000000002\t",
    ]
    write(
        "literature/wos_tab_utf16_trailing_tab.txt",
        "\ufeff" + "\r\n".join([header] + rows) + "\r\n",
        encoding="utf-16-le",
    )
    write(
        "literature/wos_plain_bom.txt",
        "\ufeffFN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Davies, HTO\n   Hodges, CL\n"
        "TI Views of doctors and managers on the doctor-manager relationship\nSO BMJ\nPY 2003\nDI 10.1136/bmj.326.7390.626\n"
        "UT WOS:000181754900023\nER\n\nEF\n",
    )
    sc_head = (
        '"Authors","Title","Year","Source title","Funding Text 1","DOI","Link","Document Type","Source","EID"'
    )
    write(
        "literature/scopus_funding_text_misaligned.csv",
        "\ufeff" + sc_head + "\n"
        '"Davies H.T.O.","Views of doctors and managers on the doctor-manager relationship","2003","BMJ","","10.1136/bmj.326.7390.626","https://www.scopus.com/1","Article","Scopus","2-s2.0-1"\n'
        '"Powell A.","Managing doctors, doctors managing: a corpus record","2016","Nuffield Trust","Funded by X","Funded by X again","10.0000/corpus.2","https://www.scopus.com/2","Report","Scopus","2-s2.0-2"\n',
    )
    write(
        "literature/bibtex_duplicate_key_unclosed.bib",
        "@article{davies2003,\n  title={Views of doctors and managers on the doctor-manager relationship},\n"
        "  author={Davies, Huw},\n  year={2003},\n  doi={10.1136/bmj.326.7390.626}\n}\n\n"
        "@article{davies2003,\n  title={A duplicate key},\n  year={2004}\n}\n\n"
        "@article{broken,\n  title={Unclosed brace,\n  year={2010}\n\n"
        "@article{powell2016,\n  title={Managing doctors, doctors managing: a corpus record},\n  author={Powell, Alison},\n  year={2016}\n}\n",
    )
    write("literature/empty_export.ris", "\n\n")
    write(
        "literature/generic_csv_semicolon_blank_doi.csv",
        "title;abstract;doi\nViews of doctors and managers on the doctor-manager relationship;An abstract; \n"
        "Managing doctors, doctors managing: a corpus record;;https://doi.org/10.0000/CORPUS.2\n",
    )
    write("literature/ris_truncated_no_er.ris", RIS_TWO.rsplit("ER  - ", 1)[0])
    write(
        "literature/generic_csv_ragged.csv",
        "title,authors,year,doi\nViews of doctors and managers,Davies H,2003,10.1136/bmj.326.7390.626\n"
        "Managing doctors,Powell A,2016,10.0000/corpus.2,extra\n",
    )
    # Searches logs: one folder per case, each with its exports.
    log_head = "file,database,source_type,interface,date_searched,query,hits_reported,notes\n"
    good = "a.ris,MEDLINE,database,Ovid,2016-09-01,doctor* AND manager*,2,\n"
    for case, log, files_ in [
        ("searches_missing_export", good.replace("a.ris", "b.ris"), ["a.ris"]),
        ("searches_bad_date", good.replace("2016-09-01", "01/09/2016"), ["a.ris"]),
        ("searches_hits_not_a_number", good.replace(",2,", ",about 2,"), ["a.ris"]),
        ("searches_unlisted_export", good, ["a.ris", "c.ris"]),
        ("searches_hits_differ", good.replace(",2,", ",3,"), ["a.ris"]),
        ("searches_register_type", good.replace("database,Ovid", "registry,Ovid"), ["a.ris"]),
    ]:
        write(f"literature/{case}/searches_log.csv", log_head + log)
        for name in files_:
            write(f"literature/{case}/searches/{name}", RIS_TWO)
    # Screening logs (record ids a.ris:1 .. a.ris:6, each its own unique id).
    sl = "record_id,stage,reviewer,decision,reason,note\n"
    base = (
        "a.ris:1,title_abstract,R1,include,,\na.ris:1,full_text,R1,include,,\n"
        "a.ris:2,title_abstract,R1,exclude,,\na.ris:3,title_abstract,R1,include,,\n"
        "a.ris:3,full_text,R1,exclude,not about doctor-manager relations,\n"
        "a.ris:4,title_abstract,R1,include,,\na.ris:4,title_abstract,R2,exclude,,\n"
        "a.ris:4,title_abstract,consensus,exclude,,\na.ris:5,title_abstract,R1,exclude,,\n"
        "a.ris:6,title_abstract,R1,exclude,,\n"
    )
    write("screening/conflict_resolved_baseline.csv", sl + base)
    write("screening/unknown_record_id.csv", sl + base.replace("a.ris:5,", "a.ris:50,"))
    write("screening/bad_stage.csv", sl + base.replace("a.ris:2,title_abstract", "a.ris:2,abstract"))
    write(
        "screening/decision_capitalised.csv",
        sl + base.replace("a.ris:6,title_abstract,R1,exclude", "a.ris:6,title_abstract,R1,Exclude"),
    )
    write(
        "screening/fulltext_exclusion_without_reason.csv",
        sl + base.replace("exclude,not about doctor-manager relations", "exclude,"),
    )
    write(
        "screening/reason_not_in_list.csv",
        sl + base.replace("not about doctor-manager relations", "wrong outcome"),
    )
    write(
        "screening/reason_with_semicolon.csv",
        sl + base.replace("not about doctor-manager relations", "wrong outcome; wrong design"),
    )
    write("screening/same_reviewer_twice.csv", sl + base + "a.ris:2,title_abstract,R1,include,,\n")
    write("screening/three_reviewers.csv", sl + base + "a.ris:4,title_abstract,R3,include,,\n")
    write("screening/fulltext_after_exclusion.csv", sl + base + "a.ris:2,full_text,R1,include,,\n")
    write(
        "screening/conflict_unresolved.csv",
        sl + base.replace("a.ris:4,title_abstract,consensus,exclude,,\n", ""),
    )
    write("screening/record_not_screened.csv", sl + base.replace("a.ris:6,title_abstract,R1,exclude,,\n", ""))
    write(
        "screening/ragged_row.csv",
        sl
        + base.replace(
            "a.ris:5,title_abstract,R1,exclude,,", "a.ris:5,title_abstract,R1,exclude,,,late note"
        ),
    )
    write(
        "screening/excel_cp1252_with_duplicate_id.csv",
        (
            sl
            + base.replace(
                "a.ris:1,full_text,R1,include,,",
                "a.ris:7,full_text,R1,include,,\u201cduplicate of a.ris:1\u201d",
            )
        ).encode("cp1252"),
    )
    ex = "record_id,study_id,design,setting,country,participants,focus,themes\n"
    write(
        "screening/extraction_not_included.csv",
        ex + "a.ris:1,,Survey,NHS trusts,UK,,,Relationships\na.ris:2,,Survey,NHS trusts,UK,,,Relationships\n",
    )
    write("screening/extraction_missing_themes.csv", ex + "a.ris:1,,Survey,NHS trusts,UK,,,\n")


# ---------------------------------------------------------------------------------------------
# Focus groups: REFI-QDA projects and coded-segments spreadsheets.

NS = "urn:QDA-XML:project:1.0"
CODE_A = "0A000000-0000-4000-8000-00000000000A"
CODE_B = "0B000000-0000-4000-8000-00000000000B"
USER = "0C000000-0000-4000-8000-00000000000C"
SRC = "0D000000-0000-4000-8000-00000000000D"
TEXT = "FG1-P1: We work as a team.\nFG1-P2: I trust managers less than I did.\n"


def project(
    selections: str,
    *,
    ns: str = NS,
    text_attr: str | None = None,
    codebook: str | None = None,
    root: str = "Project",
    prolog: str = "",
) -> str:
    text_attr = text_attr if text_attr is not None else f'plainTextPath="internal://{SRC}.txt"'
    codebook = (
        codebook
        if codebook is not None
        else (
            f'<CodeBook><Codes><Code guid="{CODE_A}" name="Teamwork" isCodable="true">'
            f'<Code guid="{CODE_B}" name="Trust" isCodable="true"/></Code></Codes></CodeBook>'
        )
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<{root} xmlns="{ns}" name="corpus" origin="corpus writer">'
        f'<Users><User guid="{USER}" name="coder A"/></Users>{codebook}'
        f'<Sources><TextSource guid="{SRC}" name="FG1" {text_attr}>{selections}</TextSource></Sources></{root}>\n'
    )


def selection(guid: str, start, end, code: str | None = CODE_A) -> str:
    coding = (
        f'<Coding guid="{guid[:-1]}F" creatingUser="{USER}"><CodeRef targetGUID="{code}"/></Coding>'
        if code
        else "<Description>memo only</Description>"
    )
    return f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}">{coding}</PlainTextSelection>'


SEL1 = selection("1E000000-0000-4000-8000-000000000001", 0, 26)
SEL2 = selection("1E000000-0000-4000-8000-000000000002", 27, 69, CODE_B)
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>\n'
)


def qdpx(name: str, members: dict) -> None:
    write(f"qdpx/{name}", deterministic_zip(members))


def qualitative_cases() -> None:
    good = project(SEL1 + SEL2)
    txt = {f"sources/{SRC}.txt": TEXT}
    qdpx("baseline.qdpx", {"project.qde": good, **txt})
    qdpx(
        "nvivo_capital_sources_bom_named_qde.qdpx",
        {
            "Corpus Study.qde": "\ufeff"
            + project(SEL1 + SEL2, ns="urn:QDA-XML:project:1:0", text_attr=f'plainTextPath="{SRC}.txt"'),
            "Sources/.root": "",
            f"Sources/{SRC}.txt": "\ufeff" + TEXT,
        },
    )
    qdpx(
        "atlas_crlf_counted_as_one.qdpx",
        {
            "project.qde": project(
                SEL1 + selection("1E000000-0000-4000-8000-000000000002", 27, 69, CODE_B)
            ).replace("corpus writer", "ATLAS.ti"),
            f"sources/{SRC}.txt": TEXT.replace("\n", "\r\n"),
        },
    )
    qdpx(
        "memo_selection_without_coding.qdpx",
        {
            "project.qde": project(
                SEL1 + SEL2 + selection("1E000000-0000-4000-8000-000000000003", 8, 12, None)
            ),
            **txt,
        },
    )
    qdpx(
        "inline_plain_text.qdpx",
        {"project.qde": project(f"<PlainTextContent>{TEXT}</PlainTextContent>" + SEL1 + SEL2, text_attr="")},
    )
    qdpx(
        "duplicate_code_names.qdpx",
        {
            "project.qde": project(
                SEL1 + SEL2,
                codebook=(
                    f'<CodeBook><Codes><Code guid="{CODE_A}" name="Trust" isCodable="true">'
                    f'<Code guid="{CODE_B}" name="Trust" isCodable="true"/></Code></Codes></CodeBook>'
                ),
            ),
            **txt,
        },
    )
    pdf = (
        f'<PDFSource guid="0E000000-0000-4000-8000-00000000000E" name="minutes.pdf" path="internal://0E000000-0000-4000-8000-00000000000E.pdf">'
        f'<PDFSelection guid="1E000000-0000-4000-8000-000000000009" page="1" firstX="0" firstY="0" secondX="9" secondY="9">'
        f'<Coding guid="1F000000-0000-4000-8000-000000000009"><CodeRef targetGUID="{CODE_A}"/></Coding></PDFSelection></PDFSource>'
    )
    qdpx("pdf_source_left_out.qdpx", {"project.qde": good.replace("</Sources>", pdf + "</Sources>"), **txt})
    write("qdpx/not_a_zip.qdpx", "this is a Word document renamed to .qdpx\n")
    qdpx("no_project_xml.qdpx", txt)
    qdpx("path_traversal_member.qdpx", {"project.qde": good, "../../evil.txt": "overwrite me", **txt})
    qdpx("absolute_path_member.qdpx", {"project.qde": good, "/etc/cron.d/evil": "overwrite me", **txt})
    qdpx(
        "billion_laughs.qdpx",
        {"project.qde": project(SEL1, prolog=BILLION_LAUGHS).replace('name="FG1"', 'name="&lol4;"'), **txt},
    )
    qdpx(
        "external_entity.qdpx",
        {
            "project.qde": project(
                SEL1, prolog='<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            ).replace('name="FG1"', 'name="&xxe;"'),
            **txt,
        },
    )
    qdpx("malformed_xml.qdpx", {"project.qde": good.replace("</Sources>", "</Source>"), **txt})
    qdpx(
        "selection_beyond_text.qdpx",
        {
            "project.qde": project(SEL1 + selection("1E000000-0000-4000-8000-000000000002", 27, 500, CODE_B)),
            **txt,
        },
    )
    qdpx(
        "reversed_positions.qdpx",
        {"project.qde": project(selection("1E000000-0000-4000-8000-000000000001", 26, 3)), **txt},
    )
    qdpx(
        "position_not_integer.qdpx",
        {"project.qde": project(selection("1E000000-0000-4000-8000-000000000001", "0", "26.5")), **txt},
    )
    qdpx(
        "coding_unknown_code.qdpx",
        {
            "project.qde": project(
                SEL1
                + selection(
                    "1E000000-0000-4000-8000-000000000002", 27, 69, "99999999-0000-4000-8000-000000000099"
                )
            ),
            **txt,
        },
    )
    qdpx("missing_source_text.qdpx", {"project.qde": good})
    qdpx("root_not_project.qdpx", {"project.qde": project(SEL1, root="CodeBook"), **txt})
    write(
        "qdpx/codebook_namespace_0_4.qdc",
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="ATLAS.ti">'
        f'<Codes><Code guid="{CODE_A}" name="Teamwork" isCodable="true"><Code guid="{CODE_B}" name="Trust" isCodable="true"/>'
        "</Code></Codes><Sets/></CodeBook>\n",
    )
    write(
        "qdpx/codebook_duplicate_guid.qdc",
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
        f'<Codes><Code guid="{CODE_A}" name="Teamwork" isCodable="true"/><Code guid="{CODE_A.lower()}" name="Trust" isCodable="true"/>'
        "</Codes></CodeBook>\n",
    )

    # Coded-segments spreadsheets (MAXQDA / Taguette / QualCoder style) and participants tables.
    seg = (
        "Document name,Speaker,Code,Segment,Coder\n"
        "FG1,FG1-P1,Relationships > Teamwork,We work as a team.,coder A\n"
        "FG1,FG1-P2,Relationships > Trust,I trust managers less than I did.,coder A\n"
        "FG1,FG1-P2,Relationships > Trust,I trust managers less than I did.,coder B\n"
        'INT1,INT1-P1,Workload,"No time, no help; =SUM(A1:A9) is all they see.",coder A\n'
    )
    write("segments/maxqda_style.csv", seg)
    write(
        "segments/semicolon_cp1252.csv",
        seg.replace(",", ";")
        .replace("Segment;", "Segment;")
        .replace("No time; no help; =SUM", "No time, no help \u2013 =SUM")
        .replace('"', ""),
        encoding="cp1252",
    )
    write(
        "segments/taguette_highlights.csv",
        "id,document,tag,content\n1,FG1,Teamwork,We work as a team.\n2,FG1,Trust,I trust managers less than I did.\n",
    )
    write(
        "segments/maxqda_coded_segments.xlsx",
        xlsx_bytes(
            [
                ["Document name", "Code", "Segment", "Beginning", "End"],
                ["FG1", "Relationships > Teamwork", "We work as a team.", 0, 18],
                ["FG1", "Relationships > Trust", "I trust managers less than I did.", 27, 60],
            ]
        ),
    )
    write(
        "segments/qualcoder_repeated_category.csv",
        '"File","Coder","Coded","Id","Codename","Coded_Memo","Category","Category"\n'
        '"FG1","coder A","We work as a team.","ctid:1","Teamwork","","Relationships","Views"\n'
        '"FG1","coder A","I trust managers less than I did.","ctid:2","Trust","","Relationships","Views"\n',
    )
    write("segments/missing_code_column.csv", seg.replace("Code,", "Label,"))
    write("segments/blank_text.csv", seg.replace("We work as a team.", ""))
    write(
        "segments/start_not_a_number.csv",
        "source,code,text,start,end\nFG1,Teamwork,We work as a team.,0,18\nFG1,Trust,I trust managers.,19a,36\n",
    )
    write(
        "segments/start_after_end.csv",
        "source,code,text,start,end\nFG1,Teamwork,We work as a team.,0,18\nFG1,Trust,I trust managers.,36,19\n",
    )
    write(
        "segments/start_without_end.csv", "source,code,text,start,end\nFG1,Teamwork,We work as a team.,0,\n"
    )
    write(
        "participants/duplicate_pseudonym.csv",
        "pseudonym,role_group,group,name\nFG1-P1,clinical director,FG1,Sam Example\nFG1-P1,directorate manager,FG1,Jo Example\n",
    )
    write(
        "participants/bad_setting.csv",
        "pseudonym,role_group,group,setting\nFG1-P1,clinical director,FG1,workshop\n",
    )
    write(
        "participants/blank_role.csv",
        "pseudonym,role_group,group\nFG1-P1,clinical director,FG1\nFG1-P2,,FG1\n",
    )
    write(
        "participants/aliases_and_inferred_setting.csv",
        "Participant,Role,Focus group,Real name\nFG1-P1,Clinical Director,FG1,Sam Example\nFG1-P2,Directorate Manager,FG1,Jo Example\n"
        "INT1-P1,Medical Director,INT1,Lee Example\n",
    )
    # Whole folders (cross-file checks).
    write("focus_groups/speaker_not_in_participants/coded_segments.csv", seg)
    write(
        "focus_groups/speaker_not_in_participants/participants.csv",
        "pseudonym,role_group,group\nFG1-P1,clinical director,FG1\nFG1-P2,directorate manager,FG1\n",
    )
    write("focus_groups/code_not_in_codebook/coded_segments.csv", seg)
    write(
        "focus_groups/code_not_in_codebook/codebook.csv",
        "code,description\nRelationships > Teamwork,Working together\n"
        "Relationships > Trust,Trust between groups\n",
    )
    write("focus_groups/two_projects/a.qdpx", deterministic_zip({"project.qde": good, **txt}))
    write("focus_groups/two_projects/b.qdpx", deterministic_zip({"project.qde": good, **txt}))
    write("focus_groups/double_coded_ok/coded_segments.csv", seg)
    write(
        "focus_groups/double_coded_ok/participants.csv",
        "pseudonym,role_group,group\nFG1-P1,clinical director,FG1\nFG1-P2,directorate manager,FG1\nINT1-P1,medical director,INT1\n",
    )


# ---------------------------------------------------------------------------------------------
# Issue 12: hostile and careless inputs (path escapes, decoding, injection, configuration slips,
# silent misreadings, identifiers in quotes). Folders under hostile/ are data folders or
# strand folders; a file "outside" a data folder sits beside it, never outside the corpus.

SECRET = "root:x:0:0:SECRET-CONTENT-NEVER-QUOTED\n"
PARAMS_OK = (
    "data_dir: data/raw/demo\nseed: 1\n"
    "disclosure: {rule: threshold, min_count: 5, marker: '*'}\n"
    "survey: {min_progress: 80, exclude_speeders: false, duplicate_keys: [email]}\n"
    "literature: {folder: literature}\nfindings: {mapping_file: findings/triangulation_map.csv}\n"
)
YAML_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def symlink(rel: str, target: str) -> None:
    path = HERE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    path.symlink_to(target)


def survey_folder(name: str, codebook: str, export: str | bytes | None = None, export_name="export.csv"):
    """hostile/<name>/data/survey/{codebook.yaml, export} and hostile/<name>/secret.txt."""
    write(f"hostile/{name}/secret.txt", SECRET)
    write(f"hostile/{name}/data/survey/codebook.yaml", codebook)
    if export is not None:
        write(f"hostile/{name}/data/survey/{export_name}", export)


def hostile_cases() -> None:
    cb = CODEBOOK
    # 3. Paths that leave the data folder.
    for name, value in [
        ("export_dotdot", "../../../../../../../../etc/passwd"),
        ("export_dotdot_to_secret", "../../secret.txt"),
        ("export_absolute", "/etc/passwd"),
        ("export_windows_drive", "'C:\\Windows\\win.ini'"),
        ("export_home", "~/export.csv"),
    ]:
        survey_folder(
            name, cb.replace("  missing_codes:", f"  export: {value}\n  missing_codes:", 1), qualtrics()
        )
    survey_folder(
        "export_symlink_named",
        cb.replace("  missing_codes:", "  export: link.csv\n  missing_codes:", 1),
        qualtrics(),
    )
    symlink("hostile/export_symlink_named/data/survey/link.csv", "../../secret.txt")
    survey_folder("export_symlink_found", cb)
    symlink("hostile/export_symlink_found/data/survey/export.csv", "../../secret.txt")
    log_head = "file,database,source_type,interface,date_searched,query,hits_reported,notes\n"
    good = "a.ris,MEDLINE,database,Ovid,2016-09-01,doctor* AND manager*,2,\n"
    for case, file_value in [
        ("searches_file_absolute", "/etc/passwd"),
        ("searches_file_dotdot", "../../secret.txt"),
        ("searches_file_symlink", "b.ris"),
    ]:
        write(f"hostile/{case}/secret.txt", SECRET)
        write(
            f"hostile/{case}/literature/searches_log.csv",
            log_head + good + good.replace("a.ris,", f"{file_value},").replace("MEDLINE", "Embase"),
        )
        write(f"hostile/{case}/literature/searches/a.ris", RIS_TWO)
    symlink("hostile/searches_file_symlink/literature/searches/b.ris", "../../secret.txt")

    # 4. Decoding.
    stray = qualtrics().encode("utf-8").replace(b"Acting Chief Exec", b"Acting\xa0Chief Exec")
    write("hostile/export_utf8_one_stray_byte.csv", stray.replace(b"R_corpus0001", b"R_corpus\xc3\xa90001"))
    write("hostile/export_utf8_bom_stray_byte.csv", b"\xef\xbb\xbf" + stray)
    write(
        "hostile/nbib_utf8_one_stray_byte.nbib",
        "PMID- 1\nTI  - Doctors\u2019 views of managers\nDP  - 2003\nAU  - Davies HT\n\n"
        "PMID- 2\nTI  - Managers and doctors: a corpus record\nDP  - 2016\nAU  - Powell A\n".encode().replace(
            b"a corpus", b"a\xa0corpus"
        ),
    )
    write(
        "hostile/segments_utf8_one_stray_byte.csv",
        "Document name,Speaker,Code,Segment,Coder\n"
        "FG1,FG1-P1,Teamwork,\u201cWe work as a team.\u201d,coder A\n"
        "FG1,FG1-P2,Trust,I trust managers\xa0less.,coder A\n".encode().replace(b"\xc2\xa0", b"\xa0"),
    )
    write(
        "hostile/ris_pure_cp1252.ris",
        RIS_TWO.replace("Managing doctors", "Managing doctors \u2013 caf\u00e9"),
        "cp1252",
    )
    write("hostile/export_utf16_odd_length.tsv", b"\xff\xfe" + "id\tx\n1\t2\n".encode("utf-16-le") + b"\x00")
    nul = [list(r) for r in Q_ROWS]
    nul[1][Q_IDS.index("RecipientEmail")] = nul[0][Q_IDS.index("RecipientEmail")].replace("@", "\x00@")
    write("hostile/export_nul_hides_duplicate_email.csv", qualtrics(nul))

    # 5. Formula injection in published tables (header, index, cells).
    write(
        "hostile/cooccurrence_formula_codes.csv",
        'code,"=HYPERLINK(""http://x"",""c"")",@SUM(A1),trust\n'
        '"=HYPERLINK(""http://x"",""c"")",1,0,2\n@SUM(A1),0,1,1\ntrust,2,1,3\n',
    )
    write("hostile/cooccurrence_dde_and_tab.csv", "code,+cmd|' /C calc'!A0,\tx\n\t=1+1,1,2\n-2+3,3,4\n")
    write("hostile/cooccurrence_leading_space_fullwidth.csv", "code, =1+1,\uff1d1+1\n @x,1,2\nplain,3,4\n")
    write(
        "hostile/estimates_negative_numbers_as_text.csv",
        "item,estimate,ci\nrelationship,-0.12,-0.30 to 0.06\n",
    )

    # 6. Configuration slips and hostile configuration.
    for name, text in [
        (
            "params_exclude_speeders_no",
            PARAMS_OK.replace("exclude_speeders: false", 'exclude_speeders: "no"'),
        ),
        ("params_min_count_five", PARAMS_OK.replace("min_count: 5", "min_count: five")),
        ("params_min_progress_quoted", PARAMS_OK.replace("min_progress: 80", "min_progress: '80'")),
        ("params_rule_typo", PARAMS_OK.replace("rule: threshold", "rule: nsh")),
        ("params_mapping_file_absolute", PARAMS_OK.replace("findings/triangulation_map.csv", "/etc/passwd")),
        ("params_literature_folder_dotdot", PARAMS_OK.replace("folder: literature", "folder: ../../etc")),
        ("params_alias_bomb", YAML_BOMB),
        ("params_repeated_key", PARAMS_OK + "seed: 2\n"),
        ("params_not_a_mapping", "- data_dir\n- seed\n"),
        ("params_ok", PARAMS_OK),
    ]:
        write(f"hostile/{name}.yaml", text)
    write("hostile/codebook_alias_bomb.yaml", YAML_BOMB)
    write(
        "hostile/codebook_role_rule_backtracking.yaml",
        cb.replace('"chief exec|\\\\bceo\\\\b"', '"^(a+)+$|chief exec"')
        if '"chief exec|\\\\bceo\\\\b"' in cb
        else cb.replace("role_rules:\n", 'role_rules:\n  - {pattern: "^(a+)+$", role: Chief executive}\n', 1),
    )
    write(
        "hostile/codebook_role_rule_lookahead.yaml",
        cb.replace(
            "role_rules:\n", 'role_rules:\n  - {pattern: "manag(?!ement)", role: Directorate manager}\n', 1
        ),
    )
    deep = "".join(f'<Code guid="{i:08X}-0000-4000-8000-{i:012X}" name="c{i}">' for i in range(3000))
    write(
        "hostile/code_tree_3000_deep.qdc",
        f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{deep}'
        + "</Code>" * 3000
        + "</Codes></CodeBook>\n",
    )
    pdf = (
        '<PDFSource guid="0E000000-0000-4000-8000-00000000000E" name="minutes" path="internal://m.pdf">'
        '<PDFSelection guid="0E000000-0000-4000-8000-0000000000EF" page="1" firstX="1" firstY="1" secondX="9" secondY="9">'
        f'<Coding guid="0E000000-0000-4000-8000-0000000000EE" creatingUser="{USER}"><CodeRef targetGUID="{CODE_A}"/>'
        "</Coding></PDFSelection></PDFSource>"
    )
    only_pdf = re_sub_text_source(project(SEL1 + SEL2), pdf)
    write(
        "hostile/only_pdf_sources.qdpx",
        deterministic_zip({"project.qde": only_pdf, "sources/m.pdf": "%PDF-1.4\n"}),
    )

    # 7. Silent misreadings.
    dup_ids = [*Q_IDS, "Q3_1"]
    dup_labels = [*Q_LABELS, Q_LABELS[Q_IDS.index("Q3_1")]]
    dup_imports = [*Q_IMPORT, Q_IMPORT[Q_IDS.index("Q3_1")]]
    same = [[*r, r[Q_IDS.index("Q3_1")]] for r in Q_ROWS]
    differ = [list(r) for r in same]
    differ[2][-1] = "1" if differ[2][-1] != "1" else "2"
    write(
        "hostile/export_duplicated_column_conflicting.csv",
        qualtrics(differ, dup_labels, dup_ids, dup_imports),
    )
    write("hostile/export_duplicated_column_identical.csv", qualtrics(same, dup_labels, dup_ids, dup_imports))
    serial = [list(r) for r in Q_ROWS]
    for i, r in enumerate(serial):
        r[Q_IDS.index("StartDate")] = f"{42186 + i}.{4583 + i}"
    write("hostile/export_excel_serial_dates.csv", qualtrics(serial))
    write("hostile/export_start_date_not_a_date.csv", qualtrics(with_cell(3, "StartDate", "yesterday")))
    zero = selection("1E000000-0000-4000-8000-000000000003", 10, 10, CODE_B)
    write(
        "hostile/zero_length_selection.qdpx",
        deterministic_zip({"project.qde": project(SEL1 + SEL2 + zero), f"sources/{SRC}.txt": TEXT}),
    )

    # 8. Direct identifiers in quotes (one quote per line).
    write(
        "hostile/quotes_phone_nhs_postcode_name.txt",
        "Ring me on 07700 900123 if the ward calls.\n"
        "Her NHS number, 943 476 5919, was on the whiteboard.\n"
        "The clinic moved to M13 9WL last year.\n"
        "Margaret Thornton from finance sat in on it.\n",
    )
    write(
        "hostile/quotes_titled_names_and_emails.txt",
        "Dr Okafor said the rota was fixed.\nI emailed siobhan.patel@example.nhs.uk and Prof. Eilidh MacLeod.\n",
    )
    write(
        "hostile/quotes_invalid_nhs_number_kept.txt",
        "The reference 943 476 5918 is not an NHS number.\nWe had 1234567890 hits.\n",
    )
    write(
        "hostile/quotes_ordinary_talk_unchanged.txt",
        "The Trust board signed off the winter plan in October.\n"
        "NHS England sets the targets and we are told to meet them.\n"
        "The Francis report made everyone talk about culture.\n"
        "Mark my words, the merger will change everything.\n",
    )


def re_sub_text_source(project_xml: str, replacement: str) -> str:
    start = project_xml.index("<TextSource")
    end = project_xml.index("</TextSource>") + len("</TextSource>")
    return project_xml[:start] + replacement + project_xml[end:]


def main() -> None:
    for sub in (
        "survey",
        "codebooks",
        "literature",
        "screening",
        "qdpx",
        "segments",
        "participants",
        "focus_groups",
        "hostile",
    ):
        shutil.rmtree(HERE / sub, ignore_errors=True)
    survey_cases()
    literature_cases()
    qualitative_cases()
    hostile_cases()


if __name__ == "__main__":
    main()
