"""Reading literature search exports into one normalised record table.

Formats (detected from the content, not the file name):

* RIS from Ovid, Embase, Scopus, Zotero, EndNote, ProQuest and Rayyan (parsed with rispy after
  the text is decoded by :func:`helpers.files.read_text`, which removes a byte-order mark: rispy
  0.10 silently drops the first record of a file that starts with one);
* PubMed MEDLINE (``.nbib`` / ``.txt``): 4-character tags, 6-space continuation lines (own
  parser: no maintained library is pinned for it);
* BibTeX (bibtexparser 2; failed blocks are reported as skipped records);
* CSV: Scopus (old and new headers, including the real misaligned "Funding Text" rows),
  Embase CSV and a generic title/author/year/doi CSV;
* Web of Science plain text (rispy ``WokParser``) and tab-delimited (UTF-16 or UTF-8 with BOM,
  a trailing tab on every data row).

Every file gives a :class:`ParsedFile`: the records in the schema :data:`RECORD_COLUMNS`, the
records skipped with a reason, and the quirks met (counted, so nothing is tolerated silently).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
import pandas as pd
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from helpers import files
from helpers.files import InputError

RECORD_COLUMNS = [
    "record_id",
    "source_file",
    "database",
    "format",
    "position",
    "title",
    "authors",
    "first_author_surname",
    "year",
    "journal",
    "doi",
    "pmid",
    "abstract",
]

FORMATS = ("ris", "medline", "bibtex", "scopus_csv", "embase_csv", "generic_csv", "wos_plain", "wos_tab")


@dataclass
class ParsedFile:
    path: Path
    format: str
    encoding: str
    records: pd.DataFrame
    skipped: list[dict] = field(default_factory=list)  # {"position", "reason"}
    quirks: dict[str, int] = field(default_factory=dict)

    def note(self, quirk: str, n: int = 1) -> None:
        if n:
            self.quirks[quirk] = self.quirks.get(quirk, 0) + n

    def summary(self) -> dict:
        return {
            "file": self.path.name,
            "format": self.format,
            "encoding": self.encoding,
            "records_parsed": len(self.records),
            "records_skipped": len(self.skipped),
            "skip_reasons": "; ".join(f"#{s['position']}: {s['reason']}" for s in self.skipped),
            "quirks": "; ".join(f"{k} ({v})" for k, v in sorted(self.quirks.items())),
        }


# ---------------------------------------------------------------------------------------------
# Normalising single fields

_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def normalise_doi(value) -> str | None:
    """Lower-case DOI without URL/``doi:`` prefix, ``[doi]`` suffix or trailing punctuation.

    Returns None when nothing that looks like a DOI (``10.<registrant>/<suffix>``) is left.
    """
    if value is None:
        return None
    text = str(value).strip()
    text = re.sub(r"\s*\[doi\]\s*$", "", text, flags=re.IGNORECASE)
    text = _DOI_PREFIX.sub("", text.strip()).strip()
    text = text.replace("%2F", "/").replace("%2f", "/")
    text = text.rstrip(".;, ").lower()
    return text if re.match(r"^10\.\d{3,9}/\S+$", text) else None


def parse_year(value) -> int | None:
    """The first plausible 4-digit year (1800-2099) in ``value``; None when there is none."""
    if value is None:
        return None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def normalise_title(value) -> str:
    """Lower case, accents and punctuation removed, white space collapsed (for matching)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"<[^>]+>", " ", text)  # <i>...</i> in some exports
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def surname_as_written(author: str | None) -> str | None:
    """Surname of one author written ``Surname, Given``, ``Surname G``, ``Surname G.H.`` or ``G. Surname``."""
    if not author or not str(author).strip():
        return None
    text = " ".join(str(author).split())
    if "," in text:
        return text.split(",")[0].strip() or None
    parts = text.split()
    if len(parts) == 1:
        return parts[0]
    if re.fullmatch(r"(?:[A-Z]\.?-?)+", parts[-1].replace("-", "")):
        return " ".join(parts[:-1])  # "Davies HTO", "Phillips J.C."
    if all(re.fullmatch(r"[A-Z]\.?", p) for p in parts[:-1]):
        return parts[-1]  # "H. T. O. Davies"
    return " ".join(parts[:-1]) if len(parts[-1]) <= 3 else parts[-1]


def surname(author: str | None) -> str | None:
    """Normalised surname (lower case, no accents, spaces or hyphens) for matching."""
    name = normalise_title(surname_as_written(author)).replace(" ", "")
    return name or None


def _clean(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = " ".join(str(v) for v in value if v is not None)
    text = " ".join(str(value).split())
    return text or None


def _first(record: dict, *keys):
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        value = _clean(value)
        if value:
            return value
    return None


def _record(
    pf_path: Path,
    fmt: str,
    position: int,
    *,
    title,
    authors,
    year_text,
    journal,
    doi,
    pmid,
    abstract,
    parsed: ParsedFile,
) -> dict:
    authors = [a for a in (_clean(a) for a in (authors or [])) if a]
    year = parse_year(year_text)
    if year_text and year is None:
        parsed.note("year not readable, left blank")
    doi_norm = normalise_doi(doi)
    if doi and doi_norm is None:
        parsed.note("DOI not recognisable, left blank")
    elif doi and re.match(r"^\s*(https?://|doi:)", str(doi), re.IGNORECASE):
        parsed.note("DOI written as URL or doi: prefix")
    pmid_text = _clean(pmid)
    pmid_text = re.sub(r"\D", "", pmid_text) if pmid_text else None
    return {
        "source_file": pf_path.name,
        "format": fmt,
        "position": position,
        "title": _clean(title),
        "authors": "; ".join(authors) or None,
        "first_author_surname": surname(authors[0]) if authors else None,
        "year": year,
        "journal": _clean(journal),
        "doi": doi_norm,
        "pmid": pmid_text or None,
        "abstract": _clean(abstract),
    }


def _is_empty(rec: dict) -> bool:
    return not any(rec.get(k) for k in ("title", "authors", "doi", "pmid", "abstract"))


# ---------------------------------------------------------------------------------------------
# Format detection


def detect_format(text: str, path: Path | str = "<text>") -> str:
    """Which export format ``text`` is; :class:`InputError` for one this module cannot read."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputError(path, "file is empty")
    head = lines[:400]
    first = lines[0].lstrip("\ufeff")
    if first.startswith("%0 "):
        raise InputError(
            path,
            "this is EndNote tagged format (lines start with '%0'), not RIS: "
            "export from EndNote with the 'RefMan (RIS) Export' style",
            row=1,
            value=first[:40],
        )
    header_cells = first.split("\t")
    if len(header_cells) > 5 and "PT" in header_cells[:3] and ("TI" in header_cells or "UT" in header_cells):
        return "wos_tab"
    if re.match(r"^(FN |VR |PT [A-Z]\b)", first) and any(ln.startswith("ER") for ln in lines):
        return "wos_plain"
    if any(re.match(r"^TY  -", ln) for ln in head):
        return "ris"
    if any(re.match(r"^(PMID|TI  |FAU |AU  )- ", ln) for ln in head):
        return "medline"
    if any(re.match(r"^\s*@[A-Za-z]+\s*[{(]", ln) for ln in head):
        return "bibtex"
    lowered = first.lower()
    if "," in first or ";" in first or "\t" in first:
        if '"eid"' in lowered or ("source title" in lowered and "title" in lowered):
            return "scopus_csv"
        if "emtree" in lowered or ("author names" in lowered and "title" in lowered):
            return "embase_csv"
        if re.search(r"(^|[,;\t\"])\s*\"?(title|document title)\"?\s*($|[,;\t\"])", lowered):
            return "generic_csv"
    raise InputError(
        path,
        "unknown export format: expected RIS, PubMed MEDLINE (.nbib), BibTeX, "
        "Scopus/Embase CSV or Web of Science plain text/tab-delimited",
        row=1,
        value=first[:60],
    )


# ---------------------------------------------------------------------------------------------
# RIS

_RIS_TAG = re.compile(r"^[A-Z][A-Z0-9]  -( |$)")


def _ris_outside_lines(text: str) -> tuple[int, int]:
    """Non-blank lines outside TY..ER blocks, and blank lines inside records."""
    outside = blank_inside = 0
    inside = False
    for line in text.splitlines():
        if line.startswith("TY  -"):
            inside = True
            continue
        if inside and line.startswith("ER  -"):
            inside = False
            continue
        if not inside and line.strip():
            outside += 1
        if inside and not line.strip():
            blank_inside += 1
    return outside, blank_inside


def _tidy_ris(text: str, parsed: ParsedFile) -> str:
    """Prepare RIS text for rispy: fold continuation lines, drop blank lines inside records.

    rispy 0.10 appends an untagged line to the previous tag, but fails (TypeError) when that
    tag was repeated, and keeps only the first value of a repeated single-value tag without
    saying so. Here an untagged line inside a record continues the previous tag's value, or
    becomes a new value of a list tag (AU, KW, N1 ...: Rayyan writes one keyword per line);
    repeated single-value tags are counted (rispy keeps the first).
    """
    out, inside, current = [], False, None
    seen: set[str] = set()
    for line in text.split("\n"):
        if line.startswith("TY  -"):
            inside, current, seen = True, "TY", {"TY"}
            out.append(line)
            continue
        if not inside:
            out.append(line)
            continue
        if line.startswith("ER  -"):
            inside = False
            out.append(line)
            continue
        if not line.strip():
            parsed.note("blank lines inside records")
            continue
        if _RIS_TAG.match(line):
            current = line[:2]
            if current in seen and current not in rispy.LIST_TYPE_TAGS:
                parsed.note(f"repeated tag {current} (first value kept)")
            seen.add(current)
            out.append(line)
            continue
        parsed.note("continuation lines")
        if current in rispy.LIST_TYPE_TAGS:
            out.append(f"{current}  - {line.strip()}")
        else:
            out[-1] = out[-1].rstrip() + " " + line.strip()
    return "\n".join(out)


def _check_ris_records_closed(text: str, path) -> None:
    """Every 'TY  -' record must end with 'ER  -' before the next begins (else rispy would
    merge two records into one, or drop the last, without saying which)."""
    open_at = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("TY  -"):
            if open_at is not None:
                raise InputError(
                    path,
                    f"the record starting at line {open_at} has no 'ER  -' line before the next 'TY  -'",
                    row=open_at,
                )
            open_at = number
        elif line.startswith("ER  -") or line.rstrip() == "ER":
            open_at = None
    if open_at is not None:
        raise InputError(
            path, f"the record starting at line {open_at} has no 'ER  -' line (file truncated?)", row=open_at
        )


def _parse_ris(text: str, parsed: ParsedFile) -> list[dict]:
    outside, _blank = _ris_outside_lines(text)
    parsed.note("lines outside records ignored (preamble, Ovid numbering, link text)", outside)
    _check_ris_records_closed(text, parsed.path)
    tidy = _tidy_ris(text, parsed)
    try:
        entries = rispy.loads(tidy, skip_unknown_tags=False)
    except Exception as exc:  # rispy raises IOError/ValueError subclasses on structure errors
        raise InputError(parsed.path, f"RIS structure error: {exc}") from exc
    n_ty = sum(1 for ln in text.splitlines() if ln.startswith("TY  -"))
    if len(entries) != n_ty:
        raise InputError(parsed.path, f"rispy returned {len(entries)} records for {n_ty} 'TY  -' lines")
    out = []
    for i, entry in enumerate(entries, start=1):
        doi = entry.get("doi")
        if isinstance(doi, list):
            doi = next((d for d in doi if normalise_doi(d)), doi[0] if doi else None)
        year_text = _first(entry, "year", "publication_year", "date")
        if year_text and parse_year(year_text) is None:
            # e.g. "PY  - 10 15": fall back to Y1/DA before giving up
            alt = _first(entry, "publication_year", "date")
            year_text = alt if parse_year(alt) else year_text
        pmid = None
        unknown = entry.get("unknown_tag") or {}
        an = _first(entry, "accession_number")
        if (
            an
            and re.fullmatch(r"\d{6,9}", an)
            and (entry.get("name_of_database") or "").lower().startswith(("medline", "pubmed"))
        ):
            pmid = an
        for key in ("PM", "PMID"):
            if key in unknown:
                pmid = unknown[key][0]
        rec = _record(
            parsed.path,
            "ris",
            i,
            parsed=parsed,
            title=_first(entry, "title", "primary_title", "short_title"),
            authors=entry.get("authors") or entry.get("first_authors") or [],
            year_text=year_text,
            journal=_first(
                entry,
                "secondary_title",
                "journal_name",
                "alternate_title3",
                "alternate_title2",
                "alternate_title1",
            ),
            doi=doi,
            pmid=pmid,
            abstract=_first(entry, "abstract", "notes_abstract"),
        )
        out.append(rec)
    return out


# ---------------------------------------------------------------------------------------------
# PubMed MEDLINE

_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")


def parse_medline_text(
    text: str, path: Path | str = "<text>"
) -> tuple[list[dict], list[dict], dict[str, int]]:
    """Split MEDLINE text into records of ``{tag: [values]}``.

    A record ends at a blank line (or where a new ``PMID-`` line starts); a line starting with
    spaces continues the previous tag's value. Returns (records with their first line number
    under ``_line``, skipped blocks with reasons, quirk counts).
    """
    records: list[dict] = []
    skipped: list[dict] = []
    quirks: dict[str, int] = {}
    current: dict | None = None
    last_tag = None

    def close():
        nonlocal current
        if current is not None:
            records.append(current)
        current = None

    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            close()
            last_tag = None
            continue
        if line[:1] == " ":
            if current is None or last_tag is None:
                skipped.append(
                    {"position": lineno, "reason": f"line {lineno}: continuation line outside a record"}
                )
                continue
            current[last_tag][-1] += " " + line.strip()
            quirks["continuation lines"] = quirks.get("continuation lines", 0) + 1
            continue
        match = _MEDLINE_TAG.match(line)
        if not match or line[4:6] not in ("- ", "-"):
            raise InputError(
                path,
                "not a MEDLINE line: expected a 4-character tag, '- ' and a value, or a 6-space continuation",
                row=lineno,
                value=line[:40],
            )
        tag, value = match.group(1), line[6:].strip()
        if tag == "PMID" and current is not None and any(k != "_line" for k in current):
            quirks["record without blank line before PMID"] = (
                quirks.get("record without blank line before PMID", 0) + 1
            )
            close()
        if current is None:
            current = {"_line": lineno}
        current.setdefault(tag, []).append(value)
        last_tag = tag
    close()
    return records, skipped, quirks


def _parse_medline(text: str, parsed: ParsedFile) -> list[dict]:
    blocks, skipped, quirks = parse_medline_text(text, parsed.path)
    parsed.skipped.extend(skipped)
    for k, v in quirks.items():
        parsed.note(k, v)
    out = []
    for i, block in enumerate(blocks, start=1):
        doi = next((v for k in ("LID", "AID") for v in block.get(k, []) if v.lower().endswith("[doi]")), None)
        rec = _record(
            parsed.path,
            "medline",
            i,
            parsed=parsed,
            title=" ".join(block.get("TI", [])) or " ".join(block.get("BTI", [])) or None,
            authors=block.get("FAU") or block.get("AU") or [],
            year_text=(block.get("DP") or block.get("DEP") or [None])[0],
            journal=(block.get("JT") or block.get("TA") or [None])[0],
            doi=doi,
            pmid=(block.get("PMID") or [None])[0],
            abstract=" ".join(block.get("AB", [])) or None,
        )
        if _is_empty(rec):
            parsed.skipped.append(
                {
                    "position": i,
                    "reason": f"block at line {block['_line']} has no title, author, DOI, PMID or abstract",
                }
            )
            continue
        out.append(rec)
    return out


# ---------------------------------------------------------------------------------------------
# BibTeX


def _parse_bibtex(text: str, parsed: ParsedFile) -> list[dict]:
    # LaTeX accents and braces ({\\'e}, {NHS}) decoded to plain text
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    for block in library.failed_blocks:
        kind = type(block).__name__
        reason = {"DuplicateBlockKeyBlock": f"duplicate key {getattr(block, 'key', '')!r}"}.get(
            kind, "malformed entry (unbalanced braces or quotes)"
        )
        parsed.skipped.append({"position": f"line {block.start_line + 1}", "reason": reason})
    out = []
    for i, entry in enumerate(library.entries, start=1):
        fields = {k.lower(): v for k, v in entry.fields_dict.items()}

        def get(name, fields=fields):
            f = fields.get(name)
            return (
                re.sub(r"[{}]", "", str(f.value)).strip() if f is not None and f.value is not None else None
            )

        authors = [a.strip() for a in re.split(r"\s+and\s+", get("author") or "") if a.strip()]
        out.append(
            _record(
                parsed.path,
                "bibtex",
                i,
                parsed=parsed,
                title=get("title"),
                authors=authors,
                year_text=get("year") or get("date"),
                journal=get("journal") or get("journaltitle") or get("booktitle"),
                doi=get("doi"),
                pmid=get("pmid"),
                abstract=get("abstract"),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# CSV exports (Scopus, Embase, generic)


def _csv_rows(
    text: str, path: Path, delimiter: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise InputError(path, f"CSV structure error: {exc}", row=reader.line_num) from exc
    if not rows:
        raise InputError(path, "file is empty")
    header = [h.strip() for h in rows[0][1]]
    return header, [(n, r) for n, r in rows[1:] if any(c.strip() for c in r)]


def _split_authors_scopus(value: str | None) -> list[str]:
    if not value or value.strip() in ("[No author name available]", ""):
        return []
    if ";" in value:
        return [a.strip() for a in value.split(";") if a.strip()]
    # older export: "Phillips J.C., Braun R., Wang W."
    return [
        a.strip() + ("." if not a.strip().endswith(".") else "")
        for a in re.split(r"\.,\s*", value)
        if a.strip()
    ]


def _parse_csv(text: str, parsed: ParsedFile, fmt: str) -> list[dict]:
    header, rows = _csv_rows(text, parsed.path)
    lower = {h.lower(): i for i, h in enumerate(header)}

    def col(*names):
        for n in names:
            if n.lower() in lower:
                return lower[n.lower()]
        return None

    extra_at = None
    if "Funding Text 1" in header and "Funding Text 2" not in header:
        extra_at = header.index("Funding Text 1") + 1
    out = []
    for position, (line, row) in enumerate(rows, start=1):
        if len(row) != len(header):
            extra = len(row) - len(header)
            if extra > 0 and extra_at is not None:
                # Real Scopus quirk: rows carry a second "Funding Text" column under a header
                # that names only one; drop the extra cells after "Funding Text 1" to realign.
                row = row[:extra_at] + row[extra_at + extra :]
                parsed.note("Scopus rows with an extra 'Funding Text' column realigned")
            else:
                parsed.skipped.append(
                    {
                        "position": position,
                        "reason": f"line {line}: {len(row)} fields but the header has {len(header)}",
                    }
                )
                continue
        cell = lambda i, row=row: row[i] if i is not None else None  # noqa: E731
        if fmt == "scopus_csv":
            authors = _split_authors_scopus(cell(col("Authors")))
            rec = _record(
                parsed.path,
                fmt,
                position,
                parsed=parsed,
                title=cell(col("Title")),
                authors=authors,
                year_text=cell(col("Year")),
                journal=cell(col("Source title")),
                doi=cell(col("DOI")),
                pmid=cell(col("PubMed ID")),
                abstract=cell(col("Abstract")),
            )
        elif fmt == "embase_csv":
            authors = _split_authors_scopus(cell(col("Author Names")))
            source = cell(col("Source")) or ""
            journal = re.split(r"\s*\(\d{4}\)", source)[0] if source else None
            rec = _record(
                parsed.path,
                fmt,
                position,
                parsed=parsed,
                title=cell(col("Title")),
                authors=authors,
                year_text=source,
                journal=journal,
                doi=cell(col("DOI")),
                pmid=cell(col("Medline PMID")),
                abstract=cell(col("Abstract")),
            )
        else:
            author_cell = cell(col("authors", "author", "author names"))
            rec = _record(
                parsed.path,
                fmt,
                position,
                parsed=parsed,
                title=cell(col("title", "document title", "primary_title")),
                authors=[a.strip() for a in re.split(r";", author_cell or "") if a.strip()],
                year_text=cell(col("year", "publication year", "py")),
                journal=cell(col("journal", "source title", "source")),
                doi=cell(col("doi")),
                pmid=cell(col("pmid", "pubmed id")),
                abstract=cell(col("abstract")),
            )
        out.append(rec)
    return out


# ---------------------------------------------------------------------------------------------
# Web of Science


def _parse_wos_plain(text: str, parsed: ParsedFile) -> list[dict]:
    n_er = sum(1 for ln in text.splitlines() if ln.rstrip() == "ER")
    try:
        entries = rispy.loads(text, implementation=rispy.WokParser)
    except Exception as exc:
        raise InputError(parsed.path, f"Web of Science structure error: {exc}") from exc
    if len(entries) != n_er:
        raise InputError(parsed.path, f"rispy returned {len(entries)} records for {n_er} 'ER' lines")
    if not text.rstrip().endswith("EF"):
        parsed.note("no 'EF' end-of-file line (file cut short?)")
    out = []
    for i, e in enumerate(entries, start=1):
        out.append(
            _record(
                parsed.path,
                "wos_plain",
                i,
                parsed=parsed,
                title=_first(e, "document_title"),
                authors=e.get("author_full_name") or e.get("authors") or [],
                year_text=_first(e, "publication_year", "publication_date"),
                journal=_first(e, "publication_name"),
                doi=_first(e, "doi"),
                pmid=_first(e, "pubmed_id"),
                abstract=_first(e, "abstract"),
            )
        )
    return out


def _parse_wos_tab(text: str, parsed: ParsedFile) -> list[dict]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = [(reader.line_num, r) for r in reader]
    header = rows[0][1]
    if header and header[-1] == "":
        header = header[:-1]
    idx = {h: i for i, h in enumerate(header)}
    out = []
    position = 0
    for line, row in rows[1:]:
        if not any(c.strip() for c in row):
            continue
        position += 1
        if len(row) == len(header) + 1 and row[-1] == "":
            row = row[:-1]
            parsed.note("trailing tab at end of row")
        if len(row) != len(header):
            parsed.skipped.append(
                {
                    "position": position,
                    "reason": f"line {line}: {len(row)} fields but the header has {len(header)}",
                }
            )
            continue
        get = lambda tag, row=row: row[idx[tag]] if tag in idx else None  # noqa: E731
        authors = [a.strip() for a in (get("AF") or get("AU") or "").split(";") if a.strip()]
        out.append(
            _record(
                parsed.path,
                "wos_tab",
                position,
                parsed=parsed,
                title=get("TI"),
                authors=authors,
                year_text=get("PY") or get("EA"),
                journal=get("SO"),
                doi=get("DI"),
                pmid=get("PM"),
                abstract=get("AB"),
            )
        )
    return out


_PARSERS = {
    "ris": _parse_ris,
    "medline": _parse_medline,
    "bibtex": _parse_bibtex,
    "wos_plain": _parse_wos_plain,
    "wos_tab": _parse_wos_tab,
}


def parse_file(path: str | Path, database: str | None = None) -> ParsedFile:
    """Parse one export file (format detected from its content) into a :class:`ParsedFile`.

    ``record_id`` is ``<file name>:<position>`` (position = 1-based order in the file), so it is
    stable as long as the export file is. Raises :class:`InputError` for an unknown format or
    a file with no records.
    """
    path = Path(path)
    decoded = files.read_text(path)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    fmt = detect_format(text, path)
    parsed = ParsedFile(
        path=path, format=fmt, encoding=decoded.encoding, records=pd.DataFrame(columns=RECORD_COLUMNS)
    )
    if decoded.had_bom:
        parsed.note(f"byte-order mark ({decoded.encoding})")
    if fmt in _PARSERS:
        recs = _PARSERS[fmt](text, parsed)
    else:
        recs = _parse_csv(text, parsed, fmt)
    kept = []
    for rec in recs:
        if _is_empty(rec):
            parsed.skipped.append(
                {"position": rec["position"], "reason": "no title, author, DOI, PMID or abstract"}
            )
        else:
            kept.append(rec)
    if not kept:
        raise InputError(
            path,
            f"no records found in this {fmt} file"
            + (f" ({len(parsed.skipped)} skipped: {parsed.skipped[0]['reason']})" if parsed.skipped else ""),
        )
    df = pd.DataFrame(kept)
    df["database"] = database if database is not None else ""
    df["record_id"] = [f"{path.name}:{p}" for p in df["position"]]
    for col in ("title", "authors", "first_author_surname", "journal", "doi", "pmid", "abstract"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    df["year"] = df["year"].astype("Int64")
    parsed.records = df[RECORD_COLUMNS].reset_index(drop=True)
    return parsed
