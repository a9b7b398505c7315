"""Ed25519 signatures for the registry's certificates, with keys kept outside the database.

Why outside: a certificate must stay checkable by someone who trusts the registry's published keys
but not its database; a key stored in the tables would be copied by every backup and dump.

Files (the key file is JCM_SIGNING_KEY_FILE, by default `jcm-signing-key.pem` beside the database):
- `jcm-signing-key.pem`: the CURRENT private key, PKCS#8 PEM, unencrypted, mode 0600. Only it signs.
- `jcm-signing-key.pub.json` (the key file's name with `.pub.json` for its suffix): the key ring,
  every public key the registry ever signed with, oldest first, mode 0644:
  `{"keys": [{"keyId", "algorithm": "Ed25519", "publicKey": base64 of the raw 32 bytes, "createdOn"}]}`.
Rotating (`create_key`) appends the new public key to the ring first, then replaces the PEM: the
old private key is gone (it can no longer sign), its public key stays published, so certificates
it signed still verify. A crash between the two steps leaves an unused public key in the ring,
never a signing key whose public half is unpublished.

A key's id is the first 16 hex digits of SHA-256 over its raw public key: short, stable, and bound
to the key (an entry whose stated id does not match its key is refused).

A signature is over the UTF-8 bytes of the document text exactly as given: whatever alters a byte
of the document or of the signature makes verification fail. `canonical_json` is how documents
are written, so that the same content always yields the same text (see there).
"""

import base64
import binascii
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.engine import make_url

from models import clock

logger = logging.getLogger("jcm.signing")

ALGORITHM = "Ed25519"
DEFAULT_KEY_FILE = "jcm-signing-key.pem"
KEY_ID_HEX = 16


class KeyFileError(Exception):
    """The key file or key ring cannot be read or written; the message says which file and why."""


class MalformedCertificate(ValueError):
    """A certificate file that is not `{"document", "signature", "keyId"}` with string values."""


# --- documents ----------------------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    """The one text of a JSON value: keys sorted (by code point), no spaces (`,` and `:`), non-ASCII
    characters written as themselves (signed as UTF-8), no NaN or infinity.

    Floats are refused: their text differs between writers, so amounts go in as integers or as
    decimal strings. Close to RFC 8785 (JCS), which sorts by UTF-16 units instead; the two differ
    only for keys with characters beyond U+FFFF.
    """
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("canonical_json takes no floats: write amounts as integers or decimal strings")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"canonical_json takes only string keys, not {key!r}")
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


# --- keys ---------------------------------------------------------------------------------------


def key_id(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).hexdigest()[:KEY_ID_HEX]


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    raw: bytes  # the 32 bytes of the Ed25519 public key
    created_on: date

    @classmethod
    def of(cls, raw: bytes, created_on: date) -> "PublicKey":
        if len(raw) != 32:
            raise ValueError(f"an Ed25519 public key has 32 bytes, not {len(raw)}")
        return cls(key_id(raw), raw, created_on)

    def to_json(self, current: bool | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "keyId": self.key_id,
            "algorithm": ALGORITHM,
            "publicKey": base64.b64encode(self.raw).decode("ascii"),
            "createdOn": self.created_on.isoformat(),
        }
        if current is not None:
            entry["current"] = current
        return entry


@dataclass(frozen=True)
class KeyRing:
    """Every public key, oldest first, and the private key that signs now (None: no key file)."""

    keys: tuple[PublicKey, ...]
    signer: Ed25519PrivateKey | None

    @property
    def current_id(self) -> str | None:
        return key_id(_raw_public(self.signer.public_key())) if self.signer else None

    def published(self) -> dict[str, Any]:
        """The document of /.well-known/jcm-registry-keys.json."""
        current = self.current_id
        return {"keys": [key.to_json(current=key.key_id == current) for key in self.keys]}


@dataclass(frozen=True)
class Signed:
    signature: str  # base64 (standard alphabet, padded) of the 64-byte signature
    key_id: str


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def ring_path(key_file: Path) -> Path:
    """`jcm-signing-key.pem` -> `jcm-signing-key.pub.json`, beside it."""
    return key_file.with_name(key_file.stem + ".pub.json") if key_file.suffix else Path(f"{key_file}.pub.json")


def default_key_file(database_url: str) -> Path:
    """`jcm-signing-key.pem` in the folder of a SQLite database file; for PostgreSQL or an
    in-memory SQLite database, in the working folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / DEFAULT_KEY_FILE
    return Path(DEFAULT_KEY_FILE)


def parse_public_keys(document: Any, source: str) -> tuple[PublicKey, ...]:
    """The keys of a key ring or of a published keys document (`{"keys": [...]}`)."""
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise KeyFileError(f'{source}: expected a JSON object {{"keys": [...]}}')
    keys = []
    for n, entry in enumerate(entries, 1):
        try:
            if entry["algorithm"] != ALGORITHM:
                raise ValueError(f"algorithm {entry['algorithm']!r} is not {ALGORITHM}")
            key = PublicKey.of(
                base64.b64decode(entry["publicKey"], validate=True), date.fromisoformat(entry["createdOn"])
            )
            if entry["keyId"] != key.key_id:
                raise ValueError(f"keyId {entry['keyId']!r} is not the id of its public key ({key.key_id})")
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            raise KeyFileError(f"{source}: key {n} is not a valid Ed25519 key entry ({error})") from None
        keys.append(key)
    return tuple(keys)


def load_key_ring(key_file: Path, *, signer_needed: bool = True) -> KeyRing:
    """The ring as the files hold it. A missing PEM means no signer; a missing ring file, a ring of
    the PEM's key alone (a key put there by hand); a PEM whose key the ring lacks is added last.

    signer_needed=False (verifying): a PEM this user may not read, or a damaged one, is passed
    over; the ring file still gives the public keys.
    """
    signer = None
    if key_file.exists():
        try:
            signer = _load_private(key_file)
        except KeyFileError:
            if signer_needed:
                raise
    ring_file = ring_path(key_file)
    keys: tuple[PublicKey, ...] = ()
    if ring_file.exists():
        try:
            document = json.loads(ring_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise KeyFileError(f"{ring_file}: cannot read the key ring ({error})") from None
        keys = parse_public_keys(document, str(ring_file))
    if signer is not None:
        raw = _raw_public(signer.public_key())
        if key_id(raw) not in {key.key_id for key in keys}:
            created = datetime.fromtimestamp(key_file.stat().st_mtime, UTC).date()
            keys = (*keys, PublicKey.of(raw, created))
    return KeyRing(keys, signer)


def _load_private(key_file: Path) -> Ed25519PrivateKey:
    try:
        if key_file.stat().st_mode & 0o077:
            logger.warning("signing key %s can be read by other users; it should have mode 0600", key_file)
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise KeyFileError(f"{key_file}: cannot read the signing key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{key_file}: the signing key is not an Ed25519 key")
    return key


def ensure_key_ring(key_file: Path) -> tuple[KeyRing, bool]:
    """The ring, with a first key created if there is no key file; True if it was created now.

    Two processes starting at once create one key between them: the PEM is linked into place only
    if it does not exist yet, and the loser loads the winner's.
    """
    if not key_file.exists():
        try:
            create_key(key_file, replace=False)
            return load_key_ring(key_file), True
        except FileExistsError:
            pass
    return load_key_ring(key_file), False


def create_key(key_file: Path, *, replace: bool = True) -> PublicKey:
    """A new signing key: its public key joins the ring, then its private key replaces the PEM.

    With replace=False the PEM must not exist yet (FileExistsError if another process made it).
    load_key_ring adds the PEM's key to the ring in any case, so no order of crash can leave a key
    that signs without being published.
    """
    ring = load_key_ring(key_file)
    private = Ed25519PrivateKey.generate()
    new = PublicKey.of(_raw_public(private.public_key()), clock.today())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ring_text = json.dumps({"keys": [key.to_json() for key in (*ring.keys, new)]}, indent=2) + "\n"
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        if replace:  # rotation: publish the new key before it can sign
            _write_atomically(ring_path(key_file), ring_text.encode("utf-8"), 0o644, replace=True)
            _write_atomically(key_file, pem, 0o600, replace=True)
        else:  # first key: claim the PEM first, so that a process that lost the race writes nothing
            _write_atomically(key_file, pem, 0o600, replace=False)
            _write_atomically(ring_path(key_file), ring_text.encode("utf-8"), 0o644, replace=True)
    except FileExistsError:
        raise
    except OSError as error:
        raise KeyFileError(f"{key_file}: cannot write the signing key ({error})") from None
    return new


def _write_atomically(path: Path, content: bytes, mode: int, *, replace: bool) -> None:
    """Write a temporary file with its final mode (never wider), then move it into place: readers
    see the old file or the new one, never a part. replace=False links it only if `path` is free."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # FileExistsError if another process was first
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


# --- signing and verifying ------------------------------------------------------------------------


def sign(document: str, ring: KeyRing) -> Signed:
    """Sign the document's UTF-8 bytes with the ring's current key."""
    if ring.signer is None:
        raise KeyFileError("there is no signing key: run `jcm keys create` or start `jcm serve` once")
    signature = ring.signer.sign(document.encode("utf-8"))
    return Signed(base64.b64encode(signature).decode("ascii"), key_id(_raw_public(ring.signer.public_key())))


def why_invalid(document: str, signature_b64: str, key_id_: str, public_keys: Iterable[PublicKey]) -> str | None:
    """None if the signature is the key's over the document; otherwise why not, in a sentence."""
    key = next((k for k in public_keys if k.key_id == key_id_), None)
    if key is None:
        return f"key {key_id_!r} is not one of the registry's keys"
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return "the signature is not base64"
    # Base64 has spare bits: two texts can decode alike. Only the one canonical text is accepted, so
    # that changing any character of the signature fails too.
    if len(signature) != 64 or base64.b64encode(signature).decode("ascii") != signature_b64:
        return "the signature is not a base64 Ed25519 signature (64 bytes)"
    try:
        message = document.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, as a JSON file's "\ud800" gives: no document was signed so
        return "the document is not valid Unicode text"
    try:
        Ed25519PublicKey.from_public_bytes(key.raw).verify(signature, message)
    except InvalidSignature:
        return f"the signature does not match the document for key {key.key_id} (the document or the signature was altered)"
    return None


def verify(document: str, signature_b64: str, key_id_: str, public_keys: Iterable[PublicKey]) -> bool:
    return why_invalid(document, signature_b64, key_id_, public_keys) is None


@dataclass(frozen=True)
class Certificate:
    document: str
    signature: str
    key_id: str


def parse_certificate(text: str) -> Certificate:
    """A certificate as the query returns it: `{"document", "signature", "keyId"}`, all strings
    (other members, such as __typename, are ignored)."""
    try:
        value = json.loads(text)
    except ValueError as error:
        raise MalformedCertificate(f"not JSON ({error})") from None
    if not isinstance(value, dict):
        raise MalformedCertificate('not a JSON object {"document", "signature", "keyId"}')
    missing = [name for name in ("document", "signature", "keyId") if not isinstance(value.get(name), str)]
    if missing:
        raise MalformedCertificate(f"{', '.join(missing)} missing or not a string")
    return Certificate(value["document"], value["signature"], value["keyId"])


class KeyStore:
    """The key ring of one key file, read again only when a file changed (a `jcm keys create`
    while the server runs takes effect at the next request), for the web app and resolvers."""

    def __init__(self, key_file: Path):
        self.key_file = key_file
        self._seen: tuple[Any, ...] | None = None
        self._ring = KeyRing((), None)

    def ring(self) -> KeyRing:
        stamp = (_stamp(self.key_file), _stamp(ring_path(self.key_file)))
        if stamp != self._seen:
            self._ring = load_key_ring(self.key_file)
            self._seen = stamp
        return self._ring


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size
