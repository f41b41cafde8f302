"""The codebook's shape, checked with JSON Schema before its meaning is checked.

:func:`validate` runs first in :func:`helpers.survey.codebook.load_codebook`: it catches type
slips (``export`` given as a list, ``scales`` written as a list, ``positive: 1`` instead of a
list, a misspelt section name) with a message naming the codebook file and the key path
(``scales.agree5.positive``), instead of a confusing error deeper in. The meaning (codes among
a scale's levels, one role variable, items that exist) is checked by ``load_codebook`` itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import imports
from helpers.files import InputError

_SCALAR = {"type": ["string", "integer", "number", "boolean"]}
_CODES = {  # code: label
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {"type": ["string", "integer", "number", "boolean"]},
}
_NAMES = {"type": "array", "items": {"type": "string"}}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["variables"],
    "additionalProperties": False,
    "properties": {
        "survey": {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "study_title": {"type": "string"},
                "export": {"type": "string"},
                "platform": {"type": ["string", "null"]},
                "synthetic": {"type": "boolean"},
                "missing_codes": {"type": "array", "items": _SCALAR},
                "date_format": {"type": "string"},
                "encoding": {"type": "string"},
            },
        },
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "identifiers": {"type": "object", "additionalProperties": {"type": "string"}},
        "design": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"organisation": {"type": "string"}},
        },
        "scales": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["levels"],
                "additionalProperties": False,
                "properties": {
                    "levels": _CODES,
                    "non_substantive": _CODES,
                    "positive": {"type": "array", "items": _SCALAR},
                },
            },
        },
        "variables": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["type"],
                "anyOf": [{"required": ["source"]}, {"required": ["columns"]}],
                "properties": {
                    "source": {"type": ["string", "integer"]},
                    "columns": {
                        "type": "object",
                        "minProperties": 2,
                        "additionalProperties": {"type": ["string", "integer"]},
                    },
                    "delimiter": {"type": "string", "minLength": 1},
                    "type": {"type": "string"},
                    "question": {"type": "string"},
                    "short_label": {"type": "string", "minLength": 1, "maxLength": 60},
                    "labels": _CODES,
                    "groups": _CODES,
                    "non_substantive": _CODES,
                    "scale": {"type": "string"},
                    "battery": {"type": "string"},
                    "reverse": {"type": "boolean"},
                    "other_text": {"type": "string"},
                    "other_code": _SCALAR,
                    "consent_code": _SCALAR,
                    "required": {"type": "boolean"},
                },
            },
        },
        "role_rules": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["pattern", "role"],
                "properties": {"pattern": {"type": "string"}, "role": {"type": "string"}},
            },
        },
        "multi_item_scales": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["items"],
                "additionalProperties": False,
                "properties": {"label": {"type": "string"}, "items": _NAMES, "reverse": _NAMES},
            },
        },
        "covariates": {
            "oneOf": [_NAMES, {"type": "object", "additionalProperties": {"type": "string"}}],
        },
        "published_comparison": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["item", "levels"],
                "additionalProperties": False,
                "properties": {"item": {"type": "string"}, "levels": {"type": "array", "items": _SCALAR}},
            },
        },
        "headline_items": _NAMES,
    },
}

_TYPE_WORDS = {
    "object": "a mapping (key: value)",
    "array": "a list ([a, b])",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def _expected(error) -> str:
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return "expected " + " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
    if error.validator == "required":
        return error.message.replace("'", "`").replace(" is a required property", " is required here")
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known)) if isinstance(error.instance, dict) else []
        return f"unknown key(s) {', '.join(map(repr, extra))} (known: {', '.join(known)})"
    if error.validator == "minProperties":
        return "must not be empty"
    if error.validator == "anyOf" and "columns" in str(error.validator_value):
        return "`source` (the export column) or `columns` (code: 0/1 column) is required here"
    if error.validator == "oneOf":
        return "expected a list of names or a mapping of name: wording"
    return error.message


def _key_path(error) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(top level)"


def validate(raw: Any, path: str | Path) -> None:
    """Raise :class:`InputError` naming the codebook file and the key of the first problem
    (in document order) when ``raw`` (the parsed YAML) does not have the codebook's shape."""
    if not isinstance(raw, dict):
        raise InputError(path, "expected a mapping with a 'variables' section")
    errors = sorted(
        _validator_class()(SCHEMA).iter_errors(raw), key=lambda e: [str(p) for p in e.absolute_path]
    )
    if errors:
        first = min(errors, key=lambda e: len(e.absolute_path))  # the outermost slip explains the rest
        more = f" ({len(errors) - 1} more problem(s) in the codebook's shape)" if len(errors) > 1 else ""
        value = (
            None
            if first.validator in ("additionalProperties", "required", "anyOf")
            else _short(first.instance)
        )
        raise InputError(path, f"{_key_path(first)}: {_expected(first)}{more}", value=value)


def _validator_class():
    """jsonschema's Draft 2020-12 validator (imported without its IRI checker: helpers.imports)."""
    with imports.without_iri_checker():
        from jsonschema import Draft202012Validator

    return Draft202012Validator


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 80 else text[:77] + "..."
