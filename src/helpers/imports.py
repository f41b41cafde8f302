"""Third-party imports made cheaper where an import does work we never use.

jsonschema, on its first import, imports every optional format checker that is installed.
rfc3987_syntax (installed with JupyterLab) compiles its IRI grammars when imported: about 1 s
of CPU, paid by every kernel that reads a survey codebook (every notebook: tables take their row
labels from it) and by the pipeline's runner (nbformat's validator imports jsonschema). Neither
the codebook schema nor nbformat's validation checks a "format" keyword, so the module is
hidden while jsonschema is first imported and restored afterwards, for anyone who wants it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_iri_checker() -> Iterator[None]:
    """Within this block, a first import of jsonschema skips its IRI format checker. Not
    thread-safe: use it where no other thread imports at the same time."""
    hide = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if hide:
        sys.modules["rfc3987_syntax"] = None  # importing it now raises ImportError
    try:
        yield
    finally:
        if hide:
            del sys.modules["rfc3987_syntax"]
