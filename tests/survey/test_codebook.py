import pytest

from helpers.files import InputError
from helpers.survey.codebook import load_codebook


def test_tiny_codebook_is_read(tiny_codebook_path):
    cb = load_codebook(tiny_codebook_path)
    assert cb.role.other_code == "7" and cb.role.other_text == "Q2_7_TEXT"
    assert [v.name for v in cb.likert_items] == ["a1", "a2"]
    assert cb.scales["agree3"].labels == ["Disagree", "Neutral", "Agree"]
    assert cb.scales["agree3"].positive == ("Agree",)
    assert cb.variables["a1"].value_labels == {
        "1": "Disagree",
        "2": "Neutral",
        "3": "Agree",
        "9": "Don't know",
    }
    assert cb.multi_item_scales["s"].reverse == ("a2",)
    assert cb.multi_item_scales["s"].label == "S"  # no label given: the code in words
    assert cb.missing_codes == ("-99",)
    assert cb.identifiers == {"email": "Email"}
    assert cb.source_columns() == [
        "Q1",
        "Q2",
        "Q3_1",
        "Q3_2",
        "Q2_7_TEXT",
        "Status",
        "Progress",
        "Duration (in seconds)",
        "StartDate",
        "Email",
    ]


def test_scale_order_comes_from_the_codebook_not_the_codes(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(
        """
scales:
  change: {levels: {3: Deteriorate, 2: Same, 1: Improve}}
variables:
  role: {source: R, type: role, labels: {1: Chief executive}}
  c: {source: C, type: likert, scale: change}
""",
        encoding="utf-8",
    )
    assert load_codebook(path).variables["c"].substantive_labels == ["Deteriorate", "Same", "Improve"]


@pytest.mark.parametrize(
    "patch, message",
    [
        ("  a1: {source: Q3_1, type: likert, scale: nosuch, battery: b}", "likert items need a 'scale'"),
        ("  a1: {source: Q3_1, type: wibble}", "type must be one of"),
        ("  a1: {source: Q2, type: likert, scale: agree3}", "two variables read the same export column"),
    ],
)
def test_bad_variable_entries_name_the_codebook_and_variable(tmp_path, tiny_codebook_path, patch, message):
    text = tiny_codebook_path.read_text().replace(
        '  a1: {source: Q3_1, type: likert, scale: agree3, battery: b, question: "Item one"}', patch
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        load_codebook(path)
    assert "bad.yaml" in str(err.value)


def test_duplicate_label_and_overlapping_codes_are_refused(tmp_path, tiny_codebook_path):
    text = tiny_codebook_path.read_text().replace(
        'non_substantive: {9: "Don\'t know"}', 'non_substantive: {3: "Don\'t know"}'
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match="both substantive and non-substantive"):
        load_codebook(path)


def test_role_labels_must_be_study_groups(tmp_path, tiny_codebook_path):
    path = tmp_path / "bad.yaml"
    path.write_text(tiny_codebook_path.read_text().replace("4: Directorate manager", "4: Manager"))
    with pytest.raises(InputError, match="role labels must be among") as err:
        load_codebook(path)
    assert "Manager" in str(err.value)


def test_not_yaml_and_empty(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("variables: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_codebook(bad)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(InputError, match="file is empty"):
        load_codebook(empty)


def test_unknown_platform_is_refused(tmp_path, tiny_codebook_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        tiny_codebook_path.read_text().replace("  title: tiny", "  title: tiny\n  platform: auto")
    )
    with pytest.raises(InputError, match="survey.platform must be one of") as err:
        load_codebook(path)
    assert "'auto'" in str(err.value)


def test_a_scale_without_a_label_is_named_by_its_code_in_words(tiny_codebook_path):
    """Report 03 named such a scale by its code ('working_relationship') in every table."""
    text = tiny_codebook_path.read_text(encoding="utf-8")
    tiny_codebook_path.write_text(
        text.replace(
            "s: {items: [a1, a2], reverse: [a2]}",
            "working_relationship: {items: [a1, a2]}\n"
            "  engaged: {label: Clinical engagement, items: [a1, a2]}",
        ),
        encoding="utf-8",
    )
    scales = load_codebook(tiny_codebook_path).multi_item_scales
    assert [(s.name, s.label) for s in scales.values()] == [
        ("working_relationship", "Working relationship"),
        ("engaged", "Clinical engagement"),
    ]
