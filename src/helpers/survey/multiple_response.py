"""Multiple-response (tick-all-that-apply) questions: one row per option with its mentions.

A variable of type ``multiple`` in the codebook is decoded by
:func:`helpers.survey.cleaning.decode_multiple` into one column per option in the clean dataset
(``<name>__<code>``: True ticked, False not, empty for a respondent who answered nothing).
:func:`mentions` counts them. Percentages are **of respondents**, on a stated base (the
respondents who ticked at least one option), never of mentions: they add to more than 100 when
people tick several options.
"""

from __future__ import annotations

import pandas as pd

from helpers import disclosure, numbers
from helpers.survey.cleaning import option_column
from helpers.survey.codebook import Variable

COLUMNS = ["option", "n_mentions", "n_base", "pct_respondents"]
SKIPPED = "*Skipped for this instrument: the codebook declares no tick-all (`multiple`) question.*"


def variables(codebook) -> list[Variable]:
    """The codebook's tick-all-that-apply questions, in its order."""
    return [v for v in codebook.variables.values() if v.type == "multiple"]


def published(clean: pd.DataFrame, var: Variable, rule: disclosure.Rule) -> pd.DataFrame:
    """The mentions table of ``var`` as published: protected by ``rule``, percentages at the
    published precision (:mod:`helpers.numbers`)."""
    return numbers.round_table(protect(mentions(clean, var), rule), {"pct_respondents": "table_percentage"})


def mentions(clean: pd.DataFrame, var: Variable) -> pd.DataFrame:
    """One row per option, in the codebook's order: the option's label, ``n_mentions`` (the
    respondents who ticked it), ``n_base`` (the respondents who answered the question) and
    ``pct_respondents`` = 100 n_mentions / n_base (empty when nobody answered)."""
    if var.type != "multiple":
        raise ValueError(f"variable {var.name!r} is not a multiple-response variable (type {var.type!r})")
    options = pd.DataFrame(
        {
            code: clean[option_column(var.name, code)]
            for code in var.labels
            if option_column(var.name, code) in clean
        }
    )
    base = int(options.notna().any(axis=1).sum()) if len(options.columns) else 0
    rows = []
    for code, label in var.labels.items():
        column = option_column(var.name, code)
        n = int(clean[column].fillna(False).astype(bool).sum()) if column in clean else 0
        rows.append({"option": label, "n_mentions": n, "n_base": base,
                     "pct_respondents": 100 * n / base if base else float("nan")})  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


WITHHELD_BASE = (
    "Base: the respondents who ticked at least one option; their number is withheld under the "
    "disclosure rule. Percentages are of respondents, so they may add to more than 100%."
)


def base_note(table: pd.DataFrame) -> str:
    """The sentence stating the base under a mentions table (of a published table too: a base
    suppressed by the disclosure rule, empty or marked, is said to be withheld, not printed)."""
    base = table["n_base"].iloc[0] if len(table) else 0
    number = pd.to_numeric(pd.Series([base], dtype=object), errors="coerce").iloc[0]
    if pd.isna(number):
        return WITHHELD_BASE
    return (
        f"Base: the {numbers.count(number)} respondents who ticked at least one option. Percentages are "
        "of respondents, so they may add to more than 100%."
    )


def protect(table: pd.DataFrame, rule: disclosure.Rule) -> pd.DataFrame:
    """Disclosure control of a mentions table: counts follow ``rule``; a percentage is blanked
    (or recomputed under the NHS rule) with the counts it comes from."""
    return disclosure.suppress(
        table,
        ["n_mentions", "n_base"],
        {"pct_respondents": ("n_mentions", "n_base")},
        rule=rule,
        group_cols=None,
    )
