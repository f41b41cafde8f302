"""Triangulation of the survey and the interviews: survey items x qualitative themes.

The team records its judgements in a small mapping file (``<data>/findings/triangulation_map.csv``
by default; ``findings.mapping_file`` in params.yaml), one row per survey item and theme they
compared, in the protocol of Farmer et al. (Qual Health Res 2006;16:377-94):

``survey_item``
    the item's variable name, as in ``reports/tables/attitudes_by_role.csv`` (column ``item``);
``theme``
    a theme as in ``reports/tables/themes_by_role.csv`` (case and spacing are ignored);
``judgement``
    ``convergence`` (the two methods agree), ``complementarity`` (they answer different
    facets of the same question), ``dissonance`` (they disagree), or ``silence`` (one method
    has something the other does not);
``rationale`` (optional)
    one line the team wrote to justify the judgement.

Rows are numbered as in a spreadsheet (the header is row 1). The matrix adds what the file
cannot know by itself, so nothing is left out silently:

* a survey item mapped to no theme: *silence* (the interviews say nothing on it);
* a theme mapped to no survey item: *silence* (the survey asked nothing on it);
* a mapped pair whose theme no participant raised in this run, or whose item has no valid
  answers: *silence*, with the team's judgement kept in ``team_judgement``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.files import InputError
from helpers.findings import headline, strands

JUDGEMENTS = ("convergence", "complementarity", "dissonance", "silence")
REQUIRED = ("survey_item", "theme", "judgement")
NONE_LABEL = "(none)"
# Okabe-Ito (colour-blind safe): convergence blue, complementarity green, dissonance vermillion.
COLOURS = {
    "convergence": "#0072B2",
    "complementarity": "#009E73",
    "dissonance": "#D55E00",
    "silence": "#BBBBBB",
    "": "#F2F2F2",
}


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def read_mapping(path: str | Path) -> pd.DataFrame:
    """The team's mapping file, checked: columns ``survey_item, theme, judgement, rationale``
    and ``row`` (its row in the file, header = row 1)."""
    path = Path(path)
    table = strands.read_csv(path)
    table.columns = [str(c).strip() for c in table.columns]
    absent = [c for c in REQUIRED if c not in table.columns]
    if absent:
        raise InputError(
            path,
            f"missing column(s) {', '.join(absent)}; expected {', '.join(REQUIRED)}[, rationale]",
            column=absent[0],
        )
    if table.empty:
        raise InputError(path, "the mapping has no rows")
    if "rationale" not in table:
        table["rationale"] = ""
    table["row"] = range(2, len(table) + 2)
    for col in REQUIRED:
        blank = table[table[col].isna() | (table[col].astype(str).str.strip() == "")]
        if len(blank):
            raise InputError(path, "empty cell", row=int(blank["row"].iloc[0]), column=col)
    table["judgement"] = table["judgement"].map(_norm)
    bad = table[~table["judgement"].isin(JUDGEMENTS)]
    if len(bad):
        raise InputError(
            path,
            f"judgement must be one of {', '.join(JUDGEMENTS)}",
            row=int(bad["row"].iloc[0]),
            column="judgement",
            value=str(bad["judgement"].iloc[0]),
        )
    table["survey_item"] = table["survey_item"].astype(str).str.strip()
    table["theme"] = table["theme"].astype(str).str.strip()
    table["rationale"] = (
        table["rationale"].astype(object).where(table["rationale"].notna(), "").astype(str).str.strip()
    )
    key = table["survey_item"].map(_norm) + "\x00" + table["theme"].map(_norm)
    dup = table[key.duplicated()]
    if len(dup):
        first = int(table.loc[key == key[dup.index[0]], "row"].iloc[0])
        raise InputError(
            path,
            f"the same item and theme are mapped twice (first at row {first})",
            row=int(dup["row"].iloc[0]),
            column="theme",
            value=f"{dup['survey_item'].iloc[0]} / {dup['theme'].iloc[0]}",
        )
    return table[["row", "survey_item", "theme", "judgement", "rationale"]].reset_index(drop=True)


def _survey_evidence(
    attitudes: pd.DataFrame, item: str, pooled_type: str, role_tests: pd.DataFrame | None = None
) -> tuple[str, bool]:
    rows = attitudes[attitudes["item"] == item]
    valid = pd.to_numeric(rows["n_valid"], errors="coerce")
    has_data = bool((valid > 0).any())
    pooled = rows[rows["group_type"] == pooled_type]
    parts = []
    if len(pooled):
        parts.append(
            f"{pooled['group'].iloc[0]} {headline.fmt_pct_ci(pooled['pct_agree'].iloc[0], pooled['ci_low'].iloc[0], pooled['ci_high'].iloc[0])}"
        )
    ends = headline.extremes(attitudes, item, role_tests=role_tests)
    if ends:
        parts.append(
            f"highest {ends[0]} {headline.headline_row(attitudes, item, ends[0])}, "
            f"lowest {ends[1]} {headline.headline_row(attitudes, item, ends[1])}"
        )
    return ("; ".join(parts) if has_data else "no valid answers"), has_data


def build(
    mapping: pd.DataFrame,
    attitudes: pd.DataFrame,
    themes_by_role: pd.DataFrame,
    *,
    mapping_file: str | Path = "mapping file",
    pooled_type: str = "all",
    role_tests: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The long triangulation table: one row per mapped pair, unmapped item and unmapped theme.

    Columns: ``survey_item, question, theme, judgement, team_judgement, rationale,
    survey_evidence, qualitative_evidence, origin``. Items and themes the strand tables do not
    hold raise :class:`InputError` naming the mapping file's row, column and value."""
    items = list(dict.fromkeys(attitudes["item"]))
    item_by_norm = {_norm(i): i for i in items}
    summary = headline.themes_summary(themes_by_role)
    themes = list(summary["theme"])
    theme_by_norm = {_norm(t): t for t in themes}
    questions = (
        attitudes.drop_duplicates("item").set_index("item")["question"].to_dict()
        if "question" in attitudes
        else {}
    )
    rows = []
    for _, m in mapping.iterrows():
        item = item_by_norm.get(_norm(m["survey_item"]))
        if item is None:
            raise InputError(
                mapping_file,
                f"survey item not in attitudes_by_role (known: {', '.join(items)})",
                row=int(m["row"]),
                column="survey_item",
                value=m["survey_item"],
            )
        theme = theme_by_norm.get(_norm(m["theme"]))
        if theme is None:
            raise InputError(
                mapping_file,
                f"theme not in themes_by_role (known: {'; '.join(themes)})",
                row=int(m["row"]),
                column="theme",
                value=m["theme"],
            )
        s_text, s_data = _survey_evidence(attitudes, item, pooled_type, role_tests)
        t = summary[summary["theme"] == theme].iloc[0]
        q_text = f"{t['references']} references from {t['participants']} participants ({t['raised_by']})"
        judgement, origin = m["judgement"], f"mapping row {int(m['row'])}"
        if t["references"] == 0 or not s_data:
            judgement = "silence"
            origin += ": " + (
                "no participant raised the theme in this run"
                if t["references"] == 0
                else "the item has no valid answers"
            )
        rows.append(
            {
                "survey_item": item,
                "question": questions.get(item, ""),
                "theme": theme,
                "judgement": judgement,
                "team_judgement": m["judgement"],
                "rationale": m["rationale"],
                "survey_evidence": s_text,
                "qualitative_evidence": q_text,
                "origin": origin,
            }
        )
    mapped_items = {r["survey_item"] for r in rows}
    mapped_themes = {r["theme"] for r in rows}
    for item in items:
        if item not in mapped_items:
            rows.append(
                {
                    "survey_item": item,
                    "question": questions.get(item, ""),
                    "theme": NONE_LABEL,
                    "judgement": "silence",
                    "team_judgement": "",
                    "rationale": "",
                    "survey_evidence": _survey_evidence(attitudes, item, pooled_type, role_tests)[0],
                    "qualitative_evidence": "no theme mapped to this item",
                    "origin": "derived: item in the survey, mapped to no theme",
                }
            )
    for _, t in summary.iterrows():
        if t["theme"] not in mapped_themes:
            rows.append(
                {
                    "survey_item": NONE_LABEL,
                    "question": "",
                    "theme": t["theme"],
                    "judgement": "silence",
                    "team_judgement": "",
                    "rationale": "",
                    "survey_evidence": "no survey item mapped to this theme",
                    "qualitative_evidence": f"{t['references']} references from {t['participants']} participants ({t['raised_by']})",
                    "origin": "derived: theme in the interviews, mapped to no survey item",
                }
            )
    long = pd.DataFrame(rows)
    order_i = {i: k for k, i in enumerate(items + [NONE_LABEL])}
    order_t = {t: k for k, t in enumerate(themes + [NONE_LABEL])}
    long = long.assign(_i=long["survey_item"].map(order_i), _t=long["theme"].map(order_t))
    return long.sort_values(["_i", "_t"], kind="stable").drop(columns=["_i", "_t"]).reset_index(drop=True)


def matrix(long: pd.DataFrame, themes: list[str] | None = None) -> pd.DataFrame:
    """Items x themes, the judgement in each compared cell, empty where not compared; a last
    column ``(none)`` marks items no theme speaks to and a last row ``(none)`` themes no item
    speaks to. ``themes`` gives the column order (default: order of first appearance)."""
    items = [i for i in dict.fromkeys(long["survey_item"]) if i != NONE_LABEL]
    items += [NONE_LABEL] if (long["survey_item"] == NONE_LABEL).any() else []
    present = [t for t in dict.fromkeys(long["theme"]) if t != NONE_LABEL]
    cols = [t for t in (themes or present) if t in present] + [
        t for t in present if t not in (themes or present)
    ]
    cols += [NONE_LABEL] if (long["theme"] == NONE_LABEL).any() else []
    grid = pd.DataFrame("", index=items, columns=cols)
    for _, r in long.iterrows():
        grid.loc[r["survey_item"], r["theme"]] = r["judgement"]
    grid.index.name = "survey_item"
    return grid


def counts(long: pd.DataFrame) -> pd.DataFrame:
    """How many cells fall in each category (mapped pairs and derived silences)."""
    c = long["judgement"].value_counts().reindex(list(JUDGEMENTS), fill_value=0)
    return pd.DataFrame({"judgement": c.index, "cells": c.to_numpy()})


LABEL_WIDTH = 72  # characters per line of an item label
LABEL_LINES = 2  # at most this many lines; a longer label gets longer lines, never an ellipsis


def wrap_label(text: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """The whole ``text`` on at most ``lines`` lines of about ``width`` characters (longer
    lines where it needs more than ``lines``): a label is wrapped, never shortened."""
    import textwrap

    text = " ".join(str(text).split())
    out = textwrap.wrap(text, width) or [""]
    while len(out) > lines:
        width += 4
        out = textwrap.wrap(text, width)
    return "\n".join(out)


# Type sizes (points) of the grid: read on a 1280 x 720 slide, where the deck fits the figure
# into 560 px of height (helpers.slides), and in report 05 at 100 dpi.
FONT = {"label": 12, "theme": 12, "cell": 10, "legend": 11, "title": 12}


def figure(grid: pd.DataFrame, labels: dict[str, str] | None = None, title: str = ""):
    """The matrix as a coloured grid with each cell's judgement written in it; each survey item
    labelled by its text (:func:`wrap_label`: the codebook's short label where the caller gives
    it, else the whole question), each row as tall as the longest label. Sized so that its text
    is about 15 px high on a 1280 x 720 slide for up to 15 items of single-line labels (the
    report and the deck name the figure in their heading: no title unless given)."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Patch

    labels = labels or {}
    n_rows, n_cols = grid.shape
    row_labels = [
        wrap_label("no survey item" if i == NONE_LABEL else (labels.get(i, i) or i)) for i in grid.index
    ]
    lines = max((label.count("\n") + 1 for label in row_labels), default=1)
    width = max((len(line) for label in row_labels for line in label.split("\n")), default=10)
    char = FONT["label"] / 72 * 0.52  # inches per character of the label font (average)
    fig, ax = plt.subplots(
        figsize=(
            0.4 + char * width + 1.3 * n_cols,
            1.2 + (0.3 if title else 0) + n_rows * (0.1 + 0.19 * lines),
        ),
    )
    image = [[to_rgb(COLOURS.get(v, COLOURS[""])) for v in row] for row in grid.to_numpy()]
    ax.imshow(image, aspect="auto")
    for i in range(n_rows):
        for j in range(n_cols):
            v = grid.iat[i, j]
            if v:
                ax.text(
                    j,
                    i,
                    v,
                    ha="center",
                    va="center",
                    fontsize=FONT["cell"],
                    color="black" if v == "silence" else "white",
                )
    ax.set_xticks(
        range(n_cols),
        [textwrap.fill("no theme" if c == NONE_LABEL else str(c), 14) for c in grid.columns],
        fontsize=FONT["theme"],
    )
    ax.xaxis.tick_top()
    ax.set_yticks(range(n_rows), row_labels, fontsize=FONT["label"], linespacing=1.05)
    ax.set_xticks([x - 0.5 for x in range(1, n_cols)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n_rows)], minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [Patch(color=COLOURS[j], label=j) for j in JUDGEMENTS]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=4,
        frameon=False,
        fontsize=FONT["legend"],
    )
    if title:
        ax.set_title(title, fontweight="bold", pad=10, fontsize=FONT["title"])
    fig.tight_layout()
    return fig
