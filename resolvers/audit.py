"""The append-only, hash-chained audit trail."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.audit import GENESIS_HASH, AuditEvent
from models.permissions import ensure_authenticated
from models.principal import Principal
from models.types import saved_id
from models.visibility import visible_trail
from resolvers.reads import records, select_records


def snapshot(row: SQLModel) -> dict[str, Any]:
    return row.model_dump(mode="json")


async def record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    subject: SQLModel,
    *,
    committee_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event for `subject` inside the caller's write transaction; `after` defaults to
    the subject as it is now.

    Two transactions must not both chain onto the same previous event: the write lock that
    `models.db.write_transaction` takes at BEGIN serialises them (on both databases).
    """
    last_hash = (await session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1))).one_or_none()
    event = AuditEvent(
        at=clock.now(),
        actor=principal.label,
        actor_role=principal.audit_role,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=_identity(subject),
        committee_id=committee_id,
        before=before,
        after=after if after is not None else snapshot(subject),
        prev_hash=last_hash or GENESIS_HASH,
        hash="",  # computed from the fields above, just below
    )
    event.hash = event.content_hash()
    session.add(event)
    return event


def _identity(subject: SQLModel) -> int:
    """The subject's integer key: its id, a sectoral scope's number, or 0 for a row keyed by name."""
    for key in ("id", "number"):
        value = getattr(subject, key, None)
        if isinstance(value, int):
            return value
    return 0


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainCheck:
    """How many events were checked, and the first broken link (None: the chain is intact)."""

    checked: int
    broken: BrokenLink | None


async def verify_chain(session: AsyncSession) -> ChainCheck:
    """Walk the chain in order, up to the first broken link."""
    previous = GENESIS_HASH
    checked = 0
    result = await session.stream(select(AuditEvent).order_by(col(AuditEvent.id)))
    async for (event,) in result:
        checked += 1
        if event.prev_hash != previous:
            return ChainCheck(
                checked, BrokenLink(saved_id(event), "does not follow the event before it (one was removed or altered)")
            )
        if event.content_hash() != event.hash:
            return ChainCheck(checked, BrokenLink(saved_id(event), "content does not match its hash (it was altered)"))
        previous = event.hash
    return ChainCheck(checked, None)


async def trail(session: AsyncSession, principal: Principal, subject_type: str, subject_id: int) -> list[AuditEvent]:
    """A subject's events, oldest first: for the secretariat and Japan, and a partner in its own committee."""
    ensure_authenticated(principal)
    statement = select_records(AuditEvent).where(
        col(AuditEvent.subject_type) == subject_type,
        col(AuditEvent.subject_id) == subject_id,
        visible_trail(principal, col(AuditEvent.committee_id)),
    )
    return await records(session, AuditEvent, statement.order_by(col(AuditEvent.id)))


async def change(
    session: AsyncSession,
    principal: Principal,
    action: str,
    row: SQLModel,
    *,
    committee_id: int | None,
    **values: Any,
) -> None:
    """Set `values` on `row` and record the change, before and after, in one step."""
    before = snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    await session.flush()
    await record(session, principal, action, row, committee_id=committee_id, before=before)
