"""The registry end to end, as the issue's "Done when" asks, in one walk over HTTP: shares issued,
participant units moved from Viet Nam's registry to Japan's, some nullified on a company's behalf
and some for the NDC, some cancelled; then balances, serial ranges, `ndcAccounting` (÷ 10),
`targets`, a certificate that verifies with the published keys and a tampered one that does not,
and a ledger that reconciles."""

from pathlib import Path

import httpx
import pytest

from api.app import close_listeners, create_app
from api.ids import to_global_id
from models.db import new_session
from models.signing import create_key, parse_public_keys, verify
from resolvers.reconcile import reconcile
from tests.support.mutation_samples import MOVES, NULLIFY_FOR_NDC, OPEN_ACCOUNT, RECORD_ISSUED
from tests.support.registry import account_ids
from tests.support.workflow import pk

BALANCES = "query ($code: String!) { registry(code: $code) { accounts { number balance } } }"
HOLDINGS = """query ($number: String!) {
  account(number: $number) { holdings(first: 100) { edges { node { serialStart serialEnd quantity authorizedForNdc } } } }
}"""
NDC = """{ ndcAccounting(fromYear: 2021, toYear: 2030) {
  nullifiedTotal annualAverage byPartner { country { code } nullifiedTotal annualAverage }
  targets { target fiscalYear issued nullifiedForNdc share } } }"""
CERTIFICATE = """query ($number: String!) { accountCertificate(number: $number) { document signature keyId } }"""


@pytest.fixture
async def http(settings, engine, tmp_path: Path, tokens):
    """Callers over HTTP, with the registry's signing key in a folder of the test's own."""
    key_file = tmp_path / "keys" / "jcm-signing-key.pem"
    create_key(key_file)
    app = create_app(settings.model_copy(update={"signing_key_file": key_file}), engine=engine)
    who = {"secretariat": await tokens.secretariat(), "japan": await tokens.japan(), "VN": await tokens.partner("VN")}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jcm") as client:

        async def post(caller: str | None, document: str, variables: dict) -> dict:
            headers = {"Authorization": f"Bearer {who[caller]}"} if caller else {}
            answer = (
                await client.post("/graphql", json={"query": document, "variables": variables}, headers=headers)
            ).json()
            assert "errors" not in answer, answer
            payload = next(iter(answer["data"].values()))
            assert not (isinstance(payload, dict) and payload.get("userErrors")), payload
            return answer["data"]

        yield post, client
    await close_listeners(app)


async def test_units_issued_moved_nullified_and_cancelled_add_up_everywhere(projects, frozen_clock, http, engine):
    post, client = http
    # Given VN051's first issuance notified (VN 100, JP 400, participants 500) and authorized by both
    notified = await projects.notified(frozen_clock)
    issuance_pk = pk(notified["issuance"])
    await projects.authorized_by("japan", issuance_pk, 1000)
    await projects.authorized_by("VN", issuance_pk, 800)
    issuance, today = notified["issuance"], frozen_clock.at.date().isoformat()

    # When Viet Nam opens its participants' account, the three shares are issued by their registries' operators,
    opened = await post(
        "VN",
        OPEN_ACCOUNT,
        {"input": {"registryCode": "VN", "kind": "PARTICIPANT_HOLDING", "holderName": "Viet Textile JSC"}},
    )
    await post(
        "secretariat",
        OPEN_ACCOUNT,
        {"input": {"registryCode": "JP", "kind": "PARTICIPANT_HOLDING", "holderName": "Example Engineering Co."}},
    )
    for caller, holder, amount, account in (
        ("secretariat", "JAPAN_GOVERNMENT", 400, None),
        ("VN", "PARTNER_GOVERNMENT", 100, None),
        ("VN", "PROJECT_PARTICIPANTS", 500, opened["openAccount"]["account"]["number"]),
    ):
        share = {
            "issuanceId": issuance,
            "holder": holder,
            "issuedAmount": amount,
            "issuedOn": today,
            "accountNumber": account,
        }
        await post(caller, RECORD_ISSUED, {"input": share})
    ids = {number: to_global_id("RegistryAccount", id_) for number, id_ in (await account_ids(engine)).items()}
    # the participants send 300 units to their Japanese account, 100 of which are nullified for a company's
    # SHK offset, the government nullifies 50 for the NDC, and Viet Nam cancels 10 of its own
    units = {"issuanceId": issuance}
    await post(
        "VN",
        MOVES["transferUnits"],
        {"input": units | {"fromAccountId": ids["VN-200-0001"], "toAccountId": ids["JP-200-0001"], "quantity": 300}},
    )
    shk = {
        "fromAccountId": ids["JP-200-0001"],
        "quantity": 100,
        "purpose": "SHK_OFFSET",
        "beneficiary": "Example Corp.",
    }
    await post("secretariat", MOVES["nullifyUnits"], {"input": units | shk})
    await post("japan", NULLIFY_FOR_NDC, {"input": {"issuanceId": issuance, "amount": 50}})
    cancel = {"fromAccountId": ids["VN-100-0001"], "quantity": 10, "reason": "Used for another purpose."}
    await post("VN", MOVES["cancelUnits"], {"input": units | cancel})

    # Then the balances add up to the 1,000 issued, each where it went
    balances = {}
    for caller, code in (("secretariat", "JP"), ("VN", "VN")):
        accounts = (await post(caller, BALANCES, {"code": code}))["registry"]["accounts"]
        balances |= {a["number"]: a["balance"] for a in accounts if a["balance"]}
    assert balances == {
        "JP-100-0001": 350,
        "JP-200-0001": 200,
        "JP-300-0001": 150,
        "VN-100-0001": 90,
        "VN-200-0001": 200,
        "VN-400-0001": 10,
    }
    # And the nullification account holds the serials nullified, authorized for NDC use
    held = (await post(None, HOLDINGS, {"number": "JP-300-0001"}))["account"]["holdings"]["edges"]
    assert [(e["node"]["serialStart"], e["node"]["serialEnd"], e["node"]["authorizedForNdc"]) for e in held] == [
        ("VN051-0001-000000001", "VN051-0001-000000050", True),
        ("VN051-0001-000000501", "VN051-0001-000000600", True),
    ]
    # And NDC accounting counts all 150 nullified units over 2021–2030, a tenth a year, as Viet Nam's adjustment
    accounting = (await post(None, NDC, {}))["ndcAccounting"]
    assert (accounting["nullifiedTotal"], accounting["annualAverage"]) == (150, 15.0)
    assert accounting["byPartner"] == [{"country": {"code": "VN"}, "nullifiedTotal": 150, "annualAverage": 15.0}]
    assert [(t["target"], t["fiscalYear"], t["issued"], t["nullifiedForNdc"]) for t in accounting["targets"]] == [
        (100_000_000, 2030, 1000, 150),
        (200_000_000, 2040, 1000, 150),
    ]
    assert accounting["targets"][0]["share"] == pytest.approx(1000 / 100_000_000)
    # And the nullification account's certificate verifies with the published keys; a tampered one does not
    certificate = (await post(None, CERTIFICATE, {"number": "JP-300-0001"}))["accountCertificate"]
    keys = parse_public_keys((await client.get("/.well-known/jcm-registry-keys.json")).json(), "published keys")
    assert verify(certificate["document"], certificate["signature"], certificate["keyId"], keys)
    tampered = certificate["document"].replace('"total":150', '"total":151')
    assert tampered != certificate["document"]
    assert not verify(tampered, certificate["signature"], certificate["keyId"], keys)
    # And the ledger reconciles
    async with new_session(engine) as session:
        assert (await reconcile(session)).discrepancies == []
