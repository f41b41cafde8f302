"""The strands' published outputs, read by their documented file names.

A strand has *run* when its provenance record ``reports/provenance/<stage>.json`` exists (every
notebook's last cell writes it). For a strand that has not run, the findings say so plainly.
For a strand that has run, a missing expected table is an error, never skipped: the stage's
contract is broken and the findings would silently leave something out.

Every table and figure is read through :mod:`helpers.files`, so the findings' provenance lists
each with its SHA-256.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import files, paths, session
from helpers.files import InputError


@dataclass(frozen=True)
class Strand:
    key: str
    stage: str
    title: str
    tables: tuple[str, ...]  # expected in reports/tables/<name>.csv once the stage ran
    figures: tuple[str, ...] = ()  # expected in reports/figures/<name>.png once the stage ran


STRANDS: dict[str, Strand] = {
    s.key: s
    for s in (
        Strand(
            "literature",
            "01_literature_review",
            "Rapid literature review",
            ("prisma_counts", "literature_included_counts"),
            ("prisma_flow",),
        ),
        Strand(
            "survey",
            "02_survey_cleaning",
            "Survey cleaning",
            ("survey_flow", "survey_respondents_by_role", "survey_data_dictionary"),
            ("survey_flow",),
        ),
        Strand(
            "attitudes",
            "03_attitude_analysis",
            "Attitudes by role and against 2002",
            ("attitudes_by_role", "attitudes_then_vs_now", "attitudes_role_tests"),
            # Figures depend on the instrument (a battery, a published-figure mapping, items
            # outside batteries): notebook 05 shows each one it finds, or a note.
            (),
        ),
        Strand("focus_groups", "04_focus_group_themes", "Interviews and focus groups", ("themes_by_role",)),
    )
}

# Columns each table must have (the documented contract between the strands and the findings).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "attitudes_by_role": (
        "item",
        "group_type",
        "group",
        "n_valid",
        "n_agree",
        "pct_agree",
        "ci_low",
        "ci_high",
    ),
    "attitudes_role_tests": ("item", "p_holm"),
    "themes_by_role": ("theme", "role", "references", "participants"),
    "attitudes_then_vs_now": (
        "measure",
        "group",
        "published_year",
        "published_pct",
        "pct",
        "ci_low",
        "ci_high",
        "diff_pp",
        "diff_ci_low",
        "diff_ci_high",
        "p_value",
    ),
    "prisma_counts": ("data", "n"),
    "survey_flow": ("step", "excluded", "remaining"),
    "survey_respondents_by_role": ("role", "n"),
}


# Stages whose strand is absent from the data folder, as found by the last status(data_dir).
_ABSENT: dict[str, str] = {}


def provenance_path(stage: str) -> Path:
    return paths.reports(f"provenance/{stage}.json")


def table_path(name: str) -> Path:
    return paths.reports(f"tables/{name}.csv")


def figure_path(name: str) -> Path:
    return paths.reports(f"figures/{name}.png")


def has_run(strand: str | Strand) -> bool:
    strand = STRANDS[strand] if isinstance(strand, str) else strand
    return provenance_path(strand.stage).is_file()


def status(data_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per strand: whether it ran and which of its expected outputs exist; given the
    data folder, a strand whose input folder is absent from it is named as such (skipped).

    Raises :class:`InputError` for a strand that ran but lacks an expected table or figure.
    """
    absent = session.absent_stages(data_dir) if data_dir is not None else {}
    _ABSENT.clear()
    _ABSENT.update(absent)  # so that missing_note says "absent", not "not run yet"
    rows = []
    for strand in STRANDS.values():
        ran = has_run(strand)
        expected = [table_path(t) for t in strand.tables] + [figure_path(f) for f in strand.figures]
        missing = [p for p in expected if not p.is_file()]
        if ran and missing:
            raise InputError(
                missing[0],
                f"stage {strand.stage} ran (its provenance record exists) but this "
                f"expected output is missing; rerun `make {strand.key}`"
                + (f" (also missing: {', '.join(p.name for p in missing[1:])})" if missing[1:] else ""),
            )
        rows.append(
            {
                "strand": strand.title,
                "stage": strand.stage,
                "ran": ran,
                "outputs": f"{len(expected) - len(missing)} of {len(expected)}",
                "note": "outputs read"
                if ran
                else f"absent: the data folder has no {absent[strand.stage]}/ folder, so this strand is skipped"
                if strand.stage in absent
                else "not run yet: its findings are missing from this report",
            }
        )
    return pd.DataFrame(rows)


def read_csv(path: str | Path) -> pd.DataFrame:
    """A published CSV, read through helpers.files (noted for provenance). Empty cells are NaN;
    suppression markers and other text stay as they are."""
    path = Path(path)
    text = files.read_text(path).text
    try:
        return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, f"not a readable CSV table: {exc}") from exc


def read_table(name: str, strand: str | None = None) -> pd.DataFrame | None:
    """``reports/tables/<name>.csv``; None when its strand has not run (the caller says so).

    A table of a strand that ran must exist and have its documented columns."""
    path = table_path(name)
    owner = STRANDS.get(strand) if strand else next((s for s in STRANDS.values() if name in s.tables), None)
    if not path.is_file():
        if owner is not None and not has_run(owner):
            return None
        raise InputError(
            path, "expected table is missing" + (f" although stage {owner.stage} ran" if owner else "")
        )
    table = read_csv(path)
    need = REQUIRED_COLUMNS.get(name, ())
    absent = [c for c in need if c not in table.columns]
    if absent:
        raise InputError(path, f"missing documented column(s): {', '.join(absent)}", column=absent[0])
    return table


def missing_note(strand: str) -> str:
    """The plain sentence shown in place of a strand's findings when it has not run. An absent
    strand's sentence is read on the seminar deck too, so it names no folder or stage (the
    report's strand status table says which folder was missing)."""
    s = STRANDS[strand]
    if s.stage in _ABSENT:
        return (
            f"**{s.title}: not part of this run.** Its data were not supplied, so this section is "
            "empty; the findings use the strands present."
        )
    return (
        f"**{s.title}: not available.** Stage `{s.stage}` has not run on this data folder, so its "
        f"outputs are missing and this section is empty. Run `make {s.key}` (or `make all`)."
    )


# What each strand's findings are, as a sentence names them ("Not in this run: the survey results").
IN_WORDS = {
    "literature": "the rapid literature review",
    "survey": "the survey",
    "attitudes": "the survey results",
    "focus_groups": "the interviews and focus groups",
}


def absent(text: str, what: str, why: str = ""):
    """The note shown where the evidence of a section is not in this run: the report shows
    ``text``; the seminar deck (helpers.slides) drops a slide that has nothing else to show and
    names ``what`` (``why``) once instead, on its title and closing slides (output metadata
    ``deck.absent``)."""
    from IPython.display import Markdown

    return Markdown(text, metadata={"deck": {"absent": {"what": what, "why": why}}})


def missing(strand: str):
    """:func:`missing_note` of ``strand``, marked as absent for the deck (:func:`absent`)."""
    why = "its data were not supplied" if STRANDS[strand].stage in _ABSENT else "its stage has not run"
    return absent(missing_note(strand), IN_WORDS[strand], why)
