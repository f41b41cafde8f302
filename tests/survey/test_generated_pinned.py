"""Every table of the generated instruments' in-process analysis, pinned (issue 11).

The fast tier's in-process path (reading, cleaning, every attitude table, both disclosure calls,
role tests, then-and-now, headline, workbook sheets, tick-all tables: :func:`tests.generated.analyse`)
is sped up without changing any published output. ``generated_pinned.json`` holds, for a sample
of the fast tier's seeds, the SHA-256 (16 hex digits) of each table as :func:`tests.generated.digests`
writes it (columns, dtypes, attrs, index, every cell), taken from main at fb363f9, before
the speed-ups; re-pinned after cb's 54befb3 (protect_by_role's deliberate column order) only for
the attitude tables that change with it (by_role, by_role_marked, tidy, sheet by_role of seeds
1, 5, 14, 32, 41, 50, 68, 86: items with different level sets), each checked to be the fb363f9
table with its columns in the new order, every cell, dtype and log unchanged; and after chk's
SurveyMonkey cleaning notes (issue 11) only the notes of seeds 3 and 59 (the SurveyMonkey layout),
each checked to differ from the old notes in the status and progress sentences alone. After the
lead's JISC cleaning notes, only the notes of seeds 4, 11, 32 and 95 (the JISC layout), each
checked to differ in the status, progress and duration sentences alone. The fast tier's own run checks them where it meets a pinned seed (no instrument
analysed twice); the tests here check that it meets every one. A change meant to change a
published table must say so and re-pin (the seeds' tables are written again by
``python -c "from tests.survey.test_generated_pinned import repin; repin()"``)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tests import generated as G
from tests.survey import test_generated_instruments as T

PINNED, PINNED_FILE = G.PINNED, G.PINNED_FILE


def repin() -> None:
    """Write the pinned digests again from the code as it is now (after a deliberate change)."""
    folder = Path(tempfile.mkdtemp())
    out = {}
    for seed in sorted(PINNED):
        tables = G.analyse(seed, folder / str(seed), **T.fast_tier_options(seed))["tables"]
        out[str(seed)] = G.digests(tables)
    PINNED_FILE.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


def test_the_fast_tier_meets_every_pinned_seed():
    assert set(PINNED) <= set(T.fast_tier_seeds()) and len(PINNED) >= 15


def test_every_layout_rule_and_table_is_pinned():
    layouts = {G.S.LAYOUTS[s % len(G.S.LAYOUTS)] for s in PINNED}
    rules = {G.RULES[s % len(G.RULES)] for s in PINNED}
    assert layouts == set(G.S.LAYOUTS) and rules == set(G.RULES)
    names = set().union(*PINNED.values())
    assert {"export", "clean", "exclusions", "flow", "by_role", "log", "by_role_marked", "log_marked",
            "role_tests", "then_vs_now", "headline", "sheet by_role"} <= names  # fmt: skip
    assert any(n.startswith("published mentions") for n in names)
    assert len({t["by_role"] for t in PINNED.values()}) == len(PINNED)  # no seed's table is empty


def test_a_changed_cell_or_dtype_changes_the_digest():
    """The comparison can fail: one cell, one dtype or one column's place changes a digest."""
    import pandas as pd

    table = pd.DataFrame({"item": ["a", "a"], "n_valid": [12, 7], "pct_agree": [50.0, 14.3]})
    digest = G.digests({"t": table})["t"]
    assert G.digests({"t": table.assign(n_valid=[12, 8])})["t"] != digest
    assert G.digests({"t": table.astype({"n_valid": "float64"})})["t"] != digest
    assert G.digests({"t": table[["n_valid", "item", "pct_agree"]]})["t"] != digest
    assert G.digests({"t": table.copy()})["t"] == digest


def test_the_protect_by_role_pins_are_among_these():
    """tests/survey/test_protect_by_role_pinned.py's digests (slow tier) pin the same seeds'
    protected tables and logs; the fast tier pins them here (both markers, every column)."""
    from tests.survey import test_protect_by_role_pinned as P

    for seed in P.PINNED:
        assert seed in PINNED and {"by_role", "log", "by_role_marked", "log_marked"} <= set(PINNED[seed])
        assert G.RULES[seed % len(G.RULES)] == P.RULES[seed % len(P.RULES)]
