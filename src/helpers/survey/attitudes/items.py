"""Items, scales and role groups of the attitude analysis, taken from the codebook."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import files

ROLES = ["Chief executive", "Medical director", "Clinical director", "Directorate manager"]


OTHER_ROLE = "Other"


ALL = "All respondents"


GROUP_TYPES = ("all", "role", "profession", "level")


# Published totals across the groups of one item (disclosure row equations): total = parts.
HIERARCHY = [
    (("profession", "Doctor"), [("role", "Medical director"), ("role", "Clinical director")]),
    (("profession", "Manager"), [("role", "Chief executive"), ("role", "Directorate manager")]),
    (("level", "Board"), [("role", "Chief executive"), ("role", "Medical director")]),
    (("level", "Directorate"), [("role", "Clinical director"), ("role", "Directorate manager")]),
]


@dataclass(frozen=True)
class Item:
    """A Likert item: its question, substantive levels (low to high) and the levels counted as
    agreement/positive."""

    name: str
    question: str
    levels: tuple[str, ...]
    positive: tuple[str, ...]
    battery: str | None = None
    reverse: bool = False

    def __post_init__(self):
        if not set(self.positive) <= set(self.levels):
            raise ValueError(
                f"item {self.name!r}: positive levels {list(self.positive)} not among its levels"
            )
        if len(self.levels) < 2:
            raise ValueError(f"item {self.name!r}: expected at least 2 levels, got {len(self.levels)}")


@dataclass(frozen=True)
class Scale:
    name: str
    label: str
    items: tuple[str, ...]
    reverse: tuple[str, ...] = ()


def items_from_codebook(codebook) -> dict[str, Item]:
    """Item metadata from :func:`helpers.survey.codebook.load_codebook`'s Codebook."""
    return {
        v.name: Item(v.name, v.question, tuple(v.scale.labels), tuple(v.scale.positive), v.battery, v.reverse)
        for v in codebook.likert_items
    }


def scales_from_codebook(codebook) -> dict[str, Scale]:
    return {
        s.name: Scale(s.name, s.label, tuple(s.items), tuple(s.reverse))
        for s in codebook.multi_item_scales.values()
    }


def batteries(items: Mapping[str, Item]) -> dict[str, list[str]]:
    """Battery name -> its items (codebook order), batteries in the order they first appear."""
    out: dict[str, list[str]] = {}
    for name, item in items.items():
        if item.battery:
            out.setdefault(item.battery, []).append(name)
    return out


def single_items(items: Mapping[str, Item]) -> list[str]:
    """Likert items that belong to no battery (each gets its own chart by role)."""
    return [name for name, item in items.items() if not item.battery]


def battery_figure_name(battery: str, items: Mapping[str, Item]) -> str:
    """File name of a battery's chart: the first battery's is ``attitudes_battery_by_role``
    (the findings show it), the others' ``attitudes_battery_<name>_by_role``."""
    first = next(iter(batteries(items)), None)
    return "attitudes_battery_by_role" if battery == first else f"attitudes_battery_{battery}_by_role"


def battery_title(battery: str) -> str:
    return f"{battery.replace('_', ' ').capitalize()}: statements by role group"


def section_note(section: str, items: Mapping[str, Item], scales: Mapping | None = None) -> str | None:
    """Why a section of notebook 03 is skipped for this instrument (Markdown), None when it runs.

    ``section``: ``batteries`` (needs a Likert item with ``battery``), ``single_items`` (needs a
    Likert item without one), ``scales`` (needs ``multi_item_scales``), ``items`` (any Likert item)."""
    needs = {
        "items": (bool(items), "the codebook declares no `likert` variables"),
        "batteries": (bool(batteries(items)), "no Likert item has a `battery`"),
        "single_items": (bool(single_items(items)), "every Likert item belongs to a battery"),
        "scales": (bool(scales), "the codebook has no `multi_item_scales` section"),
    }
    ok, why = needs[section]
    if not items and section in ("batteries", "single_items"):
        why = needs["items"][1]  # not "no item has a battery" and "every item has one" at once
    return None if ok else f"*Skipped for this instrument: {why}.*"


def covariates_from_codebook(codebook) -> dict[str, str]:
    """The ordinal models' background variables (name -> wording), as the codebook declares
    them under ``covariates`` (none when it declares none)."""
    return dict(codebook.covariates)


def load_clean(path: str | Path) -> pd.DataFrame:
    """The clean survey data, read through helpers.files so provenance lists it."""
    return pd.read_parquet(io.BytesIO(files.read_bytes(path)))


def _groups(clean: pd.DataFrame) -> list[tuple[str, str, pd.Series]]:
    """(group_type, group, mask) for every group reported: all, the role groups (Other only
    when someone is in it), doctor/manager, board/directorate."""
    out = [("all", ALL, pd.Series(True, index=clean.index))]
    for role in [*ROLES, OTHER_ROLE]:
        mask = clean["role"].astype(object) == role
        if role in ROLES or mask.any():
            out.append(("role", role, mask))
    for gtype, values in (("profession", ["Doctor", "Manager"]), ("level", ["Board", "Directorate"])):
        for value in values:
            out.append((gtype, value, clean[gtype].astype(object) == value))
    return out


def level_columns(k: int) -> list[str]:
    return [f"n_{i}" for i in range(1, k + 1)]


def item_codes(values: pd.Series, levels: Sequence[str], name: str) -> np.ndarray:
    """Integer codes of an item's substantive levels, low to high (-1: no substantive answer)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and list(values.cat.categories) == list(levels):
        return np.asarray(values.cat.codes)
    values = values.astype(object)
    stray = values.notna() & ~values.isin(list(levels))
    if stray.any():
        unknown = sorted(set(values[stray].astype(str)))
        raise ValueError(f"item {name!r}: values not among its substantive levels: {', '.join(unknown)}")
    return np.asarray(pd.Categorical(values, categories=list(levels)).codes)
