"""`jcm serve` creating the signing key, `jcm keys create` and `jcm certificate verify FILE`.

Run as tests/test_cli.py runs the CLI (in this process, JCM_* variables pointing at the test's
database); JCM_SIGNING_KEY_FILE points into tmp_path, so no key is written beside the repository.
"""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from api.app import close_listeners, create_app
from api.settings import Settings, get_settings
from api.signing_keys import PATH
from models.signing import canonical_json, load_key_ring, ring_path, sign
from tests.support.cli import Jcm, Run, jcm_on
from tests.support.db import PG_URL, Database

BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
DOCUMENT = canonical_json({"account": "JP-PH-0001", "asOf": "2026-11-28T09:00:00Z", "units": 500})


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "jcm-signing-key.pem"


@pytest.fixture
def jcm(
    database: Database, key_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Jcm]:
    """`jcm` on the test's (empty) database, its signing key in tmp_path."""
    with jcm_on(database, monkeypatch, capsys, key_file) as jcm:
        yield jcm


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `jcm serve` would have handed uvicorn; no server is started."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def certificate(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def signed_certificate(key_file: Path) -> dict[str, str]:
    """A certificate as the query returns it, signed with the current key."""
    signed = sign(DOCUMENT, load_key_ring(key_file))
    return {"document": DOCUMENT, "signature": signed.signature, "keyId": signed.key_id}


# --- jcm serve --------------------------------------------------------------------------------------


def test_serve_creates_the_signing_key_once_and_reuses_it(jcm, key_file, served):
    # When the service starts for the first time
    first = jcm("serve")
    pem = key_file.read_bytes()
    key_id = load_key_ring(key_file).current_id

    # And again
    second = jcm("serve")

    # Then the first start created the key and the second read the same one
    assert first.code == second.code == 0
    assert len(served) == 2
    assert f"signing key {key_id} created in {key_file}\n" in first.err
    assert f"signing key {key_id} read from {key_file}\n" in second.err
    assert key_file.read_bytes() == pem
    assert [key.key_id for key in load_key_ring(key_file).keys] == [key_id]


@pytest.mark.skipif(bool(PG_URL), reason="a SQLite database file: the key goes beside it")
def test_serve_puts_the_key_beside_a_sqlite_database_by_default(jcm, database, monkeypatch, served):
    # Given no JCM_SIGNING_KEY_FILE
    monkeypatch.delenv("JCM_SIGNING_KEY_FILE")
    get_settings.cache_clear()

    # When
    run = jcm("serve")

    # Then
    beside = Path(database.url.split("///", 1)[1]).parent / "jcm-signing-key.pem"
    assert run.code == 0
    assert beside.exists() and ring_path(beside).exists()


def test_serve_stops_on_an_unreadable_key(jcm, key_file, served):
    # Given a key file that is no key
    key_file.parent.mkdir()
    key_file.write_text("not a key")

    # When
    run = jcm("serve")

    # Then it says so and does not start
    assert run.code == 1
    assert run.err.startswith(f"error: {key_file}: cannot read the signing key (")
    assert served == []


# --- jcm keys create --------------------------------------------------------------------------------


def test_keys_create_rotates_and_keeps_old_certificates_valid(jcm, key_file, tmp_path):
    # Given a certificate signed with the first key
    first = jcm("keys", "create")
    old = certificate(tmp_path, "old.json", signed_certificate(key_file))

    # When the key is rotated
    second = jcm("keys", "create")
    new = certificate(tmp_path, "new.json", signed_certificate(key_file))

    # Then
    first_id, second_id = first.out.strip(), second.out.strip()
    assert first == Run(
        0,
        f"{first_id}\n",
        f"signing key {first_id} created in {key_file}; it signs from now on. 0 earlier public keys stay published\n",
    )
    assert second == Run(
        0,
        f"{second_id}\n",
        f"signing key {second_id} created in {key_file}; it signs from now on. 1 earlier public key stays published\n",
    )
    assert json.loads(Path(new).read_text())["keyId"] == second_id != first_id
    assert jcm("certificate", "verify", old) == Run(0, "", f"OK: signed by key {first_id}\n")
    assert jcm("certificate", "verify", new) == Run(0, "", f"OK: signed by key {second_id}\n")


# --- jcm certificate verify -------------------------------------------------------------------------


def test_verify_accepts_a_good_certificate(jcm, key_file, tmp_path):
    # Given
    jcm("keys", "create")
    good = signed_certificate(key_file)
    path = certificate(tmp_path, "good.json", {**good, "__typename": "AccountCertificate"})

    # When
    run = jcm("certificate", "verify", path)

    # Then
    assert run == Run(0, "", f"OK: signed by key {good['keyId']}\n")


def tampered(good: dict[str, str], what: str) -> dict[str, str]:
    signature = good["signature"]
    if what == "document":
        return {**good, "document": good["document"].replace("500", "501")}
    if what == "signature":
        return {**good, "signature": ("B" if signature[0] == "A" else "A") + signature[1:]}
    # The last character before "==" carries 4 spare bits: flipping one leaves the bytes alike.
    spare = BASE64[BASE64.index(signature[-3]) ^ 1]
    return {**good, "signature": signature[:-3] + spare + "=="}


@pytest.mark.parametrize(
    "what, reason",
    [
        (
            "document",
            "the signature does not match the document for key {key} (the document or the signature was altered)",
        ),
        (
            "signature",
            "the signature does not match the document for key {key} (the document or the signature was altered)",
        ),
        ("signature-spare-bits", "the signature is not a base64 Ed25519 signature (64 bytes)"),
    ],
)
def test_verify_refuses_a_tampered_certificate(jcm, key_file, tmp_path, what, reason):
    # Given
    jcm("keys", "create")
    good = signed_certificate(key_file)
    path = certificate(tmp_path, "tampered.json", tampered(good, what))

    # When
    run = jcm("certificate", "verify", path)

    # Then
    assert run == Run(1, "", f"NOT VALID: {reason.format(key=good['keyId'])}\n")


def test_verify_needs_only_the_public_key_ring(jcm, key_file, tmp_path):
    # Given a certificate, and a user who may not read the private key
    jcm("keys", "create")
    good = signed_certificate(key_file)
    path = certificate(tmp_path, "good.json", good)
    key_file.write_text("unreadable for this user")

    # Then
    assert jcm("certificate", "verify", path) == Run(0, "", f"OK: signed by key {good['keyId']}\n")


def test_verify_refuses_an_unknown_key(jcm, key_file, tmp_path):
    # Given
    jcm("keys", "create")
    path = certificate(tmp_path, "c.json", {**signed_certificate(key_file), "keyId": "0123456789abcdef"})

    # Then
    assert jcm("certificate", "verify", path) == Run(
        1, "", "NOT VALID: key '0123456789abcdef' is not one of the registry's keys\n"
    )


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        ("[]", 'not a JSON object {"document", "signature", "keyId"}'),
        ({"document": "{}", "signature": "AAAA"}, "keyId missing or not a string"),
        ({"document": {"a": 1}, "signature": 1, "keyId": "x"}, "document, signature missing or not a string"),
    ],
    ids=["not-json", "not-an-object", "no-key-id", "not-strings"],
)
def test_verify_refuses_a_malformed_file_with_a_clear_message(jcm, tmp_path, content, message):
    path = certificate(tmp_path, "bad.json", content)

    assert jcm("certificate", "verify", path) == Run(1, "", f"{path} is not a certificate: {message}\n")


def test_verify_refuses_a_missing_file(jcm, tmp_path):
    run = jcm("certificate", "verify", str(tmp_path / "absent.json"))

    assert (run.code, run.out) == (1, "")
    assert run.err.startswith("error: [Errno 2] No such file or directory")


def test_verify_offline_with_the_published_keys(jcm, key_file, database, tmp_path):
    # Given the keys as the registry publishes them, saved by a verifier elsewhere
    jcm("keys", "create")
    good = certificate(tmp_path, "good.json", signed_certificate(key_file))
    settings = Settings(database_url=database.url, database_schema=database.schema, signing_key_file=key_file)

    async def published() -> bytes:
        app = create_app(settings)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            response = await client.get(PATH)
        await close_listeners(app)
        await app.state.engine.dispose()
        return response.content

    keys = tmp_path / "jcm-registry-keys.json"
    keys.write_bytes(asyncio.run(published()))

    # When the verifier has no key ring of its own
    key_file.unlink()
    ring_path(key_file).unlink()

    # Then the published keys verify the certificate, and without them nothing does
    assert jcm("certificate", "verify", good, "--keys", str(keys)).code == 0
    assert jcm("certificate", "verify", good).code == 1
