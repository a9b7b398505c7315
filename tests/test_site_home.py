"""The home page `/` (issue 15): every committee's counts from one grouped query of the public schema
(`statistics.committeeCounts`, equal to each committee's connection totalCounts as the asker sees
them), Japan's progress toward its JCM targets in words and numbers in English and Japanese, a
statement count that stays small however much is published, and no serious axe violation."""

import html
import re

import pytest

from api.site.home_page import percent, target_amount, tonnes
from api.site.language import Speaker
from resolvers.unit_moves import nullify_for_ndc
from tests.support.browser import axe_context, axe_violations, loopback_only, offline_browser
from tests.support.db import count_statements
from tests.support.html_page import HtmlPage
from tests.support.ndc import an_ndc_ledger

COUNTS_AND_TOTALS = """
query {
  statistics { committeeCounts { committeeCode decisions methodologies designatedTpes projects } }
  committees {
    code
    decisions(first: 1) { totalCount }
    methodologies(first: 1) { totalCount }
    tpeDesignations(first: 1, filter: { status: [DESIGNATED] }) { totalCount }
    projects(first: 1) { totalCount }
  }
}
"""
PROGRESS = re.compile(r'<progress max="(\d+)" value="(\d+)" aria-label="([^"]*)"></progress>')


@pytest.fixture
async def ledger(projects, frozen_clock, prebuilt):
    """tests/support/ndc.py: 1,900 t-CO2e issued for VN051 by FY2030, 550 of them nullified for the NDC."""
    return await prebuilt(an_ndc_ledger, projects, frozen_clock)


def counts_and_totals(data: dict) -> tuple[dict, dict]:
    """(committee code → its committeeCounts, committee code → the same four of its connections' totalCounts)."""
    counts = {
        row.pop("committeeCode"): row
        for row in data["statistics"]["committeeCounts"]  # committeeCode, then the four counts
    }
    totals = {
        committee["code"]: {
            "decisions": committee["decisions"]["totalCount"],
            "methodologies": committee["methodologies"]["totalCount"],
            "designatedTpes": committee["tpeDesignations"]["totalCount"],
            "projects": committee["projects"]["totalCount"],
        }
        for committee in data["committees"]
    }
    return counts, totals


async def test_committee_counts_are_each_committees_connection_totals_as_the_asker_sees_them(
    flow, methodology_flow, tpe_flow, projects, frozen_clock, gql
):
    # Given, in Viet Nam, a methodology in draft (not public), one open for public input and one approved;
    await methodology_flow.propose("VN")
    await methodology_flow.published("VN")
    await projects.valid_methodology(frozen_clock, "VN")
    # a designated TPE, a designation still in draft (not public), one circulated but not yet decided;
    await projects.designated_entity("Designated Ltd.", "VN")
    await tpe_flow.proposed(await tpe_flow.register("Draft Ltd."), validation=[3], committee="VN")
    circulated = await tpe_flow.propose(await tpe_flow.register("Circulated Ltd."), validation=[3], committee="VN")
    await tpe_flow.circulate_now(circulated["proposal"]["id"])
    # a PIN in draft (not public) and a planned project; in Mongolia a methodology and a planned project
    await projects.pin("VN")
    await projects.planned("VN")
    await methodology_flow.published("MN")
    await projects.planned("MN")
    await flow.decide("KE")

    # When the public asks for the counts and for each committee's connections
    counts, totals = counts_and_totals(await gql(COUNTS_AND_TOTALS))

    # Then every committee's counts are its totalCounts, zeros included, and none of the drafts counts
    assert counts == totals and len(counts) == 30
    assert counts["VN"] == {"decisions": 3, "methodologies": 2, "designatedTpes": 1, "projects": 1}
    assert counts["MN"] == {"decisions": 1, "methodologies": 1, "designatedTpes": 0, "projects": 1}
    assert counts["KE"] == {"decisions": 1, "methodologies": 0, "designatedTpes": 0, "projects": 0}
    assert counts["TH"] == {"decisions": 0, "methodologies": 0, "designatedTpes": 0, "projects": 0}

    # When Viet Nam's partner asks (it sees its own committee's drafts)
    counts, totals = counts_and_totals(await gql(COUNTS_AND_TOTALS, token=await flow.token("VN")))

    # Then its counts are its own connections' totals: the draft methodology and PIN count for it
    assert counts == totals
    assert counts["VN"] == {"decisions": 3, "methodologies": 3, "designatedTpes": 1, "projects": 2}


async def test_the_home_page_shows_issued_and_nullified_credits_against_each_target(ledger, client):
    # Given the ledger: 1,900 t-CO2e issued for monitoring periods ending by FY2030, 550 nullified for the NDC

    # When the home page is opened in English
    response = await client.get("/")
    page = HtmlPage(response.text)

    # Then the targets' table gives both figures against each target, as text and as labelled bars
    assert response.status_code == 200
    assert "Japan's progress toward its JCM targets" in page.text
    assert page.rows[-3:] == [
        ["Target", "Issued", "Nullified for Japan's NDC"],
        [
            "100 Mt-CO2 by FY2030",
            "1,900 t-CO2e (less than 0.1% of the target)",
            "550 t-CO2e (less than 0.1% of the target)",
        ],
        [
            "200 Mt-CO2 by FY2040",
            "1,900 t-CO2e (less than 0.1% of the target)",
            "550 t-CO2e (less than 0.1% of the target)",
        ],
    ]
    bars = [(int(top), int(value), html.unescape(label)) for top, value, label in PROGRESS.findall(response.text)]
    assert bars == [
        (100_000_000, 1900, "Issued toward 100 Mt-CO2 by FY2030: less than 0.1%"),
        (100_000_000, 550, "Nullified for Japan's NDC toward 100 Mt-CO2 by FY2030: less than 0.1%"),
        (200_000_000, 1900, "Issued toward 200 Mt-CO2 by FY2040: less than 0.1%"),
        (200_000_000, 550, "Nullified for Japan's NDC toward 200 Mt-CO2 by FY2040: less than 0.1%"),
    ]

    # When it is opened in Japanese
    response = await client.get("/?lang=ja")
    page = HtmlPage(response.text)

    # Then the same figures, the targets counted in 億
    assert page.lang == "ja" and "JCMの目標に対する日本の進捗" in page.text
    assert page.rows[-3:] == [
        ["目標", "発行量", "日本のNDCのための無効化量"],
        ["2030年度までに1億t-CO2", "1,900 t-CO2e（目標の0.1%未満）", "550 t-CO2e（目標の0.1%未満）"],
        ["2040年度までに2億t-CO2", "1,900 t-CO2e（目標の0.1%未満）", "550 t-CO2e（目標の0.1%未満）"],
    ]
    assert [html.unescape(label) for _, _, label in PROGRESS.findall(response.text)][:2] == [
        "2030年度までに1億t-CO2に対する発行量：0.1%未満",
        "2030年度までに1億t-CO2に対する日本のNDCのための無効化量：0.1%未満",
    ]


async def test_a_nullification_changes_the_home_page_a_client_holds(ledger, projects, client):
    # Given the home page and its ETag
    before = await client.get("/")

    # When Japan nullifies 40 more units of the first issuance for the NDC
    await projects.run("japan", nullify_for_ndc, issuance_id=ledger["issuance_pk"], amount=40)

    # Then revalidating gets the new page, with 590 nullified
    after = await client.get("/", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert HtmlPage(after.text).rows[-2][2] == "590 t-CO2e (less than 0.1% of the target)"


def test_figures_are_written_as_each_language_writes_them():
    en, ja = Speaker("en"), Speaker("ja")
    assert tonnes(1_234_567) == "1,234,567 t-CO2e"
    assert [target_amount(n, en) for n in (100_000_000, 200_000_000, 1_500_000, 123_456)] == [
        "100 Mt-CO2",
        "200 Mt-CO2",
        "1,500,000 t-CO2",
        "123,456 t-CO2",
    ]
    assert [target_amount(n, ja) for n in (100_000_000, 200_000_000, 1_500_000, 123_456)] == [
        "1億t-CO2",
        "2億t-CO2",
        "150万t-CO2",
        "123,456t-CO2",
    ]
    assert [percent(share, en) for share in (0, 0.000019, 0.001, 0.125, 1.5)] == [
        "0%",
        "less than 0.1%",
        "0.1%",
        "12.5%",
        "150.0%",
    ]
    assert percent(0.000019, ja) == "0.1%未満"


async def home_statements(client, engine, path: str = "/") -> int:
    """The SELECTs behind the page's data: those reading the publication version for its ETag
    (audit_event) are left out, their number depends on timing (see tests/test_public_site.py), and
    so are SQLite's BEGINs. Today 7: the committees' counts, the committees, their partners, and the
    four of `ndcAccounting` (tests/test_ndc_accounting.py)."""
    with count_statements(engine) as counter:
        response = await client.get(path)
    assert response.status_code == 200
    return len([s for s in counter.statements if s.lstrip().upper().startswith("SELECT") and "audit_event" not in s])


async def test_the_home_page_costs_the_same_few_statements_however_much_is_published(
    ledger, flow, methodology_flow, projects, frozen_clock, client, engine
):
    # Given the ledger (a registered project, a methodology, a TPE, three issuances, nullifications)
    few, few_ja = await home_statements(client, engine), await home_statements(client, engine, "/?lang=ja")

    # When many more decisions, methodologies, designated TPEs, projects and nullifications follow
    for code in ("MN", "BD", "ET", "KE", "MV", "ID", "KH", "MX", "CL", "PH", "TH", "VN"):
        await flow.decide(code)
    for code in ("MN", "KE", "TH"):
        await methodology_flow.published(code)
    for number, code in enumerate(("MN", "ID", "VN")):
        await projects.designated_entity(f"Verifier {number}", code)
    for code in ("MN", "KE", "VN"):
        await projects.planned(code)
    await projects.run("japan", nullify_for_ndc, issuance_id=ledger["issuance_pk"], amount=40)

    # Then the page costs the same statements as before, and few, in both languages
    assert few <= 8 and few_ja == few
    assert await home_statements(client, engine) == few
    assert await home_statements(client, engine, "/?lang=ja") == few


@pytest.mark.parametrize("path", ["/", "/?lang=ja"])
async def test_the_home_page_has_no_serious_accessibility_violation(live_server, ledger, path):
    # Given the ledger's figures on the home page
    async with offline_browser() as browser, axe_context(browser) as context:
        tab = await context.new_page()
        outside = await loopback_only(tab)

        # When a visitor opens it
        response = await tab.goto(f"{live_server.http_url}{path}")
        assert response.status == 200
        await tab.get_by_role("heading", level=2).wait_for()

        # Then axe finds no serious or critical violation, and the targets' bars are named
        assert [str(violation) for violation in await axe_violations(tab)] == []
        assert await tab.get_by_role("progressbar").count() == 4
    assert outside == []
