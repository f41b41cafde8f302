"""Ad-hoc questions of the clean survey data, answered only through the published tables' rules.

    share(clean, "att_teamwork", by=["role"], where={"nation": "Scotland"}, params=params)

answers "what share of each role group in Scotland agree with the teamwork statement?": one row
per group with the number who answered (``n_valid``), the number who agreed (``n_agree``), the
percentage and its 95% Wilson interval, after the same disclosure control as the published
tables (helpers.disclosure with the rule in params.yaml: small counts suppressed, the
complementary cells too, percentages and intervals recomputed from the protected counts), and
every number formatted by helpers.numbers. Nothing shown can therefore be less safe than a
published table. Used by notebooks/explore/explore.ipynb, which is not part of ``make all``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers import disclosure, numbers, stats


def _agree_levels(series: pd.Series, agree: Sequence | None) -> list:
    if agree is not None:
        return list(agree)
    if (
        isinstance(series.dtype, pd.CategoricalDtype)
        and series.cat.ordered
        and len(series.cat.categories) >= 3
    ):
        return list(series.cat.categories[-2:])  # the top two levels, as in the attitude tables
    raise ValueError(f"{series.name}: not an ordered answer scale; say which answers count with agree=[...]")


def _interval(protected: pd.DataFrame) -> pd.DataFrame:
    low, high = stats.wilson_ci(
        pd.to_numeric(protected["n_agree"], errors="coerce").to_numpy(dtype=float),
        pd.to_numeric(protected["n_valid"], errors="coerce").to_numpy(dtype=float),
    )
    return pd.DataFrame(
        {"ci_low": 100 * np.asarray(low), "ci_high": 100 * np.asarray(high)}, index=protected.index
    )


def _shown(value, fmt) -> str:
    """A protected cell as a reader sees it: the suppression marker, empty, or the formatted number."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return ""
    return fmt(value)


def share(
    data: pd.DataFrame,
    item: str,
    by: Sequence[str] = (),
    *,
    params: Mapping[str, Any],
    where: Mapping[str, Any] | None = None,
    agree: Sequence | None = None,
) -> pd.DataFrame:
    """Share agreeing with ``item`` by the columns ``by``, among rows matching ``where``."""
    missing = [c for c in [item, *by, *(where or {})] if c not in data.columns]
    if missing:
        raise KeyError(f"not in the data: {', '.join(missing)}")
    rows = data
    for column, value in (where or {}).items():
        rows = rows[rows[column] == value]
    levels = _agree_levels(data[item], agree)
    answered = rows[rows[item].notna()]
    agreed = answered[item].isin(levels)
    keys = list(by)
    if keys:
        grouped = answered.assign(_agree=agreed).groupby(keys, observed=False, sort=True)["_agree"]
        table = pd.DataFrame({"n_valid": grouped.size(), "n_agree": grouped.sum()}).reset_index()
    else:
        table = pd.DataFrame({"group": ["All"], "n_valid": [len(answered)], "n_agree": [int(agreed.sum())]})
    table["n_valid"] = table["n_valid"].astype("Int64")
    table["n_agree"] = table["n_agree"].astype("Int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["pct_agree"] = 100 * table["n_agree"].astype(float) / table["n_valid"].astype(float)
    table = pd.concat([table, _interval(table)], axis=1)
    protected = disclosure.suppress(
        table,
        ["n_valid", "n_agree"],
        {"pct_agree": ("n_agree", "n_valid")},
        rule=disclosure.from_params(params),
        marker=None,
        group_cols=keys[:-1] if keys else None,
        row_totals={"n_valid": ["n_agree"]},
        derived={"ci_low": lambda t: _interval(t)["ci_low"], "ci_high": lambda t: _interval(t)["ci_high"]},
    )
    shown = protected[[*(keys or ["group"])]].copy()
    shown["answered"] = [_shown(v, numbers.count) for v in protected["n_valid"]]
    shown["agree"] = [_shown(v, numbers.count) for v in protected["n_agree"]]
    shown["% agree (95% CI)"] = [
        _shown(p, lambda p, lo=lo, hi=hi: numbers.percentage_ci(p, lo, hi))
        for p, lo, hi in zip(protected["pct_agree"], protected["ci_low"], protected["ci_high"])
    ]
    shown.attrs["agree_levels"] = levels
    return shown
