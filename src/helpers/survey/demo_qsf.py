"""The demonstration survey's Qualtrics definition (``survey.qsf``), written from the instrument.

This is the questionnaire as it was built in Qualtrics: question wording, choices in display
order, recode values and export tags, transcribed from the demo instrument (what respondents
saw), independently of ``codebook.yaml``. ``make codebook DATA=data/raw/demo`` drafts a codebook
from it; the test ``tests/survey/test_codebook_draft.py`` checks that the draft plus the short
file of analyst decisions (``analyst_decisions.yaml``) gives the same variables, codes, labels
and cleaning results as the hand-written codebook: two independent routes that must agree.

It has what real .qsf files have: a welcome text block (exported as nothing), a trashed
question (left out of the draft), recode values that are not 1..k (role "Other" = 7, "Don't
know" = 9 or 8) and a matrix whose recodes run against the display order.
"""

from __future__ import annotations

import json
from pathlib import Path

AGREE = [("Strongly disagree", "1"), ("Disagree", "2"), ("Neither agree nor disagree", "3")]
AGREE += [("Agree", "4"), ("Strongly agree", "5"), ("Don't know", "9")]
STATEMENTS = [
    "Doctors have enough influence over decisions in my organisation",
    "Doctors should be more involved in the management of my organisation",
    "The quality of managers in my organisation is high",
    "Management here is driven more by financial than by clinical priorities",
    "Managers in my organisation put patient care first",
    "Doctors and managers here work well together as a team",
    "Communication between doctors and managers here is good",
    "I have confidence in the medical staff of my organisation",
    "Managers get in the way of good clinical care",
    "Managers understand the realities of clinical work",
    "Doctors understand the pressures that managers face",
    "The system for managing and regulating hospitals is poorly co-ordinated and punitive",
    "There is rising tension between controlling costs and improving standards of care",
]
# (QID, export tag, wording, choices [(text, recode)], "Other" choice with text entry)
SINGLE = [
    ("QID1", "Q1", "Do you agree to take part in this survey?", [("Yes", "1"), ("No", "2")], None),
    (
        "QID2",
        "Q2",
        "Which best describes your <strong>current</strong> role?",
        [
            ("Chief executive", "1"),
            ("Medical director", "2"),
            ("Clinical director", "3"),
            ("Directorate manager", "4"),
            ("Other, please specify", "7"),
        ],
        "Other, please specify",
    ),
    (
        "QID3",
        "Q3",
        "In which nation of the UK is your organisation?",
        [("England", "1"), ("Scotland", "2"), ("Wales", "3"), ("Northern Ireland", "4")],
        None,
    ),
    (
        "QID4",
        "Q4",
        "How long have you been in your current role?",
        [("Less than 1 year", "1"), ("1 to 3 years", "2"), ("4 to 6 years", "3"), ("More than 6 years", "4")],
        None,
    ),
    ("QID5", "Q5", "What is your sex?", [("Female", "1"), ("Male", "2"), ("Prefer not to say", "3")], None),
    (
        "QID6",
        "Q6",
        "What type of organisation do you work in?",
        [("Acute trust", "1"), ("Foundation trust", "2"), ("Health board", "3"), ("Other", "4")],
        None,
    ),
    (
        "QID7",
        "Q7",
        "How would you rate relationships between doctors and managers in your organisation? "
        "(1 poor to 5 excellent)",
        [("1 Poor", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5 Excellent", "5")],
        None,
    ),
    (
        "QID8",
        "Q8",
        "Over the next year, do you expect doctor-manager relationships in your organisation to "
        "improve, stay the same or deteriorate?",
        [("Deteriorate", "3"), ("Stay the same", "2"), ("Improve", "1"), ("Don't know", "8")],
        None,
    ),
]


def _mc(qid, tag, text, choices, other) -> dict:
    # Choice ids equal the recode values here (as when choices were deleted and re-added), so the
    # export's ImportIds (QID2_7_TEXT) name the choice by the same number as its column.
    ids = [code for _, code in choices]
    payload = {
        "QuestionID": qid,
        "DataExportTag": tag,
        "QuestionText": text,
        "QuestionType": "MC",
        "Selector": "SAVR",
        "SubSelector": "TX",
        "Choices": {
            i: ({"Display": label, "TextEntry": "true"} if label == other else {"Display": label})
            for i, (label, _) in zip(ids, choices)
        },
        "ChoiceOrder": [int(i) for i in ids],
        "RecodeValues": {i: code for i, (_, code) in zip(ids, choices)},
    }
    return {"SurveyID": "SV_demo", "Element": "SQ", "PrimaryAttribute": qid, "Payload": payload}


def qsf() -> dict:
    """The survey definition as Qualtrics exports it (the parts a codebook needs)."""
    answers = {str(i): {"Display": label} for i, (label, _) in enumerate(AGREE, start=1)}
    matrix = {
        "QuestionID": "QID9",
        "DataExportTag": "Q9",
        "QuestionText": "To what extent do you agree or disagree with these statements?",
        "QuestionType": "Matrix",
        "Selector": "Likert",
        "SubSelector": "SingleAnswer",
        "Choices": {str(i): {"Display": s} for i, s in enumerate(STATEMENTS, start=1)},
        "ChoiceOrder": list(range(1, len(STATEMENTS) + 1)),
        "Answers": answers,
        "AnswerOrder": list(range(1, len(AGREE) + 1)),
        "RecodeValues": {str(i): code for i, (_, code) in enumerate(AGREE, start=1)},
        "ChoiceDataExportTags": False,
    }
    comments = {
        "QuestionID": "QID10",
        "DataExportTag": "Q10",
        "QuestionText": "Any other comments? (free text: never copied to processed data)",
        "QuestionType": "TE",
        "Selector": "ML",
    }
    welcome = {
        "QuestionID": "QID11",
        "DataExportTag": "Q0",
        "QuestionText": "Thank you for taking part in this survey of NHS doctors and managers.",
        "QuestionType": "DB",
        "Selector": "TB",
    }
    trashed = {
        "QuestionID": "QID12",
        "DataExportTag": "Q11",
        "QuestionText": "Which trust do you work for? (removed: it identified respondents)",
        "QuestionType": "TE",
        "Selector": "SL",
    }
    order = ["QID11"] + [q[0] for q in SINGLE] + ["QID9", "QID10"]
    blocks = [
        {
            "Type": "Default",
            "Description": "Doctors and managers",
            "ID": "BL_demo",
            "BlockElements": [{"Type": "Question", "QuestionID": q} for q in order],
        },
        {
            "Type": "Trash",
            "Description": "Trash / Unused Questions",
            "ID": "BL_trash",
            "BlockElements": [{"Type": "Question", "QuestionID": "QID12"}],
        },
    ]
    elements = [
        {"SurveyID": "SV_demo", "Element": "BL", "PrimaryAttribute": "Survey Blocks", "Payload": blocks}
    ]
    elements += [_mc(*q) for q in SINGLE]
    for payload in (matrix, comments, welcome, trashed):
        elements.append(
            {
                "SurveyID": "SV_demo",
                "Element": "SQ",
                "PrimaryAttribute": payload["QuestionID"],
                "Payload": payload,
            }
        )
    return {
        "SurveyEntry": {
            "SurveyID": "SV_demo",
            "SurveyName": "Doctors and managers in the NHS: web survey (SYNTHETIC demonstration data)",
            "SurveyLanguage": "EN",
        },
        "SurveyElements": elements,
    }


def write_qsf(path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(qsf(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
