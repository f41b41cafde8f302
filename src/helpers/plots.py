"""House style for figures, and the survey's charts drawn from tidy tables they also return.

* :func:`use_house_style` - readable font sizes, no chart junk, colour-blind-safe colours
  (Okabe-Ito for categories; ColorBrewer RdBu, which is colour-blind safe, for agree/disagree
  scales, with a grey neutral level).
* :func:`diverging_likert` - diverging stacked bars centred on the neutral level, one panel
  per group, items sorted, n per row. Drawn with matplotlib ``barh(left=...)`` from a tidy
  table that the function returns, so tests can check the numbers behind every segment.
* :func:`then_vs_now` - published 2002 (and 2015) figures beside this run's, by role, with
  95% CIs where they are known.

Save figures with :func:`helpers.outputs.save_figure`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from helpers import numbers

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NEUTRAL_GREY = "#D9D9D9"
# ColorBrewer RdBu (colour-blind safe); darkest at the ends.
_RDBU = {
    2: ["#EF8A62", "#67A9CF"],
    3: ["#CA0020", NEUTRAL_GREY, "#0571B0"],
    4: ["#CA0020", "#F4A582", "#92C5DE", "#0571B0"],
    5: ["#CA0020", "#F4A582", NEUTRAL_GREY, "#92C5DE", "#0571B0"],
    6: ["#B2182B", "#EF8A62", "#FDDBC7", "#D1E5F0", "#67A9CF", "#2166AC"],
    7: ["#B2182B", "#EF8A62", "#FDDBC7", NEUTRAL_GREY, "#D1E5F0", "#67A9CF", "#2166AC"],
    # ColorBrewer RdBu 8-11 (the odd scales' middle class replaced by the neutral grey, as above)
    8: ["#B2182B", "#D6604D", "#F4A582", "#FDDBC7", "#D1E5F0", "#92C5DE", "#4393C3", "#2166AC"],
    9: ["#B2182B", "#D6604D", "#F4A582", "#FDDBC7", NEUTRAL_GREY, "#D1E5F0", "#92C5DE", "#4393C3", "#2166AC"],
    10: ["#67001F", "#B2182B", "#D6604D", "#F4A582", "#FDDBC7", "#D1E5F0", "#92C5DE", "#4393C3", "#2166AC",
         "#053061"],
    11: ["#67001F", "#B2182B", "#D6604D", "#F4A582", "#FDDBC7", NEUTRAL_GREY, "#D1E5F0", "#92C5DE", "#4393C3",
         "#2166AC", "#053061"],
}  # fmt: skip

HOUSE_STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "figure.dpi": 100,
    "savefig.facecolor": "white",
    "font.family": "DejaVu Sans",
    "svg.fonttype": "none",
}


def use_house_style() -> None:
    """Apply the house style to matplotlib (call once at the top of a notebook)."""
    matplotlib.rcParams.update(HOUSE_STYLE)


def likert_colours(n_levels: int) -> list[str]:
    """Colour-blind-safe diverging colours for an ordered scale (negative to positive)."""
    if n_levels not in _RDBU:
        raise ValueError(f"likert_colours: {n_levels} levels not supported (2-11)")
    return list(_RDBU[n_levels])


def _text_colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "black"


def frame(fig, *, title=None, legend=None, note=None, pad: float = 0.1) -> None:
    """Lay out ``fig`` with its title above the panels and its legend, then its note, below
    them, each in a band of its own measured on the drawn figure: the figure grows by those
    bands (the panels keep the height they were given), so no title runs over a panel's title
    and no legend over an axis' tick labels or label, whatever their lines. The panels are then
    fitted between the bands by ``tight_layout``, which has room for their own decorations when
    the figure was made with enough height for them. ``title`` is the figure's suptitle,
    ``legend`` a figure legend (``loc="lower center"``) and ``note`` a figure text; any may be
    None."""
    renderer = fig.canvas.get_renderer()

    def inches(artist) -> float:
        return artist.get_window_extent(renderer).height / fig.dpi if artist is not None else 0.0

    h_title, h_legend, h_note = inches(title), inches(legend), inches(note)
    below_note = pad + h_note + (pad if note is not None else 0.0)
    bottom = below_note + h_legend + (pad if legend is not None else 0.0)
    top = pad + h_title + (pad if title is not None else 0.0)
    height = fig.get_figheight() + bottom + top
    fig.set_figheight(height)
    if title is not None:
        title.set_y(1 - pad / height)
        title.set_verticalalignment("top")
    if legend is not None:
        legend.set_bbox_to_anchor((0.5, below_note / height), transform=fig.transFigure)
    if note is not None:
        note.set_position((0.01, pad / height))
        note.set_verticalalignment("bottom")
    # tight_layout keeps the panels under the suptitle itself (a rect's top would count it twice)
    fig.tight_layout(rect=(0, bottom / height, 1, 1))


SUPPRESSED_LABEL = "Suppressed (small numbers)"
SUPPRESSED_COLOUR = "#BDBDBD"


def _protected_counts(table: pd.DataFrame, levels: Sequence[str]) -> pd.DataFrame:
    """The level counts and n_valid of a protected table as floats (NaN where suppressed)."""
    if not isinstance(table.attrs.get("disclosure"), Mapping):
        raise ValueError(
            "diverging_likert draws only from a table protected by helpers.disclosure "
            "(e.g. attitudes.protect_by_role's output), not from raw counts or responses"
        )
    cols = [f"n_{i + 1}" for i in range(len(levels))]
    need = {"item", "group", "n_valid", *cols}
    if need - set(table.columns):
        raise ValueError(
            f"diverging_likert: missing column(s) {', '.join(sorted(need - set(table.columns)))}"
        )
    return table[["n_valid", *cols]].apply(pd.to_numeric, errors="coerce").astype(float)


def likert_table(
    table: pd.DataFrame,
    items: Sequence[str],
    levels: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    item_labels: Mapping[str, str] | None = None,
    top: int = 2,
    sort: bool = True,
    min_n: int = 1,
) -> pd.DataFrame:
    """The tidy table behind a diverging Likert chart, from a disclosure-protected table.

    ``table`` is long (one row per item x group) with ``item, group, n_valid, n_1 .. n_k`` as
    published (suppressed counts empty or marked) and ``table.attrs["disclosure"]`` set by
    :mod:`helpers.disclosure`; anything else is refused, so a chart can never show more than
    the published table. One row per group x item x segment: ``group, item, label, level, n,
    n_valid, pct, left, width, order, drawn``. Segments are the visible levels, each
    ``100 * n / n_valid`` wide, plus one segment ``level == SUPPRESSED_LABEL`` for all the
    suppressed levels of the bar together (``n_valid`` minus the visible levels, which a reader
    of the table can compute anyway), drawn after the positive levels; a suppressed level never
    gets a segment of its own, so its width is never drawn. The bar is centred on the visible
    levels only (the visible negative levels and half a visible neutral level lie left of zero).
    A bar whose ``n_valid`` is suppressed or below ``min_n`` is not drawn (``drawn`` False), nor
    is the bar of a group with no row for an item (the table leaves the group out for that item:
    one not-drawn row, ``n_valid`` empty, so the chart marks it as suppressed).
    ``order`` is the item's position from the top: items sorted by the share of the top ``top``
    levels over the drawn bars (published counts only), highest first (input order when
    ``sort`` is False).
    """
    levels = list(levels)
    counts = _protected_counts(table, levels)
    item_labels = dict(item_labels or {})
    k = len(levels)
    negative = k // 2
    present = set(table.loc[table["item"].isin(list(items)), "group"])
    groups = [g for g in (groups if groups is not None else dict.fromkeys(table["group"])) if g in present]
    rows = []
    pooled = {}
    for item in items:
        agree = valid = 0.0
        for g in groups:
            hit = table.index[(table["item"] == item).to_numpy() & (table["group"] == g).to_numpy()]
            if not len(hit):
                # a group not published for this item (helpers.publication: its row is suppressed
                # as a whole): a bar marked "not shown (n=suppressed)", never silently no bar
                rows.append(
                    {
                        "group": g,
                        "item": item,
                        "label": item_labels.get(item, item),
                        "level": SUPPRESSED_LABEL,
                        "n": np.nan,
                        "n_valid": np.nan,
                        "pct": np.nan,
                        "left": np.nan,
                        "width": np.nan,
                        "drawn": False,
                    }
                )
                continue
            if len(hit) != 1:
                raise ValueError(
                    f"likert_table: expected one row for item {item!r}, group {g!r}, found {len(hit)}"
                )
            c = counts.loc[hit[0]]
            n_valid = c["n_valid"]
            drawn = bool(pd.notna(n_valid) and n_valid >= max(min_n, 1))
            n = c.iloc[1:].to_numpy()
            visible = np.nan_to_num(n, nan=0.0)
            hidden = max(float(n_valid) - visible.sum(), 0.0) if drawn and np.isnan(n).any() else 0.0
            pct = 100 * visible / n_valid if drawn else np.full(k, np.nan)
            if drawn:
                top_n = n[k - top :]
                agree += np.nansum(top_n)
                valid += n_valid
            start = -(
                np.nansum(pct[:negative]) + (pct[negative] / 2 if k % 2 and not np.isnan(n[negative]) else 0)
            )
            left = start if drawn else np.nan
            segments = [(level, n[j], pct[j]) for j, level in enumerate(levels) if not np.isnan(n[j])]
            if np.isnan(n).any():
                segments.append((SUPPRESSED_LABEL, np.nan, 100 * hidden / n_valid if drawn else np.nan))
            for level, cnt, share in segments:
                rows.append(
                    {
                        "group": g,
                        "item": item,
                        "label": item_labels.get(item, item),
                        "level": level,
                        "n": cnt,
                        "n_valid": n_valid,
                        "pct": share,
                        "left": left,
                        "width": share,
                        "drawn": drawn,
                    }
                )
                if drawn:
                    left = left + share
        pooled[item] = agree / valid if valid else -1.0
    columns = ["group", "item", "label", "level", "n", "n_valid", "pct", "left", "width", "order", "drawn"]
    tidy = pd.DataFrame(rows, columns=[c for c in columns if c != "order"])
    ranked = sorted(items, key=lambda i: -pooled[i]) if sort else list(items)
    tidy["order"] = tidy["item"].map({item: pos for pos, item in enumerate(ranked)})
    tidy["level"] = pd.Categorical(tidy["level"], categories=[*levels, SUPPRESSED_LABEL], ordered=True)
    tidy["_g"] = [groups.index(g) for g in tidy["group"]]
    tidy = tidy.sort_values(["order", "_g", "level"], kind="stable").drop(columns="_g")
    return tidy.reset_index(drop=True)[columns]


def diverging_likert(
    table: pd.DataFrame,
    items: Sequence[str],
    levels: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    rows: str = "item",
    item_labels: Mapping[str, str] | None = None,
    top: int = 2,
    sort: bool = True,
    min_n: int = 1,
    title: str | None = None,
    wrap: int = 44,
    label_min_pct: float = 8.0,
    ncols: int | None = None,
):
    """Diverging stacked bars from a disclosure-protected table (see :func:`likert_table`).

    ``rows="item"``: one panel per group (``ncols`` panels a row), one bar per item.
    ``rows="group"``: one panel per item, one bar per group (e.g. one item by role).
    Suppressed levels are drawn together as one grey hatched segment labelled in the legend,
    after the positive levels; bars with a suppressed or too small ``n_valid`` are not drawn
    (their n label says so); a segment of fewer than ``min_n`` people carries no number.
    Returns ``(fig, tidy)`` with :func:`likert_table`'s table (the data behind every segment).
    """
    if rows not in ("item", "group"):
        raise ValueError(f"diverging_likert: rows must be 'item' or 'group', got {rows!r}")
    tidy = likert_table(
        table,
        items,
        levels,
        groups=groups,
        item_labels=item_labels,
        top=top,
        sort=sort and rows == "item",
        min_n=min_n,
    )
    empty = no_respondents(tidy)
    full = tidy
    if empty and len(empty) < tidy["group"].nunique():
        tidy = tidy[~tidy["group"].isin(empty)].copy()  # no panel (or bar) of "not shown (n=0)"
    groups = list(dict.fromkeys(tidy["group"]))
    if rows == "group":
        tidy["panel"], tidy["row"] = tidy["label"], tidy["group"].map({g: i for i, g in enumerate(groups)})
        panels = list(dict.fromkeys(tidy["label"]))
        row_labels = [str(g) for g in groups]
    else:
        tidy["panel"], tidy["row"] = tidy["group"], tidy["order"]
        panels = groups
        row_labels = list(tidy.drop_duplicates("item").sort_values("order")["label"])
    colours = dict(zip(levels, likert_colours(len(levels))))
    colours[SUPPRESSED_LABEL] = SUPPRESSED_COLOUR
    n_rows = len(row_labels)
    ncols = max(1, min(ncols or len(panels), len(panels)))
    nrows = -(-len(panels) // ncols)
    label_width = 0.075 * wrap
    has_hidden = (tidy["level"] == SUPPRESSED_LABEL).any()
    # the height of the panels alone: each row of bars tall enough for its wrapped label, each row
    # of panels for its (wrapped) titles, tick labels and axis label; the title, legend and note
    # get bands of their own (frame)
    label_lines = max((textwrap.fill(str(t), wrap).count("\n") + 1 for t in row_labels), default=1)
    title_lines = max((textwrap.fill(str(p), 40).count("\n") + 1 for p in panels), default=1)
    bar_row = max(0.5, 0.17 * label_lines + 0.12)
    fig, grid = plt.subplots(
        nrows,
        ncols,
        sharey=True,
        squeeze=False,
        figsize=(label_width + 3.3 * ncols, nrows * (0.75 + 0.2 * title_lines + bar_row * n_rows)),
    )
    axes = list(grid.flat)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    for ax, panel in zip(axes, panels):
        sub = tidy[tidy["panel"] == panel]
        for level in [*levels, SUPPRESSED_LABEL]:
            if level == SUPPRESSED_LABEL and not has_hidden:
                continue
            seg = sub[(sub["level"] == level) & sub["drawn"]]
            ax.barh(
                seg["row"],
                seg["width"],
                left=seg["left"],
                color=colours[level],
                edgecolor="white",
                linewidth=0.6,
                height=0.72,
                hatch="///" if level == SUPPRESSED_LABEL else None,
                label=level,
            )
            for _, r in seg.iterrows():
                if level != SUPPRESSED_LABEL and r["width"] >= label_min_pct and r["n"] >= min_n:
                    ax.text(
                        r["left"] + r["width"] / 2,
                        r["row"],
                        numbers.percentage(r["pct"], sign=""),
                        ha="center",
                        va="center",
                        fontsize=8,
                        color=_text_colour(colours[level]),
                    )
        for _, r in sub.drop_duplicates("row").sort_values("row").iterrows():
            n_text = "suppressed" if pd.isna(r["n_valid"]) else numbers.count(r["n_valid"])
            if r["drawn"]:
                ax.text(
                    1.01,
                    r["row"],
                    f"n={n_text}",
                    transform=ax.get_yaxis_transform(),
                    va="center",
                    fontsize=8,
                    color="#333333",
                )
            else:  # said inside the empty bar, where it cannot run into the next panel
                ax.text(
                    0,
                    r["row"],
                    f"not shown (n={n_text})",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#555555",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                )
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_xlim(-100, 100)
        ax.set_xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
        ax.set_xlabel("% of valid answers")
        ax.set_title(textwrap.fill(str(panel), 40), fontweight="bold")
    for row in grid:
        row[0].set_yticks(range(n_rows), [textwrap.fill(str(t), wrap) for t in row_labels])
        row[0].tick_params(axis="y", labelleft=True)
    axes[0].set_ylim(n_rows - 0.5, -0.5)
    # the legend from the scale itself: a level no bar shows (all suppressed, or nobody gave it)
    # keeps its colour; matplotlib's handle of an empty bar set took the default blue
    from matplotlib.patches import Patch

    names = [*levels, *([SUPPRESSED_LABEL] if has_hidden else [])]
    handles = [
        Patch(
            facecolor=colours[n],
            edgecolor="white",
            hatch="///" if n == SUPPRESSED_LABEL else None,
            label=n,
        )
        for n in names
    ]
    legend = fig.legend(
        handles, names, loc="lower center", ncol=min(len(names), 4), frameon=False, borderaxespad=0
    )
    suptitle = (
        fig.suptitle(textwrap.fill(title, max(40, int(11 * fig.get_figwidth()))), fontweight="bold")
        if title
        else None
    )
    note = no_respondents_note(full) if len(groups) < full["group"].nunique() else ""
    note_text = fig.text(0.01, 0, note, ha="left", fontsize=9, color="#333333") if note else None
    frame(fig, title=suptitle, legend=legend, note=note_text)
    fig.subplots_adjust(wspace=0.3)
    return fig, full.drop(columns=["panel", "row"], errors="ignore")


def groups_to_draw(table: pd.DataFrame, groups: Sequence[str], fallback: str) -> list[str]:
    """The panels of a chart of ``groups`` (one per group): ``groups`` when one of them has
    respondents in ``table`` (the protected long table), else ``fallback`` (all respondents)
    first, so that a survey whose published role groups have no one still gets a chart, and
    the empty groups are named in its note (:func:`no_respondents_note`)."""
    groups = list(groups)
    n = pd.to_numeric(table.loc[table["group"].isin(groups), "n_valid"], errors="coerce")
    someone = bool((n.isna() | (n > 0)).any()) if len(n) else False
    return groups if someone else [fallback, *groups]


def no_respondents(tidy: pd.DataFrame) -> list[str]:
    """The groups of a :func:`likert_table` with no respondents: a published ``n_valid`` of 0
    on every item (a suppressed n is not 0: it is drawn as "not shown")."""
    n = pd.to_numeric(tidy["n_valid"], errors="coerce")
    zero = (n == 0).groupby(tidy["group"], sort=False).all()
    return [str(g) for g, is_zero in zero.items() if is_zero]


def no_respondents_note(tidy: pd.DataFrame) -> str:
    """The sentence a chart's note and alt text carry for its groups with no respondents
    (:func:`no_respondents`, left out of the chart); '' when there is none."""
    empty = no_respondents(tidy)
    if not empty:
        return ""
    names = empty[0] if len(empty) == 1 else ", ".join(empty[:-1]) + " and " + empty[-1]
    verb = "has" if len(empty) == 1 else "have"
    return f"{names} {verb} no respondents (n=0) and {'is' if len(empty) == 1 else 'are'} not shown."


def _error_lengths(estimate, low, high) -> np.ndarray:
    """Error-bar lengths below and above each estimate, never negative (a bound that rounding
    put a hair on the wrong side of its estimate, e.g. a Wilson upper bound of
    0.9999999999999999 at 100%, draws no bar on that side) and 0 where a bound is missing."""
    est = np.asarray(estimate, float)
    err = np.vstack([est - np.asarray(low, float), np.asarray(high, float) - est])
    return np.clip(np.nan_to_num(err, nan=0.0), 0.0, None)


def then_vs_now(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    source_order: Sequence[str] | None = None,
    group_order: Sequence[str] | None = None,
):
    """Dot-and-interval chart of the same measures in different years, by group.

    ``table`` columns: ``measure, group, source, pct, ci_low, ci_high`` (0-100; CIs may be
    empty for published figures without counts). One panel per measure, groups on the y axis,
    one colour per source. Returns ``(fig, table)`` with the plotted rows in drawing order
    (``y`` = the dot's vertical position).
    """
    need = {"measure", "group", "source", "pct", "ci_low", "ci_high"}
    if need - set(table.columns):
        raise ValueError(f"then_vs_now: missing column(s) {', '.join(sorted(need - set(table.columns)))}")
    data = table.dropna(subset=["pct"]).copy()
    measures = list(dict.fromkeys(data["measure"]))
    sources = list(source_order or dict.fromkeys(data["source"]))
    groups = list(group_order or dict.fromkeys(data["group"]))
    data = data[data["source"].isin(sources) & data["group"].isin(groups)]
    offsets = {s: (i - (len(sources) - 1) / 2) * 0.22 for i, s in enumerate(sources)}
    data["y"] = data["group"].map({g: i for i, g in enumerate(groups)}) + data["source"].map(offsets)
    fig, axes = plt.subplots(
        1,
        len(measures),
        sharey=True,
        squeeze=False,
        figsize=(1.5 + 3.4 * len(measures), 0.8 + 0.55 * len(groups)),
    )
    for ax, measure in zip(axes[0], measures):
        for i, source in enumerate(sources):
            sub = data[(data["measure"] == measure) & (data["source"] == source)]
            err = _error_lengths(sub["pct"], sub["ci_low"], sub["ci_high"])
            ax.errorbar(
                sub["pct"],
                sub["y"],
                xerr=err,
                fmt="o",
                color=OKABE_ITO[i % 8],
                ecolor=OKABE_ITO[i % 8],
                elinewidth=1.4,
                capsize=2.5,
                markersize=6,
                label=source,
            )
        ax.set_title(textwrap.fill(str(measure), 34), fontweight="bold")
        ax.set_xlim(0, 100)
        ax.set_xlabel("%")
        ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    axes[0][0].set_yticks(range(len(groups)), groups)
    axes[0][0].set_ylim(len(groups) - 0.5, -0.5)
    # a source none of whose figures is drawn (this run's, all suppressed) gets no empty legend
    # entry: the note under the chart says why it has no points
    handles, names = axes[0][0].get_legend_handles_labels()
    drawn = set(data["source"])
    shown = [(h, n) for h, n in zip(handles, names) if n in drawn]
    note = then_vs_now_note(table, sources)
    legend = (
        fig.legend(
            [h for h, _ in shown],
            [n for _, n in shown],
            loc="lower center",
            ncol=max(len(shown), 1),
            frameon=False,
            borderaxespad=0,
        )
        if shown
        else None
    )
    suptitle = fig.suptitle(title, fontweight="bold") if title else None
    note_text = fig.text(0.01, 0, note, ha="left", fontsize=9, color="#333333") if note else None
    frame(fig, title=suptitle, legend=legend, note=note_text)
    order = data.sort_values(
        ["measure", "y"],
        key=lambda s: s.map({m: i for i, m in enumerate(measures)}) if s.name == "measure" else s,
    )
    return fig, order.reset_index(drop=True)


def then_vs_now_note(table: pd.DataFrame, sources: Sequence[str] | None = None) -> str:
    """The sentence under a :func:`then_vs_now` chart for the sources in ``table`` none of whose
    figures can be drawn (every ``pct`` empty: this run's figures all suppressed), which the
    chart leaves out of its legend; '' when every source has a point."""
    sources = list(sources or dict.fromkeys(table["source"]))
    pct = pd.to_numeric(table["pct"], errors="coerce")
    empty = [
        s
        for s in sources
        if (table["source"] == s).any() and pct[(table["source"] == s).to_numpy()].isna().all()
    ]
    if not empty:
        return ""
    names = empty[0] if len(empty) == 1 else ", ".join(empty[:-1]) + " and " + empty[-1]
    return f"{names}: no point drawn (every figure suppressed under the disclosure rule)."


def forest(
    table: pd.DataFrame,
    *,
    row_labels: Mapping[str, str] | None = None,
    series_order: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str = "Odds ratio (log scale)",
    wrap: int = 44,
):
    """Odds ratios with 95% CIs on a log scale: one row per ``row``, one colour per ``series``.

    ``table`` columns: ``row, series, estimate, ci_low, ci_high``. Rows are drawn in the order
    they first appear, top to bottom; a vertical line marks no difference (1). Returns
    ``(fig, drawn)`` with each point's ``y`` position.
    """
    need = {"row", "series", "estimate", "ci_low", "ci_high"}
    if need - set(table.columns):
        raise ValueError(f"forest: missing column(s) {', '.join(sorted(need - set(table.columns)))}")
    # An estimate at 0 or infinity (separation: a group where everyone, or no one, gave a
    # higher answer) cannot be drawn on a log scale: left out; an unbounded interval runs to the
    # axis' edge (1e-3 or 1e3).
    estimate = pd.to_numeric(table["estimate"], errors="coerce")
    data = table[np.isfinite(estimate) & (estimate > 0)].copy()
    data["ci_low"] = pd.to_numeric(data["ci_low"], errors="coerce").clip(lower=1e-3)
    data["ci_high"] = pd.to_numeric(data["ci_high"], errors="coerce").clip(upper=1e3)
    rows = list(dict.fromkeys(data["row"]))
    series = list(series_order or dict.fromkeys(data["series"]))
    offsets = {s: (i - (len(series) - 1) / 2) * 0.2 for i, s in enumerate(series)}
    data["y"] = data["row"].map({r: i for i, r in enumerate(rows)}) + data["series"].map(offsets)
    title_lines = textwrap.fill(title, 70).count("\n") + 1 if title else 0
    fig, ax = plt.subplots(figsize=(0.075 * wrap + 5.5, 0.9 + 0.62 * len(rows) + 0.25 * title_lines))
    for i, s in enumerate(series):
        sub = data[data["series"] == s]
        err = _error_lengths(sub["estimate"], sub["ci_low"], sub["ci_high"])
        ax.errorbar(
            sub["estimate"],
            sub["y"],
            xerr=err,
            fmt="o",
            color=OKABE_ITO[i % 8],
            ecolor=OKABE_ITO[i % 8],
            markersize=5,
            elinewidth=1.2,
            capsize=2,
            label=s,
        )
    ax.axvline(1, color="#555555", linewidth=0.8)
    ax.set_xscale("log")
    bounds = pd.concat([data["ci_low"], data["ci_high"], data["estimate"]]).clip(1e-3, 1e3)
    low, high = (float(bounds.min()), float(bounds.max())) if bounds.notna().any() else (0.5, 2.0)
    ticks = [
        t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if low / 1.5 <= t <= high * 1.5
    ]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_xlim(min(ticks + [low]) / 1.1, max(ticks + [high]) * 1.1)
    ax.set_yticks(range(len(rows)), [textwrap.fill(str((row_labels or {}).get(r, r)), wrap) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    if title:
        ax.set_title(textwrap.fill(title, 70), fontweight="bold")
    # the legend in a band of its own under the axis label (frame): anchored under the axes, a
    # one-row chart's legend ran into its label and tight_layout printed a warning
    handles, names = ax.get_legend_handles_labels()
    legend = fig.legend(
        handles, names, loc="lower center", ncol=max(len(series), 1), frameon=False, borderaxespad=0
    )
    frame(fig, legend=legend)
    return fig, data.reset_index(drop=True)
