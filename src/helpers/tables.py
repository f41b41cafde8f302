"""One table specification for every published table, with two renderers.

A :class:`TableSpec` says how a (disclosure-protected) table is presented: its title, the
column that labels the rows (shown as the stub, never a 0-based index), each column's heading
and the kind of number it holds, spanners over groups of columns (role groups under "Role
group"), footnotes and the source note naming the data and its date. :func:`cells` turns the
table into the text a reader sees, every number through :mod:`helpers.numbers` (the one
formatter); the two renderers draw those same cells:

* :func:`to_html` / :func:`show`: great_tables (pure HTML and CSS, no script, no web font: it
  renders the same offline in the nbconvert report, in JupyterLab and on a slide);
* :func:`to_docx`: python-docx, one Word document per report holding its tables, each titled
  and footnoted (:class:`WordTables`).

The suppression marker of :mod:`helpers.disclosure` is kept as it is, and a footnote explains
it whenever a cell carries it. A value that does not exist is an en dash, never ``NaN``.

:func:`use_report_style` makes every other DataFrame a notebook displays go through the same
path with a default specification (headings from the column names, kinds of number guessed
from them, no index column), so no notebook shows a raw ``NaN``, ``1.000000e+00`` or an index.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import numbers
from helpers.source_notes import STRAND_DATA, data_source

SUPPRESSED_NOTE = (
    "{marker} Not shown: fewer than the disclosure threshold, or suppressed so that a small count "
    "cannot be worked out from the other cells (statistical disclosure control)."
)
MISSING_NOTE = (
    "{dash} No value: none exists for this cell (not applicable, or not computable from the "
    "answers), or it is withheld by the statistical disclosure control (the text says which)."
)
PCT_CI = "pct_ci"  # a composite kind: "% (95% CI)" from three columns
KINDS = (*numbers.KINDS, PCT_CI, "text", "number", "year")


@dataclass
class TableSpec:
    """How one table is presented. ``columns`` maps each shown column to its heading, in
    order; ``kinds`` maps a column to a kind of number (:data:`helpers.numbers.KINDS`,
    ``"number"`` for an already-published value of unknown kind, ``"text"``); ``pct_ci`` maps a
    new column to its (percentage, low, high) columns, shown as "60% (55 to 64)";
    ``spanners`` maps a heading to the columns under it."""

    title: str = ""
    columns: Mapping[str, str] | None = None
    kinds: Mapping[str, str] = field(default_factory=dict)
    stub: str | None = None
    stub_label: str = ""
    row_labels: Mapping[str, str] = field(default_factory=dict)
    pct_ci: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)
    spanners: Mapping[str, Sequence[str]] = field(default_factory=dict)
    notes: Sequence[str] = ()
    source: str = ""
    marker: str = "*"
    name: str = ""
    nowrap: Sequence[str] = ()  # columns kept on one line ("60% (55 to 64)" never broken)
    # the published CSV (its name, without .csv) this table reprints, when it reprints one: the
    # renderers record it (HTML ``data-reprints``, Word's table description) so the printed-table
    # audit (helpers.printed_tables) compares the table with that CSV instead of guessing
    reprints: str = ""

    def __post_init__(self):
        if self.reprints and not re.fullmatch(r"[A-Za-z0-9_.-]+", self.reprints):
            raise ValueError(f"TableSpec: reprints {self.reprints!r} is not a published table's name")
        for column, kind in self.kinds.items():
            if kind not in KINDS:
                raise ValueError(f"TableSpec: column {column!r} has unknown kind {kind!r}")


# Words kept as written when a heading is made from a column name.
_WORDS = {
    "n": "n",
    "pct": "%",
    "ci": "CI",
    "p": "p",
    "or": "OR",
    "sd": "SD",
    "dof": "df",
    "chi2": "Chi-square",
    "id": "ID",
    "doi": "DOI",
    "pmid": "PMID",
    "qdpx": "QDPX",
    "holm": "(Holm)",
    "pp": "(points)",
    "kw": "Kruskal-Wallis",
    "cramers": "Cramér's",
    "v": "V",
    "lr": "LR",
    "rr1": "RR1",  # AAPOR response rates
    "rr2": "RR2",
}


def heading(column: str) -> str:
    """'records_parsed' -> 'Records parsed'; 'p_holm' -> 'p (Holm)'; 'kappa_ci_low' -> 'Kappa CI low'."""
    words = [w for w in re.split(r"[_\s]+", str(column)) if w]
    if not words:
        return str(column)
    out = [_WORDS.get(w.lower(), w) for w in words]
    if words[0].lower() not in _WORDS and out[0].islower():
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def guess_kind(column: str, values: pd.Series, columns: Sequence[str] = ()) -> str:
    """The kind of number a column holds, from its name (used when a spec gives none);
    ``columns``: the table's columns (an interval's bounds take the kind of its estimate,
    :func:`helpers.numbers.kind_of`)."""
    name = str(column).lower()
    if not (pd.api.types.is_numeric_dtype(values) or values.dtype == object):
        return "text"
    if pd.api.types.is_bool_dtype(values):
        return "text"
    if name == "year" or name.endswith("_year") or name.startswith("year_"):
        return "year"
    if name == "p" or name.startswith("p_") or name.endswith("_p") or "_p_" in name:
        return "p_value"
    if name in {"n", "count", "records", "pairs", "participants", "references", "codings"} or name.startswith(
        ("n_", "records_", "hits_")
    ):
        return "count"
    named = numbers.kind_of(name, columns)
    if named is not None:
        return named
    if pd.api.types.is_integer_dtype(values):
        return "count"
    return "number"


def _text(value, kind: str, marker: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_text(v, kind, marker) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v, kind, marker)}" for k, v in value.items())
    if not isinstance(value, (int, float, np.number)) and value is not None and value is not pd.NA:
        return str(value)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return numbers.MISSING_TEXT
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind in ("text",):
        return str(value)
    if kind == "year":
        return str(int(value)) if float(value).is_integer() else str(value)
    if kind == "number":
        return numbers.published(value)
    if kind == "count":
        return numbers.count(value)
    if kind == "percentage":
        return numbers.percentage(value)
    if kind == "p_value":
        return numbers.p_value(value)
    if kind == "test_statistic":
        return numbers.test_statistic(value)
    if kind == "odds_ratio":
        return numbers.odds_ratio(value)
    if kind == "effect_size":
        return numbers.effect_size(value)
    if kind == "mean":
        return numbers.mean(value)
    if kind in numbers.KINDS:
        return numbers.text(value, kind)
    return str(value)


_TERM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]$")


def _terms(text: str) -> str:
    """Model terms as a reader reads them: 'org_type[Health board], nation[Wales]' ->
    'Organisation type: Health board, Nation: Wales' (patsy's ``name[level]``; the levels are
    already the codebook's value labels). A covariate is named by the codebook's wording of it
    (its ``covariates`` section, :func:`use_report_style`), else by its name in words; its
    levels listed together are named once ('Organisation type: Health board, Other; Nation:
    Wales')."""
    wording = _defaults.get("term_labels") or {}
    groups: list[tuple[str | None, list[str]]] = []  # (covariate, its levels) in order
    for part in str(text).split(", "):
        found = _TERM.match(part.strip())
        name, level = (found[1], found[2]) if found else (None, part)
        if name is not None and groups and groups[-1][0] == name:
            groups[-1][1].append(level)  # 'Organisation type: Health board, Other'
        else:
            groups.append((name, [level]))
    parts = [
        f"{wording.get(name) or heading(name)}: {', '.join(levels)}" if name else levels[0]
        for name, levels in groups
    ]
    merged = any(len(levels) > 1 for _, levels in groups)
    return ("; " if merged else ", ").join(parts)


def _item_list(text: str) -> str:
    """Survey items named in one cell ('att_a, att_b': a scale's reversed items) as a reader
    knows them: each item's short label (else its question) from the codebook, separated by
    semicolons (a label may hold a comma); a name the codebook does not know stays as it is."""
    labels = _defaults.get("short_labels") or {}
    names = [n.strip() for n in str(text).split(",") if n.strip()]
    if not labels or not any(n in labels for n in names):
        return text
    return "; ".join(labels.get(n, n) for n in names)


def _measure(text: str) -> str:
    from helpers.findings.headline import MEASURES

    return MEASURES.get(text, _words(text))


# Codes whose plain words are not just the code without underscores.
VOCABULARY = {
    "title_abstract": "title and abstract",
    "excluded_full_text": "excluded at full text",
    "excluded_screening": "excluded at title and abstract",
    "title_year_author": "title, year and author",
}


def _words(text: str) -> str:
    """A code of a fixed vocabulary written with underscores ('role_effect') in words."""
    text = str(text)
    if text in VOCABULARY:
        return VOCABULARY[text]
    return text.replace("_", " ") if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", text) else text


# Text columns whose cells are codes a report writes in words (the CSVs keep the codes; the
# printed-table audit reads both forms, helpers.printed_tables).
TEXT_FORMATS = {
    "term": _terms,
    "collinear_terms_dropped": _terms,
    "unstable_cutpoint_terms": _terms,
    "family": _words,
    "measure": _measure,
    "stage": _words,  # screening stages (title_abstract, full_text)
    "status": _words,  # screening outcomes (excluded_full_text, not_retrieved)
    "rule": _words,  # de-duplication rules (title_year_author, manual_merge)
    "reversed": _item_list,  # a multi-item scale's reverse-scored items
}


def display_text(column: str, value: str) -> str:
    """The text a report prints for a text cell of ``column`` (:data:`TEXT_FORMATS`)."""
    fmt = TEXT_FORMATS.get(str(column))
    return fmt(value) if fmt is not None and isinstance(value, str) and value else value


def cells(table: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The table as the text a reader sees: the stub first, then the spec's columns in order,
    every number formatted by :mod:`helpers.numbers`; no index."""
    df = table.reset_index(drop=not _named_index(table))
    for new, (pct, low, high) in spec.pct_ci.items():
        df[new] = [
            v if isinstance(v, str) else numbers.percentage_ci(v, lo, hi)
            for v, lo, hi in zip(df[pct], df[low], df[high])
        ]
    columns = list(spec.columns) if spec.columns else [c for c in df.columns]
    if spec.stub and spec.stub not in columns:
        columns = [spec.stub, *columns]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"table {spec.name or spec.title!r}: no column {', '.join(map(str, missing))}")
    out = pd.DataFrame(index=range(len(df)))
    for column in columns:
        kind = spec.kinds.get(column) or (
            "text" if column in spec.pct_ci else guess_kind(column, df[column], list(df.columns))
        )
        values = df[column]
        if column == spec.stub and spec.row_labels:
            values = values.map(lambda v: spec.row_labels.get(v, v))
        if str(column) in TEXT_FORMATS:
            values = values.map(lambda v, c=str(column): display_text(c, v))
        out[str(column)] = [_text(v, kind, spec.marker) for v in values]
    return out


def _named_index(table: pd.DataFrame) -> bool:
    return any(name is not None for name in table.index.names)


def _has_marker(shown: pd.DataFrame, marker: str) -> bool:
    return bool(marker) and bool((shown == marker).to_numpy().any())


def footnotes(shown: pd.DataFrame, spec: TableSpec) -> list[str]:
    notes = list(spec.notes)
    if _has_marker(shown, spec.marker):
        notes.append(SUPPRESSED_NOTE.format(marker=spec.marker))
    if bool((shown == numbers.MISSING_TEXT).to_numpy().any()):
        notes.append(MISSING_NOTE.format(dash=numbers.MISSING_TEXT))
    return notes


def _labels(spec: TableSpec, shown: pd.DataFrame) -> dict[str, str]:
    given = dict(spec.columns or {})
    labels = {}
    for column in shown.columns:
        if column == spec.stub:
            labels[column] = spec.stub_label
        else:
            labels[column] = given.get(column) or heading(column)
    return labels


_ids = itertools.count(1)


def _gt_id(spec: TableSpec) -> str:
    """A stable id per table (numbered in display order, so a rerun gives the same HTML)."""
    base = re.sub(r"[^a-z0-9]+", "-", (spec.name or spec.title or "table").lower()).strip("-")[:40]
    return f"t{next(_ids)}-{base or 'table'}"


def to_gt(table: pd.DataFrame, spec: TableSpec):
    """The great_tables object of ``table`` presented as ``spec`` says."""
    from great_tables import GT, loc, style

    shown = cells(table, spec)
    labels = _labels(spec, shown)
    gt = GT(shown, rowname_col=spec.stub if spec.stub else None, id=_gt_id(spec))
    if spec.title:
        gt = gt.tab_header(title=spec.title)
    for label, columns in spec.spanners.items():
        gt = gt.tab_spanner(label=label, columns=list(columns))
    gt = gt.cols_label(**{c: labels[c] for c in shown.columns if c != spec.stub})
    if spec.stub and spec.stub_label:
        gt = gt.tab_stubhead(label=spec.stub_label)
    numeric = [
        c
        for c in shown.columns
        if c != spec.stub and spec.kinds.get(c, "") != "text" and _looks_numeric(shown[c])
    ]
    if numeric:
        gt = gt.cols_align(align="right", columns=numeric)
    text = [c for c in shown.columns if c != spec.stub and c not in numeric]
    if text:
        gt = gt.cols_align(align="left", columns=text)
    for note in footnotes(shown, spec):
        gt = gt.tab_source_note(note)
    if spec.source:
        gt = gt.tab_source_note(spec.source)
    gt = gt.tab_options(
        table_font_size="13px",
        heading_title_font_size="15px",
        heading_align="left",
        column_labels_font_weight="bold",
        source_notes_font_size="12px",
        data_row_padding="3px",
        table_margin_left="0",
        container_width="100%",
    ).tab_style(style=style.text(whitespace="normal"), locations=loc.body())
    keep = [c for c in shown.columns if c in spec.nowrap or c in spec.pct_ci]
    if keep:
        gt = gt.tab_style(style=style.text(whitespace="nowrap"), locations=loc.body(columns=keep))
    return gt


def _looks_numeric(values: pd.Series) -> bool:
    pattern = re.compile(r"^[<>]?[-−–]?[\d,.]+%?( \(.*\))?$|^[–*]$")
    texts = [v for v in values if v not in (numbers.MISSING_TEXT, "")]
    return bool(texts) and all(pattern.match(v) for v in texts)


_IMPORT = re.compile(r"@import\s+url\([^)]*\)\s*;?", re.I)
REPRINTS_ATTRIBUTE = "data-reprints"  # on <table>: the published CSV the table reprints
REPRINTS_PREFIX = "Reprints "  # a Word table's description: "Reprints attitudes_sensitivity.csv"


def to_html(table: pd.DataFrame, spec: TableSpec) -> str:
    """Self-contained HTML of the table (great_tables; any web-font @import removed); the
    ``<table>`` carries ``data-reprints="<name>"`` when the spec names the CSV it reprints."""
    html = _IMPORT.sub("", to_gt(table, spec).as_raw_html(inline_css=False))
    if spec.reprints:
        html = html.replace("<table", f'<table {REPRINTS_ATTRIBUTE}="{spec.reprints}"', 1)
    return html


class Shown:
    """What a notebook cell returns to show a table: HTML from :func:`to_html`; plain text
    as a fallback."""

    def __init__(self, table: pd.DataFrame, spec: TableSpec):
        self.table, self.spec = table, spec

    def _repr_html_(self) -> str:
        return to_html(self.table, self.spec)

    def __repr__(self) -> str:
        return cells(self.table, self.spec).to_string(index=False)


def show(table: pd.DataFrame, spec: TableSpec | None = None, **kwargs) -> Shown:
    """Display ``table`` as ``spec`` (or a spec built from ``kwargs``) says."""
    if spec is None:
        spec = TableSpec(**{"source": _defaults["source"], **kwargs})
    elif kwargs:
        raise TypeError("show: give a spec or keyword arguments, not both")
    if _book is not None:
        _book.add(table, spec)
    return Shown(table, spec)


# Columns that name a survey item: a table holding one gets the item's question text as its
# row label (the codebook's, see :func:`use_row_labels`), and its own ``question`` column, a
# copy of the same text, is not shown twice.
ITEM_COLUMNS = ("item", "survey_item")
SCALE_COLUMN = "scale"  # names a multi-item scale: labelled by the codebook's scale label
ROW_LABELS = "row"  # the stub of a table whose unnamed index holds its row labels


def default_spec(table: pd.DataFrame) -> TableSpec:
    """The presentation of a table nobody specified: headings from the column names, a named
    index as the stub, kinds guessed from the column names. A table with an item column
    (:data:`ITEM_COLUMNS`) whose names the codebook knows is labelled by the question text; a
    table marked with :func:`reprints` records the CSV it reprints."""
    spec = _default_spec(table)
    marked = table.attrs.get("reprints") if hasattr(table, "attrs") else None
    if marked:
        spec.reprints = str(marked)
        spec.__post_init__()
    return spec


def reprints(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """``table`` marked as a reprint of the published CSV ``name`` (as written by
    :func:`helpers.outputs.write_table`): shown, it tells the printed-table audit which CSV to
    compare it with (:attr:`TableSpec.reprints`)."""
    TableSpec(reprints=name)  # checks the name
    table.attrs["reprints"] = name
    return table


# Headings of a multi-item scale's table (report 03's reliability table) that say more than the
# column names do.
SCALE_HEADINGS = {"k": "Items", "reversed": "Reversed items"}


def _scale_spec(table: pd.DataFrame, stub: str, labels: Mapping[str, str]) -> TableSpec:
    """A table of multi-item scales: one row per scale, named by the codebook's label (its
    ``label`` column, the same text, not shown twice), reversed items by their short labels."""
    columns = {
        str(c): SCALE_HEADINGS.get(str(c)) or heading(c) for c in table.columns if c not in (stub, "label")
    }
    return TableSpec(
        stub=stub,
        stub_label="Scale",
        row_labels=dict(labels),
        columns=columns,
        source=source_for(table),
    )


def _default_spec(table: pd.DataFrame) -> TableSpec:
    stub = None
    if _named_index(table) and table.index.nlevels == 1:
        stub = str(table.index.name)
    scales = _defaults.get("scale_labels") or {}
    if scales and (
        stub == SCALE_COLUMN
        or (
            stub is None
            and SCALE_COLUMN in table.columns
            and table[SCALE_COLUMN].astype(str).isin(list(scales)).any()
        )
    ):
        return _scale_spec(table, SCALE_COLUMN, scales)
    labels = _defaults.get("row_labels") or {}
    key = next(
        (c for c in ITEM_COLUMNS if c in table.columns and table[c].astype(str).isin(list(labels)).any()),
        None,
    )
    if stub is None and key is not None:
        columns = {str(c): heading(c) for c in table.columns if c not in (key, "question")}
        return TableSpec(
            stub=key,
            stub_label="Question",
            row_labels=labels,
            columns=columns,
            source=source_for(table),
        )
    if stub is not None and stub in ITEM_COLUMNS and labels:
        return TableSpec(stub=stub, stub_label="Question", row_labels=labels, source=source_for(table))
    return TableSpec(stub=stub, stub_label=heading(stub) if stub else "", source=source_for(table))


def use_row_labels(
    labels: Mapping[str, str],
    *,
    scales: Mapping[str, str] | None = None,
    short: Mapping[str, str] | None = None,
    terms: Mapping[str, str] | None = None,
) -> None:
    """Label every item row of the tables shown from now on by ``labels`` (item name -> text);
    ``scales``: multi-item scale name -> label; ``short``: item name -> short label (items listed
    in a cell); ``terms``: model covariate name -> its wording (model terms)."""
    _defaults["row_labels"] = dict(labels)
    _defaults["scale_labels"] = dict(scales or {})
    _defaults["short_labels"] = dict(short or {})
    _defaults["term_labels"] = dict(terms or {})


def _codebook(params: Mapping):
    """The survey codebook of ``params``' data folder, or None (no survey codebook, or one the
    survey stage will report as unreadable)."""
    try:
        from helpers.survey import inputs as survey_inputs
        from helpers.survey.codebook import load_codebook

        path = survey_inputs.survey_folder(params["data_dir"]) / survey_inputs.CODEBOOK_NAME
        if not path.is_file():
            return None
        return load_codebook(path)
    except Exception:  # noqa: BLE001 - a bad codebook is the survey stage's error to report
        return None


def codebook_labels(params: Mapping) -> dict[str, str]:
    """Item name -> question text, for every variable of the survey codebook that has one
    (empty when the data folder has no survey codebook or it cannot be read: the survey stage
    reports that itself)."""
    return codebook_wording(params)["labels"]


def codebook_wording(params: Mapping) -> dict[str, dict[str, str]]:
    """What the survey codebook calls things, for the row labels of :func:`use_row_labels`:
    ``labels`` (variable -> question), ``scales`` (multi-item scale -> label), ``short``
    (variable -> short label, else question) and ``terms`` (covariate -> its wording, first
    letter capitalised: 'org_type' -> 'Organisation type'). Empty without a readable codebook."""
    book = _codebook(params)
    if book is None:
        return {"labels": {}, "scales": {}, "short": {}, "terms": {}}
    return {
        "labels": {name: v.question for name, v in book.variables.items() if v.question},
        "scales": {name: s.label for name, s in book.multi_item_scales.items()},
        "short": {name: v.short for name, v in book.variables.items() if v.short},
        "terms": {name: w[:1].upper() + w[1:] for name, w in book.covariates.items() if w},
    }


def _frame_html(df: pd.DataFrame) -> str:
    df = df.copy()
    if isinstance(df.columns, pd.MultiIndex):
        df.columns = [" ".join(str(x) for x in col if str(x)) for col in df.columns]
    if _named_index(df) and df.index.nlevels > 1:
        df = df.reset_index()
    # An unnamed index of labels (e.g. Series.sum().to_frame()) is kept; whole numbers are row
    # positions left by a filter or a sort (table[table.p < 0.05]), never shown.
    unnamed_labels = (
        not _named_index(df)
        and df.index.nlevels == 1
        and not isinstance(df.index, pd.RangeIndex)
        and not pd.api.types.is_integer_dtype(df.index)
    )
    if not _named_index(df) and df.index.nlevels == 1 and pd.api.types.is_integer_dtype(df.index):
        df = df.reset_index(drop=True)
    if unnamed_labels:  # e.g. Series.sum().to_frame(): the index holds the row labels; keep them
        df = df.rename_axis(ROW_LABELS)
    df.columns = [str(c) for c in df.columns]
    spec = default_spec(df)
    if unnamed_labels:
        spec.stub_label = ""
    if _book is not None:
        _book.add(df, spec)
    return to_html(df, spec)


def _styler_html(styler) -> str:
    return _frame_html(styler.data)


def source_for(table: pd.DataFrame) -> str:
    """The source note of a displayed table: of the strands it is marked with
    (:func:`from_strands`), else the notebook's (:func:`use_report_style`)."""
    marked = table.attrs.get("strands") if hasattr(table, "attrs") else None
    if marked and _defaults.get("params") is not None:
        return data_source(_defaults["params"], list(marked))
    return _defaults["source"]


def from_strands(table: pd.DataFrame, *strands: str) -> pd.DataFrame:
    """``table`` marked as drawn from ``strands`` (its source note dates those strands' data)."""
    for strand in strands:
        if strand not in STRAND_DATA:
            raise ValueError(f"unknown strand {strand!r}; expected one of {', '.join(STRAND_DATA)}")
    table.attrs["strands"] = tuple(strands)
    return table


_defaults: dict = {
    "source": "",
    "row_labels": {},
    "scale_labels": {},
    "short_labels": {},
    "term_labels": {},
    "params": None,
}


def use_report_style(
    params: Mapping | None = None, title: str = "", strand: str | None = None
) -> WordTables | None:
    """Every DataFrame (and pandas Styler) a notebook displays renders through :func:`to_html`
    with :func:`default_spec`: no index column, readable headings, numbers via helpers.numbers,
    the source note of ``params``' data, dated by ``strand``'s inputs (every strand's when
    None; a table marked with :func:`from_strands` dates its own strands). With a ``title``, every table shown from now on is
    also collected for the report's Word document (:func:`write_word`)."""
    if params is not None:
        _defaults["params"] = dict(params)
        _defaults["source"] = data_source(params, strand)
        wording = codebook_wording(params)
        use_row_labels(
            wording["labels"], scales=wording["scales"], short=wording["short"], terms=wording["terms"]
        )
    book = collect(title) if title else None
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return book
    ip = get_ipython()
    if ip is not None:
        from pandas.io.formats.style import Styler

        formatter = ip.display_formatter.formatters["text/html"]
        formatter.for_type(pd.DataFrame, _frame_html)
        formatter.for_type(Styler, _styler_html)
    return book


def write_word(name: str) -> Path | None:
    """Write the tables collected since :func:`use_report_style` to ``reports/tables/<name>.docx``."""
    if _book is None or not _book.tables:
        return None
    return _book.write(name)


# --- Word -------------------------------------------------------------------------------------


def to_docx(document, table: pd.DataFrame, spec: TableSpec) -> None:
    """Append the table to a python-docx ``document``: title, spanner and heading rows, body,
    then the footnotes and the source note."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    shown = cells(table, spec)
    labels = _labels(spec, shown)
    if spec.title:
        document.add_heading(spec.title, level=2)
    columns = list(shown.columns)
    spanned = {c: label for label, cols in spec.spanners.items() for c in cols}
    header_rows = 2 if spanned else 1
    grid = document.add_table(rows=header_rows + len(shown), cols=len(columns))
    grid.style = "Table Grid"
    if spanned:
        for label, cols in spec.spanners.items():
            idx = [columns.index(c) for c in cols]
            cell = grid.cell(0, min(idx)).merge(grid.cell(0, max(idx)))
            cell.text = label
    # Cells are reached row by row: python-docx's grid.cell(i, j) rebuilds the list of every
    # cell of the table on each call, which made a report's Word tables quadratic (tens of
    # seconds for notebook 03's).
    rows = [row.cells for row in grid.rows]
    for j, column in enumerate(columns):
        rows[header_rows - 1][j].text = labels[column]
        for i in range(header_rows):
            for run in rows[i][j].paragraphs[0].runs:
                run.bold = True
    numeric = {c for c in columns if c != spec.stub and _looks_numeric(shown[c])}
    for cells_of_row, row in zip(rows[header_rows:], shown.itertuples(index=False), strict=True):
        for j, value in enumerate(row):
            para = cells_of_row[j].paragraphs[0]
            para.text = value
            if columns[j] in numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in grid.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(9)
    if spec.reprints:
        _describe(grid, f"{REPRINTS_PREFIX}{spec.reprints}.csv")
    for note in [*footnotes(shown, spec), *([spec.source] if spec.source else [])]:
        para = document.add_paragraph(note)
        for run in para.runs:
            run.font.size = Pt(8)


def _describe(grid, text: str) -> None:
    """Set a Word table's description (its alt text, ``w:tblDescription``, the last child of
    ``w:tblPr`` in the schema's order)."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    props = grid._tbl.tblPr
    for old in props.findall(qn("w:tblDescription")):
        props.remove(old)
    element = OxmlElement("w:tblDescription")
    element.set(qn("w:val"), text)
    props.append(element)


class WordTables:
    """The tables of one report, collected as they are shown, written to one Word document."""

    def __init__(self, title: str):
        self.title = title
        self.tables: list[tuple[pd.DataFrame, TableSpec]] = []

    def add(self, table: pd.DataFrame, spec: TableSpec) -> None:
        self.tables.append((table, spec))

    def document(self):
        import docx

        doc = docx.Document()
        doc.core_properties.title = self.title
        doc.core_properties.created = dt.datetime(2000, 1, 1)
        doc.core_properties.modified = dt.datetime(2000, 1, 1)
        doc.core_properties.last_modified_by = ""
        doc.core_properties.author = ""
        doc.add_heading(self.title, level=1)
        for n, (table, spec) in enumerate(self.tables, start=1):
            titled = TableSpec(
                **{**spec.__dict__, "title": f"Table {n}. {spec.title}" if spec.title else f"Table {n}"}
            )
            to_docx(doc, table, titled)
        return doc

    def write(self, name: str) -> Path:
        """Write ``reports/tables/<name>.docx`` (through helpers.outputs)."""
        from helpers import outputs

        target = outputs.paths.output(f"reports/tables/{name}.docx")
        with outputs.atomic_path(target) as tmp:
            tmp.write_bytes(self.docx_bytes())
        return target

    def docx_bytes(self) -> bytes:
        """The .docx bytes with fixed zip-entry timestamps: python-docx stamps each member with
        the current time, so two runs a second apart would give different files."""
        import io
        import zipfile

        from helpers import outputs

        raw = io.BytesIO()
        self.document().save(raw)
        with zipfile.ZipFile(raw) as src:
            members = {name: src.read(name) for name in src.namelist()}
        return outputs.deterministic_zip(members, date_time=(2000, 1, 1, 0, 0, 0))


_book: WordTables | None = None


def collect(title: str) -> WordTables:
    """Start collecting every table :func:`show` displays into one Word document."""
    global _book
    _book = WordTables(title)
    return _book


def by_group(
    long: pd.DataFrame,
    *,
    groups: Sequence[str],
    row: str = "item",
    group: str = "group",
    pct: str = "pct_agree",
    low: str = "ci_low",
    high: str = "ci_high",
    n: str = "n_valid",
    n_group: str | None = None,
    row_labels: Mapping[str, str] | None = None,
    title: str = "",
    spanner: str = "Role group",
    stub_label: str = "",
    notes: Sequence[str] = (),
) -> Shown:
    """A long table (one row per row x group) shown wide: one row per ``row`` (labelled from
    ``row_labels``, e.g. the codebook's question text), n of ``n_group`` (default: the first
    group) in its own column, then "% (95% CI)" for each group, the groups after the first
    under ``spanner``."""
    n_group = n_group or groups[0]
    rows = list(dict.fromkeys(long[row]))
    wide = pd.DataFrame({row: rows})
    indexed = long.set_index([row, group])
    wide["n"] = [indexed[n].get((r, n_group), float("nan")) for r in rows]
    columns = {"n": "n"}
    for g in groups:
        values = [
            (indexed[pct].get((r, g)), indexed[low].get((r, g)), indexed[high].get((r, g))) for r in rows
        ]
        wide[g] = [
            numbers.MISSING_TEXT
            if p is None
            else (p if isinstance(p, str) else numbers.percentage_ci(p, lo, hi))
            for p, lo, hi in values
        ]
        columns[g] = g
    spec = TableSpec(
        title=title,
        stub=row,
        stub_label=stub_label,
        row_labels=dict(row_labels or {}),
        columns=columns,
        kinds={"n": "count", **{g: "text" for g in groups}},
        spanners={spanner: list(groups[1:])} if len(groups) > 1 else {},
        notes=[
            f"n: answers from {n_group.lower()}; % (95% CI): percentage with its Wilson interval.",
            *notes,
        ],
        source=_defaults["source"],
        name=title,
        nowrap=["n", *groups],
    )
    return show(wide, spec)
