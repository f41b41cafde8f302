"""Items withheld from the release: answers that no pattern of suppression can publish (issue 13).

Suppression protects a count by leaving a reader enough freedom around it. An item answered by
very few respondents has no such room: with 11 respondents in all, a suppressed level of the
"All respondents" row lies in [1, 11 - the other suppressed levels], never 10 wide, whatever is
suppressed beside it (generated seed 3 at threshold 10 and under the NHS rule). And a table
whose every answer count is suppressed tells a reader nothing but its margins, which the audit
must then protect too. So the release follows one rule (docs/disclosure.md, "Items withheld"):

- **No table is suppressed entirely unless its total is itself below the threshold.** An item
  whose answers for all respondents would all be suppressed (every non-zero level and the
  number agreeing), although its number of valid answers is not below the threshold, is
  withheld instead.
- **An item whose suppressed cells cannot be protected by any pattern is withheld.** The
  answers for all respondents are the least an item publishes (every other group may be left
  out: :mod:`helpers.publication`); when the hypercube protection
  (:func:`helpers.survey.attitudes.descriptives._item_protection`, the LP audit's own system,
  with the item non-response table's cells of the All row) finds no pattern that protects that
  row alone, no publication of the item can be protected.

The decision is a pure function of the clean data, the items and the rule, so notebooks 02 and
03 reach the same one. A withheld item is left out of every table, figure, statistic, workbook
sheet, report and deck (the notebooks drop it from ``items``, the item non-response table and
the data dictionary); multi-item scales that use it are withheld with it; the reports say
which items were withheld and why (:func:`note`), ``survey_withheld_items.csv`` lists them
(written only when there is one) and the output-checking record has a row for each.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from helpers import disclosure
from helpers.survey.attitudes.descriptives import _item_protection, _positive_columns, _role_rows, by_role
from helpers.survey.attitudes.items import Item, Scale, level_columns

COLUMNS = ["item", "question", "reason"]
NOT_PROTECTABLE = (
    "too few answers for all respondents: no pattern of suppressed cells keeps its small counts "
    "from being worked out"
)
ENTIRELY = (
    "every answer count for all respondents would be suppressed, although its valid answers are "
    "not below the threshold"
)
SCALE = "a multi-item scale that uses a withheld item"


def withheld_items(clean: pd.DataFrame, items: Mapping[str, Item], rule: disclosure.Rule) -> pd.DataFrame:
    """The items to withhold, with why: columns ``item, question, reason`` (empty when none).

    Per item, the "All respondents" row is protected on its own, every role group left out
    (their true counts are the unknowns a reader cannot see); the item is withheld when that
    protection fails (:data:`NOT_PROTECTABLE`) or suppresses every non-zero level and the number
    agreeing while the valid answers are not below the threshold (:data:`ENTIRELY`). Under a
    rule that suppresses nothing no item is withheld."""
    rows = []
    if not items or rule.upper < 1:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    table = by_role(clean, items)
    for name, block in table.groupby("item", sort=False):
        levels = block["levels"].iloc[0].split("|")
        lcols = level_columns(len(levels))
        block = block.drop(
            columns=[c for c in block.columns if c.startswith("n_") and c[2:].isdigit() and c not in lcols]
        )
        top = block[block["group_type"] == "all"].reset_index(drop=True)
        hidden = _role_rows(block)
        if not len(top):
            continue
        row = top.iloc[0]
        no_answer = row["n_respondents"] - row["n_valid"] - row["n_nonsub"]
        if not any(
            rule.is_sensitive(v) for v in [*row[[*lcols, "n_agree", "n_valid", "n_nonsub"]], no_answer]
        ):
            continue  # no small count for all respondents: nothing suppressed, nothing to withhold
        positive = _positive_columns(top, levels)
        hide, protected, _ = _item_protection(top, rule, lcols, positive, hidden)
        shown = {col for _, col in hide}
        nonzero = [c for c in [*lcols, "n_agree"] if float(row[c]) > 0]
        entirely = (
            bool(nonzero) and all(c in shown for c in nonzero) and not rule.is_sensitive(row["n_valid"])
        )
        if not protected or entirely:
            rows.append(
                {
                    "item": name,
                    "question": items[name].question,
                    "reason": ENTIRELY if entirely else NOT_PROTECTABLE,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def without_withheld(
    items: Mapping[str, Item], scales: Mapping[str, Scale], withheld: pd.DataFrame
) -> tuple[dict[str, Item], dict[str, Scale]]:
    """``items`` and ``scales`` without the withheld items and the scales that use one."""
    gone = set(withheld["item"])
    return (
        {k: v for k, v in items.items() if k not in gone},
        {k: v for k, v in scales.items() if not gone & set(v.items)},
    )


def drop_withheld(table: pd.DataFrame, withheld: pd.DataFrame, column: str = "item") -> pd.DataFrame:
    """``table`` without the rows of withheld items (``column``: item or variable name)."""
    return table[~table[column].isin(set(withheld["item"]))].reset_index(drop=True)


def note(withheld: pd.DataFrame, scales: Mapping[str, Scale] | None = None) -> str:
    """One sentence for the reports: which items (and scales) were withheld and why ("" if none)."""
    if not len(withheld):
        return ""
    parts = [
        f"\u2018{q}\u2019 ({i}): {r}"
        for i, q, r in zip(withheld["item"], withheld["question"], withheld["reason"])
    ]
    gone = set(withheld["item"])
    lost = [s.label or s.name for s in (scales or {}).values() if gone & set(s.items)]
    text = (
        f"{len(parts)} item{'s' if len(parts) > 1 else ''} withheld from every table, figure and "
        f"statistic of this release, because no pattern of suppression protects "
        f"{'them' if len(parts) > 1 else 'it'} (docs/disclosure.md): " + "; ".join(parts) + "."
    )
    if lost:
        text += f" Multi-item scales withheld with them: {', '.join(lost)}."
    return text
