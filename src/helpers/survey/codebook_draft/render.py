"""Writing a draft as commented YAML."""

from __future__ import annotations

import json
import re

from helpers.survey.codebook_draft.model import DEFAULT_TODOS, Draft


def _q(value) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted strings."""
    return json.dumps(str(value), ensure_ascii=False)


def _code(code: str) -> str:
    return code if re.fullmatch(r"-?[1-9]\d{0,14}|0", code) else _q(code)


def _mapping(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_code(c)}: {_q(lab)}" for c, lab in labels.items()) + "}"


def render(draft: Draft) -> str:
    """The draft as commented YAML (byte-stable: no dates, no absolute paths)."""
    out = [
        f"# Codebook DRAFTED by `make codebook` from {draft.source.name}: check every entry.",
        "# Decisions only the analyst can make are marked TODO, one per line; `make check`",
        "# reports each TODO as a problem until it is resolved and its TODO removed.",
        *(DEFAULT_TODOS if draft.todos is None else draft.todos),
    ]
    out += [f"# {c}" for c in draft.checks]
    out += [f"# note: {n}" for n in draft.notes]
    out += ["survey:", f"  title: {_q(draft.title)}"]
    if draft.export:
        out.append(f"  export: {_q(draft.export)}")
    if draft.platform:
        out.append(f"  platform: {draft.platform}")
    out.append(
        "  missing_codes: ["
        + ", ".join(_code(c) for c in draft.missing_codes)
        + "]"
        + ("  # Qualtrics' seen-but-unanswered code" if draft.missing_codes == ["-99"] else "")
    )
    if draft.metadata:
        out.append("metadata:")
        out += [f"  {k}: {_q(v)}" for k, v in draft.metadata.items()]
    if draft.identifiers:
        out.append("identifiers:  # used only to find duplicate respondents, never written out")
        out += [f"  {k}: {_q(v)}" for k, v in draft.identifiers.items()]
    if draft.scales:
        out.append("scales:")
        for name, (levels, non) in draft.scales.items():
            out.append(f"  {name}:")
            order = draft.scale_comments.get(name, "as the survey lists them: put them low to high")
            out.append(f"    levels: {_mapping(levels)}  # {order}")
            if non:
                out.append(f"    non_substantive: {_mapping(non)}")
            if name in draft.positive:
                codes = ", ".join(_code(c) for c in draft.positive[name])
                out.append(f"    positive: [{codes}]  # the levels above the middle: check")
            else:
                out.append(
                    f"    positive: []  # TODO agreement: list the codes of {name} counted as agreement"
                )
    out.append("variables:" if draft.variables else "variables: {}  # no question columns found")
    for var in draft.variables:
        out.append(f"  {var.name}:{'  # ' + var.comment if var.comment else ''}")
        if var.columns:
            out.append(f"    columns: {_mapping(var.columns)}")
        else:
            out.append(f"    source: {_q(var.source)}")
        out.append(f"    type: {var.type}")
        if var.question:
            out.append(f"    question: {_q(var.question[:300])}")
        if var.scale:
            out.append(f"    scale: {var.scale}")
        if var.scale and var.battery:
            out.append(f"    battery: {var.battery}")
        if var.labels:
            out.append(f"    labels: {_mapping(var.labels)}")
        if var.non_substantive:
            out.append(f"    non_substantive: {_mapping(var.non_substantive)}")
        if var.consent_code is not None:
            out.append(f"    consent_code: {_code(var.consent_code)}")
    return "\n".join(out) + "\n"
