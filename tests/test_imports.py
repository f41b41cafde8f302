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
        "import rfc3987_syntax\n"
        "print('importable after')\n"
    )
    assert out.split() == ["False", "rejected", "importable", "after"]


def test_nothing_is_hidden_when_jsonschema_is_already_imported():
    out = _run(
        "import sys, jsonschema\n"
        "from helpers import imports\n"
        "with imports.without_iri_checker():\n"
        "    print(sys.modules.get('rfc3987_syntax', 'absent') is None)\n"
    )
    assert out.split() == ["False"]
