"""The codebook's shape is checked before its meaning, with messages naming file and key."""

import pytest
import yaml

from helpers import paths
from helpers.files import InputError
from helpers.survey.codebook import load_codebook

DEMO = paths.project_root() / "data/raw/demo/survey/codebook.yaml"


def write(tmp_path, change):
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change, message, value",
    [
        (lambda r: r["survey"].update(export=["a.csv", "b.csv"]), "survey.export: expected text", ["a.csv", "b.csv"]),
        (lambda r: r.update(scales=["agree5"]), "scales: expected a mapping (key: value)", ["agree5"]),
        (lambda r: r["scales"]["agree5"].update(positive=1), "scales.agree5.positive: expected a list ([a, b])", 1),
        (lambda r: r.update(multi_item_scale={}), "(top level): unknown key(s) 'multi_item_scale'", None),
        (lambda r: r["variables"]["nation"].pop("source"), "variables.nation: `source` (the export column) or `columns` (code: 0/1 column) is required here", None),
        (lambda r: r["variables"]["att_teamwork"].update(reverse="yes"), "variables.att_teamwork.reverse: expected true or false", "yes"),
        (lambda r: r["variables"]["att_teamwork"].update(short_label=["Teamwork"]), "variables.att_teamwork.short_label: expected text", ["Teamwork"]),
        (lambda r: r.update(covariates="nation"), "covariates: expected a list of names or a mapping", "nation"),
        (lambda r: r["published_comparison"]["relationship_improve"].pop("levels"),
         "published_comparison.relationship_improve: `levels` is required here", None),
    ],
)  # fmt: skip
def test_type_slips_name_the_file_and_the_key(tmp_path, change, message, value):
    path = write(tmp_path, change)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert str(err.value).startswith(f"{path}: {message}")
    assert err.value.value == value


def test_the_demo_codebook_has_the_shape():
    assert load_codebook(DEMO).title.startswith("Doctors and managers")


def test_short_label_is_optional_and_used_where_space_is_tight(tmp_path):
    """A short label (slides, chart axes) where the codebook gives one, else the question text."""
    book = load_codebook(
        write(tmp_path, lambda r: r["variables"]["att_teamwork"].update(short_label="Teamwork"))
    )
    assert book.variables["att_teamwork"].short == "Teamwork"
    assert book.variables["att_teamwork"].label == "Doctors and managers here work well together as a team"
    assert (
        book.variables["att_communication"].short == "Communication between doctors and managers here is good"
    )
    demo = load_codebook(DEMO)
    assert demo.variables["att_regulation_punitive"].short == "Regulation is poorly co-ordinated and punitive"


def test_validating_a_codebook_does_not_import_the_iri_checker():
    """jsonschema's optional IRI checker (rfc3987_syntax) costs about a second of CPU to import
    and the codebook schema has no "format" keyword: a fresh process validating the demo
    codebook must not import it, must still reject a bad shape, and can import it afterwards."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from helpers.files import InputError\n"
        "from helpers.survey.codebook import load_codebook\n"
        "from helpers.survey import codebook_schema\n"
        f"load_codebook({str(DEMO)!r})\n"
        "assert 'jsonschema' in sys.modules and 'rfc3987_syntax' not in sys.modules\n"
        "try:\n"
        "    codebook_schema.validate({'variables': 3}, 'c.yaml')\n"
        "except InputError as e:\n"
        "    print(e)\n"
        "import importlib.util\n"  # not poisoned: a None left in sys.modules makes find_spec raise
        "assert importlib.util.find_spec('rfc3987_syntax') is not None\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "c.yaml" in out.stdout and "variables" in out.stdout
