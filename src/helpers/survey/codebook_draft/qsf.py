"""A draft from a Qualtrics survey file (``.qsf``), with the export beside it when there is one
(its ImportIds name each column's question and choice)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import files
from helpers.files import InputError
from helpers.survey.codebook_draft.model import (
    Draft,
    DraftVariable,
    _battery_name,
    _name,
    _scale_name,
    _split_labels,
    _unique_labels,
    plain,
)

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


SINGLE = {"SAVR", "SAHR", "SACOL", "DL", "SB", "NPS"}


MULTIPLE = {"MAVR", "MAHR", "MACOL", "MSB"}


NUMBER_TYPES = {"Slider", "RO", "CS", "Timing"}


_IMPORT = re.compile(r"^(QID\d+)(#\d+)?(?:[-_](.*))?$")


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
