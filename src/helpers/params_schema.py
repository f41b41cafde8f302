"""The schema of params.yaml, checked (pydantic v2) before any stage uses a parameter.

A careless edit must stop the run with a message naming the file and the key, never be read as
something else: ``exclude_speeders: "no"`` is a string, not false (Python's ``bool("no")`` is
True); ``min_count: five`` is not a number. Types are strict (no string-to-number or
string-to-boolean coercion). Keys this schema does not know are allowed, so that a section
added by another part of the pipeline does not break older checks; the keys it knows must have
the right type. Paths given in params (``literature.folder``, ``findings.mapping_file``) must
be relative names inside the data folder.
"""

from __future__ import annotations

import datetime
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError
from pydantic.functional_validators import AfterValidator

Fraction = Annotated[float, Field(strict=True, ge=0, le=1)]
Percent = Annotated[float, Field(strict=True, ge=0, le=100)]
Count = Annotated[StrictInt, Field(ge=0)]
Positive = Annotated[StrictInt, Field(ge=1)]


def _inside_data_folder(value: str) -> str:
    pure = PurePosixPath(value.replace("\\", "/"))
    if pure.is_absolute() or value.startswith("~") or (len(value) > 1 and value[1] == ":"):
        raise ValueError("must be a path relative to the data folder, not an absolute path")
    if ".." in pure.parts:
        raise ValueError("must stay inside the data folder ('..' is not allowed)")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


DataPath = Annotated[StrictStr, AfterValidator(_inside_data_folder)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Disclosure(_Section):
    rule: Literal["threshold", "nhs"] = "threshold"
    min_count: Positive = 5
    marker: StrictStr = "*"


class Survey(_Section):
    drop_status: list[StrictStr | StrictInt] = []
    require_consent: StrictBool = True
    min_progress: Percent = 80
    exclude_unclassified_role: StrictBool = True
    duplicate_keys: list[StrictStr] = []
    speeder_fraction: Fraction = 0.33
    exclude_speeders: StrictBool = False
    straightline_min_items: Positive = 8
    exclude_straightliners: StrictBool = False
    duplicate_answers_min_items: Positive = 10
    exclude_duplicate_answers: StrictBool = False


class Qualitative(_Section):
    primary_coder: StrictStr | None = None
    min_role_size: Positive = 2
    coarsen: dict[StrictStr, StrictStr] = {}
    fallback_label: StrictStr = "participant"
    quotes_per_theme: Count = 3
    quote_max_chars: Positive = 300
    excerpts_per_cell: Count = 2
    excerpt_max_chars: Positive = 120
    stop_list: list[StrictStr] = []


class Dedup(_Section):
    fuzzy_title_threshold: Percent = 95
    doi_title_min: Percent = 60
    year_tolerance: Count = 1
    min_title_length: Count = 20


class Literature(_Section):
    folder: DataPath = "literature"
    dedup: Dedup = Dedup()
    fulltext_exclusion_reasons: list[StrictStr] | None = None
    kappa_alpha: Annotated[float, Field(strict=True, gt=0, lt=1)] = 0.05


class Findings(_Section):
    mapping_file: DataPath | None = None
    headline_items: list[StrictStr] = []


class Params(_Section):
    data_dir: StrictStr | None = None
    seed: StrictInt | None = None
    # The date the tables' source note gives for the data (e.g. the survey's close); without it,
    # the latest response in the survey export's metadata, else the input files' dates.
    # One date (the survey's), or one per strand: {literature: ..., survey: ..., focus_groups: ...}.
    data_date: (
        StrictStr
        | datetime.date
        | dict[Literal["literature", "survey", "focus_groups"], StrictStr | datetime.date]
        | None
    ) = None
    disclosure: Disclosure | None = None
    survey: Survey | None = None
    qualitative: Qualitative | None = None
    literature: Literature | None = None
    findings: Findings | None = None


def _expected(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    plain = {
        "bool_type": "true or false (unquoted)",
        "int_type": "a whole number",
        "float_type": "a number",
        "string_type": "text",
        "list_type": "a list",
        "dict_type": "a mapping",
        "model_type": "a mapping",
        "literal_error": f"one of {ctx.get('expected', '')}",
        "greater_than_equal": f"a number >= {ctx.get('ge')}",
        "less_than_equal": f"a number <= {ctx.get('le')}",
        "greater_than": f"a number > {ctx.get('gt')}",
        "less_than": f"a number < {ctx.get('lt')}",
    }
    if kind in plain:
        return "expected " + plain[kind]
    return error["msg"].removeprefix("Value error, ")


def problems(params: dict) -> list[tuple[str, str, object]]:
    """Every schema problem of ``params``: (dotted key, what is expected, value found)."""
    try:
        Params.model_validate(params)
    except ValidationError as exc:
        out = []
        for error in exc.errors():
            loc = [str(part) for part in error["loc"] if not str(part).startswith("function-")]
            # A union's alternatives repeat the location with the type name: keep the key.
            loc = [p for p in loc if p not in ("str", "int", "bool", "float", "constrained-str")]
            out.append((".".join(loc), _expected(error), error.get("input")))
        seen, unique = set(), []
        for key, expected, value in out:
            if key not in seen:
                seen.add(key)
                unique.append((key, expected, value))
        return unique
    return []


def validate(params: dict, path: str | Path) -> None:
    """Raise :class:`helpers.config.ConfigError` naming the file, the key and the value for
    the first problem (all of them are listed)."""
    found = problems(params)
    if found:
        from helpers.config import ConfigError

        lines = [f"{path}, key {key}: {expected} (found {value!r})" for key, expected, value in found]
        raise ConfigError("; ".join(lines))
