"""Claiming, completing and releasing idempotency keys, each in its own short transaction.

The claim is separate from the request it guards: the mutation runs in its own transaction
afterwards, and a second request with the same key must see the claim before that one ends.
The table's primary key (scope, key) decides a race: of two requests inserting the same key at
once, one commits and the other's insert fails, after which it reads the winner's row.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.db import write_transaction
from models.idempotency import KEPT_FOR, IdempotencyKey, IdempotencyStatus, is_expired

CLAIM_ATTEMPTS = 3


class ClaimOutcome(Enum):
    CLAIMED = "claimed"  # the key is ours: run the request, then complete or release
    REPLAY = "replay"  # the same request was answered before: send `row`'s answer again
    REUSED = "reused"  # the key was used for a different request
    IN_PROGRESS = "in progress"  # the same request is running right now


@dataclass(frozen=True)
class Claim:
    outcome: ClaimOutcome
    claimed_at: datetime | None = None  # CLAIMED: names this claim when completing or releasing it
    row: IdempotencyKey | None = None  # REPLAY: the stored answer


async def claim(session: AsyncSession, scope: str, key: str, fingerprint: str) -> Claim:
    """Claim `key` for a request, or say why not. Expired and abandoned rows are taken over."""
    # A retry of an answered request (the common case) is told so without taking the write lock.
    row = (await session.exec(_row(scope, key))).one_or_none()
    if row is not None and not is_expired(row, clock.now()):
        await session.commit()  # end the read snapshot
        return _not_ours(row, fingerprint)
    for attempt in range(CLAIM_ATTEMPTS):
        now = clock.now()
        try:
            async with write_transaction(session):
                # Opportunistic cleanup: expired rows are never read again (created_at is indexed).
                await session.exec(delete(IdempotencyKey).where(col(IdempotencyKey.created_at) <= now - KEPT_FOR))
                row = (await session.exec(_row(scope, key).with_for_update())).one_or_none()
                if row is None:
                    session.add(
                        IdempotencyKey(
                            scope=scope,
                            key=key,
                            fingerprint=fingerprint,
                            status=IdempotencyStatus.IN_PROGRESS,
                            created_at=now,
                        )
                    )
                    return Claim(ClaimOutcome.CLAIMED, claimed_at=now)
                if is_expired(row, now):
                    row.fingerprint, row.status, row.created_at = fingerprint, IdempotencyStatus.IN_PROGRESS, now
                    row.response_status = row.content_type = row.response_body = None
                    session.add(row)
                    return Claim(ClaimOutcome.CLAIMED, claimed_at=now)
                return _not_ours(row, fingerprint)
        except IntegrityError:
            # Another request inserted the key between our read and our insert: read its row.
            if attempt == CLAIM_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _row(scope: str, key: str):
    statement = select(IdempotencyKey).where(col(IdempotencyKey.scope) == scope, col(IdempotencyKey.key) == key)
    return statement.execution_options(populate_existing=True)


def _not_ours(row: IdempotencyKey, fingerprint: str) -> Claim:
    """Why a live row someone holds is not a claim for this request."""
    if row.fingerprint != fingerprint:
        return Claim(ClaimOutcome.REUSED)
    if row.status is IdempotencyStatus.DONE:
        return Claim(ClaimOutcome.REPLAY, row=row)
    return Claim(ClaimOutcome.IN_PROGRESS)


async def complete(
    session: AsyncSession,
    scope: str,
    key: str,
    claimed_at: datetime,
    status: int,
    content_type: str | None,
    body: bytes,
) -> None:
    """Keep the answer of a claimed request, to be replayed for the next 24 hours."""
    async with write_transaction(session):
        await session.exec(
            update(IdempotencyKey)
            .where(*_this_claim(scope, key, claimed_at))
            .values(
                status=IdempotencyStatus.DONE, response_status=status, content_type=content_type, response_body=body
            )
        )


async def release(session: AsyncSession, scope: str, key: str, claimed_at: datetime) -> None:
    """Give the key up: the request failed without an answer worth keeping, and may be retried."""
    async with write_transaction(session):
        await session.exec(delete(IdempotencyKey).where(*_this_claim(scope, key, claimed_at)))


def _this_claim(scope: str, key: str, claimed_at: datetime) -> list:
    # Only our own claim: an abandoned one may have been taken over since.
    return [
        col(IdempotencyKey.scope) == scope,
        col(IdempotencyKey.key) == key,
        col(IdempotencyKey.status) == IdempotencyStatus.IN_PROGRESS,
        col(IdempotencyKey.created_at) == claimed_at,
    ]
