"""The codebook: a YAML file that declares every survey variable the analysis uses.

The codebook is the contract between the platform export and the analysis. It says, for each
variable, which export column holds it, what its codes mean, which answers are substantive, and
how items group into batteries and multi-item scales. Nothing is inferred from the data: a
Likert order is never guessed from codes (real exports use recode values such as 9, 2, 4 ...).
See README.md, "The survey codebook", for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import files
from helpers.files import InputError

VARIABLE_TYPES = {
    "categorical",
    "ordinal",
    "likert",
    "role",
    "consent",
    "text",
    "number",
    "identifier",
    "multiple",
}
# Types whose answer may be declared over several 0/1 columns, one per code (``columns:``).
ONE_HOT_TYPES = {"categorical", "ordinal", "likert", "role", "consent"}
METADATA_FIELDS = {"response_id", "status", "progress", "finished", "duration", "started", "ended"}
ROLE_GROUPS = ["Chief executive", "Medical director", "Clinical director", "Directorate manager", "Other"]
# Derived groupings of the four role groups, as the 2002 and 2015 surveys reported them.
PROFESSION = {
    "Chief executive": "Manager",
    "Medical director": "Doctor",
    "Clinical director": "Doctor",
    "Directorate manager": "Manager",
}
LEVEL = {
    "Chief executive": "Board",
    "Medical director": "Board",
    "Clinical director": "Directorate",
    "Directorate manager": "Directorate",
}


@dataclass(frozen=True)
class Scale:
    """A response scale: substantive levels in order, non-substantive answers apart."""

    name: str
    levels: dict[str, str]  # code -> label, in scale order (low to high)
    non_substantive: dict[str, str]  # code -> label ("Don't know", ...): counted, never in %
    positive: tuple[str, ...]  # labels counted as agreement / positive

    @property
    def labels(self) -> list[str]:
        return list(self.levels.values())


@dataclass(frozen=True)
class Variable:
    name: str
    source: str
    type: str
    question: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # code -> label
    non_substantive: dict[str, str] = field(default_factory=dict)  # code -> label
    scale: Scale | None = None
    battery: str | None = None
    reverse: bool = False
    other_text: str | None = None  # role: the "Other, please specify" text column
    other_code: str | None = None  # role: the code of the "Other" choice
    consent_code: str | None = None  # consent: the code that means consent given
    ordered: bool = False
    required: bool = False  # counts towards the answered share when the export has no progress
    short_label: str = ""  # optional: the question in a few words, where space is tight (deck, axes)
    # code -> its 0/1 column: a single answer spread over one column per code (JISC grids), or
    # the options of a multiple-response question; empty when the answer is in ``source``.
    columns: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None  # multiple response in one cell: the codes' separator
    # role: code -> the study's role group, where ``labels`` hold the export's own wording
    # ("Consultant", "Chief Executive Officer"); empty when the labels are the groups
    groups: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The question text (the variable name when the codebook gives none)."""
        return self.question or self.name

    @property
    def short(self) -> str:
        """The short label where the codebook gives one, else the question text."""
        return self.short_label or self.label

    @property
    def one_hot(self) -> bool:
        """A single answer declared over several 0/1 columns (decoded into ``source``)."""
        return bool(self.columns) and self.type != "multiple"

    @property
    def value_labels(self) -> dict[str, str]:
        """Every code -> label the column may hold (substantive first)."""
        if self.scale is not None:
            return {**self.scale.levels, **self.scale.non_substantive}
        return {**self.labels, **self.non_substantive}

    @property
    def substantive_labels(self) -> list[str]:
        return self.scale.labels if self.scale is not None else list(self.labels.values())

    @property
    def non_substantive_labels(self) -> list[str]:
        source = self.scale.non_substantive if self.scale is not None else self.non_substantive
        return list(source.values())


@dataclass(frozen=True)
class RoleRule:
    pattern: re.Pattern
    role: str


@dataclass(frozen=True)
class MultiItemScale:
    name: str
    label: str
    items: tuple[str, ...]
    reverse: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """Which item measures a published figure (data/reference/published_figures.csv) and which
    of its levels count (labels, in scale order)."""

    measure: str
    item: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Codebook:
    path: Path
    title: str
    export: str | None
    platform: str | None
    synthetic: bool
    metadata: dict[str, str]
    identifiers: dict[str, str]  # name (e.g. email) -> export column; used, then dropped
    missing_codes: tuple[str, ...]
    scales: dict[str, Scale]
    variables: dict[str, Variable]
    role_rules: tuple[RoleRule, ...]
    multi_item_scales: dict[str, MultiItemScale]
    # Background variables of the ordinal models: name -> label used in text (optional).
    covariates: dict[str, str] = field(default_factory=dict)
    # Published measure -> the item and levels that measure it here (optional).
    published_comparison: dict[str, Comparison] = field(default_factory=dict)
    # Likert items shown as the findings' headline figures (optional).
    headline_items: tuple[str, ...] = ()
    # strftime format of the export's dates (survey.date_format); None: the platform's own.
    date_format: str | None = None
    # The export's declared text encoding (survey.encoding); it wins over detection (decisions 5).
    encoding: str | None = None
    # Export column of the organisation identifier (design.organisation): the primary sampling
    # unit of the design-based analysis; kept apart from the clean data, never published.
    organisation: str | None = None
    # The study's name as the deck's and the landing page's title (survey.study_title, optional;
    # without it the survey's own title is used: :func:`study_title`).
    study_title: str = ""

    def of_type(self, *types: str) -> list[Variable]:
        return [v for v in self.variables.values() if v.type in types]

    @property
    def likert_items(self) -> list[Variable]:
        return self.of_type("likert")

    def battery(self, name: str) -> list[Variable]:
        return [v for v in self.likert_items if v.battery == name]

    @property
    def batteries(self) -> list[str]:
        return sorted({v.battery for v in self.likert_items if v.battery})

    @property
    def role(self) -> Variable:
        roles = self.of_type("role")
        return roles[0]

    def source_columns(self) -> list[str]:
        """Every export column the codebook reads (variables, metadata, identifiers)."""
        cols = [c for v in self.variables.values() for c in (list(v.columns.values()) or [v.source])]
        cols += [v.other_text for v in self.variables.values() if v.other_text]
        cols += list(self.metadata.values()) + list(self.identifiers.values())
        cols += [self.organisation] if self.organisation else []
        return list(dict.fromkeys(cols))


def _codes(mapping: Any, where: str, path: Path) -> dict[str, str]:
    if mapping is None:
        return {}
    if not isinstance(mapping, dict) or not mapping:
        raise InputError(path, f"{where}: expected a mapping of code: label")
    out = {}
    for code, label in mapping.items():
        key = _code_text(code)
        if key in out:
            raise InputError(path, f"{where}: code listed twice", value=code)
        out[key] = str(label)
    labels = list(out.values())
    if len(set(labels)) != len(labels):
        raise InputError(path, f"{where}: a label is used for two codes", value=labels)
    return out


def _code_text(code: Any) -> str:
    """Codes compare as the text an export holds: 1, 1.0 and '1' are all '1'."""
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    return str(code).strip()


def load_codebook(path: str | Path, *, require_role: bool = True) -> Codebook:
    """Read and check a codebook YAML; errors name the codebook file and the entry.

    ``require_role=False`` accepts a codebook with no role variable yet: ``make check`` reads a
    drafted codebook whose role is still a TODO decision (helpers.survey.codebook_draft)."""
    path = Path(path)
    raw = files.load_yaml(path)  # safe: repeated keys, aliases and size limited
    if not isinstance(raw, dict) or "variables" not in raw:
        raise InputError(path, "expected a mapping with a 'variables' section")
    from helpers.survey.codebook_schema import validate

    validate(raw, path)  # the shape first (type slips named by key), then the meaning below
    survey = raw.get("survey") or {}
    from helpers.survey.readers import PLATFORMS  # the formats the readers know

    if survey.get("platform") is not None and survey["platform"] not in PLATFORMS:
        raise InputError(
            path,
            f"survey.platform must be one of {sorted(PLATFORMS)} (or left out to detect it)",
            value=survey["platform"],
        )

    scales = {}
    for name, spec in (raw.get("scales") or {}).items():
        spec = spec or {}
        levels = _codes(spec.get("levels"), f"scale {name!r} levels", path)
        non_sub = _codes(spec.get("non_substantive"), f"scale {name!r} non_substantive", path)
        if set(levels) & set(non_sub):
            raise InputError(
                path,
                f"scale {name!r}: a code is both substantive and non-substantive",
                value=sorted(set(levels) & set(non_sub)),
            )
        positive = [_code_text(c) for c in spec.get("positive", [])]
        unknown = [c for c in positive if c not in levels]
        if unknown:
            raise InputError(path, f"scale {name!r}: positive codes not among its levels", value=unknown)
        top = list(levels)[len(levels) - len(positive) :] if positive else []
        if sorted(positive) != sorted(top):  # the charts and the "rate positive" figures assume it
            raise InputError(
                path,
                f"scale {name!r}: positive codes must be its top levels (levels run low to high; "
                f"the charts assume it): the top {len(positive)} are {top}. Put a level above them "
                "among the positive codes or below them in levels, or make it non_substantive",
                value=positive,
            )
        scales[name] = Scale(name, levels, non_sub, tuple(levels[c] for c in positive))

    variables = {}
    for name, spec in raw["variables"].items():
        if not isinstance(spec, dict) or ("source" not in spec and "columns" not in spec):
            raise InputError(path, f"variable {name!r}: needs at least 'source' (or 'columns') and 'type'")
        vtype = spec.get("type")
        if vtype not in VARIABLE_TYPES:
            raise InputError(
                path, f"variable {name!r}: type must be one of {sorted(VARIABLE_TYPES)}", value=vtype
            )
        scale = None
        if vtype == "likert":
            if spec.get("scale") not in scales:
                raise InputError(
                    path,
                    f"variable {name!r}: likert items need a 'scale' declared under scales",
                    value=spec.get("scale"),
                )
            scale = scales[spec["scale"]]
        labels = _codes(spec.get("labels"), f"variable {name!r} labels", path)
        if vtype in {"categorical", "ordinal", "role", "consent", "multiple"} and not labels:
            raise InputError(path, f"variable {name!r}: {vtype} variables need 'labels'")
        groups = _groups(spec, vtype, name, labels, path)
        if vtype == "role" and not groups:
            unknown = sorted(set(labels.values()) - set(ROLE_GROUPS))
            if unknown:
                raise InputError(
                    path,
                    f"variable {name!r}: role labels must be among {ROLE_GROUPS} (or keep the export's "
                    "wording as labels and map each code to a group under `groups`)",
                    value=unknown,
                )
        consent_code = _code_text(spec["consent_code"]) if "consent_code" in spec else None
        if vtype == "consent" and consent_code not in labels:
            raise InputError(
                path,
                f"variable {name!r}: consent_code must be one of its labels' codes",
                value=spec.get("consent_code"),
            )
        columns = _columns(spec, vtype, name, labels, scale, path)
        variables[name] = Variable(
            name=name,
            source=str(spec["source"]) if "source" in spec else f"[{name}]",
            type=vtype,
            question=str(spec.get("question", "")),
            labels=labels,
            non_substantive=_codes(spec.get("non_substantive"), f"variable {name!r} non_substantive", path),
            scale=scale,
            battery=spec.get("battery"),
            reverse=bool(spec.get("reverse", False)),
            other_text=spec.get("other_text"),
            other_code=_code_text(spec["other_code"]) if "other_code" in spec else None,
            consent_code=consent_code,
            ordered=(vtype == "ordinal"),
            required=bool(spec.get("required", False)),
            short_label=str(spec.get("short_label", "")),
            columns=columns,
            delimiter=str(spec.get("delimiter", ",")) if vtype == "multiple" and not columns else None,
            groups=groups,
        )
    roles = [name for name, v in variables.items() if v.type == "role"]
    if len(roles) > 1 or (require_role and not roles):
        raise InputError(path, "exactly one variable must have type 'role'", value=roles)
    sources = [c for v in variables.values() for c in (list(v.columns.values()) or [v.source])]
    dupes = sorted({s for s in sources if sources.count(s) > 1})
    if dupes:
        raise InputError(path, "two variables read the same export column", value=dupes)

    metadata = {str(k): str(v) for k, v in (raw.get("metadata") or {}).items()}
    unknown_meta = sorted(set(metadata) - METADATA_FIELDS)
    if unknown_meta:
        raise InputError(path, f"metadata fields must be among {sorted(METADATA_FIELDS)}", value=unknown_meta)

    rules = []
    for i, rule in enumerate(raw.get("role_rules") or [], start=1):
        if not isinstance(rule, dict) or rule.get("role") not in ROLE_GROUPS or "pattern" not in rule:
            raise InputError(
                path, f"role_rules entry {i}: needs 'pattern' and a 'role' among {ROLE_GROUPS}", value=rule
            )
        pattern = files.compile_rule(rule["pattern"], path, f"role_rules entry {i}")  # RE2: linear time
        rules.append(RoleRule(pattern, rule["role"]))

    multi = {}
    for name, spec in (raw.get("multi_item_scales") or {}).items():
        items = tuple(spec.get("items", []))
        reverse = tuple(spec.get("reverse", []))
        missing = [i for i in items + reverse if i not in variables or variables[i].type != "likert"]
        if missing or len(items) < 2 or not set(reverse) <= set(items):
            raise InputError(
                path,
                f"multi_item_scales {name!r}: items must be two or more likert variables, reverse a subset of them",
                value=missing or list(reverse),
            )
        multi[name] = MultiItemScale(name, str(spec.get("label") or humanised(name)), items, reverse)

    covariates = _covariates(raw.get("covariates"), variables, path)
    comparison = _published_comparison(raw.get("published_comparison"), variables, path)
    headline_items = tuple(str(i) for i in raw.get("headline_items") or [])
    bad = [i for i in headline_items if i not in variables or variables[i].type != "likert"]
    if bad:
        raise InputError(path, "headline_items: each must be a likert variable of the codebook", value=bad)

    return Codebook(
        path=path,
        title=str(survey.get("title", "")),
        export=survey.get("export"),
        platform=survey.get("platform"),
        synthetic=bool(survey.get("synthetic", False)),
        metadata=metadata,
        identifiers={str(k): str(v) for k, v in (raw.get("identifiers") or {}).items()},
        missing_codes=tuple(_code_text(c) for c in survey.get("missing_codes") or []),
        scales=scales,
        variables=variables,
        role_rules=tuple(rules),
        multi_item_scales=multi,
        covariates=covariates,
        published_comparison=comparison,
        headline_items=headline_items,
        date_format=str(survey["date_format"]) if survey.get("date_format") else None,
        encoding=str(survey["encoding"]) if survey.get("encoding") else None,
        organisation=str((raw.get("design") or {}).get("organisation") or "") or None,
        study_title=str(survey.get("study_title") or ""),
    )


def codebook_of(data_dir: str | Path) -> Codebook | None:
    """The survey codebook of a data folder, for the words of the landing page and the deck;
    None when the folder has none or it cannot be read (the survey stages report that: a title
    or a phrase is no reason to fail)."""
    path = Path(data_dir) / "survey" / "codebook.yaml"
    if not path.is_file():
        return None
    try:
        return load_codebook(path)
    except InputError:
        return None


def study_title(data_dir: str | Path) -> str:
    """The title of the deck and the landing page: the survey codebook's ``survey.study_title``,
    else its ``survey.title``; "" when the data folder has no readable survey codebook (the
    callers then use words of their own, never the demonstration study's name)."""
    codebook = codebook_of(data_dir)
    return (codebook.study_title or codebook.title) if codebook else ""


def _groups(spec: dict, vtype: str, name: str, labels: dict[str, str], path: Path) -> dict[str, str]:
    """``groups: {code: study role group}``: the role's answers worded as the export words
    them (``labels``), each code mapped to one of the study's groups (several codes may share
    a group)."""
    if "groups" not in spec:
        return {}
    where = f"variable {name!r} groups"
    if vtype != "role":
        raise InputError(path, f"{where}: only the role variable maps its answers to groups")
    out = {_code_text(code): str(group) for code, group in spec["groups"].items()}
    unknown = sorted({g for g in out.values() if g not in ROLE_GROUPS})
    if unknown:
        raise InputError(path, f"{where}: each must be one of {ROLE_GROUPS}", value=unknown)
    if set(out) != set(labels):
        raise InputError(
            path,
            f"{where}: give a group for each code of its labels, and no other code",
            value=sorted(set(out) ^ set(labels)),
        )
    return out


def _columns(
    spec: dict, vtype: str, name: str, labels: dict, scale: Scale | None, path: Path
) -> dict[str, str]:
    """``columns: {code: export column}``: a single answer over one 0/1 column per code (types
    in ONE_HOT_TYPES) or the options of a multiple-response question; each code must be one
    the variable declares, and a variable has ``source`` or ``columns``, not both."""
    if "columns" not in spec:
        return {}
    where = f"variable {name!r} columns"
    if "source" in spec:
        raise InputError(path, f"variable {name!r}: give 'source' or 'columns', not both")
    if vtype not in ONE_HOT_TYPES | {"multiple"}:
        raise InputError(
            path,
            f"{where}: only {', '.join(sorted(ONE_HOT_TYPES | {'multiple'}))} variables can have columns",
        )
    mapping = spec["columns"]
    if not isinstance(mapping, dict) or len(mapping) < 2:
        raise InputError(path, f"{where}: expected a mapping of code: export column, two or more")
    out = {_code_text(code): str(column) for code, column in mapping.items()}
    known = {**scale.levels, **scale.non_substantive} if scale is not None else labels
    unknown = [c for c in out if c not in known]
    if unknown:
        raise InputError(
            path, f"{where}: codes not among the variable's codes ({', '.join(known)})", value=unknown
        )
    if len(set(out.values())) != len(out):
        raise InputError(path, f"{where}: a column is given for two codes", value=list(out.values()))
    return out


COVARIATE_TYPES = {"categorical", "ordinal", "number"}


def humanised(code: str) -> str:
    """A code as words, for a reader: 'working_relationship' -> 'Working relationship' (the
    label of a multi-item scale the codebook gives no ``label``)."""
    words = " ".join(str(code).replace("_", " ").split())
    return words[:1].upper() + words[1:]


def _covariates(spec: Any, variables: dict[str, Variable], path: Path) -> dict[str, str]:
    """``covariates: [nation, ...]`` or ``{nation: "nation", years_in_role: "years in role"}``
    (name -> the label the summary sentences use)."""
    if spec is None:
        return {}
    if isinstance(spec, list):
        spec = {str(name): str(name).replace("_", " ") for name in spec}
    out = {str(k): str(v) for k, v in spec.items()}
    bad = [n for n in out if n not in variables or variables[n].type not in COVARIATE_TYPES]
    if bad:
        raise InputError(
            path,
            f"covariates: each must be a variable of type {' or '.join(sorted(COVARIATE_TYPES))}",
            value=bad,
        )
    return out


def _published_comparison(spec: Any, variables: dict[str, Variable], path: Path) -> dict[str, Comparison]:
    """``published_comparison: {measure: {item: <likert variable>, levels: [codes counted]}}``."""
    out = {}
    for measure, entry in (spec or {}).items():
        where = f"published_comparison {measure!r}"
        item = variables.get(str(entry.get("item")))
        if item is None or item.type != "likert":
            raise InputError(path, f"{where}: 'item' must be a likert variable", value=entry.get("item"))
        codes = [_code_text(c) for c in entry.get("levels") or []]
        unknown = [c for c in codes if c not in item.scale.levels]
        if not codes or unknown:
            raise InputError(
                path,
                f"{where}: 'levels' must list codes of scale {item.scale.name!r} "
                f"({', '.join(item.scale.levels)})",
                value=unknown or codes,
            )
        order = list(item.scale.levels)
        codes = sorted(codes, key=order.index)
        out[str(measure)] = Comparison(str(measure), item.name, tuple(item.scale.levels[c] for c in codes))
    return out
