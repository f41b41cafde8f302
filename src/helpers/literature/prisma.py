"""PRISMA 2020: what happened to every record, the flow counts, their arithmetic, the diagram.

The counts use the field names of the PRISMA2020 R package / Shiny app template
(``inst/extdata/PRISMA.csv``: ``database_results``, ``duplicates``, ``records_screened`` ...), so
``reports/tables/prisma_counts.csv`` (columns ``data,n``) can be loaded there too. The
"databases and registers" column comes from the search exports and screening; the "other
methods" column (websites, organisations, citation searching) from ``other_methods_log.csv``
(:mod:`helpers.literature.other_methods`), 0 when the folder has none.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch

FIELDS = [
    "previous_studies",
    "previous_reports",
    "database_results",
    "database_specific_results",
    "register_results",
    "register_specific_results",
    "website_results",
    "organisation_results",
    "citations_results",
    "duplicates",
    "excluded_automatic",
    "excluded_other",
    "records_screened",
    "records_excluded",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "other_sought_reports",
    "other_notretrieved_reports",
    "dbr_assessed",
    "dbr_excluded",
    "other_assessed",
    "other_excluded",
    "new_studies",
    "new_reports",
    "total_studies",
    "total_reports",
]
# The PRISMA 2020 flow diagram's own wording for each field (the template's box texts), for
# the report; the CSV keeps the field names the PRISMA2020 app reads.
FIELD_LABELS = {
    "previous_studies": "Studies included in the previous version of the review",
    "previous_reports": "Reports of studies included in the previous version of the review",
    "database_results": "Records identified from databases",
    "database_specific_results": "Records identified, per database",
    "register_results": "Records identified from registers",
    "register_specific_results": "Records identified, per register",
    "website_results": "Records identified from websites",
    "organisation_results": "Records identified from organisations",
    "citations_results": "Records identified by citation searching",
    "duplicates": "Duplicate records removed",
    "excluded_automatic": "Records marked as ineligible by automation tools",
    "excluded_other": "Records removed for other reasons",
    "records_screened": "Records screened (title and abstract)",
    "records_excluded": "Records excluded at screening",
    "dbr_sought_reports": "Reports sought for retrieval",
    "dbr_notretrieved_reports": "Reports not retrieved",
    "other_sought_reports": "Reports sought for retrieval (other methods)",
    "other_notretrieved_reports": "Reports not retrieved (other methods)",
    "dbr_assessed": "Reports assessed for eligibility",
    "dbr_excluded": "Reports excluded, with reasons",
    "other_assessed": "Reports assessed for eligibility (other methods)",
    "other_excluded": "Reports excluded, with reasons (other methods)",
    "new_studies": "New studies included in the review",
    "new_reports": "Reports of new included studies",
    "total_studies": "Total studies included in the review",
    "total_reports": "Reports of total included studies",
}
STATUSES = (
    "duplicate_removed",
    "excluded_screening",
    "not_retrieved",
    "excluded_full_text",
    "included",
    "awaiting_screening",
    "awaiting_full_text",
)


class PrismaError(ValueError):
    """The PRISMA counts do not add up, or some records have no decision yet."""


def record_flow(records: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Where every identified record ends: one row per record, with a ``status`` from :data:`STATUSES`.

    ``records`` is :attr:`DedupResult.records` (record_id, database, source_type, unique_id,
    is_duplicate); ``decisions`` is :func:`screening.decisions` (unique_id, status, reason).
    """
    d = decisions.set_index("unique_id")
    missing = sorted(set(records["unique_id"]) - set(d.index))
    if missing:
        raise PrismaError(
            f"{len(missing)} unique records have no row in the decisions table, e.g. {missing[0]}"
        )
    flow = records[["record_id", "database", "source_type", "unique_id", "is_duplicate"]].copy()
    flow["status"] = [
        ("duplicate_removed" if dup else d.at[uid, "status"])
        for uid, dup in zip(flow["unique_id"], flow["is_duplicate"])
    ]
    flow["exclusion_reason"] = [
        ("" if dup else d.at[uid, "exclusion_reason"])
        for uid, dup in zip(flow["unique_id"], flow["is_duplicate"])
    ]
    unknown = set(flow["status"]) - set(STATUSES)
    if unknown:
        raise PrismaError(f"unknown status {sorted(unknown)[0]!r}")
    return flow.drop(columns="is_duplicate")


def _specific(series: pd.Series) -> str:
    counts = series.value_counts(sort=False)
    return "; ".join(f"{name}, {counts[name]}" for name in sorted(counts.index))


def prisma_counts(
    flow: pd.DataFrame, *, studies_of_reports: dict[str, str] | None = None, allow_pending: bool = False
) -> dict:
    """The PRISMA 2020 counts (databases and registers column) from :func:`record_flow`.

    ``studies_of_reports`` maps an included unique record (a report) to its study id; several
    reports of one study count once in ``new_studies``. Records still awaiting a decision stop
    the count unless ``allow_pending`` (then they are reported in ``awaiting_classification``).
    """
    pending = flow[flow["status"].str.startswith("awaiting")]
    if len(pending) and not allow_pending:
        ids = sorted(set(pending["unique_id"]))
        raise PrismaError(
            f"{len(ids)} records have no final screening decision (e.g. {', '.join(ids[:5])}); "
            "complete the screening log before drawing the PRISMA flow"
        )
    unique = flow[flow["status"] != "duplicate_removed"]
    db = flow[flow["source_type"] == "database"]
    reg = flow[flow["source_type"] == "register"]
    status = unique["status"]
    included = sorted(unique.loc[status == "included", "unique_id"])
    reasons = unique.loc[status == "excluded_full_text", "exclusion_reason"].value_counts()
    studies = {(studies_of_reports or {}).get(uid, uid) for uid in included}
    c = {f: 0 for f in FIELDS}
    c.update(
        {
            "database_results": len(db),
            "database_specific_results": _specific(db["database"]) if len(db) else "",
            "register_results": len(reg),
            "register_specific_results": _specific(reg["database"]) if len(reg) else "",
            "duplicates": int((flow["status"] == "duplicate_removed").sum()),
            "records_screened": len(unique),
            "records_excluded": int(status.eq("excluded_screening").sum()),
            "dbr_notretrieved_reports": int(status.eq("not_retrieved").sum()),
            "dbr_excluded": "; ".join(
                f"{r}, {reasons[r]}" for r in sorted(reasons.index, key=lambda r: (-reasons[r], r))
            ),
            "new_reports": len(included),
            "new_studies": len(studies),
        }
    )
    c["dbr_sought_reports"] = (
        c["records_screened"] - c["records_excluded"] - int(status.eq("awaiting_screening").sum())
    )
    c["dbr_assessed"] = (
        c["dbr_sought_reports"] - c["dbr_notretrieved_reports"] - int(status.eq("awaiting_full_text").sum())
    )
    c["total_studies"] = c["previous_studies"] + c["new_studies"]
    c["total_reports"] = c["previous_reports"] + c["new_reports"]
    if allow_pending:
        c["awaiting_classification"] = len(pending)
    if not allow_pending:
        check_prisma(c)
    return c


def parse_specific(text: str) -> dict[str, int]:
    """``"MEDLINE, 12; Embase, 9"`` -> ``{"MEDLINE": 12, "Embase": 9}`` (the PRISMA2020 convention)."""
    out = {}
    for part in [p for p in str(text or "").split(";") if p.strip()]:
        name, _, n = part.rpartition(",")
        if not name.strip() or not n.strip().isdigit():
            raise PrismaError(f"cannot read {part.strip()!r}: expected 'name, number'")
        out[name.strip()] = int(n)
    return out


def check_prisma(c: dict) -> None:
    """Assert the box arithmetic of the flow; :class:`PrismaError` names the identity that fails."""

    def need(ok, what):
        if not ok:
            raise PrismaError(f"PRISMA identity fails: {what}")

    identified = c["database_results"] + c["register_results"]
    removed = c["duplicates"] + c["excluded_automatic"] + c["excluded_other"]
    need(
        identified - removed == c["records_screened"],
        f"identified ({identified}) - duplicates ({c['duplicates']}) - automation ({c['excluded_automatic']}) - "
        f"other ({c['excluded_other']}) = {identified - removed}, but records screened = {c['records_screened']}",
    )
    need(
        c["records_screened"] - c["records_excluded"] == c["dbr_sought_reports"],
        f"screened ({c['records_screened']}) - excluded ({c['records_excluded']}) = "
        f"{c['records_screened'] - c['records_excluded']}, but reports sought = {c['dbr_sought_reports']}",
    )
    need(
        c["dbr_sought_reports"] - c["dbr_notretrieved_reports"] == c["dbr_assessed"],
        f"sought ({c['dbr_sought_reports']}) - not retrieved ({c['dbr_notretrieved_reports']}) = "
        f"{c['dbr_sought_reports'] - c['dbr_notretrieved_reports']}, but reports assessed = {c['dbr_assessed']}",
    )
    excluded = sum(parse_specific(c["dbr_excluded"]).values())
    other_excluded = sum(parse_specific(c["other_excluded"]).values())
    other_included = c["other_assessed"] - other_excluded
    other_found = c["website_results"] + c["organisation_results"] + c["citations_results"]
    need(
        other_found == c["other_sought_reports"],
        f"other methods: websites + organisations + citations ({other_found}) != reports sought "
        f"({c['other_sought_reports']})",
    )
    need(
        c["other_sought_reports"] - c["other_notretrieved_reports"] == c["other_assessed"],
        f"other methods: sought ({c['other_sought_reports']}) - not retrieved "
        f"({c['other_notretrieved_reports']}) != assessed ({c['other_assessed']})",
    )
    need(
        c["dbr_assessed"] - excluded == c["new_reports"] - other_included,
        f"assessed ({c['dbr_assessed']}) - excluded with reasons ({excluded}) = {c['dbr_assessed'] - excluded}, "
        f"but reports of included studies = {c['new_reports']}"
        + (f" - {other_included} from other methods" if other_included else ""),
    )
    need(
        c["new_studies"] <= c["new_reports"],
        f"studies included ({c['new_studies']}) > reports ({c['new_reports']})",
    )
    for total, specific in (
        ("database_results", "database_specific_results"),
        ("register_results", "register_specific_results"),
    ):
        parts = sum(parse_specific(c[specific]).values())
        need(not c[specific] or parts == c[total], f"{specific} add up to {parts}, but {total} = {c[total]}")
    need(
        c["total_studies"] == c["previous_studies"] + c["new_studies"],
        "total_studies != previous_studies + new_studies",
    )
    need(
        c["total_reports"] == c["previous_reports"] + c["new_reports"],
        "total_reports != previous_reports + new_reports",
    )
    for key in FIELDS:
        if key not in (
            "database_specific_results",
            "register_specific_results",
            "dbr_excluded",
            "other_excluded",
        ):
            need(
                isinstance(c[key], int) and c[key] >= 0,
                f"{key} must be a whole number >= 0 (found {c[key]!r})",
            )


def counts_table(c: dict) -> pd.DataFrame:
    """The counts as a ``data,n`` table in the order of the PRISMA2020 template."""
    return pd.DataFrame({"data": FIELDS, "n": [c[f] for f in FIELDS]})


def counts_report_table(c: dict) -> pd.DataFrame:
    """The counts of :func:`counts_table` as the report shows them: each step in the PRISMA 2020
    diagram's words, in the template's order."""
    return pd.DataFrame({"PRISMA 2020 step": [FIELD_LABELS[f] for f in FIELDS], "n": [c[f] for f in FIELDS]})


def database_table(flow: pd.DataFrame) -> pd.DataFrame:
    """Per database: records identified, distinct works among them, works no other database found,
    and included reports found (by any record of their duplicate group) and found only there.

    Which record of a duplicate group is kept is arbitrary (the first by file name), so
    "duplicates removed" per database would say nothing; these columns do not depend on it.
    """
    per = flow.groupby("database", sort=True)["unique_id"]
    n_databases = flow.groupby("unique_id")["database"].nunique()
    only = set(n_databases[n_databases == 1].index)
    included = set(flow.loc[flow["status"] == "included", "unique_id"])
    out = pd.DataFrame(
        {
            "records_identified": per.size(),
            "distinct_records": per.nunique(),
            "found_only_here": per.apply(lambda s: len(set(s) & only)),
            "included_found": per.apply(lambda s: len(set(s) & included)),
            "included_found_only_here": per.apply(lambda s: len(set(s) & included & only)),
        }
    )
    return out.reset_index()


def exclusion_reasons_table(c: dict) -> pd.DataFrame:
    reasons = parse_specific(c["dbr_excluded"])
    return pd.DataFrame({"reason": list(reasons), "reports": list(reasons.values())})


# ---------------------------------------------------------------------------------------------
# The flow diagram

_BAND_COLOURS = {"Identification": "#c6dbef", "Screening": "#c6dbef", "Included": "#c6dbef"}


def _n(v) -> str:
    return f"(n = {v})"


def flow_diagram_text(c: dict, wrap: int = 46) -> list[tuple[str, str, str | None]]:
    """(band, main box text, right box text) rows of the standard PRISMA 2020 layout."""
    dbs = parse_specific(c["database_specific_results"])
    regs = parse_specific(c["register_specific_results"])
    ident = ["Records identified from:", f"Databases {_n(c['database_results'])}"]
    ident += [f"    {name} {_n(n)}" for name, n in dbs.items()]
    ident += [f"Registers {_n(c['register_results'])}"] + [f"    {name} {_n(n)}" for name, n in regs.items()]
    removed = [
        "Records removed before screening:",
        f"    Duplicate records removed {_n(c['duplicates'])}",
        "    Records marked as ineligible by",
        f"    automation tools {_n(c['excluded_automatic'])}",
        "    Records removed for other reasons",
        f"    {_n(c['excluded_other'])}",
    ]
    reasons = parse_specific(c["dbr_excluded"])
    excluded = ["Reports excluded:"]
    for r, n in reasons.items():
        # non-breaking spaces keep "(n = 4)" on one line
        lines = textwrap.wrap(f"{r} {_n(n).replace(' ', chr(0xA0))}", wrap - 6, break_on_hyphens=False)
        excluded += ["    " + lines[0]] + ["      " + ln for ln in lines[1:]]
    if not reasons:
        excluded.append("    (none)")
    return [
        ("Identification", "\n".join(ident), "\n".join(removed)),
        (
            "Screening",
            f"Records screened\n{_n(c['records_screened'])}",
            f"Records excluded\n{_n(c['records_excluded'])}",
        ),
        (
            "Screening",
            f"Reports sought for retrieval\n{_n(c['dbr_sought_reports'])}",
            f"Reports not retrieved\n{_n(c['dbr_notretrieved_reports'])}",
        ),
        ("Screening", f"Reports assessed for eligibility\n{_n(c['dbr_assessed'])}", "\n".join(excluded)),
        (
            "Included",
            f"Studies included in review\n{_n(c['new_studies'])}\nReports of included studies\n{_n(c['new_reports'])}",
            None,
        ),
    ]


def other_methods_text(c: dict, wrap: int = 30) -> list[tuple[str, str | None]] | None:
    """(main box, right box) rows of the other-methods column, or None when it has no records."""
    if not c.get("other_sought_reports"):
        return None
    reasons = parse_specific(c["other_excluded"])
    excluded = ["Reports excluded:"]
    for r, n in reasons.items():
        lines = textwrap.wrap(f"{r} {_n(n).replace(' ', chr(0xA0))}", wrap - 4, break_on_hyphens=False)
        excluded += ["  " + lines[0]] + ["    " + ln for ln in lines[1:]]
    if not reasons:
        excluded.append("  (none)")
    return [
        (
            "Records identified from:\n"
            f"Websites {_n(c['website_results'])}\nOrganisations {_n(c['organisation_results'])}\n"
            f"Citation searching {_n(c['citations_results'])}",
            None,
        ),
        (
            f"Reports sought for retrieval\n{_n(c['other_sought_reports'])}",
            f"Reports not retrieved\n{_n(c['other_notretrieved_reports'])}",
        ),
        (f"Reports assessed for eligibility\n{_n(c['other_assessed'])}", "\n".join(excluded)),
    ]


def draw_prisma_flow(c: dict, *, title: str = "Identification of studies via databases and registers"):
    """The PRISMA 2020 flow diagram drawn from the counts ``c``: databases and registers, and the
    other-methods column (websites, organisations, citations) beside it when it has records."""
    check_prisma(c)
    fig = _draw_databases(c, title)
    other = other_methods_text(c)
    if other is not None:
        _add_other_column(fig, c, other)
    return fig


_BOX_STYLE = dict(boxstyle="round,pad=0,rounding_size=0.8", linewidth=1.2)
_LINE_HEIGHT, _BOX_PADDING, _GAP = 2.6, 2.2, 4.5


def _box_height(*texts: str | None) -> float:
    """Height of a box pair: enough lines for the longer of its texts, plus padding."""
    return max(t.count("\n") + 1 for t in texts if t) * _LINE_HEIGHT + 2 * _BOX_PADDING


def _arrow(ax, tip: tuple[float, float], tail: tuple[float, float], scale: float) -> None:
    ax.annotate(
        "",
        xy=tip,
        xytext=tail,
        arrowprops=dict(arrowstyle="-|>", color="black", lw=1.2, mutation_scale=scale),
    )


def _header(ax, x: float, width: float, top: float, text: str, colour: str, fontsize: float) -> float:
    """A column's heading band; returns the height it takes."""
    height = 6
    ax.add_patch(
        FancyBboxPatch((x, top - height), width, height, facecolor=colour, edgecolor="#7f7f7f", **_BOX_STYLE)
    )
    ax.text(
        x + width / 2, top - height / 2, text, ha="center", va="center", fontsize=fontsize, fontweight="bold"
    )
    return height


def _box_column(ax, rows, top: float, main: tuple, side: tuple, fontsize: float, indent: float, arrow_scale):
    """One PRISMA column: a main box per row (arrows down from one to the next) and, where the row
    has one, a side box to its right (exclusions) with an arrow across. ``main`` and ``side`` are
    (x, width). Returns each row's (top, height)."""
    (main_x, main_w), (side_x, side_w) = main, side
    placed, y = [], top
    for main_text, side_text in rows:
        h = _box_height(main_text, side_text)
        ax.add_patch(
            FancyBboxPatch((main_x, y - h), main_w, h, facecolor="white", edgecolor="black", **_BOX_STYLE)
        )
        ax.text(
            main_x + indent, y - h / 2, main_text, ha="left", va="center", fontsize=fontsize, linespacing=1.35
        )
        if side_text:
            ax.add_patch(
                FancyBboxPatch((side_x, y - h), side_w, h, facecolor="white", edgecolor="black", **_BOX_STYLE)
            )
            ax.text(
                side_x + indent,
                y - h / 2,
                side_text,
                ha="left",
                va="center",
                fontsize=fontsize,
                linespacing=1.35,
            )
            _arrow(ax, (side_x, y - h / 2), (main_x + main_w, y - h / 2), arrow_scale)
        placed.append((y, h))
        y -= h + _GAP
    for (y1, h1), (y2, _h2) in zip(placed, placed[1:]):
        _arrow(ax, (main_x + main_w / 2, y2), (main_x + main_w / 2, y1 - h1), arrow_scale)
    return placed


def _draw_databases(c: dict, title: str):
    rows = flow_diagram_text(c)
    heights = [_box_height(m, r) for _, m, r in rows]
    header_h = 6
    total_h = header_h + _GAP + sum(heights) + _GAP * (len(rows) - 1) + 1
    width = 100
    fig, ax = plt.subplots(figsize=(10, total_h * 0.118))
    ax.set_xlim(0, width)
    ax.set_ylim(0, total_h)
    ax.axis("off")
    band_x, band_w = 0.5, 5.5
    main_x, main_w = 9, 40
    right_x, right_w = 55, 45
    top = total_h - 0.5
    _header(ax, main_x, right_x + right_w - main_x, top, title, "#fdd49e", 12)
    placed = _box_column(
        ax,
        [(m, r) for _, m, r in rows],
        top - header_h - _GAP,
        (main_x, main_w),
        (right_x, right_w),
        fontsize=10,
        indent=1.6,
        arrow_scale=14,
    )
    boxes = [(band, y, h) for (band, _, _), (y, h) in zip(rows, placed)]
    for band in dict.fromkeys(b for b, _, _ in boxes):
        members = [(y0, h) for b, y0, h in boxes if b == band]
        y_top, y_bottom = members[0][0], members[-1][0] - members[-1][1]
        ax.add_patch(
            FancyBboxPatch(
                (band_x, y_bottom),
                band_w,
                y_top - y_bottom,
                facecolor=_BAND_COLOURS[band],
                edgecolor="#6b8fb3",
                **_BOX_STYLE,
            )
        )
        ax.text(
            band_x + band_w / 2,
            (y_top + y_bottom) / 2,
            band,
            rotation=90,
            ha="center",
            va="center",
            fontsize=11,
            fontweight="bold",
        )
    return fig


def _add_other_column(fig, c: dict, other) -> None:
    """The other-methods column, drawn at the right of the databases column."""
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    extra = 62
    ax.set_xlim(x0, x1 + extra)
    width, height = fig.get_size_inches()
    fig.set_size_inches(width * (x1 + extra - x0) / (x1 - x0), height)
    col_x, col_w = x1 + 4, 28
    side_x, side_w = col_x + col_w + 3, 27
    top = y1 - 0.5
    header_h = _header(
        ax, col_x, side_x + side_w - col_x, top, "Identification of studies via other methods", "#d9d9d9", 10
    )
    placed = _box_column(
        ax,
        other,
        top - header_h - _GAP,
        (col_x, col_w),
        (side_x, side_w),
        fontsize=9,
        indent=1.2,
        arrow_scale=12,
    )
    previous = placed[-1][0] - placed[-1][1]
    ax.text(
        col_x + col_w / 2,
        max(previous - 3, y0 + 1),
        f"Included from other methods: {c.get('other_included', 0)} (counted in the studies included)",
        ha="center",
        va="top",
        fontsize=8,
    )
