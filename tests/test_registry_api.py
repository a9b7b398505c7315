"""The registry over HTTP, as the issue's "Done when" walks it: accounts opened, two governments'
shares and the participants' issued, participant units sent from Viet Nam's registry to Japan's,
some nullified on a company's behalf, some for the NDC, some cancelled; then balances, serial
ranges, transfers and unit(serial) as read back. Every refusal answers a userError with its code
and field and writes nothing."""

import pytest
import sqlalchemy as sa

from api.ids import to_global_id
from tests.support.db import snapshot
from tests.support.mutation_samples import MOVES, NULLIFY_FOR_NDC, OPEN_ACCOUNT
from tests.support.registry import REGISTRY_TABLES, account_ids, an_issued_issuance
from tests.support.workflow import pk

RECORD_ISSUED = """
mutation ($input: RecordIssuedInput!) {
  recordIssued(input: $input) {
    issuance { id allocations { holder notifiedAmount issuedAmount issuedOn } }
    proposal { id }
    userErrors { code message field }
  }
}
"""
TRANSFER_FIELDS = "id kind quantity serialRanges purpose beneficiary reason recordedBy from { number } to { number }"
TRANSFER, NULLIFY, CANCEL = (
    MOVES[name].replace("transfer { id kind quantity serialRanges }", "transfer { %s }" % TRANSFER_FIELDS)
    for name in ("transferUnits", "nullifyUnits", "cancelUnits")
)
BALANCES = """
query ($code: String!) { registry(code: $code) { accounts { number balance } } }
"""
HOLDINGS = """
query ($number: String!) { account(number: $number) { balance holdings { edges { node { serialStart serialEnd } } } } }
"""
UNIT = "query ($serial: String!) { unit(serial: $serial) { account { number } serialStart serialEnd } }"


async def given_notified_and_authorized(projects, frozen_clock):
    """VN051's first issuance, notified (VN 100, JP 400, participants 500) and authorized by Japan
    (1,000) and Viet Nam (800), through the resolvers; nothing issued yet."""
    notified = await projects.notified(frozen_clock)
    issuance = pk(notified["issuance"])
    await projects.authorized_by("japan", issuance, 1000)
    await projects.authorized_by("VN", issuance, 800)
    return {"issuance": to_global_id("CreditIssuance", issuance), "today": frozen_clock.at.date().isoformat()}


@pytest.fixture
async def notified(projects, frozen_clock, prebuilt):
    return await prebuilt(given_notified_and_authorized, projects, frozen_clock)


@pytest.fixture
async def issued(projects, frozen_clock, prebuilt):
    state = await prebuilt(an_issued_issuance, projects, frozen_clock)
    ids = await account_ids(projects.engine)
    return {
        "issuance": to_global_id("CreditIssuance", state["issuance_pk"]),
        **{number: to_global_id("RegistryAccount", pk) for number, pk in ids.items()},
    }


async def test_the_issues_walk_from_issuance_to_nullification(projects, notified):
    issuance, today = notified["issuance"], notified["today"]

    # When the operators open participant accounts in Viet Nam's registry and Japan's
    vn = (await projects.ok(OPEN_ACCOUNT, account_input("VN", "Viet Textile JSC"), "VN"))["account"]
    jp = (await projects.ok(OPEN_ACCOUNT, account_input("JP", "Example Engineering Co."), "secretariat"))["account"]
    assert (vn["number"], jp["number"]) == ("VN-200-0001", "JP-200-0001")

    # And every share is issued: Japan's by the secretariat, Viet Nam's and the participants' by Viet Nam
    for who, holder, amount, number in (
        ("secretariat", "JAPAN_GOVERNMENT", 400, None),
        ("VN", "PARTNER_GOVERNMENT", 100, None),
        ("VN", "PROJECT_PARTICIPANTS", 500, "VN-200-0001"),
    ):
        issued = {"issuanceId": issuance, "holder": holder, "issuedAmount": amount, "issuedOn": today}
        payload = await projects.ok(RECORD_ISSUED, issued | ({"accountNumber": number} if number else {}), who)
    allocations = {a["holder"]: a for a in payload["issuance"]["allocations"]}
    assert {h: (a["issuedAmount"], a["issuedOn"]) for h, a in allocations.items()} == {
        "JAPAN_GOVERNMENT": (400, today),
        "PARTNER_GOVERNMENT": (100, today),
        "PROJECT_PARTICIPANTS": (500, today),
    }
    assert payload["proposal"]["id"]

    # And Viet Nam sends 300 participant units to Japan's registry
    moved = (await projects.ok(TRANSFER, move(vn["id"], issuance, 300, toAccountId=jp["id"]), "VN"))["transfer"]
    assert (moved["kind"], moved["from"], moved["to"]) == (
        "INTERNATIONAL",
        {"number": "VN-200-0001"},
        {"number": "JP-200-0001"},
    )
    assert moved["serialRanges"] == ["VN051-0001-000000501..VN051-0001-000000800"]

    # And the secretariat nullifies 100 for SHK_OFFSET on the company's behalf
    shk = move(jp["id"], issuance, 100, purpose="SHK_OFFSET", beneficiary="Example Engineering Co.")
    nullified = (await projects.ok(NULLIFY, shk, "secretariat"))["transfer"]
    assert (nullified["kind"], nullified["purpose"], nullified["beneficiary"], nullified["to"]) == (
        "NULLIFICATION",
        "SHK_OFFSET",
        "Example Engineering Co.",
        {"number": "JP-300-0001"},
    )

    # And Japan nullifies 50 of its own for the NDC
    ndc = await projects.ok(NULLIFY_FOR_NDC, {"issuanceId": issuance, "amount": 50}, "japan")
    assert ndc["issuance"]["id"] == issuance

    # And Viet Nam cancels 10 of the government's units
    vn_government = (await projects.gql('{ account(number: "VN-100-0001") { id } }'))["account"]["id"]
    cancelled = (await projects.ok(CANCEL, move(vn_government, issuance, 10, reason="Kept out of trading."), "VN"))[
        "transfer"
    ]
    assert (cancelled["kind"], cancelled["reason"], cancelled["to"]) == (
        "CANCELLATION",
        "Kept out of trading.",
        {"number": "VN-400-0001"},
    )
    assert cancelled["serialRanges"] == ["VN051-0001-000000401..VN051-0001-000000410"]

    # Then the balances, as the secretariat reads them
    token = await projects.token("secretariat")
    balances = {}
    for code in ("JP", "VN"):
        data = await projects.gql(BALANCES, {"code": code}, token=token)
        balances |= {a["number"]: a["balance"] for a in data["registry"]["accounts"]}
    assert balances == {
        "JP-100-0001": 350,
        "JP-200-0001": 200,
        "JP-300-0001": 150,
        "JP-400-0001": 0,
        "VN-100-0001": 90,
        "VN-200-0001": 200,
        "VN-300-0001": 0,
        "VN-400-0001": 10,
    }
    # And the serial ranges held
    held = (await projects.gql(HOLDINGS, {"number": "JP-300-0001"}))["account"]["holdings"]["edges"]
    assert [(e["node"]["serialStart"], e["node"]["serialEnd"]) for e in held] == [
        ("VN051-0001-000000001", "VN051-0001-000000050"),
        ("VN051-0001-000000501", "VN051-0001-000000600"),
    ]
    # And which account holds a serial now
    unit = (await projects.gql(UNIT, {"serial": "VN051-0001-000000700"}, token=token))["unit"]
    assert unit == {
        "account": {"number": "JP-200-0001"},
        "serialStart": "VN051-0001-000000601",
        "serialEnd": "VN051-0001-000000800",
    }
    # And the public sees the nullifications but not the participants' own movements
    data = await projects.gql("{ transfers { totalCount edges { node { kind quantity from { number } } } } }")
    kinds = [(e["node"]["kind"], e["node"]["quantity"], e["node"]["from"]) for e in data["transfers"]["edges"]]
    assert kinds == [
        ("CANCELLATION", 10, {"number": "VN-100-0001"}),
        ("NULLIFICATION", 50, {"number": "JP-100-0001"}),
        ("NULLIFICATION", 100, None),
        ("ISSUANCE", 100, None),
        ("ISSUANCE", 400, None),
    ]


def account_input(code: str, holder: str) -> dict:
    return {"registryCode": code, "kind": "PARTICIPANT_HOLDING", "holderName": holder}


def move(from_id: str, issuance: str, quantity: int, **more: object) -> dict:
    return {"fromAccountId": from_id, "issuanceId": issuance, "quantity": quantity, **more}


async def refused(projects, document: str, input: dict, who: str | None, code: str, field: str | None) -> str:
    """`document` as `who` answers one userError of `code` naming `field`, a null result, and writes nothing."""
    before = await snapshot(projects.engine, *REGISTRY_TABLES)
    payload = await projects.call(document, input, who)
    errors = payload["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [(code, None if field is None else [field])], errors
    assert all(value is None for key, value in payload.items() if key != "userErrors"), payload
    assert await snapshot(projects.engine, *REGISTRY_TABLES) == before
    return errors[0]["message"]


async def test_every_refused_move_answers_a_user_error_and_writes_nothing(projects, issued):
    issuance = issued["issuance"]
    vn_participant, jp_participant = issued["VN-200-0001"], issued["JP-200-0001"]

    # Wrong operator: Mongolia moving Viet Nam's units; the secretariat moving Japan's government units
    message = await refused(
        projects, TRANSFER, move(vn_participant, issuance, 10, toAccountId=jp_participant), "MN", "FORBIDDEN", None
    )
    assert "registry VN is for the government of VN" in message
    await refused(
        projects,
        CANCEL,
        move(issued["JP-100-0001"], issuance, 10, reason="x"),
        "secretariat",
        "FORBIDDEN",
        None,
    )
    await refused(projects, OPEN_ACCOUNT, account_input("VN", "Another Co."), "MN", "FORBIDDEN", None)

    # Unknown accounts, ids of something else, an unknown issuance
    unknown = to_global_id("RegistryAccount", 999_999)
    await refused(
        projects, TRANSFER, move(unknown, issuance, 10, toAccountId=jp_participant), "VN", "NOT_FOUND", "fromAccountId"
    )
    await refused(
        projects, TRANSFER, move(vn_participant, issuance, 10, toAccountId=unknown), "VN", "NOT_FOUND", "toAccountId"
    )
    await refused(
        projects,
        TRANSFER,
        move(issuance, issuance, 10, toAccountId=jp_participant),
        "VN",
        "INVALID_INPUT",
        "fromAccountId",
    )
    await refused(
        projects, CANCEL, move(vn_participant, vn_participant, 10, reason="x"), "VN", "INVALID_INPUT", "issuanceId"
    )

    # Same account, too many units, no units at all
    await refused(
        projects,
        TRANSFER,
        move(vn_participant, issuance, 10, toAccountId=vn_participant),
        "VN",
        "INVALID_INPUT",
        "toAccountId",
    )
    await refused(
        projects,
        TRANSFER,
        move(vn_participant, issuance, 501, toAccountId=issued["VN-100-0001"]),
        "VN",
        "INSUFFICIENT_UNITS",
        "quantity",
    )
    await refused(
        projects, NULLIFY_FOR_NDC, {"issuanceId": issuance, "amount": 401}, "japan", "INSUFFICIENT_UNITS", "amount"
    )
    for quantity in (0, -5):
        await refused(
            projects, CANCEL, move(vn_participant, issuance, quantity, reason="x"), "VN", "INVALID_INPUT", "quantity"
        )
        await refused(
            projects, NULLIFY_FOR_NDC, {"issuanceId": issuance, "amount": quantity}, "japan", "INVALID_INPUT", "amount"
        )

    # International transfers: beyond what both governments authorized (800), or not into Japan's registry
    first = await projects.ok(TRANSFER, move(vn_participant, issuance, 450, toAccountId=jp_participant), "VN")
    assert first["transfer"]["kind"] == "INTERNATIONAL"
    message = await refused(
        projects,
        TRANSFER,
        move(issued["VN-100-0001"], issuance, 351, toAccountId=jp_participant),
        "VN",
        "INVALID_INPUT",
        "quantity",
    )
    assert "at most 350 more" in message
    await refused(
        projects,
        TRANSFER,
        move(vn_participant, issuance, 10, toAccountId=issued["MN-100-0001"]),
        "VN",
        "INVALID_INPUT",
        "toAccountId",
    )

    # Nullifying: from outside Japan's registry, for a company without naming it, into a final account
    await refused(
        projects,
        NULLIFY,
        move(vn_participant, issuance, 10, purpose="GX_ETS", beneficiary="A Co."),
        "VN",
        "INVALID_INPUT",
        "fromAccountId",
    )
    await refused(
        projects,
        NULLIFY,
        move(jp_participant, issuance, 10, purpose="SHK_OFFSET"),
        "secretariat",
        "INVALID_INPUT",
        "beneficiary",
    )
    await refused(
        projects,
        TRANSFER,
        move(jp_participant, issuance, 10, toAccountId=issued["JP-300-0001"]),
        "secretariat",
        "INVALID_INPUT",
        "toAccountId",
    )

    # A closed account (closed directly in the database, with units still in it: closeAccount
    # refuses that, tests/test_registry_accounts.py)
    async with projects.engine.begin() as connection:
        await connection.execute(
            sa.text("UPDATE registry_account SET closed_on = '2026-01-01' WHERE number = 'JP-200-0001'")
        )
    await refused(
        projects,
        CANCEL,
        move(jp_participant, issuance, 10, reason="x"),
        "secretariat",
        "INVALID_INPUT",
        "fromAccountId",
    )
    await refused(
        projects,
        TRANSFER,
        move(vn_participant, issuance, 10, toAccountId=jp_participant),
        "VN",
        "INVALID_INPUT",
        "toAccountId",
    )


async def test_a_share_is_issued_once_by_its_registrys_operator(projects, notified):
    issuance, today = notified["issuance"], notified["today"]
    japan_share = {"issuanceId": issuance, "holder": "JAPAN_GOVERNMENT", "issuedAmount": 400, "issuedOn": today}

    # Then Viet Nam may not issue into Japan's registry, nor more than notified, nor a participants'
    # share without its account
    await refused(projects, RECORD_ISSUED, japan_share, "VN", "FORBIDDEN", None)
    await refused(
        projects, RECORD_ISSUED, japan_share | {"issuedAmount": 401}, "secretariat", "INVALID_INPUT", "issuedAmount"
    )
    participants = japan_share | {"holder": "PROJECT_PARTICIPANTS", "issuedAmount": 10}
    await refused(projects, RECORD_ISSUED, participants, "VN", "INVALID_INPUT", "accountNumber")
    await refused(
        projects, RECORD_ISSUED, japan_share | {"issuanceId": "bm9wZQ=="}, "secretariat", "INVALID_INPUT", "issuanceId"
    )

    # And the secretariat issues Japan's share once
    await projects.ok(RECORD_ISSUED, japan_share, "secretariat")
    await refused(projects, RECORD_ISSUED, japan_share, "secretariat", "INVALID_TRANSITION", "holder")
    await refused(
        projects,
        OPEN_ACCOUNT,
        {**account_input("JP", "X"), "kind": "NULLIFICATION"},
        "secretariat",
        "INVALID_INPUT",
        "kind",
    )
