"""Idempotency keys: the first answer to a mutation sent with an `Idempotency-Key`, kept so that a
client retrying after a timeout gets that answer again instead of a second proposal, comment or
meeting.

A key belongs to whoever sent it (a token, or a client address for the public), so two clients
choosing the same key never see each other's answers. The row is claimed (IN_PROGRESS) before the
request runs and completed (DONE) with the answer after it; a request that failed releases it.
"""

from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, enum_type

# How long an answer is kept and the key stays bound to its request (Stripe keeps keys 24 hours).
KEPT_FOR = timedelta(hours=24)
# A claim older than this whose request never finished (the process died mid-request) is
# abandoned: the key may be claimed again. Far above any request's time limit.
ABANDONED_AFTER = timedelta(minutes=5)
MAX_KEY_LENGTH = 255


class IdempotencyStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_key"

    # "token:<id>" or "addr:<client address>": the key's owner.
    scope: str = Field(primary_key=True, max_length=100)
    key: str = Field(primary_key=True, max_length=MAX_KEY_LENGTH)
    # SHA-256 of the canonical request (query, variables, operation name).
    fingerprint: str = Field(max_length=64)
    status: IdempotencyStatus = Field(sa_type=enum_type(IdempotencyStatus))
    response_status: int | None = None
    content_type: str | None = Field(default=None, max_length=200)
    response_body: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


def is_valid_key(key: str) -> bool:
    """1 to 255 printable ASCII characters (what Stripe accepts; a UUID fits)."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= ch <= "~" for ch in key)


def is_expired(row: IdempotencyKey, now: datetime) -> bool:
    if row.created_at <= now - KEPT_FOR:
        return True
    return row.status is IdempotencyStatus.IN_PROGRESS and row.created_at <= now - ABANDONED_AFTER
