"""The focus-group/interview input folder: coded segments, participants, codebook, speakers.

``<DATA>/focus_groups/`` holds (docs/qualitative.md):

- the coded transcripts: one REFI-QDA project ``*.qdpx`` **or** one coded-segments spreadsheet
  ``*segments*.csv|xlsx`` (one row per coded segment: source, speaker, code, text, start/end and
  coder optional);
- the participants table ``*participants*.csv|xlsx``: pseudonym, role_group, group, and optionally
  level, setting (focus group / interview) and name (real name, used only to scrub quotes);
- optionally a codebook ``*codebook*.qdc`` or ``*codebook*.csv`` (code, description); a .qdpx
  carries its own.

:func:`load_folder` returns one table with a row per coding, each linked to a speaker and role
(see :func:`attribute_speakers` for the order of evidence), plus the codebook, participants and a
log of everything tolerated. Codings by a second coder on segments the primary coder also coded
are marked ``use = "agreement"``: they feed the inter-coder agreement, not the summaries.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import files
from helpers.files import InputError
from helpers.qualitative import refi_qda

PARTICIPANT_ALIASES = {
    "pseudonym": "pseudonym",
    "participant": "pseudonym",
    "speaker": "pseudonym",
    "case": "pseudonym",
    "role_group": "role_group",
    "role": "role_group",
    "rolegroup": "role_group",
    "level": "level",
    "group": "group",
    "group_id": "group",
    "interview": "group",
    "focus_group": "group",
    "setting": "setting",
    "name": "name",
    "real_name": "name",
    "email": "email",
}
SEGMENT_ALIASES = {
    "source": "source",
    "document": "source",
    "document_name": "source",
    "file": "source",
    "filename": "source",
    "speaker": "speaker",
    "participant": "speaker",
    "code": "code",
    "codename": "code",
    "tag": "code",
    "text": "text",
    "segment": "text",
    "content": "text",
    "coded": "text",
    "quotation": "text",
    "start": "start",
    "beginning": "start",
    "end": "end",
    "coder": "coder",
    "segment_id": "segment_id",
    "id": "segment_id",
}
SETTINGS = ("focus group", "interview")


@dataclass
class CodedData:
    """Everything the summaries need; ``segments`` has a row per coding (see SEGMENT columns)."""

    segments: pd.DataFrame
    codes: pd.DataFrame
    participants: pd.DataFrame
    sources: pd.DataFrame
    uncoded: pd.DataFrame
    primary_coder: str
    files: dict[str, Path]
    log: list[dict] = field(default_factory=list)

    @property
    def summary_segments(self) -> pd.DataFrame:
        return self.segments[self.segments["use"] == "summary"]


def _norm_column(name) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def read_table(path) -> pd.DataFrame:
    """A CSV (any encoding helpers.files accepts) or XLSX table, all cells as text."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        files.safe_zip_members(path)
        try:
            frame = pd.read_excel(io.BytesIO(files.read_bytes(path)), dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise InputError(path, f"cannot read the workbook: {exc}") from exc
    else:
        text = files.read_text(path).text
        try:
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python"
            )
        except (pd.errors.ParserError, csv_error()) as exc:
            raise InputError(path, f"not a readable CSV table: {exc}") from exc
    return frame.fillna("").apply(lambda col: col.str.strip())


def csv_error():
    import csv

    return csv.Error


def _read_columns(path: Path, aliases: dict, required: list[str], optional: list[str]) -> pd.DataFrame:
    """The table's columns under their standard names (``aliases``): required columns must be
    present and non-blank in every row; optional ones default to ""."""
    frame = read_table(path)
    renamed = {}
    for col in frame.columns:
        target = aliases.get(_norm_column(col))
        if target and target not in renamed.values():
            renamed[col] = target
    frame = frame.rename(columns=renamed)[list(renamed.values())]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            path, f"missing required column(s) {', '.join(missing)}", value=sorted(renamed) or None
        )
    for col in optional:
        if col not in frame.columns:
            frame[col] = ""
    for col in required:
        blank = frame.index[frame[col] == ""]
        if len(blank):
            raise InputError(path, f"{col} is empty", row=int(blank[0]) + 2, column=col)
    return frame


def read_participants(path) -> pd.DataFrame:
    """The participants table: one row per person, unique pseudonyms, role group and group given."""
    path = Path(path)
    frame = _read_columns(
        path, PARTICIPANT_ALIASES, ["pseudonym", "role_group", "group"], ["level", "setting", "name", "email"]
    )
    dup = frame.index[frame["pseudonym"].duplicated()]
    if len(dup):
        raise InputError(
            path,
            "pseudonym appears twice",
            row=int(dup[0]) + 2,
            column="pseudonym",
            value=frame.at[dup[0], "pseudonym"],
        )
    frame["role_group"] = frame["role_group"].str.lower()
    frame["setting"] = frame["setting"].str.lower()
    sizes = frame.groupby("group")["pseudonym"].transform("size")
    inferred = sizes.gt(1).map({True: "focus group", False: "interview"})
    frame["setting"] = frame["setting"].where(frame["setting"] != "", inferred)
    bad = frame.index[~frame["setting"].isin(SETTINGS)]
    if len(bad):
        raise InputError(
            path,
            f"setting must be one of {', '.join(SETTINGS)}",
            row=int(bad[0]) + 2,
            column="setting",
            value=frame.at[bad[0], "setting"],
        )
    return frame[["pseudonym", "role_group", "level", "group", "setting", "name", "email"]].reset_index(
        drop=True
    )


def participants_from_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """Participants from the .qdpx cases when there is no table: variables role/level/group."""
    frame = cases.rename(columns={c: _norm_column(c) for c in cases.columns}).rename(
        columns={"case": "pseudonym"}
    )
    frame = frame.rename(
        columns={k: v for k, v in PARTICIPANT_ALIASES.items() if k in frame.columns and k != "case"}
    )
    for col in ("role_group", "level", "group", "setting", "name", "email"):
        if col not in frame.columns:
            frame[col] = ""
    frame = frame.fillna("")
    frame["role_group"] = frame["role_group"].str.lower().replace("", "unknown role")
    frame["setting"] = frame["setting"].str.lower()
    return frame[["pseudonym", "role_group", "level", "group", "setting", "name", "email"]].reset_index(
        drop=True
    )


def _code_parts(code: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s*>\s*|\\", code) if p.strip()]


def codes_from_paths(code_paths, descriptions: dict[str, str] | None = None) -> pd.DataFrame:
    """A code table from code paths ``Theme > Code`` (spreadsheet form), parents created."""
    descriptions = descriptions or {}
    rows, seen = [], {}
    for code in code_paths:
        parts = _code_parts(code)
        for depth in range(len(parts)):
            path = refi_qda.PATH_SEPARATOR.join(parts[: depth + 1])
            if path in seen:
                continue
            parent = refi_qda.PATH_SEPARATOR.join(parts[:depth]) if depth else None
            guid = str(refi_qda.uuid.uuid5(refi_qda.uuid.NAMESPACE_URL, "code:" + path))
            seen[path] = guid
            rows.append(
                {
                    "code_guid": guid,
                    "name": parts[depth],
                    "path": path,
                    "parent_guid": seen[parent] if parent else None,
                    "theme_path": parts[0],
                    "depth": depth,
                    "description": descriptions.get(path, descriptions.get(parts[depth], "")),
                    "is_codable": True,
                    "color": "",
                }
            )
    return refi_qda.label_codes(pd.DataFrame(rows, columns=refi_qda.CODE_TREE_COLUMNS))


def read_codebook_csv(path) -> pd.DataFrame:
    path = Path(path)
    frame = _read_columns(
        path,
        {
            "code": "code",
            "tag": "code",
            "name": "code",
            "path": "code",
            "description": "description",
            "definition": "description",
        },
        ["code"],
        ["description"],
    )
    paths = [refi_qda.PATH_SEPARATOR.join(_code_parts(c)) for c in frame["code"]]
    return codes_from_paths(paths, dict(zip(paths, frame["description"])))


def read_segments_table(path, codes: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A coded-segments spreadsheet -> (segments, codes). Codes must be in ``codes`` when given."""
    path = Path(path)
    frame = _read_columns(
        path, SEGMENT_ALIASES, ["source", "code", "text"], ["speaker", "coder", "segment_id", "start", "end"]
    )
    for col in ("start", "end"):
        bad = frame.index[(frame[col] != "") & ~frame[col].str.fullmatch(r"\d+")]
        if len(bad):
            raise InputError(
                path,
                f"{col} is not a whole number",
                row=int(bad[0]) + 2,
                column=col,
                value=frame.at[bad[0], col],
            )
    half = frame.index[(frame["start"] == "") != (frame["end"] == "")]
    if len(half):
        raise InputError(path, "give both start and end, or neither", row=int(half[0]) + 2, column="start")
    frame["code_path"] = [refi_qda.PATH_SEPARATOR.join(_code_parts(c)) for c in frame["code"]]
    if codes is None:
        codes = codes_from_paths(frame["code_path"])
    lookup = {**dict(zip(codes["label"], codes["code_guid"])), **dict(zip(codes["path"], codes["code_guid"]))}
    unknown = frame.index[~frame["code_path"].isin(list(lookup))]
    if len(unknown):
        raise InputError(
            path,
            "code is not in the codebook",
            row=int(unknown[0]) + 2,
            column="code",
            value=frame.at[unknown[0], "code"],
        )
    by_guid = codes.set_index("code_guid")
    start = pd.to_numeric(frame["start"].replace("", None)).astype("Int64")
    end = pd.to_numeric(frame["end"].replace("", None)).astype("Int64")
    reversed_ = frame.index[(start > end).fillna(False)]
    if len(reversed_):
        raise InputError(
            path,
            "start is after end",
            row=int(reversed_[0]) + 2,
            column="start",
            value=(int(start[reversed_[0]]), int(end[reversed_[0]])),
        )
    key = [
        sid if sid else (f"{src}@{s}-{e}" if s is not pd.NA else f"{src}#{txt}")
        for sid, src, s, e, txt in zip(frame["segment_id"], frame["source"], start, end, frame["text"])
    ]
    ids = {k: f"row{frame.index[key.index(k)] + 2}" for k in dict.fromkeys(key)}
    guids = frame["code_path"].map(lookup)
    segments = pd.DataFrame(
        {
            "segment_id": [ids[k] for k in key],
            "coding_id": [f"row{i + 2}" for i in frame.index],
            "source": frame["source"],
            "source_guid": frame["source"],
            "start": start,
            "end": end,
            "text": frame["text"],
            "code_guid": guids,
            "code": guids.map(by_guid["label"]),
            "theme": guids.map(by_guid["theme"]),
            "coder": frame["coder"].replace("", "unknown"),
            "speaker": frame["speaker"],
            "row": frame.index + 2,
        }
    )
    return segments, codes


def _turn_label(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    match = re.match(r"\s*([^:\n]{1,40}?)\s*:", text[line_start : line_start + 60])
    return match.group(1) if match else ""


def log_note(log: list[dict]):
    """What report 04 shows of the reading log: one line per entry, 'count message', the level
    named only where it is not 'info' ('**Warning:** 2 passages ...'); a sentence when empty."""
    from IPython.display import Markdown

    if not log:
        return Markdown("Every coded passage was read and attributed without a note.")
    lines = []
    for entry in log:
        level = str(entry.get("level", "info"))
        prefix = "" if level == "info" else f"**{level.capitalize()}:** "
        lines.append(f"- {prefix}{entry.get('count', '')} {entry.get('message', '')}".rstrip())
    return Markdown("\n".join(lines))


def attribute_speakers(project: refi_qda.Project, known: set[str], log: list[dict]) -> pd.Series:
    """The speaker (a participant pseudonym) of each coding in ``project.segments``, or "".

    Evidence, first that applies: (1) the selection is referenced by exactly one case that is a
    participant (Case/SelectionRef); (2) the transcript line where the selection starts opens
    with a participant's label (``CD-01: ...``); (3) the source is referenced by exactly one
    participant case (Case/SourceRef: an interview); otherwise unattributed (counted, logged).
    """
    speakers, reasons = (
        [],
        {"selection case": 0, "turn label": 0, "source case": 0, "unattributed": 0, "ambiguous cases": 0},
    )
    strangers = sorted({c for refs in project.selection_cases.values() for c in refs} - known)
    if strangers:
        log.append(
            {
                "level": "warning",
                "count": len(strangers),
                "message": "cases linked to selections but not in the participants table (not used as speakers): "
                + ", ".join(strangers[:10])
                + (" ..." if len(strangers) > 10 else ""),
            }
        )
    for seg in project.segments.itertuples():
        by_sel = [c for c in dict.fromkeys(project.selection_cases.get(seg.segment_id, [])) if c in known]
        by_src = [c for c in dict.fromkeys(project.source_cases.get(seg.source_guid, [])) if c in known]
        label = _turn_label(project.texts.get(seg.source_guid, ""), int(seg.start))
        if len(by_sel) == 1:
            speakers.append(by_sel[0])
            reasons["selection case"] += 1
        elif len(by_sel) > 1:
            speakers.append("")
            reasons["ambiguous cases"] += 1
        elif label in known:
            speakers.append(label)
            reasons["turn label"] += 1
        elif len(by_src) == 1:
            speakers.append(by_src[0])
            reasons["source case"] += 1
        else:
            speakers.append("")
            reasons["unattributed"] += 1
    for reason, count in reasons.items():
        if count and reason in ("unattributed", "ambiguous cases"):
            log.append(
                {
                    "level": "warning",
                    "count": count,
                    "message": f"codings with no speaker ({reason}): kept, reported under role 'unattributed'",
                }
            )
        elif count:
            log.append(
                {"level": "info", "count": count, "message": f"codings attributed to a speaker by {reason}"}
            )
    return pd.Series(speakers, index=project.segments.index, dtype=object)


def _one(folder: Path, patterns: list[str], what: str, required: bool) -> Path | None:
    found = sorted(
        {
            p
            for pat in patterns
            for p in folder.glob(pat)
            if p.is_file() and not p.name.startswith((".", "~$"))
        }
    )
    if len(found) > 1:
        raise InputError(folder, f"more than one {what} file", value=[p.name for p in found])
    if not found and required:
        raise InputError(folder, f"no {what} file (looked for {', '.join(patterns)})")
    return found[0] if found else None


def mark_agreement_codings(segments: pd.DataFrame, primary: str | None) -> tuple[pd.DataFrame, str]:
    """``use``: "agreement" for a non-primary coder's codings on a span the primary coder also
    coded (double coding), "summary" otherwise. The primary coder: ``primary`` or the most prolific."""
    segments = segments.copy()
    counts = segments["coder"].value_counts()
    if primary is None:
        primary = str(sorted(counts.index, key=lambda c: (-counts[c], str(c)))[0]) if len(counts) else ""
    span = (
        segments["source"].astype(str)
        + "|"
        + segments["start"].astype(str)
        + "|"
        + segments["end"].astype(str)
    )
    span = span.where(segments["start"].notna(), segments["source"].astype(str) + "|" + segments["text"])
    segments["span"] = span
    primary_spans = set(span[segments["coder"] == primary])
    double = span.isin(primary_spans) & (segments["coder"] != primary)
    segments["use"] = double.map({True: "agreement", False: "summary"})
    return segments, primary


def load_folder(folder, params: dict | None = None) -> CodedData:
    """Read ``<data_dir>/focus_groups`` (or the folder given) into :class:`CodedData`."""
    folder = Path(folder)
    if (folder / "focus_groups").is_dir():
        folder = folder / "focus_groups"
    settings = (params or {}).get("qualitative", {}) or {}
    qdpx = _one(folder, ["*.qdpx", "*.QDPX"], "REFI-QDA project (.qdpx)", False)
    table = (
        None
        if qdpx
        else _one(
            folder,
            ["*segments*.csv", "*segments*.xlsx"],
            "coded segments (.qdpx or *segments*.csv|xlsx)",
            True,
        )
    )
    ppath = _one(folder, ["*participants*.csv", "*participants*.xlsx"], "participants table", False)
    cpath = _one(folder, ["*codebook*.qdc", "*codebook*.csv"], "codebook", False)
    log: list[dict] = []
    codebook = None
    if cpath is not None:
        codebook = (
            refi_qda.read_codebook(cpath) if cpath.suffix.lower() == ".qdc" else read_codebook_csv(cpath)
        )
    participants = read_participants(ppath) if ppath else None

    if qdpx:
        project = refi_qda.read_qdpx(qdpx)
        log += project.log
        codes, segments, uncoded, sources = (
            project.codes,
            project.segments.copy(),
            project.uncoded,
            project.sources,
        )
        if codebook is not None:
            # A lookup, not a merge: a path listed twice in the codebook must not add rows
            # (a merge would, and assign would then shift definitions onto the wrong codes).
            definitions = codebook.drop_duplicates("path").set_index("path")["description"]
            codes = codes.assign(
                description=codes["description"].where(
                    codes["description"] != "", codes["path"].map(definitions).fillna("")
                )
            )
        if participants is None:
            participants = participants_from_cases(project.cases)
            log.append(
                {
                    "level": "info",
                    "count": len(participants),
                    "message": "participants taken from the project's cases",
                }
            )
        segments["speaker"] = attribute_speakers(project, set(participants["pseudonym"]), log)
    else:
        segments, codes = read_segments_table(table, codebook)
        uncoded = pd.DataFrame(columns=["segment_id", "source", "start", "end", "text", "note"])
        sources = segments.groupby("source", sort=True).size().rename("codings").reset_index()
        if participants is not None:
            unknown = segments.index[
                (segments["speaker"] != "") & ~segments["speaker"].isin(set(participants["pseudonym"]))
            ]
            if len(unknown):
                raise InputError(
                    table,
                    "speaker is not in the participants table",
                    row=int(segments.at[unknown[0], "row"]),
                    column="speaker",
                    value=segments.at[unknown[0], "speaker"],
                )
        else:
            participants = read_participants_stub(segments)
        blank = int((segments["speaker"] == "").sum())
        if blank:
            log.append(
                {
                    "level": "warning",
                    "count": blank,
                    "message": "codings with no speaker: kept, reported under role 'unattributed'",
                }
            )
        segments = segments.drop(columns="row")
    segments, primary = mark_agreement_codings(segments, settings.get("primary_coder"))
    n_agree = int((segments["use"] == "agreement").sum())
    if n_agree:
        log.append(
            {
                "level": "info",
                "count": n_agree,
                "message": f"codings by a second coder on segments also coded by {primary}: used for agreement only",
            }
        )
    return CodedData(
        segments=segments.reset_index(drop=True),
        codes=codes,
        participants=participants,
        sources=sources,
        uncoded=uncoded,
        primary_coder=primary,
        files={
            k: v
            for k, v in {"project": qdpx, "segments": table, "participants": ppath, "codebook": cpath}.items()
            if v
        },
        log=log,
    )


def read_participants_stub(segments: pd.DataFrame) -> pd.DataFrame:
    """Without a participants table every named speaker is a participant of unknown role."""
    names = sorted(set(segments["speaker"]) - {""})
    return pd.DataFrame(
        {
            "pseudonym": names,
            "role_group": "unknown role",
            "level": "",
            "group": "",
            "setting": "",
            "name": "",
            "email": "",
        }
    )
