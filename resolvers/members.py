"""Appointing and ending committee memberships."""

from datetime import date

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import CommitteeMember, JointCommittee, clock
from models.db import write_transaction
from models.enums import MemberRole, Side
from models.errors import invalid, not_found
from models.membership import check_can_end, check_term, co_chairs_to_end, end_date_for_successor
from models.permissions import Action, ensure_allowed, ensure_authenticated
from models.principal import Principal
from models.types import saved_id
from models.validation import clean_required, clean_text
from resolvers import audit
from resolvers.committees import committee_for_update


async def appoint_member(
    session: AsyncSession,
    principal: Principal,
    *,
    committee_code: str,
    side: Side,
    role: MemberRole,
    name: str,
    organization: str,
    since: date,
    title: str | None = None,
) -> CommitteeMember:
    """Appoint a member; a new co-chair ends the sitting co-chair of that side the day before."""
    ensure_authenticated(principal)
    async with write_transaction(session):
        committee = await committee_for_update(session, committee_code)
        ensure_allowed(principal, Action.APPOINT_MEMBER, committee.code, side)
        name = clean_required("name", name, max_length=200)
        organization = clean_required("organization", organization, max_length=200)
        title = clean_text("title", title, max_length=200, required=False)
        serving = await _serving_members(session, committee, side, since)
        if any(m.name.casefold() == name.casefold() and m.role is role for m in serving):
            raise invalid("name", f"{name} already serves as {role.value} on the {side.value} side.")
        if role is MemberRole.CO_CHAIR:
            for predecessor in co_chairs_to_end(since, serving):
                await _end(session, principal, committee, predecessor, end_date_for_successor(since))
        member = CommitteeMember(
            committee_id=saved_id(committee),
            side=side,
            role=role,
            name=name,
            title=title,
            organization=organization,
            since=since,
            created_at=clock.now(),
        )
        session.add(member)
        await session.flush()
        await audit.record(session, principal, "memberAppointed", member, committee_id=committee.id)
    return member


async def end_membership(
    session: AsyncSession, principal: Principal, *, member_id: int, until: date
) -> CommitteeMember:
    ensure_authenticated(principal)
    async with write_transaction(session):
        member = (
            await session.exec(select(CommitteeMember).where(col(CommitteeMember.id) == member_id).with_for_update())
        ).one_or_none()
        if member is None:
            raise not_found("memberId", "No committee member has this id.")
        committee = await session.get_one(JointCommittee, member.committee_id)
        ensure_allowed(principal, Action.END_MEMBERSHIP, committee.code, member.side)
        check_can_end(member, until)
        await _end(session, principal, committee, member, until)
    return member


async def _serving_members(
    session: AsyncSession, committee: JointCommittee, side: Side, on: date
) -> list[CommitteeMember]:
    """Members of a side whose term has not ended before `on`, locked for this transaction."""
    statement = (
        select(CommitteeMember)
        .where(
            col(CommitteeMember.committee_id) == committee.id,
            col(CommitteeMember.side) == side,
            or_(col(CommitteeMember.until).is_(None), col(CommitteeMember.until) >= on),
        )
        .with_for_update()
    )
    return list((await session.exec(statement)).all())


async def _end(
    session: AsyncSession, principal: Principal, committee: JointCommittee, member: CommitteeMember, until: date
) -> None:
    check_term(member.since, until)
    await audit.change(session, principal, "membershipEnded", member, committee_id=committee.id, until=until)
