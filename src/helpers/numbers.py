"""One number formatter for everything published (decisions.md, 4).

Reports, the deck, Word tables and the published CSV/XLSX tables round through the functions
here, one per kind of number, so a reader sees the same value wherever it appears and the
disclosure audit sees exactly what a reader sees. ``data/processed`` keeps full precision.

Two forms per kind:
- :func:`rounded` gives the published *value* (a float, for CSV/XLSX cells);
- the text functions (:func:`count`, :func:`percentage`, :func:`p_value`, ...) give the
  published *text* for reports, slides and Word tables.

Precision (what a reader of a health-services report needs, and no more: extra digits only
help an intruder reconstruct suppressed cells, see docs/disclosure.md):

| kind | published as |
|---|---|
| count | whole number, thousands separated in text |
| percentage (and its interval) | whole percent |
| test_statistic (chi-square, z, t) | 1 decimal |
| p_value | 2 significant figures; below 0.001 as "<0.001" |
| odds_ratio (and its interval) | 2 decimals, more where 2 would round a significant interval onto 1 |
| effect_size (Cramér's V, kappa, alpha, correlations) | 2 decimals, trailing zeros kept ("0.30") |
| mean (scale scores, SDs) | 2 decimals |
| table_percentage (a percentage or CI bound in a published CSV/XLSX table) | 1 decimal, so a reader can check it against its counts |
| difference (percentage points between two percentages, and its interval) | 1 decimal, signed |
| design_effect (design effects of weights and clusters) | 2 decimals |
| statistic (any other estimate in a published table: SEs, loadings) | 3 decimals |
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

DECIMALS = {
    "count": 0,
    "percentage": 0,
    "test_statistic": 1,
    "odds_ratio": 2,
    "effect_size": 2,
    "mean": 2,
    "table_percentage": 1,
    "difference": 1,
    "design_effect": 2,
    "statistic": 3,
}
KINDS = (*DECIMALS, "p_value")
P_FLOOR = 0.001
MISSING_TEXT = "–"  # an en dash: a value that does not exist (not a suppressed one)


def as_float(value) -> float:
    """``value`` as a float; NaN for anything that is not a number (a suppression marker, text,
    None), so a published table's cells can be compared and formatted without checks."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and not math.isfinite(value))


def _round_half_away(value: float, decimals: int) -> float:
    """Round half away from zero (as readers and spreadsheets do), not Python's half-to-even."""
    factor = 10**decimals
    scaled = abs(value) * factor
    # The 1e-9 guards against binary representation (2.675 is stored as 2.67499999...).
    out = math.floor(scaled + 0.5 + 1e-9) / factor
    return math.copysign(out, value) if out else 0.0


def _p_rounded(p: float) -> float:
    if p < P_FLOOR:
        return P_FLOOR  # shown as "<0.001"; the value published in a CSV is the floor
    return float(f"{p:.2g}")


def rounded(value, kind: str):
    """The published value of ``value`` as a number of ``kind`` (NaN and None pass through)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of number {kind!r}; expected one of {', '.join(KINDS)}")
    if _is_missing(value) or isinstance(value, str):
        return value
    value = float(value)
    if kind == "p_value":
        return _p_rounded(value)
    out = _round_half_away(value, DECIMALS[kind])
    return int(out) if kind == "count" else out


def count(n) -> str:
    """472 -> '472'; 1500000 -> '1,500,000'."""
    if _is_missing(n):
        return MISSING_TEXT
    return f"{int(round(float(n))):,}"


def people(n, rule) -> str:
    """A count of people in a sentence, as the tables publish it under ``rule``
    (helpers.disclosure.Rule): "fewer than 5" (the rule's limit + 1) where the rule suppresses it,
    else its published value (rounded to 5 under the NHS rule), as :func:`count` writes it."""
    if _is_missing(n):
        return MISSING_TEXT
    value = int(round(float(n)))
    if rule.is_sensitive(value):
        return f"fewer than {rule.upper + 1}"
    return count(rule.shown(value))


def _fixed(value, decimals: int) -> str:
    if _is_missing(value):
        return MISSING_TEXT
    return f"{_round_half_away(float(value), decimals):.{decimals}f}"


def percentage(p, *, sign: str = "%") -> str:
    """60.24 -> '60%' (p on the 0-100 scale)."""
    if _is_missing(p):
        return MISSING_TEXT
    return _fixed(p, DECIMALS["percentage"]) + sign


def interval(low, high, kind: str = "percentage") -> str:
    """The bounds of an interval: '55 to 64' ('to', not a hyphen: bounds can be negative)."""
    if _is_missing(low) or _is_missing(high):
        return MISSING_TEXT
    if kind == "odds_ratio":
        lo, hi = odds_ratio_interval_text(low, high)
        return f"{lo} to {hi}"
    decimals = DECIMALS[kind]
    return f"{_fixed(low, decimals)} to {_fixed(high, decimals)}"


def percentage_ci(p, low, high) -> str:
    """'60% (55 to 64)'."""
    if _is_missing(p):
        return MISSING_TEXT
    if _is_missing(low) or _is_missing(high):
        return percentage(p)
    return f"{percentage(p)} ({interval(low, high)})"


def test_statistic(x) -> str:
    """Chi-square, z, t: 12.345 -> '12.3'."""
    return _fixed(x, DECIMALS["test_statistic"])


def p_value(p) -> str:
    """0.0362 -> '0.036'; 0.4149 -> '0.41'; 1.0 -> '1.0'; 2e-5 -> '<0.001'."""
    if _is_missing(p):
        return MISSING_TEXT
    p = float(p)
    if p < P_FLOOR:
        return "<0.001"
    if p == P_FLOOR:
        # The published floor: rounded() publishes every p below 0.001 as 0.001, so a table read
        # back from a published CSV cannot tell 0.001 from 1e-20; "0.0010" would misstate it.
        return "\u22640.001"
    return f"{p:#.2g}".rstrip(".")


def signed(x, kind: str = "difference") -> str:
    """A number of ``kind`` with its sign always shown: 3.44 -> '+3.4', -0.04 -> '0.0' (a value
    that rounds to zero has no sign)."""
    if _is_missing(x):
        return MISSING_TEXT
    value = rounded(float(x), kind)
    text = _fixed(value, DECIMALS[kind])
    return text if value == 0 or text.startswith("-") else "+" + text


def difference(d, low=None, high=None, *, unit: str = " pp") -> str:
    """A difference between two percentages in percentage points, with its interval when given:
    '+13.2 pp (+7.8 to +18.5)'."""
    if _is_missing(d):
        return MISSING_TEXT
    text = signed(d) + unit
    if low is None or high is None or _is_missing(low) or _is_missing(high):
        return text
    return f"{text} ({signed(low)} to {signed(high)})"


def design_effect(x) -> str:
    return _fixed(x, DECIMALS["design_effect"])


def effect_size(x) -> str:
    return _fixed(x, DECIMALS["effect_size"])


def mean(x) -> str:
    return _fixed(x, DECIMALS["mean"])


def odds_ratio_interval_text(low, high) -> tuple[str, str]:
    """The bounds of an odds-ratio CI at 2 decimals, with more where 2 would put a bound that
    excludes 1 onto 1.00 (a significant result must not look null: 1.003 -> '1.003')."""
    out = []
    for bound in (low, high):
        decimals = DECIMALS["odds_ratio"]
        text = _fixed(bound, decimals)
        while float(text) == 1.0 and float(bound) != 1.0 and decimals < 6:
            decimals += 1
            text = _fixed(bound, decimals)
        out.append(text)
    return out[0], out[1]


def odds_ratio(x, low=None, high=None) -> str:
    """'1.59' or, with an interval, '1.59 (1.03 to 2.46)'."""
    if _is_missing(x):
        return MISSING_TEXT
    text = _fixed(x, DECIMALS["odds_ratio"])
    if low is None or high is None or _is_missing(low) or _is_missing(high):
        return text
    return f"{text} ({interval(low, high, 'odds_ratio')})"


def text(value, kind: str) -> str:
    """The published text of ``value`` as a number of ``kind`` (any of :data:`KINDS`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of number {kind!r}; expected one of {', '.join(KINDS)}")
    named = {
        "count": count,
        "percentage": percentage,
        "p_value": p_value,
        "odds_ratio": odds_ratio,
        "difference": signed,
    }
    if kind in named:
        return named[kind](value)
    return _fixed(value, DECIMALS[kind])


def round_table(table: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """A copy of ``table`` with each column named in ``kinds`` rounded as that kind of number.
    Cells that are not numbers (suppression markers, text) are left as they are."""
    out = table.copy()
    for column, kind in kinds.items():
        if column not in out.columns:
            raise KeyError(f"round_table: column {column!r} not in the table")
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[column] = values.map(lambda v, kind=kind: rounded(v, kind))
        elif values.dtype == object:
            out[column] = values.map(
                lambda v, kind=kind: rounded(v, kind) if isinstance(v, (int, float, np.number)) else v
            )
    return out


# Columns of published tables that hold effect sizes and reliability coefficients (2 decimals,
# trailing zeros kept: 0.30, not 0.3), and the estimates whose interval columns ("ci_low",
# "ci_high") are on the same scale.
EFFECT_SIZE_COLUMNS = frozenset(
    {
        "cramers_v",
        "eta_squared",
        "epsilon_squared",
        "alpha",
        "omega",
        "alpha_if_deleted",
        "kappa",
        "delta_mean",
        "rank_biserial",
        "cohens_d",
        "hedges_g",
        "icc",
    }
)
# Test statistics (chi-square, z, F, H, t): 1 decimal ("12.0", not "12")
TEST_STATISTIC_COLUMNS = frozenset(
    {"chi2", "lr_chi2", "first_order_chi2", "ordinal_z", "z", "t", "f", "h", "kw_h"}
)
_EFFECT_SIZE_CI = tuple(f"{c}_ci_{end}" for c in sorted(EFFECT_SIZE_COLUMNS) for end in ("low", "high"))


# Columns of a published table that hold a percentage (or a difference of percentages, or a
# bound of their interval), by the start or end of their name: rounded and printed as
# ``table_percentage`` (1 decimal, trailing zero kept: "63.0" beside "53.3", never "63").
PERCENTAGE_PREFIXES = ("pct", "published_pct", "std_ci", "crude_ci", "diff_", "rr", "ci_level")
PERCENTAGE_SUFFIXES = ("_pp", "_pct")


def kind_of(column: str, columns=()) -> str | None:
    """The kind of number a published column holds, from its name: test statistics, effect sizes and their
    interval bounds (``kappa``, ``kappa_ci_low``; ``ci_low``/``ci_high`` of a table whose only
    estimate is an effect size, given ``columns``, the table's other columns), percentages
    (:data:`PERCENTAGE_PREFIXES`; ``ci_low``/``ci_high`` of a table whose estimates are
    percentages and no odds ratio, mean or effect size), design effects, means; None when the
    name does not say (the caller decides)."""
    name = str(column).lower()
    if name in EFFECT_SIZE_COLUMNS or name.startswith(_EFFECT_SIZE_CI):
        return "effect_size"
    if name in TEST_STATISTIC_COLUMNS or name.endswith(("_chi2", "_z")):
        return "test_statistic"
    if name in ("ci_low", "ci_high"):
        names = {str(c).lower() for c in columns}
        estimates = names & (EFFECT_SIZE_COLUMNS | {"odds_ratio", "pct", "mean"})
        if len(estimates) == 1 and next(iter(estimates)) in EFFECT_SIZE_COLUMNS:
            return "effect_size"
        if not estimates - {"pct"} and any(n.startswith("pct") for n in names):
            return "table_percentage"
        return None
    if name.startswith(PERCENTAGE_PREFIXES) or name.endswith(PERCENTAGE_SUFFIXES):
        return "table_percentage"
    if name.startswith("design_effect"):
        return "design_effect"
    if name in ("mean", "sd") or name.startswith(("mean_", "sd_")):
        return "mean"
    return None


def published(x) -> str:
    """A number already rounded to its published precision whose kind is not known (a column
    of a strand table shown as it was published): whole numbers with thousands separators,
    others in plain positional notation with no trailing zeros, never an exponent
    (1.0 -> '1', 0.437 -> '0.437', 1e-05 -> '0.00001')."""
    if _is_missing(x):
        return MISSING_TEXT
    value = float(x)
    if value.is_integer():
        return f"{int(value):,}"
    return np.format_float_positional(value, trim="-")
