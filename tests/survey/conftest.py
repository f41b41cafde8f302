"""A tiny codebook shared by the survey tests (written fresh into each test's tmp_path)."""

import textwrap

import pytest

TINY_CODEBOOK = textwrap.dedent("""\
    survey:
      title: tiny
      missing_codes: [-99]
    metadata:
      status: Status
      progress: Progress
      duration: Duration (in seconds)
      started: StartDate
    identifiers:
      email: Email
    scales:
      agree3:
        levels: {1: Disagree, 2: Neutral, 3: Agree}
        non_substantive: {9: "Don't know"}
        positive: [3]
    variables:
      consent: {source: Q1, type: consent, labels: {1: "Yes", 2: "No"}, consent_code: 1}
      role:
        source: Q2
        type: role
        labels: {1: Chief executive, 2: Medical director, 3: Clinical director, 4: Directorate manager, 7: Other}
        other_code: 7
        other_text: Q2_7_TEXT
      a1: {source: Q3_1, type: likert, scale: agree3, battery: b, question: "Item one"}
      a2: {source: Q3_2, type: likert, scale: agree3, battery: b, question: "Item two", reverse: true}
    role_rules:
      - {pattern: "chief exec", role: Chief executive}
      - {pattern: "general manager", role: Directorate manager}
    multi_item_scales:
      s: {items: [a1, a2], reverse: [a2]}
    """)


@pytest.fixture
def tiny_codebook_path(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(TINY_CODEBOOK, encoding="utf-8")
    return path
