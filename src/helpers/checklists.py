"""Reporting checklists the journals ask for, with links to where each item is reported.

CHERRIES (Eysenbach 2004, web surveys), COREQ (Tong, Sainsbury & Craig 2007, interviews and
focus groups), PRISMA 2020 (Page et al. 2021, the review) and PRISMA-S (Rethlefsen et al. 2021,
the searches). Each item is either *reported* (a link to the report section that reports it,
``report.html#Heading-id`` as nbconvert writes heading ids) or *for the team* (something the
repository cannot know, such as ethics approval or the interviewers' credentials), listed so
the team can fill it in. Item wording is abridged; the published checklists are the reference.

:func:`render` gives the HTML section the landing page folds in; :func:`missing_anchors`
checks every link against the built reports (a test runs it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path

LIT = "01_literature_review.html"
CLEAN = "02_survey_cleaning.html"
ATT = "03_attitude_analysis.html"
QUAL = "04_focus_group_themes.html"
FIND = "05_findings.html"
TEAM = None  # the repository cannot know: for the team to fill

# (checklist, [(item, abridged text, link or TEAM)])
CHECKLISTS: tuple[tuple[str, str, tuple[tuple[str, str, str | None], ...]], ...] = (
    (
        "CHERRIES",
        "Checklist for Reporting Results of Internet E-Surveys (Eysenbach, J Med Internet Res 2004)",
        (
            ("1", "Design: target population, sample frame, convenience or random sample", TEAM),
            ("2", "IRB approval and informed consent process", TEAM),
            ("3", "Data protection", TEAM),
            ("4", "Development and pre-testing of the questionnaire", TEAM),
            ("5", "Recruitment: open or closed survey, contact mode, advertising", TEAM),
            ("6", "Survey administration: web or e-mail, context, voluntariness, incentives", TEAM),
            ("7", "Time and date of data collection", TEAM),
            ("8", "Items: randomisation, adaptive questioning, number of items and screens", TEAM),
            ("9", "Completeness check and review step", TEAM),
            ("10", "Response rates: view, participation and completion rates", TEAM),
            ("11", "Preventing multiple entries from the same individual", f"{CLEAN}#Cleaning-rules"),
            ("12", "Analysis: handling of incomplete questionnaires", f"{CLEAN}#Cleaning-rules"),
            (
                "13",
                "Questionnaires submitted with an atypical timestamp",
                f"{CLEAN}#Speeders,-straight-liners-and-identical-answers",
            ),
            (
                "14",
                "Statistical correction: weighting or propensity scores",
                f"{ATT}#5.-Response-and-weighting",
            ),
        ),
    ),
    (
        "COREQ",
        "Consolidated criteria for reporting qualitative research (Tong et al., Int J Qual Health Care 2007)",
        (
            ("1-8", "Research team and reflexivity: interviewers, credentials, training, relationship", TEAM),
            ("9", "Methodological orientation and theory", TEAM),
            ("10-13", "Sampling, approach, sample size and non-participation", TEAM),
            (
                "14-16",
                "Setting of data collection and description of the sample",
                f"{QUAL}#Participants-and-the-role-labels-we-publish",
            ),
            ("17-21", "Interview guide, repeat interviews, recording, field notes, duration", TEAM),
            ("22", "Data saturation", TEAM),
            ("23", "Transcripts returned to participants", TEAM),
            ("24", "Number of data coders", f"{QUAL}#Agreement-between-coders"),
            ("25", "Description of the coding tree", f"{QUAL}#Codebook"),
            ("26", "Derivation of themes", f"{QUAL}#Codebook"),
            ("27", "Software", f"{QUAL}#Data-read"),
            ("28", "Participant checking", TEAM),
            ("29", "Quotations presented, each identified", f"{QUAL}#Illustrative-quotes"),
            ("30", "Data and findings consistent", f"{QUAL}#How-widely-each-theme-was-raised,-by-role"),
            ("31", "Clarity of major themes", f"{QUAL}#How-widely-each-theme-was-raised,-by-role"),
            ("32", "Clarity of minor themes", f"{QUAL}#Which-codes-occur-together"),
        ),
    ),
    (
        "PRISMA 2020",
        "Preferred Reporting Items for Systematic reviews and Meta-Analyses (Page et al., BMJ 2021)",
        (
            ("1-4", "Title, abstract, rationale and objectives", TEAM),
            ("5", "Eligibility criteria", TEAM),
            ("6", "Information sources", f"{LIT}#Searches-and-records-identified"),
            ("7", "Search strategy", f"{LIT}#Searches-and-records-identified"),
            ("8", "Selection process", f"{LIT}#Screening"),
            ("9", "Data collection process", f"{LIT}#Included-studies"),
            ("10", "Data items", f"{LIT}#Included-studies"),
            ("11", "Study risk of bias assessment", TEAM),
            ("12-15", "Effect measures, synthesis methods, reporting bias, certainty", TEAM),
            (
                "16a",
                "Study selection: results of the search and selection (flow diagram)",
                f"{LIT}#PRISMA-2020-flow",
            ),
            (
                "16b",
                "Studies that seemed eligible but were excluded, with reasons",
                f"{LIT}#PRISMA-2020-flow",
            ),
            ("17", "Study characteristics", f"{LIT}#Included-studies"),
            ("18-22", "Risk of bias, results of studies and syntheses, certainty", TEAM),
            ("23", "Discussion", TEAM),
            (
                "24-27",
                "Registration and protocol, support, competing interests, availability of data and code",
                TEAM,
            ),
        ),
    ),
    (
        "PRISMA-S",
        "Reporting literature searches in systematic reviews (Rethlefsen et al., Syst Rev 2021)",
        (
            ("1", "Database name and platform", f"{LIT}#Searches-and-records-identified"),
            ("2", "Multi-database searching", f"{LIT}#Searches-and-records-identified"),
            ("3-7", "Study registries, online resources, citation searching, contacts, other methods", TEAM),
            ("8", "Full search strategies for each database", f"{LIT}#Searches-and-records-identified"),
            ("9", "Limits and restrictions", TEAM),
            ("10", "Search filters", TEAM),
            ("11", "Prior work the searches were adapted from", TEAM),
            ("12", "Updates", TEAM),
            ("13", "Dates of searches", f"{LIT}#Searches-and-records-identified"),
            ("14", "Peer review of the searches", TEAM),
            ("15", "Total records from each source", f"{LIT}#PRISMA-2020-flow"),
            ("16", "Deduplication process", f"{LIT}#Duplicate-records"),
        ),
    ),
)


# The stage whose strand each checklist reports on: a checklist of a strand absent from the data
# folder (its stage skipped) is not shown.
STRAND = {
    "CHERRIES": "02_survey_cleaning",
    "COREQ": "04_focus_group_themes",
    "PRISMA 2020": "01_literature_review",
    "PRISMA-S": "01_literature_review",
}


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def shown(absent: Mapping[str, str] | None = None) -> list[str]:
    """The checklists of the strands present: those whose stage is not in ``absent``."""
    return [name for name, _, _ in CHECKLISTS if STRAND.get(name) not in (absent or {})]


def render(reports: Path | None = None, absent: Mapping[str, str] | None = None) -> str:
    """The checklists as HTML: one table each, item, what it asks, and a link to where it is
    reported or "for the team to fill". Links to a report that was not built are left out.
    ``absent``: {stage: its input folder} of the strands the data folder lacks; their checklists
    are left out, and a note says which and why."""
    out = []
    absent = dict(absent or {})
    left = [name for name, _, _ in CHECKLISTS if name not in shown(absent)]
    if left:
        folders = sorted({absent[STRAND[name]] for name in left})
        out.append(
            f"<p>Not shown: {_e(_and(left))}, the checklist{'s' if len(left) > 1 else ''} of "
            f"{'strands' if len(folders) > 1 else 'a strand'} this data folder does not have (no "
            + _and([f"<code>{_e(f)}/</code>" for f in folders])
            + " folder).</p>"
        )
    for name, title, items in CHECKLISTS:
        if name in left:
            continue
        reported = sum(1 for *_, link in items if link)
        out.append(
            f"<h4>{_e(name)}</h4><p>{_e(title)}: {reported} of {len(items)} items reported in the "
            f"reports; the others are for the team to fill.</p>"
            '<div class="scroll"><table><tr><th>Item</th><th>What it asks</th><th>Where</th></tr>'
        )
        for item, text, link in items:
            if link and (reports is None or (reports / link.split("#")[0]).is_file()):
                report, _, anchor = link.partition("#")
                where = f'<a href="{_e(link)}">{_e(report)}: {_e(anchor.replace("-", " "))}</a>'
            else:
                where = "<i>for the team to fill</i>"
            out.append(f"<tr><td>{_e(item)}</td><td>{_e(text)}</td><td>{where}</td></tr>")
        out.append("</table></div>")
    return "\n".join(out)


def _and(words: list[str]) -> str:
    words = [str(w) for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


_HEADING_ID = re.compile(r"<h[1-6][^>]*\bid=\"([^\"]+)\"")


def missing_anchors(reports: Path) -> list[str]:
    """Every checklist link whose report or heading is missing from the built reports."""
    missing = []
    ids: dict[str, set[str]] = {}
    for _, _, items in CHECKLISTS:
        for _, _, link in items:
            if not link:
                continue
            report, _, anchor = link.partition("#")
            if report not in ids:
                path = reports / report
                ids[report] = (
                    set(_HEADING_ID.findall(path.read_text(encoding="utf-8"))) if path.is_file() else set()
                )
            if anchor not in ids[report]:
                missing.append(link)
    return missing
