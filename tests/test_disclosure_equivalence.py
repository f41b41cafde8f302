"""The vectorised ``disclosure.suppress_with_log`` returns exactly what the row-by-row version
returned (frozen in tests/disclosure_reference.py): the same protected table (values, dtypes,
Python types of object cells, attrs, CSV text) and the same suppression log, on seeded random
tables exercising every option, on generated instruments' attitude tables, and on the errors."""

import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import disclosure
from helpers.survey import attitudes as A
from tests.generated import read_and_clean

_spec = importlib.util.spec_from_file_location(
    "disclosure_reference", Path(__file__).with_name("disclosure_reference.py")
)
_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_reference)
reference_suppress_with_log = _reference.reference_suppress_with_log

RULES = [("threshold", 1), ("threshold", 5), ("threshold", 10), ("nhs", 8)]


def assert_same(new, old):
    (table, log), (ref_table, ref_log) = new, old
    pd.testing.assert_frame_equal(table, ref_table, check_exact=True)
    assert list(table.dtypes) == list(ref_table.dtypes)
    for col in table.columns:
        if table[col].dtype == object:
            assert [type(v) for v in table[col]] == [type(v) for v in ref_table[col]], col
    assert table.attrs == ref_table.attrs
    assert table.to_csv(index=False) == ref_table.to_csv(index=False)
    pd.testing.assert_frame_equal(log, ref_log, check_exact=True)
    assert log.to_csv(index=False) == ref_log.to_csv(index=False)


def both(table, count_cols, pct_cols=(), **kwargs):
    new = disclosure.suppress_with_log(table.copy(), count_cols, pct_cols, **kwargs)
    old = reference_suppress_with_log(table.copy(), count_cols, pct_cols, **kwargs)
    return new, old


def random_table(rng: np.random.Generator, n_rows: int, n_levels: int, nan_share: float) -> pd.DataFrame:
    """Level counts, their total and an 'agree' part, role groups, a published total row."""
    levels = rng.integers(0, 12, size=(n_rows, n_levels)).astype(float)
    levels[rng.random(levels.shape) < nan_share] = np.nan
    if n_rows >= 3:  # row 0 is the published total of rows 1 and 2
        levels[0] = levels[1] + levels[2]
    table = pd.DataFrame(levels, columns=[f"n_{i + 1}" for i in range(n_levels)])
    table["n_valid"] = table.sum(axis=1, min_count=1) + rng.integers(0, 4, size=n_rows) * (rng.random() < 0.5)
    table["n_agree"] = table[table.columns[: max(1, n_levels // 2)]].sum(axis=1)
    table["group"] = rng.choice(["a", "b", "c"], size=n_rows)
    table["item"] = rng.choice(["q1", "q2"], size=n_rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["pct_agree"] = np.where(table["n_valid"] > 0, 100 * table["n_agree"] / table["n_valid"], np.nan)
    table["ci_low"] = table["pct_agree"] - 3
    return table.set_index(pd.Index(rng.permutation(n_rows) + 100))  # index is reset by the function


def pct(s):
    return np.where(s["n_valid"] > 0, 100 * s["n_agree"] / s["n_valid"], np.nan)


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_give_the_same_tables_and_logs(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_levels = int(rng.integers(0, 9)), int(rng.integers(1, 6))
    table = random_table(rng, n_rows, n_levels, nan_share=[0, 0, 0.15][seed % 3])
    rule_name, min_count = RULES[seed % 4]
    lcols = [f"n_{i + 1}" for i in range(n_levels)]
    counts = [*lcols, "n_valid", "n_agree"]
    marker = [None, "*", "[c]"][seed % 3]
    options = {"rule": rule_name, "min_count": min_count, "marker": marker}
    if seed % 2 == 0:
        options["row_totals"] = {"n_valid": lcols, "n_agree": lcols[: max(1, n_levels // 2)]}
    if seed % 5 in (0, 1):
        options["group_cols"] = ["item"] if seed % 10 < 5 else [["item"], ["group"]]
    if n_rows >= 3 and seed % 3 != 2:
        options["row_equations"] = [(0, [1, 2]), (None, list(range(1, n_rows)))]
    if rule_name == "nhs":
        pct_cols = {"pct_agree": ("n_agree", "n_valid")}
        options["derived"] = {"ci_low": lambda s: pct(s) - 3}
    else:
        pct_cols = {"pct_agree": ("n_agree", "n_valid")} if seed % 4 == 1 else ["pct_agree"]
        options["derived"] = {"ci_low": ["n_agree", "n_valid"]} if seed % 8 == 1 else {"ci_low": pct}
    if n_rows and seed % 7 == 3:
        options["hide"] = [(n_rows - 1, lcols[0]), (0, "n_agree")]
    if seed % 11 == 5:
        options["secondary"] = False
    try:
        new, old = both(table, counts, pct_cols, **options)
    except ValueError as exc:  # parts above their total: both must refuse it the same way
        with pytest.raises(ValueError) as ref:
            reference_suppress_with_log(table.copy(), counts, pct_cols, **options)
        assert str(exc) == str(ref.value)
        return
    assert_same(new, old)


def test_random_tables_exercise_suppression():
    """The random tables above are not trivial: they suppress, secondarily too."""
    reasons = set()
    for seed in range(40):
        rng = np.random.default_rng(seed)
        n_rows, n_levels = int(rng.integers(0, 9)), int(rng.integers(1, 6))
        table = random_table(rng, n_rows, n_levels, 0)
        lcols = [f"n_{i + 1}" for i in range(n_levels)]
        _, log = disclosure.suppress_with_log(
            table, [*lcols, "n_valid"], row_totals={"n_valid": lcols}, group_cols=["item"]
        )
        reasons |= {r.split(":")[0] for r in log["reason"]}
    assert reasons == {"primary", "secondary"}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_generated_instruments_attitude_tables_are_the_same(seed, tmp_path, monkeypatch):
    """protect_by_role (the attitude tables, row totals and row equations) on generated
    instruments, each under one rule (all four across the seeds), with the marker and without."""
    _, _, _, codebook, result = read_and_clean(seed, tmp_path)
    clean = result.clean
    raw = A.by_role(clean, A.items_from_codebook(codebook))
    for rule_name, min_count in RULES[seed : seed + 1]:
        for marker in (None, "*"):
            rule = disclosure.Rule(rule_name, min_count, marker=marker)
            new = A.protect_by_role(raw, rule)
            with monkeypatch.context() as m:
                m.setattr(disclosure, "suppress_with_log", reference_suppress_with_log)
                old = A.protect_by_role(raw, rule)
            assert_same(new, old)


def test_the_same_errors():
    table = pd.DataFrame({"n": [3, 4], "n_a": [2, 9]})
    for kwargs in (
        {"row_totals": {"n": ["n_a"]}},
        {"hide": [(5, "n")]},
        {"hide": [(0, "zz")]},
        {"row_equations": [(0, [7])]},
    ):
        errors = []
        for fn in (disclosure.suppress_with_log, reference_suppress_with_log):
            with pytest.raises((ValueError, KeyError)) as exc:
                fn(table, ["n", "n_a"], **kwargs)
            errors.append((exc.type, str(exc.value)))
        assert errors[0] == errors[1], kwargs


def test_a_csv_read_back_is_the_same():
    """Tables read from CSV (object and Int64 columns) behave the same."""
    text = "item,n_valid,n_1,n_2\nq1,9,4,5\nq1,3,1,2\nq2,12,6,6\n"
    table = pd.read_csv(io.StringIO(text))
    for rule_name, min_count in RULES:
        assert_same(
            *both(table, ["n_valid", "n_1", "n_2"], rule=rule_name, min_count=min_count, group_cols=["item"])
        )
