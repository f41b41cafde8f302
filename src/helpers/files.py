"""Reading input files: encodings, checksums, errors that say where, and safe archives.

Every reader in the strands reports bad input with :class:`InputError`, which names the
file and, where it can, the row, the column and the offending value, so a researcher can go
straight to the cell in the export.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

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


# Codecs a codebook or params.yaml may declare for an input (``encoding:``); a declared
# encoding always wins over detection (decisions 5).
DECLARED_ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "latin-1": "latin-1",
    "iso-8859-1": "latin-1",
}

# A UTF-8 multibyte sequence: a lead byte followed by the right number of continuation bytes.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _row_column(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte ``offset`` (columns counted in characters of
    the valid UTF-8 before it on that line)."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    row = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return row, column


def decode_bytes(
    raw: bytes, source: str | os.PathLike = "<bytes>", encoding: str | None = None
) -> DecodedText:
    """Decode an input as decisions.md 5 says.

    * a declared ``encoding`` (codebook or params) always wins;
    * valid UTF-8, with or without BOM, is UTF-8; UTF-16 needs its byte-order mark;
    * bytes that are not valid UTF-8 but hold valid UTF-8 multibyte sequences are a mixed file:
      an error naming the row and column of the first invalid byte (one stray byte must not
      switch the whole file to another encoding);
    * bytes with no UTF-8 multibyte sequence that decode as Windows-1252 (an Excel re-save) are
      read as cp1252; the caller logs the tolerance (``DecodedText.encoding == "cp1252"``).
    """
    if encoding is not None:
        codec = DECLARED_ENCODINGS.get(str(encoding).strip().lower())
        if codec is None:
            raise InputError(
                source,
                f"declared encoding is not one of {', '.join(sorted(DECLARED_ENCODINGS))}",
                value=encoding,
            )
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            row, column = _row_column(raw, exc.start)
            raise InputError(
                source,
                f"not valid {encoding} as declared: invalid byte 0x{raw[exc.start]:02x}",
                row=row,
                column=column,
            ) from None
        has_bom = text.startswith("\ufeff")
        return DecodedText(text.lstrip("\ufeff"), codec, has_bom)
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return DecodedText(raw.decode(codec).lstrip("\ufeff"), codec, True)
            except UnicodeDecodeError as exc:
                raise InputError(
                    source,
                    f"starts with a {codec} byte-order mark but is not valid {codec}: {exc.reason} at byte {exc.start}",
                ) from None
    if raw[:2].count(0) or raw[1:4:2] == b"\x00\x00":
        raise InputError(
            source, "looks like UTF-16 without a byte-order mark; re-export as UTF-8 or UTF-16 with BOM"
        )
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError as utf8_error:
        bad = utf8_error.start
        row, column = _row_column(raw, bad)
        if _UTF8_MULTIBYTE.search(raw):
            raise InputError(
                source,
                f"mixed encodings: the file is UTF-8 but byte 0x{raw[bad]:02x} is not valid UTF-8 "
                "(a character pasted from another program?); fix that character and save as UTF-8, "
                "or declare the encoding",
                row=row,
                column=column,
            ) from None
        try:
            return DecodedText(raw.decode("cp1252"), "cp1252", False)
        except UnicodeDecodeError:
            raise InputError(
                source,
                "cannot decode the file: it is not UTF-8, UTF-16 with BOM or Windows-1252 "
                f"(invalid byte 0x{raw[bad]:02x} at byte {bad})",
                row=row,
                column=column,
            ) from None


_INPUTS_READ: dict[str, None] = {}


def note_input(path: str | os.PathLike) -> None:
    """Remember that this run read ``path``; provenance lists these with their checksums."""
    _INPUTS_READ[str(Path(path).resolve())] = None


def inputs_read() -> list[Path]:
    """Every input file this process has read through the helpers, in first-read order."""
    return [Path(p) for p in _INPUTS_READ]


def refuse_escaping_link(path: Path) -> None:
    """A symbolic link whose target lies outside the link's own folder is refused: an input
    must be a file in the data folder, not a pointer to somewhere else on the machine (and make
    cannot see when a link's target changes)."""
    if path.is_symlink() and path.resolve().parent != path.parent.resolve():
        raise InputError(
            path,
            "is a symbolic link to a file outside its folder; copy the file into the data folder",
        )


def inside(
    base: str | os.PathLike,
    name,
    *,
    source: str | os.PathLike,
    what: str = "file",
    row=None,
    column=None,
) -> Path:
    """``base / name`` for a file name read from an input or from params (survey.export, the
    searches log's ``file``, findings.mapping_file ...), refused unless it stays inside ``base``:
    no absolute path, no drive letter, no home folder, no ``..``, and no symbolic link that
    leads out. The error names ``source`` (the file that gave the name) and never reads the
    target. Every reader that takes a path from an input uses this one function."""
    base = Path(base)
    text = "" if name is None else str(name)
    if not text.strip():
        raise InputError(source, f"{what} is empty", row=row, column=column)
    pure = PurePosixPath(text.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", text) or text.startswith("~"):
        raise InputError(
            source,
            f"{what} must be a name relative to the folder {base.name}/, not an absolute path",
            row=row,
            column=column,
            value=text,
        )
    if ".." in pure.parts:
        raise InputError(
            source,
            f"{what} must stay inside the folder {base.name}/ ('..' is not allowed)",
            row=row,
            column=column,
            value=text,
        )
    target = base.joinpath(*pure.parts)
    resolved, root = target.resolve(), base.resolve()
    if resolved != root and root not in resolved.parents:
        raise InputError(
            source,
            f"{what} is a symbolic link leading outside the folder {base.name}/; copy the file "
            "into the data folder",
            row=row,
            column=column,
            value=text,
        )
    return target


def read_bytes(path: str | os.PathLike) -> bytes:
    """Read an input file whole, with a size limit, and note it for provenance."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    refuse_escaping_link(path)
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise InputError(path, f"file is {size} bytes, more than the {MAX_INPUT_BYTES} allowed")
    note_input(path)
    return path.read_bytes()


def read_text(path: str | os.PathLike, encoding: str | None = None) -> DecodedText:
    """Read and decode a text export (:func:`decode_bytes`; ``encoding`` when one is declared);
    an empty file is an error, and so is a NUL character (it hides differences: two e-mail
    addresses that differ by a NUL look the same on screen)."""
    path = Path(path)
    raw = read_bytes(path)
    decoded = decode_bytes(raw, path, encoding)
    if not decoded.text.strip():
        raise InputError(path, "file is empty")
    nul = decoded.text.find("\x00")
    if nul >= 0:
        before = decoded.text[:nul]
        raise InputError(
            path,
            "contains a NUL character (byte 0x00): the file is damaged or not a text export",
            row=before.count("\n") + 1,
            column=nul - (before.rfind("\n") + 1) + 1,
        )
    return decoded


_EXCEL_SERIAL = r"\d{4,5}(\.\d+)?"


def is_excel_serial(values) -> bool:
    """True when every filled cell is an Excel serial date number (e.g. ``42186.4583``)."""
    text = values.fillna("").astype("str").str.strip()
    filled = text[text.ne("")]
    return bool(len(filled)) and bool(filled.str.fullmatch(_EXCEL_SERIAL).all())


def parse_datetimes(values, source, column: str, notes: list | None = None):
    """Date-times of an export column. Blank cells are missing; Excel serial numbers (what a
    date cell becomes when a sheet is re-saved with the wrong format, e.g. ``42614.4166``) are
    converted with Excel's 1900 date system and the conversion is noted; any other text that is
    not a date is an error naming the row (never a silent empty date)."""
    import pandas as pd

    text = values.fillna("").astype("str").str.strip()
    blank = text.eq("")
    is_serial = text.str.fullmatch(_EXCEL_SERIAL) & ~blank
    serial = pd.to_numeric(text.where(is_serial), errors="coerce")
    parsed = pd.to_datetime(text.where(~is_serial & ~blank), errors="coerce", format="mixed")
    parsed = parsed.where(~is_serial, pd.Timestamp("1899-12-30") + pd.to_timedelta(serial, unit="D"))
    bad = ~blank & parsed.isna()
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise InputError(
            source,
            "not a date and time",
            row=values.index[first],
            column=column,
            value=text.iloc[first],
        )
    if is_serial.any() and notes is not None:
        notes.append(
            f"{int(is_serial.sum())} value(s) of {column} were Excel serial numbers (e.g. "
            f"{text[is_serial].iloc[0]}): read as dates in Excel's 1900 date system"
        )
    return parsed


# --------------------------------------------------------------------------------------------
# YAML: every YAML the pipeline reads (params.yaml, codebooks) goes through load_yaml.

MAX_YAML_BYTES = 5 * 1024**2
MAX_YAML_ALIASES = 1000
MAX_YAML_NODES = 1_000_000  # after expanding aliases: a billion-laughs document is far above


class YamlLimitError(ValueError):
    """A YAML document over the size, alias or expansion limits."""


class SafeYamlLoader(yaml.SafeLoader):
    """yaml.SafeLoader that (1) refuses a key repeated in one mapping (plain YAML keeps the last
    silently, so ``{1: "Yes", 1: "No"}`` would make code 1 mean "No") and (2) counts aliases,
    refusing a document with more than MAX_YAML_ALIASES."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise YamlLimitError(
                    f"more than {MAX_YAML_ALIASES} aliases (*name): refused (a YAML alias bomb?)"
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key; the base class reports it
                break
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_nodes(root) -> int:
    """Number of nodes the composed document has once every alias is expanded, counted without
    expanding (each node's size memoised) and without recursion."""
    size: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        children = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            size[id(node)] = min(1 + sum(size[id(c)] for c in children), MAX_YAML_NODES + 1)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
    return size[id(root)]


def load_yaml_text(text: str, source: str | os.PathLike = "<yaml>"):
    """Parse YAML text safely: no Python objects, repeated keys refused, alias and expansion
    limits (a billion-laughs document fails at once with a clear message, not after filling
    memory). Errors are :class:`InputError` naming ``source``."""
    if len(text) > MAX_YAML_BYTES:
        raise InputError(source, f"YAML file is larger than {MAX_YAML_BYTES} bytes")
    loader = SafeYamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_nodes(node) > MAX_YAML_NODES:
            raise YamlLimitError(
                f"expands to more than {MAX_YAML_NODES} values through aliases: refused (a YAML alias bomb?)"
            )
        return loader.construct_document(node)
    except YamlLimitError as exc:
        raise InputError(source, str(exc)) from None
    except RecursionError:
        raise InputError(source, "YAML is nested too deeply") from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def load_yaml(path: str | os.PathLike):
    """Read a YAML input (codebook, params) through :func:`read_text` and :func:`load_yaml_text`."""
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_YAML_BYTES:
        raise InputError(path, f"YAML file is larger than {MAX_YAML_BYTES} bytes")
    return load_yaml_text(read_text(path).text, path)


# --------------------------------------------------------------------------------------------
# Regular expressions read from inputs (codebook role rules): compiled with RE2, which runs in
# time linear in the text, so a pattern like ``(a+)+$`` cannot hang a run for minutes.


def compile_rule(pattern, source: str | os.PathLike, where: str, *, ignore_case: bool = True):
    """A linear-time (RE2) compiled regex for a pattern read from an input. RE2 has no
    lookarounds and no backreferences: such a rule is refused with a message saying so."""
    import re2

    if not isinstance(pattern, str) or not pattern:
        raise InputError(source, f"{where}: the pattern must be non-empty text", value=pattern)
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        if re.search(r"\(\?<?[=!]|\\[1-9]|\(\?P=", pattern):
            reason = (
                "lookarounds ((?=...), (?!...), (?<=...), (?<!...)) and backreferences (\\1) are not "
                "supported: rules run on a linear-time engine (RE2); rewrite the rule without them"
            )
        raise InputError(source, f"{where}: bad regular expression: {reason}", value=pattern) from None


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
    if path.is_file():
        refuse_escaping_link(path)
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


def require_one_of(
    path, value: str, allowed, *, row: int, column: str, what: str | None = None, found: str | None = None
) -> None:
    """A log cell (``value``, after any normalising) must be one of ``allowed``; otherwise an
    InputError naming the file, row, column, the cell as written (``found``) and the choices."""
    if value not in allowed:
        raise InputError(
            path,
            f"{what or column} must be one of {', '.join(allowed)}",
            row=row,
            column=column,
            value=value if found is None else found,
        )


def require_reason(path, reason: str, *, row: int, what: str = "an exclusion") -> None:
    """An exclusion's reason: present, and without ';' (it separates reasons in the PRISMA counts)."""
    if not reason:
        raise InputError(path, f"{what} needs a reason", row=row, column="reason")
    if ";" in reason:
        raise InputError(
            path,
            "a reason cannot contain ';' (it separates reasons in the PRISMA counts)",
            row=row,
            column="reason",
            value=reason,
        )


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
