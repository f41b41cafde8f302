"""Answer scales whose order is known (agree, Poor..Excellent, Never..Always, ...): which one a
column's answers fit, spelled as in the data, and which levels count as positive."""

from __future__ import annotations

import re


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


_NUMBERED = re.compile(r"(\d+) of (\d+)")  # "3 of 7": a numbered scale


_INTEGER = re.compile(r"-?[1-9]\d{0,14}|0")


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
