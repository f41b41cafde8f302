"""PRISMA 2020 "other methods" column: the log of websites, organisations and citation searching."""

from __future__ import annotations

import pytest

from helpers.files import InputError
from helpers.literature import other_methods, prisma

LOG = """source_type,source,title,retrieved,decision,reason,note
website,The King's Fund,Leadership in today's NHS,yes,include,,
organisation,NHS Confederation,Clinical leadership report,yes,exclude,not about doctor-manager relations,
citation,Powell 2016,A cited thesis,no,,,
website,Nuffield Trust,Managing doctors doctors managing,yes,include,,
"""


def base_counts():
    c = {f: 0 for f in prisma.FIELDS}
    c.update(
        database_results=10,
        database_specific_results="A, 10",
        duplicates=2,
        records_screened=8,
        records_excluded=3,
        dbr_sought_reports=5,
        dbr_notretrieved_reports=1,
        dbr_assessed=4,
        dbr_excluded="wrong population, 1",
        new_reports=3,
        new_studies=3,
        total_studies=3,
        total_reports=3,
    )
    return c


def test_counts_under_prisma2020_field_names_and_in_the_totals(tmp_path):
    (tmp_path / "other_methods_log.csv").write_text(LOG, encoding="utf-8")
    log = other_methods.load_log(tmp_path)
    c = other_methods.add_other_methods(base_counts(), log)
    table = dict(zip(*prisma.counts_table(c).T.values))
    # By hand: 2 websites, 1 organisation, 1 citation; 4 sought, 1 not retrieved, 3 assessed,
    # 1 excluded, 2 included; included = 3 (databases) + 2 = 5.
    assert {k: table[k] for k in ("website_results", "organisation_results", "citations_results")} == {
        "website_results": 2,
        "organisation_results": 1,
        "citations_results": 1,
    }
    assert (table["other_sought_reports"], table["other_notretrieved_reports"], table["other_assessed"]) == (
        4,
        1,
        3,
    )
    assert table["other_excluded"] == "not about doctor-manager relations, 1"
    assert (table["new_reports"], table["new_studies"], table["total_reports"]) == (5, 5, 5)
    fig = prisma.draw_prisma_flow(c)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Identification of studies via other methods" in texts
    assert (
        "Records identified from:\nWebsites (n = 2)\nOrganisations (n = 1)\nCitation searching (n = 1)"
        in texts
    )
    assert "Studies included in review\n(n = 5)\nReports of included studies\n(n = 5)" in texts


def test_no_log_leaves_the_counts_and_the_diagram_as_they_were(tmp_path):
    c = base_counts()
    assert other_methods.load_log(tmp_path) is None
    assert other_methods.add_other_methods(c, None) == c
    texts = [t.get_text() for t in prisma.draw_prisma_flow(c).axes[0].texts]
    assert "Identification of studies via other methods" not in texts


def test_identities_are_checked():
    c = base_counts()
    c.update(website_results=2, other_sought_reports=3, other_assessed=3)
    with pytest.raises(
        prisma.PrismaError, match=r"websites \+ organisations \+ citations \(2\) != reports sought \(3\)"
    ):
        prisma.check_prisma(c)


@pytest.mark.parametrize(
    "row, message",
    [
        ("blog,x,t,yes,include,,", "source_type must be one of website, organisation, citation"),
        ("website,x,t,maybe,include,,", "retrieved must be yes or no"),
        ("website,x,t,no,include,,", "a report not retrieved cannot have a decision"),
        ("website,x,t,yes,,,", "a retrieved report needs a decision: include or exclude"),
        ("website,x,t,yes,exclude,,", "an exclusion needs a reason"),
        ("website,x,t,yes,exclude,a;b,", "a reason cannot contain ';'"),
    ],
)
def test_bad_rows_are_named(tmp_path, row, message):
    path = tmp_path / "other_methods_log.csv"
    path.write_text(LOG.splitlines()[0] + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        other_methods.read_other_methods_log(path)
    assert err.value.row == 2
