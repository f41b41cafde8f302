"""A fast, vectorised generator of LARGE synthetic Qualtrics exports, for the benchmark.

``helpers.survey.demo`` writes the 521-row demonstration export with exact quotas and per-row
Python loops; that is right for a calibrated demo and far too slow for an export the size of
the NHS workforce. This module writes an export of any number of responses (1.5 million, a
324 MB file, in about 12 s on the shared 2-core machine) in the same Qualtrics format (three
header rows, numeric recode values, the same columns and header rows as the demo) and
consistent with the demo codebook (``demo_codebook.yaml``), so the same reader and cleaning
steps run on it unchanged.

The answers are drawn, not quota-assigned: each role answers each item with the demo's target
shares (``demo.AGREE``, ``demo.QUALITY_POSITIVE``, ``demo.CHANGE``) through two shared latent
factors, so items correlate and roles differ as in the demo. The export carries the same kinds
of mess as the demo, at fixed rates of the responses (``MESS``): preview/test/spam rows,
non-consent, early break-offs, partial responses kept by the 80% threshold, duplicates
(e-mails differing in case and spaces), "Other, please specify" titles (classifiable and not),
speeders, straight-liners, "Don't know", ``-99`` and blanks, and free-text comments holding
commas, quotes and line breaks. Everything is SYNTHETIC: e-mails are example.nhs.uk, IP
addresses documentation ranges.

Every column is built as a pyarrow string array of CSV-ready text (only free text can need
quoting, and its few distinct values are quoted once), the rows are joined with pyarrow
compute and the buffers written in chunks, so there is no per-row Python on the way.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.stats import norm

from helpers.survey import demo

# Share of the export's responses with each kind of mess (the rest are analysable).
MESS = {
    "preview": 0.003,
    "test": 0.002,
    "spam": 0.001,  # Qualtrics Status 1, 2, 8
    "no_consent": 0.01,
    "break_off": 0.04,  # progress 10-75: dropped as partial
    "kept_partial": 0.01,  # progress 85-95: kept, last items unanswered
    "other_title": 0.03,  # "Other, please specify" with a title the rules classify
    "unclassifiable": 0.005,  # "Other" with a title no rule matches: excluded
    "duplicate": 0.01,  # second response from an e-mail already in the export
    "speeder": 0.015,
    "straightliner": 0.01,
    "dont_know": 0.03,
    "blank": 0.01,
    "minus99": 0.01,  # per item
    "comment": 0.05,
}
COMMENTS = [
    "Relationships depend on individuals more than structures.",
    "Turnover of managers makes it hard to build trust.",
    "Financial pressure dominates every conversation.",
    'Job plans, rotas, targets: "the usual", frankly.',
    "Better since the merger,\nworse since the last CQC visit.",
]
CHUNK_ROWS = 250_000  # rows joined and written at a time (bounds the writer's memory)


def _csv_field(text: str) -> str:
    """One CSV field as minimal quoting writes it (quoted only when it must be)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text])
    return buffer.getvalue()[:-1]


def _text(vocabulary, index) -> pa.Array:
    """Strings ``vocabulary[index]`` as an arrow array (a vectorised take)."""
    return pc.take(pa.array(list(vocabulary), type=pa.string()), pa.array(np.asarray(index, dtype=np.int64)))


def _codes(values: np.ndarray) -> pa.Array:
    """Integer answers as export text: 0 = blank, -99 = seen but unanswered, else the code."""
    vocabulary = [""] + [str(k) for k in range(1, 10)] + ["-99"]
    index = np.where(values == -99, 10, values)
    return _text(vocabulary, index)


def _number(values: np.ndarray) -> pa.Array:
    return pa.array(values).cast(pa.string())


def _draw(u: np.ndarray, role_index: np.ndarray, distributions: np.ndarray) -> np.ndarray:
    """Category 1..k for each respondent: inverse CDF of their role's distribution at u."""
    cumulative = np.cumsum(distributions, axis=1)[role_index]
    return 1 + (u[:, None] > cumulative[:, :-1]).sum(axis=1)


def columns(n: int, seed: int = 20151) -> dict[str, pa.Array]:
    """The export's body, ``n`` responses, as CSV-ready arrow string columns (in demo order)."""
    if n < 100:
        raise ValueError(f"n must be at least 100 (the mess is drawn at rates of 0.1%), got {n}")
    rng = np.random.default_rng(seed)
    k = {name: int(round(rate * n)) for name, rate in MESS.items()}
    n_dup = max(k["duplicate"], 1)
    base = n - n_dup  # responses from distinct people
    roles = demo.ROLES
    share = np.array([demo.ROLE_COUNTS[r] for r in roles], dtype=float)
    role = rng.choice(len(roles), base, p=share / share.sum())

    # Disjoint sets of rows for the mess that changes a whole response.
    order = rng.permutation(base)
    cut = np.cumsum(
        [
            k["preview"],
            k["test"],
            k["spam"],
            k["no_consent"],
            k["break_off"],
            k["kept_partial"],
            k["unclassifiable"],
            k["speeder"],
            k["straightliner"],
        ]
    )
    (preview, test, spam, no_consent, break_off, kept_partial, unclassifiable, speeder, straight) = np.split(
        order[: cut[-1]], cut[:-1]
    )

    # Attitudes: two latent factors (relations, system pressure) as in the demo.
    relation, pressure = rng.normal(size=base), rng.normal(size=base)
    answers: dict[str, np.ndarray] = {}
    for item, shares in demo.AGREE.items():
        factor = pressure if item in demo.PRESSURE else relation
        sign = -1.0 if item in demo.NEGATIVE and item not in demo.PRESSURE else 1.0
        z = sign * 0.75 * factor + np.sqrt(1 - 0.75**2) * rng.normal(size=base)
        dist = np.array([demo._agree_distribution(p) for p in shares])
        answers[item] = _draw(norm.cdf(z), role, dist)
    zq = 0.75 * relation + np.sqrt(1 - 0.75**2) * rng.normal(size=base)
    dist = np.array(
        [[(1 - p) * 0.15, (1 - p) * 0.35, (1 - p) * 0.5, p * 0.65, p * 0.35] for p in demo.QUALITY_POSITIVE]
    )
    answers["relationship_quality"] = _draw(norm.cdf(zq), role, dist)
    zc = 0.6 * relation + np.sqrt(1 - 0.6**2) * rng.normal(size=base)
    det, imp = np.array(demo.CHANGE["Deteriorate"]), np.array(demo.CHANGE["Improve"])
    # Latent low -> Deteriorate (code 3), high -> Improve (code 1).
    answers["relationship_change"] = 4 - _draw(norm.cdf(zc), role, np.column_stack([det, 1 - det - imp, imp]))
    for item in demo.AGREE:
        answers[item][straight] = 4
    # Item non-response and "Don't know" (straight-liners answered everything).
    dk_code = {item: 9 for item in demo.AGREE} | {"relationship_change": 8}
    for item, values in answers.items():
        u = rng.random(base)
        u[straight] = 1.0
        if item in dk_code:
            values[u < MESS["dont_know"]] = dk_code[item]
        lo = MESS["dont_know"]
        values[(u >= lo) & (u < lo + MESS["blank"])] = 0
        values[(u >= lo + MESS["blank"]) & (u < lo + MESS["blank"] + MESS["minus99"])] = -99

    q: dict[str, np.ndarray] = {"Q1": np.ones(base, dtype=np.int64), "Q2": role + 1}
    titles = [t for r in roles for t in demo.OTHER_TITLES[r]] + demo.UNCLASSIFIABLE_TITLES
    title_of_role = [[titles.index(t) + 1 for t in demo.OTHER_TITLES[r]] for r in roles]
    title = np.zeros(base, dtype=np.int64)  # 0 = no "please specify" text
    others = rng.choice(np.setdiff1d(np.arange(base), unclassifiable), k["other_title"], replace=False)
    padded = np.array([[row[j % len(row)] for j in range(6)] for row in title_of_role])
    title[others] = padded[role[others], rng.integers(0, 6, others.size)]
    title[unclassifiable] = (
        len(titles)
        - len(demo.UNCLASSIFIABLE_TITLES)
        + 1
        + rng.integers(0, len(demo.UNCLASSIFIABLE_TITLES), unclassifiable.size)
    )
    q["Q2"][others] = 7
    q["Q2"][unclassifiable] = 7
    nation = rng.choice(4, base, p=[0.80, 0.10, 0.06, 0.04]) + 1
    q["Q3"] = nation
    q["Q4"] = rng.choice(4, base, p=[0.20, 0.35, 0.25, 0.20]) + 1
    female = np.array([0.40, 0.25, 0.30, 0.60])[role]
    q["Q5"] = np.where(rng.random(base) < female, 1, 2)
    q["Q5"][rng.random(base) < 0.03] = 3
    q["Q6"] = np.select([nation == 1, nation == 4], [rng.choice([1, 2], base, p=[0.45, 0.55]), 4], 3)
    q["Q7"], q["Q8"] = answers["relationship_quality"], answers["relationship_change"]
    for j, item in enumerate(demo.AGREE, start=1):
        q[f"Q9_{j}"] = answers[item]
    comment = np.zeros(base, dtype=np.int64)
    has_comment = rng.random(base) < MESS["comment"]
    comment[has_comment] = 1 + rng.integers(0, len(COMMENTS), int(has_comment.sum()))

    status = np.zeros(base, dtype=np.int64)
    status[preview], status[test], status[spam] = 1, 2, 8
    progress = np.full(base, 100, dtype=np.int64)
    finished = np.ones(base, dtype=np.int64)
    duration = np.round(np.exp(rng.normal(np.log(850), 0.35, base))).astype(np.int64)
    duration[speeder] = rng.integers(90, 200, speeder.size)
    questions = ["Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"] + [f"Q9_{j}" for j in range(1, 14)]
    # Did not consent: everything else blank.
    for col in questions:
        q[col][no_consent] = 0
    q["Q1"][no_consent] = 2
    title[no_consent], comment[no_consent] = 0, 0
    duration[no_consent] = rng.integers(20, 60, no_consent.size)
    # Broke off early: the questions after the progress point are blank.
    progress[break_off] = rng.integers(10, 76, break_off.size)
    finished[break_off] = 0
    answered = np.round(progress[break_off] / 100 * (len(questions) + 1)).astype(np.int64)
    for position, col in enumerate(questions):
        q[col][break_off[answered <= position]] = 0
    comment[break_off] = 0
    title[break_off[answered <= 0]] = 0
    duration[break_off] = rng.integers(60, 600, break_off.size)
    # Partial responses above the threshold: the last attitude items unanswered.
    progress[kept_partial] = rng.integers(85, 96, kept_partial.size)
    finished[kept_partial] = 0
    for col in ("Q9_11", "Q9_12", "Q9_13"):
        q[col][kept_partial] = 0
    comment[kept_partial] = 0

    # Duplicates: a later, second response from someone already in the export (same e-mail,
    # sometimes upper-cased and padded with spaces); a third of them less complete.
    clean_rows = np.setdiff1d(
        np.arange(base), np.concatenate([preview, test, spam, no_consent, break_off, straight])
    )
    source = rng.choice(clean_rows, n_dup, replace=False)
    rows = np.concatenate([np.arange(base), source])
    is_dup = np.zeros(n, dtype=bool)
    is_dup[base:] = True
    less_complete = is_dup & (rng.random(n) < 1 / 3)
    started = rng.integers(0, 160 * 86400, base)[rows] + np.where(is_dup, rng.integers(1, 20, n) * 86400, 0)

    def take(values):
        return np.asarray(values)[rows]

    body: dict[str, np.ndarray] = {col: take(values) for col, values in q.items()}
    for col in ("Q9_12", "Q9_13"):
        body[col][less_complete] = 0
    progress, finished, duration, status = take(progress), take(finished), take(duration), take(status)
    progress[less_complete], finished[less_complete] = 90, 0
    title, comment = take(title), take(comment)
    person = take(np.arange(base))  # the e-mail belongs to the person, not the row
    first = take(rng.integers(0, len(demo.FIRST), base))
    last = take(rng.integers(0, len(demo.LAST), base))
    latitude = take(np.round(rng.uniform(50.2, 58.5, base), 4))
    longitude = take(np.round(rng.uniform(-5.5, 1.5, base), 4))

    # Export order: by start time (ties by row), as Qualtrics lists responses.
    order = np.lexsort((np.arange(n), started))
    body = {col: values[order] for col, values in body.items()}
    progress, finished, duration, status = progress[order], finished[order], duration[order], status[order]
    title, comment, person, first, last = (
        title[order],
        comment[order],
        person[order],
        first[order],
        last[order],
    )
    latitude, longitude, started, is_dup = latitude[order], longitude[order], started[order], is_dup[order]

    epoch = np.datetime64("2015-07-01T08:00:00", "s")
    fmt = "%Y-%m-%d %H:%M:%S"
    start_text = pc.strftime(pa.array(epoch + started.astype("timedelta64[s]")), format=fmt)
    end_text = pc.strftime(pa.array(epoch + (started + duration).astype("timedelta64[s]")), format=fmt)
    first_text = _text(demo.FIRST, first)
    last_text = _text(demo.LAST, last)
    number = pc.utf8_lpad(pa.array(person).cast(pa.string()), width=7, padding="0")
    email = pc.binary_join_element_wise(
        pc.utf8_lower(first_text), ".", pc.utf8_lower(last_text), number, "@example.nhs.uk", ""
    )
    variant = is_dup & (np.arange(n) % 2 == 1)  # half the duplicates: upper case, padded
    email = pc.if_else(
        pa.array(variant), pc.binary_join_element_wise("  ", pc.utf8_upper(email), " ", ""), email
    )
    position = np.arange(n)
    ip = pc.if_else(
        pa.array(position % 2 == 1),
        pc.binary_join_element_wise("192.0.2.", pa.array(position % 250 + 1).cast(pa.string()), ""),
        pc.binary_join_element_wise("198.51.100.", pa.array(position % 250 + 1).cast(pa.string()), ""),
    )
    alphabet = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789", dtype=np.uint8)
    letters = alphabet[rng.integers(0, alphabet.size, (n, 15))]
    response_id = pc.binary_join_element_wise(
        "R_", pa.array(np.ascontiguousarray(letters).view("S15").ravel()).cast(pa.string()), ""
    )
    empty = _text([""], np.zeros(n))

    out: dict[str, pa.Array] = {
        "StartDate": start_text,
        "EndDate": end_text,
        "Status": _number(status),
        "IPAddress": ip,
        "Progress": _number(progress),
        "Duration (in seconds)": _number(duration),
        "Finished": _number(finished),
        "RecordedDate": end_text,
        "ResponseId": response_id,
        "RecipientLastName": last_text,
        "RecipientFirstName": first_text,
        "RecipientEmail": email,
        "ExternalReference": empty,
        "LocationLatitude": pa.array(latitude).cast(pa.string()),
        "LocationLongitude": pa.array(longitude).cast(pa.string()),
        "DistributionChannel": _text(["email", "preview"], np.isin(status, [1, 2])),
        "UserLanguage": _text(["EN"], np.zeros(n)),
    }
    for col in ("Q1", "Q2"):
        out[col] = _codes(body[col])
    out["Q2_7_TEXT"] = _text([""] + [_csv_field(t) for t in titles], title)
    for col in ["Q3", "Q4", "Q5", "Q6", "Q7", "Q8"] + [f"Q9_{j}" for j in range(1, 14)]:
        out[col] = _codes(body[col])
    out["Q10"] = _text([""] + [_csv_field(t) for t in COMMENTS], comment)
    out[demo.ORG_COLUMN] = _organisations(body["Q3"], n, seed)
    return out


def _organisations(nation: np.ndarray, n: int, seed: int) -> pa.Array:
    """The demo's organisation identifier (embedded data, last column): per nation code 1-4 as
    many organisations as the demo's scaled to ``n`` (about 3 respondents each), drawn
    uniformly from their own random stream; blank where the nation is (no consent)."""
    rng = np.random.default_rng([seed, 7])
    scale = max(n / 472, 1.0)
    names: list[str] = [""]
    index = np.zeros(len(nation), dtype=np.int64)
    for code, (prefix, k) in demo.ORGANISATIONS.items():
        count = int(round(k * scale))
        rows = np.flatnonzero(nation == int(code))
        index[rows] = len(names) + rng.integers(0, count, rows.size)
        names += [f"{prefix}{j:03d}" if count < 1000 else f"{prefix}{j:05d}" for j in range(1, count + 1)]
    return _text(names, index)


def header_rows(seed: int = 20151) -> list[list[str]]:
    """The demo export's three header rows (column IDs, question labels, ImportId JSON)."""
    frame, _ = demo.generate(seed)
    return [list(frame.iloc[i]) for i in range(3)]


def write_large_export(folder: str | Path, n: int, seed: int = 20151) -> Path:
    """Write ``folder/survey/{survey_export.csv, codebook.yaml}`` with ``n`` responses; return the export.

    The codebook is the demo's, so ``helpers.survey.inputs.load(folder)`` reads the pair.
    """
    out = Path(folder) / "survey"
    out.mkdir(parents=True, exist_ok=True)
    (Path(folder) / "SYNTHETIC.md").write_text(
        f"# SYNTHETIC benchmark data\n\n{n} synthetic responses written by helpers.survey.synthetic_large "
        f"(seed {seed}); not the study's data.\n",
        encoding="utf-8",
    )
    (out / "codebook.yaml").write_text(demo.demo_codebook_text(), encoding="utf-8")
    header = header_rows(seed)
    cols = columns(n, seed)
    if list(cols) != header[0]:
        raise AssertionError("the large export's columns differ from the demo's")
    path = out / "survey_export.csv"
    with open(path, "wb") as handle:
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(header)
        handle.write(text.getvalue().encode("utf-8"))
        values = list(cols.values())
        for start in range(0, n, CHUNK_ROWS):
            chunk = [v.slice(start, CHUNK_ROWS) for v in values]
            # Fields joined with ",", the last one with "\n" appended: one contiguous buffer
            # holding the chunk's CSV lines.
            last = pc.binary_join_element_wise(chunk[-1], "\n", "")
            lines = pc.binary_join_element_wise(*chunk[:-1], last, ",")
            lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[
                lines.offset : lines.offset + len(lines) + 1
            ]
            data = lines.buffers()[2]
            handle.write(memoryview(data)[offsets[0] : offsets[-1]])
    return path
