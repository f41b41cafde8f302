"""The searches log (PRISMA-S) and loading every export in ``<DATA>/literature/searches/``.

searches_log.csv, one row per database search::

    file, database, source_type, interface, date_searched, query, hits_reported, notes

``source_type`` is ``database`` or ``register`` (trial registers are counted apart in PRISMA);
``hits_reported`` is the number of hits the database displayed. The pipeline compares it with
the number of records parsed from the export and reports any difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import files
from helpers.files import InputError
from helpers.literature.parsers import RECORD_COLUMNS, parse_file

LOG_COLUMNS = [
    "file",
    "database",
    "source_type",
    "interface",
    "date_searched",
    "query",
    "hits_reported",
    "notes",
]
REQUIRED = ["file", "database", "date_searched", "query", "hits_reported"]
SOURCE_TYPES = ("database", "register")


def read_searches_log(path: str | Path, searches_dir: str | Path) -> pd.DataFrame:
    """Read and check the searches log against the files in ``searches_dir``."""
    path, searches_dir = Path(path), Path(searches_dir)
    out = []
    for n, cells in files.read_log(path, REQUIRED, LOG_COLUMNS):
        rec = {c: "" for c in LOG_COLUMNS} | cells
        rec["source_type"] = rec["source_type"] or "database"
        export = files.inside(searches_dir, rec["file"], source=path, what="file", row=n, column="file")
        if not export.is_file():
            raise InputError(
                path, f"export file not found in {searches_dir}", row=n, column="file", value=rec["file"]
            )
        if not rec["database"]:
            raise InputError(path, "database is empty", row=n, column="database")
        if rec["source_type"] not in SOURCE_TYPES:
            raise InputError(
                path,
                f"source_type must be one of {', '.join(SOURCE_TYPES)}",
                row=n,
                column="source_type",
                value=rec["source_type"],
            )
        try:
            dt.date.fromisoformat(rec["date_searched"])
        except ValueError:
            raise InputError(
                path,
                "date_searched must be a date written YYYY-MM-DD",
                row=n,
                column="date_searched",
                value=rec["date_searched"],
            ) from None
        if not rec["hits_reported"].isdigit():
            raise InputError(
                path,
                "hits_reported must be a whole number",
                row=n,
                column="hits_reported",
                value=rec["hits_reported"],
            )
        rec["hits_reported"] = int(rec["hits_reported"])
        rec["row"] = n
        out.append(rec)
    if not out:
        raise InputError(path, "the searches log lists no searches")
    log = pd.DataFrame(out, columns=[*LOG_COLUMNS, "row"])
    dup = log[log["file"].duplicated(keep=False)]
    if len(dup):
        raise InputError(
            path,
            "the same export file is listed twice",
            row=dup["row"].tolist(),
            column="file",
            value=dup["file"].iloc[0],
        )
    on_disk = sorted(p.name for p in searches_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    unlisted = [f for f in on_disk if f not in set(log["file"])]
    if unlisted:
        raise InputError(
            path,
            f"export file(s) in {searches_dir.name}/ not listed in the searches log: {', '.join(unlisted)}",
        )
    return log


@dataclass
class Searches:
    log: pd.DataFrame  # the searches log
    records: pd.DataFrame  # every record parsed, schema parsers.RECORD_COLUMNS (+ source_type)
    files: pd.DataFrame  # per export: format, encoding, parsed, skipped (with reasons), quirks, hits reported
    skipped: pd.DataFrame  # every record skipped, with its file and reason


def load_searches(literature_dir: str | Path, log_name: str = "searches_log.csv") -> Searches:
    """Parse every export listed in the searches log of ``literature_dir``."""
    literature_dir = Path(literature_dir)
    searches_dir = literature_dir / "searches"
    if not searches_dir.is_dir():
        raise InputError(searches_dir, "folder of search exports not found")
    log = read_searches_log(literature_dir / log_name, searches_dir)
    frames, summaries, skipped = [], [], []
    for rec in log.sort_values("file").to_dict("records"):
        parsed = parse_file(searches_dir / rec["file"], database=rec["database"])
        records = parsed.records.copy()
        records["source_type"] = rec["source_type"]
        frames.append(records)
        summary = parsed.summary()
        summary.update(
            {
                "database": rec["database"],
                "source_type": rec["source_type"],
                "hits_reported": rec["hits_reported"],
                "difference": len(records) - rec["hits_reported"],
            }
        )
        summaries.append(summary)
        skipped += [
            {"file": rec["file"], "position": s["position"], "reason": s["reason"]} for s in parsed.skipped
        ]
    table = pd.DataFrame(summaries)[
        [
            "database",
            "source_type",
            "file",
            "format",
            "encoding",
            "hits_reported",
            "records_parsed",
            "records_skipped",
            "difference",
            "skip_reasons",
            "quirks",
        ]
    ]
    return Searches(
        log,
        pd.concat(frames, ignore_index=True)[[*RECORD_COLUMNS, "source_type"]],
        table,
        pd.DataFrame(skipped, columns=["file", "position", "reason"]),
    )
