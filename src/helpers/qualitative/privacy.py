"""Keeping quotes safe to publish: role labels that do not identify, names and e-mails removed.

Role labels. A participant is reported by role, never by name. A role held by fewer than
``min_role_size`` people in the same context (one focus group; all the interviews together) would
point at one person (the only chief executive in the group), so it is coarsened:

1. label = role group if at least ``min_role_size`` people in the context hold it, else
   ``coarsen[role group]`` (params.yaml ``qualitative.coarsen``), else ``fallback_label``;
2. if fewer than ``min_role_size`` people in the context end up with that label, it becomes
   ``fallback_label`` (e.g. "participant");
3. if fewer than ``min_role_size`` people in the context hold the fallback label too, the label
   still singles the participant out: their words are not quoted (:func:`singled_out`; the
   passages left out are counted in the accounting table).

Scrubbing. Before a quote or excerpt reaches a report it is scanned for the participants' names
(the table's ``name`` column: the full name and each part of three letters or more, matched
case-sensitively as whole words), their
pseudonyms and case names, the project stop-list, names in general, e-mail addresses, NHS
numbers, UK phone numbers and postcodes (helpers.qualitative.identifiers); these become ``[name]``,
``[email]``, ``[NHS number]``, ``[phone]`` and ``[postcode]`` and are counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from helpers.qualitative import identifiers

EMAIL = identifiers.EMAIL


def context_of(participants: pd.DataFrame, sources: Mapping[str, str] | None = None) -> pd.Series:
    """The disclosure context (decisions.md, 6): each focus group is its own context, all the
    one-to-one interviews together one ("interviews").

    A focus-group participant's group is the ``group`` the project gives; where it gives none
    (e.g. participants read from the .qdpx cases), the transcript (``sources``: pseudonym ->
    source) the participant speaks in: each transcript is a group. A focus-group participant
    with neither is a context alone, so the label falls back (never pooled with other groups)."""
    group = participants["group"].fillna("").astype(str).str.strip()
    if sources:
        group = group.where(group != "", participants["pseudonym"].map(dict(sources)).fillna("").astype(str))
    group = group.where(group != "", "(alone) " + participants["pseudonym"].astype(str))
    return group.where(participants["setting"] == "focus group", "interviews")


def role_labels(
    participants: pd.DataFrame, rule: dict | None = None, sources: Mapping[str, str] | None = None
) -> pd.Series:
    """The published role label of each participant (index aligned with ``participants``);
    ``sources`` as for :func:`context_of`. A label is never empty: a participant without a role
    gets the fallback label."""
    rule = rule or {}
    k = int(rule.get("min_role_size", 2))
    coarsen = {str(a).lower(): b for a, b in (rule.get("coarsen") or {}).items()}
    fallback = rule.get("fallback_label", "participant")
    context = context_of(participants, sources)
    roles = participants["role_group"]
    size = roles.groupby([context, roles]).transform("size")
    first = roles.where(size >= k, roles.map(lambda r: coarsen.get(r, fallback)))
    size2 = first.groupby([context, first]).transform("size")
    out = first.where(size2 >= k, fallback)
    return out.where(out.fillna("").astype(str).str.strip() != "", fallback)


def singled_out(
    participants: pd.DataFrame, rule: dict | None = None, sources: Mapping[str, str] | None = None
) -> pd.Series:
    """True for each participant whose published label (:func:`role_labels`) fewer than
    ``min_role_size`` people hold in their context, the fallback label included: the lone chief
    executive of a focus group of directorate staff is published as "participant", the only
    "participant" there, so a reader who knows the group's make-up knows who said it. Such a
    participant's words are not quoted (issue 13, item 6; decisions.md, 6 made stricter):
    :func:`helpers.qualitative.summaries.quotes` and ``framework_matrix`` leave them out and
    count them."""
    k = int((rule or {}).get("min_role_size", 2))
    labels = role_labels(participants, rule, sources)
    context = context_of(participants, sources)
    return labels.groupby([context, labels]).transform("size") < k


def attribution(role, setting=None) -> str:
    """The words after a quote: "clinical director, focus group", or only the role where the
    setting is unknown (never "(clinical director, )"); an empty role is "participant"."""
    parts = [str(v).strip() for v in (role, setting) if v is not None and not pd.isna(v) and str(v).strip()]
    return ", ".join(parts) if parts else "participant"


class Scrubber(identifiers.IdentifierScrubber):
    """Replaces direct identifiers in quotes and excerpts (helpers.qualitative.identifiers):
    participants' names, the stop-list, names in general, e-mail addresses, NHS numbers, UK phone
    numbers and postcodes; ``counts`` holds how many of each were replaced."""

    def __init__(self, names, *, general_names: bool = True):
        self.names = list(names)
        super().__init__(self.names, general_names=general_names)

    @property
    def replaced_names(self) -> int:
        return self.counts["name"]

    @property
    def replaced_emails(self) -> int:
        return self.counts["email"]


def scrubber_for(participants: pd.DataFrame, extra_names=(), *, general_names: bool = True) -> Scrubber:
    """A scrubber knowing every participant's name (and its parts), pseudonym and case name, and
    ``extra_names`` (params.yaml ``qualitative.stop_list``)."""
    names = list(extra_names) + list(participants["pseudonym"])
    for full in participants.get("name", pd.Series(dtype=str)):
        if isinstance(full, str) and full.strip():
            names.append(full)
            names += [p for p in re.split(r"[\s,]+", full) if len(p) >= 3]
    return Scrubber(names, general_names=general_names)


def shorten(text: str, limit: int) -> str:
    """White space collapsed; cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
