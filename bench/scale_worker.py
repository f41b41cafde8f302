"""One scale run, in its own process: read + clean a survey export, then every %-agree table and
every per-item chi-square test. Prints one JSON line: phase times (s) and this process's peak
RSS. Called by bench/run_benchmarks.py (``python bench/scale_worker.py <data folder>``)."""

from __future__ import annotations

import json
import resource
import sys
import time

T0 = time.perf_counter()

from helpers import config, paths  # noqa: E402
from helpers.survey import cleaning, inputs  # noqa: E402

try:  # the attitude strand's helpers, once they exist
    from helpers.survey import attitudes  # noqa: F401
except ImportError:  # pragma: no cover - until notebook 03's module lands
    attitudes = None


def agree_tables_fallback(clean, codebook):
    """% agree (positive answers among substantive ones) by role and pooled, Wilson 95% CI."""
    import pandas as pd

    from helpers.stats import wilson_ci

    tables = []
    for var in codebook.likert_items:
        positive = clean[var.name].isin(var.scale.positive)
        valid = clean[var.name].notna()
        frame = pd.DataFrame({"role": clean["role"], "positive": positive & valid, "valid": valid})
        counts = frame.groupby("role", observed=True)[["positive", "valid"]].sum()
        counts.loc["All"] = counts.sum()
        low, high = wilson_ci(counts["positive"], counts["valid"])
        counts["pct"] = 100 * counts["positive"] / counts["valid"]
        counts["ci_low"], counts["ci_high"] = 100 * low, 100 * high
        counts["item"] = var.name
        tables.append(counts.reset_index())
    return pd.concat(tables, ignore_index=True)


def chi_square_fallback(clean, codebook):
    """Per Likert item: chi-square test of role x answer (substantive answers)."""
    import pandas as pd
    from scipy.stats import chi2_contingency

    rows = []
    for var in codebook.likert_items:
        table = pd.crosstab(clean["role"], clean[var.name])
        table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
        stat, p, dof, _ = chi2_contingency(table.to_numpy())
        rows.append({"item": var.name, "chi2": stat, "df": dof, "p": p, "n": int(table.to_numpy().sum())})
    return pd.DataFrame(rows)


def main(folder: str) -> dict:
    t = {"import": time.perf_counter() - T0}
    params = config.load_params(paths.project_root() / "params.yaml", folder)
    start = time.perf_counter()
    export, codebook = inputs.load(params["data_dir"])
    t["read"] = time.perf_counter() - start
    start = time.perf_counter()
    result = cleaning.clean_survey(export.data, codebook, params["survey"], export.source)
    t["clean"] = time.perf_counter() - start
    n_raw = len(export.data)
    del export
    clean = result.clean
    start = time.perf_counter()
    if attitudes is not None:  # what notebook 03 runs: by_role, then disclosure control
        from helpers import disclosure

        items = attitudes.items_from_codebook(codebook)
        rule = disclosure.from_params(params)
        raw = attitudes.by_role(clean, items)
        agree, _ = attitudes.protect_by_role(raw, disclosure.Rule(rule.rule, rule.min_count, marker=None))
    else:
        agree = agree_tables_fallback(clean, codebook)
    t["agree_tables"] = time.perf_counter() - start
    start = time.perf_counter()
    chi = attitudes.role_tests(clean, items) if attitudes is not None else chi_square_fallback(clean, codebook)
    t["chi_square"] = time.perf_counter() - start
    t["total"] = time.perf_counter() - T0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"rows": n_raw, "clean": len(clean), "agree_rows": len(agree), "tests": len(chi),
            "seconds": t, "peak_rss_mb": usage.ru_maxrss / 1024,
            "helpers": "attitudes" if attitudes else "fallback"}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
