"""Headline figures for the findings, taken from the strand tables and never recomputed.

The numbers (percentages, confidence limits, counts) are copied from the published strand
tables, which have already been through disclosure control; this module only selects, orders
and formats them. A suppressed cell (empty in the strand table) stays suppressed here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from helpers import files, numbers, outputs
from helpers.findings import strands

SUPPRESSED = "suppressed"
EN_DASH = "\u2013"


def fmt_pct_ci(pct, low, high) -> str:
    """``60% (56 to 64)`` through helpers.numbers (the one formatter, decisions 4), so the deck,
    the findings and the landing page print what the tables print; ``suppressed`` when the strand
    table left the estimate empty or marked."""
    p, lo, hi = numbers.as_float(pct), numbers.as_float(low), numbers.as_float(high)
    if math.isnan(p):
        return SUPPRESSED
    return numbers.percentage_ci(p, lo, hi)


HEADLINE_COLUMNS = [
    "item", "question", "group_type", "group", "n_valid", "n_agree", "pct_agree", "ci_low", "ci_high", "estimate",
]  # fmt: skip


def headline_table(
    attitudes: pd.DataFrame, items: Sequence[str], group_types: Sequence[str] = ("all", "role")
) -> pd.DataFrame:
    """The attitude rows for ``items`` and ``group_types``, in the order asked for, with a
    formatted ``estimate`` (% agreeing or positive, Wilson 95% CI, from the strand table).

    An item that the attitudes table does not hold raises ValueError naming it."""
    known = list(dict.fromkeys(attitudes["item"]))
    unknown = [i for i in items if i not in known]
    if unknown:
        raise ValueError(
            f"headline item(s) not in attitudes_by_role: {', '.join(unknown)} (known: {', '.join(known)})"
        )
    rows = attitudes[attitudes["item"].isin(items) & attitudes["group_type"].isin(group_types)].copy()
    rows["_item"] = rows["item"].map({i: k for k, i in enumerate(items)})
    rows["_type"] = rows["group_type"].map({g: k for k, g in enumerate(group_types)})
    rows = rows.sort_values(["_item", "_type"], kind="stable")
    rows["estimate"] = [
        fmt_pct_ci(p, lo, hi) for p, lo, hi in zip(rows["pct_agree"], rows["ci_low"], rows["ci_high"])
    ]
    cols = (
        ["item"]
        + (["question"] if "question" in rows else [])
        + ["group_type", "group", "n_valid", "n_agree", "pct_agree", "ci_low", "ci_high", "estimate"]
    )
    return rows[cols].reset_index(drop=True)


def headline_wide(headline: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Items as rows, groups as columns, formatted estimates in the cells (for a slide). Rows
    are labelled ``labels[item]`` (the codebook's short label where it gives one), else the
    question text, never truncated."""
    labels = dict(labels or {})
    question = headline["question"] if "question" in headline else headline["item"]
    frame = headline.assign(
        label=[labels.get(i) or (str(q) if str(q) else i) for i, q in zip(headline["item"], question)]
    )
    groups = list(dict.fromkeys(frame["group"]))
    wide = frame.pivot(index="label", columns="group", values="estimate")
    order = list(dict.fromkeys(frame["label"]))
    return wide.loc[order, groups].rename_axis(index="item", columns=None)


def role_differs(
    role_tests: pd.DataFrame | None, item: str, alpha: float = 0.05, column: str = "p_holm"
) -> bool:
    """True when the strand's test across the role groups, adjusted for multiplicity
    (``column``), is significant for ``item``. Without the tests table: False (issue 14: a
    highest or lowest role is named only after an adjusted significant effect)."""
    if role_tests is None or column not in role_tests:
        return False
    p = pd.to_numeric(role_tests.loc[role_tests["item"] == item, column], errors="coerce")
    return bool(len(p) and p.iloc[0] < alpha)


def extremes(
    attitudes: pd.DataFrame,
    item: str,
    group_type: str = "role",
    role_tests: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> tuple[str, str] | None:
    """(group with the highest %, group with the lowest %) for one item, from the table's
    percentages; None when fewer than two groups have an unsuppressed percentage, or when the
    role groups do not differ significantly after adjustment (:func:`role_differs`)."""
    if group_type == "role" and not role_differs(role_tests, item, alpha):
        return None
    rows = attitudes[(attitudes["item"] == item) & (attitudes["group_type"] == group_type)]
    pct = pd.to_numeric(rows["pct_agree"], errors="coerce")
    rows = rows.assign(_pct=pct).dropna(subset=["_pct"])
    if len(rows) < 2:
        return None
    ordered = rows.sort_values("_pct", kind="stable")
    return str(ordered["group"].iloc[-1]), str(ordered["group"].iloc[0])


def base_text(n_valid, n_respondents=None) -> str:
    """The base of a percentage in words (issue 14: every % in text states its base):
    'of the 451 who answered' or, with the respondents, 'of the 451 of 472 respondents who answered'."""
    n = numbers.as_float(n_valid)
    if math.isnan(n):
        return "of those who answered (base suppressed)"
    total = numbers.as_float(n_respondents)
    if not math.isnan(total) and total != n:
        return f"of the {numbers.count(n)} of {numbers.count(total)} respondents who answered"
    return f"of the {numbers.count(n)} who answered"


# Why a share is not shown: the table's suppression footnote in a few words. A share is suppressed
# when its counts are too small to publish, or to keep a small count in the same row from being
# worked out (helpers.tables.SUPPRESSED_NOTE); which of the two is not said (that would tell a
# reader whether the number answering is below the threshold).
NOT_SHOWN_WHY = "suppressed: too few answers, or a small count it would let a reader work out"
SUPPRESSED_SHARE = f"the share agreeing or positive is not shown ({NOT_SHOWN_WHY})"


def sentences(
    headline: pd.DataFrame,
    attitudes: pd.DataFrame,
    pooled_type: str = "all",
    role_tests: pd.DataFrame | None = None,
    alpha: float = 0.05,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """One Markdown bullet per item: the pooled estimate with its base (the substantive
    answers, of all respondents), and the most and least positive roles where the role groups
    differ after adjustment for multiplicity (else: that they did not)."""
    out = []
    for item, rows in headline.groupby("item", sort=False):
        question = (labels or {}).get(item) or (rows["question"].iloc[0] if "question" in rows else item)
        pooled = rows[rows["group_type"] == pooled_type]
        text = f"- *{question}*: "
        if len(pooled) and math.isnan(numbers.as_float(pooled["pct_agree"].iloc[0])):
            text += SUPPRESSED_SHARE  # not 'suppressed of those who answered (base suppressed) agreeing'
        elif len(pooled):
            full = attitudes[(attitudes["item"] == item) & (attitudes["group_type"] == pooled_type)]
            total = full["n_respondents"].iloc[0] if "n_respondents" in full and len(full) else None
            text += f"{pooled['estimate'].iloc[0]} {base_text(pooled['n_valid'].iloc[0], total)} agreeing or positive"
        else:
            text += "no pooled estimate"
        ends = extremes(attitudes, item, role_tests=role_tests, alpha=alpha)
        if ends:
            hi, lo = (headline_row(attitudes, item, g) for g in ends)
            text += f"; highest among {ends[0].lower()}s ({hi}), lowest among {ends[1].lower()}s ({lo})"
        elif role_tests is not None and item in set(role_tests["item"]):
            column = next((c for c in ("p_adjusted", "p_holm") if c in role_tests), None)
            p = (
                numbers.as_float(role_tests.loc[role_tests["item"] == item, column].iloc[0])
                if column
                else math.nan
            )
            # a withheld test (its table has suppressed cells) is no evidence that the groups agree
            text += (
                "; the role groups were not tested on it"
                if math.isnan(p)
                else "; the role groups did not differ significantly (Holm-adjusted)"
            )
        out.append(text + ".")
    return out


def headline_row(attitudes: pd.DataFrame, item: str, group: str) -> str:
    row = attitudes[(attitudes["item"] == item) & (attitudes["group"] == group)].iloc[0]
    return fmt_pct_ci(row["pct_agree"], row["ci_low"], row["ci_high"])


MEASURES = {
    "relationship_positive": "Rate relationships positive (4-5)",
    "relationship_improve": "Expect relations to improve",
    "relationship_deteriorate": "Expect relations to deteriorate",
    "regulation_punitive_agree": "Regulation poorly co-ordinated and punitive",
    "cost_quality_tension_agree": "Rising cost-quality tension",
}


def fmt_diff(diff, low, high, p_value=math.nan) -> str:
    """``+13.2 pp (+8.1 to +18.0)``, with ``, p <0.001`` when a p-value is given, all through
    helpers.numbers; empty when the strand table gives no difference."""
    if math.isnan(numbers.as_float(diff)):
        return ""
    text = numbers.difference(numbers.as_float(diff), numbers.as_float(low), numbers.as_float(high))
    p = numbers.as_float(p_value)
    return text if math.isnan(p) else f"{text}, p {numbers.p_value(p)}"


def then_and_now(table: pd.DataFrame) -> pd.DataFrame:
    """The then-vs-now comparison of notebook 03 (``attitudes_then_vs_now.csv``), formatted
    through helpers.numbers: measure, group, year and published %, this run's % (95% CI), the
    difference in percentage points (Newcombe 95% CI), its p and, where the table gives it, the
    p adjusted for multiplicity. Published figures without counts are marked as approximate."""
    approx = (
        table["approximate"].astype(str).str.lower().isin(["true", "1"])
        if "approximate" in table
        else pd.Series(False, index=table.index)
    )
    out = pd.DataFrame(
        {
            "measure": table["measure"].map(lambda m: MEASURES.get(m, m)),
            "group": table["group"],
            "published": [
                f"{int(numbers.as_float(y))}: {numbers.percentage(numbers.as_float(p))}"
                + (" (approx. n)" if a else "")
                for y, p, a in zip(table["published_year"], table["published_pct"], approx)
            ],
            "this run": [
                fmt_pct_ci(p, lo, hi) for p, lo, hi in zip(table["pct"], table["ci_low"], table["ci_high"])
            ],
            "difference (95% CI)": [
                fmt_diff(d, lo, hi) or numbers.MISSING_TEXT
                for d, lo, hi in zip(table["diff_pp"], table["diff_ci_low"], table["diff_ci_high"])
            ],
            "p": [numbers.p_value(numbers.as_float(p)) for p in table["p_value"]],
        }
    )
    if "p_adjusted" in table:
        out["adjusted p"] = [numbers.p_value(numbers.as_float(p)) for p in table["p_adjusted"]]
    return out


ALL_ROLES = "all roles"  # the per-theme total row of the published themes_by_role


def themes_summary(themes_by_role: pd.DataFrame) -> pd.DataFrame:
    """Per theme (in the table's order): references and participants in all, the number of
    participants in the study, and the roles that raised the theme.

    The published table (notebook 04, helpers.qualitative.summaries.protect_themes_by_role)
    has a total row per theme (role "all roles") and its counts of people pass disclosure
    control: a role's participants may be suppressed (the marker: at least one person, so the
    role raised the theme), and the totals are read from the total row (NaN where it is itself
    suppressed). A table without total rows (an older release) is summed over its role rows
    (each participant has one role label, so the sums count distinct people)."""
    t = themes_by_role.copy()
    t["references"] = _whole(t, "references")
    people = pd.to_numeric(t["participants"], errors="coerce")
    text = t["participants"].astype(str).str.strip()
    suppressed = people.isna() & text.isin(["", "*", "nan"])
    _whole(t.assign(participants=people.where(~suppressed, 1)), "participants")
    t["participants"] = people
    totals = "role" in t and (t["role"] == ALL_ROLES).any()
    rows = []
    for theme, g in t.groupby("theme", sort=False):
        parts = g[g["role"] != ALL_ROLES]
        total = g[g["role"] == ALL_ROLES].iloc[0] if totals else None
        row = {
            "theme": theme,
            "references": int(total["references"] if totals else parts["references"].sum()),
            "participants": _count(total["participants"]) if totals else int(parts["participants"].sum()),
        }
        if "participants_in_role" in g:
            in_role = pd.to_numeric(g["participants_in_role"], errors="coerce")
            row["participants_in_study"] = (
                _count(in_role[g["role"] == ALL_ROLES].iloc[0]) if totals else int(in_role.sum())
            )
        raised = parts["participants"].fillna(1)  # suppressed: at least one person
        row["raised_by"] = ", ".join(str(r) for r, n in zip(parts["role"], raised) if n > 0) or "nobody"
        rows.append(row)
    return pd.DataFrame(rows)


def _count(value):
    return value if pd.isna(value) else int(value)


def _whole(t: pd.DataFrame, col: str) -> pd.Series:
    values = pd.to_numeric(t[col], errors="coerce")
    bad = values.isna() | (values < 0) | (values != values.round())
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(
            f"themes_by_role, row {i + 2}, column {col!r}: not a whole count (found {t[col].iloc[i]!r})"
        )
    return values.astype(int)


FIGURE_WORDS = {
    "attitudes_then_vs_now": "the comparison with the published figures (the codebook maps none)",
    "attitudes_battery_by_role": "the statements by role group",
    "prisma_flow": "the PRISMA flow",
}


# A missing figure as the deck names it, once, among what this run lacks: (what, why).
FIGURE_ABSENT = {
    "attitudes_then_vs_now": (
        "the comparison with the 2002 and 2015 surveys",
        "the codebook maps no published figure",
    ),
}
BY_ROLE_ABSENT = (
    "the chart of the first headline statement by role group",
    "drawn only for a statement outside a battery",
)


def figure_words(name: str) -> str:
    """What a strand's figure shows, in words (a slide never names a file or a stage)."""
    if name in FIGURE_WORDS:
        return FIGURE_WORDS[name]
    if name.startswith("attitudes_") and name.endswith("_by_role"):
        return "the answers by role group"
    return "this figure"


def figure(name: str, strand: str):
    """A strand's published figure (reports/figures/<name>.png) for display, read through
    helpers.files so provenance lists it; a plain note when the strand has not run."""

    path = strands.figure_path(name)
    if not path.is_file():
        if not strands.has_run(strand):
            return strands.missing(strand)
        if name in strands.STRANDS[strand].figures:
            raise files.InputError(path, f"figure missing although stage {strands.STRANDS[strand].stage} ran")
        by_role = name.startswith("attitudes_") and name.endswith("_by_role")
        what, why = FIGURE_ABSENT.get(name) or (
            BY_ROLE_ABSENT if by_role else (f"the chart of {figure_words(name)}", "not drawn for this survey")
        )
        return strands.absent(f"*No chart of {figure_words(name)} for this survey.*", what, why)
    png = files.read_bytes(path)
    alt = outputs.figure_description(png) or f"Figure {name.replace('_', ' ')} from the {strand} strand"
    return outputs.SavedFigure([path], png, alt, outputs.display_width(png))
