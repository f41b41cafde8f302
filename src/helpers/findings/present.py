"""Small steps of the findings notebook that must cope with a strand that has not run.

Each function takes strand tables that may be None (strand not run, see
:func:`helpers.findings.strands.read_table`) and returns what the notebook shows: a table, a
figure, or the plain note that the strand's outputs are missing. Tables are written only when
their inputs exist.
"""

from __future__ import annotations

import pandas as pd

from helpers import outputs, tables
from helpers.findings import headline, messages, strands, triangulation


def note(strand: str):
    """The missing strand's note (marked for the deck: :func:`helpers.findings.strands.absent`)."""
    return strands.missing(strand)


# The data strand (helpers.source_notes.STRAND_DATA) each findings strand draws on: a table's source
# note dates the data it shows, not every strand's.
DATA_STRANDS = {
    "literature": ("literature",),
    "survey": ("survey",),
    "attitudes": ("survey",),
    "focus_groups": ("focus_groups",),
    "triangulation": ("survey", "focus_groups"),
}


def show(table: pd.DataFrame | None, strand: str, columns: list[str] | None = None):
    """The table (optionally some columns), or the missing-strand note."""
    if table is None:
        return note(strand)
    return plain(table[columns] if columns else table, strand)


def respondents(table: pd.DataFrame | None):
    """The respondents by role group for the findings and the slide: a role group nobody is in
    (n 0: 'Other' on the demo) is left out, as the slide's headline leaves it out; a suppressed
    count stays (its row shows the marker)."""
    if table is None:
        return note("survey")
    n = pd.to_numeric(table["n"], errors="coerce")
    return show(table[~(n == 0)], "survey")


NO_HEADLINE_ITEMS = (
    "**Headline figures: none declared.** The survey codebook has no `headline_items` (the Likert "
    "items to show here); the full tables are in notebook 03's report."
)


def no_headline_items():
    return strands.absent(
        NO_HEADLINE_ITEMS, "headline figures", "the survey codebook declares no headline items"
    )


# The comparison with the published figures, as the deck names it when there is none.
NO_COMPARISON = ("the comparison with the 2002 and 2015 surveys", "the codebook maps no published figure")
NO_TRIANGULATION = (
    "the triangulation of the survey and the interviews",
    "it needs both strands and the team's mapping file",
)


def headline_items(params) -> list[str]:
    """The headline items the survey codebook declares (``headline_items``); empty when the
    survey strand or the declaration is absent."""
    from helpers.survey import inputs as survey_inputs
    from helpers.survey.codebook import load_codebook

    path = survey_inputs.survey_folder(params["data_dir"]) / survey_inputs.CODEBOOK_NAME
    if not path.is_file():
        return []
    withheld = set(withheld_items()["item"])
    return [i for i in load_codebook(path).headline_items if i not in withheld]


def withheld_items() -> pd.DataFrame:
    """The survey items withheld from every table (``survey_withheld_items.csv``, written by
    notebook 02 only when one is withheld: helpers.survey.attitudes.withholding)."""
    path = strands.table_path("survey_withheld_items")
    if not path.is_file():
        return pd.DataFrame(columns=["item", "question", "reason"])
    return strands.read_table("survey_withheld_items")


def withheld_note(params):
    """Which declared headline items are withheld, and why, or nothing: the sentence reports 02
    and 03 print (:func:`helpers.survey.attitudes.withholding.note`), for those items only, with
    the reason notebook 02 recorded in ``survey_withheld_items.csv`` (one reason, from one
    function: the findings never give a withheld item a reason of their own)."""
    from IPython.display import Markdown

    from helpers.survey import inputs as survey_inputs
    from helpers.survey.attitudes import withholding
    from helpers.survey.codebook import load_codebook

    path = survey_inputs.survey_folder(params["data_dir"]) / survey_inputs.CODEBOOK_NAME
    declared = list(load_codebook(path).headline_items) if path.is_file() else []
    withheld = withheld_items()
    named = withheld[withheld["item"].isin(declared)]
    if not len(named):
        return NOTHING
    return Markdown(f"*Not shown among the headline items: {withholding.note(named)}*")


def share_phrases(data_dir) -> dict[str, str]:
    """item -> what its share counts, in words (:func:`helpers.findings.messages.share_phrase`:
    the codebook's published-comparison measure where one counts the item's positive levels),
    for every Likert item of the survey codebook in ``data_dir``; empty without one."""
    from helpers.survey.codebook import codebook_of

    codebook = codebook_of(data_dir)
    if codebook is None:  # the landing page keeps its generic words
        return {}
    return {
        name: messages.share_phrase(name, v.scale.positive if v.scale else (), codebook.published_comparison)
        for name, v in codebook.variables.items()
        if v.type == "likert"
    }


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


def item_words(params) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every Likert item of the survey codebook: (its short label, else its question text; the
    answers counted as agreeing or positive). Empty when the survey strand has no codebook."""
    from helpers.survey import inputs as survey_inputs
    from helpers.survey.codebook import load_codebook

    path = survey_inputs.survey_folder(params["data_dir"]) / survey_inputs.CODEBOOK_NAME
    if not path.is_file():
        return {}
    return {
        name: (v.short, tuple(v.scale.positive) if v.scale else ())
        for name, v in load_codebook(path).variables.items()
        if v.type == "likert"
    }


def headline_slide(table: pd.DataFrame | None, words: dict | None = None):

    if table is None:
        return note("attitudes")
    labels = {name: label for name, (label, _) in (words or {}).items()}
    if table.empty:
        return no_headline_items()
    return tables.from_strands(headline.headline_wide(table, labels), *DATA_STRANDS["attitudes"])


# --- each slide's message (helpers.findings.messages): nothing shown when its strand has not run


class _Nothing:
    """Displays nothing (the strand's missing note is shown by the evidence beside it)."""

    def _ipython_display_(self):
        return None

    def __repr__(self) -> str:
        return ""


NOTHING = _Nothing()


def _words(words: dict, item: str, attitudes: pd.DataFrame) -> tuple[str, tuple[str, ...]]:
    if item in words:
        return words[item]
    rows = attitudes[attitudes["item"] == item]
    question = str(rows["question"].iloc[0]) if "question" in rows and len(rows) else item
    return question or item, ()


def respondents_message(table: pd.DataFrame | None):
    return NOTHING if table is None else messages.respondents(table)


def headline_message(headline_rows: pd.DataFrame | None, attitudes: pd.DataFrame | None, words: dict):
    """The first headline item: how many give the counted answers."""
    if headline_rows is None or headline_rows.empty or attitudes is None:
        return NOTHING
    item = str(headline_rows["item"].iloc[0])
    label, positive = _words(words, item, attitudes)
    return messages.item_share(attitudes, item, label, positive, strands.read_table("attitudes_role_tests"))


def role_summary_message(headline_rows: pd.DataFrame | None, words: dict | None = None):
    if headline_rows is None or headline_rows.empty:
        return NOTHING
    items = list(dict.fromkeys(headline_rows["item"]))
    labels = {name: label for name, (label, _) in (words or {}).items()}
    return messages.role_tests_summary(items, strands.read_table("attitudes_role_tests"), labels=labels)


def role_item_message(attitudes: pd.DataFrame | None, items: list[str], words: dict):
    """The first headline item by role group: the ends only after an adjusted significant test."""
    if attitudes is None or not items:
        return NOTHING
    label, positive = _words(words, items[0], attitudes)
    return messages.role_difference(
        attitudes, items[0], label, positive, strands.read_table("attitudes_role_tests")
    )


def then_now_message(table: pd.DataFrame | None, summary: bool = False):
    if table is None:
        return NOTHING
    return messages.then_and_now_summary(table) if summary else messages.then_and_now(table)


def prisma_message():
    counts = strands.read_table("prisma_counts")
    return NOTHING if counts is None else messages.prisma(counts)


def prisma_flow():
    """The PRISMA 2020 flow as a slide-sized diagram in HTML (steps down the left, what was
    removed at each step on the right), from ``prisma_counts.csv``."""
    from IPython.display import HTML

    counts = strands.read_table("prisma_counts")
    if counts is None:
        return note("literature")
    return HTML(messages.prisma_flow_html(counts))


def themes_message(theme_table: pd.DataFrame | None):
    return NOTHING if theme_table is None else messages.themes(theme_table)


def triangulation_message(long: pd.DataFrame | None):
    return NOTHING if long is None else messages.triangulation(long)


def dissonance_message(long: pd.DataFrame | None, words: dict, judgement: str = "dissonance"):
    labels = {name: label for name, (label, _) in (words or {}).items()}
    return NOTHING if long is None else messages.dissonance(long, labels, judgement)


def headline_bullets(table: pd.DataFrame | None, attitudes: pd.DataFrame | None, words: dict | None = None):
    from IPython.display import Markdown

    if table is None:
        return note("attitudes")
    if table.empty:
        return no_headline_items()
    role_tests = strands.read_table("attitudes_role_tests")
    labels = {name: label for name, (label, _) in (words or {}).items()}
    return Markdown("\n".join(headline.sentences(table, attitudes, role_tests=role_tests, labels=labels)))


def headline_item_figure(items: list[str]):
    """The chart by role of the first headline item (drawn by notebook 03 for items outside a
    battery), or a note when there is none."""

    if not items:
        return no_headline_items()
    return headline.figure(f"attitudes_{items[0]}_by_role", "attitudes")


def then_and_now(table: pd.DataFrame | None):
    """This run against the published 2002 and 2015 figures, formatted for a slide."""
    if table is None:
        return note("attitudes")
    if not len(table):
        return strands.absent(
            "*The survey's codebook maps no published figure: there is nothing to compare.*", *NO_COMPARISON
        )
    return plain(headline.then_and_now(table), "attitudes")


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


def triangulation_figure(long: pd.DataFrame | None, grid: pd.DataFrame | None, words: dict | None = None):
    """The matrix drawn and saved as ``reports/figures/triangulation_matrix.png/svg``; each item
    by its short label where ``words`` (:func:`item_words`) gives one, else its question."""
    if grid is None:
        return strands.absent(
            "**Triangulation: not available.** It needs the attitudes and the interview strands and "
            "the team's mapping file (`findings/triangulation_map.csv` in the data folder).",
            *NO_TRIANGULATION,
        )
    labels = dict(
        zip(long["survey_item"], long["question"].where(long["question"] != "", long["survey_item"]))
    )
    labels |= {name: label for name, (label, _) in (words or {}).items() if name in labels and label}
    fig = triangulation.figure(grid, labels)
    n_items, n_themes = grid.shape
    return outputs.save_figure(
        fig,
        "triangulation_matrix",
        alt=f"Grid of {n_items} survey items (rows) against {n_themes} interview themes (columns); each "
        "cell shows the team's judgement for that pair: convergence, complementarity, dissonance or "
        "silence.",
    )


def triangulation_detail(
    long: pd.DataFrame | None, judgements=("dissonance", "complementarity"), words: dict | None = None
):
    """The pairs judged so, each survey item by its label (the codebook's short label, else its
    question), with the survey evidence and the team's rationale."""
    if long is None:
        return strands.absent("**Triangulation: not available.**", *NO_TRIANGULATION)
    rows = long[long["judgement"].isin(judgements)]
    if not len(rows):
        from IPython.display import Markdown

        return Markdown(f"No pair was judged {' or '.join(judgements)}.")
    labels = {name: label for name, (label, _) in (words or {}).items()}
    item = [
        labels.get(i) or (q or i)
        for i, q in zip(rows["survey_item"], rows.get("question", rows["survey_item"]))
    ]
    shown = pd.DataFrame(
        {
            "survey item": item,
            "theme": rows["theme"].to_numpy(),
            "survey evidence": rows["survey_evidence"].to_numpy(),
            "team's rationale": rows["rationale"].to_numpy(),
        }
    )
    return plain(shown, "triangulation")


def plain(table: pd.DataFrame, strand: str | None = None):
    """A table for display: no row numbers, no truncated text; its source note dates the data of
    ``strand`` (a findings strand, :data:`DATA_STRANDS`), else of every strand."""
    shown = table.reset_index(drop=True)
    if strand is not None:
        tables.from_strands(shown, *DATA_STRANDS[strand])
    return shown.style.hide(axis="index").format(precision=1, na_rep="")
