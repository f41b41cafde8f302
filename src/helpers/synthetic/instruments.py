"""Random valid survey instruments: a codebook and a matching export on any platform layout.

A seeded generator for the generated-instrument tests (issue 11): each seed gives one
instrument the analysis has never seen, with random variable names, 2-11-level scales with
arbitrary recode values (not 1..k, not always increasing) and natural or numbered labels,
0-3 batteries with random names, single items, optional multi-item scales and covariates,
optional consent, identifiers, "Other, please specify" and the published-figure mapping, role
groups of 0-3 people or many, groups where everyone gives the top answer (100%) or nobody does
(0%), preview rows, non-consent, partial responses and duplicate e-mails.

:func:`random_instrument` draws the instrument (codebook as a dict, answers as codes);
:func:`write_instrument` writes ``<folder>/survey/codebook.yaml`` and the export in one of
:data:`LAYOUTS`: Qualtrics (numeric values, choice text, legacy two-row header), SurveyMonkey
(two header rows, answer text), JISC Online Surveys (coded results file with its key file:
batteries as grids of one-hot 0/1 columns and a tick-all question as 0/1 columns, as JISC
exports them), plain CSV and XLSX (categoricals one-hot, a tick-all question). Everything is
synthetic (e-mails at example.org).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

LAYOUTS = ("qualtrics", "qualtrics-text", "qualtrics-legacy", "surveymonkey", "jisc", "csv", "xlsx")
ROLE_GROUPS = ["Chief executive", "Medical director", "Clinical director", "Directorate manager"]
WORDS = [
    "trust", "voice", "budget", "care", "safety", "board", "team", "morale", "staff", "clinic",
    "ward", "audit", "target", "quality", "finance", "policy", "training", "leaders", "respect",
    "workload", "change", "priority", "access", "waiting", "support", "openness", "rota", "beds",
]  # fmt: skip
NATURAL = {
    2: ["No", "Yes"],
    3: ["Low", "Medium", "High"],
    4: ["Never", "Sometimes", "Often", "Always"],
    5: ["Poor", "Fair", "Good", "Very good", "Excellent"],
    7: ["Strongly disagree", "Disagree", "Somewhat disagree", "Neither", "Somewhat agree", "Agree",
        "Strongly agree"],
}  # fmt: skip
# Published measures an instrument may map (data/reference/published_figures.csv).
MEASURES = ["relationship_positive", "relationship_improve", "relationship_deteriorate"]
QUALTRICS_META = {
    "started": "StartDate",
    "ended": "EndDate",
    "status": "Status",
    "progress": "Progress",
    "duration": "Duration (in seconds)",
    "finished": "Finished",
    "response_id": "ResponseId",
}
LEGACY_META = ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
               "IPAddress", "Status", "StartDate", "EndDate", "Finished"]  # fmt: skip


@dataclass
class Instrument:
    """One random instrument: the codebook (a dict, YAML-ready; ``source`` columns are
    abstract IDs ``Q1``, ``Q2_3``... that :func:`write_instrument` renames per layout), each
    variable's question text, and the responses as export codes (text, one column per ID)."""

    seed: int
    codebook: dict
    questions: dict[str, str]  # column ID -> question text
    responses: pd.DataFrame  # one row per raw response; columns: metadata keys and column IDs
    expected: dict = field(default_factory=dict)  # what cleaning must find (counts)


def _name(rng, used: set[str], prefix: str = "") -> str:
    while True:
        name = prefix + "_".join(rng.choice(WORDS, size=int(rng.integers(1, 3)), replace=False))
        if name not in used:
            used.add(name)
            return name


def _scale(rng, name: str) -> dict:
    k = int(rng.integers(2, 12))
    codes = [int(c) for c in rng.choice(np.arange(0, 100), size=k, replace=False)]
    if rng.random() < 0.5:
        codes = sorted(codes)
    labels = (
        NATURAL.get(k) if rng.random() < 0.6 and k in NATURAL else [f"{i} of {k}" for i in range(1, k + 1)]
    )
    levels = dict(zip(codes, labels))
    spare = [c for c in range(100, 110)]
    non_sub = {int(rng.choice(spare)): "Don't know"} if rng.random() < 0.4 else None
    top = int(rng.integers(1, max(2, k // 2) + 1))
    spec = {"levels": levels, "positive": codes[-top:]}
    if non_sub:
        spec["non_substantive"] = non_sub
    return spec


def random_instrument(seed: int, max_battery_items: int = 8) -> Instrument:
    """Draw one instrument (see the module docstring); the same seed gives the same instrument.
    ``max_battery_items`` caps a battery's length (the fast test tier keeps instruments small)."""
    rng = np.random.default_rng(seed)
    used: set[str] = set()
    n_q = iter(range(1, 1000))
    questions: dict[str, str] = {}
    variables: dict[str, dict] = {}

    def column(question: str, sub: int | None = None, q: int | None = None) -> str:
        cid = f"Q{q if q is not None else next(n_q)}" + (f"_{sub}" if sub is not None else "")
        questions[cid] = question
        return cid

    consent = rng.random() < 0.5
    if consent:
        variables[_name(rng, used, "ok_")] = {
            "source": column("Do you agree to take part?"), "type": "consent",
            "labels": {1: "Yes", 2: "No"}, "consent_code": 1,
        }  # fmt: skip
    role_codes = [int(c) for c in rng.choice(np.arange(1, 60), size=5, replace=False)]
    role_name = _name(rng, used, "role_")
    with_other = rng.random() < 0.5
    role_spec = {
        "source": column("Which best describes your role?"),
        "type": "role",
        "question": "Which best describes your role?",
        "labels": dict(zip(role_codes, [*ROLE_GROUPS, "Other"])),
    }
    if with_other:
        role_spec["other_code"] = role_codes[4]
        role_spec["other_text"] = column("Other role (please specify)")
    variables[role_name] = role_spec

    covariates = []
    for _ in range(int(rng.integers(0, 3))):
        name = _name(rng, used, "bg_")
        k = int(rng.integers(2, 5))
        variables[name] = {
            "source": column(f"Background question {name}?"),
            "type": "categorical",
            "question": f"Background question {name}?",
            "labels": {i + 1: f"{name} {i + 1}" for i in range(k)},
        }
        covariates.append(name)

    scales: dict[str, dict] = {}
    likert: list[str] = []
    batteries: dict[str, list[str]] = {}
    for _ in range(int(rng.integers(0, 4))):
        bname = _name(rng, used, "set_")
        sname = f"scale_{len(scales) + 1}"
        scales[sname] = _scale(rng, sname)
        q = next(n_q)
        items = []
        for j in range(int(rng.integers(2, max_battery_items + 1))):
            iname = _name(rng, used)
            text = f"Statement {j + 1} about {iname.replace('_', ' ')}"
            variables[iname] = {"source": column(text, sub=j + 1, q=q), "type": "likert", "scale": sname,
                                "battery": bname, "question": text}  # fmt: skip
            if rng.random() < 0.2:
                variables[iname]["reverse"] = True
            items.append(iname)
        batteries[bname] = items
        likert += items
    singles = []
    for _ in range(int(rng.integers(0 if batteries else 1, 3))):
        sname = f"scale_{len(scales) + 1}"
        scales[sname] = _scale(rng, sname)
        iname = _name(rng, used, "q_")
        text = f"How would you rate {iname[2:].replace('_', ' ')}?"
        variables[iname] = {"source": column(text), "type": "likert", "scale": sname, "question": text}
        singles.append(iname)
        likert.append(iname)
    if rng.random() < 0.3:
        variables[_name(rng, used, "notes_")] = {"source": column("Any comments?"), "type": "text"}

    codebook: dict = {
        "survey": {"title": f"Generated instrument {seed}", "synthetic": True},
        "metadata": {},
        "scales": scales,
        "variables": variables,
    }
    if with_other:
        codebook["role_rules"] = [{"pattern": "chief exec", "role": "Chief executive"}]
    multi = {}
    for bname, items in batteries.items():
        if len(items) >= 3 and rng.random() < 0.6:
            multi[f"{bname}_score"] = {"label": bname.replace("_", " "), "items": items}
            reverse = [i for i in items if variables[i].get("reverse")]
            if reverse:
                multi[f"{bname}_score"]["reverse"] = reverse
    if multi:
        codebook["multi_item_scales"] = multi
    if covariates and rng.random() < 0.8:
        codebook["covariates"] = covariates
    mapped = [m for m in MEASURES if rng.random() < 0.4]
    if mapped and likert:
        codebook["published_comparison"] = {}
        for m in mapped:
            item = str(rng.choice(likert))
            scale = scales[variables[item]["scale"]]
            codebook["published_comparison"][m] = {"item": item, "levels": list(scale["positive"])}
    if likert and rng.random() < 0.7:
        codebook["headline_items"] = [
            str(i) for i in rng.choice(likert, size=min(2, len(likert)), replace=False)
        ]
    with_email = rng.random() < 0.7
    if with_email:
        codebook["identifiers"] = {"email": "email"}
    sizes = [
        int(rng.choice([0, 1, 2, 3])) if rng.random() < 0.4 else int(rng.integers(6, 30)) for _ in ROLE_GROUPS
    ]
    if sum(s > 0 for s in sizes) < 2:
        sizes[int(rng.integers(0, 4))] = 12
    return _with_responses(seed, codebook, questions, sizes, rng)


def _with_responses(
    seed: int, codebook: dict, questions: dict[str, str], sizes: list[int], rng
) -> Instrument:
    """Answers for ``codebook``: ``sizes`` people in the four role groups (0-3 people or many),
    one group answering the first Likert item's top level (100%) and one its bottom (0%), blanks
    and "Don't know", then the mess the cleaning removes: a preview, a partial response, a
    duplicate e-mail (in other case and spaces) and a non-consenter."""
    variables, scales = codebook["variables"], codebook["scales"]
    role_spec = next(v for v in variables.values() if v["type"] == "role")
    likert = [name for name, v in variables.items() if v["type"] == "likert"]
    covariates = [name for name, v in variables.items() if v["type"] == "categorical"]
    consent = any(v["type"] == "consent" for v in variables.values())
    with_other = "other_text" in role_spec
    with_email = "identifiers" in codebook
    roles = [r for r, n in zip(ROLE_GROUPS, sizes) for _ in range(n)]
    n = len(roles)
    rows = pd.DataFrame(index=range(n))
    role_code = {label: code for code, label in role_spec["labels"].items()}
    rows[role_spec["source"]] = [str(role_code[r]) for r in roles]
    if with_other:
        rows[role_spec["other_text"]] = ""
    everyone, nobody = rng.choice(ROLE_GROUPS, size=2, replace=False)
    for name in likert:
        spec = variables[name]
        scale = scales[spec["scale"]]
        codes = list(scale["levels"])
        answers = pd.Series([str(c) for c in rng.choice(codes, size=n)], dtype=object)
        if name == likert[0]:
            role_arr = np.array(roles)
            answers[role_arr == everyone] = str(codes[-1])
            answers[role_arr == nobody] = str(codes[0])
        blank = rng.random(n) < 0.05
        answers[blank] = ""
        if "non_substantive" in scale:
            dk = rng.random(n) < 0.05
            answers[dk & ~blank] = str(next(iter(scale["non_substantive"])))
        rows[spec["source"]] = answers.to_numpy()
    for name in covariates:
        k = len(variables[name]["labels"])
        codes = list(variables[name]["labels"])
        rows[variables[name]["source"]] = [str(codes[i]) for i in rng.integers(0, k, size=n)]
    for spec in variables.values():
        if spec["type"] == "consent":
            rows[spec["source"]] = "1"
        elif spec["type"] == "text":
            rows[spec["source"]] = rng.choice(["", "Fine, thanks.", 'She said "no", twice'], size=n)
    rows["email"] = [f"person{i}@example.org" for i in range(n)]
    rows["status"] = "0"
    rows["progress"] = "100"
    rows["finished"] = "1"
    offsets = pd.to_timedelta(rng.integers(0, 20 * 86400, size=n), unit="s")
    start = pd.Timestamp("2026-03-02 09:00:00") + offsets
    duration = rng.integers(200, 1500, size=n)
    rows["started"] = start
    rows["ended"] = start + pd.to_timedelta(duration, unit="s")
    rows["duration"] = [str(d) for d in duration]
    extra = []
    if n:
        preview = rows.iloc[[0]].copy()
        preview["status"], preview["email"] = "1", "preview@example.org"
        extra.append(preview)
        partial = rows.iloc[[n - 1]].copy()
        partial["progress"], partial["finished"], partial["email"] = "40", "0", "partial@example.org"
        extra.append(partial)
        if with_email:
            dup = rows.iloc[[n // 2]].copy()
            dup["email"] = " " + dup["email"].iloc[0].upper() + " "
            dup["started"] = dup["started"] + pd.Timedelta(days=1)
            dup["ended"] = dup["ended"] + pd.Timedelta(days=1)
            extra.append(dup)
        if consent:
            refusal = rows.iloc[[1 % n]].copy()
            refusal[[v["source"] for v in variables.values() if v["type"] == "consent"][0]] = "2"
            refusal["email"] = "refused@example.org"
            extra.append(refusal)
    responses = pd.concat([rows, *extra], ignore_index=True)
    responses["response_id"] = [f"R_{seed:05d}{i:05d}" for i in range(len(responses))]
    return Instrument(seed, codebook, questions, responses, {"analysable": n, "raw": len(responses)})


def design_instrument(seed: int = 2002) -> Instrument:
    """The study's design in a team's own wording: the four role groups, an overall rating with
    natural labels (Poor ... Excellent), an outlook question whose codes run against the scale,
    one battery named ``opinions``, a background covariate, no multi-item scales; the published
    2002/2015 measures and the headline items mapped in the codebook."""
    rng = np.random.default_rng(seed)
    questions = {
        "Q1": "Your position",
        "Q2": "Region",
        "Q3": "Overall, how good are relations between clinicians and managers here?",
        "Q4": "Next year, will relations get better, stay the same or get worse?",
        **{f"Q5_{i}": text for i, text in enumerate(
            ["Clinicians shape the budget", "Managers listen to clinicians", "Targets distort care",
             "Leaders are visible on the wards"], start=1)},
    }  # fmt: skip
    opinions = ["shape_budget", "managers_listen", "targets_distort", "leaders_visible"]
    codebook = {
        "survey": {"title": "Clinicians and managers (own wording; generated)", "synthetic": True},
        "metadata": {},
        "identifiers": {"email": "email"},
        "scales": {
            "rating": {"levels": {1: "Poor", 2: "Fair", 3: "Good", 4: "Very good", 5: "Excellent"}, "positive": [4, 5]},
            "outlook": {"levels": {3: "Get worse", 2: "Stay the same", 1: "Get better"}, "positive": [1],
                        "non_substantive": {9: "Not sure"}},
            "agree": {"levels": {10: "Strongly disagree", 20: "Disagree", 30: "Neither", 40: "Agree",
                                 50: "Strongly agree"}, "positive": [40, 50]},
        },
        "variables": {
            "position": {"source": "Q1", "type": "role", "question": questions["Q1"],
                         "labels": {11: "Chief executive", 12: "Medical director", 13: "Clinical director",
                                    14: "Directorate manager", 15: "Other"}},
            "region": {"source": "Q2", "type": "categorical", "question": "Region",
                       "labels": {1: "North", 2: "Midlands", 3: "South"}},
            "overall_rating": {"source": "Q3", "type": "likert", "scale": "rating", "question": questions["Q3"]},
            "outlook": {"source": "Q4", "type": "likert", "scale": "outlook", "question": questions["Q4"]},
            **{name: {"source": f"Q5_{i}", "type": "likert", "scale": "agree", "battery": "opinions",
                      "question": questions[f"Q5_{i}"]} for i, name in enumerate(opinions, start=1)},
        },
        "covariates": {"region": "region"},
        "published_comparison": {
            "relationship_positive": {"item": "overall_rating", "levels": [4, 5]},
            "relationship_improve": {"item": "outlook", "levels": [1]},
            "relationship_deteriorate": {"item": "outlook", "levels": [3]},
        },
        "headline_items": ["overall_rating", "outlook", "targets_distort"],
    }  # fmt: skip
    return _with_responses(seed, codebook, questions, [7, 3, 30, 24], rng)


def _labelled(inst: Instrument, col: str, values: pd.Series) -> pd.Series:
    """Codes -> labels for one column (choice-text layouts)."""
    cb = inst.codebook
    for spec in cb["variables"].values():
        if spec.get("source") == col:
            labels = {}
            if spec["type"] == "likert":
                scale = cb["scales"][spec["scale"]]
                labels = {**scale["levels"], **scale.get("non_substantive", {})}
            else:
                labels = spec.get("labels", {})
            lookup = {str(k): str(v) for k, v in labels.items()}
            return values.map(lambda v, lookup=lookup: lookup.get(v, v))
    return values


def write_instrument(inst: Instrument, folder: str | Path, layout: str) -> Path:
    """Write ``folder/survey/codebook.yaml`` and the export in ``layout``; returns the data folder."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    folder = Path(folder)
    out = folder / "survey"
    out.mkdir(parents=True, exist_ok=True)
    cb = json.loads(json.dumps(inst.codebook))  # deep copy, keys become text
    resp = inst.responses
    question_cols = list(inst.questions)
    body = resp[question_cols].copy()
    stamp = lambda s, fmt: s.dt.strftime(fmt)  # noqa: E731
    if layout in ("qualtrics", "qualtrics-text"):
        text = layout == "qualtrics-text"
        meta = pd.DataFrame(
            {
                "StartDate": stamp(resp["started"], "%Y-%m-%d %H:%M:%S"),
                "EndDate": stamp(resp["ended"], "%Y-%m-%d %H:%M:%S"),
                "Status": resp["status"].map({"0": "IP Address", "1": "Survey Preview"})
                if text
                else resp["status"],
                "Progress": resp["progress"],
                "Duration (in seconds)": resp["duration"],
                "Finished": resp["finished"].map({"1": "True", "0": "False"}) if text else resp["finished"],
                "ResponseId": resp["response_id"],
                "RecipientEmail": resp["email"],
            }
        )
        if text:
            body = pd.DataFrame({c: _labelled(inst, c, body[c]) for c in question_cols})
        cb["metadata"] = {
            k: QUALTRICS_META[k]
            for k in ("response_id", "status", "progress", "finished", "duration", "started")
        }
        ids = list(meta.columns) + question_cols
        labels = list(meta.columns) + [inst.questions[c] for c in question_cols]
        imports = [json.dumps({"ImportId": c}, separators=(",", ":")) for c in meta.columns] + [
            json.dumps({"ImportId": f"QID{c[1:]}"}, separators=(",", ":")) for c in question_cols
        ]
        grid = [ids, labels, imports] + pd.concat([meta, body], axis=1).astype(str).values.tolist()
        path = out / "export.csv"
        _write_csv(path, grid)
        _rename_sources(cb, {}, email="RecipientEmail")
    elif layout == "qualtrics-legacy":
        meta = pd.DataFrame(
            {
                "V1": resp["response_id"], "V2": "Default Response Set", "V3": "", "V4": "",
                "V5": resp["email"], "V6": "192.0.2.1", "V7": resp["status"],
                "V8": stamp(resp["started"], "%Y-%m-%d %H:%M:%S"), "V9": stamp(resp["ended"], "%Y-%m-%d %H:%M:%S"),
                "V10": resp["finished"],
            }
        )  # fmt: skip
        cb["metadata"] = {"response_id": "V1", "status": "V7", "started": "V8", "finished": "V10"}
        ids = list(meta.columns) + question_cols
        labels = LEGACY_META + [inst.questions[c] for c in question_cols]
        grid = [ids, labels] + pd.concat([meta, body], axis=1).astype(str).values.tolist()
        path = out / "export.csv"
        text = _csv_text(grid).replace("\n", ",\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        _rename_sources(cb, {}, email="V5")
    elif layout == "surveymonkey":
        body = pd.DataFrame({c: _labelled(inst, c, body[c]) for c in question_cols})
        meta_cols = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
        meta = pd.DataFrame(
            {
                "Respondent ID": [str(11000000000 + i) for i in range(len(resp))],
                "Collector ID": "400000001",
                "Start Date": stamp(resp["started"], "%m/%d/%Y %I:%M:%S %p"),
                "End Date": stamp(resp["ended"], "%m/%d/%Y %I:%M:%S %p"),
                "IP Address": "192.0.2.1",
                "Email Address": resp["email"],
            }
        )
        row1, row2, rename, previous = list(meta_cols), [""] * len(meta_cols), {}, None
        for c in question_cols:
            base = c.split("_")[0]
            grouped = "_" in c
            qtext = f"Question {base[1:]}" if grouped else inst.questions[c]
            sub = inst.questions[c] if grouped else "Response"
            row1.append(qtext if base != previous or not grouped else "")
            row2.append(sub)
            rename[c] = f"{qtext} - {sub}"
            previous = base if grouped else None
        # keep the preview/partial rows out: SurveyMonkey has no status or progress column
        keep = (resp["status"] == "0") & (resp["progress"] == "100")
        grid = [row1, row2] + pd.concat([meta, body], axis=1)[keep.to_numpy()].astype(str).values.tolist()
        path = out / "export.csv"
        _write_csv(path, grid)
        cb["metadata"] = {"response_id": "Respondent ID"}
        _rename_sources(cb, rename, email="Email Address")
    elif layout == "jisc":
        keep = (resp["status"] == "0") & (resp["progress"] == "100")
        meta = pd.DataFrame({"URN": [f"651771-651762-{66577157 + i}" for i in range(len(resp))]})
        done = pd.DataFrame({"CompletionDate": stamp(resp["ended"], "%Y-%m-%d")})
        body, key = _jisc_columns(inst, cb, body)
        table = pd.concat([meta, body, done], axis=1)[keep.to_numpy()]
        base = f"results-for-generated-{inst.seed}-2026-03-30-1200"
        path = out / f"{base}.en.csv"
        _write_csv(path, [list(table.columns)] + table.astype(str).values.tolist())
        _write_csv(
            out / f"{base}-key.en.csv",
            [["URN", "Unique Response Number"], *key, ["CompletionDate", "Submission date"]],
        )
        cb["metadata"] = {"response_id": "URN"}
        cb.pop("identifiers", None)
        cb["survey"]["export"] = path.name
        _rename_sources(cb, {})
    else:  # csv, xlsx: one header row, column IDs as named
        body = _tick_boxes(inst, cb, body)
        keep = resp["status"] == "0"
        meta = pd.DataFrame(
            {"id": resp["response_id"], "progress": resp["progress"], "seconds": resp["duration"],
             "email": resp["email"], "started": stamp(resp["started"], "%Y-%m-%d %H:%M")}
        )  # fmt: skip
        table = pd.concat([meta, body], axis=1)[keep.to_numpy()].astype(str)
        cb["metadata"] = {
            "response_id": "id",
            "progress": "progress",
            "duration": "seconds",
            "started": "started",
        }
        if layout == "csv":
            path = out / "export.csv"
            _write_csv(path, [list(table.columns)] + table.values.tolist())
        else:
            import openpyxl

            path = out / "export.xlsx"
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.append(list(table.columns))
            for row in table.values.tolist():
                ws.append(row)
            wb.save(path)
        _rename_sources(cb, {}, email="email")
    cb["survey"]["export"] = path.name
    cb["survey"]["platform"] = "qualtrics" if layout == "qualtrics-text" else layout
    (out / "codebook.yaml").write_text(
        yaml.safe_dump(cb, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return folder


def _column_labels(inst: Instrument, col: str) -> dict:
    for spec in inst.codebook["variables"].values():
        if spec.get("source") == col:
            if spec["type"] == "likert":
                scale = inst.codebook["scales"][spec["scale"]]
                return {**scale["levels"], **scale.get("non_substantive", {})}
            return spec.get("labels", {})
    return {}


TICK_ALL = ("multi_channels", "How do you hear about the board's decisions? (tick all that apply)",
            {"1": "Email", "2": "Intranet", "3": "Meetings", "4": "Word of mouth"})  # fmt: skip


def _ticked_options(inst: Instrument, n: int) -> np.ndarray:
    """The tick-all question's answers: ``n`` rows, one 0/1 column per option, seeded."""
    rng = np.random.default_rng(inst.seed + 7)
    labels = TICK_ALL[2]
    return rng.random((n, len(labels))) < rng.uniform(0.1, 0.9, size=len(labels))


def _jisc_columns(inst: Instrument, cb: dict, body: pd.DataFrame) -> tuple[pd.DataFrame, list[list[str]]]:
    """The coded results columns and key rows of JISC Online Surveys, as its real exports have
    them (../shared/reference/input-formats.md 1.3): a single-answer question is one column of
    codes (``Q3``, key: the question, then its code rows); a battery is a grid, an empty
    ``Q5`` column then one 0/1 column per statement and answer, ``Q5_<statement>_<letter>_1``
    (key: ``Q5_2_a`` with the statement, then ``"1"`` with the answer's label), no box ticked
    for a blank answer; the tick-all question is one 0/1 column per option, ``Q9_<code>``.
    Some exports write blanks instead of 0 for boxes not ticked (the data owners report it):
    a seeded half of the generated instruments do. The codebook's variables follow: grid items
    and the tick-all question are declared with ``columns: {code: column}``."""
    rng = np.random.default_rng(inst.seed + 11)
    unticked = "" if rng.random() < 0.5 else "0"
    by_source = {spec["source"]: spec for spec in cb["variables"].values() if "source" in spec}
    out: dict[str, pd.Series] = {}
    key: list[list[str]] = []
    for c in body.columns:
        spec = by_source.get(c)
        if spec is None or "battery" not in spec or "_" not in c:  # a single-answer column
            out[c] = body[c]
            key.append([c, inst.questions[c]])
            key += [[str(k), str(v)] for k, v in _column_labels(inst, c).items()]
            continue
        grid, statement = c.split("_", 1)
        if grid not in out:
            out[grid] = pd.Series("", index=body.index)
            key.append([grid, f"For each statement ({spec['battery'].replace('_', ' ')}):"])
        answers = body[c].astype(str).str.strip()
        spec.pop("source")
        spec["columns"] = {}
        for letter, (code, label) in zip("abcdefghijklmnop", _column_labels(inst, c).items()):
            column = f"{grid}_{statement}_{letter}_1"
            spec["columns"][str(code)] = column
            out[column] = (answers == str(code)).map({True: "1", False: unticked})
            key += [[f"{grid}_{statement}_{letter}", inst.questions[c]], ["1", str(label)]]
    number = 1 + max(int(c[1:].split("_")[0]) for c in body.columns)
    name, question, labels = TICK_ALL
    ticked = _ticked_options(inst, len(body))
    spec = {"type": "multiple", "question": question, "labels": dict(labels), "columns": {}}
    key.append([f"Q{number}", question])
    for j, (code, label) in enumerate(labels.items()):
        column = f"Q{number}_{code}"
        spec["columns"][code] = column
        out[column] = pd.Series(np.where(ticked[:, j], "1", unticked), index=body.index)
        key.append([code, label])
    cb["variables"][name] = spec
    return pd.DataFrame(out, index=body.index), key


def _tick_boxes(inst: Instrument, cb: dict, body: pd.DataFrame) -> pd.DataFrame:
    """Plain CSV and XLSX exports carry the tick-box types: each categorical variable as one
    0/1 column per code (a one-hot grid, ``columns:`` in the codebook: no box ticked for an
    empty or missing answer), and a tick-all question (type ``multiple``) over 0/1 columns,
    seeded by the instrument."""
    body = body.copy()
    for spec in cb["variables"].values():
        if spec["type"] != "categorical" or "source" not in spec:
            continue
        source = spec.pop("source")
        spec["columns"] = {code: f"{source}_{code}" for code in spec["labels"]}
        answers = body.pop(source).astype(str).str.strip()
        for code, column in spec["columns"].items():
            body[column] = (answers == str(code)).astype(int).astype(str)
    name, question, labels = TICK_ALL
    ticked = _ticked_options(inst, len(body))
    spec = {"type": "multiple", "question": question, "labels": dict(labels), "columns": {}}
    for j, code in enumerate(labels):
        column = f"M1_{code}"
        spec["columns"][code] = column
        body[column] = ticked[:, j].astype(int).astype(str)
    cb["variables"][name] = spec
    return body


def _rename_sources(cb: dict, rename: dict[str, str], email: str | None = None) -> None:
    for spec in cb["variables"].values():
        for key in ("source", "other_text"):
            if key in spec:
                spec[key] = rename.get(spec[key], spec[key])
    if email and "identifiers" in cb:
        cb["identifiers"] = {"email": email}
    elif "identifiers" in cb:
        cb.pop("identifiers")


def _csv_text(grid: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(grid)
    return buffer.getvalue()


def _write_csv(path: Path, grid: list[list[str]]) -> None:
    path.write_text(_csv_text(grid), encoding="utf-8")


def settings_for(layout: str, codebook: dict) -> dict:
    """The cleaning settings (``params.yaml`` ``survey:``) an instrument runs with."""
    return {
        "min_progress": 80,
        "duplicate_keys": ["email"] if "identifiers" in codebook else [],
        "straightline_min_items": 3,
    }
