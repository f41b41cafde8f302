"""The analyst's decisions: the TODO lines still in a codebook (``make check`` reports each),
and a short file of decisions applied to a draft (the demo's route from .qsf to codebook)."""

from __future__ import annotations

from pathlib import Path

from helpers import files
from helpers.survey.codebook_draft.model import TODO_RE


def pending_decisions(codebook_path: Path) -> list[str]:
    """Every line of a codebook still marked TODO, as ``<file> line N: <comment>``."""
    text = files.read_text(codebook_path).text
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = TODO_RE.search(line)
        if match:
            comment = match.group(0).lstrip("#").strip()
            found.append(f"{Path(codebook_path).name} line {number}: decision still to make: {comment}")
    return found


def apply_decisions(draft_text: str, decisions: dict) -> dict:
    """The draft (YAML text) with a short file of the analyst's decisions applied; returns the
    codebook as a mapping (dump it with yaml.safe_dump). Decisions, all optional:

    ``survey`` (keys merged), ``new_scales`` {name: {from: <draft variable>, positive: [...]}}
    (a scale made from a single-answer question's choices), ``scales`` {draft name: {name:
    <new name>, positive: [...], ...}}, ``batteries`` {draft name: new name}, ``drop`` [draft
    variables], ``variables`` {draft name: {name: <new name>, <key>: <value or null to remove>}},
    and whole sections copied as given: ``metadata``, ``identifiers``, ``role_rules``,
    ``multi_item_scales``, ``covariates``, ``published_comparison``, ``headline_items``.
    """
    import yaml

    raw = yaml.safe_load(draft_text)
    raw["survey"] = {**(raw.get("survey") or {}), **(decisions.get("survey") or {})}
    raw["scales"] = raw.get("scales") or {}
    variables = raw.get("variables") or {}
    for name, spec in (decisions.get("new_scales") or {}).items():
        source = variables[spec["from"]]
        scale = {"levels": source.get("labels")}
        if source.get("non_substantive"):
            scale["non_substantive"] = source["non_substantive"]
        scale.update({k: v for k, v in spec.items() if k != "from"})
        raw["scales"][name] = scale
    for old, spec in (decisions.get("scales") or {}).items():
        spec = dict(spec)
        new = spec.pop("name", old)
        scale = raw["scales"].pop(old)
        scale.update(spec)
        raw["scales"][new] = scale
        for var in variables.values():
            if var.get("scale") == old:
                var["scale"] = new
    for old, new in (decisions.get("batteries") or {}).items():
        for var in variables.values():
            if var.get("battery") == old:
                var["battery"] = new
    for name in decisions.get("drop") or []:
        del variables[name]
    overrides = decisions.get("variables") or {}
    renamed = {}
    for name, spec in variables.items():
        over = dict(overrides.get(name) or {})
        new = over.pop("name", name)
        spec.update(over)
        renamed[new] = {k: v for k, v in spec.items() if v is not None}
    raw["variables"] = renamed
    for key in (
        "metadata",
        "identifiers",
        "role_rules",
        "multi_item_scales",
        "covariates",
        "published_comparison",
        "headline_items",
    ):
        if key in decisions:
            raw[key] = decisions[key]
    return raw
