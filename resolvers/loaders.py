"""Batch loads for nested fields: one query per kind of field and request, never one per row.

Each function takes the keys a request asked for and returns one result per key, in order. Rows
come back as plain records (`resolvers.reads`), not ORM instances: loaders serve reads only. Each
statement is built once per shape (`built_once`) and runs with the keys, and today's date, as
bound parameters; what it depends on besides (the model, the column, the order, the principal's
role and country for visibility) is its key.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlmodel import SQLModel, col, or_
from sqlmodel.ext.asyncio.session import AsyncSession

from models import CommitteeMember, clock
from models.decision import Decision
from models.enums import MemberRole, Side
from models.principal import Principal
from models.proposal import Proposal, PublicComment, SidePosition
from models.subjects import SubjectType
from models.tpe import TpeDesignation
from models.visibility import visible_designations, visible_proposals
from resolvers.reads import KEYS, built_once, keys_in, record_of, records, rows, select_records

T = TypeVar("T", bound=SQLModel)
R = TypeVar("R")


class AboutProposal(Protocol):
    """A row that a proposal carries (a rule version, a methodology): visible as its proposal is."""

    proposal_id: int


P = TypeVar("P", bound=AboutProposal)


class MembersKey(NamedTuple):
    committee_id: int
    side: Side | None
    include_former: bool


TODAY = "today"


def _serving_on() -> ColumnElement[bool]:
    """Serving on the day given as parameter `today`."""
    return or_(col(CommitteeMember.until).is_(None), col(CommitteeMember.until) >= sa.bindparam(TODAY, type_=sa.Date))


def _keys(keys: Sequence[Any], **more: Any) -> dict[str, Any]:
    return {KEYS: list(set(keys)), **more}


def visibility_key(principal: Principal) -> tuple[Any, ...]:
    """What visibility depends on, as part of a statement's key: not the token's name."""
    return (principal.role, principal.country_code)


def _members_statement(include_former: bool) -> sa.Select[Any]:
    statement = select_records(CommitteeMember).where(keys_in(col(CommitteeMember.committee_id)))
    return statement if include_former else statement.where(_serving_on())


async def members(session: AsyncSession, keys: Sequence[MembersKey]) -> list[list[CommitteeMember]]:
    """Members per (committee, side, includeFormer): Japan's side first, co-chairs first, then by start."""
    include_former = any(key.include_former for key in keys)
    statement = built_once(("members", include_former), lambda: _members_statement(include_former))
    today = clock.today()
    params = _keys([key.committee_id for key in keys], **({} if include_former else {TODAY: today}))
    found = await records(session, CommitteeMember, statement, params)
    role_order = {MemberRole.CO_CHAIR: 0, MemberRole.MEMBER: 1, MemberRole.OBSERVER: 2}
    side_order = {Side.JAPAN: 0, Side.PARTNER: 1}
    found.sort(key=lambda m: (side_order[m.side], role_order[m.role], m.since, m.id))
    return [
        [
            m
            for m in found
            if m.committee_id == key.committee_id
            and (key.side is None or m.side == key.side)
            and (key.include_former or m.until is None or m.until >= today)
        ]
        for key in keys
    ]


async def co_chairs(session: AsyncSession, keys: Sequence[tuple[int, Side]]) -> list[CommitteeMember | None]:
    """The co-chair serving today for each (committee, side)."""
    statement = built_once(
        "co_chairs",
        lambda: select_records(CommitteeMember).where(
            keys_in(col(CommitteeMember.committee_id)),
            col(CommitteeMember.role) == MemberRole.CO_CHAIR,
            col(CommitteeMember.since) <= sa.bindparam(TODAY, type_=sa.Date),
            _serving_on(),
        ),
    )
    params = _keys([committee_id for committee_id, _ in keys], **{TODAY: clock.today()})
    found = {(m.committee_id, m.side): m for m in await records(session, CommitteeMember, statement, params)}
    return [found.get(key) for key in keys]


async def _by_key(
    session: AsyncSession, model: type[R], statement: Any, key_column: str, keys: Sequence[Any], **more: Any
) -> list[list[R]]:
    """The records of `statement` (a select of `model`'s records, filtered by `keys_in`) whose
    `key_column` is each key, grouped in the statement's order."""
    found: dict[Any, list[R]] = defaultdict(list)
    for row in await records(session, model, statement, _keys(keys, **more)):
        found[getattr(row, key_column)].append(row)
    return [found[key] for key in keys]


def _first_of(groups: list[list[R]]) -> list[R | None]:
    return [group[0] if group else None for group in groups]


def _ordered(model: Any, order_by: str) -> Any:
    """A column of `model` to sort by; "-name" for descending."""
    column = col(getattr(model, order_by.lstrip("-")))
    return column.desc() if order_by.startswith("-") else column


async def grouped(
    session: AsyncSession, model: type[T], key_column: str, order_by: str, keys: Sequence[Any]
) -> list[list[T]]:
    """Rows of `model` per value of `key_column`, in `order_by` order."""
    statement = built_once(
        ("grouped", model, key_column, order_by),
        lambda: (
            select_records(model).where(keys_in(col(getattr(model, key_column)))).order_by(_ordered(model, order_by))
        ),
    )
    return await _by_key(session, model, statement, key_column, keys)


async def one_by(session: AsyncSession, model: type[T], key_column: str, keys: Sequence[Any]) -> list[T | None]:
    """The row of `model` whose unique `key_column` is each key, or None."""
    statement = built_once(
        ("one_by", model, key_column), lambda: select_records(model).where(keys_in(col(getattr(model, key_column))))
    )
    return _first_of(await _by_key(session, model, statement, key_column, keys))


async def positions(session: AsyncSession, keys: Sequence[tuple[int, int]]) -> list[list[SidePosition]]:
    """Positions per (proposal, round), Japan's side first."""
    statement = built_once(
        "positions", lambda: select_records(SidePosition).where(keys_in(col(SidePosition.proposal_id)))
    )
    found: dict[tuple[int, int], list[SidePosition]] = defaultdict(list)
    loaded = await records(session, SidePosition, statement, _keys([p for p, _ in keys]))
    for row in sorted(loaded, key=lambda r: (r.side is not Side.JAPAN, r.id)):
        found[(row.proposal_id, row.round)].append(row)
    return [found[key] for key in keys]


async def visible_proposals_by_id(
    session: AsyncSession, principal: Principal, ids: Sequence[int]
) -> list[Proposal | None]:
    statement = built_once(
        ("visible_proposals", visibility_key(principal)),
        lambda: select_records(Proposal).where(keys_in(col(Proposal.id)), visible_proposals(principal)),
    )
    return _first_of(await _by_key(session, Proposal, statement, "id", ids))


async def grouped_visible(
    session: AsyncSession, principal: Principal, model: type[P], key_column: str, order_by: str, keys: Sequence[Any]
) -> list[list[P]]:
    """Like `grouped`, for subjects of proposals: only those whose proposal the principal may see."""
    statement = built_once(
        ("grouped_visible", model, key_column, order_by, visibility_key(principal)),
        lambda: (
            select_records(model)
            .join(Proposal, col(Proposal.id) == col(model.proposal_id))
            .where(keys_in(col(getattr(model, key_column))), visible_proposals(principal))
            .order_by(_ordered(model, order_by))
        ),
    )
    return await _by_key(session, model, statement, key_column, keys)


async def one_visible(
    session: AsyncSession, principal: Principal, model: type[P], ids: Sequence[int]
) -> list[P | None]:
    """Subjects of proposals by id, None where the principal may not see the proposal."""
    return _first_of(await grouped_visible(session, principal, model, "id", "id", ids))


async def decisions_about(
    session: AsyncSession, subject_type: SubjectType, keys: Sequence[int]
) -> list[list[Decision]]:
    """The decisions on every proposal about each subject, oldest first."""
    statement = built_once(
        ("decisions_about", subject_type),
        lambda: (
            select_records(Decision, Proposal.subject_id)
            .join(Proposal, col(Proposal.id) == col(Decision.proposal_id))
            .where(col(Proposal.subject_type) == subject_type, keys_in(col(Proposal.subject_id)))
            .order_by(col(Decision.id))
        ),
    )
    # subject_id is typed optional (a proposal may be about no subject); the IN filter makes it a key.
    found: dict[int | None, list[Decision]] = defaultdict(list)
    for row in await rows(session, statement, _keys(keys)):
        found[row[-1]].append(record_of(Decision, row))
    return [found[key] for key in keys]


async def visible_designations_of(
    session: AsyncSession, principal: Principal, key_column: str, keys: Sequence[int]
) -> list[list[TpeDesignation]]:
    statement = built_once(
        ("visible_designations", key_column, visibility_key(principal)),
        lambda: (
            select_records(TpeDesignation)
            .where(keys_in(col(getattr(TpeDesignation, key_column))), visible_designations(principal))
            .order_by(col(TpeDesignation.id))
        ),
    )
    return await _by_key(session, TpeDesignation, statement, key_column, keys)


async def one_of_visible_designations(
    session: AsyncSession, principal: Principal, ids: Sequence[int]
) -> list[TpeDesignation | None]:
    return _first_of(await visible_designations_of(session, principal, "id", ids))


async def window_comments(
    session: AsyncSession, keys: Sequence[tuple[int | None, int | None]]
) -> list[list[PublicComment]]:
    """Comments per public-input window, oldest first: a proposal's, keyed (proposal id, None), or a
    project design document's, keyed (None, project id). One statement per kind asked for."""
    found: dict[tuple[int | None, int | None], list[PublicComment]] = {}
    for position, column in ((0, "proposal_id"), (1, "project_id")):
        ids = [key[position] for key in keys if key[position] is not None]
        if ids:
            for pk, group in zip(ids, await grouped(session, PublicComment, column, "id", ids), strict=True):
                found[(pk, None) if position == 0 else (None, pk)] = group
    return [found.get(key, []) for key in keys]
