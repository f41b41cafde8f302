"""A seeded generator of the SYNTHETIC demonstration survey: a Qualtrics-format export.

The numbers are calibrated on the 2015 survey's published figures (Powell & Davies, Nuffield
Trust 2016; see data/reference): 472 analysable respondents, 150 of them clinical directors;
pooled, 60% rate relationships 4-5, 37% expect them to deteriorate, 88% call regulation
poorly co-ordinated and punitive, 87% see rising cost-quality tension; chief executives most
positive and clinical directors least. Each role's answers to each item are drawn with exact
quotas (largest-remainder rounding of the target distribution), assigned through a shared
latent attitude so that items correlate as real attitude items do.

On top of the analysable respondents the export carries the mess of a real one: preview, test
and spam rows, non-consent, partial responses, duplicates, speeders, straight-liners,
"Other, please specify" job titles, "Don't know", seen-but-unanswered codes (-99) and blanks.
Every identifier is fictional (example.nhs.uk e-mails, documentation-range IP addresses).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.survey.codebook import load_codebook

ROLES = ["Chief executive", "Medical director", "Clinical director", "Directorate manager"]
ROLE_CODES = {
    "Chief executive": "1",
    "Medical director": "2",
    "Clinical director": "3",
    "Directorate manager": "4",
}
ROLE_COUNTS = {
    "Chief executive": 68,
    "Medical director": 94,
    "Clinical director": 150,
    "Directorate manager": 160,
}

# Share agreeing (Agree + Strongly agree) by role: CE, MD, CD, DM.
AGREE = {
    "att_doctors_influence": (0.80, 0.65, 0.35, 0.60),
    "att_doctors_involved": (0.70, 0.80, 0.85, 0.60),
    "att_managers_quality": (0.85, 0.65, 0.35, 0.70),
    "att_finance_over_clinical": (0.30, 0.50, 0.75, 0.45),
    "att_managers_patient_care": (0.90, 0.70, 0.45, 0.80),
    "att_teamwork": (0.88, 0.72, 0.48, 0.68),
    "att_communication": (0.80, 0.62, 0.40, 0.60),
    "att_confidence_medical": (0.90, 0.88, 0.78, 0.75),
    "att_managers_obstruct": (0.08, 0.20, 0.45, 0.12),
    "att_managers_understand_clinical": (0.75, 0.50, 0.25, 0.65),
    "att_doctors_understand_management": (0.55, 0.60, 0.50, 0.35),
    "att_regulation_punitive": (0.80, 0.88, 0.92, 0.88),
    "att_cost_quality_tension": (0.80, 0.87, 0.91, 0.86),
}
# Items that load negatively on the shared "positive about relations" factor, and the
# system-pressure items, which load on a factor of their own.
NEGATIVE = {"att_managers_obstruct", "att_finance_over_clinical"}
PRESSURE = {"att_regulation_punitive", "att_cost_quality_tension", "att_finance_over_clinical"}
QUALITY_POSITIVE = (0.80, 0.62, 0.45, 0.65)  # rate relationships 4 or 5
CHANGE = {"Deteriorate": (0.12, 0.32, 0.50, 0.40), "Improve": (0.80, 0.30, 0.15, 0.25)}

OTHER_TITLES = {  # "Other, please specify" texts that the codebook's rules classify
    "Chief executive": ["Chief Executive Officer", "Interim chief exec"],
    "Medical director": ["Deputy Medical Director", "Executive medical director"],
    "Clinical director": [
        "Associate medical director",
        "Clinical lead, surgery",
        "Divisional clinical director",
    ],
    "Directorate manager": ["General manager, surgery", "Service manager", "Head of operations, medicine"],
}
UNCLASSIFIABLE_TITLES = ["Consultant physician", "Head of nursing", "Finance director", "Locum"]
FIRST = [
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Pat",
    "Robin",
    "Jamie",
    "Morgan",
    "Casey",
    "Taylor",
    "Jordan",
    "Avery",
]
LAST = ["Example", "Sample", "Testperson", "Placeholder", "Fictional", "Madeup", "Dummy", "Invented"]

META = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
]
META_LABELS = [
    "Start Date",
    "End Date",
    "Response Type",
    "IP Address",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "Recorded Date",
    "Response ID",
    "Recipient Last Name",
    "Recipient First Name",
    "Recipient Email",
    "External Data Reference",
    "Location Latitude",
    "Location Longitude",
    "Distribution Channel",
    "User Language",
]
META_IMPORT = [
    "startDate",
    "endDate",
    "status",
    "ipAddress",
    "progress",
    "duration",
    "finished",
    "recordedDate",
    "_recordId",
    "recipientLastName",
    "recipientFirstName",
    "recipientEmail",
    "externalDataReference",
    "locationLatitude",
    "locationLongitude",
    "distributionChannel",
    "userLanguage",
]


def demo_codebook_text() -> str:
    return resources.files("helpers.survey").joinpath("demo_codebook.yaml").read_text(encoding="utf-8")


def _quota(n: int, probs) -> np.ndarray:
    """Exact counts for n draws from probs: largest-remainder rounding."""
    probs = np.asarray(probs, dtype=float) / np.sum(probs)
    raw = probs * n
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


def _agree_distribution(p: float) -> list[float]:
    """Five-level distribution with a share p agreeing: SD, D, N, A, SA."""
    return [(1 - p) * 0.25, (1 - p) * 0.50, (1 - p) * 0.25, p * 0.62, p * 0.38]


def _assign(latent: np.ndarray, counts: np.ndarray, codes: list[str]) -> np.ndarray:
    """Give the lowest-latent respondents the first code, and so on, in exact quotas."""
    out = np.empty(len(latent), dtype=object)
    order = np.argsort(latent, kind="stable")
    out[order] = np.repeat(codes, counts)
    return out


def _answers(rng, roles: np.ndarray, n_straight: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Substantive answers (as recode values) of the analysable respondents."""
    n = len(roles)
    relation = rng.normal(size=n)  # positive about doctor-manager relations
    pressure = rng.normal(size=n)  # feels the system's pressure
    cols: dict[str, np.ndarray] = {}

    def latent(sign=1.0, factor=relation, loading=0.75):
        return sign * loading * factor + np.sqrt(1 - loading**2) * rng.normal(size=n)

    straight = np.zeros(n, dtype=bool)
    straight[rng.choice(n, n_straight, replace=False)] = True
    for item, shares in AGREE.items():
        factor = pressure if item in PRESSURE else relation
        sign = -1.0 if item in NEGATIVE and item not in PRESSURE else 1.0
        z = latent(sign, factor)
        col = np.empty(n, dtype=object)
        for r, role in enumerate(ROLES):
            idx = np.flatnonzero((roles == role) & ~straight)
            fixed = ((roles == role) & straight).sum()  # straight-liners answer "Agree" (4)
            counts = _quota(idx.size + fixed, _agree_distribution(shares[r]))
            take = min(fixed, counts[3])
            counts[3] -= take
            counts[np.argmax(counts)] -= fixed - take
            col[idx] = _assign(z[idx], counts, ["1", "2", "3", "4", "5"])
        col[straight] = "4"
        cols[item] = col
    quality = np.empty(n, dtype=object)
    change = np.empty(n, dtype=object)
    zq, zc = latent(), latent(loading=0.6)
    for r, role in enumerate(ROLES):
        idx = np.flatnonzero(roles == role)
        p = QUALITY_POSITIVE[r]
        quality[idx] = _assign(
            zq[idx],
            _quota(idx.size, [(1 - p) * 0.15, (1 - p) * 0.35, (1 - p) * 0.5, p * 0.65, p * 0.35]),
            ["1", "2", "3", "4", "5"],
        )
        det, imp = CHANGE["Deteriorate"][r], CHANGE["Improve"][r]
        change[idx] = _assign(zc[idx], _quota(idx.size, [det, 1 - det - imp, imp]), ["3", "2", "1"])
    return pd.DataFrame({"relationship_quality": quality, "relationship_change": change, **cols}), straight


def _blank_some(
    rng, answers: pd.DataFrame, rate: float, dont_know: dict[str, str], dk_rate: float
) -> pd.DataFrame:
    """Item non-response (blank or -99) and "Don't know", at random."""
    out = answers.copy()
    for col in out.columns:
        u = rng.random(len(out))
        if col in dont_know:
            out.loc[u < dk_rate, col] = dont_know[col]
        out.loc[(u >= dk_rate) & (u < dk_rate + rate / 2), col] = ""
        out.loc[(u >= dk_rate + rate / 2) & (u < dk_rate + rate), col] = "-99"
    return out


def generate(seed: int = 20151) -> tuple[pd.DataFrame, str]:
    """The export as a frame of text (three header rows first) and the codebook text."""
    rng = np.random.default_rng(seed)
    codebook_text = demo_codebook_text()
    roles = np.repeat(ROLES, [ROLE_COUNTS[r] for r in ROLES])
    rng.shuffle(roles)
    n = len(roles)
    answers, straight = _answers(rng, roles, n_straight=4)
    dk = {c: "9" for c in AGREE} | {"relationship_change": "8"}
    keep_answers = answers.copy()
    answers = _blank_some(rng, answers, rate=0.02, dont_know=dk, dk_rate=0.03)
    answers.loc[straight] = keep_answers.loc[straight]  # straight-liners answered everything

    body = pd.DataFrame(index=range(n))
    body["Q1"] = "1"
    body["Q2"] = [ROLE_CODES[r] for r in roles]
    body["Q2_7_TEXT"] = ""
    other = rng.choice(n, 18, replace=False)  # chose "Other" and typed a title
    for i in other:
        body.loc[i, "Q2"] = "7"
        body.loc[i, "Q2_7_TEXT"] = rng.choice(OTHER_TITLES[roles[i]])
    nation = rng.choice(["1", "2", "3", "4"], n, p=[0.80, 0.10, 0.06, 0.04])
    body["Q3"] = nation
    body["Q4"] = rng.choice(["1", "2", "3", "4"], n, p=[0.20, 0.35, 0.25, 0.20])
    female = {
        "Chief executive": 0.40,
        "Medical director": 0.25,
        "Clinical director": 0.30,
        "Directorate manager": 0.60,
    }
    body["Q5"] = [("1" if rng.random() < female[r] else "2") for r in roles]
    body.loc[rng.random(n) < 0.03, "Q5"] = "3"
    england_type = rng.choice(["1", "2"], n, p=[0.45, 0.55])
    body["Q6"] = np.select([nation == "1", nation == "4"], [england_type, "4"], "3")
    body["Q7"], body["Q8"] = answers["relationship_quality"], answers["relationship_change"]
    body["OrgCode"] = organisations(roles, nation, keep_answers["relationship_quality"].to_numpy(), seed)
    for k, item in enumerate(AGREE, start=1):
        body[f"Q9_{k}"] = answers[item]
    body["Q10"] = ""
    body.loc[rng.choice(n, 30, replace=False), "Q10"] = rng.choice(
        [
            "Relationships depend on individuals more than structures.",
            "Turnover of managers makes it hard to build trust.",
            "Our new chief executive, Dr Example, has made a real difference.",
            "Contact me at a.example@example.nhs.uk if useful.",
            "Financial pressure dominates every conversation.",
        ],
        30,
    )
    body["Progress"] = "100"
    body["Finished"] = "1"
    body["Status"] = "0"
    duration = np.round(np.exp(rng.normal(np.log(850), 0.35, n))).astype(int)
    duration[rng.choice(np.flatnonzero(~straight), 7, replace=False)] = rng.integers(90, 200, 7)
    body["Duration (in seconds)"] = duration.astype(str)
    # Partial responses kept by the 80% threshold: the last attitude items unanswered.
    kept_partial = rng.choice(np.flatnonzero(~straight), 5, replace=False)
    body.loc[kept_partial, "Progress"] = rng.integers(85, 96, 5).astype(str)
    body.loc[kept_partial, "Finished"] = "0"
    body.loc[kept_partial, ["Q9_11", "Q9_12", "Q9_13", "Q10"]] = ""

    extra = []

    def junk_row(status="0", progress="100", finished="1"):
        row = body.iloc[int(rng.integers(n))].copy()
        row["Status"], row["Progress"], row["Finished"] = status, progress, finished
        return row

    for status, k in (("1", 3), ("2", 2), ("8", 1)):  # preview, test, spam
        extra += [junk_row(status) for _ in range(k)]
    for _ in range(6):  # did not consent
        row = junk_row()
        row[:] = ""
        row["Q1"], row["Status"], row["Progress"], row["Finished"] = "2", "0", "100", "1"
        row["Duration (in seconds)"] = str(int(rng.integers(20, 60)))
        extra.append(row)
    questions = ["Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"] + [f"Q9_{k}" for k in range(1, 14)] + ["Q10"]
    for _ in range(25):  # broke off early
        row = junk_row(progress=str(int(rng.integers(10, 76))), finished="0")
        answered = int(round(float(row["Progress"]) / 100 * len(questions)))
        row[questions[answered:]] = ""
        row["Duration (in seconds)"] = str(int(rng.integers(60, 600)))
        extra.append(row)
    for title in UNCLASSIFIABLE_TITLES:  # role outside the study
        row = junk_row()
        row["Q2"], row["Q2_7_TEXT"] = "7", title
        extra.append(row)
    n_main_and_extra = n + len(extra)
    frame = pd.concat([body, pd.DataFrame(extra)], ignore_index=True)

    # Identifiers and platform metadata (all fictional), then duplicates of real respondents.
    m = len(frame)
    first = rng.choice(FIRST, m)
    last = rng.choice(LAST, m)
    frame["RecipientFirstName"], frame["RecipientLastName"] = first, last
    frame["RecipientEmail"] = [
        f"{f.lower()}.{s.lower()}{i:04d}@example.nhs.uk" for i, (f, s) in enumerate(zip(first, last))
    ]
    frame["IPAddress"] = [
        f"192.0.2.{i % 250 + 1}" if i % 2 else f"198.51.100.{i % 250 + 1}" for i in range(m)
    ]
    frame["LocationLatitude"] = np.round(rng.uniform(50.2, 58.5, m), 4).astype(str)
    frame["LocationLongitude"] = np.round(rng.uniform(-5.5, 1.5, m), 4).astype(str)
    frame["ExternalReference"] = ""
    frame["DistributionChannel"] = np.where(frame["Status"].isin(["1", "2"]), "preview", "email")
    frame["UserLanguage"] = "EN"
    start = pd.Timestamp("2015-07-01 08:00:00") + pd.to_timedelta(rng.integers(0, 160 * 86400, m), unit="s")
    frame["_start"] = start
    dups = []
    for j, i in enumerate(rng.choice(np.flatnonzero(~straight), 8, replace=False)):
        row = frame.iloc[i].copy()
        row["RecipientEmail"] = f"  {row['RecipientEmail'].upper()} " if j % 2 else row["RecipientEmail"]
        row["_start"] = row["_start"] + pd.Timedelta(days=int(rng.integers(1, 20)))
        if j < 3:  # a less complete second attempt
            row["Progress"], row["Finished"] = "90", "0"
            row[["Q9_12", "Q9_13"]] = ""
        dups.append(row)
    frame = pd.concat([frame, pd.DataFrame(dups)], ignore_index=True)
    m = len(frame)
    frame["ResponseId"] = [
        "R_" + "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"), 15))
        for _ in range(m)
    ]
    end = frame["_start"] + pd.to_timedelta(frame["Duration (in seconds)"].astype(int), unit="s")
    frame["StartDate"] = frame["_start"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame["EndDate"] = end.dt.strftime("%Y-%m-%d %H:%M:%S")
    frame["RecordedDate"] = frame["EndDate"]
    frame = (
        frame.sort_values(["_start", "ResponseId"], kind="stable")
        .drop(columns="_start")
        .reset_index(drop=True)
    )
    assert n_main_and_extra + len(dups) == len(frame)

    codebook = load_codebook_text(codebook_text)
    question_cols = (
        ["Q1", "Q2", "Q2_7_TEXT", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"]
        + [f"Q9_{k}" for k in range(1, 14)]
        + ["Q10"]
    )
    labels, import_ids = (
        list(META_LABELS),
        [json.dumps({"ImportId": i}, separators=(",", ":")) for i in META_IMPORT],
    )
    by_source = {v.source: v for v in codebook.variables.values()}
    for col in question_cols:
        if col == "Q2_7_TEXT":
            labels.append(f"{by_source['Q2'].question} - Other, please specify - Text")
            import_ids.append('{"ImportId":"QID2_7_TEXT"}')
            continue
        var = by_source[col]
        stem, _, sub = col.partition("_")
        if sub:
            labels.append(f"To what extent do you agree or disagree with these statements? - {var.question}")
            import_ids.append(json.dumps({"ImportId": f"QID{stem[1:]}_{sub}"}, separators=(",", ":")))
        else:
            labels.append(var.question)
            import_ids.append(json.dumps({"ImportId": f"QID{col[1:]}"}, separators=(",", ":")))
    for i, meta in enumerate(META):
        if meta in ("StartDate", "EndDate", "RecordedDate"):
            import_ids[i] = json.dumps(
                {"ImportId": META_IMPORT[i], "timeZone": "Europe/London"}, separators=(",", ":")
            )
    columns = META + question_cols + [ORG_COLUMN]  # embedded data from the contact list, last
    labels.append(ORG_COLUMN)
    import_ids.append(json.dumps({"ImportId": ORG_COLUMN}, separators=(",", ":")))
    header = pd.DataFrame([columns, labels, import_ids], columns=columns)
    return pd.concat([header, frame[columns]], ignore_index=True), codebook_text


ORG_COLUMN = "OrgCode"
# NHS bodies per nation in the demo (fictional codes): English trusts, Scottish health boards,
# Welsh health boards and trusts, Northern Ireland's health and social care trusts.
ORGANISATIONS = {"1": ("TRUST-E", 120), "2": ("BOARD-S", 14), "3": ("BOARD-W", 10), "4": ("HSCT-N", 6)}
ONE_PER_ORGANISATION = ("Chief executive", "Medical director")
ORG_CLIMATE = 0.3  # how strongly an organisation's climate sorts respondents' relationship ratings


def organisations(roles, nation, quality, seed: int = 20151) -> np.ndarray:
    """A fictional organisation identifier (embedded data ``OrgCode``) per respondent, in their
    nation: at most one chief executive and one medical director per organisation (while the
    nation has organisations left without one), clinical directors and directorate managers
    several per organisation in proportion to its size (gamma-distributed), and respondents
    placed where the organisation's "climate" matches their rating of relationships (``quality``,
    recode values 1-5), so answers cluster within organisations (design effects above 1) without
    changing any answer. Its own random stream (``seed``, 7): every other draw of the demo is
    unchanged."""
    rng = np.random.default_rng([seed, 7])
    q = pd.to_numeric(pd.Series(quality), errors="coerce").to_numpy(float)
    s = np.nan_to_num((q - np.nanmean(q)) / np.nanstd(q))
    out = np.empty(len(roles), dtype=object)
    for code, (prefix, k) in ORGANISATIONS.items():
        names = np.array([f"{prefix}{j:03d}" for j in range(1, k + 1)])
        size = rng.gamma(2.0, 1.0, k)
        climate = rng.normal(size=k)
        taken = {r: np.zeros(k, bool) for r in ONE_PER_ORGANISATION}
        for i in np.flatnonzero(np.asarray(nation) == code):
            role = roles[i]
            pref = np.exp(ORG_CLIMATE * climate * s[i])
            if role in taken:
                free = ~taken[role] if (~taken[role]).any() else np.ones(k, bool)
                p = pref * free
            else:
                p = pref * size
            j = rng.choice(k, p=p / p.sum())
            if role in taken:
                taken[role][j] = True
            out[i] = names[j]
    return out


def load_codebook_text(text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "codebook.yaml"
        path.write_text(text, encoding="utf-8")
        return load_codebook(path)


README = """# SYNTHETIC demonstration survey

Everything in this folder is **synthetic**: generated by `helpers.survey.demo` (seed {seed}),
not collected from anyone. Names, e-mail addresses (example.nhs.uk), IP addresses
(documentation ranges) and locations are fictional. The answers are calibrated on the 2015
survey's published figures (Powell & Davies, Managing doctors, doctors managing, Nuffield Trust
2016) so the demonstration reports look like the study's, but they are not its data.

- `survey_export.csv`: a Qualtrics-format export (three header rows, numeric recode values).
- `codebook.yaml`: the codebook that declares every variable the analysis uses.
- `survey.qsf`: the survey's Qualtrics definition, written from the instrument (not from the
  codebook); `make codebook DATA=data/raw/demo` drafts a codebook from it.
- `analyst_decisions.yaml`: what the analyst decided on that draft (role, agreement codes,
  reversed items, names); draft + decisions give the same results as `codebook.yaml`.
- `OrgCode` (the export's last column, embedded data from the contact list): a fictional
  identifier of the NHS trust or board each respondent works in (about 150 organisations; at
  most one chief executive and one medical director each). The codebook declares it under
  `design: organisation:`; it is the primary sampling unit of the design-based intervals and
  tests (notebook 03), kept apart from the clean data and never published.
- `sampling_frame.csv`: the people invited, by role group and nation (with those known to be
  ineligible), calibrated on the only published response rates (2002: 66% at board level, 73%
  at directorate level); it gives response rates and the weights (notebook 03).

Regenerate with `make demo` (the same seed gives identical files).
"""


def write_demo(folder: str | Path, seed: int = 20151) -> list[Path]:
    """Write the demo export, codebook and README into ``folder/survey``."""
    out = Path(folder) / "survey"
    out.mkdir(parents=True, exist_ok=True)
    export, codebook_text = generate(seed)
    export_path = out / "survey_export.csv"
    export.to_csv(export_path, index=False, header=False, lineterminator="\n", encoding="utf-8")
    (out / "codebook.yaml").write_text(codebook_text, encoding="utf-8")
    (out / "README.md").write_text(README.format(seed=seed), encoding="utf-8")
    from helpers.survey.demo_qsf import write_qsf

    qsf = write_qsf(out / "survey.qsf")
    decisions = out / "analyst_decisions.yaml"
    decisions.write_text(
        resources.files("helpers.survey").joinpath("demo_analyst_decisions.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    frame_path = out / "sampling_frame.csv"
    sampling_frame(export, seed).to_csv(frame_path, index=False, lineterminator="\n", encoding="utf-8")
    return [export_path, out / "codebook.yaml", out / "README.md", qsf, decisions, frame_path]


# Published response rates (2002, Davies et al. BMJ 2003): board level 66%, directorate level 73%.
FRAME_RESPONSE = {
    "Chief executive": 0.66,
    "Medical director": 0.66,
    "Clinical director": 0.73,
    "Directorate manager": 0.73,
}
NATIONS = {"1": "England", "2": "Scotland", "3": "Wales", "4": "Northern Ireland"}


def sampling_frame(export: pd.DataFrame, seed: int = 20151) -> pd.DataFrame:
    """The demo sampling frame: for each role group and nation, the people invited, so that the
    people who responded (distinct e-mail addresses among real responses, in one of the four
    role groups) are the published
    response rate of their level (:data:`FRAME_RESPONSE`), and about 3% of invitations known to
    be ineligible. Role is the coded answer, or for "Other" the role whose titles include the
    typed title; nation is the coded answer. Deterministic (``seed`` is not needed: the frame
    follows from the export)."""
    del seed
    body = export.iloc[3:]
    body = body[body["Status"] == "0"]
    body = body.assign(_who=body["RecipientEmail"].str.strip().str.lower()).drop_duplicates("_who")
    by_code = {code: role for role, code in ROLE_CODES.items()}
    by_title = {title: role for role, titles in OTHER_TITLES.items() for title in titles}
    roles = [by_code.get(c) or by_title.get(t) for c, t in zip(body["Q2"], body["Q2_7_TEXT"])]
    known = [r is not None for r in roles]  # no consent (no role) or a title outside the four groups
    roles = [r for r in roles if r is not None]
    nation = body["Q3"].map(NATIONS).to_numpy()[known]
    counts = pd.crosstab(pd.Series(roles, name="role"), pd.Series(nation, name="nation"))
    rows = []
    for role in ROLES:
        for nat in NATIONS.values():
            got = int(counts.loc[role, nat]) if nat in counts.columns else 0
            eligible = int(np.ceil(got / FRAME_RESPONSE[role])) if got else 2
            ineligible = int(round(0.03 * eligible))
            rows.append(
                {"role": role, "nation": nat, "invited": eligible + ineligible, "ineligible": ineligible}
            )
    return pd.DataFrame(rows)
