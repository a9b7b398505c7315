"""Closing a participant account: only an empty one, by its registry's operator; once closed it
receives and sends nothing, and every refusal writes nothing."""

import pytest

from api.ids import to_global_id
from tests.support.db import snapshot
from tests.support.mutation_samples import MOVES
from tests.support.registry import REGISTRY_TABLES, account_ids, an_issued_issuance

CLOSE = """mutation ($input: CloseAccountInput!) {
  closeAccount(input: $input) { account { number closedOn balance } userErrors { code message field } }
}"""


@pytest.fixture
async def issued(projects, frozen_clock, prebuilt):
    state = await prebuilt(an_issued_issuance, projects, frozen_clock)
    ids = await account_ids(projects.engine)
    return {"issuance": to_global_id("CreditIssuance", state["issuance_pk"])} | {
        number: to_global_id("RegistryAccount", id_) for number, id_ in ids.items()
    }


async def refused(projects, document, input, who, code, field) -> str:
    before = await snapshot(projects.engine, *REGISTRY_TABLES)
    payload = await projects.call(document, input, who)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, None if field is None else [field])]
    assert await snapshot(projects.engine, *REGISTRY_TABLES) == before
    return payload["userErrors"][0]["message"]


async def test_only_an_empty_participant_account_is_closed_by_its_operator(projects, issued, frozen_clock):
    # Given VN-200-0001 holding 500 units and JP-200-0001 empty
    vn, jp = issued["VN-200-0001"], issued["JP-200-0001"]

    # Then a non-empty account, a government account, another registry's operator and no token are refused
    message = await refused(projects, CLOSE, {"accountId": vn}, "VN", "INVALID_TRANSITION", "accountId")
    assert "still holds 500 units" in message
    await refused(projects, CLOSE, {"accountId": issued["VN-100-0001"]}, "VN", "INVALID_INPUT", "accountId")
    await refused(projects, CLOSE, {"accountId": jp}, "VN", "FORBIDDEN", None)
    await refused(projects, CLOSE, {"accountId": jp}, None, "UNAUTHENTICATED", None)

    # When the secretariat closes the empty Japanese account
    closed = await projects.ok(CLOSE, {"accountId": jp}, "secretariat")

    # Then it is closed today, and neither closes again nor receives units
    today = frozen_clock.at.date().isoformat()
    assert closed["account"] == {"number": "JP-200-0001", "closedOn": today, "balance": 0}
    await refused(projects, CLOSE, {"accountId": jp}, "secretariat", "INVALID_TRANSITION", "accountId")
    move = {"fromAccountId": vn, "toAccountId": jp, "issuanceId": issued["issuance"], "quantity": 10}
    message = await refused(projects, MOVES["transferUnits"], move, "VN", "INVALID_INPUT", "toAccountId")
    assert f"closed on {today}" in message


RECORD_ISSUED = """mutation ($input: RecordIssuedInput!) {
  recordIssued(input: $input) { issuance { id } userErrors { code message field } }
}"""


async def test_an_outsider_cannot_learn_which_participant_accounts_exist_by_issuing(projects, issued, frozen_clock):
    # Given Viet Nam's participant account VN-200-0001, which Mongolia may not see
    share = {
        "issuanceId": issued["issuance"],
        "holder": "PROJECT_PARTICIPANTS",
        "issuedAmount": 1,
        "issuedOn": frozen_clock.at.date().isoformat(),
    }

    # When Mongolia names it, and an account that does not exist, to issue into
    existing = await refused(projects, RECORD_ISSUED, share | {"accountNumber": "VN-200-0001"}, "MN", "FORBIDDEN", None)
    missing = await refused(projects, RECORD_ISSUED, share | {"accountNumber": "VN-200-0099"}, "MN", "FORBIDDEN", None)

    # Then both answers are the same refusal
    assert existing == missing
