"""What a decision or a withdrawal does to the proposal's subject, by subject type.

Called inside the deciding (or withdrawing) transaction, so the subject changes together with
the decision or not at all. A subject type is added with one entry here.
"""

from collections.abc import Awaitable, Callable
from typing import NamedTuple

from sqlmodel.ext.asyncio.session import AsyncSession

from models.decision import Decision
from models.principal import Principal
from models.proposal import Proposal
from resolvers import methodologies, rules, tpes


class SubjectEffects(NamedTuple):
    decided: Callable[[AsyncSession, Principal, Proposal, Decision], Awaitable[None]]
    withdrawn: Callable[[AsyncSession, Principal, Proposal], Awaitable[None]]


EFFECTS: dict[str, SubjectEffects] = {
    "RuleVersion": SubjectEffects(rules.on_decision, rules.on_withdrawal),
    "Methodology": SubjectEffects(methodologies.on_decision, methodologies.on_withdrawal),
    "TpeDesignation": SubjectEffects(tpes.on_decision, tpes.on_withdrawal),
}


async def after_decision(session: AsyncSession, principal: Principal, proposal: Proposal, decision: Decision) -> None:
    if proposal.subject_type is not None:
        await EFFECTS[proposal.subject_type].decided(session, principal, proposal, decision)


async def after_withdrawal(session: AsyncSession, principal: Principal, proposal: Proposal) -> None:
    if proposal.subject_type is not None:
        await EFFECTS[proposal.subject_type].withdrawn(session, principal, proposal)
