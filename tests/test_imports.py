"""helpers.imports: jsonschema (through nbformat, as the pipeline's runner imports it) without
its IRI checker, which costs about a second of CPU to import and is never used here."""

import subprocess
import sys


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_nbformat_imported_without_the_iri_checker_still_validates():
    out = _run(
        "import sys\n"
        "from helpers import imports\n"
        "with imports.without_iri_checker():\n"
        "    import nbformat\n"
        "print('rfc3987_syntax' in sys.modules)\n"
        "nb = nbformat.v4.new_notebook()\n"
        "nbformat.validate(nb)\n"
        "nb['cells'] = [{'cell_type': 'nonsense'}]\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('rejected')\n"
        "import importlib.util\n"  # not poisoned (a None left in sys.modules makes find_spec raise)
        "if importlib.util.find_spec('rfc3987_syntax') is not None: print('importable after')\n"
    )
    assert out.split() == ["False", "rejected", "importable", "after"]


def test_nothing_is_hidden_when_jsonschema_is_already_imported():
    """In this process (the test's own: jsonschema is imported by now, or here), no subprocess
    needed: importing jsonschema imports the IRI checker, a second of CPU each time."""
    import jsonschema  # noqa: F401

    from helpers import imports

    before = sys.modules.get("rfc3987_syntax", "absent")
    with imports.without_iri_checker():
        assert sys.modules.get("rfc3987_syntax", "absent") is before is not None
    assert sys.modules.get("rfc3987_syntax", "absent") is before
