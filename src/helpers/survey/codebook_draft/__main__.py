"""``python -m helpers.survey.codebook_draft``: the ``make codebook`` command."""

import sys

from helpers.survey.codebook_draft.cli import main

sys.exit(main())
