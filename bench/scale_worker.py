"""One scale run, in its own process: read + clean a survey export, then every %-agree table and
every per-item chi-square test, as notebook 03 computes them. Prints one JSON line: phase times
(s) and this process's peak RSS. Called by bench/run_benchmarks.py:

    python bench/scale_worker.py <data folder>

Phases: ``read`` (helpers.survey.inputs.load), ``clean`` (cleaning.clean_survey),
``agree_tables`` (attitudes.by_role, then protect_by_role: disclosure control as the CSV gets
it), ``chi_square`` (attitudes.role_tests: Pearson and ordinal tests per item, Holm).
"""

from __future__ import annotations

import json
import resource
import sys
import time

T0 = time.perf_counter()

from helpers import config, disclosure, paths  # noqa: E402
from helpers.survey import attitudes, cleaning, inputs  # noqa: E402


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
    items = attitudes.items_from_codebook(codebook)
    start = time.perf_counter()
    rule = disclosure.from_params(params)
    raw = attitudes.by_role(clean, items)
    agree, _ = attitudes.protect_by_role(raw, disclosure.Rule(rule.rule, rule.min_count, marker=None))
    t["agree_tables"] = time.perf_counter() - start
    start = time.perf_counter()
    tests = attitudes.role_tests(clean, items)
    t["chi_square"] = time.perf_counter() - start
    t["total"] = time.perf_counter() - T0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": n_raw,
        "clean": len(clean),
        "agree_rows": len(agree),
        "tests": len(tests),
        "seconds": t,
        "peak_rss_mb": peak,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
