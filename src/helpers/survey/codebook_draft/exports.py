"""A draft from a SurveyMonkey export or a plain CSV/XLSX file alone: there is no survey
definition, so the draft is inferred from the header rows and the answers, and every
inference is commented in it."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import files
from helpers.files import InputError
from helpers.survey.codebook import ROLE_GROUPS
from helpers.survey.codebook_draft.jisc import _TICK_ALL
from helpers.survey.codebook_draft.model import (
    NON_SUBSTANTIVE,
    TODO_BATTERIES,
    TODO_PUBLISHED,
    TODO_ROLE,
    TODO_SCALES,
    Draft,
    DraftVariable,
    _battery_name,
    _name,
    _scale_name,
    _unique_labels,
)
from helpers.survey.codebook_draft.scales import (
    _INTEGER,
    _NUMBERED,
    _coded,
    _natural,
    _norm,
    _positive,
    match_scale,
)

_CONSENT = re.compile(r"consent|agree to (take part|participate)|happy to (take part|participate)", re.I)


_CONSENT_YES = {"yes", "i agree", "i consent", "agree", "yes, i agree", "yes, i consent"}


_SENTENCE = re.compile(r'[.!?]$|["\u201c\u201d]')  # a sentence or a quotation: someone's own words


MAX_ANSWERS = 12  # more distinct answers than this: free text (or a number), not categories


_FREE_TEXT = re.compile(
    r"comment|please (specify|explain|describe|tell)|in your own words|anything else|suggestion",
    re.IGNORECASE,
)


_SM_FREE_TEXT = re.compile(r"open-ended response|other \(please .*\)", re.IGNORECASE)


# A SurveyMonkey row-1 header that is no question wording: blank or only its number ("Question 5",
# "Q5"), as an export shows a question given no title.
_NO_WORDING = re.compile(r"\s*(?:(?:question|q)\s*\d+[a-z]?[.:)]?)?\s*", re.IGNORECASE)


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
        self.no_wording: dict[
            str, int
        ] = {}  # SurveyMonkey questions whose header is only their number: columns
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
        if sm and _NO_WORDING.fullmatch(question):  # a matrix (rows of one scale) is told apart below
            self.no_wording[question] = 1
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
        # A matrix whose header is only its number ("Question 5"): each row's statement alone is
        # its wording, not "Question 5 - <statement>" (the finishing note says so).
        wording = {
            c: (subs[c] if question in self.no_wording else f"{question} - {subs[c]}")
            if self.export.parts
            else c
            for c in columns
        }
        if question in self.no_wording:
            self.no_wording[question] = len(columns)
        kinds = [self.kind(c, question + " - " + subs[c]) for c in columns]
        if not union or any(k != "answers" for k in kinds):
            for c in columns:
                self.single(c, wording[c])
            return
        battery = _battery_name(_words(question, 5))
        for c in columns:
            name = subs[c] if self.export.parts else c
            self.answers(c, wording[c], union, battery=battery, name=name)

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
        grids = [q for q, n in self.no_wording.items() if n > 1]
        singles = [q for q in self.no_wording if q not in grids]
        if grids:
            draft.notes.append(
                f"no question wording in the export, only a number: {_listing(grids)}: each row's `question` "
                "is its statement alone (add the question's wording if the reports should show it)"
            )
        if singles:
            draft.notes.append(
                f"no question wording in the export, only a number: {_listing(singles)}: its `question` is "
                "that number: write the question's wording there (the reports show it)"
            )
        if "started" not in draft.metadata:
            draft.notes.append("no start date found: duplicates are ordered by completeness and row only")
        likert = [v for v in draft.variables if v.type == "likert"]
        draft.todos = [TODO_ROLE]
        if not likert and any("order to confirm" in (v.comment or "") for v in draft.variables):
            draft.todos.append(TODO_SCALES)  # make check reports it: a release with no attitudes
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
