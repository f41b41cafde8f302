"""``make codebook``: draft a codebook from the survey platform's own definition.

The platform already holds every question, choice and code; typing them into ``codebook.yaml``
by hand is slow and error-prone. This module drafts the codebook from

* a Qualtrics survey file (``.qsf``, JSON): questions in block order, trashed questions left
  out; single-answer questions -> ``categorical`` with their **recode values** as codes;
  multiple-answer questions (and each statement of a multiple-answer matrix) -> one
  ``multiple`` variable over its 0/1 columns (``columns: {code: column}``); matrices ->
  ``likert`` items of one battery with the matrix's answers as the scale; "Other, please
  specify" choices -> a ``text`` variable for their ``_TEXT`` column; sliders, rank orders,
  constant sums and timers -> ``number``; anything else -> ``text``. When the export sits
  beside the .qsf, its row-3 ImportIds (``QID14_3``, ``QID6-4-TEXT``, Python-style rows too)
  say exactly which question and choice every column holds, so the draft declares the
  export's columns as they are named; without it the names follow Qualtrics' convention;
* a JISC Online Surveys coded results file with its key file (:func:`draft_from_jisc`);
* an SPSS (``.sav``) or Stata (``.dta``) file: variable labels as questions, value labels as
  codes, labelled user-missing codes as ``non_substantive``, unlabelled ones as
  ``survey.missing_codes``; columns that share one set of three or more value labels become
  ``likert`` items on a shared scale;
* a SurveyMonkey export or a plain CSV/XLSX file alone (:func:`draft_from_export`): there is
  no survey definition, so what can be inferred honestly is inferred from the header rows and
  the answers (metadata and identifiers by name and content, answers as levels in a known
  scale's order or flagged "order to confirm", tick boxes and grids grouped, free text left
  out with a note), and every inference is commented in the draft.

What only the analyst can decide is written as comments marked ``TODO`` on their own lines:
which variable is the role, which codes count as agreement (``positive``), which items are
reversed, and the published-figures mapping (from an export alone: the role, the batteries and
the published-figures mapping; the rest is inferred and commented "check").
:func:`pending_decisions` lists those lines; ``make check`` reports each as a problem until it
is resolved (and the TODO removed).

One module per source: :mod:`.qsf`, :mod:`.jisc`, :mod:`.labelled` (SPSS/Stata) and
:mod:`.exports` (with the known answer scales in :mod:`.scales`); what a draft holds is in
:mod:`.model`, how it is written in :mod:`.render`, the analyst's decisions in :mod:`.decisions`
and the command in :mod:`.cli`.

The draft goes to ``build/codebook_draft.yaml`` (or ``--out``), never under the data folder
(decisions 7); the command says where to copy it.
"""

from helpers.survey.codebook_draft.cli import (
    DEFAULT_OUT,
    _beside_export,
    draft,
    find_definition,
    main,
)
from helpers.survey.codebook_draft.decisions import apply_decisions, pending_decisions
from helpers.survey.codebook_draft.exports import draft_from_export
from helpers.survey.codebook_draft.jisc import draft_from_jisc
from helpers.survey.codebook_draft.labelled import draft_from_labelled
from helpers.survey.codebook_draft.model import Draft, DraftVariable
from helpers.survey.codebook_draft.qsf import draft_from_qsf
from helpers.survey.codebook_draft.render import render
from helpers.survey.codebook_draft.scales import match_scale

__all__ = [
    "DEFAULT_OUT",
    "Draft",
    "DraftVariable",
    "_beside_export",
    "apply_decisions",
    "draft",
    "draft_from_export",
    "draft_from_jisc",
    "draft_from_labelled",
    "draft_from_qsf",
    "find_definition",
    "main",
    "match_scale",
    "pending_decisions",
    "render",
]
