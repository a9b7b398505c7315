"""Certificate signatures (models/signing.py) and the published keys (/.well-known/jcm-registry-keys.json).

The key files live in the test's tmp_path: no test reads or writes a key beside the repository.
"""

import base64
import json
import stat
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import close_listeners, create_app
from api.settings import Settings
from api.signing_keys import PATH
from models import signing
from models.signing import (
    KeyFileError,
    PublicKey,
    canonical_json,
    create_key,
    default_key_file,
    ensure_key_ring,
    load_key_ring,
    ring_path,
    sign,
    verify,
    why_invalid,
)

DOCUMENT = canonical_json(
    {
        "account": "JP-PH-0001",
        "asOf": "2026-11-28T09:00:00Z",
        "holder": "株式会社 Example",  # non-ASCII: signed as UTF-8
        "holdings": [{"from": "VN001-0001-000000001", "to": "VN001-0001-000000500", "units": 500}],
    }
)
BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "jcm-signing-key.pem"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- canonical documents ------------------------------------------------------------------------


def test_canonical_json_sorts_keys_without_spaces_and_keeps_unicode():
    text = canonical_json({"b": [1, {"z": None, "a": True}], "a": "日本", "c": "x"})

    assert text == '{"a":"日本","b":[1,{"a":true,"z":null}],"c":"x"}'
    assert canonical_json(json.loads(text)) == text


@pytest.mark.parametrize("value", [{"amount": 1.5}, [float("nan")], {1: "x"}], ids=["float", "nan", "int-key"])
def test_canonical_json_refuses_what_has_no_single_text(value):
    with pytest.raises(TypeError):
        canonical_json(value)


# --- where the key lives ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("sqlite+aiosqlite:////srv/jcm/data/jcm.db", Path("/srv/jcm/data/jcm-signing-key.pem")),
        ("sqlite+aiosqlite:///jcm.db", Path("jcm-signing-key.pem")),
        ("sqlite+aiosqlite:///var/jcm.db", Path("var/jcm-signing-key.pem")),
        ("sqlite+aiosqlite://", Path("jcm-signing-key.pem")),
        ("sqlite+aiosqlite:///:memory:", Path("jcm-signing-key.pem")),
        ("postgresql+asyncpg://jcm@db.example.org:5432/jcm", Path("jcm-signing-key.pem")),
    ],
)
def test_the_key_lives_beside_a_sqlite_database_or_in_the_working_folder(url, expected):
    assert default_key_file(url) == expected
    assert Settings(database_url=url).signing_key_path == expected


def test_the_key_file_setting_wins(tmp_path):
    chosen = tmp_path / "secrets" / "registry.pem"

    settings = Settings(database_url="sqlite+aiosqlite:///jcm.db", signing_key_file=chosen)

    assert settings.signing_key_path == chosen
    assert ring_path(chosen) == tmp_path / "secrets" / "registry.pub.json"


# --- signing and verifying --------------------------------------------------------------------------


def test_a_signature_verifies_with_the_published_key(key_file):
    # Given
    ring, created = ensure_key_ring(key_file)

    # When
    signed = sign(DOCUMENT, ring)

    # Then
    assert created and signed.key_id == ring.current_id
    assert len(signed.key_id) == 16 and int(signed.key_id, 16) >= 0
    assert len(base64.b64decode(signed.signature, validate=True)) == 64
    assert verify(DOCUMENT, signed.signature, signed.key_id, ring.keys)
    assert verify(DOCUMENT, signed.signature, signed.key_id, load_key_ring(key_file).keys)


def test_changing_any_byte_of_the_document_fails(key_file):
    # Given
    ring, _ = ensure_key_ring(key_file)
    signed = sign(DOCUMENT, ring)
    raw = DOCUMENT.encode("utf-8")

    # When every byte in turn is altered (even into bytes that are not UTF-8)
    altered = [
        (raw[:i] + bytes([raw[i] ^ flip]) + raw[i + 1 :]).decode("utf-8", "surrogateescape")
        for i in range(len(raw))
        for flip in (0x01, 0x80)
    ]

    # Then none verifies, and a document cut short or lengthened neither
    assert all(why_invalid(text, signed.signature, signed.key_id, ring.keys) is not None for text in altered)
    assert not verify(DOCUMENT[:-1], signed.signature, signed.key_id, ring.keys)
    assert not verify(DOCUMENT + " ", signed.signature, signed.key_id, ring.keys)
    assert why_invalid(DOCUMENT + "\ud800", signed.signature, signed.key_id, ring.keys) == (
        "the document is not valid Unicode text"
    )


def test_changing_any_character_of_the_signature_fails(key_file):
    # Given
    ring, _ = ensure_key_ring(key_file)
    signed = sign(DOCUMENT, ring)
    text = signed.signature

    # When each character is replaced by every other base64 character (base64's spare bits
    # included: the last character before the padding can change without changing the bytes)
    altered = [text[:i] + c + text[i + 1 :] for i in range(len(text)) for c in BASE64_ALPHABET if c != text[i]]

    # Then none verifies
    assert len(altered) == len(text) * (len(BASE64_ALPHABET) - 1)
    assert not any(verify(DOCUMENT, signature, signed.key_id, ring.keys) for signature in altered)
    assert not verify(DOCUMENT, text[:-4], signed.key_id, ring.keys)
    assert not verify(DOCUMENT, text + "AAAA", signed.key_id, ring.keys)
    assert why_invalid(DOCUMENT, "not base64!", signed.key_id, ring.keys) == "the signature is not base64"


def test_an_unknown_key_id_fails(key_file, tmp_path):
    # Given a signature, and another registry's key
    ring, _ = ensure_key_ring(key_file)
    signed = sign(DOCUMENT, ring)
    other, _ = ensure_key_ring(tmp_path / "other" / "jcm-signing-key.pem")

    # Then it verifies under no id but its own key's
    assert why_invalid(DOCUMENT, signed.signature, "0123456789abcdef", ring.keys) == (
        "key '0123456789abcdef' is not one of the registry's keys"
    )
    assert not verify(DOCUMENT, signed.signature, signed.key_id, other.keys)
    both = (*ring.keys, *other.keys)
    assert why_invalid(DOCUMENT, signed.signature, other.current_id or "", both) == (
        f"the signature does not match the document for key {other.current_id} (the document or the signature was altered)"
    )
    assert verify(DOCUMENT, signed.signature, signed.key_id, both)


def test_signing_without_a_key_is_refused(key_file):
    ring = load_key_ring(key_file)

    assert ring == signing.KeyRing((), None)
    with pytest.raises(KeyFileError, match="there is no signing key"):
        sign(DOCUMENT, ring)


# --- key files and rotation ---------------------------------------------------------------------------


def test_the_first_key_is_created_once_with_private_material_kept_private(key_file):
    # When
    first, created = ensure_key_ring(key_file)
    pem = key_file.read_bytes()
    again, created_again = ensure_key_ring(key_file)

    # Then
    assert (created, created_again) == (True, False)
    assert (again.keys, again.current_id) == (first.keys, first.current_id) and key_file.read_bytes() == pem
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert mode(key_file) == 0o600
    assert mode(ring_path(key_file)) == 0o644
    assert json.loads(ring_path(key_file).read_text()) == {
        "keys": [first.keys[0].to_json()],
    }
    assert first.keys[0].to_json()["createdOn"] == "2026-11-28"
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["jcm-signing-key.pem", "jcm-signing-key.pub.json"]


def test_a_key_made_by_another_process_first_is_used_not_replaced(key_file):
    # Given another process created the key between the check and the write
    ensure_key_ring(key_file)
    ring_before, pem_before = ring_path(key_file).read_bytes(), key_file.read_bytes()

    # When this one tries to create the first key too
    with pytest.raises(FileExistsError):
        create_key(key_file, replace=False)

    # Then nothing changed
    assert (ring_path(key_file).read_bytes(), key_file.read_bytes()) == (ring_before, pem_before)
    assert [p.name for p in key_file.parent.iterdir() if p.name.startswith(".")] == []


def test_rotation_keeps_old_signatures_verifiable_and_signs_with_the_new_key(key_file, frozen_clock):
    # Given a certificate signed with the first key
    first, _ = ensure_key_ring(key_file)
    old = sign(DOCUMENT, first)

    # When the key is rotated a month later
    frozen_clock.set(datetime(2026, 12, 28, 9, 0, tzinfo=UTC))
    new_key = create_key(key_file)
    ring = load_key_ring(key_file)
    new = sign(DOCUMENT, ring)

    # Then new certificates carry the new key, and both verify with the published keys
    assert new.key_id == new_key.key_id == ring.current_id != old.key_id
    assert verify(DOCUMENT, old.signature, old.key_id, ring.keys)
    assert verify(DOCUMENT, new.signature, new.key_id, ring.keys)
    assert ring.published() == {
        "keys": [
            {**first.keys[0].to_json(), "current": False},
            {
                "keyId": new_key.key_id,
                "algorithm": "Ed25519",
                "publicKey": base64.b64encode(new_key.raw).decode(),
                "createdOn": "2026-12-28",
                "current": True,
            },
        ]
    }
    # And the old private key is gone: the PEM holds the new key only, still private
    assert mode(key_file) == 0o600
    assert signing._load_private(key_file).private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    ) != first.signer.private_bytes(  # type: ignore[union-attr]
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )


def test_a_key_placed_by_hand_is_published_with_the_ring(key_file, tmp_path):
    # Given an operator's own PEM, with no ring beside it
    key_file.parent.mkdir()
    key_file.write_bytes(Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    key_file.chmod(0o600)

    # When
    ring = load_key_ring(key_file)
    rotated = create_key(key_file)

    # Then its public key is in the ring, and stays there after a rotation
    assert [key.key_id for key in ring.keys] == [ring.current_id]
    assert [key.key_id for key in load_key_ring(key_file).keys] == [ring.current_id, rotated.key_id]


@pytest.mark.parametrize(
    "ring_text, message",
    [
        ("{not json", "cannot read the key ring"),
        ('{"keys": {}}', 'expected a JSON object {"keys": [...]}'),
        ('{"keys": [{"keyId": "x"}]}', "key 1 is not a valid Ed25519 key entry"),
        ("WRONG_ID", "is not the id of its public key"),
    ],
    ids=["not-json", "not-a-list", "incomplete", "wrong-id"],
)
def test_a_damaged_ring_is_named_not_guessed(key_file, ring_text, message):
    # Given
    ring, _ = ensure_key_ring(key_file)
    if ring_text == "WRONG_ID":
        ring_text = json.dumps({"keys": [{**ring.keys[0].to_json(), "keyId": "0000000000000000"}]})
    ring_path(key_file).write_text(ring_text)

    # Then
    with pytest.raises(KeyFileError, match=message.replace("[", r"\[").replace("{", r"\{")):
        load_key_ring(key_file)


def test_public_key_entries_round_trip():
    key = PublicKey.of(bytes(range(32)), datetime(2026, 11, 28).date())

    assert signing.parse_public_keys({"keys": [key.to_json(current=True)]}, "test") == (key,)


# --- /.well-known/jcm-registry-keys.json ----------------------------------------------------------------


@pytest.fixture
async def keys_client(settings: Settings, engine: AsyncEngine, key_file: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"signing_key_file": key_file}), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http
    await close_listeners(app)


async def test_without_a_key_file_the_published_list_is_empty(keys_client, key_file):
    # When
    response = await keys_client.get(PATH)

    # Then the app answers, and creates no key on a GET
    assert (response.status_code, response.json()) == (200, {"keys": []})
    assert not key_file.parent.exists()


async def test_the_published_keys_list_every_key_and_follow_a_rotation(keys_client, key_file):
    # Given
    first, _ = ensure_key_ring(key_file)
    before = await keys_client.get(PATH)

    # When the key is rotated while the app runs
    second = create_key(key_file)
    after = await keys_client.get(PATH)

    # Then
    assert before.status_code == 200
    assert before.json() == {"keys": [{**first.keys[0].to_json(), "current": True}]}
    assert after.json() == {
        "keys": [{**first.keys[0].to_json(), "current": False}, {**second.to_json(), "current": True}]
    }
    assert after.headers["content-type"] == "application/json"
    assert after.headers["cache-control"] == "public, max-age=300"
    assert after.headers["access-control-allow-origin"] == "*"
    assert before.headers["etag"] != after.headers["etag"]
    # And the published keys verify what the ring signs
    published = signing.parse_public_keys(after.json(), PATH)
    signed = sign(DOCUMENT, load_key_ring(key_file))
    assert verify(DOCUMENT, signed.signature, signed.key_id, published)


async def test_the_published_keys_answer_304_to_their_etag(keys_client, key_file):
    # Given
    ensure_key_ring(key_file)
    etag = (await keys_client.get(PATH)).headers["etag"]

    # When
    response = await keys_client.get(PATH, headers={"If-None-Match": etag})

    # Then
    assert (response.status_code, response.content, response.headers["etag"]) == (304, b"", etag)


async def test_an_unreadable_ring_is_a_503_not_a_crash(keys_client, key_file, caplog):
    # Given
    ensure_key_ring(key_file)
    ring_path(key_file).write_text("{not json")

    # When
    response = await keys_client.get(PATH)

    # Then
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"] == {"code": "KEYS_UNAVAILABLE"}
    assert "the signing keys cannot be read" in caplog.text
