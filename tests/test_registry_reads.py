"""Reading the registries over HTTP: registries and their accounts, an account's balance and
holdings, transfers, which account holds a serial, node(id); who sees what (the public, the
secretariat, Japan, Viet Nam, Mongolia); and a fixed number of SQL statements per list."""

import pytest

from api.ids import to_global_id
from tests.support.db import count_statements
from tests.support.registry_moves import moved

READERS = (None, "secretariat", "japan", "VN", "MN")

REGISTRY = """
query ($code: String!, $kind: [RegistryAccountKind!]) {
  registry(code: $code) { code country { code } accounts(kind: $kind) { number kind holderName balance } }
}
"""
ACCOUNT = """
query ($number: String!, $first: Int, $after: String) {
  account(number: $number) {
    id number kind holderName openedOn closedOn balance registry { code }
    holdings(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { serialStart serialEnd quantity authorizedForNdc issuance { number } account { number } } }
    }
  }
}
"""
TRANSFERS = """
query ($first: Int, $after: String, $accountNumber: String, $issuanceId: ID) {
  transfers(first: $first, after: $after, accountNumber: $accountNumber, issuanceId: $issuanceId) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      id kind quantity serialRanges purpose beneficiary reason recordedBy at
      from { number } to { number } issuance { number }
    } }
  }
}
"""
UNIT = """
query ($serial: String!) {
  unit(serial: $serial) { serialStart serialEnd quantity authorizedForNdc account { number } }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on RegistryAccount { number } ... on Transfer { kind } } }"


@pytest.fixture
async def state(projects, frozen_clock, prebuilt):
    return await prebuilt(moved, projects, frozen_clock)


async def read(projects, document, who, **variables):
    token = await projects.token(who) if who else None
    return await projects.gql(document, variables, token=token)


async def test_a_registry_lists_the_accounts_each_reader_may_see(projects, state):
    # When each reader reads Viet Nam's and Japan's registries
    seen = {}
    for who in READERS:
        for code in ("VN", "JP"):
            data = (await read(projects, REGISTRY, who, code=code))["registry"]
            seen[who, code] = {account["number"]: account["balance"] for account in data["accounts"]}

    # Then government, nullification and cancellation accounts are public with their balances
    assert seen[None, "VN"] == {"VN-100-0001": 90, "VN-300-0001": 0, "VN-400-0001": 10}
    assert seen[None, "JP"] == {"JP-100-0001": 350, "JP-300-0001": 150, "JP-400-0001": 0}
    # And participant accounts only to the secretariat and the registry's own government
    assert seen["secretariat", "VN"]["VN-200-0001"] == 200
    assert seen["secretariat", "JP"]["JP-200-0001"] == 200
    assert seen["VN", "VN"]["VN-200-0001"] == 200 and "JP-200-0001" not in seen["VN", "JP"]
    assert seen["japan", "JP"]["JP-200-0001"] == 200 and "VN-200-0001" not in seen["japan", "VN"]
    assert seen["MN", "VN"] == seen[None, "VN"] and seen["MN", "JP"] == seen[None, "JP"]

    # And the kind filter, the country, and an unknown code
    data = (await read(projects, REGISTRY, None, code="vn", kind=["NULLIFICATION"]))["registry"]
    assert data["code"] == "VN" and data["country"] == {"code": "VN"}
    assert [a["number"] for a in data["accounts"]] == ["VN-300-0001"]
    assert (await read(projects, REGISTRY, None, code="XX"))["registry"] is None


async def test_an_account_shows_its_holdings_as_serial_ranges_page_by_page(projects, state):
    # When the secretariat reads JP-100-0001 a block at a time
    data = (await read(projects, ACCOUNT, "secretariat", number="jp-100-0001", first=1))["account"]

    # Then
    assert data["number"] == "JP-100-0001" and data["kind"] == "GOVERNMENT_HOLDING"
    assert (data["holderName"], data["balance"], data["registry"], data["closedOn"]) == (
        "Government of Japan",
        350,
        {"code": "JP"},
        None,
    )
    holdings = data["holdings"]
    assert holdings["totalCount"] == 1 and holdings["pageInfo"]["hasNextPage"] is False
    assert holdings["edges"][0]["node"] == {
        "serialStart": "VN051-0001-000000051",
        "serialEnd": "VN051-0001-000000400",
        "quantity": 350,
        "authorizedForNdc": True,
        "issuance": {"number": 1},
        "account": {"number": "JP-100-0001"},
    }

    # And JP's nullification account holds two blocks, lowest serial first, one per page
    first = (await read(projects, ACCOUNT, None, number="JP-300-0001", first=1))["account"]["holdings"]
    after = first["pageInfo"]["endCursor"]
    second = (await read(projects, ACCOUNT, None, number="JP-300-0001", first=1, after=after))["account"]["holdings"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["serialStart"] for e in first["edges"] + second["edges"]] == [
        "VN051-0001-000000001",
        "VN051-0001-000000501",
    ]
    assert second["pageInfo"]["hasNextPage"] is False


async def test_a_participant_account_exists_only_for_the_secretariat_and_its_registrys_government(projects, state):
    account_id = to_global_id("RegistryAccount", state["accounts"]["VN-200-0001"])
    for who in READERS:
        # When
        by_number = (await read(projects, ACCOUNT, who, number="VN-200-0001"))["account"]
        by_id = (await read(projects, NODE, who, id=account_id))["node"]

        # Then
        if who in ("secretariat", "VN"):
            assert by_number["holderName"] == "Viet Textile JSC" and by_number["balance"] == 200, who
            assert by_id == {"id": account_id, "number": "VN-200-0001"}, who
        else:
            assert by_number is None and by_id is None, who


async def test_transfers_newest_first_with_their_serial_ranges(projects, state):
    # When the secretariat reads every transfer
    data = (await read(projects, TRANSFERS, "secretariat", first=10))["transfers"]

    # Then the three issuances, the international transfer, two nullifications and a cancellation
    nodes = [edge["node"] for edge in data["edges"]]
    assert data["totalCount"] == 7
    assert [(n["kind"], n["quantity"], n["from"] and n["from"]["number"], n["to"]["number"]) for n in nodes] == [
        ("CANCELLATION", 10, "VN-100-0001", "VN-400-0001"),
        ("NULLIFICATION", 50, "JP-100-0001", "JP-300-0001"),
        ("NULLIFICATION", 100, "JP-200-0001", "JP-300-0001"),
        ("INTERNATIONAL", 300, "VN-200-0001", "JP-200-0001"),
        ("ISSUANCE", 500, None, "VN-200-0001"),
        ("ISSUANCE", 100, None, "VN-100-0001"),
        ("ISSUANCE", 400, None, "JP-100-0001"),
    ]
    cancel, ndc, shk, international = nodes[:4]
    assert international["serialRanges"] == ["VN051-0001-000000501..VN051-0001-000000800"]
    assert (shk["purpose"], shk["beneficiary"], shk["serialRanges"]) == (
        "SHK_OFFSET",
        "Example Engineering Co.",
        ["VN051-0001-000000501..VN051-0001-000000600"],
    )
    assert (ndc["purpose"], ndc["beneficiary"]) == ("NDC", None)
    assert cancel["reason"] == "Not used toward the NDC." and cancel["purpose"] is None
    assert {n["issuance"]["number"] for n in nodes} == {1}

    # And the filters: one account (from or into it), one issuance; a second page
    of_account = (await read(projects, TRANSFERS, "secretariat", accountNumber="JP-200-0001"))["transfers"]
    assert [e["node"]["kind"] for e in of_account["edges"]] == ["NULLIFICATION", "INTERNATIONAL"]
    issuance_id = to_global_id("CreditIssuance", state["issuance_pk"])
    of_issuance = (await read(projects, TRANSFERS, "secretariat", issuanceId=issuance_id))["transfers"]
    assert of_issuance["totalCount"] == 7
    page = (await read(projects, TRANSFERS, "secretariat", first=6))["transfers"]
    rest = (await read(projects, TRANSFERS, "secretariat", after=page["pageInfo"]["endCursor"]))["transfers"]
    assert [e["node"]["kind"] for e in rest["edges"]] == ["ISSUANCE"]


async def test_each_reader_sees_the_transfers_the_issue_allows(projects, state):
    seen = {}
    for who in READERS:
        # When
        data = (await read(projects, TRANSFERS, who, first=20))["transfers"]
        nodes = [edge["node"] for edge in data["edges"]]
        assert data["totalCount"] == len(nodes)
        seen[who] = [(n["kind"], n["quantity"], n["from"] and n["from"]["number"]) for n in nodes]

    # Then the public sees nullifications (the one from a participant account without its source),
    # the cancellation from a government account, and issuances into government accounts
    public = [
        ("CANCELLATION", 10, "VN-100-0001"),
        ("NULLIFICATION", 50, "JP-100-0001"),
        ("NULLIFICATION", 100, None),
        ("ISSUANCE", 100, None),
        ("ISSUANCE", 400, None),
    ]
    assert seen[None] == public and seen["MN"] == public
    assert len(seen["secretariat"]) == 7
    # And Japan sees what touches JP's participant account, Viet Nam what touches its own
    assert seen["japan"] == [
        *public[:2],
        ("NULLIFICATION", 100, "JP-200-0001"),
        ("INTERNATIONAL", 300, "VN-200-0001"),
        *public[3:],
    ]
    assert seen["VN"] == [*public[:3], ("INTERNATIONAL", 300, "VN-200-0001"), ("ISSUANCE", 500, None), *public[3:]]

    # And node(id) of a hidden transfer is null
    hidden = (await read(projects, TRANSFERS, "secretariat", accountNumber="VN-200-0001", first=1))["transfers"]
    transfer_id = hidden["edges"][0]["node"]["id"]
    assert (await read(projects, NODE, "MN", id=transfer_id))["node"] is None
    assert (await read(projects, NODE, "VN", id=transfer_id))["node"] == {"id": transfer_id, "kind": "INTERNATIONAL"}


async def test_unit_answers_the_block_holding_a_serial_now(projects, state):
    # When
    nullified = (await read(projects, UNIT, None, serial="VN051-0001-000000550"))["unit"]
    participant = {who: (await read(projects, UNIT, who, serial="VN051-0001-000000900"))["unit"] for who in READERS}

    # Then
    assert nullified == {
        "serialStart": "VN051-0001-000000501",
        "serialEnd": "VN051-0001-000000600",
        "quantity": 100,
        "authorizedForNdc": True,
        "account": {"number": "JP-300-0001"},
    }
    assert participant["VN"]["account"] == {"number": "VN-200-0001"}
    assert participant["secretariat"]["serialStart"] == "VN051-0001-000000801"
    assert participant[None] is None and participant["MN"] is None and participant["japan"] is None
    assert (await read(projects, UNIT, None, serial="VN051-0001-000001001"))["unit"] is None
    assert (await read(projects, UNIT, None, serial="VN051-0002-000000001"))["unit"] is None


async def test_a_malformed_serial_is_an_input_error_naming_serial(projects, state):
    # When
    response = await projects.gql.raw(UNIT, {"serial": "VN051-1-5"})

    # Then
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "INVALID_INPUT"
    assert errors[0]["extensions"]["field"] == ["serial"]


async def test_holdings_and_transfers_cost_the_same_statements_for_a_page_of_1_and_of_100(projects, state, engine):
    async def statements(document, **variables):
        with count_statements(engine) as counter:
            await read(projects, document, "secretariat", **variables)
        return counter.count

    await read(projects, REGISTRY, "secretariat", code="JP")  # the token is looked up once

    # When the same lists are read a row and a hundred rows at a time
    transfers_1, transfers_100 = [await statements(TRANSFERS, first=n) for n in (1, 100)]
    holdings_1, holdings_100 = [await statements(ACCOUNT, number="JP-300-0001", first=n) for n in (1, 100)]
    registry_jp, registry_vn = [await statements(REGISTRY, code=code) for code in ("JP", "VN")]

    # Then
    assert transfers_1 == transfers_100
    assert holdings_1 == holdings_100
    assert registry_jp == registry_vn


async def test_a_transfers_counterparty_shows_its_number_and_holder_but_not_its_units(projects, state):
    # When Viet Nam reads its participants' transfer into Japan's registry
    document = """
    query { transfers(accountNumber: "VN-200-0001", first: 1) {
      edges { node { kind to { number holderName balance holdings { totalCount } } } }
    } }
    """
    node = (await read(projects, document, "VN"))["transfers"]["edges"][0]["node"]

    # Then it sees where the units went, but not what JP-200-0001 holds
    assert node == {
        "kind": "INTERNATIONAL",
        "to": {
            "number": "JP-200-0001",
            "holderName": "Example Engineering Co.",
            "balance": 0,
            "holdings": {"totalCount": 0},
        },
    }
