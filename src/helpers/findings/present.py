"""Small steps of the findings notebook that must cope with a strand that has not run.

Each function takes strand tables that may be None (strand not run, see
:func:`helpers.findings.strands.read_table`) and returns what the notebook shows: a table, a
figure, or the plain note that the strand's outputs are missing. Tables are written only when
their inputs exist.
"""

from __future__ import annotations

import pandas as pd

from helpers import outputs
from helpers.findings import headline, strands, triangulation


def note(strand: str):
    from IPython.display import Markdown

    return Markdown(strands.missing_note(strand))


def show(table: pd.DataFrame | None, strand: str, columns: list[str] | None = None):
    """The table (optionally some columns), or the missing-strand note."""
    if table is None:
        return note(strand)
    return plain(table[columns] if columns else table)


NO_HEADLINE_ITEMS = (
    "**Headline figures: none declared.** The survey codebook has no `headline_items` (the Likert "
    "items to show here); the full tables are in notebook 03's report."
)


def headline_items(params) -> list[str]:
    """The headline items the survey codebook declares (``headline_items``); empty when the
    survey strand or the declaration is absent."""
    from helpers.survey import inputs as survey_inputs
    from helpers.survey.codebook import load_codebook

    path = survey_inputs.survey_folder(params["data_dir"]) / survey_inputs.CODEBOOK_NAME
    if not path.is_file():
        return []
    return list(load_codebook(path).headline_items)


def headline_figures(attitudes: pd.DataFrame | None, items: list[str]) -> pd.DataFrame | None:
    """The headline rows (all respondents and the four roles), written to
    ``reports/tables/findings_headline.csv``; None when the attitudes strand has not run. With
    no headline items declared the table is empty (and the slides say so)."""
    if attitudes is None:
        return None
    if not items:
        table = pd.DataFrame(columns=headline.HEADLINE_COLUMNS)
    else:
        table = headline.headline_table(attitudes, items, ("all", "role"))
    outputs.write_table(table, "findings_headline")
    return table


def headline_slide(table: pd.DataFrame | None):
    from IPython.display import Markdown

    if table is None:
        return note("attitudes")
    return Markdown(NO_HEADLINE_ITEMS) if table.empty else headline.headline_wide(table)


def headline_bullets(table: pd.DataFrame | None, attitudes: pd.DataFrame | None):
    from IPython.display import Markdown

    if table is None:
        return note("attitudes")
    if table.empty:
        return Markdown(NO_HEADLINE_ITEMS)
    role_tests = strands.read_table("attitudes_role_tests")
    return Markdown("\n".join(headline.sentences(table, attitudes, role_tests=role_tests)))


def headline_item_figure(items: list[str]):
    """The chart by role of the first headline item (drawn by notebook 03 for items outside a
    battery), or a note when there is none."""
    from IPython.display import Markdown

    if not items:
        return Markdown(NO_HEADLINE_ITEMS)
    return headline.figure(f"attitudes_{items[0]}_by_role", "attitudes")


def then_and_now(table: pd.DataFrame | None):
    """This run against the published 2002 and 2015 figures, formatted for a slide."""
    return note("attitudes") if table is None else plain(headline.then_and_now(table))


def themes(themes_by_role: pd.DataFrame | None) -> pd.DataFrame | None:
    """Theme summary written to ``reports/tables/findings_themes.csv``."""
    if themes_by_role is None:
        return None
    table = headline.themes_summary(themes_by_role)
    outputs.write_table(table, "findings_themes")
    return table


def triangulate(mapping_file, attitudes: pd.DataFrame | None, themes_by_role: pd.DataFrame | None):
    """(long table, matrix) written to ``reports/tables/triangulation.csv`` and
    ``triangulation_matrix.csv``; (None, None) unless both the survey and interview strands ran.
    The mapping file is checked in any case; without one (it is optional) there is nothing to
    triangulate and the slides say so."""
    from pathlib import Path

    if not Path(mapping_file).is_file():
        return None, None
    mapping = triangulation.read_mapping(mapping_file)
    if attitudes is None or themes_by_role is None:
        return None, None
    role_tests = strands.read_table("attitudes_role_tests")
    long = triangulation.build(
        mapping, attitudes, themes_by_role, mapping_file=mapping_file, role_tests=role_tests
    )
    grid = triangulation.matrix(long, list(dict.fromkeys(themes_by_role["theme"])))
    outputs.write_table(long, "triangulation")
    outputs.write_table(grid, "triangulation_matrix", index=True)
    return long, grid


def triangulation_figure(long: pd.DataFrame | None, grid: pd.DataFrame | None):
    """The matrix drawn and saved as ``reports/figures/triangulation_matrix.png/svg``."""
    if grid is None:
        from IPython.display import Markdown

        return Markdown(
            "**Triangulation: not available.** It needs the attitudes and the interview strands and "
            "the team's mapping file (`findings/triangulation_map.csv` in the data folder)."
        )
    labels = dict(
        zip(long["survey_item"], long["question"].where(long["question"] != "", long["survey_item"]))
    )
    fig = triangulation.figure(grid, labels)
    n_items, n_themes = grid.shape
    return outputs.save_figure(
        fig,
        "triangulation_matrix",
        alt=f"Grid of {n_items} survey items (rows) against {n_themes} interview themes (columns); each "
        "cell shows the team's judgement for that pair: convergence, complementarity, dissonance or "
        "silence.",
    )


def triangulation_detail(long: pd.DataFrame | None, judgements=("dissonance", "complementarity")):
    if long is None:
        from IPython.display import Markdown

        return Markdown("**Triangulation: not available.**")
    rows = long[long["judgement"].isin(judgements)]
    return plain(rows[["survey_item", "theme", "judgement", "survey_evidence", "rationale"]])


def plain(table: pd.DataFrame):
    """A table for display: no row numbers, no truncated text."""
    return table.reset_index(drop=True).style.hide(axis="index").format(precision=1, na_rep="")
