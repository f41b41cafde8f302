"""The extraction table of the included studies: characteristics, counts, years by theme.

extraction.csv, one row per included report::

    record_id, study_id, design, setting, country, participants, focus, themes

``record_id`` is any record id of an included (deduplicated) record; ``study_id`` groups several
reports of one study (leave it empty for one report = one study); ``country`` and ``themes`` may
hold several values separated by ``;``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from helpers import files
from helpers.files import InputError
from helpers.literature.parsers import surname_as_written

COLUMNS = ["record_id", "study_id", "design", "setting", "country", "participants", "focus", "themes"]
REQUIRED = ["record_id", "design", "country", "themes"]


def split_values(value) -> list[str]:
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def read_extraction(
    path: str | Path, id_map: dict[str, str], included: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the extraction table; returns (rows keyed by ``unique_id``, included records missing from it).

    A row for a record that was not included, or twice for the same record, is an error.
    """
    path = Path(path)
    included_set = set(included)
    out, seen = [], {}
    for n, cells in files.read_log(path, REQUIRED, COLUMNS):
        rec = {c: "" for c in COLUMNS} | cells
        rid = rec["record_id"]
        if rid not in id_map:
            raise InputError(path, "unknown record id", row=n, column="record_id", value=rid)
        uid = id_map[rid]
        if uid not in included_set:
            raise InputError(
                path, f"record {uid} is not among the included studies", row=n, column="record_id", value=rid
            )
        if uid in seen:
            raise InputError(path, f"record {uid} is extracted twice", row=[seen[uid], n], column="record_id")
        seen[uid] = n
        for col in ("design", "country", "themes"):
            if not rec[col]:
                raise InputError(path, f"{col} is empty", row=n, column=col)
        rec["unique_id"] = uid
        rec["study_id"] = rec["study_id"] or uid
        out.append(rec)
    table = pd.DataFrame(out, columns=[*COLUMNS, "unique_id"])
    not_extracted = pd.DataFrame({"unique_id": sorted(included_set - set(table["unique_id"]))})
    not_extracted["flag"] = "included but not in the extraction table"
    return table, not_extracted


def characteristics_table(unique: pd.DataFrame, extraction: pd.DataFrame) -> pd.DataFrame:
    """One row per included report: citation fields from the records, characteristics from extraction."""
    bib = unique.set_index("unique_id")
    ex = extraction.copy()
    first = (
        bib.loc[ex["unique_id"], "authors"]
        .fillna("")
        .map(lambda a: surname_as_written(a.split(";")[0]) or "")
    )
    ex["first_author"] = first.to_numpy()
    for col in ("year", "title", "journal", "doi"):
        ex[col] = bib.loc[ex["unique_id"], col].to_numpy()
    ex["year"] = ex["year"].astype("Int64")
    ex = ex.sort_values(["year", "first_author", "unique_id"], kind="stable")
    return ex[
        [
            "unique_id",
            "study_id",
            "first_author",
            "year",
            "title",
            "journal",
            "doi",
            "design",
            "setting",
            "country",
            "participants",
            "focus",
            "themes",
        ]
    ].reset_index(drop=True)


def counts_by(table: pd.DataFrame, column: str, *, multi: bool = False) -> pd.DataFrame:
    """Distinct studies and reports per value of ``column`` (``multi``: split ';'-separated values).

    A study with reports in two years counts once in each year, so study counts by year can add
    up to more than the number of studies; report counts always add up.
    """
    values = table[["study_id", "unique_id", column]].copy()
    if multi:
        values[column] = values[column].map(split_values)
        values = values.explode(column)
    values = values.dropna(subset=[column])
    g = values.groupby(column, sort=True)
    out = pd.DataFrame(
        {"studies": g["study_id"].nunique(), "reports": g["unique_id"].nunique()}
    ).reset_index()
    if column == "year":
        return out
    return out.sort_values(
        ["studies", "reports", column], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def years_by_theme(characteristics: pd.DataFrame) -> pd.DataFrame:
    """Long table (theme, year, reports): included reports per theme and publication year."""
    t = characteristics[["unique_id", "year", "themes"]].copy()
    t["theme"] = t["themes"].map(split_values)
    t = t.explode("theme").dropna(subset=["theme", "year"])
    return t.groupby(["theme", "year"], sort=True)["unique_id"].nunique().rename("reports").reset_index()


def plot_years_by_theme(
    characteristics: pd.DataFrame, title: str = "Included reports: publication year by theme"
):
    """Dot matrix: one row per theme, a dot per publication year sized and labelled by the number of reports."""
    data = years_by_theme(characteristics)
    themes = sorted(data["theme"].unique(), key=lambda t: (-data.loc[data["theme"] == t, "reports"].sum(), t))
    years = list(range(int(data["year"].min()), int(data["year"].max()) + 1))
    fig, ax = plt.subplots(figsize=(max(7.0, 0.42 * len(years) + 3.5), 0.55 * len(themes) + 1.6))
    ypos = {t: i for i, t in enumerate(reversed(themes))}
    for row in data.itertuples():
        ax.scatter(row.year, ypos[row.theme], s=140 + 140 * (row.reports - 1), color="#3b75af", zorder=3)
        if row.reports > 1:
            ax.text(
                row.year,
                ypos[row.theme],
                str(row.reports),
                ha="center",
                va="center",
                color="white",
                fontsize=9,
                fontweight="bold",
                zorder=4,
            )
    totals = data.groupby("theme")["reports"].sum()
    ax.set_yticks(range(len(themes)))
    ax.set_yticklabels([f"{t} (n = {totals[t]})" for t in reversed(themes)], fontsize=10)
    step = 1 if len(years) <= 16 else 2
    ax.set_xticks(years[::step])
    ax.set_xticklabels([str(y) for y in years[::step]], rotation=45, ha="right", fontsize=9)
    ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
    ax.set_ylim(-0.7, len(themes) - 0.3)
    ax.grid(axis="both", color="#e0e0e0", zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Publication year")
    ax.set_title(
        title + "\n(dot size and label: number of reports; a report can have several themes)", fontsize=11
    )
    fig.tight_layout()
    return fig


def included_counts(characteristics: pd.DataFrame) -> pd.DataFrame:
    """Studies and reports by year, design, country and theme in one long table."""
    frames = []
    for dimension, multi in (("year", False), ("design", False), ("country", True), ("themes", True)):
        t = counts_by(characteristics, dimension, multi=multi).rename(columns={dimension: "value"})
        t.insert(0, "dimension", "theme" if dimension == "themes" else dimension)
        t["value"] = t["value"].astype(str)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)
