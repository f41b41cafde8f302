"""Reading input files: encodings, checksums, errors that say where, and safe archives.

Every reader in the strands reports bad input with :class:`InputError`, which names the
file and, where it can, the row, the column and the offending value, so a researcher can go
straight to the cell in the export.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Bigger than any export or .qdpx the study will meet; stops a zip bomb or a wrong file.
MAX_INPUT_BYTES = 2 * 1024**3
MAX_ARCHIVE_MEMBER_BYTES = 512 * 1024**2
MAX_ARCHIVE_TOTAL_BYTES = 1024**3


class InputError(ValueError):
    """Bad input: the message names the file, row, column and value where known."""

    def __init__(self, file, message: str, *, row=None, column=None, value=None):
        self.file = str(file)
        self.row = row
        self.column = column
        self.value = value
        self.detail = message
        where = [self.file]
        if row is not None:
            where.append(
                f"row {row}"
                if not isinstance(row, (list, tuple))
                else "rows " + ", ".join(str(r) for r in row[:10]) + (" ..." if len(row) > 10 else "")
            )
        if column is not None:
            where.append(f"column {column!r}")
        text = ", ".join(where) + f": {message}"
        if value is not None:
            text += f" (found {value!r})"
        super().__init__(text)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # the codec that decoded it: utf-8, utf-8-sig, utf-16, cp1252
    had_bom: bool


_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_bytes(raw: bytes, source: str | os.PathLike = "<bytes>") -> DecodedText:
    """Decode an export: UTF-8 (with or without BOM), UTF-16 with BOM, or cp1252.

    cp1252 is what Excel writes when it re-saves a CSV on Windows; it is tried only when the
    bytes are not valid UTF-8. Anything else stops with an error that says so.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return DecodedText(raw.decode(codec).lstrip("\ufeff"), codec, True)
            except UnicodeDecodeError as exc:
                raise InputError(
                    source,
                    f"starts with a {codec} byte-order mark but is not valid {codec}: {exc.reason} at byte {exc.start}",
                ) from exc
    if raw[:2].count(0) or raw[1:4:2] == b"\x00\x00":
        raise InputError(
            source, "looks like UTF-16 without a byte-order mark; re-export as UTF-8 or UTF-16 with BOM"
        )
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError as utf8_error:
        try:
            return DecodedText(raw.decode("cp1252"), "cp1252", False)
        except UnicodeDecodeError as exc:
            raise InputError(
                source,
                "cannot decode the file: it is not UTF-8, UTF-16 with BOM or Windows-1252 "
                f"(invalid byte 0x{raw[utf8_error.start]:02x} at byte {utf8_error.start})",
            ) from exc


_INPUTS_READ: dict[str, None] = {}


def note_input(path: str | os.PathLike) -> None:
    """Remember that this run read ``path``; provenance lists these with their checksums."""
    _INPUTS_READ[str(Path(path).resolve())] = None


def inputs_read() -> list[Path]:
    """Every input file this process has read through the helpers, in first-read order."""
    return [Path(p) for p in _INPUTS_READ]


def read_bytes(path: str | os.PathLike) -> bytes:
    """Read an input file whole, with a size limit, and note it for provenance."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise InputError(path, f"file is {size} bytes, more than the {MAX_INPUT_BYTES} allowed")
    note_input(path)
    return path.read_bytes()


def read_text(path: str | os.PathLike) -> DecodedText:
    """Read and decode a text export; an empty file is an error."""
    path = Path(path)
    raw = read_bytes(path)
    decoded = decode_bytes(raw, path)
    if not decoded.text.strip():
        raise InputError(path, "file is empty")
    return decoded


def sha256(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_zip_members(path: str | os.PathLike) -> dict[str, zipfile.ZipInfo]:
    """Open a zip (e.g. .qdpx, .xlsx) and check it before anything is extracted.

    Refuses members with absolute paths or ``..`` (path traversal), encrypted members, and
    archives whose declared sizes exceed the limits (zip bombs). Returns members by name;
    read them with :func:`read_zip_member`, never by extracting to disk.
    """
    path = Path(path)
    note_input(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InputError(path, f"not a valid zip archive: {exc}") from exc
    with archive:
        members = {}
        total = 0
        for info in archive.infolist():
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
                raise InputError(path, "archive member has an unsafe path (absolute or '..')", value=name)
            if info.flag_bits & 0x1:
                raise InputError(path, "archive member is encrypted", value=name)
            if info.file_size > MAX_ARCHIVE_MEMBER_BYTES:
                raise InputError(
                    path, f"archive member is larger than {MAX_ARCHIVE_MEMBER_BYTES} bytes", value=name
                )
            total += info.file_size
            if total > MAX_ARCHIVE_TOTAL_BYTES:
                raise InputError(path, f"archive expands to more than {MAX_ARCHIVE_TOTAL_BYTES} bytes")
            if (
                info.compress_size
                and info.file_size / info.compress_size > 1000
                and info.file_size > 10 * 1024**2
            ):
                raise InputError(
                    path, "archive member has a suspicious compression ratio (zip bomb?)", value=name
                )
            members[name] = info
        return members


def read_zip_member(path: str | os.PathLike, name: str) -> bytes:
    """Read one member of a zip checked by :func:`safe_zip_members`, within the size limit."""
    members = safe_zip_members(path)
    if name not in members:
        raise InputError(path, "archive member not found", value=name)
    with zipfile.ZipFile(path) as archive, archive.open(members[name]) as handle:
        data = handle.read(MAX_ARCHIVE_MEMBER_BYTES + 1)
    if len(data) > MAX_ARCHIVE_MEMBER_BYTES:
        raise InputError(path, "archive member is larger than declared", value=name)
    return data


def read_log(path: str | os.PathLike, required, expected=None) -> list[tuple[int, dict[str, str]]]:
    """Rows of a small CSV log that a researcher fills in a spreadsheet (searches, screening,
    extraction, overrides): ``(spreadsheet row number, {column: stripped cell})``, the header
    being row 1. Blank rows are skipped; a missing required column or a row with more or fewer
    fields than the header is an error naming the file and row."""
    import csv
    import io

    path = Path(path)
    rows = list(csv.reader(io.StringIO(read_text(path).text, newline="")))
    header = [h.strip() for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            path, f"missing column(s) {', '.join(missing)}; expected {', '.join(expected or required)}", row=1
        )
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InputError(path, f"{len(row)} fields but the header has {len(header)}", row=number)
        out.append((number, {h: c.strip() for h, c in zip(header, row)}))
    return out
