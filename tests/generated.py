"""Generated instruments in-process (issue 11): a generated instrument written in its seed's
platform layout, read and cleaned as notebook 02 does (the start of every in-process test on
generated instruments), then analysed as notebook 03 does (:func:`analyse`, the fast and slow
tiers' in-process tests, tests/survey/test_generated_instruments*.py), and every table it
produces digested (:func:`digests`, pinned in tests/survey/test_generated_pinned.py)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import disclosure, numbers, paths, plots, publication
from helpers.survey import attitudes as A
from helpers.survey import cleaning, inputs
from helpers.survey import multiple_response as M
from helpers.synthetic import instruments as S
from helpers.workbook import Sheet

matplotlib.use("Agg")

RULES = [("threshold", 1), ("threshold", 5), ("threshold", 10), ("nhs", 8)]
# seed -> {table: digest} of the in-process analysis, taken before it was sped up
# (tests/survey/test_generated_pinned.py)
PINNED_FILE = Path(__file__).resolve().parent / "survey" / "generated_pinned.json"
PINNED = {int(seed): tables for seed, tables in json.loads(PINNED_FILE.read_text()).items()}
_REFERENCE: list = []


def reference() -> pd.DataFrame:
    """The published 2002/2015 figures (read once)."""
    if not _REFERENCE:
        _REFERENCE.append(A.load_reference(paths.reference("published_figures.csv")))
    return _REFERENCE[0]


def read_and_clean(seed: int, folder, max_battery_items: int = 8):
    """(instrument, layout, export, codebook, cleaning result) of ``random_instrument(seed)``."""
    inst = S.random_instrument(seed, max_battery_items=max_battery_items)
    layout = S.LAYOUTS[seed % len(S.LAYOUTS)]
    S.write_instrument(inst, folder, layout)
    export, codebook = inputs.load(folder)
    result = cleaning.clean_survey(
        export.data, codebook, S.settings_for(layout, inst.codebook), export.source
    )
    return inst, layout, export, codebook, result


def rule_for(seed: int) -> disclosure.Rule:
    name, min_count = RULES[seed % len(RULES)]
    return disclosure.Rule(name, min_count, marker=None)


def check_percentages_match_counts(table: pd.DataFrame, seed: int) -> None:
    n_agree = pd.to_numeric(table["n_agree"], errors="coerce")
    n_valid = pd.to_numeric(table["n_valid"], errors="coerce")
    pct = pd.to_numeric(table["pct_agree"], errors="coerce")
    shown = pct.notna()
    assert (n_agree[shown].notna() & n_valid[shown].notna() & (n_valid[shown] > 0)).all(), seed
    # published at one decimal, half away from zero (helpers.numbers, the one formatter)
    expected = (100 * n_agree[shown] / n_valid[shown]).map(lambda v: numbers.rounded(v, "table_percentage"))
    assert np.allclose(pct[shown], expected), (seed, table.loc[shown, ["item", "group"]])


def analyse(
    seed: int,
    folder,
    draw: bool = True,
    models: bool = False,
    max_battery_items: int = 3,
    replicates: int = 9999,
) -> dict:
    """What notebooks 02 and 03 do, in-process, for one generated instrument (``replicates``: of
    the role tests' Monte Carlo p, fewer in the fast tier). Returns the layout, the rule and
    ``tables``: every table and text it made, by name."""
    inst, layout, export, codebook, result = read_and_clean(seed, folder, max_battery_items=max_battery_items)
    assert len(result.clean) + len(result.exclusions) == len(export.data), seed
    assert result.flow["remaining"].iloc[-1] == len(result.clean)
    clean = result.clean
    items, scales = A.items_from_codebook(codebook), A.scales_from_codebook(codebook)
    covariates = A.covariates_from_codebook(codebook)
    rule = rule_for(seed)
    raw = A.by_role(clean, items)
    design = publication.design_of(clean, rule)  # which role groups are published (notebook 03)
    by_role, log = A.protect_by_role(raw, rule)
    tidy = A.tidy_numbers(by_role)
    check_percentages_match_counts(tidy, seed)
    summary = A.suppression_summary(log)
    pd.read_csv(io.StringIO(summary.to_csv(index=False)))  # an empty summary reads back
    tests = A.protect_counts(A.role_tests(clean, items, replicates=replicates), rule)
    reliability = scales_by_role = scale_tests = None
    if not A.section_note("scales", items, scales):
        reliability, _ = A.scale_reliability(clean, items, scales)
        reliability = A.protect_counts(reliability, rule)
        scales_by_role, scale_tests = A.scales_by_role(clean, A.scale_scores(clean, items, scales), rule)
        scale_tests = A.protect_counts(scale_tests, rule)
    note = A.comparison_note(codebook, reference())
    ref = A.reference_for_codebook(reference(), codebook)
    then_now = A.then_vs_now(by_role, ref)
    assert (note is None) == bool(codebook.published_comparison)
    fitted = {}
    if models and not A.models_note(clean, items):
        first = dict(list(items.items())[:1])
        fitted = A.ordinal_models(clean, first, list(covariates), A.model_reference_role(clean))
        assert len(fitted["role_effect"]) == 1
    text = A.headline(by_role, tests, fitted.get("role_effect"), fitted.get("proportional_odds"),
                      None if note else then_now, items, covariates=covariates)  # fmt: skip
    assert "nan%" not in text
    marked, marked_log = A.protect_by_role(raw, disclosure.Rule(rule.rule, rule.min_count, marker="*"))
    sheets = A.workbook_sheets({"by_role": marked, "role_tests": tests, "scale_reliability": reliability,
                                "scales_by_role": scales_by_role, "then_vs_now": then_now}, rule, covariates)  # fmt: skip
    tables = {
        "export": export.data, "clean": clean, "exclusions": result.exclusions, "flow": result.flow,
        "role_recodes": result.role_recodes, "notes": result.notes, "design": design.groups(),
        "by_role_raw": raw, "by_role": by_role, "log": log, "tidy": tidy, "summary": summary,
        "role_tests": tests, "reliability": reliability, "scales_by_role": scales_by_role,
        "scale_tests": scale_tests, "then_vs_now": then_now, "comparison_note": note, "headline": text,
        "by_role_marked": marked, "log_marked": marked_log,
        **{f"sheet {name}": sheet for name, sheet in sheets.items()},
    }  # fmt: skip
    for var in codebook.of_type("multiple"):  # tick-all questions (JISC, plain CSV and XLSX layouts)
        counted = M.mentions(clean, var)
        base = clean[[f"{var.name}__{c}" for c in var.labels]].notna().any(axis=1).sum()
        assert (counted["n_base"] == base).all() and counted["n_mentions"].le(base).all(), seed
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = 100 * counted["n_mentions"] / base
        assert np.allclose(counted["pct_respondents"], expected, equal_nan=True), seed
        published = M.published(clean, var, rule)
        tables |= {f"mentions {var.name}": counted, f"protected mentions {var.name}": M.protect(counted, rule),
                   f"published mentions {var.name}": published}  # fmt: skip
        assert M.base_note(published).startswith("Base: the ")  # as notebook 03 says it
    for table in (tidy, A.tidy_numbers(tests), A.tidy_numbers(then_now)):
        assert disclosure.violations(table, rule=rule.rule, min_count=rule.min_count, marker=None).empty, seed
    if draw:  # as notebook 03 draws them: from the protected table
        for names in A.batteries(items).values():
            plots.diverging_likert(by_role, names, list(items[names[0]].levels), groups=A.chart_groups(by_role, names, design.groups()), ncols=2,
                                   min_n=rule.min_count, top=len(items[names[0]].positive))  # fmt: skip
        for name in A.single_items(items):
            plots.diverging_likert(by_role, [name], list(items[name].levels), groups=[A.ALL, *design.groups()],
                                   rows="group", top=len(items[name].positive), min_n=rule.min_count)  # fmt: skip
        if note is None:
            plots.then_vs_now(A.then_vs_now_chart_table(by_role, ref))
        if fitted:
            plots.forest(A.role_odds_ratios_for_chart(fitted["odds_ratios"], items))
        plt.close("all")
    return {
        "layout": layout,
        "rule": rule,
        "sheets": sheets,
        "clean": clean,
        "codebook": codebook,
        "tables": tables,
    }


def run_many(seeds, tmp_path, options, pinned: dict | None = None) -> None:
    """:func:`analyse` on each seed with ``options(seed)`` (its keyword arguments); every layout
    under every rule must be among them. ``pinned``: seed -> {table: digest}
    (tests/survey/test_generated_pinned.py), checked where a seed has one."""
    layouts, rules = set(), set()
    for seed in seeds:
        try:
            out = analyse(seed, tmp_path / str(seed), **options(seed))
            if pinned and seed in pinned:
                assert digests(out["tables"]) == pinned[seed]
        except Exception as exc:
            exc.add_note(f"generated instrument: seed {seed}, layout {S.LAYOUTS[seed % len(S.LAYOUTS)]}")
            raise
        layouts.add(out["layout"])
        rules.add((out["rule"].rule, out["rule"].min_count))
    assert layouts == set(S.LAYOUTS) and len(rules) == len(RULES)


def _text(value) -> str:
    """Everything a table publishes: columns, their order and dtypes (a categorical's categories
    too), attrs, index and every cell as CSV writes it; a workbook sheet's title and notes and
    its table so; text and lists as they are."""
    if isinstance(value, Sheet):
        return "\n".join([repr(value.title), repr(list(value.notes)), _text(value.table)])
    if not isinstance(value, pd.DataFrame):
        return repr(value)
    dtypes = [f"{d}{list(d.categories) if isinstance(d, pd.CategoricalDtype) else ''}" for d in value.dtypes]
    return "\n".join([repr(list(value.columns)), repr(dtypes), repr(value.attrs), repr(value.index),
                      value.to_csv(index=True)])  # fmt: skip


def digests(tables: dict) -> dict[str, str]:
    """SHA-256 (first 16 hex digits) of each of :func:`analyse`'s tables."""
    return {name: hashlib.sha256(_text(t).encode()).hexdigest()[:16] for name, t in tables.items()}
