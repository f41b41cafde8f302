"""Keeping quotes safe to publish: role labels that do not identify, names and e-mails removed.

Role labels. A participant is reported by role, never by name. A role held by fewer than
``min_role_size`` people in the same context (one focus group; all the interviews together) would
point at one person (the only chief executive in the group), so it is coarsened:

1. label = role group if at least ``min_role_size`` people in the context hold it, else
   ``coarsen[role group]`` (params.yaml ``qualitative.coarsen``), else ``fallback_label``;
2. if fewer than ``min_role_size`` people in the context end up with that label, it becomes
   ``fallback_label`` (e.g. "participant").

Scrubbing. Before a quote or excerpt reaches a report it is scanned for the participants' names
(the table's ``name`` column: the full name and each part of three letters or more, matched
case-sensitively as whole words), their
pseudonyms and case names, and anything shaped like an e-mail address; these become ``[name]``
and ``[email]`` and are counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def context_of(participants: pd.DataFrame) -> pd.Series:
    """The disclosure context: the focus group itself, or "interviews" for every interviewee."""
    return participants["group"].where(participants["setting"] == "focus group", "interviews")


def role_labels(participants: pd.DataFrame, rule: dict | None = None) -> pd.Series:
    """The published role label of each participant (index aligned with ``participants``)."""
    rule = rule or {}
    k = int(rule.get("min_role_size", 2))
    coarsen = {str(a).lower(): b for a, b in (rule.get("coarsen") or {}).items()}
    fallback = rule.get("fallback_label", "participant")
    context = context_of(participants)
    roles = participants["role_group"]
    size = roles.groupby([context, roles]).transform("size")
    first = roles.where(size >= k, roles.map(lambda r: coarsen.get(r, fallback)))
    size2 = first.groupby([context, first]).transform("size")
    return first.where(size2 >= k, fallback)


@dataclass
class Scrubber:
    """Replaces participant names and e-mail addresses; counts what it replaced."""

    names: list[str]
    replaced_names: int = 0
    replaced_emails: int = 0
    _pattern: re.Pattern | None = field(default=None, repr=False)

    def __post_init__(self):
        terms = sorted(
            {n.strip() for n in self.names if n and len(n.strip()) >= 3}, key=lambda s: (-len(s), s)
        )
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, terms)) + r")(?!\w)") if terms else None
        )

    def __call__(self, text: str) -> str:
        text, n = EMAIL.subn("[email]", text)
        self.replaced_emails += n
        if self._pattern is not None:
            text, n = self._pattern.subn("[name]", text)
            self.replaced_names += n
        return text


def scrubber_for(participants: pd.DataFrame, extra_names=()) -> Scrubber:
    """A scrubber knowing every participant's name (and its parts), pseudonym and case name."""
    names = list(extra_names) + list(participants["pseudonym"])
    for full in participants.get("name", pd.Series(dtype=str)):
        if isinstance(full, str) and full.strip():
            names.append(full)
            names += [p for p in re.split(r"[\s,]+", full) if len(p) >= 3]
    return Scrubber(names)


def shorten(text: str, limit: int) -> str:
    """White space collapsed; cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
