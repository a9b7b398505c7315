"""Signing an account certificate: the holdings' canonical document (resolvers/certificates.py)
signed with the registry's current key from the app's key store (api/signing_keys.py publishes the
public keys). The signature is over the document's exact bytes: a client stores the document as
returned, and `jcm certificate verify FILE` or any Ed25519 library checks it offline.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from api.context import Context
from api.db import Db
from models.errors import DomainError, ErrorCode
from models.principal import Principal
from models.signing import KeyFileError, KeyStore, sign
from resolvers.certificates import Holdings, account_holdings

logger = logging.getLogger("jcm.api")


@dataclass(frozen=True)
class SignedCertificate:
    holdings: Holdings
    document: str
    signature: str  # base64 Ed25519 signature over document's UTF-8 bytes
    key_id: str


async def sign_certificate(
    db: Db, key_store: KeyStore, principal: Principal, number: str, as_of: datetime | None = None
) -> SignedCertificate | None:
    """The signed certificate of account `number` at `as_of` (default now); None when not found or
    not for `principal` to see."""
    holdings = await db.run(account_holdings, principal, number, as_of)
    if holdings is None:
        return None
    try:
        signed = sign(holdings.document, key_store.ring())
    except KeyFileError:
        logger.exception("a certificate cannot be signed")
        raise DomainError(
            ErrorCode.BUSY, "The registry's signing key cannot be read: try again later.", "number"
        ) from None
    return SignedCertificate(holdings, holdings.document, signed.signature, signed.key_id)


async def account_certificate(context: Context, number: str, as_of: datetime | None = None) -> SignedCertificate | None:
    """`sign_certificate` for a GraphQL operation: its session, principal and the app's key store."""
    key_store: KeyStore = context.request.app.state.key_store
    return await sign_certificate(context.db, key_store, context.principal, number, as_of)
