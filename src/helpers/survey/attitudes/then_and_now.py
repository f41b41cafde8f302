"""Then and now: this run beside the published 2002 and 2015 figures."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import files, stats
from helpers.files import InputError

OVERLAP_YEAR = 2015  # the published survey whose respondents this study's own data are
SAMPLE_2002_FILE = "sample_2002.csv"

REFERENCE_COLUMNS = [
    "survey_year",
    "source",
    "measure",
    "item",
    "levels_counted",
    "group",
    "numerator",
    "denominator",
    "pct_published",
    "basis",
    "verified",
    "note",
]


def load_reference(path: str | Path) -> pd.DataFrame:
    """The published figures (data/reference/published_figures.csv), checked."""
    text = files.read_text(path).text
    table = pd.read_csv(io.StringIO(text), dtype={"group": str, "measure": str, "item": str})
    missing = [c for c in REFERENCE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(path, f"missing column(s): {', '.join(missing)}")
    for i, row in table.iterrows():
        if row["basis"] not in ("counts", "percentage"):
            raise InputError(
                path, "basis must be counts or percentage", row=i + 2, column="basis", value=row["basis"]
            )
        if row["basis"] == "counts" and (
            pd.isna(row["numerator"])
            or pd.isna(row["denominator"])
            or not 0 <= row["numerator"] <= row["denominator"]
        ):
            raise InputError(
                path,
                "counts rows need 0 <= numerator <= denominator",
                row=i + 2,
                column="numerator",
                value=row["numerator"],
            )
        if not 0 <= row["pct_published"] <= 100:
            raise InputError(
                path,
                "percentage outside 0-100",
                row=i + 2,
                column="pct_published",
                value=row["pct_published"],
            )
    return table


def reference_for_codebook(reference: pd.DataFrame, codebook) -> pd.DataFrame:
    """The published figures this instrument can be compared with: the measures the codebook's
    ``published_comparison`` maps to one of its items, with the reference's ``item`` and
    ``levels_counted`` replaced by the codebook's (item name, level labels '|'-separated).
    Measures the codebook does not map are left out; an empty table when it maps none (the
    comparison section is then skipped, see :func:`comparison_note`)."""
    mapping = codebook.published_comparison
    table = reference[reference["measure"].isin(list(mapping))].copy()
    table["item"] = table["measure"].map({m: c.item for m, c in mapping.items()})
    table["levels_counted"] = table["measure"].map({m: "|".join(c.levels) for m, c in mapping.items()})
    return table.reset_index(drop=True)


def comparison_note(codebook, reference: pd.DataFrame) -> str | None:
    """Why the comparison with the published figures is skipped (Markdown), or None when it runs."""
    if not codebook.published_comparison:
        return (
            "**Comparison with the published 2002 and 2015 figures skipped**: the codebook has no "
            "`published_comparison` section saying which item measures which published figure "
            f"(measures available: {', '.join(f'`{m}`' for m in dict.fromkeys(reference['measure']))}; "
            "see docs/bring-your-own-survey.md)."
        )
    unknown = [m for m in codebook.published_comparison if m not in set(reference["measure"])]
    if unknown:
        raise InputError(
            codebook.path,
            "published_comparison: measure(s) not in data/reference/published_figures.csv "
            f"(known: {', '.join(dict.fromkeys(reference['measure']))})",
            value=unknown,
        )
    return None


def sample_note(new_sample: bool) -> str:
    """What the then-and-now table's ``comparison`` column rests on, from params
    ``survey.then_and_now.new_sample`` of this run (Markdown)."""
    if new_sample:
        return (
            "This run's respondents are a new sample, independent of the 2002 and 2015 surveys' "
            "(params `survey.then_and_now.new_sample: true`): every row with known counts is compared "
            "by an independent-samples test (column `comparison`), and the tests form the "
            "`then_vs_now` family of the analysis plan."
        )
    return (
        "This run's respondents *are* the 2015 survey's (params `survey.then_and_now.new_sample: "
        "false`): the 2015 rows are then descriptive, the difference without an interval or test "
        "(column `comparison`), since an independent-samples test of a sample against itself is wrong. "
        "Set `new_sample: true` for a new survey round. The tests of the remaining rows form the "
        "`then_vs_now` family of the analysis plan."
    )


def this_run_measures(protected: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """This run's count for each reference measure and group, from the protected by-role
    table (so nothing suppressed there reappears here): measure, group, x, n."""
    rows = []
    for (measure, item, levels_counted), _ in reference.groupby(
        ["measure", "item", "levels_counted"], sort=False
    ):
        block = protected[protected["item"] == item]
        if block.empty:
            continue
        levels = block["levels"].iloc[0].split("|")
        wanted = levels_counted.split("|")
        unknown = [w for w in wanted if w not in levels]
        if unknown:
            raise ValueError(
                f"reference measure {measure!r}: level(s) {unknown} not among the levels of {item!r}"
            )
        cols = [f"n_{levels.index(w) + 1}" for w in wanted]
        for _, r in block[block["group_type"].isin(["all", "role"])].iterrows():
            parts = [r[c] for c in cols]
            x = np.nan if any(pd.isna(p) or isinstance(p, str) for p in parts) else float(sum(parts))
            n = r["n_valid"] if not (pd.isna(r["n_valid"]) or isinstance(r["n_valid"], str)) else np.nan
            rows.append({"measure": measure, "item": item, "group": r["group"], "x": x, "n": float(n)})
    return pd.DataFrame(rows, columns=["measure", "item", "group", "x", "n"])


def then_vs_now(
    protected: pd.DataFrame, reference: pd.DataFrame, run_label: str = "This run", new_sample: bool = True
) -> pd.DataFrame:
    """This run against each published figure (this run's counts ``n_agree`` of ``n_valid``): this run's % with Wilson CI, the published %,
    the difference (this run minus published, percentage points) with Newcombe's 95% CI and
    the two-proportion z test. Rows whose published figure has no counts use the published
    percentage of the stated respondents (``approximate`` True); rows without a denominator,
    or whose count here is suppressed, get no interval or test.

    ``new_sample`` (params ``survey.then_and_now.new_sample``) False means this run's
    respondents are the 2015 survey's own: the 2015 rows are then descriptive (the difference is
    shown, with no interval or test, since an independent-samples test of a sample against
    itself is wrong); ``comparison`` says which rows were tested."""
    now = this_run_measures(protected, reference)
    rows = []
    for _, ref in reference.iterrows():
        mine = now[(now["measure"] == ref["measure"]) & (now["group"] == ref["group"])]
        x, n = (mine["x"].iloc[0], mine["n"].iloc[0]) if len(mine) else (np.nan, np.nan)
        row = {
            "measure": ref["measure"],
            "group": ref["group"],
            "published_year": int(ref["survey_year"]),
            "source": ref["source"],
            "basis": ref["basis"],
            "published_numerator": ref["numerator"],
            "published_denominator": ref["denominator"],
            "published_pct": float(ref["pct_published"]),
            "run": run_label,
            "n_agree": x,
            "n_valid": n,
        }
        if ref["basis"] == "counts":
            px, pn, approx = float(ref["numerator"]), float(ref["denominator"]), False
            row["published_pct"] = 100 * px / pn
        elif not pd.isna(ref["denominator"]):
            pn = float(ref["denominator"])
            px, approx = float(round(ref["pct_published"] / 100 * pn)), True
        else:
            px = pn = np.nan
            approx = True
        row["approximate"] = approx
        overlap = not new_sample and int(ref["survey_year"]) == OVERLAP_YEAR
        row["comparison"] = "descriptive (same respondents)" if overlap else "independent samples"
        ok = not any(pd.isna(v) for v in (x, n, px, pn)) and n > 0 and pn > 0 and not overlap
        if not (pd.isna(x) or pd.isna(n) or n == 0):
            low, high = stats.wilson_ci(x, n)
            row.update(pct=100 * x / n, ci_low=100 * float(low), ci_high=100 * float(high))
        else:
            row.update(pct=np.nan, ci_low=np.nan, ci_high=np.nan)
        if ok:
            diff = stats.compare_proportions(x, n, px, pn)
            row.update(
                diff_pp=100 * diff.diff,
                diff_ci_low=100 * diff.ci_low,
                diff_ci_high=100 * diff.ci_high,
                z=diff.z,
                p_value=diff.p_value,
            )
        elif overlap and not any(pd.isna(v) for v in (x, n)) and n > 0:
            row.update(
                diff_pp=100 * x / n - row["published_pct"],
                diff_ci_low=np.nan,
                diff_ci_high=np.nan,
                z=np.nan,
                p_value=np.nan,
            )
        else:
            row.update(diff_pp=np.nan, diff_ci_low=np.nan, diff_ci_high=np.nan, z=np.nan, p_value=np.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=THEN_VS_NOW_COLUMNS)


THEN_VS_NOW_COLUMNS = [
    "measure", "group", "published_year", "source", "basis", "published_numerator",
    "published_denominator", "published_pct", "run", "n_agree", "n_valid", "approximate", "comparison",
    "pct", "ci_low", "ci_high", "diff_pp", "diff_ci_low", "diff_ci_high", "z", "p_value",
]  # fmt: skip


MEASURE_LABELS = {
    "relationship_positive": "Rate relationships positive (4-5)",
    "relationship_improve": "Expect relations to improve",
    "relationship_deteriorate": "Expect relations to deteriorate",
    "regulation_punitive_agree": "Regulation poorly co-ordinated and punitive (agree)",
    "cost_quality_tension_agree": "Rising cost-quality tension (agree)",
}


def then_vs_now_chart_table(
    protected: pd.DataFrame, reference: pd.DataFrame, run_label: str = "This run", since: int = 2002
) -> pd.DataFrame:
    """Long table for :func:`helpers.plots.then_vs_now`, for the measures published for
    ``since``: one row per measure x group x source. Published figures carry Wilson CIs where
    counts were published; this run is shown for all respondents and every role group (from
    the protected table: a suppressed figure is a row with an empty ``pct``, not drawn)."""
    ref = reference[reference["measure"].isin(reference.loc[reference["survey_year"] == since, "measure"])]
    rows = []
    for _, r in ref.iterrows():
        if r["basis"] == "counts":
            low, high = stats.wilson_ci(r["numerator"], r["denominator"])
            pct, low, high = 100 * r["numerator"] / r["denominator"], 100 * float(low), 100 * float(high)
        else:
            pct, low, high = float(r["pct_published"]), np.nan, np.nan
        rows.append(
            {
                "measure": MEASURE_LABELS.get(r["measure"], r["measure"]),
                "group": r["group"],
                "source": f"{int(r['survey_year'])} (published)",
                "pct": pct,
                "ci_low": low,
                "ci_high": high,
            }
        )
    for _, m in this_run_measures(protected, ref).iterrows():
        if pd.isna(m["x"]) or pd.isna(m["n"]):
            # suppressed: a row without a figure, so the chart can say this run's are withheld
            # rather than list it in its legend with no point (helpers.plots.then_vs_now_note)
            label = MEASURE_LABELS.get(m["measure"], m["measure"])
            rows.append({"measure": label, "group": m["group"], "source": run_label, "pct": np.nan,
                         "ci_low": np.nan, "ci_high": np.nan})  # fmt: skip
            continue
        if m["n"] == 0:
            continue
        low, high = stats.wilson_ci(m["x"], m["n"])
        rows.append(
            {
                "measure": MEASURE_LABELS.get(m["measure"], m["measure"]),
                "group": m["group"],
                "source": run_label,
                "pct": 100 * m["x"] / m["n"],
                "ci_low": 100 * float(low),
                "ci_high": 100 * float(high),
            }
        )
    return pd.DataFrame(rows, columns=["measure", "group", "source", "pct", "ci_low", "ci_high"])


def load_sample_2002(path: str | Path) -> pd.DataFrame:
    """The 2002 respondents by role group and the nations covered (data/reference/sample_2002.csv)."""
    text = files.read_text(path).text
    table = pd.read_csv(io.StringIO(text), dtype={"group": str, "coverage": str})
    for col in ("group", "respondents", "coverage"):
        if col not in table.columns:
            raise InputError(path, f"missing column {col!r}")
    for i, v in enumerate(table["respondents"]):
        if pd.isna(v) or float(v) <= 0:
            raise InputError(
                path, "respondents must be a positive count", row=i + 2, column="respondents", value=v
            )
    return table


def _standardised(
    sub: pd.DataFrame, y: pd.Series, shares: pd.Series, z: float
) -> tuple[float, float, float, int]:
    """Direct standardisation: sum of share_r * p_r over role groups, SE from the binomial
    variances sum share_r^2 p_r (1 - p_r) / n_r; normal interval clipped to 0-100."""
    est, var, n = 0.0, 0.0, 0
    for group, share in shares.items():
        yy = y[sub["role"].astype(object) == group].dropna()
        if len(yy) == 0:
            return np.nan, np.nan, np.nan, n
        p = float(yy.mean())
        est += share * p
        var += share**2 * p * (1 - p) / len(yy)
        n += len(yy)
    half = z * np.sqrt(var)
    return 100 * est, 100 * max(est - half, 0.0), 100 * min(est + half, 1.0), n


def _roles_suppressed(published: pd.DataFrame, item: str, roles: list[str], wanted: list[str]) -> bool:
    """A role of ``roles`` has no row of ``item`` in the published attitude table, or its valid
    answers or a count of a level the measure counts (``wanted``) is suppressed there (the
    standardised % uses only those)."""
    block = published[(published["item"] == item) & (published["group_type"] == "role")].set_index("group")
    if any(r not in block.index for r in roles) or not len(block):
        return True
    levels = str(block["levels"].iloc[0]).split("|")
    cols = ["n_valid", *[f"n_{i + 1}" for i, level in enumerate(levels) if level in wanted]]
    cells = block.loc[roles, cols]
    return bool((cells.isna() | cells.astype(str).isin(["", "*"])).any().any())


def _all_suppressed(published: pd.DataFrame, item: str, wanted: list[str]) -> bool:
    """The All-respondents row of ``item`` is not published, or its valid answers or a count of
    a level the measure counts (``wanted``) is suppressed there: the crude figures are that
    row's counts (n = n_valid, % = the counted levels over it), so they would print them."""
    from helpers.survey.attitudes.descriptives import all_row_hidden

    block = published[published["item"] == item]
    if block.empty:
        return True
    levels = str(block["levels"].iloc[0]).split("|")
    cols = ["n_valid", *[f"n_{i + 1}" for i, level in enumerate(levels) if level in wanted]]
    return item in all_row_hidden(block, cols)


# The columns of like_for_like_2002, also when no 2002 measure can be compared (an instrument
# without a published-figures mapping): protect_counts needs `n` even in an empty table.
LIKE_FOR_LIKE_COLUMNS = [
    "measure", "published_2002_pct", "population", "n", "pct_crude", "crude_ci_low", "crude_ci_high",
    "pct_standardised", "std_ci_low", "std_ci_high", "note",
]  # fmt: skip


def coverage_missing(clean: pd.DataFrame, coverage_variable: str | None, sample_2002: pd.DataFrame) -> str:
    """Why :func:`like_for_like_2002` has no "2002 nations only" rows (without a coverage
    variable they would repeat the rows of all respondents), as a sentence; "" when it has them."""
    key = "params survey.then_and_now.coverage_variable"
    if not coverage_variable:
        why = f"{key} names no variable"
    elif coverage_variable not in clean.columns:
        why = (
            f"the coverage variable \u2018{coverage_variable}\u2019 ({key}) is not a variable of this survey"
        )
    elif "coverage" not in sample_2002 or sample_2002["coverage"].dropna().empty:
        why = "the 2002 sample file names no nations covered (its coverage column)"
    else:
        return ""
    return (
        f"No \u20182002 nations only\u2019 rows: {why}, so this survey's respondents cannot be restricted "
        "to the nations the 2002 survey covered, and such rows would only repeat those of all respondents."
    )


def like_for_like_2002(
    clean: pd.DataFrame,
    reference: pd.DataFrame,
    sample_2002: pd.DataFrame,
    items,
    coverage_variable: str | None,
    min_count: int,
    alpha: float = 0.05,
    published: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """This run's pooled figures for each 2002 measure published for all respondents, side by
    side: crude (all respondents, Wilson CI), standardised to the 2002 role mix, and both again
    restricted to the nations the 2002 survey covered (``coverage_variable`` of the codebook;
    no restriction when None or absent). Percentages of those answering substantively; ``n``
    is the number answering. Restricted figures are withheld (NaN, ``note``) when the
    respondents left out, or those of them counted or not counted, number 1 to ``min_count`` - 1,
    since all minus restricted would reveal them (issue 13). Given ``published`` (the protected
    attitude table), the standardised figures of an item are withheld where a role's row of that
    item is not published or its valid answers or a counted level are suppressed, and the
    crude figures (n, %, CI) where the All-respondents row's are (they are that row's counts,
    :func:`_all_suppressed`): the standardised % is a known linear
    combination of the roles' counts (shares from 2002), and at 1 decimal it gives a single
    suppressed role count back (tests/survey/test_inversion.py)."""
    from scipy.stats import norm

    z = norm.ppf(1 - alpha / 2)
    shares = sample_2002.set_index("group")["respondents"].astype(float)
    shares = shares / shares.sum()
    covered = (
        set(str(sample_2002["coverage"].dropna().iloc[0]).split("|")) if "coverage" in sample_2002 else set()
    )
    rows = []
    pooled = reference[(reference["survey_year"] == 2002) & (reference["group"] == "All respondents")]
    restrict = not coverage_missing(clean, coverage_variable, sample_2002)
    for _, ref in pooled.iterrows():
        item = ref["item"]
        if item not in clean.columns or item not in items:
            continue
        wanted = str(ref["levels_counted"]).split("|")
        answered = clean[item].notna()
        y = clean[item].astype(object).isin(wanted).astype(float).where(answered)
        in_gb = (
            clean[coverage_variable].astype(object).isin(covered)
            if restrict
            else pd.Series(True, index=clean.index)
        )
        left_out = int((answered & ~in_gb).sum())
        counted_out = int(y[~in_gb].fillna(0).sum())
        withhold = any(0 < v < min_count for v in (left_out, counted_out, left_out - counted_out))
        unsafe_std = published is not None and _roles_suppressed(published, item, list(shares.index), wanted)
        unsafe_crude = published is not None and _all_suppressed(published, item, wanted)
        for restricted in (False, True) if restrict else (False,):  # no copy of all respondents
            mask = in_gb if restricted else pd.Series(True, index=clean.index)
            sub, yy = clean[mask], y[mask]
            n = int(yy.notna().sum())
            x = float(yy.sum())
            low, high = stats.wilson_ci(x, n, alpha)
            std, s_low, s_high, _ = _standardised(sub, yy, shares, z)
            row = {
                "measure": ref["measure"],
                "published_2002_pct": float(ref["pct_published"]),
                "population": "2002 nations only" if restricted else "all respondents",
                "n": n,
                "pct_crude": 100 * x / n if n else np.nan,
                "crude_ci_low": 100 * float(low),
                "crude_ci_high": 100 * float(high),
                "pct_standardised": std,
                "std_ci_low": s_low,
                "std_ci_high": s_high,
                "note": "",
            }
            if unsafe_std:
                row["pct_standardised"] = row["std_ci_low"] = row["std_ci_high"] = np.nan
                row["note"] = "standardised figures withheld: a role's counts are suppressed"
            if unsafe_crude:  # n and % are All's valid answers and counted levels: one status
                for c in ("n", "pct_crude", "crude_ci_low", "crude_ci_high"):
                    row[c] = np.nan
                row["note"] = "withheld: the counts it comes from are suppressed"
                if unsafe_std:
                    row["note"] = "withheld: the counts they come from are suppressed"
            if restricted and withhold:
                for c in (
                    "n",
                    "pct_crude",
                    "crude_ci_low",
                    "crude_ci_high",
                    "pct_standardised",
                    "std_ci_low",
                    "std_ci_high",
                ):
                    row[c] = np.nan
                row["note"] = "withheld: too few respondents outside the 2002 nations"
            rows.append(row)
    return pd.DataFrame(rows, columns=LIKE_FOR_LIKE_COLUMNS)
