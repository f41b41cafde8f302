"""Quality appraisal of the included studies, as reviews report it: a named checklist, item by item,
with an overall judgement per study.

The appraisal log (``appraisal_log.csv`` in the literature folder) has one row per answer::

    study_id, checklist, item, answer, note

* ``checklist``: ``CASP-qualitative`` (the 10 questions of the CASP qualitative checklist) or
  ``MMAT-2018`` (screening questions ``S1``, ``S2`` and the five questions of one category:
  ``1.1``-``1.5`` qualitative, ``2.x`` randomised, ``3.x`` non-randomised, ``4.x`` quantitative
  descriptive, ``5.x`` mixed methods);
* ``answer``: ``yes``, ``no`` or ``can't tell`` (CASP question 10, "how valuable is the research?",
  takes free text);
* one row with ``item`` = ``overall`` per study: the reviewers' overall judgement, ``high``,
  ``moderate`` or ``low`` (MMAT advises against a score; the judgement is the reviewers', and the
  items behind it are reported with it).

Every included study must be appraised with exactly one checklist, every item of it answered
once; an appraisal of a study that is not included, an unknown item or answer, a missing item or
overall judgement raises :class:`InputError` naming the row. :func:`appraisal_summary` gives one
row per study for the included-studies table and the report.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import files
from helpers.files import InputError

COLUMNS = ["study_id", "checklist", "item", "answer", "note"]
CASP_QUALITATIVE = {
    "1": "Was there a clear statement of the aims of the research?",
    "2": "Is a qualitative methodology appropriate?",
    "3": "Was the research design appropriate to address the aims of the research?",
    "4": "Was the recruitment strategy appropriate to the aims of the research?",
    "5": "Was the data collected in a way that addressed the research issue?",
    "6": "Has the relationship between researcher and participants been adequately considered?",
    "7": "Have ethical issues been taken into consideration?",
    "8": "Was the data analysis sufficiently rigorous?",
    "9": "Is there a clear statement of findings?",
    "10": "How valuable is the research?",
}
MMAT_SCREENING = {
    "S1": "Are there clear research questions?",
    "S2": "Do the collected data allow to address the research questions?",
}
MMAT_CATEGORIES = {
    "1": "qualitative",
    "2": "randomised controlled trial",
    "3": "non-randomised",
    "4": "quantitative descriptive",
    "5": "mixed methods",
}
ANSWERS = ("yes", "no", "can't tell")
JUDGEMENTS = ("high", "moderate", "low")
CHECKLISTS = ("CASP-qualitative", "MMAT-2018")


def _norm_answer(text: str) -> str:
    return text.strip().casefold().replace("\u2019", "'").replace("cannot tell", "can't tell")


def _expected_items(checklist: str, items: list[str]) -> list[str]:
    if checklist == "CASP-qualitative":
        return list(CASP_QUALITATIVE)
    # The category of the first category question answered; a question of another category is
    # then reported as not in the checklist.
    category = next((i.split(".")[0] for i in items if "." in i), "1")
    return list(MMAT_SCREENING) + [f"{category}.{k}" for k in range(1, 6)]


def read_appraisal_log(path: str | Path, included_studies) -> pd.DataFrame:
    """Read and check the appraisal log; returns its rows with the spreadsheet ``row`` number."""
    path = Path(path)
    included = set(included_studies)
    rows = []
    for n, rec in files.read_log(path, COLUMNS[:4], COLUMNS):
        rec.setdefault("note", "")
        rec["item"] = rec["item"].strip()
        if rec["study_id"] not in included:
            raise InputError(
                path,
                "appraisal of a study that is not included",
                row=n,
                column="study_id",
                value=rec["study_id"],
            )
        files.require_one_of(path, rec["checklist"], CHECKLISTS, row=n, column="checklist")
        answer = _norm_answer(rec["answer"])
        if rec["item"].casefold() == "overall":
            rec["item"] = "overall"
            files.require_one_of(
                path,
                answer,
                JUDGEMENTS,
                row=n,
                column="answer",
                what="overall judgement",
                found=rec["answer"],
            )
        elif not (rec["checklist"] == "CASP-qualitative" and rec["item"] == "10"):
            files.require_one_of(path, answer, ANSWERS, row=n, column="answer", found=rec["answer"])
        else:
            answer = rec["answer"].strip()
        rec["answer"] = answer
        rec["row"] = n
        rows.append(rec)
    log = pd.DataFrame(rows, columns=[*COLUMNS, "row"])
    for study, part in log.groupby("study_id", sort=True):
        checklists = part["checklist"].unique().tolist()
        if len(checklists) > 1:
            raise InputError(
                path,
                f"study {study} is appraised with two checklists",
                row=part["row"].tolist(),
                value=checklists,
            )
        items = part.loc[part["item"] != "overall", "item"].tolist()
        expected = _expected_items(checklists[0], items)
        dup = part[part.duplicated("item", keep=False)]
        if len(dup):
            raise InputError(
                path,
                f"study {study}: item answered twice",
                row=dup["row"].tolist(),
                value=dup["item"].iloc[0],
            )
        unknown = part[~part["item"].isin([*expected, "overall"])]
        if len(unknown):
            raise InputError(
                path,
                f"study {study}: item not in {checklists[0]} (expected {', '.join(expected)})",
                row=int(unknown["row"].iloc[0]),
                column="item",
                value=unknown["item"].iloc[0],
            )
        missing = [i for i in [*expected, "overall"] if i not in set(part["item"])]
        if missing:
            raise InputError(
                path, f"study {study}: item(s) not answered: {', '.join(missing)}", row=part["row"].tolist()
            )
    return log


def appraisal_summary(log: pd.DataFrame, included_studies) -> pd.DataFrame:
    """One row per included study: checklist, items met (yes) of items rated, the items answered
    no or can't tell, and the overall judgement ("not appraised" where the log has none)."""
    rows = []
    for study in included_studies:
        part = log[log["study_id"] == study]
        if part.empty:
            rows.append(
                {
                    "study_id": study,
                    "checklist": "",
                    "items_met": "",
                    "concerns": "",
                    "overall": "not appraised",
                }
            )
            continue
        checklist = part["checklist"].iloc[0]
        rated = part[
            (part["item"] != "overall") & ~((checklist == "CASP-qualitative") & (part["item"] == "10"))
        ]
        rated = rated[~rated["item"].isin(list(MMAT_SCREENING))] if checklist == "MMAT-2018" else rated
        concerns = rated[rated["answer"] != "yes"]
        rows.append(
            {
                "study_id": study,
                "checklist": checklist,
                "items_met": f"{int((rated['answer'] == 'yes').sum())}/{len(rated)}",
                "concerns": "; ".join(f"{i} ({a})" for i, a in zip(concerns["item"], concerns["answer"])),
                "overall": part.loc[part["item"] == "overall", "answer"].iloc[0],
            }
        )
    return pd.DataFrame(rows, columns=["study_id", "checklist", "items_met", "concerns", "overall"])


def with_appraisal(
    characteristics: pd.DataFrame, folder: str | Path
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The included-studies table with the appraisal summary joined on ``study_id`` when the folder
    has an ``appraisal_log.csv``; unchanged (and None) when it has not."""
    path = Path(folder) / "appraisal_log.csv"
    if not path.is_file():
        return characteristics, None
    studies = list(dict.fromkeys(characteristics["study_id"]))
    summary = appraisal_summary(read_appraisal_log(path, studies), studies)
    renamed = summary.rename(
        columns={
            "checklist": "appraisal_checklist",
            "items_met": "appraisal_items_met",
            "concerns": "appraisal_concerns",
            "overall": "appraisal_overall",
        }
    )
    return characteristics.merge(renamed, on="study_id", how="left"), summary
