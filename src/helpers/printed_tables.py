"""The tables a release prints for readers, read back and compared with the published CSVs.

The intruder audit (helpers.audit) reads the CSV tables and the workbooks; a reader also sees
the tables the HTML reports print, the deck's slides and speaker notes, the executed notebooks
published beside the reports and the Word documents. A count suppressed in a CSV but printed in
the clear in any of them is a leak, whatever the CSV says. This module

* extracts every table a published file prints, as text cells (:func:`html_tables`: HTML reports
  and the deck, speaker notes included, parsed with lxml; :func:`notebook_tables`: the
  ``text/html`` outputs of an executed notebook; :func:`docx_tables`: python-docx);
* maps each printed table onto the published CSV it reprints (:func:`compare`). A table that
  names the CSV it reprints (``data-reprints`` on an HTML table, "Reprints <name>.csv" as a Word
  table's description: :attr:`helpers.tables.TableSpec.reprints`) is compared with that CSV and
  no other; a declaration that its numbers contradict is itself a finding. Any other table is
  mapped with no help from the code that drew it: a printed row is a CSV row whose text cells (item, question, group,
  role...) include every text cell of the printed row that identifies it (the stub, the first
  column, and the cells under a heading of one of the CSV's text columns); a printed column is a CSV column when its
  heading is the column's name or its heading as :func:`helpers.tables.heading` writes it, or a
  group of the CSV when the table is shown wide (one column per group);
* checks every mapped cell: a cell the CSV suppresses (empty or the marker) must not be printed as
  a number, a count the CSV prints must be printed as the same number (or suppressed nowhere),
  and a number printed in a wide table whose CSV row has a suppressed cell must be one of the
  numbers the CSV row publishes.

A printed table that reprints no CSV and counts people by role group (a role name in its rows,
a column headed like a count) is held to the primary rule: no count 1 .. the rule's upper limit.
Prose (markdown, the speaker notes' sentences, printed text) is not mapped to cells, but it is
read (:func:`prose_text`): a whole number stated as a count of people ("1 participant", "3 chief
executives", "4 of 60 respondents": helpers.disclosure.prose_counts) is held to the primary rule, no count
1 .. the rule's upper limit; see docs/disclosure.md.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import disclosure
from helpers.tables import REPRINTS_ATTRIBUTE, REPRINTS_PREFIX, TEXT_FORMATS, display_text, heading

# A printed number: optional comparison sign, a signed number with thousands separators, an
# optional percent sign, then optionally an interval in brackets ("60% (56 to 65)").
_NUMBER = re.compile(r"^[<>≤≥]?\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*%?(?:\s*\(.*\))?$")
MISSING = {"–", "-", "—", ""}
ROLE_WORDS = ("chief executive", "medical director", "clinical director", "directorate manager")
COUNT_HEADINGS = {"n", "count", "respondents", "participants", "number", "people"}
# Text columns that describe a row rather than name it, printed in the codebook's words
# (helpers.tables: model terms by the covariates' wording, a scale's reversed items by their
# short labels), which the published CSV does not hold: they do not identify the row.
# A CSV's booleans as a report prints them (helpers.tables: "yes" / "no").
_BOOLEAN_WORDS = {"true": "yes", "false": "no"}
DESCRIBING = frozenset({"collinear_terms_dropped", "unstable_cutpoint_terms", "reversed"})


@functools.lru_cache(maxsize=65536)
def _norm_text(text: str) -> str:
    return " ".join(text.replace("\u2212", "-").replace("\xa0", " ").split()).lower()


def _norm(text) -> str:
    return _norm_text(str(text))


@functools.lru_cache(maxsize=65536)
def printed_number(text: str) -> tuple[float, int] | None:
    """(value, decimals) of a printed number ("1,234", "60%", "60% (56 to 65)", "−0.5"), or None."""
    found = _NUMBER.match(_norm(text))
    if not found:
        return None
    raw = found[1].replace(",", "")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    try:
        return float(raw), decimals
    except ValueError:
        return None


@dataclass
class Printed:
    """One printed table: where it is, its column headings and its body rows (text cells)."""

    where: str
    headings: list[str]
    rows: list[list[str]] = field(default_factory=list)
    reprints: str = ""  # the CSV the table says it reprints (helpers.tables.TableSpec.reprints)


# ---------------------------------------------------------------------------------------------
# Reading printed tables


def _grid(rows) -> list[list[str]]:
    """Rows of lxml cells -> a rectangular grid of texts, colspan and rowspan expanded."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        out: list[str] = []
        c = 0
        for cell in row:
            while (r, c) in pending:
                out.append(pending.pop((r, c)))
                c += 1
            text = " ".join(cell.text_content().split())
            span = (
                max(1, int(cell.get("colspan", "1") or 1)) if str(cell.get("colspan", "1")).isdigit() else 1
            )
            down = int(cell.get("rowspan", "1")) if str(cell.get("rowspan", "1")).isdigit() else 1
            for k in range(span):
                out.append(text)
                for d in range(1, down):
                    pending[(r + d, c + k)] = text
            c += span
        while (r, c) in pending:
            out.append(pending.pop((r, c)))
            c += 1
        grid.append(out)
    return grid


def html_tables(html: str, where: str) -> list[Printed]:
    """Every table an HTML page prints (reports, the deck and its speaker notes, the index)."""
    if "<table" not in html:
        return []
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(html)
    found = []
    for n, table in enumerate(doc.iter("table"), start=1):
        head = [tr.xpath("./th|./td") for tr in table.xpath("./thead/tr")]
        body = [tr.xpath("./th|./td") for tr in table.xpath("./tbody/tr|./tr")]
        if not head and body:  # a table without <thead>: its leading rows of <th> are the header
            while body and body[0] and all(c.tag == "th" for c in body[0]):
                head.append(body.pop(0))
        caption = table.xpath("./caption")
        title = caption[0].text_content().strip() if caption else ""
        if not title:
            heads = _grid(head)
            title = heads[0][0] if heads and heads[0] and len(set(heads[0])) == 1 else ""
        label = f"{where} table {n}" + (f" ({title[:60]})" if title else "")
        found.append(_printed(_grid(head), _grid(body), label, table.get(REPRINTS_ATTRIBUTE) or ""))
    return found


def _printed(head: list[list[str]], body: list[list[str]], where: str, reprints: str = "") -> Printed:
    width = max((len(r) for r in head + body), default=0)
    # a row of one cell spanning the table (a title, spanner or source note) is not a row of data
    body = [r for r in body if len(set(r)) > 1 or width == 1]
    headings = [""] * width
    for row in head:
        if len(set(row)) == 1 and width > 1:
            continue  # the title row
        for j, text in enumerate(row):
            headings[j] = text
    return Printed(where, headings, [r + [""] * (width - len(r)) for r in body], reprints.strip())


def notebook_tables(path: Path, where: str) -> list[Printed]:
    """The tables of an executed notebook's outputs (``text/html``)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found = []
    for i, cell in enumerate(nb.get("cells", []), start=1):
        for output in cell.get("outputs", []) or []:
            html = (output.get("data") or {}).get("text/html")
            if html:
                text = "".join(html) if isinstance(html, list) else html
                found += html_tables(text, f"{where} cell {i}")
    return found


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_tables(path: Path, where: str) -> list[Printed]:
    """The tables of a Word document (its ``word/document.xml``, read with lxml: python-docx's
    cell access took 0.5 s for one report's tables); merged cells repeat their text as
    python-docx shows them; the leading rows in bold are the header."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    found = []
    for n, table in enumerate(root.iter(f"{W}tbl"), start=1):
        rows: list[list[str]] = []
        bold: list[bool] = []
        above: dict[int, str] = {}
        for tr in table.iterchildren(f"{W}tr"):
            runs = [r for r in tr.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")).strip()]
            bold.append(bool(runs) and all(r.find(f"{W}rPr/{W}b") is not None for r in runs))
            row: list[str] = []
            for tc in tr.iterchildren(f"{W}tc"):
                props = tc.find(f"{W}tcPr")
                span, merge = 1, None
                if props is not None:
                    grid = props.find(f"{W}gridSpan")
                    span = int(grid.get(f"{W}val", "1")) if grid is not None else 1
                    vmerge = props.find(f"{W}vMerge")
                    merge = None if vmerge is None else vmerge.get(f"{W}val", "continue")
                text = " ".join("".join(t.text or "" for t in tc.iter(f"{W}t")).split())
                if merge == "continue":
                    text = above.get(len(row), "")
                for _ in range(span):
                    above[len(row)] = text
                    row.append(text)
            rows.append(row)
        k = 0  # the header: the leading rows in bold (helpers.tables.to_docx), at least one
        while k < len(rows) and bold[k]:
            k += 1
        k = min(max(k, 1), len(rows))
        described = table.find(f"{W}tblPr/{W}tblDescription")
        text = described.get(f"{W}val", "") if described is not None else ""
        declared = text[len(REPRINTS_PREFIX) : -len(".csv")] if _declares(text) else ""
        found.append(_printed(rows[:k], rows[k:], f"{where} table {n}", declared))
    return found


def _declares(description: str) -> bool:
    return description.startswith(REPRINTS_PREFIX) and description.endswith(".csv")


def read(path: Path, where: str) -> list[Printed]:
    """The printed tables of one published file (HTML, notebook, Word); [] for anything else."""
    if path.suffix in (".html", ".htm"):
        return html_tables(path.read_text(encoding="utf-8", errors="replace"), where)
    if path.suffix == ".ipynb":
        return notebook_tables(path, where)
    if path.suffix == ".docx":
        return docx_tables(path, where)
    return []


# ---------------------------------------------------------------------------------------------
# Mapping printed cells onto the CSV they reprint


@dataclass
class Source:
    """A published CSV, indexed for matching: row keys (its text cells), column headings."""

    name: str
    table: pd.DataFrame
    people: bool
    marker: str = "*"
    extra_counts: tuple = ()  # columns counting people that are not named like counts
    labels: dict = field(default_factory=dict)  # item or variable name -> question (normalised)
    keys: list[set] = field(default_factory=list)
    postings: dict = field(default_factory=lambda: defaultdict(set))
    columns: dict = field(default_factory=dict)  # normalised heading -> column
    text_headings: set = field(default_factory=set)  # normalised headings of the text columns
    counts: set = field(default_factory=set)
    values: set = field(default_factory=set)  # every text cell, normalised (group names ...)

    def __post_init__(self):
        self.cells = {c: [str(v).strip() for v in self.table[c]] for c in self.table.columns}
        numeric = _numeric_columns(self.table, self.marker)
        self.counts = (set(disclosure.count_columns(self.table)) | set(self.extra_counts)) & numeric
        for col in self.table.columns:
            if col in numeric:
                for label in (col, heading(col), str(col).replace("_", " ")):
                    self.columns.setdefault(_norm(label), col)
        text_cols = [c for c in self.table.columns if c not in numeric]
        self.text_headings = {
            _norm(x)
            for c in text_cols
            if c not in DESCRIBING
            for x in (c, heading(c), str(c).replace("_", " "))
        }
        shown = [c for c in text_cols if c in TEXT_FORMATS]  # codes a report writes in words
        for i, row in enumerate(self.table[text_cols].itertuples(index=False)):
            keys = {_norm(v) for v in row if str(v).strip()}
            keys |= {_norm(display_text(c, self.cells[c][i])) for c in shown if self.cells[c][i]}
            keys |= {self.labels[k] for k in keys if k in self.labels}  # item -> its question
            keys |= {_BOOLEAN_WORDS[k] for k in keys if k in _BOOLEAN_WORDS}  # True printed as "yes"
            self.keys.append(keys)
            for k in keys:
                self.postings[k].add(i)
            self.values |= keys

    def rows_with(self, keys: Iterable[str]) -> set:
        keys = list(keys)
        if not keys:
            return set()
        out = set(self.postings.get(keys[0], ()))
        for k in keys[1:]:
            out &= self.postings.get(k, set())
            if not out:
                break
        return out

    def suppressed(self, i: int, col: str) -> bool:
        return self.cells[col][i] in ("", self.marker)


def _numeric_columns(table: pd.DataFrame, marker: str) -> set:
    out = set()
    for col in table.columns:
        values = [str(v).strip() for v in table[col]]
        shown = [v for v in values if v not in ("", marker)]
        if shown and all(_float(v) is not None for v in shown):
            out.add(col)
    return out


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _same(csv_text: str, printed: tuple[float, int], exact: bool) -> bool:
    value = _float(csv_text)
    if value is None:
        return False
    x, decimals = printed
    if exact:
        return abs(value - x) < 1e-9
    return abs(value - x) <= 0.5 * 10**-decimals + 1e-9  # rounded half up or half to even


@functools.lru_cache(maxsize=65536)
def _is_text(cell: str, marker: str) -> bool:
    return printed_number(cell) is None and _norm(cell) not in MISSING and cell.strip() != marker


@dataclass
class Finding:
    where: str
    cell: str
    problem: str
    value: str
    source: str = ""


def _map(printed: Printed, source: Source) -> list[tuple]:
    """(row, column, csv row, csv column or None) for every printed number mapped onto a
    single CSV row of ``source``; csv column None means a wide table's group column."""
    marker = source.marker
    mapped = []
    # A text cell identifies the row when it is the stub (the first column) or sits under the
    # heading of one of the CSV's text columns: another text cell ("most often raised by:
    # clinical director") may name a group without being the row's.
    keyed = [j == 0 or _norm(h) in source.text_headings for j, h in enumerate(printed.headings)]
    for r, row in enumerate(printed.rows):
        keys = {_norm(c) for j, c in enumerate(row) if _is_text(c, marker) and (j >= len(keyed) or keyed[j])}
        if not keys:
            continue
        base = source.rows_with(keys)
        if not base:
            continue
        for j, cell in enumerate(row):
            if _is_text(cell, marker):
                continue
            h = _norm(printed.headings[j]) if j < len(printed.headings) else ""
            col = source.columns.get(h)
            if col is not None:
                rows = base
            elif h and h in source.values and h not in keys:
                rows = base & source.postings.get(h, set())
            else:
                continue
            if len(rows) == 1:
                mapped.append((r, j, next(iter(rows)), col))
            elif col is not None:
                values = {source.cells[col][i] for i in rows}
                if len(values) == 1 and _float(next(iter(values))) is not None:
                    mapped.append((r, j, min(rows), col))  # several rows that print the same number
    # A CSV cell is printed once per table: one that several printed cells map onto (rows of a
    # model table that repeat the question, say) was not identified, and is not compared.
    seen: dict = defaultdict(int)
    for _, j, i, col in mapped:
        seen[(i, col if col is not None else j)] += 1
    return [m for m in mapped if seen[(m[2], m[3] if m[3] is not None else m[1])] == 1]


def compare(
    printed: Printed, sources: Mapping[str, Source], rule: disclosure.Rule
) -> tuple[str | None, list]:
    """The CSV ``printed`` reprints (the one onto which most of its numbers map; None when it
    reprints none) and the problems found: a suppressed cell printed, a count printed
    differently, a count printed as suppressed, a wide table's number the CSV row does not
    publish; for a table that reprints no CSV and counts people by role, a count 1 .. upper."""
    best, best_map, best_score = None, [], 0
    marker = str(rule.marker) if rule.marker is not None else "*"
    findings: list[Finding] = []
    declared = sources.get(printed.reprints) if printed.reprints else None
    if declared is not None:
        # the table names the CSV it reprints: compared with that one, never matched by guess
        # onto another that shares its row labels (issue 15: the sensitivity table's rows,
        # labelled by question text, matched the role-effect table's)
        best, best_map = declared, _map(printed, declared)
        agree, differ = _agreement(printed, declared, best_map)
        numbers_printed = any(printed_number(c) for row in printed.rows for c in row)
        if not best_map and numbers_printed:
            findings.append(
                Finding(
                    printed.where,
                    "the whole table",
                    f"declared a reprint of {declared.name}.csv, but none of its numbers could be "
                    "placed in that CSV (rows or headings it does not have)",
                    "",
                    declared.name,
                )
            )
        elif differ > agree:
            findings.append(
                Finding(
                    printed.where,
                    "the whole table",
                    f"declared a reprint of {declared.name}.csv, but {differ} of its "
                    f"{agree + differ} numbers mapped onto that CSV differ from it",
                    "",
                    declared.name,
                )
            )
    else:
        keys = {_norm(c) for row in printed.rows for c in row if _is_text(c, marker)}
        for source in sources.values():
            if not keys & source.values:
                continue  # no row of this CSV can be printed here
            mapped = _map(printed, source)
            agree, differ = _agreement(printed, source, mapped)
            numbers = _agreement(printed, source, mapped, numbers_only=True)[0]
            # a reprint agrees with its CSV on the numbers both print; a table that only shares
            # row labels and a heading with a CSV (a model's n beside the table's n) does not,
            # nor one whose only agreement is blanks against blanks (a withheld test's n beside
            # a suppressed n_valid)
            if agree > best_score and differ <= agree and numbers > 0:
                best, best_map, best_score = source, mapped, agree
    if best is None:
        return None, _unmatched(printed, rule)
    if not best.people:
        return best.name, findings
    marker = best.marker
    for r, j, i, col in best_map:
        text = printed.rows[r][j]
        shown = printed_number(text)
        label = f"row {r + 1} ({_row_label(printed.rows[r], marker)}), column {printed.headings[j]!r}"
        if col is None:
            suppressed = [
                c for c in best.table.columns if c in best.columns.values() and best.suppressed(i, c)
            ]
            if shown is None or not suppressed:
                continue
            published = [best.cells[c][i] for c in best.columns.values() if not best.suppressed(i, c)]
            if not any(_same(str(v), shown, exact=False) for v in published):
                findings.append(
                    Finding(
                        printed.where,
                        label,
                        f"{best.name}.csv row {i + 1} suppresses {', '.join(suppressed)}; the printed "
                        "number is none of the numbers that row publishes",
                        text,
                        best.name,
                    )
                )
            continue
        csv_text = best.cells[col][i]
        where_csv = f"{best.name}.csv row {i + 1}, {col}"
        if best.suppressed(i, col):
            if shown is not None:
                findings.append(
                    Finding(
                        printed.where,
                        label,
                        f"{where_csv} is suppressed; printed in the clear",
                        text,
                        best.name,
                    )
                )
        elif shown is None:
            if _norm(text) not in MISSING or col in best.counts:
                findings.append(
                    Finding(
                        printed.where,
                        label,
                        f"{where_csv} prints {csv_text}; suppressed here",
                        text,
                        best.name,
                    )
                )
        elif col in best.counts and not _same(csv_text, shown, exact=True):
            findings.append(Finding(printed.where, label, f"{where_csv} prints {csv_text}", text, best.name))
    return best.name, findings


def _agreement(printed: Printed, source: Source, mapped: list, numbers_only: bool = False) -> tuple[int, int]:
    """(cells printed as the CSV prints them, numbers printed differently) among ``mapped``;
    with ``numbers_only``, a blank printed where the CSV is blank does not count as agreeing."""
    agree = differ = 0
    for r, j, i, col in mapped:
        shown = printed_number(printed.rows[r][j])
        if col is None:
            agree += shown is not None
            continue
        csv_text = source.cells[col][i]
        if source.suppressed(i, col) or shown is None:
            if source.suppressed(i, col) and shown is None:
                agree += not numbers_only
            else:
                differ += 1  # a number against the marker, either way
        elif _same(csv_text, shown, exact=col in source.counts):
            agree += 1
        else:
            differ += 1
    return agree, differ


def _row_label(row: list[str], marker: str) -> str:
    texts = [c for c in row if _is_text(c, marker)]
    return (texts[0][:50] if texts else "").strip()


def _unmatched(printed: Printed, rule: disclosure.Rule) -> list[Finding]:
    """A table that reprints no CSV and counts people by role: the primary rule on its counts."""
    marker = str(rule.marker) if rule.marker is not None else "*"
    by_role = any(w in _norm(c) for row in printed.rows for c in row for w in ROLE_WORDS)
    if not by_role:
        return []
    findings = []
    for j, h in enumerate(printed.headings):
        name = _norm(h)
        if not (name in COUNT_HEADINGS or name.startswith("n ")):
            continue
        for r, row in enumerate(printed.rows):
            shown = printed_number(row[j]) if j < len(row) else None
            if shown and shown[1] == 0 and rule.is_sensitive(shown[0]):
                findings.append(
                    Finding(
                        printed.where,
                        f"row {r + 1} ({_row_label(row, marker)}), column {h!r}",
                        f"a count of {shown[0]:g} people printed in a table that reprints no published CSV",
                        row[j],
                    )
                )
    return findings


def sources(
    csvs: Mapping[str, Path], people: set, marker: str = "*", counts_by_name: Mapping | None = None
) -> dict[str, Source]:
    """Every published CSV indexed for matching; ``people``: the names of those that count people
    (checked), the others (records, codings) are matched only so that their reprints are known;
    ``counts_by_name``: columns counting people that are not named like counts, per CSV."""
    read = {name: pd.read_csv(path, dtype=str, keep_default_na=False) for name, path in csvs.items()}
    # a report labels an item's rows by its question and a scale's by its label (the codebook's,
    # helpers.tables); a CSV may name the item or scale only: the question of every item or
    # variable, and the label of every scale, that a published table gives
    labels = {}
    for table in read.values():
        for key, text in (("item", "question"), ("variable", "question"), ("scale", "label")):
            if key in table.columns and text in table.columns:
                labels.update({_norm(k): _norm(q) for k, q in zip(table[key], table[text]) if str(q).strip()})
                break
    out = {}
    for name, table in read.items():
        if len(table):
            extra = tuple((counts_by_name or {}).get(name, ()))
            out[name] = Source(name, table, name in people, marker, extra, labels)
    return out


BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "aside", "br", "dt", "dd", "blockquote", "pre", "figcaption", "caption", "title")  # fmt: skip


def prose_text(path: Path) -> str:
    """The text a published file shows outside its tables, whitespace collapsed within a line:
    an HTML page's (the deck's slides and speaker notes included; tables, scripts, styles and
    SVG left out; each block element, a heading or paragraph, its own line, so that a heading
    does not run into the sentence after it), a notebook's markdown cells and its markdown and
    printed (stream) outputs, a Word document's paragraphs outside tables (a line each)."""
    from lxml import etree
    from lxml import html as lxml_html

    def lines(text: str) -> str:
        return "\n".join(line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line)

    path = Path(path)
    if path.suffix in (".html", ".htm"):
        doc = lxml_html.fromstring(path.read_bytes())
        for node in doc.xpath("//table|//script|//style|//svg|//*[local-name()='svg']"):
            node.drop_tree()
        for node in doc.iter(*BLOCKS):
            node.tail = "\n" + (node.tail or "")
            if len(node):
                node[-1].tail = (node[-1].tail or "") + "\n"
            else:
                node.text = (node.text or "") + "\n"
        return lines(doc.text_content())
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        parts = []
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                parts.append("".join(cell.get("source", "")))
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "text/markdown" in data:
                    parts.append("".join(data["text/markdown"]))
                elif out.get("output_type") == "stream":
                    parts.append("".join(out.get("text", "")))
        return lines("\n".join(parts))
    if path.suffix == ".docx":
        import zipfile

        with zipfile.ZipFile(path) as archive:
            root = etree.fromstring(archive.read("word/document.xml"))
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        body = root.find(f"{w}body")
        paragraphs = [] if body is None else body.findall(f"{w}p")  # tables' paragraphs are under w:tbl
        return lines("\n".join("".join(t.text or "" for t in p.iter(f"{w}t")) for p in paragraphs))
    return ""
