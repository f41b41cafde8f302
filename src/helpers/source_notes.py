"""The source note under every published table: which data folder, whether it holds study or
synthetic data, and the date of each strand's data with where that date comes from (params, the
export's own metadata, the searches log, the QDA project, else the files' modification times).

:mod:`helpers.tables` puts the note under each table it renders; the survey date is cached in
build/cache/ because every notebook needs it and reading the export again costs seconds."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from helpers import files

# The strands of a data folder (sub-folders), as the source notes name their data.
STRAND_DATA = {
    "literature": "literature searches",
    "survey": "survey responses",
    "focus_groups": "interview and focus-group transcripts",
}


def strand_folder(params: Mapping, strand: str) -> Path:
    """The data folder's sub-folder of ``strand`` (the literature's may be renamed in params)."""
    if strand not in STRAND_DATA:
        raise ValueError(f"unknown strand {strand!r}; expected one of {', '.join(STRAND_DATA)}")
    name = (params.get("literature") or {}).get("folder", "literature") if strand == "literature" else strand
    return Path(params["data_dir"]) / str(name)


def data_date(params: Mapping, strand: str = "survey") -> tuple[str, str]:
    """(date, where it comes from) of one strand's data: params ``data_date`` when given (one
    date is the survey's; or one per strand: ``{survey: ..., literature: ...}``); else what the
    strand's own inputs record:

    * survey: the latest response in the export's metadata (the codebook's ``ended`` column,
      else Qualtrics' ``EndDate`` or ``RecordedDate``, else ``started``);
    * literature: the latest ``date_searched`` in the searches log;
    * focus groups: the latest date of the transcripts in the QDA project (REFI-QDA
      ``modifiedDateTime``/``creationDateTime`` of each source, else the date the project
      stored with each transcript file);

    else the newest modification time of the strand's files (of the whole data folder when it
    has no such sub-folder). ('', '') when there is none."""
    given = params.get("data_date")
    if isinstance(given, Mapping):
        given = given.get(strand)
    elif strand != "survey":
        given = None  # one date is the survey's (when it closed); the other strands date their own
    if given:
        return str(given), "params data_date"
    folder = Path(params["data_dir"])
    if strand == "survey":
        found = _cached_survey_date(folder.resolve() if folder.exists() else folder)
    else:
        sub = strand_folder(params, strand)
        found = _literature_date(sub) if strand == "literature" else _transcripts_date(sub)
    if found:
        return found
    sub = strand_folder(params, strand)
    where, origin = (sub, f"file modification time in {sub.name}/") if sub.is_dir() else (folder, "")
    stamps = [p.stat().st_mtime for p in where.rglob("*") if p.is_file()] if where.is_dir() else []
    if stamps:
        day = dt.datetime.fromtimestamp(max(stamps), dt.UTC).date().isoformat()
        return day, origin or "file modification time"
    return "", ""


def _literature_date(folder: Path) -> tuple[str, str] | None:
    """The latest ``date_searched`` (ISO dates) in the literature folder's searches log."""
    import csv
    import io

    log = folder / "searches_log.csv"
    if not log.is_file():
        return None
    try:
        rows = list(csv.DictReader(io.StringIO(files.read_text(log).text)))
    except Exception:  # noqa: BLE001 - the literature stage reports a bad log with its row and column
        return None
    dates = pd.to_datetime(
        pd.Series([r.get("date_searched") or "" for r in rows], dtype=object),
        errors="coerce",
        format="ISO8601",
    ).dropna()
    if not len(dates):
        return None
    return dates.max().date().isoformat(), "latest date_searched in the searches log"


def _transcripts_date(folder: Path) -> tuple[str, str] | None:
    """The latest transcript date of the REFI-QDA projects (.qdpx) in ``folder``: the sources'
    ``modifiedDateTime`` or ``creationDateTime`` attributes, else the dates stored in the
    archive with the transcript files (entries dated before 1981 are zip's "no date")."""
    if not folder.is_dir():
        return None
    stamps, origin = [], ""
    for project in sorted(folder.glob("*.qdpx")):
        try:
            import zipfile

            from helpers.qualitative import refi_qda

            members = files.safe_zip_members(project)
            name = next((m for m in members if m.lower().endswith(".qde")), None)
            root = refi_qda.parse_xml(files.read_zip_member(project, name), project, name) if name else None
            attrs = [
                e.get(a)
                for e in (root.iter() if root is not None else [])
                if e.tag.rsplit("}", 1)[-1].endswith("Source")
                for a in ("modifiedDateTime", "creationDateTime")
                if e.get(a)
            ]
            dates = pd.to_datetime(pd.Series(attrs, dtype=object), errors="coerce", utc=True).dropna()
            if len(dates):
                stamps.append(dates.max().date())
                origin = "latest transcript date in the QDA project"
                continue
            with zipfile.ZipFile(project) as archive:
                stored = [
                    dt.date(*i.date_time[:3])
                    for i in archive.infolist()
                    if i.filename.lower().startswith("sources/") and i.date_time[0] > 1980
                ]
            if stored:
                stamps.append(max(stored))
                origin = origin or "latest transcript file date stored in the QDA project"
        except Exception:  # noqa: BLE001 - the focus-group stage reports a bad project itself
            continue
    return (max(stamps).isoformat(), origin) if stamps else None


def _cached_survey_date(folder: Path) -> tuple[str, str] | None:
    """:func:`_survey_date`, remembered in build/cache/ under a key of the survey folder's file
    names, sizes and modification times: every notebook shows the date in its source notes, and
    reading the whole export again in each kernel cost about 2 s each on the demo (far more on a
    large export)."""
    import hashlib
    import json
    import os

    from helpers import paths
    from helpers.files import InputError
    from helpers.survey import inputs as survey_inputs

    try:
        survey = survey_inputs.survey_folder(folder)
    except InputError:  # no survey strand: no survey date
        return None
    listing = sorted(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in survey.iterdir() if p.is_file()
    )
    key = hashlib.sha256(json.dumps([str(folder), listing]).encode()).hexdigest()[:20]
    cache = paths.workspace() / "build" / "cache" / f"data_date-{key}.json"
    try:
        found = json.loads(cache.read_text(encoding="utf-8"))
        return tuple(found) if found else None
    except (OSError, ValueError):
        pass
    found = _survey_date(str(folder))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(found), encoding="utf-8")
        os.replace(tmp, cache)  # atomic: kernels running side by side may both write it
    except OSError:
        pass  # a read-only workspace only loses the cache
    return found


@functools.lru_cache(maxsize=4)
def _survey_date(folder: str) -> tuple[str, str] | None:
    """The latest response date in the survey export's metadata, or None (no survey, no date
    column, or an export the survey stage will report as unreadable)."""
    try:
        from helpers.survey import cleaning
        from helpers.survey import inputs as survey_inputs

        if not (survey_inputs.survey_folder(folder) / survey_inputs.CODEBOOK_NAME).is_file():
            return None
        export, codebook = survey_inputs.load(folder)
        meta = codebook.metadata
        candidates = [meta.get("ended"), "EndDate", "RecordedDate", meta.get("started")]
        column = next((c for c in candidates if c and c in export.data.columns), None)
        if column is None:
            return None
        dates = cleaning.parse_dates(export.data[column], codebook, column, export.source).dropna()
    except Exception:  # noqa: BLE001 - the survey stage reports a bad export with its row and column
        return None
    if not len(dates):
        return None
    return dates.max().date().isoformat(), f"latest {column} in the survey export"


def data_source(params: Mapping, strands: str | Sequence[str] | None = None) -> str:
    """The source note of a table: which data, and the date of each strand it draws on
    (:func:`data_date`, saying where each date comes from). ``strands``: one strand, several,
    or None for every strand the data folder holds."""
    from helpers import config

    folder = Path(params["data_dir"])
    kind = "synthetic demonstration data" if config.is_synthetic(folder) else "study data"
    if strands is None:
        strands = [s for s in STRAND_DATA if strand_folder(params, s).is_dir()]
    elif isinstance(strands, str):
        strands = [strands]
    dated = []
    for strand in strands:
        date, origin = data_date(params, strand)
        if date:
            dated.append(f"{STRAND_DATA[strand]} dated {date} ({origin})")
    return f"Source: {kind}, data folder {folder.name}" + ("; " + "; ".join(dated) if dated else "") + "."
