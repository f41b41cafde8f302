"""The PRISMA 2020 "other methods" column: websites, organisations and citation searching.

A rapid review of NHS management leans on grey literature (the King's Fund, the Nuffield Trust,
NHS Confederation reports) and on the reference lists of included studies. Those records do not
come from a database export; they are logged by hand in ``other_methods_log.csv`` (in the
literature folder), one row per report found::

    source_type, source, title, retrieved, decision, reason, note

* ``source_type``: ``website``, ``organisation`` or ``citation``;
* ``source``: where it was found (the website or organisation, or the citing study);
* ``retrieved``: ``yes`` or ``no`` (a report sought but not obtained);
* ``decision``: ``include`` or ``exclude`` for a retrieved report (empty when not retrieved);
* ``reason``: required for an exclusion (no ``;``: it separates reasons in the PRISMA counts).

:func:`other_counts` gives the PRISMA2020 template's fields for that column
(``website_results``, ``organisation_results``, ``citations_results``, ``other_sought_reports``,
``other_notretrieved_reports``, ``other_assessed``, ``other_excluded``) and the number included;
:func:`add_other_methods` adds them to the databases-and-registers counts (included reports and
studies are the sum of both columns) and checks the arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import files
from helpers.files import InputError

COLUMNS = ["source_type", "source", "title", "retrieved", "decision", "reason", "note"]
SOURCE_TYPES = {
    "website": "website_results",
    "organisation": "organisation_results",
    "citation": "citations_results",
}


def read_other_methods_log(path: str | Path) -> pd.DataFrame:
    """Read and check the log; returns its rows with the spreadsheet ``row`` number."""
    path = Path(path)
    rows = []
    for n, rec in files.read_log(path, COLUMNS[:5], COLUMNS):
        rec.setdefault("reason", "")
        rec.setdefault("note", "")
        source_type = rec["source_type"].casefold()
        files.require_one_of(path, source_type, SOURCE_TYPES, row=n, column="source_type")
        retrieved = rec["retrieved"].casefold()
        if retrieved not in ("yes", "no"):
            raise InputError(
                path, "retrieved must be yes or no", row=n, column="retrieved", value=rec["retrieved"]
            )
        decision = rec["decision"].casefold()
        if retrieved == "no" and decision:
            raise InputError(
                path,
                "a report not retrieved cannot have a decision",
                row=n,
                column="decision",
                value=rec["decision"],
            )
        if retrieved == "yes" and decision not in ("include", "exclude"):
            raise InputError(
                path,
                "a retrieved report needs a decision: include or exclude",
                row=n,
                column="decision",
                value=rec["decision"],
            )
        if decision == "exclude" or rec["reason"]:
            files.require_reason(path, rec["reason"], row=n)
        rows.append(
            {**rec, "source_type": source_type, "retrieved": retrieved, "decision": decision, "row": n}
        )
    return pd.DataFrame(rows, columns=[*COLUMNS, "row"])


def other_counts(log: pd.DataFrame) -> dict:
    """The other-methods column's PRISMA2020 fields, plus ``other_included``."""
    c = {field: int((log["source_type"] == kind).sum()) for kind, field in SOURCE_TYPES.items()}
    c["other_sought_reports"] = len(log)
    c["other_notretrieved_reports"] = int((log["retrieved"] == "no").sum())
    c["other_assessed"] = c["other_sought_reports"] - c["other_notretrieved_reports"]
    reasons = log.loc[log["decision"] == "exclude", "reason"].value_counts()
    c["other_excluded"] = "; ".join(
        f"{r}, {reasons[r]}" for r in sorted(reasons.index, key=lambda r: (-reasons[r], r))
    )
    c["other_included"] = int((log["decision"] == "include").sum())
    return c


def add_other_methods(counts: dict, log: pd.DataFrame | None) -> dict:
    """The databases-and-registers counts with the other-methods column added (a new dict);
    included reports and studies count both columns. Checked with prisma.check_prisma."""
    from helpers.literature import prisma

    c = dict(counts)
    if log is None or log.empty:
        return c
    other = other_counts(log)
    c.update({k: v for k, v in other.items() if k in prisma.FIELDS})
    c["other_included"] = other["other_included"]
    c["new_reports"] += other["other_included"]
    c["new_studies"] += other["other_included"]  # each grey-literature report is its own study
    c["total_studies"] = c["previous_studies"] + c["new_studies"]
    c["total_reports"] = c["previous_reports"] + c["new_reports"]
    prisma.check_prisma(c)
    return c


def included_reports(log: pd.DataFrame) -> pd.DataFrame:
    """The included reports from other methods (for the included-studies table)."""
    part = log[log["decision"] == "include"]
    return part[["source_type", "source", "title", "note"]].reset_index(drop=True)


def load_log(folder: str | Path) -> pd.DataFrame | None:
    """``other_methods_log.csv`` of a literature folder, read and checked; None when absent."""
    path = Path(folder) / "other_methods_log.csv"
    return read_other_methods_log(path) if path.is_file() else None
