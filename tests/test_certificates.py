"""Account certificates at resolver and api-function level (the `accountCertificate` field is wired
into the schema with the registry's types): the holdings at now and at a past instant, from the
transfers; the signed document verifies with the published key and with `jcm certificate verify`;
any altered byte fails; who may have one."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.certificates import SignedCertificate, sign_certificate
from api.db import Db
from models.db import new_session
from models.errors import DomainError
from models.signing import KeyStore, create_key, load_key_ring, parse_public_keys, verify, why_invalid
from resolvers.certificates import account_holdings
from resolvers.unit_moves import nullify_for_ndc
from tests.support.cli import Jcm, Run, jcm_on
from tests.support.db import Database
from tests.support.registry import an_issued_issuance
from tests.support.tokens import principal

LATER = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the issuance was issued before; the nullification at LATER


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "jcm-signing-key.pem"
    create_key(path)
    return path


@pytest.fixture
async def issued(projects, frozen_clock, prebuilt, engine):
    """an_issued_issuance, then at LATER the Japanese government nullifies 300 of its 400 units."""
    state = await prebuilt(an_issued_issuance, projects, frozen_clock)
    frozen_clock.set(LATER)
    async with new_session(engine) as session:
        await nullify_for_ndc(session, principal("japan"), issuance_id=state["issuance_pk"], amount=300)
    return state


async def certificate(engine: AsyncEngine, key_file: Path, who: str, number: str, as_of=None):
    db = Db(engine)
    try:
        return await sign_certificate(db, KeyStore(key_file), principal(who), number, as_of)
    finally:
        await db.close()


def block(first: int, last: int) -> dict:
    return {
        "issuance": {"project": "VN051", "number": 1},
        "serials": f"VN051-0001-{first:09d}..VN051-0001-{last:09d}",
        "firstUnit": first,
        "lastUnit": last,
        "quantity": last - first + 1,
    }


async def test_the_document_states_the_holdings_now(issued, engine, key_file):
    # When the public asks for Japan's government account now (LATER)
    signed = await certificate(engine, key_file, "public", "jp-100-0001")

    # Then the 100 units left after the nullification are certified, in canonical JSON
    assert signed is not None
    assert json.loads(signed.document) == {
        "account": "JP-100-0001",
        "registry": "JP",
        "kind": "GOVERNMENT_HOLDING",
        "holder": "Government of Japan",
        "asOf": "2026-12-01T09:00:00.000000Z",
        "blocks": [block(301, 400)],
        "total": 100,
    }
    assert [(b.first_unit, b.last_unit) for b in signed.holdings.blocks] == [(301, 400)]


async def test_a_past_instant_gives_the_past_holdings(issued, engine, key_file):
    # When asked for a minute before the nullification, and for the nullification account at both instants
    before = LATER - timedelta(minutes=1)
    government = await certificate(engine, key_file, "public", "JP-100-0001", before)
    nullified_then = await certificate(engine, key_file, "public", "JP-300-0001", before)
    nullified_now = await certificate(engine, key_file, "public", "JP-300-0001")

    # Then the government held all 400 then; the nullification account held nothing then, 300 now
    assert government is not None and nullified_then is not None and nullified_now is not None
    assert json.loads(government.document)["blocks"] == [block(1, 400)]
    assert json.loads(government.document)["asOf"] == "2026-12-01T08:59:00.000000Z"
    assert (json.loads(nullified_then.document)["blocks"], json.loads(nullified_then.document)["total"]) == ([], 0)
    assert json.loads(nullified_now.document)["blocks"] == [block(1, 300)]


async def test_a_certificate_verifies_and_any_altered_byte_fails(issued, engine, key_file):
    # Given a certificate
    signed = await certificate(engine, key_file, "public", "JP-100-0001")
    assert signed is not None
    keys = load_key_ring(key_file, signer_needed=False).keys

    # Then it verifies with the published key it names
    assert signed.key_id == load_key_ring(key_file).current_id
    assert verify(signed.document, signed.signature, signed.key_id, keys)

    # And a document claiming more units, or a changed signature, does not
    tampered = signed.document.replace('"total":100', '"total":400')
    assert tampered != signed.document
    assert not verify(tampered, signed.signature, signed.key_id, keys)
    flipped = ("B" if signed.signature[0] == "A" else "A") + signed.signature[1:]
    assert not verify(signed.document, flipped, signed.key_id, keys)


@pytest.mark.parametrize(
    ("who", "number", "visible"),
    [
        ("public", "JP-100-0001", True),
        ("public", "JP-300-0001", True),
        ("public", "VN-400-0001", True),
        ("public", "JP-200-0001", False),  # a company's account stays private
        ("public", "VN-200-0001", False),
        ("VN", "JP-200-0001", False),  # another registry's government
        ("japan", "VN-200-0001", False),
        ("japan", "JP-200-0001", True),  # the registry's government
        ("VN", "VN-200-0001", True),
        ("secretariat", "VN-200-0001", True),  # the secretariat always
        ("secretariat", "XX-100-0001", False),  # no such account
    ],
)
async def test_who_may_have_a_certificate(issued, engine, key_file, who, number, visible):
    # When `who` asks for the account's certificate
    signed = await certificate(engine, key_file, who, number)

    # Then it is given, or the account is not found (None), as for one that does not exist
    assert (signed is not None) is visible


async def test_an_instant_in_the_future_is_refused_naming_asof(issued, engine):
    async with new_session(engine) as session:
        with pytest.raises(DomainError) as raised:
            await account_holdings(session, principal("secretariat"), "JP-100-0001", LATER + timedelta(seconds=1))

    assert (raised.value.code.value, raised.value.field) == ("INVALID_INPUT", ["asOf"])


async def test_without_a_signing_key_the_certificate_is_refused_not_unsigned(issued, engine, tmp_path):
    db = Db(engine)
    try:
        with pytest.raises(DomainError) as raised:
            await sign_certificate(db, KeyStore(tmp_path / "none.pem"), principal("public"), "JP-100-0001")
    finally:
        await db.close()

    assert raised.value.message == "The registry's signing key cannot be read: try again later."


@pytest.fixture
def jcm(
    database: Database, key_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Jcm]:
    with jcm_on(database, monkeypatch, capsys, key_file) as jcm:
        yield jcm


def test_jcm_certificate_verify_accepts_a_certificate_and_refuses_a_tampered_one(issued, jcm, key_file, tmp_path):
    # Given a certificate saved as the query returns it
    signed: SignedCertificate | None = jcm.on_db(lambda engine: certificate(engine, key_file, "public", "JP-100-0001"))
    assert signed is not None
    saved = tmp_path / "certificate.json"
    saved.write_text(json.dumps({"document": signed.document, "signature": signed.signature, "keyId": signed.key_id}))

    # When verified offline, Then it is accepted
    assert jcm("certificate", "verify", str(saved)) == Run(0, "", f"OK: signed by key {signed.key_id}\n")

    # When its document is altered, Then it is refused
    tampered = signed.document.replace('"total":100', '"total":400')
    saved.write_text(json.dumps({"document": tampered, "signature": signed.signature, "keyId": signed.key_id}))
    run = jcm("certificate", "verify", str(saved))
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith("NOT VALID: "), run.err
    assert why_invalid(tampered, signed.signature, signed.key_id, load_key_ring(key_file).keys) is not None


CERTIFICATE = """query ($number: String!, $asOf: DateTime) {
  accountCertificate(number: $number, asOf: $asOf) {
    asOf document signature keyId account { number kind } blocks { serialStart serialEnd quantity }
  }
}"""


@pytest.fixture
async def signing_client(settings, engine, key_file):
    """The app with its signing key in `key_file`, over HTTP."""
    import httpx

    from api.app import close_listeners, create_app

    app = create_app(settings.model_copy(update={"signing_key_file": key_file}), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jcm") as client:
        yield client
    await close_listeners(app)


async def test_anyone_gets_a_government_accounts_certificate_over_graphql_and_checks_it_with_the_published_keys(
    issued, signing_client
):
    # When the public asks for the certificate of Japan's government account, now and before the nullification
    now = (
        await signing_client.post("/graphql", json={"query": CERTIFICATE, "variables": {"number": "JP-100-0001"}})
    ).json()
    before = LATER - timedelta(seconds=1)
    past = {"number": "JP-100-0001", "asOf": before.isoformat()}
    earlier = (await signing_client.post("/graphql", json={"query": CERTIFICATE, "variables": past})).json()

    # Then each states the holdings at its instant, as blocks and in the signed document
    certified = now["data"]["accountCertificate"]
    assert certified["account"] == {"number": "JP-100-0001", "kind": "GOVERNMENT_HOLDING"}
    assert certified["blocks"] == [
        {"serialStart": "VN051-0001-000000301", "serialEnd": "VN051-0001-000000400", "quantity": 100}
    ]
    assert json.loads(earlier["data"]["accountCertificate"]["document"])["total"] == 400

    # And both verify against the keys the registry publishes; an altered document does not
    published = (await signing_client.get("/.well-known/jcm-registry-keys.json")).json()
    ring = parse_public_keys(published, "the published keys")
    for signed in (certified, earlier["data"]["accountCertificate"]):
        assert verify(signed["document"], signed["signature"], signed["keyId"], ring)
    assert not verify(
        certified["document"].replace('"total":100', '"total":101'), certified["signature"], certified["keyId"], ring
    )

    # And a company's account has none for the public
    private = {"query": CERTIFICATE, "variables": {"number": "JP-200-0001"}}
    assert (await signing_client.post("/graphql", json=private)).json() == {"data": {"accountCertificate": None}}
