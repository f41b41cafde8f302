"""Quality appraisal log: CASP / MMAT item by item with an overall judgement per included study."""

from __future__ import annotations

import re

import pytest

from helpers.files import InputError
from helpers.literature.appraisal import appraisal_summary, read_appraisal_log

HEADER = "study_id,checklist,item,answer,note\n"
CASP = "".join(f"S1,CASP-qualitative,{i},{'no' if i == 6 else 'yes'},\n" for i in range(1, 10))
CASP += "S1,CASP-qualitative,10,Valuable for NHS boards,\nS1,CASP-qualitative,overall,moderate,\n"
MMAT = "S2,MMAT-2018,S1,yes,\nS2,MMAT-2018,S2,yes,\n" + "".join(
    f"S2,MMAT-2018,4.{k},{'Can’t tell' if k == 3 else 'yes'},\n" for k in range(1, 6)
)
MMAT += "S2,MMAT-2018,overall,High,\n"


def write(tmp_path, text):
    path = tmp_path / "appraisal_log.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_summary_item_by_item_with_overall(tmp_path):
    log = read_appraisal_log(write(tmp_path, CASP + MMAT), ["S1", "S2", "S3"])
    assert len(log) == 11 + 8
    summary = appraisal_summary(log, ["S1", "S2", "S3"])
    assert summary.values.tolist() == [
        ["S1", "CASP-qualitative", "8/9", "6 (no)", "moderate"],  # question 10 is free text
        ["S2", "MMAT-2018", "4/5", "4.3 (can't tell)", "high"],  # screening questions not scored
        ["S3", "", "", "", "not appraised"],
    ]


@pytest.mark.parametrize(
    "text, message, row",
    [
        (CASP.replace("S1,CASP-qualitative,3,yes,\n", ""), "study S1: item(s) not answered: 3", None),
        (
            CASP.replace("overall,moderate", "overall,fine"),
            "overall judgement must be one of high, moderate, low",
            12,
        ),
        (CASP.replace(",5,yes", ",5,maybe"), "answer must be one of yes, no, can't tell", 6),
        (
            CASP.replace("S1,CASP-qualitative,1,", "S9,CASP-qualitative,1,"),
            "appraisal of a study that is not included",
            2,
        ),
        (
            CASP.replace("CASP-qualitative,2,", "CASP,2,"),
            "checklist must be one of CASP-qualitative, MMAT-2018",
            3,
        ),
        (MMAT.replace("4.5", "3.5"), "study S2: item not in MMAT-2018", 8),
        (CASP + "S1,MMAT-2018,S1,yes,\n", "study S1 is appraised with two checklists", None),
    ],
)
def test_bad_logs_name_the_row(tmp_path, text, message, row):
    with pytest.raises(InputError, match=re.escape(message)) as err:
        read_appraisal_log(write(tmp_path, text), ["S1", "S2"])
    if row is not None:
        assert err.value.row == row


def test_with_appraisal_joins_the_summary_to_the_included_studies(tmp_path):
    import pandas as pd

    from helpers.literature.appraisal import with_appraisal

    characteristics = pd.DataFrame({"study_id": ["S1", "S2", "S2"], "unique_id": ["a", "b", "c"]})
    same, none = with_appraisal(characteristics, tmp_path)
    assert none is None and same is characteristics  # no log: the table is unchanged
    write(tmp_path, CASP + MMAT)
    joined, summary = with_appraisal(characteristics, tmp_path)
    assert joined["appraisal_overall"].tolist() == ["moderate", "high", "high"]
    assert summary["study_id"].tolist() == ["S1", "S2"]
