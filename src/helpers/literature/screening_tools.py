"""Screening decisions imported from the tools review teams use: Rayyan, Covidence, ASReview.

Each reader turns a tool's export into the rows of the screening log
(``record_id, stage, reviewer, decision, reason, note``: see :mod:`helpers.literature.screening`),
so conflicts, consensus and kappa are computed exactly as for a hand-kept log:

``Rayyan`` (CSV ``notes`` column, RIS ``N1``)
    Per-reviewer decisions at title/abstract: ``RAYYAN-INCLUSION: {"Name"=>"Included", ...}``
    (Included -> include, Excluded -> exclude, Maybe -> include, counted in ``notes``: a
    "maybe" goes forward to full text), ``RAYYAN-EXCLUSION-REASONS`` -> ``reason`` (joined by
    ", "), ``RAYYAN-LABELS`` and ``USER-NOTES`` -> ``note``.
``Covidence`` (CSV per stage)
    Final decisions per stage, imported as such (reviewer ``covidence``): the stage export named
    by the caller (``irrelevant`` = excluded at title/abstract; ``excluded`` = excluded at full
    text, reason from the ``Notes``/``Exclusion reason`` column when present; ``included`` =
    included at both stages).
``ASReview``
    Final labels (reviewer ``asreview``) at title/abstract from a CSV/TSV label column
    (``included``, ``label_included``, ``final_included``, ``asreview_label``: 1 include, 0
    exclude, empty = unlabelled and listed), a RIS whose notes carry ``ASReview_relevant`` /
    ``ASReview_irrelevant``, or an ASReview LAB project (``.asreview`` zip: ``results.db``
    joined to the records of ``data_store.db``).

**Reviewer names are personal data**: they are replaced by codes R1, R2 ... (in order of first
appearance) on import; the mapping stays in memory (``ToolImport.reviewers``) and is never
written. Names, and abbreviations of them (a prefix of at least four characters, e.g.
``M.el-G`` for ``m.el-gohary``), are also replaced in labels and notes.

Records are matched to the search exports by DOI, then PMID, then normalised title; every
record that matches none is listed in ``ToolImport.unmatched`` (never dropped silently).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import files
from helpers.files import InputError
from helpers.literature.parsers import normalise_doi, normalise_title

LOG_COLUMNS = ["record_id", "stage", "reviewer", "decision", "reason", "note"]
RAYYAN_DECISIONS = {"included": "include", "excluded": "exclude", "maybe": "include"}
ASREVIEW_LABELS = ("included", "label_included", "final_included", "asreview_label", "label")
_INCLUSION = re.compile(r'"([^"]*)"\s*=>\s*"([^"]*)"')
_USER_NOTES = re.compile(r'"([^"]*)"\s*=>\s*\[(.*?)\]')


@dataclass
class ToolImport:
    tool: str
    path: Path
    records: pd.DataFrame  # position, title, doi, pmid, year (one row per record in the export)
    log: pd.DataFrame  # position + LOG_COLUMNS (record_id filled by match_to_searches)
    reviewers: dict[str, str] = field(default_factory=dict)  # name -> code: never written out
    unmatched: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Reviewer names


class _Codes:
    def __init__(self):
        self.map: dict[str, str] = {}

    def code(self, name: str) -> str:
        name = name.strip()
        if name not in self.map:
            self.map[name] = f"R{len(self.map) + 1}"
        return self.map[name]

    def scrub(self, text: str) -> str:
        """Names and their abbreviations (a prefix of >= 4 characters) replaced by codes."""
        for name, code in sorted(self.map.items(), key=lambda kv: -len(kv[0])):
            text = re.sub(re.escape(name), code, text, flags=re.IGNORECASE)

            def abbreviation(match, name=name, code=code):
                token = match.group(0)
                plain = token.rstrip(".")
                if len(plain) >= 4 and name.casefold().startswith(plain.casefold()):
                    return code
                return token

            text = re.sub(r"[^\s,;|]+", abbreviation, text)
        return text


# --------------------------------------------------------------------------------------------
# Reading records (CSV or RIS) with their notes


def _read_csv(path: Path) -> pd.DataFrame:
    text = files.read_text(path).text
    first = text.split("\n", 1)[0]
    sep = (
        ";"
        if first.count(";") > first.count(",")
        else ("\t" if first.count("\t") > first.count(",") else ",")
    )
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(path, f"cannot read as CSV: {exc}") from exc


def _read_ris(path: Path) -> list[dict]:
    import rispy

    text = files.read_text(path).text  # BOM removed here: rispy would drop the first record
    try:
        entries = rispy.loads(text, skip_unknown_tags=False, enforce_list_tags=False)
    except Exception as exc:  # rispy raises IOError/ValueError for broken files
        raise InputError(path, f"cannot read as RIS: {exc}") from exc
    return entries


def _first(entry: dict, *keys):
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value not in (None, ""):
            return str(value)
    return None


def _ris_record(position: int, entry: dict) -> dict:
    """A screening tool's RIS entry as a record row (RIS exports carry no PMID field)."""
    return {
        "position": position,
        "title": _first(entry, "title", "primary_title"),
        "doi": normalise_doi(_first(entry, "doi")),
        "pmid": None,
        "year": _first(entry, "year", "publication_year"),
    }


def _ris_notes(entry: dict) -> str:
    notes = entry.get("notes") or entry.get("N1") or []
    if isinstance(notes, str):
        notes = [notes]
    return " | ".join(str(n) for n in notes)


def _records_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["position", "title", "doi", "pmid", "year"])
    return frame.astype({"position": "int64"})


# --------------------------------------------------------------------------------------------
# Rayyan


def parse_rayyan_notes(text: str) -> dict:
    """A Rayyan notes field -> {inclusion: {name: decision}, reasons, labels, user_notes, other}."""
    out = {"inclusion": {}, "reasons": [], "labels": [], "user_notes": {}, "other": []}
    for part in str(text or "").replace("\\n", "\n").split(" | "):
        part = part.strip()
        key, _, value = part.partition(":")
        key = key.strip().upper()
        if key == "RAYYAN-INCLUSION":
            out["inclusion"] = {n: d for n, d in _INCLUSION.findall(value)}
        elif key == "RAYYAN-EXCLUSION-REASONS":
            out["reasons"] = [r.strip() for r in value.split(",") if r.strip()]
        elif key == "RAYYAN-LABELS":
            out["labels"] = [r.strip() for r in value.split(",") if r.strip()]
        elif key == "USER-NOTES":
            out["user_notes"] = {
                n: re.findall(r'"((?:[^"\\]|\\.)*)"', v) for n, v in _USER_NOTES.findall(value)
            }
        elif part:
            out["other"].append(part)
    return out


def read_rayyan(path) -> ToolImport:
    """A Rayyan export (CSV with ``notes`` or RIS with ``N1``): per-reviewer decisions."""
    path = Path(path)
    rows, notes_text = [], []
    if path.suffix.lower() == ".csv":
        table = _read_csv(path)
        if "notes" not in table.columns:
            raise InputError(
                path, "a Rayyan CSV export has a 'notes' column", row=1, value=list(table.columns)[:5]
            )
        for i, rec in enumerate(table.to_dict("records"), start=1):
            rows.append(
                {
                    "position": i,
                    "title": rec.get("title") or None,
                    "doi": normalise_doi(rec.get("doi") or rec.get("url")),
                    "pmid": (rec.get("pubmed_id") or "").strip() or None,
                    "year": rec.get("year") or None,
                }
            )
            notes_text.append(rec.get("notes", ""))
    else:
        for i, entry in enumerate(_read_ris(path), start=1):
            rows.append(_ris_record(i, entry))
            notes_text.append(_ris_notes(entry))
    codes = _Codes()
    parsed = [parse_rayyan_notes(t) for t in notes_text]
    for p in parsed:  # codes in order of first appearance, before any scrubbing
        for name in list(p["inclusion"]) + list(p["user_notes"]):
            codes.code(name)
    log, maybes, undecided = [], 0, 0
    for row, p in zip(rows, parsed):
        if not p["inclusion"]:
            undecided += 1
        note_parts = []
        if p["labels"]:
            note_parts.append("labels: " + ", ".join(codes.scrub(lab) for lab in p["labels"]))
        for name, texts in p["user_notes"].items():
            note_parts += [f"{codes.code(name)}: {codes.scrub(t)}" for t in texts]
        for name, decision in p["inclusion"].items():
            value = RAYYAN_DECISIONS.get(decision.strip().casefold())
            if value is None:
                raise InputError(
                    path,
                    "Rayyan decision must be Included, Excluded or Maybe",
                    row=row["position"],
                    column="RAYYAN-INCLUSION",
                    value=decision,
                )
            maybes += decision.strip().casefold() == "maybe"
            reason = ", ".join(p["reasons"]) if value == "exclude" else ""
            note = "; ".join(
                note_parts + (["Maybe in Rayyan"] if decision.strip().casefold() == "maybe" else [])
            )
            log.append(
                {
                    "position": row["position"],
                    "record_id": "",
                    "stage": "title_abstract",
                    "reviewer": codes.code(name),
                    "decision": value,
                    "reason": reason,
                    "note": note,
                }
            )
    result = ToolImport(
        "rayyan",
        path,
        _records_frame(rows),
        pd.DataFrame(log, columns=["position", *LOG_COLUMNS]),
        reviewers=codes.map,
    )
    result.notes.append(
        f"{len(rows)} records, {len(log)} decisions by {len(codes.map)} reviewer(s) (names replaced by codes)"
    )
    if maybes:
        result.notes.append(f"{maybes} 'Maybe' decision(s) taken forward as include")
    if undecided:
        result.notes.append(f"{undecided} record(s) with no reviewer decision")
    return result


# --------------------------------------------------------------------------------------------
# ASReview


def _label_decision(value) -> str | None:
    text = str(value if value is not None else "").strip()
    if text in ("1", "1.0", "True", "true"):
        return "include"
    if text in ("0", "0.0", "False", "false"):
        return "exclude"
    if text in ("", "-1", "nan", "None"):
        return None
    raise ValueError(text)


def read_asreview(path) -> ToolImport:
    """ASReview labels: a CSV/TSV with a label column, a RIS with ASReview notes, or a project."""
    path = Path(path)
    rows, labels = [], []
    if path.suffix.lower() == ".asreview":
        rows, labels = _asreview_project(path)
    elif path.suffix.lower() in (".ris", ".txt"):
        for i, entry in enumerate(_read_ris(path), start=1):
            note = _ris_notes(entry)
            label = "1" if "ASReview_relevant" in note else "0" if "ASReview_irrelevant" in note else ""
            rows.append(_ris_record(i, entry))
            labels.append(label)
    else:
        table = _read_csv(path)
        column = next((c for c in ASREVIEW_LABELS if c in table.columns), None)
        if column is None:
            raise InputError(path, f"no ASReview label column (one of {', '.join(ASREVIEW_LABELS)})", row=1)
        for i, rec in enumerate(table.to_dict("records"), start=1):
            rows.append(
                {
                    "position": i,
                    "title": rec.get("title") or None,
                    "doi": normalise_doi(rec.get("doi")),
                    "pmid": (rec.get("pmid") or rec.get("pubmed_id") or "").strip() or None,
                    "year": rec.get("year") or None,
                }
            )
            labels.append(rec[column])
    log = []
    for row, label in zip(rows, labels):
        try:
            decision = _label_decision(label)
        except ValueError:
            raise InputError(
                path, "ASReview label must be 1, 0 or empty", row=row["position"], value=label
            ) from None
        if decision:
            log.append(
                {
                    "position": row["position"],
                    "record_id": "",
                    "stage": "title_abstract",
                    "reviewer": "asreview",
                    "decision": decision,
                    "reason": "",
                    "note": "final label from ASReview",
                }
            )
    result = ToolImport(
        "asreview", path, _records_frame(rows), pd.DataFrame(log, columns=["position", *LOG_COLUMNS])
    )
    n_inc = sum(r["decision"] == "include" for r in log)
    result.notes.append(
        f"{len(rows)} records: {n_inc} relevant, {len(log) - n_inc} irrelevant, {len(rows) - len(log)} unlabelled"
    )
    return result


def _sqlite(path: Path, member: str) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.deserialize(files.read_zip_member(path, member))
    return connection


def _asreview_project(path: Path) -> tuple[list[dict], list[str]]:
    members = files.safe_zip_members(path)
    results = sorted(m for m in members if m.endswith("/results.db"))
    if not results or "data_store.db" not in members:
        raise InputError(path, "not an ASReview LAB project (no reviews/<id>/results.db and data_store.db)")
    if len(results) > 1:
        raise InputError(path, "the project holds several reviews: export one", value=results)
    store = _sqlite(path, "data_store.db")
    records = store.execute("SELECT record_id, title, doi, year FROM record ORDER BY record_id").fetchall()
    labelled = dict(_sqlite(path, results[0]).execute("SELECT record_id, label FROM results").fetchall())
    rows, labels = [], []
    for position, (record_id, title, doi, year) in enumerate(records, start=1):
        rows.append(
            {"position": position, "title": title, "doi": normalise_doi(doi), "pmid": None, "year": year}
        )
        label = labelled.get(record_id)
        labels.append("" if label is None else str(label))
    return rows, labels


# --------------------------------------------------------------------------------------------
# Covidence


COVIDENCE_STAGES = {
    "irrelevant": [("title_abstract", "exclude")],
    "excluded": [("title_abstract", "include"), ("full_text", "exclude")],
    "included": [("title_abstract", "include"), ("full_text", "include")],
}


def read_covidence(path, stage_export: str) -> ToolImport:
    """A Covidence stage export (``irrelevant``, ``excluded`` or ``included``): final decisions."""
    path = Path(path)
    if stage_export not in COVIDENCE_STAGES:
        raise InputError(
            path, f"Covidence export must be one of {', '.join(COVIDENCE_STAGES)}", value=stage_export
        )
    table = _read_csv(path)
    if "Covidence #" not in table.columns or "Title" not in table.columns:
        raise InputError(path, "a Covidence CSV export has 'Title' and 'Covidence #' columns", row=1)
    reason_column = next((c for c in ("Exclusion reason", "Notes") if c in table.columns), None)
    rows, log = [], []
    for i, rec in enumerate(table.to_dict("records"), start=1):
        accession = (rec.get("Accession Number") or "").strip()
        rows.append(
            {
                "position": i,
                "title": rec.get("Title") or None,
                "doi": normalise_doi(rec.get("DOI")),
                "pmid": accession if accession.isdigit() else None,
                "year": rec.get("Published Year") or None,
            }
        )
        for stage, decision in COVIDENCE_STAGES[stage_export]:
            reason = ""
            if stage == "full_text" and decision == "exclude":
                reason = (rec.get(reason_column) or "").strip() if reason_column else ""
                if not reason:
                    raise InputError(
                        path,
                        "a full-text exclusion needs a reason",
                        row=i + 1,
                        column=reason_column or "Notes",
                    )
            log.append(
                {
                    "position": i,
                    "record_id": "",
                    "stage": stage,
                    "reviewer": "covidence",
                    "decision": decision,
                    "reason": reason.replace(";", ","),
                    "note": f"Covidence {rec.get('Covidence #', '').strip()}, {stage_export} export",
                }
            )
    result = ToolImport(
        "covidence", path, _records_frame(rows), pd.DataFrame(log, columns=["position", *LOG_COLUMNS])
    )
    result.notes.append(f"{len(rows)} records from the {stage_export} export")
    return result


# --------------------------------------------------------------------------------------------
# Matching to the search exports


def match_to_searches(imported: ToolImport, search_records: pd.DataFrame) -> ToolImport:
    """Fill ``record_id`` from the search exports (DOI, then PMID, then normalised title); every
    record that matches none goes to ``unmatched`` and its decisions are left out of ``log``."""
    by_doi, by_pmid, by_title = {}, {}, {}
    for rec in search_records.itertuples(index=False):
        if rec.doi:
            by_doi.setdefault(normalise_doi(rec.doi), rec.record_id)
        if rec.pmid:
            by_pmid.setdefault(str(rec.pmid).strip(), rec.record_id)
        if rec.title:
            by_title.setdefault(normalise_title(rec.title), rec.record_id)
    matched, how = {}, {}
    for rec in imported.records.itertuples(index=False):
        for rule, key, table in (
            ("doi", rec.doi, by_doi),
            ("pmid", rec.pmid, by_pmid),
            ("title", normalise_title(rec.title) if rec.title else None, by_title),
        ):
            if key and key in table:
                matched[rec.position], how[rec.position] = table[key], rule
                break
    records = imported.records.assign(
        record_id=imported.records["position"].map(matched), matched_by=imported.records["position"].map(how)
    )
    imported.unmatched = records[records["record_id"].isna()][["position", "title", "doi", "pmid", "year"]]
    log = imported.log.assign(record_id=imported.log["position"].map(matched))
    imported.log = log[log["record_id"].notna()].reset_index(drop=True)
    counts = records["matched_by"].value_counts()
    imported.notes.append(
        f"matched to the searches: {int(counts.get('doi', 0))} by DOI, {int(counts.get('pmid', 0))} by PMID, "
        f"{int(counts.get('title', 0))} by title; {len(imported.unmatched)} unmatched (listed)"
    )
    return imported


def as_screening_log(imported: ToolImport, id_map: dict[str, str]) -> pd.DataFrame:
    """The matched decisions as :func:`helpers.literature.screening.read_screening_log` returns
    them (``unique_id`` from the deduplication's ``id_map``; ``row`` = the record's position in
    the tool's export), for ``screening.decisions``, ``agreement`` and ``conflicts``."""
    log = imported.log[LOG_COLUMNS].copy()
    log["unique_id"] = log["record_id"].map(id_map)
    log["row"] = imported.log["position"].to_numpy()
    return log


def to_json_safe(imported: ToolImport) -> str:
    """A summary without reviewer names (for logs and reports)."""
    return json.dumps({"tool": imported.tool, "file": imported.path.name, "notes": imported.notes})


# --------------------------------------------------------------------------------------------
# A folder of tool exports, beside (or in place of) screening_log.csv

EXPORTS_FOLDER = "screening_exports"


def _reader_for(path: Path):
    name = path.name.casefold()
    if name.startswith("rayyan"):
        return read_rayyan
    if name.startswith("asreview") or name.endswith(".asreview"):
        return read_asreview
    if name.startswith("covidence_"):
        stage = name.removeprefix("covidence_").split("_")[0].split(".")[0]
        return lambda p: read_covidence(p, stage)
    raise InputError(
        path,
        "cannot tell which tool wrote this export: name it rayyan_..., asreview_... (or .asreview) "
        "or covidence_<irrelevant|excluded|included>_...",
    )


def screening_decisions(
    folder: str | Path, search_records: pd.DataFrame, id_map: dict[str, str], *, reasons=None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The screening log of a literature folder: ``screening_log.csv`` (if present) plus every tool
    export in ``screening_exports/`` (if present), checked together as one log.

    Returns ``(log, imports, unmatched)``: the log as :func:`screening.read_screening_log` gives
    it, one row per tool export (tool, file, decisions, notes; no reviewer names), and every
    record of a tool export that matched no search record (tool, file, position, title, doi).
    """
    from helpers.literature import screening

    folder = Path(folder)
    parts = []
    log_path = folder / "screening_log.csv"
    if log_path.is_file():
        parts.append(screening.read_screening_log(log_path, id_map, reasons=reasons))
    exports = folder / EXPORTS_FOLDER
    tool_log, imports, unmatched = (
        tool_decisions(exports, search_records, id_map) if exports.is_dir() else (None,) * 3
    )
    if tool_log is not None and len(imports):
        parts.append(tool_log)
    if not parts:
        raise InputError(folder, f"no screening_log.csv and no tool exports in {EXPORTS_FOLDER}/")
    log = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    screening._check_structure(log, log_path if log_path.is_file() else exports)
    if imports is None:
        imports = pd.DataFrame(columns=["tool", "file", "decisions", "notes"])
        unmatched = pd.DataFrame(columns=["tool", "file", "position", "title", "doi"])
    return log, imports, unmatched


def tool_decisions(
    exports: str | Path, search_records: pd.DataFrame, id_map: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every tool export in the folder ``exports``, imported and matched: (log, imports, unmatched)
    as :func:`screening_decisions` gives them, without screening_log.csv."""
    exports = Path(exports)
    parts, summaries, unmatched = [], [], []
    for path in sorted(p for p in exports.iterdir() if p.is_file()):
        imported = match_to_searches(_reader_for(path)(path), search_records)
        parts.append(as_screening_log(imported, id_map))
        summaries.append(
            {
                "tool": imported.tool,
                "file": path.name,
                "decisions": len(imported.log),
                "notes": "; ".join(imported.notes),
            }
        )
        if imported.unmatched is not None and len(imported.unmatched):
            unmatched.append(imported.unmatched.assign(tool=imported.tool, file=path.name))
    columns = ["tool", "file", "position", "title", "doi"]
    log = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=[*LOG_COLUMNS, "unique_id", "row"])
    )
    imports = pd.DataFrame(summaries, columns=["tool", "file", "decisions", "notes"])
    unmatched_table = (
        pd.concat(unmatched, ignore_index=True)[columns] if unmatched else pd.DataFrame(columns=columns)
    )
    return log, imports, unmatched_table
