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

The draft goes to ``build/codebook_draft.yaml`` (or ``--out``), never under the data folder
(decisions 7); the command says where to copy it.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from helpers import files
from helpers.files import InputError
from helpers.survey.codebook import ROLE_GROUPS

DEFAULT_OUT = "build/codebook_draft.yaml"
# Qualtrics metadata columns (current and legacy names) -> the codebook's metadata fields.
METADATA_COLUMNS = {
    "status": ("Status",),
    "progress": ("Progress",),
    "finished": ("Finished",),
    "duration": ("Duration (in seconds)", "Duration__in_seconds_"),
    "started": ("StartDate",),
    "ended": ("EndDate",),  # declared only where there is no duration column (it is derived)
    "response_id": ("ResponseId", "ResponseID"),
}
# Export columns that identify a person: declared under ``identifiers`` (duplicate detection).
IDENTIFIER_COLUMNS = {"email": ("RecipientEmail", "EmailAddress")}
NON_SUBSTANTIVE = re.compile(
    r"don.?t know|not applicable|\bn/?a\b|prefer not|no opinion|not sure|unsure|can.?t say|decline",
    re.IGNORECASE,
)
SINGLE = {"SAVR", "SAHR", "SACOL", "DL", "SB", "NPS"}
MULTIPLE = {"MAVR", "MAHR", "MACOL", "MSB"}
NUMBER_TYPES = {"Slider", "RO", "CS", "Timing"}
TODO_RE = re.compile(r"#\s*TODO\b.*")  # a comment that begins with TODO
TODO_ROLE = "# TODO role: choose the variable that holds the respondent's role: set its type to role, map its codes to the study's role groups (as labels, or under `groups` keeping the export's wording as labels), add other_code/other_text and role_rules; then delete this line."  # noqa: E501
TODO_REVERSED = "# TODO reversed items: mark negatively worded likert items `reverse: true` (or none); then delete this line."  # noqa: E501
TODO_PUBLISHED = "# TODO published figures: add published_comparison (measure -> item and levels) or leave it out; then delete this line."  # noqa: E501
TODO_BATTERIES = "# TODO batteries: check which likert items belong to which battery (`battery: <name>`; a grid question's rows are drafted as one battery, single questions as none); then delete this line."  # noqa: E501
DEFAULT_TODOS = [TODO_ROLE, TODO_REVERSED, TODO_PUBLISHED]
_IMPORT = re.compile(r"^(QID\d+)(#\d+)?(?:[-_](.*))?$")


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


# --------------------------------------------------------------------------------------------
# Text helpers


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


# --------------------------------------------------------------------------------------------
# Qualtrics .qsf


def _ordered(mapping: dict | None, order) -> list[str]:
    mapping = mapping or {}
    keys = [str(k) for k in (order or [])]
    keys = [k for k in keys if k in mapping]
    return keys + [k for k in mapping if k not in keys]


def load_qsf(path: Path) -> tuple[str, list[dict]]:
    """(survey name, question payloads in block order, trashed questions left out)."""
    try:
        survey = json.loads(files.read_text(path).text)
        elements = survey["SurveyElements"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(path, f"not a Qualtrics survey file (.qsf JSON with SurveyElements): {exc}") from exc
    questions = {e["Payload"]["QuestionID"]: e["Payload"] for e in elements if e.get("Element") == "SQ"}
    blocks = next((e["Payload"] for e in elements if e.get("Element") == "BL"), None) or []
    if isinstance(blocks, dict):  # some exports store the blocks as a mapping
        blocks = list(blocks.values())
    order, trashed = [], set()
    for block in blocks:
        ids = [el.get("QuestionID") for el in block.get("BlockElements", []) if el.get("Type") == "Question"]
        if block.get("Type") == "Trash":
            trashed.update(ids)
        else:
            order += [q for q in ids if q in questions and q not in order]
    order += [q for q in questions if q not in order and q not in trashed]
    name = str((survey.get("SurveyEntry") or {}).get("SurveyName", path.stem))
    return name, [questions[q] for q in order]


class _Question:
    def __init__(self, payload: dict):
        self.p = payload
        self.qid = payload["QuestionID"]
        self.tag = str(payload.get("DataExportTag") or self.qid)
        self.text = plain(payload.get("QuestionText"))
        self.type = payload.get("QuestionType")
        self.selector = payload.get("Selector")
        self.sub = payload.get("SubSelector")
        self.choices = payload.get("Choices") or {}
        if isinstance(self.choices, list):
            self.choices = {str(i + 1): c for i, c in enumerate(self.choices)}
        self.choice_ids = _ordered(self.choices, payload.get("ChoiceOrder"))
        self.answers = payload.get("Answers") or {}
        self.answer_ids = _ordered(self.answers, payload.get("AnswerOrder"))
        self.recode = {str(k): str(v) for k, v in (payload.get("RecodeValues") or {}).items()}
        tags = payload.get("ChoiceDataExportTags")
        self.export_tags = {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}

    @property
    def is_matrix_single(self) -> bool:
        return self.type == "Matrix" and self.sub in ("SingleAnswer", None) and bool(self.answers)

    def code(self, cid: str) -> str:
        return self.recode.get(cid, cid)

    def choice_label(self, cid: str) -> str:
        return plain((self.choices.get(cid) or {}).get("Display")) or cid

    def answer_label(self, aid: str) -> str:
        return plain((self.answers.get(aid) or {}).get("Display")) or aid

    def choice_labels(self) -> dict[str, str]:
        return _unique_labels({self.code(c): self.choice_label(c) for c in self.choice_ids})

    def answer_labels(self) -> dict[str, str]:
        return _unique_labels({self.code(a): self.answer_label(a) for a in self.answer_ids})

    def has_text_entry(self, cid: str) -> bool:
        return str((self.choices.get(cid) or {}).get("TextEntry", "")).lower() == "true"

    def statement_suffix(self, cid: str) -> str:
        return self.export_tags.get(cid) or cid

    def conventional_columns(self) -> list[tuple[str, list[str]]]:
        """(column, parts) as Qualtrics names them when no export says otherwise."""
        t = self.tag
        if self.type == "DB":
            return []
        if self.type == "MC" and self.selector in SINGLE:
            cols = [(t, [])]
            cols += [
                (f"{t}_{self.code(c)}_TEXT", [c, "TEXT"]) for c in self.choice_ids if self.has_text_entry(c)
            ]
            return cols
        if self.type == "MC" and self.selector in MULTIPLE:
            cols = []
            for c in self.choice_ids:
                cols.append((f"{t}_{self.code(c)}", [c]))
                if self.has_text_entry(c):
                    cols.append((f"{t}_{self.code(c)}_TEXT", [c, "TEXT"]))
            return cols
        if self.type == "TE" and self.selector != "FORM":
            return [(t, ["TEXT"])]
        if self.type == "Matrix" and self.sub == "MultipleAnswer":
            return [
                (f"{t}_{self.statement_suffix(c)}_{self.code(a)}", [c, a])
                for c in self.choice_ids
                for a in self.answer_ids
            ]
        if self.type == "Timing":
            return [
                (f"{t}_{part}", [part])
                for part in ("First Click", "Last Click", "Page Submit", "Click Count")
            ]
        cols = []
        for c in self.choice_ids:
            cols.append((f"{t}_{self.statement_suffix(c)}", [c]))
            if self.has_text_entry(c):
                cols.append((f"{t}_{self.statement_suffix(c)}_TEXT", [c, "TEXT"]))
        return cols

    def variable(
        self, column: str, parts: list[str], sbs: str | None
    ) -> tuple[str, str, dict[str, str], str]:
        """(type, question text, labels, kind) of one export column of this question."""
        parts = [p for p in parts if p != ""]
        if parts and parts[-1].upper() == "TEXT":
            base = parts[:-1]
            what = self.choice_label(base[0]) if base and base[0] in self.choices else "text"
            return "text", f"{self.text} - {what} - Text" if base else self.text, {}, "text"
        if sbs is not None:
            return "text", self.text, {}, "text"
        if self.type == "MC" and self.selector in SINGLE and not parts:
            return "categorical", self.text, self.choice_labels(), "single"
        if self.type == "MC" and self.selector in MULTIPLE and len(parts) == 1 and parts[0] in self.choices:
            return "multiple", self.text, {self.code(parts[0]): self.choice_label(parts[0])}, "multiple"
        if self.is_matrix_single and len(parts) == 1 and parts[0] in self.choices:
            return "likert", f"{self.text} - {self.choice_label(parts[0])}", self.answer_labels(), "matrix"
        if (
            self.type == "Matrix"
            and self.sub == "MultipleAnswer"
            and len(parts) == 2
            and parts[0] in self.choices
            and parts[1] in self.answers
        ):
            question = f"{self.text} - {self.choice_label(parts[0])}"
            return "multiple", question, {self.code(parts[1]): self.answer_label(parts[1])}, "multiple"
        if self.type in NUMBER_TYPES:
            label = self.choice_label(parts[0]) if parts and parts[0] in self.choices else " ".join(parts)
            return "number", f"{self.text} - {label}" if label else self.text, {}, "number"
        return "text", self.text, {}, "text"


def _column_parts(import_id: str) -> tuple[str, str | None, list[str]] | None:
    """ImportId ``QID14_3`` / ``QID6-4-TEXT`` / ``QID17#2-1-3`` -> (QID14, sbs, [3]) ..."""
    match = _IMPORT.match(import_id)
    if not match:
        return None
    rest = match.group(3) or ""
    return match.group(1), match.group(2), [p for p in re.split(r"[-_]", rest) if p] if rest else []


def draft_from_qsf(path: Path, export=None) -> Draft:
    """A draft codebook from a .qsf (and the matching export, when given: a SurveyExport)."""
    title, payloads = load_qsf(path)
    questions = [_Question(p) for p in payloads]
    by_qid = {q.qid: q for q in questions}
    draft = Draft(title=title, source=path, platform="qualtrics")
    columns: list[tuple[str, _Question, list[str], str | None]] = []
    if export is not None:
        draft.export = export.source.name
        draft.platform = None if export.platform == "qualtrics" else export.platform
        seen_q = set()
        for column in export.data.columns:
            parsed = _column_parts(export.import_ids.get(column, ""))
            if parsed and parsed[0] in by_qid:
                columns.append((column, by_qid[parsed[0]], parsed[2], parsed[1]))
                seen_q.add(parsed[0])
        trashed_cols = [
            c
            for c in export.data.columns
            if (p := _column_parts(export.import_ids.get(c, ""))) and p[0] not in by_qid
        ]
        if trashed_cols:
            draft.notes.append(
                f"{len(trashed_cols)} export column(s) belong to questions not in the survey's blocks "
                f"(trashed or deleted): left out: {', '.join(trashed_cols[:10])}"
            )
        _metadata_and_identifiers(draft, export)
    else:
        for q in questions:
            columns += [(c, q, parts, None) for c, parts in q.conventional_columns()]
        draft.metadata = {k: v[0] for k, v in METADATA_COLUMNS.items() if k != "ended"}

    # Qualtrics' "seen but unanswered" code, unless some choice uses -99 as its recode value.
    if not any("-99" in q.recode.values() for q in questions):
        draft.missing_codes = ["-99"]
    taken: set[str] = set()
    ticks: dict[tuple[str, str], DraftVariable] = {}  # one multiple-response variable per question
    for column, q, parts, sbs in columns:
        vtype, question, labels, kind = q.variable(column, parts, sbs)
        if kind == "multiple":  # one 0/1 column per option: gathered into one `multiple` variable
            key = (q.qid, question)
            if key not in ticks:
                stem = q.tag if len(parts) == 1 else f"{q.tag}_{q.statement_suffix(parts[0])}"
                ticks[key] = DraftVariable(_name(stem, taken), "", "multiple", question)
                ticks[key].comment = "tick all that apply: one 0/1 column per option"
                draft.variables.append(ticks[key])
            (code, label), var = next(iter(labels.items())), ticks[key]
            var.columns[code] = column
            var.labels = _unique_labels({**var.labels, code: label})
            continue
        var = DraftVariable(_name(column, taken), column, vtype, question)
        if kind == "matrix":
            sub, non = _split_labels(labels)
            scale = _scale_name(draft, q.tag, sub, non)
            var.scale, var.battery = scale, _battery_name(q.tag)
        elif labels:
            var.labels, var.non_substantive = _split_labels(labels)
            if not var.labels:  # every choice reads as non-substantive: keep them as labels
                var.labels, var.non_substantive = labels, {}
        if kind == "text" and len(parts) > 1 and parts[-1].upper() == "TEXT" and q.has_text_entry(parts[0]):
            var.comment = '"Other, please specify" text'
        draft.variables.append(var)
    for var in ticks.values():  # a single tick box ("I agree"): one column, 1 when ticked
        if len(var.columns) == 1:
            (code, column), label = next(iter(var.columns.items())), next(iter(var.labels.values()))
            var.source, var.type, var.columns, var.comment = column, "categorical", {}, ""
            var.question, var.labels = f"{var.question} - {label}", {"1": "Selected"}
    return draft


def _metadata_and_identifiers(draft: Draft, export) -> None:
    """The metadata fields and identifiers whose conventional columns the export has; the end
    time only where no duration column exists (the cleaning then derives the duration)."""
    present = set(export.data.columns)
    for field_name, names in METADATA_COLUMNS.items():
        hit = next((n for n in names if n in present), None)
        if hit:
            draft.metadata[field_name] = hit
    if "duration" in draft.metadata:
        draft.metadata.pop("ended", None)
    for name, names in IDENTIFIER_COLUMNS.items():
        hit = next((n for n in names if n in present), None)
        if hit:
            draft.identifiers[name] = hit


def _battery_name(tag: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", tag).strip("_").lower() or "battery"


def _scale_name(draft: Draft, tag: str, levels: dict[str, str], non: dict[str, str]) -> str:
    for name, (lv, ns) in draft.scales.items():
        if lv == levels and ns == non:
            return name
    name = "scale_" + _battery_name(tag)
    draft.scales[name] = (levels, non)
    return name


# --------------------------------------------------------------------------------------------
# JISC Online Surveys (coded results file + key file)

_JISC_OPTION = re.compile(r"^(Q\d+)_(\d+)$")  # Q9_3: option 3 of tick-all question Q9
_JISC_GRID = re.compile(r"^(Q\d+)_(\d+)_([a-z]+)_1$")  # Q11_2_b_1: grid Q11, row 2, answer b
_TICK_ALL = re.compile(r"all that apply|tick all|select all|check all", re.IGNORECASE)


def draft_from_jisc(results: Path) -> Draft:
    """A draft from a JISC coded results file and its key file (found beside it by name): a
    single-answer question ``Q3`` -> ``categorical`` with the key's codes; a tick-all question
    ``Q9_1``.. -> one ``multiple`` over its 0/1 columns; a grid ``Q11_<row>_<answer>_1`` -> per
    row, a ``likert`` item over one-hot columns (one battery per grid, the answers as its
    scale) when no respondent ticked two answers in any row of the grid, else (or when the
    question says "all that apply") a ``multiple`` per row; a question
    with no codes in the key -> ``text``."""
    from helpers.survey.readers import find_jisc_key, read_export, read_jisc_key

    export = read_export(results, platform="jisc")
    key = find_jisc_key(results)
    if key is None:
        raise InputError(
            results,
            "drafting a JISC codebook needs the key file beside the results, named "
            "<results name>-key.<lang>.csv (download it with the coded results)",
        )
    questions, codes = read_jisc_key(key)
    short = re.match(r"(?:.*?results-for-)?(.+?)-\d{4}-\d{2}-\d{2}", results.name)
    title = short.group(1) if short else results.stem
    draft = Draft(title=title, source=results, platform="jisc", export=results.name)
    draft.metadata = {"response_id": "URN"} if "URN" in export.data.columns else {}
    data = export.data
    grids = {m.group(1) for c in data.columns if (m := _JISC_GRID.match(c))}
    groups: dict[str, DraftVariable] = {}
    taken: set[str] = set()
    for column in data.columns:
        if column in ("URN", "CompletionDate") or (column in grids and data[column].eq("").all()):
            continue  # metadata, and a grid's own (empty) column
        if m := _JISC_GRID.match(column):
            grid, row, answer = m.groups()
            cell = f"{grid}_{row}_{answer}"
            key_row = f"{grid}_{row}"
            if key_row not in groups:
                text = f"{questions.get(grid, grid)} - {questions.get(cell, key_row)}"
                groups[key_row] = DraftVariable(_name(key_row, taken), "", "multiple", text)
                groups[key_row].battery = _battery_name(grid)
                draft.variables.append(groups[key_row])
            groups[key_row].columns[answer] = column
            groups[key_row].labels[answer] = (codes.get(cell) or {}).get("1", answer)
        elif (m := _JISC_OPTION.match(column)) and m.group(1) in codes:
            question, option = m.groups()
            if question not in groups:
                groups[question] = DraftVariable(_name(question, taken), "", "multiple", questions[question])
                groups[question].comment = "tick all that apply: one 0/1 column per option"
                draft.variables.append(groups[question])
            groups[question].columns[option] = column
            groups[question].labels[option] = codes[question].get(option, option)
        else:
            var = DraftVariable(_name(column, taken), column, "text", questions.get(column, column))
            if codes.get(column):
                var.type = "categorical"
                var.labels, var.non_substantive = _split_labels(codes[column])
                if not var.labels:
                    var.labels, var.non_substantive = codes[column], {}
            draft.variables.append(var)
    several: dict[str, bool] = {}  # grid -> some respondent ticked two answers in one of its rows
    for var in draft.variables:
        if var.battery is not None:
            ticks = data[list(var.columns.values())].apply(lambda c: c.str.strip().isin({"1", "1.0"}))
            several[var.battery] = several.get(var.battery, False) or bool(ticks.sum(axis=1).max() > 1)
            several[var.battery] |= bool(_TICK_ALL.search(var.question)) or len(var.columns) < 2
    for var in draft.variables:
        if var.battery is None:
            continue
        var.labels = _unique_labels(var.labels)
        if not several[var.battery]:  # one answer a row: the answers are a scale
            sub, non = _split_labels(var.labels)
            var.type, var.labels = "likert", {}
            var.scale = _scale_name(draft, var.battery, sub or non, non if sub else {})
            var.comment = (
                "grid row: nobody ticked two answers in a row; if rows take several, make it multiple"
            )
        else:
            var.battery = None
            var.comment = "grid row taking several answers (tick all that apply)"
    draft.notes += [n for n in export.notes if "key file" in n]
    return draft


# --------------------------------------------------------------------------------------------
# SurveyMonkey and plain CSV / XLSX exports: no survey definition beside them, so the draft is
# inferred from the export's header rows and answers, and says what it inferred and how sure


def _spellings(*levels: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(level.split("|")) for level in levels)


_NEITHER = "Neither agree nor disagree|Neither|Neutral|Neither agree or disagree"
_SAME = "Stay the same|Stayed the same|About the same|The same|No change"
# Answer scales whose order is known, low to high; each level lists the spellings accepted for
# it (the first is drafted for a level nobody chose). Answers that fit one are a scale in its
# order; the smallest scale that fits is drafted, and a comment says when a larger one fits too.
LIKERT_PATTERNS = (
    _spellings("Strongly disagree", "Disagree", "Agree", "Strongly agree"),
    _spellings("Strongly disagree", "Disagree", _NEITHER, "Agree", "Strongly agree"),
    _spellings(
        "Strongly disagree",
        "Disagree",
        "Somewhat disagree|Slightly disagree",
        _NEITHER,
        "Somewhat agree|Slightly agree",
        "Agree",
        "Strongly agree",
    ),  # fmt: skip
    _spellings("Poor", "Fair", "Good", "Excellent"),
    _spellings("Poor", "Fair", "Good", "Very good", "Excellent"),
    _spellings("Very poor", "Poor", "Fair|Average|Neither good nor poor", "Good", "Very good"),
    _spellings("Very bad", "Bad", "Neither good nor bad|Neutral|Neither", "Good", "Very good"),
    _spellings("Never", "Sometimes", "Often|Frequently", "Always"),
    _spellings("Never", "Rarely", "Sometimes", "Often|Frequently"),
    _spellings("Never", "Rarely", "Sometimes", "Often|Frequently|Very often", "Always"),
    _spellings(
        "Very dissatisfied",
        "Dissatisfied",
        "Neither satisfied nor dissatisfied|Neutral|Neither",
        "Satisfied",
        "Very satisfied",
    ),  # fmt: skip
    _spellings(
        "Very unlikely", "Unlikely", "Neither likely nor unlikely|Neutral|Neither", "Likely", "Very likely"
    ),
    _spellings(
        "Not at all important",
        "Slightly important",
        "Moderately important",
        "Very important",
        "Extremely important",
    ),  # fmt: skip
    _spellings("Get worse|Got worse|Worse", _SAME, "Get better|Got better|Better"),
    _spellings(
        "Much worse",
        "Worse|A little worse|Somewhat worse",
        _SAME,
        "Better|A little better|Somewhat better",
        "Much better",
    ),  # fmt: skip
    _spellings("Low", "Medium|Moderate", "High"),
    _spellings("Very low", "Low", "Medium|Moderate", "High", "Very high"),
)
_CONSENT = re.compile(r"consent|agree to (take part|participate)|happy to (take part|participate)", re.I)
_CONSENT_YES = {"yes", "i agree", "i consent", "agree", "yes, i agree", "yes, i consent"}
_NUMBERED = re.compile(r"(\d+) of (\d+)")  # "3 of 7": a numbered scale
_SENTENCE = re.compile(r'[.!?]$|["\u201c\u201d]')  # a sentence or a quotation: someone's own words
_INTEGER = re.compile(r"-?[1-9]\d{0,14}|0")
MAX_ANSWERS = 12  # more distinct answers than this: free text (or a number), not categories
_FREE_TEXT = re.compile(
    r"comment|please (specify|explain|describe|tell)|in your own words|anything else|suggestion",
    re.IGNORECASE,
)
_SM_FREE_TEXT = re.compile(r"open-ended response|other \(please .*\)", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
# Export columns by header (case and spaces ignored): what they are, when their cells agree.
_RESPONSE_ID = re.compile(r"(respondent|response|record|submission)[ _]?id|id|urn|respondent", re.IGNORECASE)
_STARTED = re.compile(r"start(ed)?([ _]?(date|time|at))?|date[ _]started|timestamp", re.IGNORECASE)
_ENDED = re.compile(r"end(ed)?([ _]?(date|time|at))?|date[ _](submitted|completed)|submitted|completed[ _]at", re.IGNORECASE)  # fmt: skip
_DURATION = re.compile(r"duration.*|seconds|time[ _]taken.*|time[ _]spent.*", re.IGNORECASE)
_PROGRESS = re.compile(r"progress|percent[ _]complete", re.IGNORECASE)
_FINISHED = re.compile(r"finished|complete|completed", re.IGNORECASE)
_NAME_COLUMN = re.compile(r"((first|last|full|given|family|sur)[ _]?)?name|recipient.*name", re.IGNORECASE)
_IP_COLUMN = re.compile(r"ip|ip[ _]?address", re.IGNORECASE)
_EMAIL_COLUMN = re.compile(r"(recipient[ _]?)?e-?mail([ _]?address)?", re.IGNORECASE)
_CONTACT = re.compile(r"contact", re.IGNORECASE)
_LEFT_OUT_METADATA = re.compile(r"collector( id)?|custom data.*|language|user[ _]?agent", re.IGNORECASE)
_STEM = re.compile(r"^(?P<stem>.+?)(?:\s*\[(?P<bracket>[^\]]+)\]|(?:_+|\.)(?P<suffix>[A-Za-z0-9]+))$")


def _norm(text) -> str:
    """An answer as people mean it: case, spaces, NBSP, curly quotes and a final full stop ignored."""
    text = str(text).replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).casefold().rstrip(".")


def match_scale(answers: list[str]) -> tuple[list[str], str] | None:
    """The known scale that the substantive ``answers`` fit: (its labels low to high, spelled
    as in the data, levels nobody chose completed from the scale; a comment on the fit), or
    None (then their order is not known and the draft says so)."""
    if len(answers) < 2:
        return None
    numbered = [_NUMBERED.fullmatch(_norm(a)) for a in answers]
    if all(numbered):
        ks = {int(m.group(2)) for m in numbered}
        positions = [int(m.group(1)) for m in numbered]
        k = max(ks)
        if len(ks) > 1 or len(set(positions)) < len(positions) or not all(1 <= i <= k for i in positions):
            return None
        spelled = dict(zip(positions, answers))
        return [
            spelled.get(i, f"{i} of {k}") for i in range(1, k + 1)
        ], f"numbered scale 1 of {k} .. {k} of {k}"
    fits = []
    for pattern in LIKERT_PATTERNS:
        index = {_norm(s): i for i, level in enumerate(pattern) for s in level}
        where = [index.get(_norm(a)) for a in answers]
        if None not in where and len(set(where)) == len(where):
            fits.append((len(pattern), pattern, dict(zip(where, answers))))
    if not fits:
        return None
    size, pattern, spelled = min(fits, key=lambda f: f[0])  # the first smallest
    labels = [spelled.get(i, level[0]) for i, level in enumerate(pattern)]
    comment = f"the {size}-level scale {labels[0]} .. {labels[-1]}"
    if len(spelled) < size:
        comment += f" ({size - len(spelled)} level(s) nobody chose added)"
    larger = sorted({f[0] for f in fits if f[0] > size})
    if larger or sum(f[0] == size for f in fits) > 1:
        comment += "; the answers fit other scales too: check the levels"
    return labels, comment


def _coded(labels: list[str]) -> dict[str, str]:
    """Codes for answers: a whole-number answer is its own code (the cell holds a code); text
    answers are numbered 1, 2 ... in order, after the largest whole-number answer."""
    numbers = [int(a) for a in labels if _INTEGER.fullmatch(a)]
    following = max([0, *numbers]) + 1
    out = {}
    for label in labels:
        if _INTEGER.fullmatch(label):
            out[label] = label
        else:
            out[str(following)] = label
            following += 1
    return out


def _natural(text: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in re.split(r"(\d+)", text) if p]


def _positive(levels: dict[str, str]) -> list[str]:
    """The codes of the levels above the scale's middle (agree, very good, often ...)."""
    codes = list(levels)
    return [c for i, c in enumerate(codes) if i > (len(codes) - 1) / 2]


def _listing(items: list[str], most: int = 10) -> str:
    shown = ", ".join(repr(i) for i in items[:most])
    return shown + (f", ... ({len(items) - most} more)" if len(items) > most else "")


def _words(text: str, n: int = 5) -> str:
    return " ".join(re.sub(r"[^0-9A-Za-z]+", " ", text).split()[:n]) or text


def _is_free_text(question: str, answers: list[str], filled: int) -> bool:
    return bool(
        _FREE_TEXT.search(question)
        or len(answers) > MAX_ANSWERS
        or (filled >= 20 and len(answers) > 5 and len(answers) > 0.6 * filled)
        or any(len(a) > 80 or _SENTENCE.search(a) for a in answers)
    )


class _ExportDraft:
    """Drafting from one export (SurveyMonkey or plain CSV/XLSX): see :func:`draft_from_export`."""

    def __init__(self, path: Path, export):
        self.export = export
        self.data = export.data
        self.draft = Draft(title=path.stem, source=path, platform=export.platform, export=path.name)
        self.draft.todos = []
        self.taken: set[str] = set()
        self.used: set[str] = set()
        self.free_text: list[str] = []
        self.empty: list[str] = []
        self.left_out: list[str] = []
        self._cells: dict[str, dict[str, int]] = {}

    # -- metadata and identifiers ------------------------------------------------------------

    def cells(self, column: str) -> dict[str, int]:
        """Each non-empty answer of a column (stripped) -> its number of rows, in order of first
        appearance; counted once per column (the distinct values, not every row, in Python)."""
        if column not in self._cells:
            out: dict[str, int] = {}
            for value, n in self.data[column].value_counts(sort=False, dropna=True).items():
                text = str(value).strip()
                if text:
                    out[text] = out.get(text, 0) + int(n)
            self._cells[column] = out
        return self._cells[column]

    def filled(self, column: str) -> int:
        return sum(self.cells(column).values())

    def _dates(self, column: str) -> bool:
        from types import SimpleNamespace

        from helpers.survey.cleaning import parse_dates

        values = self.data[column]
        if not self.cells(column):
            return False
        if files.is_excel_serial(values):
            return True
        try:
            parse_dates(values, SimpleNamespace(date_format=None, platform=self.export.platform), column, "")
        except InputError:
            return False
        return True

    def _numbers(self, column: str, low: float | None = None, high: float | None = None) -> bool:
        try:
            values = [float(v) for v in self.cells(column)]
        except ValueError:
            return False
        return bool(values) and (low is None or min(values) >= low) and (high is None or max(values) <= high)

    def metadata(self) -> None:
        draft, meta = self.draft, self.draft.metadata
        for column in self.data.columns:
            name = column.strip()
            cells = self.cells(column)
            if (
                "response_id" not in meta
                and _RESPONSE_ID.fullmatch(name)
                and cells
                and max(cells.values()) == 1
            ):
                meta["response_id"] = column
            elif "started" not in meta and _STARTED.fullmatch(name) and self._dates(column):
                meta["started"] = column
            elif "ended" not in meta and _ENDED.fullmatch(name) and self._dates(column):
                meta["ended"] = column
            elif "duration" not in meta and _DURATION.fullmatch(name) and self._numbers(column, 0):
                meta["duration"] = column
            elif "progress" not in meta and _PROGRESS.fullmatch(name) and self._numbers(column, 0, 100):
                meta["progress"] = column
            elif (
                "finished" not in meta
                and _FINISHED.fullmatch(name)
                and cells
                and {c.casefold() for c in cells} <= {"1", "0", "true", "false", "yes", "no"}
            ):
                meta["finished"] = column
            elif _STARTED.fullmatch(name) or _ENDED.fullmatch(name):
                draft.notes.append(
                    f"{column!r} looks like a date but its cells are not read as dates (day and month "
                    "order unknown?): declare survey.date_format and metadata.started/ended to use it"
                )
            else:
                continue
            self.used.add(column)
        if "duration" in meta:
            meta.pop("ended", None)  # the duration is read, not derived

    def identifiers(self) -> None:
        for column in self.data.columns:
            if column in self.used:
                continue
            name = column.strip()
            question, sub = self.export.parts.get(column, ("", ""))
            sub = sub if _CONTACT.search(question) else ""  # SurveyMonkey's contact fields
            cells = self.cells(column)
            emails = bool(cells) and sum(
                n for c, n in cells.items() if _EMAIL.fullmatch(c)
            ) >= 0.8 * self.filled(column)
            if _EMAIL_COLUMN.fullmatch(name) or _EMAIL_COLUMN.fullmatch(sub) or emails:
                if "email" not in self.draft.identifiers:
                    self.draft.identifiers["email"] = column
                    self.used.add(column)
                    continue
                what = "an e-mail address"
            elif _IP_COLUMN.fullmatch(name) or (cells and all(_IPV4.fullmatch(c) for c in cells)):
                what = "an IP address"
            elif _NAME_COLUMN.fullmatch(name) or _NAME_COLUMN.fullmatch(sub):
                what = "a name"
            elif _RESPONSE_ID.fullmatch(name):
                what = "a response number"
            elif _LEFT_OUT_METADATA.fullmatch(name):
                self.left_out.append(column)
                self.used.add(column)
                continue
            else:
                continue
            var = DraftVariable(_name(_words(name), self.taken), column, "identifier", "")
            var.comment = f"{what}: declared so that it is never analysed nor written out"
            self.draft.variables.append(var)
            self.used.add(column)

    # -- questions -----------------------------------------------------------------------------

    def groups(self) -> list[tuple[str, list[str]]]:
        """(question, its columns) in export order: SurveyMonkey's row-1 questions; in a plain
        file, columns sharing a stem (``Q5_1``, ``Q5_2``; ``Q5[a]``) whose cells are all tick
        boxes or all answers of one kind, else each column on its own."""
        columns = [c for c in self.data.columns if c not in self.used]
        if self.export.parts:
            out: dict[str, list[str]] = {}
            for c in columns:
                out.setdefault(self.export.parts[c][0], []).append(c)
            return list(out.items())
        stems: dict[str, list[str]] = {}
        for c in columns:
            m = _STEM.match(c)
            stems.setdefault(m.group("stem") if m else c, []).append(c)
        out_list = []
        for stem, cols in stems.items():
            if len(cols) > 1:
                out_list.append((stem, cols))
            else:
                out_list.append((cols[0], cols))
        return out_list

    def sub_label(self, column: str, stem: str) -> str:
        if self.export.parts:
            return self.export.parts[column][1]
        m = _STEM.match(column)
        return (m.group("bracket") or m.group("suffix")) if m and m.group("stem") == stem else column

    def question(self, question: str, columns: list[str]) -> None:
        sm = bool(self.export.parts)
        if sm:  # "Open-Ended Response", "Other (please specify)": free text
            texts = [c for c in columns if _SM_FREE_TEXT.fullmatch(self.sub_label(c, question))]
            self.free_text += texts
            columns = [c for c in columns if c not in texts]
            if not columns:
                return
        if all(not self.cells(c) for c in columns):
            self.empty += columns
            return
        if len(columns) == 1:
            self.single(columns[0], question if sm else columns[0])
            return
        subs = {c: self.sub_label(c, question) for c in columns}
        if all(self._ticks(c, subs[c]) for c in columns):
            self.ticks(question, columns, subs)
        else:
            self.grid(question, columns, subs)

    def _ticks(self, column: str, sub: str) -> bool:
        from helpers.survey.cleaning import TICKED, UNTICKED

        answers = {_norm(a) for a in self.cells(column)}
        return answers <= {_norm(sub)} | TICKED | UNTICKED

    def ticks(self, question: str, columns: list[str], subs: dict[str, str]) -> None:
        """Tick boxes: a ``multiple`` (tick all that apply) where some respondent ticked two,
        else one answer over its 0/1 columns (SurveyMonkey: always ``multiple``, its single
        answers are one column)."""
        from helpers.survey.cleaning import TICKED

        ticked = sum(
            self.data[c]
            .fillna("")
            .astype("str")
            .map(lambda v, s=subs[c]: _norm(v) in TICKED or _norm(v) == _norm(s))
            for c in columns
        )
        several = bool(self.export.parts) or bool((ticked > 1).any()) or bool(_TICK_ALL.search(question))
        codes = [
            subs[c] if _INTEGER.fullmatch(subs[c]) and not self.export.parts else str(i)
            for i, c in enumerate(columns, start=1)
        ]
        if len(set(codes)) < len(codes):
            codes = [str(i) for i in range(1, len(columns) + 1)]
        var = DraftVariable(
            _name(_words(question), self.taken), "", "multiple" if several else "categorical", question
        )
        var.columns = dict(zip(codes, columns))
        var.labels = _unique_labels(dict(zip(codes, (subs[c] for c in columns))))
        var.comment = (
            "tick all that apply: one column per option"
            if several
            else "one answer over 0/1 columns (nobody ticked two; if several may be ticked, make it multiple)"
        )
        self.draft.variables.append(var)

    def grid(self, question: str, columns: list[str], subs: dict[str, str]) -> None:
        """A matrix (SurveyMonkey) or columns sharing a stem: one item per row; one battery on a
        shared scale where the answers fit a known scale."""
        union: list[str] = []
        for c in columns:
            union += [a for a in self.cells(c) if a not in union]
        kinds = [self.kind(c, question + " - " + subs[c]) for c in columns]
        if not union or any(k != "answers" for k in kinds):
            for c in columns:
                self.single(c, f"{question} - {subs[c]}" if self.export.parts else c)
            return
        battery = _battery_name(_words(question, 5))
        for c in columns:
            text = f"{question} - {subs[c]}" if self.export.parts else c
            name = subs[c] if self.export.parts else c
            self.answers(c, text, union, battery=battery, name=name)

    def kind(self, column: str, question: str) -> str:
        answers = list(self.cells(column))
        if not answers:
            return "empty"
        if all(_INTEGER.fullmatch(a) or re.fullmatch(r"-?\d+\.\d+", a) for a in answers):
            whole = all(_INTEGER.fullmatch(a) for a in answers)
            return "answers" if whole and len(answers) <= MAX_ANSWERS else "number"
        if _is_free_text(question, answers, self.filled(column)):
            return "text"
        return "answers"

    def single(self, column: str, question: str) -> None:
        kind = self.kind(column, question)
        if kind == "empty":
            self.empty.append(column)
        elif kind == "text":
            self.free_text.append(column)
        elif kind == "number":
            self.draft.variables.append(
                DraftVariable(_name(_words(question), self.taken), column, "number", question)
            )
        else:
            self.answers(column, question, list(self.cells(column)))

    def answers(self, column, question, answers, battery=None, name=None) -> None:
        var = DraftVariable(_name(_words(name or question), self.taken), column, "categorical", question)
        non = [a for a in answers if NON_SUBSTANTIVE.search(a)]
        sub = [a for a in answers if a not in non]
        fit = match_scale(sub)
        if fit is not None:
            levels, comment = fit
            coded = _coded(levels + non)
            scale_levels = {c: lab for c, lab in coded.items() if lab in levels}
            scale_non = {c: lab for c, lab in coded.items() if lab in non}
            var.type, var.battery = "likert", battery
            numbered = _NUMBERED.fullmatch(_norm(levels[-1]))
            tag = f"numbered_{len(levels)}" if numbered else f"{_words(levels[0], 2)} {_words(levels[-1], 2)}"
            var.scale = _scale_name(self.draft, tag, scale_levels, scale_non)
            self.draft.positive.setdefault(var.scale, _positive(scale_levels))
            self.draft.scale_comments.setdefault(var.scale, f"low to high: {comment}")
        else:  # order unknown: in natural order (numbers as numbers), the draft says so
            sub = sorted(sub, key=_natural)
            coded = _coded(sub + non) if sub else _coded(non)
            var.labels = {c: lab for c, lab in coded.items() if lab in sub} or coded
            var.non_substantive = {c: lab for c, lab in coded.items() if lab in non} if sub else {}
            numbers = all(_INTEGER.fullmatch(a) for a in sub)
            consent = [c for c, lab in var.labels.items() if _norm(lab) in _CONSENT_YES]
            if _CONSENT.search(question) and len(consent) == 1 and len(var.labels) == 2:
                var.type, var.consent_code = "consent", consent[0]
                var.comment = (
                    "consent question (its wording): only those answering the consent code are analysed"
                )
            elif {_norm(a) for a in sub} <= {_norm(r) for r in ROLE_GROUPS} and len(sub) > 1:
                var.comment = "its answers are the study's role groups: the role? (see the TODO role line)"
            elif numbers:
                var.comment = (
                    "codes without labels: labels to fill in; order to confirm (if a scale, make it likert)"
                )
            elif len(sub) > 2:
                var.comment = "order to confirm: if these answers are a scale, put them low to high under scales and make it likert"
        self.draft.variables.append(var)

    def finish(self) -> Draft:
        draft = self.draft
        if self.free_text:
            draft.notes.append(
                f"free text left out ({len(self.free_text)} column(s); text is never analysed): "
                + _listing(self.free_text)
                + ". An 'Other, please specify' column of the role question is its role's other_text."
            )
        if self.empty:
            draft.notes.append(f"no answers in the export, left out: {_listing(self.empty)}")
        if self.left_out:
            draft.notes.append(f"platform columns not used: {_listing(self.left_out)}")
        if "started" not in draft.metadata:
            draft.notes.append("no start date found: duplicates are ordered by completeness and row only")
        likert = [v for v in draft.variables if v.type == "likert"]
        draft.todos = [TODO_ROLE]
        if likert:
            draft.todos += [TODO_BATTERIES, TODO_PUBLISHED]
            draft.checks.append(
                "check: the scales below were recognised from their answers (order and `positive` "
                "inferred: the levels above the middle); mark negatively worded items `reverse: true`"
            )
        return draft


def draft_from_export(path: Path, export=None) -> Draft:
    """A draft from a SurveyMonkey or plain CSV/XLSX export alone (no survey definition):

    * metadata by column name where the cells agree (``Respondent ID``/``id`` unique ->
      ``response_id``; ``Start Date``/``started`` dates -> ``started``, ``End Date`` ->
      ``ended`` where no duration column; ``seconds``/``duration`` -> ``duration``;
      ``progress`` 0-100 -> ``progress``);
    * identifiers never analysed: the first e-mail column under ``identifiers`` (duplicates),
      IP addresses, names, other e-mails and response numbers as ``type: identifier``;
    * a question's answers as levels: a ``likert`` item on a scale in its known order where
      they fit one of :data:`LIKERT_PATTERNS` (or ``1 of k`` .. ``k of k``), "Don't know" and
      the like apart, ``positive`` the levels above the middle; otherwise a ``categorical``
      commented "order to confirm" (whole numbers: codes whose labels are to fill in);
    * one column per option (SurveyMonkey's tick-all options, a plain file's 0/1 columns
      ``Q8_1``, ``Q8_2``): a ``multiple`` with ``columns`` where someone ticked two (always
      on SurveyMonkey), else one answer over 0/1 columns;
    * a matrix (SurveyMonkey) or columns sharing a stem (``Q5_1``, ``Q5_2``): one item per row,
      one battery where their answers fit a known scale;
    * free text ("Open-Ended Response", "Other (please specify)", comments, many distinct
      answers), empty columns and platform columns (``Collector ID``) left out with a note.
    """
    from helpers.survey.readers import read_export

    export = export if export is not None else read_export(path)
    if export.platform not in ("surveymonkey", "csv", "xlsx"):
        raise InputError(
            path,
            f"drafting from the export alone is for SurveyMonkey and plain CSV/XLSX files; this reads as {export.platform}",
        )
    if not len(export.data):
        raise InputError(
            path, "the export has no responses: the draft infers each question's answers from them"
        )
    work = _ExportDraft(path, export)
    work.metadata()
    work.identifiers()
    for question, columns in work.groups():
        work.question(question, columns)
    draft = work.finish()
    draft.notes += export.notes
    if not draft.variables:
        raise InputError(path, "no question columns found in the export")
    return draft


# --------------------------------------------------------------------------------------------
# SPSS / Stata


def draft_from_labelled(path: Path) -> Draft:
    from helpers.survey.spss import read_labelled

    export, meta = read_labelled(path)
    draft = Draft(title=path.stem, source=path, platform=None, export=path.name)
    _metadata_and_identifiers(draft, export)
    meta_columns = set(draft.metadata.values()) | set(draft.identifiers.values())
    missing_codes: list[str] = []
    label_sets: dict[tuple, list[str]] = {}
    for column in export.data.columns:
        if column in meta_columns:
            continue
        labels = meta.value_labels.get(column, {})
        user_missing = meta.user_missing.get(column, [])
        sub = {c: lab for c, lab in labels.items() if c not in user_missing}
        if len(sub) >= 3:
            label_sets.setdefault(tuple(sub.items()), []).append(column)
    likert = {c: key for key, cols in label_sets.items() if len(cols) >= 2 for c in cols}
    taken: set[str] = set()
    for column in export.data.columns:
        if column in meta_columns:
            continue
        question = meta.variable_labels.get(column) or column
        var = DraftVariable(_name(column, taken), column, "text", question)
        labels = meta.value_labels.get(column, {})
        user_missing = meta.user_missing.get(column, [])
        unlabelled_missing = [c for c in user_missing if c not in labels]
        missing_codes += [c for c in unlabelled_missing if c not in missing_codes]
        if meta.missing_ranges.get(column):
            spans = ", ".join(f"{lo:g} to {hi:g}" for lo, hi in meta.missing_ranges[column])
            var.comment = f"user-missing range {spans}: list the codes that occur under survey.missing_codes"
        cells = set(export.data[column]) - {""} - set(user_missing)
        if labels and not cells <= set(labels) | set(
            labels.values()
        ):  # labels on some values only (e.g. 999 "skipped")
            var.type = "number" if _all_numbers(export.data[column]) else "text"
            var.comment = "value labels on some values only: " + _mapping(labels)
        elif labels:
            sub = _unique_labels({c: lab for c, lab in labels.items() if c not in user_missing})
            non = {c: lab for c, lab in labels.items() if c in user_missing}
            if column in likert:
                var.type = "likert"
                var.scale = _scale_name(draft, "labels_" + str(len(draft.scales) + 1), sub, non)
                var.battery = var.scale.removeprefix("scale_")
            else:
                var.type = "ordinal" if meta.measure.get(column) == "ordinal" else "categorical"
                var.labels, var.non_substantive = sub or non, non if sub else {}
        elif column not in meta.string_columns and _all_numbers(export.data[column]):
            var.type = "number"  # dates and times (ISO text) stay text
        draft.variables.append(var)
    draft.missing_codes = missing_codes
    draft.notes += export.notes
    return draft


def _all_numbers(values) -> bool:
    import pandas as pd

    filled = values[values.str.strip() != ""]
    return bool(pd.to_numeric(filled, errors="coerce").notna().all())


# --------------------------------------------------------------------------------------------
# Writing the draft


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


# --------------------------------------------------------------------------------------------
# The analyst's decisions, applied to a draft


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


# --------------------------------------------------------------------------------------------
# Command line


EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
# Files that sit beside the export and are not it (helpers.survey.inputs.COMPANION_FILES and the
# cleaning's optional overrides).
NOT_EXPORTS = {"sampling_frame.csv", "population_margins.csv", "duplicate_overrides.csv"}


def find_definition(data: Path) -> Path:
    """What to draft from, in a file, a survey folder or a data folder: a Qualtrics .qsf
    (preferred), an SPSS/Stata file, a JISC coded results file, else the one export there is
    (SurveyMonkey or a plain CSV/XLSX)."""
    if data.is_file():
        return data
    for folder in (data / "survey", data):
        if folder.is_dir():
            for pattern in ("*.qsf", "*.sav", "*.zsav", "*.dta", "*.csv"):
                found = sorted(folder.glob(pattern))
                if pattern == "*.csv":  # JISC coded results (first column URN), not its key file
                    found = [p for p in found if "-key." not in p.name and _starts_with_urn(p)]
                if len(found) > 1:
                    raise InputError(
                        folder, f"several {pattern} files: name one", value=[p.name for p in found]
                    )
                if found:
                    return found[0]
            exports = sorted(
                p
                for p in folder.iterdir()
                if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES and p.name not in NOT_EXPORTS
            )
            if len(exports) > 1:
                raise InputError(
                    folder,
                    "several files could be the export: name one (make codebook DATA=<folder>/<file>)",
                    value=[p.name for p in exports],
                )
            if exports:
                return exports[0]
    raise InputError(
        data,
        "no survey definition or export found (looked in survey/ and the folder itself for a "
        "Qualtrics .qsf, an SPSS/Stata file, a JISC coded results file, a SurveyMonkey or plain "
        "CSV/XLSX export; docs/bring-your-own-survey.md)",
    )


def _starts_with_urn(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(8).lstrip(b"\xef\xbb\xbf").startswith((b"URN,", b'"URN"'))


def _beside_export(definition: Path):
    """The export beside a .qsf (one CSV/TSV/XLSX with Qualtrics ImportIds), read; else None."""
    from helpers.survey.readers import read_export

    candidates = sorted(
        p for p in definition.parent.iterdir() if p.suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx"}
    )
    exports = []
    for path in candidates:
        try:
            export = read_export(path)
        except InputError:
            continue
        if export.import_ids:
            exports.append(export)
    return exports[0] if len(exports) == 1 else None


def draft(definition: Path, export=None) -> Draft:
    suffix = definition.suffix.lower()
    if suffix == ".qsf":
        return draft_from_qsf(definition, export)
    if suffix == ".csv" and _starts_with_urn(definition):
        return draft_from_jisc(definition)
    if suffix in (".sav", ".zsav", ".dta"):
        return draft_from_labelled(definition)
    from helpers.survey.readers import read_export

    export = read_export(definition)
    if export.platform in ("qualtrics", "qualtrics-legacy"):
        raise InputError(
            definition,
            "a Qualtrics export: draft from its survey file instead (Survey > Tools > "
            "Import/Export > Export survey, a .qsf), put beside the export",
        )
    if export.platform == "jisc":
        raise InputError(
            definition,
            "a JISC Online Surveys text (label) results file: draft from the coded results file "
            "(first column URN) with its key file beside it",
        )
    return draft_from_export(definition, export)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.survey.codebook_draft", description=__doc__)
    parser.add_argument(
        "data",
        help="a .qsf, .sav, .dta, JISC, SurveyMonkey or CSV/XLSX file, or a folder holding one (or its survey/)",
    )
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    from helpers import paths

    data = paths.resolve(args.data)
    out = paths.resolve(args.out)
    try:
        definition = find_definition(data)
        folder = data if data.is_dir() else data.parent
        if out.resolve().is_relative_to(folder.resolve()) or out.resolve().is_relative_to(
            definition.parent.resolve()
        ):
            raise InputError(out, "the draft is never written under the data folder: give OUT= elsewhere")
        export = _beside_export(definition) if definition.suffix.lower() == ".qsf" else None
        result = draft(definition, export)
    except InputError as exc:
        print(f"make codebook: {exc}", file=sys.stderr)
        return 1
    from helpers.outputs import atomic_path

    with atomic_path(out) as tmp:
        tmp.write_text(render(result), encoding="utf-8")
    todos = pending_decisions(out)
    print(f"Drafted {len(result.variables)} variables from {definition.name} into {args.out}")
    if export is not None:
        print(f"Columns named as in the export beside it: {export.source.name}")
    print(f"{len(todos)} decisions are marked TODO in the draft; resolve them, then copy it to")
    print(f"  {definition.parent / 'codebook.yaml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
