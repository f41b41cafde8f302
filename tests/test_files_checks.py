"""helpers.files' shared checks of the researchers' CSV logs (screening, other methods, appraisal)."""

from __future__ import annotations

import pytest

from helpers import files
from helpers.files import InputError


def test_require_one_of_names_file_row_column_value_and_choices():
    files.require_one_of("log.csv", "include", ("include", "exclude"), row=3, column="decision")
    with pytest.raises(InputError) as err:
        files.require_one_of("log.csv", "maybe", ("include", "exclude"), row=3, column="decision")
    assert (
        str(err.value)
        == "log.csv, row 3, column 'decision': decision must be one of include, exclude (found 'maybe')"
    )


def test_require_one_of_checks_the_normalised_value_and_shows_the_cell_as_written():
    with pytest.raises(InputError) as err:
        files.require_one_of(
            "a.csv", "perhaps", ("yes", "no"), row=2, column="answer", what="answer", found=" Perhaps"
        )
    assert "found ' Perhaps'" in str(err.value)


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "an exclusion needs a reason"), ("wrong setting; wrong design", "a reason cannot contain ';'")],
)
def test_require_reason(reason, message):
    files.require_reason("log.csv", "wrong setting", row=4)
    with pytest.raises(InputError, match=message):
        files.require_reason("log.csv", reason, row=4)
