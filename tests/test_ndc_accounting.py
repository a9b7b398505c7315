"""`ndcAccounting`: the units in JP's NULLIFICATION account (any purpose) authorized for NDC use by
both governments, whose monitoring period lies inside the years asked; the partners' corresponding
adjustments; issuances overlapping the period but not counted, with the reason; the targets."""

import pytest

from tests.support.db import count_statements
from tests.support.ndc import an_ndc_ledger

NDC = """
query Ndc($from: Int, $to: Int) {
  ndcAccounting(fromYear: $from, toYear: $to) {
    fromYear toYear nullifiedTotal annualAverage
    byPartner { country { code } nullifiedTotal annualAverage }
    excluded { projectReference issuanceNumber monitoringFrom monitoringTo units reason }
    targets { target fiscalYear issued nullifiedForNdc share }
  }
}
"""
TARGETS = [
    # issued: 1,000 (issuance 1) + 500 (issuance 2) + 400 (issuance 3), all ending before FY2030 ends;
    # nullifiedForNdc: 450 of issuance 1 and 100 of issuance 2 (issuance 3 is not authorized for the NDC)
    {"target": 100_000_000, "fiscalYear": 2030, "issued": 1900, "nullifiedForNdc": 550, "share": 1900 / 100_000_000},
    {"target": 200_000_000, "fiscalYear": 2040, "issued": 1900, "nullifiedForNdc": 550, "share": 1900 / 200_000_000},
]


@pytest.fixture
async def ledger(projects, frozen_clock, prebuilt):
    return await prebuilt(an_ndc_ledger, projects, frozen_clock)


async def test_an_empty_registry_counts_nothing_for_the_default_period(gql):
    # When the public asks for the default period with no units nullified
    data = await gql(NDC)

    # Then every figure is zero, and the targets show nothing issued
    assert data["ndcAccounting"] == {
        "fromYear": 2021,
        "toYear": 2030,
        "nullifiedTotal": 0,
        "annualAverage": 0.0,
        "byPartner": [],
        "excluded": [],
        "targets": [
            {"target": 100_000_000, "fiscalYear": 2030, "issued": 0, "nullifiedForNdc": 0, "share": 0.0},
            {"target": 200_000_000, "fiscalYear": 2040, "issued": 0, "nullifiedForNdc": 0, "share": 0.0},
        ],
    }


async def test_2021_to_2030_counts_every_purpose_of_authorized_units_inside_the_period(gql, ledger):
    # Given the ledger of tests/support/ndc.py (450 units of issuance 1 nullified: 300 for the NDC,
    # 150 for a company's SHK offset; 100 of a straddling issuance; 50 not authorized for the NDC)

    # When the public asks for the default period
    data = await gql(NDC)

    # Then the 450 count (÷ 10 years), Viet Nam adds the same adjustment, and the other two are listed
    assert data["ndcAccounting"] == {
        "fromYear": 2021,
        "toYear": 2030,
        "nullifiedTotal": 450,
        "annualAverage": 45.0,
        "byPartner": [{"country": {"code": "VN"}, "nullifiedTotal": 450, "annualAverage": 45.0}],
        "excluded": [
            {
                "projectReference": ledger["reference"],
                "issuanceNumber": 2,
                "monitoringFrom": "2020-07-01",
                "monitoringTo": "2021-06-30",
                "units": 100,
                "reason": "its monitoring period begins before 2021-01-01, the start of the period",
            },
            {
                "projectReference": ledger["reference"],
                "issuanceNumber": 3,
                "monitoringFrom": "2026-01-01",
                "monitoringTo": "2026-06-30",
                "units": 50,
                "reason": "not authorized for NDC use by both governments",
            },
        ],
        "targets": TARGETS,
    }


async def test_a_period_ending_inside_a_monitoring_period_lists_it_as_straddling(gql, ledger):
    # When the years 2020–2025 are asked (issuance 2 inside, issuance 1 inside, issuance 3 after)
    data = (await gql(NDC, {"from": 2020, "to": 2025}))["ndcAccounting"]

    # Then issuances 1 and 2 count, over 6 years; issuance 3 lies wholly after the period
    assert (data["nullifiedTotal"], data["annualAverage"], data["excluded"]) == (550, 550 / 6, [])

    # When only 2020 is asked, issuance 2 ends after it
    data = (await gql(NDC, {"from": 2020, "to": 2020}))["ndcAccounting"]

    # Then it is excluded with the reason, nothing counts
    assert data["nullifiedTotal"] == 0
    assert [(e["issuanceNumber"], e["reason"]) for e in data["excluded"]] == [
        (2, "its monitoring period ends after 2020-12-31, the end of the period")
    ]


@pytest.mark.parametrize(
    ("variables", "message", "field"),
    [
        ({"from": 2031, "to": 2030}, "toYear (2030) must not be before fromYear (2031).", "toYear"),
        ({"from": 1990}, "fromYear must be a year from 2013 to 2100; 1990 is not.", "fromYear"),
        ({"to": 3000}, "toYear must be a year from 2013 to 2100; 3000 is not.", "toYear"),
    ],
)
async def test_years_out_of_order_or_bounds_are_refused_naming_the_argument(gql, variables, message, field):
    # When the years are not a sane period
    body = (await gql.raw(NDC, variables)).json()

    # Then an input error names the argument
    assert body["data"] is None
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (message, {"code": "INVALID_INPUT", "field": [field]})
    ]


async def test_the_figures_cost_four_selects_however_many_issuances(gql, ledger, engine):
    # Given three issuances with units nullified (the count does not grow with them: SQL groups)

    # When the accounting is read
    with count_statements(engine) as counter:
        await gql(NDC)

    # Then four SELECTs: units by issuance, their authorizations, the partners, the issued totals
    selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 4, selects
