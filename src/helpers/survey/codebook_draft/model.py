"""What a draft holds (:class:`Draft`, :class:`DraftVariable`), the TODO lines every draft
carries, and the naming and label helpers every source's drafter shares."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

NON_SUBSTANTIVE = re.compile(
    r"don.?t know|not applicable|\bn/?a\b|prefer not|no opinion|not sure|unsure|can.?t say|decline",
    re.IGNORECASE,
)


TODO_RE = re.compile(r"#\s*TODO\b.*")  # a comment that begins with TODO


TODO_ROLE = "# TODO role: choose the variable that holds the respondent's role: set its type to role, map its codes to the study's role groups (as labels, or under `groups` keeping the export's wording as labels), add other_code/other_text and role_rules; then delete this line."  # noqa: E501


TODO_REVERSED = "# TODO reversed items: mark negatively worded likert items `reverse: true` (or none); then delete this line."  # noqa: E501


TODO_PUBLISHED = "# TODO published figures: add published_comparison (measure -> item and levels) or leave it out; then delete this line."  # noqa: E501


TODO_BATTERIES = "# TODO batteries: check which likert items belong to which battery (`battery: <name>`; a grid question's rows are drafted as one battery, single questions as none); then delete this line."  # noqa: E501


TODO_SCALES = "# TODO scales: no likert variable was recognised, so report 03 would have no attitude analysis; the variables commented 'order to confirm' may be answer scales: for each scale, declare it under `scales` (levels low to high, `positive` the top levels) and make its items `likert`, or confirm none is; then delete this line."  # noqa: E501

DEFAULT_TODOS = [TODO_ROLE, TODO_REVERSED, TODO_PUBLISHED]


@dataclass
class DraftVariable:
    name: str
    source: str
    type: str
    question: str
    labels: dict[str, str] = field(default_factory=dict)
    non_substantive: dict[str, str] = field(default_factory=dict)
    scale: str | None = None
    battery: str | None = None
    comment: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # multiple: option code -> its 0/1 column
    consent_code: str | None = None


@dataclass
class Draft:
    title: str
    source: Path
    platform: str | None
    export: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    identifiers: dict[str, str] = field(default_factory=dict)
    missing_codes: list[str] = field(default_factory=list)
    scales: dict[str, tuple[dict[str, str], dict[str, str]]] = field(default_factory=dict)
    variables: list[DraftVariable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    todos: list[str] | None = None  # the header's TODO lines (None: DEFAULT_TODOS)
    checks: list[str] = field(default_factory=list)  # header comments to read, not TODOs
    positive: dict[str, list[str]] = field(default_factory=dict)  # scale -> codes (inferred)
    scale_comments: dict[str, str] = field(default_factory=dict)  # scale -> how its order is known


def plain(text) -> str:
    """Question or choice HTML as one line of plain text."""
    text = re.sub(r"<(style|script)\b.*?</\1\s*>", " ", str(text or ""), flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"<br\s*/?>|</p>|</div>", " ", text, flags=re.IGNORECASE)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\s+", " ", text).strip()


def _name(column: str, taken: set[str]) -> str:
    base = re.sub(r"[^0-9A-Za-z]+", "_", column).strip("_").lower() or "var"
    if base[0].isdigit():
        base = "v_" + base
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


def _split_labels(labels: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(substantive, non-substantive) by wording ("Don't know", "Not applicable" ...)."""
    sub = {c: lab for c, lab in labels.items() if not NON_SUBSTANTIVE.search(lab)}
    non = {c: lab for c, lab in labels.items() if NON_SUBSTANTIVE.search(lab)}
    return sub, non


def _unique_labels(labels: dict[str, str]) -> dict[str, str]:
    """A label used twice gets its code appended (the codebook needs one label per code)."""
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {c: (f"{lab} ({c})" if seen[lab] > 1 else lab) for c, lab in labels.items()}


def _battery_name(tag: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", tag).strip("_").lower() or "battery"


def _scale_name(draft: Draft, tag: str, levels: dict[str, str], non: dict[str, str]) -> str:
    for name, (lv, ns) in draft.scales.items():
        if lv == levels and ns == non:
            return name
    name = "scale_" + _battery_name(tag)
    draft.scales[name] = (levels, non)
    return name
