"""REFI-QDA (.qdpx project, .qdc codebook): a reader tolerant of real exporters, and writers.

The reader takes what NVivo, ATLAS.ti, MAXQDA, QualCoder and qc actually write (see
docs/qualitative.md and ../shared/reference/input-formats.md section 2):

- the project XML named ``project.qde`` or ``<project name>.qde``, with or without a BOM;
- any namespace version (``urn:QDA-XML:project:1.0``, ``...codebook:1:0``, ``0:4``) or none:
  every lookup is namespace-agnostic (``{*}Code``);
- the sources folder spelled ``sources`` or ``Sources`` (matched case-insensitively), source
  paths with or without the ``internal://`` prefix, or the text inline in ``PlainTextContent``;
- a BOM at the start of a source ``.txt``: stripped before any offset is counted;
- positions counting ``\\r\\n`` as one code point (ATLAS.ti) or two (MAXQDA, the spec): decided per
  source by :func:`crlf_convention`;
- codes identified by GUID, never by name (NVivo repeats names under different parents): a code's
  label is its name when unique, else its full path ``Parent > Child``;
- selections without codings (MAXQDA memos): counted and reported, not summarised.

It is safe with untrusted files: the archive is checked by :func:`helpers.files.safe_zip_members`
(no absolute or ``..`` paths, no encrypted members, size limits) and read member by member in
memory; XML is parsed by defusedxml with DTDs forbidden, so no entity expansion.

Selections are resolved to text by code-point offsets, half-open ``[start, end)`` as QualCoder
and requal do, and checked against the length of the source text.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as StdET

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from helpers import files, outputs, paths

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PATH_SEPARATOR = " > "
CODE_COLUMNS = [
    "code_guid",
    "name",
    "path",
    "label",
    "parent_guid",
    "theme",
    "depth",
    "description",
    "is_codable",
    "color",
    "order",
]
# The code tree as read, before labelling, whichever way the codes came (a .qdpx code book or a CSV).
CODE_TREE_COLUMNS = [
    "code_guid",
    "name",
    "path",
    "parent_guid",
    "theme_path",
    "depth",
    "description",
    "is_codable",
    "color",
]
SEGMENT_COLUMNS = [
    "segment_id",
    "coding_id",
    "source",
    "source_guid",
    "start",
    "end",
    "text",
    "code_guid",
    "code",
    "theme",
    "coder",
]


@dataclass
class Project:
    """A REFI-QDA project as tables. ``segments`` has one row per coding of a text selection."""

    file: Path
    name: str
    origin: str
    codes: pd.DataFrame
    sources: pd.DataFrame
    texts: dict[str, str]
    segments: pd.DataFrame
    uncoded: pd.DataFrame
    cases: pd.DataFrame
    selection_cases: dict[str, list[str]]
    source_cases: dict[str, list[str]]
    log: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "codes": len(self.codes),
            "sources": len(self.sources),
            "selections": int(self.segments["segment_id"].nunique()) + len(self.uncoded),
            "codings": len(self.segments),
            "uncoded_selections": len(self.uncoded),
            "cases": len(self.cases),
        }


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def norm_guid(value: str | None) -> str:
    """GUIDs compare in lower case without braces (the schema allows ``{...}`` and any case)."""
    return (value or "").strip().strip("{}").lower()


def parse_xml(raw: bytes, file, member: str):
    """Parse untrusted XML: BOM stripped, DTDs and entities refused, errors name the member."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return SafeET.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputError(
            file, f"{member}: refused XML with a DTD or entity declarations ({type(exc).__name__})"
        ) from exc
    except StdET.ParseError as exc:
        line, col = exc.position
        raise InputError(file, f"{member}: malformed XML at line {line}, column {col}: {exc}") from exc


InputError = files.InputError


def _description(elem) -> str:
    desc = elem.find("{*}Description")
    return (desc.text or "").strip() if desc is not None else ""


# Deeper than any real codebook (NVivo and ATLAS.ti exports rarely pass 6 levels); the writers
# (ElementTree serialisation) recurse per level, so the limit also keeps them safe.
MAX_CODE_DEPTH = 100


def parse_codes(codes_elem, file, member: str) -> pd.DataFrame:
    """The code tree under a ``Codes`` element, in document order, with paths and labels."""
    rows: list[dict] = []
    # Depth-first, in document order, with an explicit stack (no recursion: a hostile tree
    # thousands of levels deep must give a clear message, not a RecursionError).
    stack = (
        [(code, None, "", None, 0) for code in reversed(codes_elem.findall("{*}Code"))]
        if codes_elem is not None
        else []
    )
    while stack:
        code, parent_guid, parent_path, theme, depth = stack.pop()
        guid = norm_guid(code.get("guid"))
        name = (code.get("name") or "").strip()
        if not guid:
            raise InputError(file, f"{member}: Code {name!r} has no guid", column="guid")
        if not name:
            raise InputError(file, f"{member}: Code {guid} has no name", column="name")
        if depth >= MAX_CODE_DEPTH:
            raise InputError(
                file,
                f"{member}: the code tree is more than {MAX_CODE_DEPTH} levels deep (at code {name!r}); "
                "a codebook this deep is not a real one",
            )
        path = f"{parent_path}{PATH_SEPARATOR}{name}" if parent_path else name
        rows.append(
            {
                "code_guid": guid,
                "name": name,
                "path": path,
                "parent_guid": parent_guid,
                "theme_path": theme or path,
                "depth": depth,
                "description": _description(code),
                "is_codable": (code.get("isCodable") or "true").strip().lower() in ("true", "1"),
                "color": code.get("color") or "",
            }
        )
        stack.extend(
            (child, guid, path, theme or path, depth + 1) for child in reversed(code.findall("{*}Code"))
        )
    frame = pd.DataFrame(rows, columns=CODE_TREE_COLUMNS)
    duplicated = frame["code_guid"][frame["code_guid"].duplicated()]
    if len(duplicated):
        raise InputError(file, f"{member}: two codes share a guid", value=duplicated.iloc[0])
    return label_codes(frame)


def label_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``label`` (name when unique, else full path), ``theme`` (top-level label) and ``order``."""
    frame = frame.copy()
    repeated = frame["name"].duplicated(keep=False)
    frame["label"] = frame["name"].where(~repeated, frame["path"])
    by_path = dict(zip(frame["path"], frame["label"]))
    frame["theme"] = frame["theme_path"].map(by_path)
    frame["order"] = range(len(frame))
    return frame.drop(columns="theme_path")[CODE_COLUMNS].reset_index(drop=True)


def crlf_convention(text: str, spans: list[tuple[int, int]], origin: str = "") -> str:
    """How a source's positions count ``\\r\\n``: ``"two"`` code points or ``"one"``.

    Rule (documented in docs/qualitative.md): an interpretation fits when every selection ends
    within the text it implies and, for "two", no selection boundary falls between a ``\\r`` and
    its ``\\n``. When only one fits, it is used; when both fit, ATLAS.ti projects (whose origin
    says so) use "one" and every other exporter "two" (the spec counts the file's code points);
    when neither fits, "two" is returned and the range check reports the bad selection.
    """
    if "\r\n" not in text:
        return "two"
    one_len = len(text.replace("\r\n", "\n"))
    splits = {m.start() + 1 for m in re.finditer("\r\n", text)}
    fits_two = all(e <= len(text) and s not in splits and e not in splits for s, e in spans)
    fits_one = all(e <= one_len for _, e in spans)
    if fits_one and not fits_two:
        return "one"
    if fits_one and fits_two and "atlas" in origin.lower():
        return "one"
    return "two"


def _source_member(members: dict, path_value: str) -> str | None:
    """The archive member for a plainTextPath: ``internal://`` optional, folder case-insensitive."""
    name = re.sub(r"^internal://", "", path_value.strip(), flags=re.IGNORECASE).lstrip("/")
    lowered = {m.lower(): m for m in members}
    for candidate in (f"sources/{name}", name):
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    return None


def _find_project_member(file, members: dict) -> str:
    qde = [m for m in members if m.lower().endswith(".qde") and "/" not in m.strip("/")]
    for m in qde:
        if m.lower() == "project.qde":
            return m
    if len(qde) == 1:
        return qde[0]
    if not qde:
        raise InputError(
            file,
            "no project.qde (or <name>.qde) at the top of the archive: is this a REFI-QDA project export?",
        )
    raise InputError(file, "several .qde files and none named project.qde", value=sorted(qde))


def _int_attr(elem, attr: str, file, member: str, what: str) -> int:
    value = elem.get(attr)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InputError(
            file, f"{member}: {what}: {attr} is not a whole number", column=attr, value=value
        ) from None


def _cases(root, variables: dict[str, str]) -> tuple[pd.DataFrame, dict, dict]:
    rows, by_selection, by_source = [], {}, {}
    cases_elem = root.find("{*}Cases")
    for case in cases_elem.findall("{*}Case") if cases_elem is not None else []:
        guid = norm_guid(case.get("guid"))
        name = (case.get("name") or "").strip() or guid
        row = {"case_guid": guid, "case": name}
        for vv in case.findall("{*}VariableValue"):
            ref = vv.find("{*}VariableRef")
            var = variables.get(norm_guid(ref.get("targetGUID")) if ref is not None else "", None)
            values = [c for c in vv if _local(c.tag) != "VariableRef"]
            if var and values:
                row[var] = (values[0].text or "").strip()
        for ref in case.findall("{*}SourceRef"):
            by_source.setdefault(norm_guid(ref.get("targetGUID")), []).append(name)
        for ref in case.findall("{*}SelectionRef"):
            by_selection.setdefault(norm_guid(ref.get("targetGUID")), []).append(name)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["case_guid", "case"])
    return frame, by_selection, by_source


def read_qdpx(path) -> Project:
    """Read a REFI-QDA project (.qdpx) into tables; bad content raises :class:`InputError`."""
    path = Path(path)
    members = files.safe_zip_members(path)
    member = _find_project_member(path, members)
    root = parse_xml(files.read_zip_member(path, member), path, member)
    if _local(root.tag) != "Project":
        raise InputError(path, f"{member}: root element is not Project", value=_local(root.tag))
    origin = root.get("origin") or ""
    log: list[dict] = []

    users = {
        norm_guid(u.get("guid")): (u.get("name") or u.get("id") or norm_guid(u.get("guid")))
        for u in root.iterfind(".//{*}User")
    }
    codebook = root.find("{*}CodeBook")
    codes = parse_codes(codebook.find("{*}Codes") if codebook is not None else None, path, member)
    code_by_guid = codes.set_index("code_guid")
    variables = {
        norm_guid(v.get("guid")): (v.get("name") or "").strip() for v in root.iterfind(".//{*}Variable")
    }
    cases, selection_cases, source_cases = _cases(root, variables)

    sources_elem = root.find("{*}Sources")
    source_rows, texts, seg_rows, uncoded_rows = [], {}, [], []
    not_codable = 0
    empty_selections = 0
    for src in list(sources_elem) if sources_elem is not None else []:
        kind = _local(src.tag)
        guid = norm_guid(src.get("guid"))
        if kind != "TextSource":
            n_sel = sum(1 for c in src.iter() if _local(c.tag).endswith("Selection"))
            log.append(
                {
                    "level": "warning",
                    "count": n_sel,
                    "message": f"{kind} {src.get('name') or guid}: only text sources are read; {n_sel} selections left out",
                }
            )
            continue
        name = (src.get("name") or "").strip() or Path(
            re.sub(r"^\w+://", "", src.get("plainTextPath") or guid)
        ).stem
        selections = src.findall("{*}PlainTextSelection")
        whole = src.findall("{*}Coding")
        inline = src.find("{*}PlainTextContent")
        where = f"TextSource {name!r}"
        if inline is not None:
            text, stored = (inline.text or "").lstrip("\ufeff"), "inline"
        else:
            ptp = src.get("plainTextPath") or ""
            mem = _source_member(members, ptp) if ptp else None
            if mem is None:
                if selections or whole:
                    raise InputError(
                        path,
                        f"{member}: {where}: its plain text is not in the archive",
                        column="plainTextPath",
                        value=ptp or None,
                    )
                log.append(
                    {
                        "level": "warning",
                        "count": 1,
                        "message": f"{where}: no plain text in the archive and no selections; left out",
                    }
                )
                continue
            text = files.decode_bytes(files.read_zip_member(path, mem), f"{path}!{mem}").text
            stored = mem
        spans = []
        for sel in selections:
            sid = norm_guid(sel.get("guid"))
            start = _int_attr(sel, "startPosition", path, member, f"{where}, PlainTextSelection {sid}")
            end = _int_attr(sel, "endPosition", path, member, f"{where}, PlainTextSelection {sid}")
            spans.append((start, end))
        convention = crlf_convention(text, spans, origin) if "\r\n" in text else ""
        if convention == "one":
            text = text.replace("\r\n", "\n")
        texts[guid] = text
        source_rows.append(
            {
                "source_guid": guid,
                "source": name,
                "stored": stored,
                "chars": len(text),
                "crlf_positions": convention,
                "selections": len(selections),
            }
        )
        items = [(sel, *span) for sel, span in zip(selections, spans)]
        if whole:
            items.append((src, 0, len(text)))
        for sel, start, end in items:
            sid = norm_guid(sel.get("guid")) if sel is not src else f"{guid}:whole"
            what = f"{where}, PlainTextSelection {sid}"
            if start < 0 or end < start:
                raise InputError(
                    path,
                    f"{member}: {what}: positions are not 0 <= start <= end",
                    column="startPosition",
                    value=(start, end),
                )
            if end > len(text):
                raise InputError(
                    path,
                    f"{member}: {what}: selection ends beyond the source text ({len(text)} code points)",
                    column="endPosition",
                    value=end,
                )
            codings = sel.findall("{*}Coding")
            if codings and start == end and sel is not src:
                # A zero-length selection holds no words: not a coding (counted and logged).
                empty_selections += 1
                continue
            if not codings:
                uncoded_rows.append(
                    {
                        "segment_id": sid,
                        "source": name,
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                        "note": _description(sel),
                    }
                )
                continue
            for coding in codings:
                ref = coding.find("{*}CodeRef")
                target = norm_guid(ref.get("targetGUID")) if ref is not None else ""
                if target not in code_by_guid.index:
                    raise InputError(
                        path,
                        f"{member}: {what}: Coding refers to a code that is not in the codebook",
                        column="CodeRef/@targetGUID",
                        value=target or None,
                    )
                code = code_by_guid.loc[target]
                not_codable += not bool(code["is_codable"])
                user = norm_guid(coding.get("creatingUser") or sel.get("creatingUser") or "")
                seg_rows.append(
                    {
                        "segment_id": sid,
                        "coding_id": norm_guid(coding.get("guid")) or f"{sid}:{target}",
                        "source": name,
                        "source_guid": guid,
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                        "code_guid": target,
                        "code": code["label"],
                        "theme": code["theme"],
                        "coder": users.get(user, user) or "unknown",
                    }
                )
    if not_codable:
        log.append(
            {
                "level": "warning",
                "count": not_codable,
                "message": "codings of codes marked isCodable=false (kept)",
            }
        )
    if uncoded_rows:
        log.append(
            {
                "level": "warning",
                "count": len(uncoded_rows),
                "message": "selections without any coding (memos only): counted, not summarised",
            }
        )
    if empty_selections:
        log.append(
            {
                "level": "warning",
                "count": empty_selections,
                "message": "zero-length coded selections (start = end, no text) are not codings: left out",
            }
        )
    left_out = Counter(_local(src.tag) for src in (sources_elem if sources_elem is not None else []))
    left_out.pop("TextSource", None)
    if left_out and not source_rows:
        n_sel = sum(entry["count"] for entry in log if "only text sources are read" in entry["message"])
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(left_out.items()))
        raise InputError(
            path,
            f"no text sources: only text sources are read ({kinds} with {n_sel} selection"
            f"{'' if n_sel == 1 else 's'} left out); export the transcripts as text (TextSource) sources",
        )
    segments = pd.DataFrame(seg_rows, columns=SEGMENT_COLUMNS)
    segments[["start", "end"]] = segments[["start", "end"]].astype("int64")
    return Project(
        file=path,
        name=root.get("name") or path.stem,
        origin=origin,
        codes=codes,
        sources=pd.DataFrame(
            source_rows, columns=["source_guid", "source", "stored", "chars", "crlf_positions", "selections"]
        ),
        texts=texts,
        segments=segments,
        uncoded=pd.DataFrame(uncoded_rows, columns=["segment_id", "source", "start", "end", "text", "note"]),
        cases=cases,
        selection_cases=selection_cases,
        source_cases=source_cases,
        log=log,
    )


def read_codebook(path) -> pd.DataFrame:
    """Read a standalone REFI-QDA codebook (.qdc, any namespace version) as the code table."""
    path = Path(path)
    root = parse_xml(files.read_bytes(path), path, path.name)
    if _local(root.tag) != "CodeBook":
        raise InputError(path, "root element is not CodeBook", value=_local(root.tag))
    return parse_codes(root.find("{*}Codes"), path, path.name)


# ---------------------------------------------------------------------------------- writers


def _code_elements(parent, codes: pd.DataFrame, parent_guid, ns: str, guid_case=str.upper):
    """The Code elements of ``codes`` under ``parent``, children in ``order`` (iterative)."""
    children_of: dict = {}
    for row in codes.sort_values("order").itertuples():
        key = None if not isinstance(row.parent_guid, str) else row.parent_guid
        children_of.setdefault(key, []).append(row)
    stack = [(parent, row) for row in reversed(children_of.get(parent_guid, []))]
    while stack:
        into, row = stack.pop()
        attrs = {
            "guid": guid_case(row.code_guid),
            "name": row.name,
            "isCodable": "true" if row.is_codable else "false",
        }
        if isinstance(row.color, str) and row.color:
            attrs["color"] = row.color
        elem = StdET.SubElement(into, f"{{{ns}}}Code", attrs)
        if isinstance(row.description, str) and row.description:
            StdET.SubElement(elem, f"{{{ns}}}Description").text = row.description
        stack.extend((elem, child) for child in reversed(children_of.get(row.code_guid, [])))


def codebook_xml(codes: pd.DataFrame, origin: str = "helpers.qualitative") -> bytes:
    """A REFI-QDA codebook document (namespace ``urn:QDA-XML:codebook:1.0``) for ``codes``."""
    StdET.register_namespace("", CODEBOOK_NS)
    root = StdET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": origin})
    _code_elements(StdET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), codes, None, CODEBOOK_NS)
    StdET.indent(root)
    return StdET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_codebook(codes: pd.DataFrame, relative: str = "reports/codebook.qdc") -> Path:
    """Export the codebook as REFI-QDA .qdc (to take back into NVivo, ATLAS.ti, MAXQDA ...)."""
    target = paths.output(relative)
    with outputs.atomic_path(target) as tmp:
        tmp.write_bytes(codebook_xml(codes))
    return target


def seeded_guid(rng) -> str:
    """A version-4 GUID drawn from ``rng`` (a random.Random), upper case as ATLAS.ti writes them."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def project_xml(
    *,
    name: str,
    origin: str,
    users: list[dict],
    codes: pd.DataFrame,
    variables: list[dict],
    cases: list[dict],
    sources: list[dict],
) -> bytes:
    """A project.qde in schema order. ``sources``: dicts with guid, name, selections (guid, start,
    end, codings [(guid, code_guid, user_guid)]); ``cases``: guid, name, values {var guid: text},
    source_refs, selection_refs; ``variables``: guid, name."""
    ns = PROJECT_NS
    StdET.register_namespace("", ns)
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    root = StdET.Element(q("Project"), {"name": name, "origin": origin})
    users_elem = StdET.SubElement(root, q("Users"))
    for user in users:
        StdET.SubElement(users_elem, q("User"), {"guid": user["guid"], "name": user["name"]})
    _code_elements(StdET.SubElement(StdET.SubElement(root, q("CodeBook")), q("Codes")), codes, None, ns)
    if variables:
        var_elem = StdET.SubElement(root, q("Variables"))
        for var in variables:
            StdET.SubElement(
                var_elem, q("Variable"), {"guid": var["guid"], "name": var["name"], "typeOfVariable": "Text"}
            )
    if cases:
        cases_elem = StdET.SubElement(root, q("Cases"))
        for case in cases:
            elem = StdET.SubElement(cases_elem, q("Case"), {"guid": case["guid"], "name": case["name"]})
            for var_guid, value in case.get("values", {}).items():
                vv = StdET.SubElement(elem, q("VariableValue"))
                StdET.SubElement(vv, q("VariableRef"), {"targetGUID": var_guid})
                StdET.SubElement(vv, q("TextValue")).text = value
            for ref in case.get("source_refs", []):
                StdET.SubElement(elem, q("SourceRef"), {"targetGUID": ref})
            for ref in case.get("selection_refs", []):
                StdET.SubElement(elem, q("SelectionRef"), {"targetGUID": ref})
    sources_elem = StdET.SubElement(root, q("Sources"))
    for src in sources:
        elem = StdET.SubElement(
            sources_elem,
            q("TextSource"),
            {"guid": src["guid"], "name": src["name"], "plainTextPath": f"internal://{src['guid']}.txt"},
        )
        for sel in src["selections"]:
            sel_elem = StdET.SubElement(
                elem,
                q("PlainTextSelection"),
                {"guid": sel["guid"], "startPosition": str(sel["start"]), "endPosition": str(sel["end"])},
            )
            for coding_guid, code_guid, user_guid in sel["codings"]:
                coding = StdET.SubElement(
                    sel_elem, q("Coding"), {"guid": coding_guid, "creatingUser": user_guid}
                )
                StdET.SubElement(coding, q("CodeRef"), {"targetGUID": code_guid})
    StdET.indent(root)
    return StdET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
