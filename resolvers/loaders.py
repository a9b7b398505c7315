"""Batch loads for nested fields: one query per kind of field and request, never one per row.

Each function takes the keys a request asked for and returns one result per key, in order.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple, TypeVar

from sqlalchemy import ColumnElement

from sqlmodel import SQLModel, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import CommitteeMember, JointCommittee, Meeting, clock
from models.enums import MemberRole, Side

T = TypeVar("T", bound=SQLModel)


async def by_id(session: AsyncSession, model: type[T], ids: Sequence[int]) -> list[T | None]:
    id_column = col(model.id)  # type: ignore[attr-defined]
    rows = (await session.exec(select(model).where(id_column.in_(set(ids))))).all()
    found = {row.id: row for row in rows}  # type: ignore[attr-defined]
    return [found.get(key) for key in ids]


async def committee_by_country(session: AsyncSession, country_ids: Sequence[int]) -> list[JointCommittee | None]:
    statement = select(JointCommittee).where(col(JointCommittee.country_id).in_(set(country_ids)))
    found = {row.country_id: row for row in (await session.exec(statement)).all()}
    return [found.get(key) for key in country_ids]


class MembersKey(NamedTuple):
    committee_id: int
    side: Side | None
    include_former: bool


def _serving_on(day: date) -> ColumnElement[bool]:
    return or_(col(CommitteeMember.until).is_(None), col(CommitteeMember.until) >= day)


async def members(session: AsyncSession, keys: Sequence[MembersKey]) -> list[list[CommitteeMember]]:
    """Members per (committee, side, includeFormer): Japan's side first, co-chairs first, then by start."""
    statement = select(CommitteeMember).where(
        col(CommitteeMember.committee_id).in_({key.committee_id for key in keys})
    )
    if not any(key.include_former for key in keys):
        statement = statement.where(_serving_on(clock.today()))
    rows = (await session.exec(statement)).all()
    today = clock.today()
    role_order = {MemberRole.CO_CHAIR: 0, MemberRole.MEMBER: 1, MemberRole.OBSERVER: 2}
    side_order = {Side.JAPAN: 0, Side.PARTNER: 1}
    rows = sorted(rows, key=lambda m: (side_order[m.side], role_order[m.role], m.since, m.id))
    return [
        [
            m
            for m in rows
            if m.committee_id == key.committee_id
            and (key.side is None or m.side == key.side)
            and (key.include_former or m.until is None or m.until >= today)
        ]
        for key in keys
    ]


async def co_chairs(session: AsyncSession, keys: Sequence[tuple[int, Side]]) -> list[CommitteeMember | None]:
    """The co-chair serving today for each (committee, side)."""
    today = clock.today()
    statement = select(CommitteeMember).where(
        col(CommitteeMember.committee_id).in_({committee_id for committee_id, _ in keys}),
        col(CommitteeMember.role) == MemberRole.CO_CHAIR,
        col(CommitteeMember.since) <= today,
        _serving_on(today),
    )
    found = {(m.committee_id, m.side): m for m in (await session.exec(statement)).all()}
    return [found.get(key) for key in keys]


async def meetings(session: AsyncSession, committee_ids: Sequence[int]) -> list[list[Meeting]]:
    """Meetings per committee, in number order."""
    statement = (
        select(Meeting).where(col(Meeting.committee_id).in_(set(committee_ids))).order_by(col(Meeting.number))
    )
    grouped: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in (await session.exec(statement)).all():
        grouped[meeting.committee_id].append(meeting)
    return [grouped[key] for key in committee_ids]
