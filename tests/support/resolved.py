"""The resolvers whose results are pairs, as the tests read them: (subject row, proposal row), or
(proposal, decision) for a position.

Tests and builders call these instead of the resolvers themselves, so that when a resolver returns
a result object instead of a tuple, this module is the one place to change.
"""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models.decision import Decision
from models.methodology import Methodology
from models.principal import Principal
from models.proposal import Proposal
from models.tpe import TpeDesignation
from resolvers import methodologies, positions, tpes


async def position_given(
    session: AsyncSession, principal: Principal, **arguments: Any
) -> tuple[Proposal, Decision | None]:
    """resolvers.positions.give_position: the proposal, and the decision if the position took one."""
    proposal, decision = await positions.give_position(session, principal, **arguments)
    return proposal, decision


async def methodology_proposed(
    session: AsyncSession, principal: Principal, **arguments: Any
) -> tuple[Methodology, Proposal]:
    """resolvers.methodologies.propose_methodology: the methodology and its DRAFT proposal."""
    methodology, proposal = await methodologies.propose_methodology(session, principal, **arguments)
    return methodology, proposal


async def revision_proposed(
    session: AsyncSession, principal: Principal, **arguments: Any
) -> tuple[Methodology, Proposal]:
    """resolvers.methodologies.propose_revision: the revision and its DRAFT proposal."""
    methodology, proposal = await methodologies.propose_revision(session, principal, **arguments)
    return methodology, proposal


async def designation_proposed(
    session: AsyncSession, principal: Principal, **arguments: Any
) -> tuple[TpeDesignation, Proposal]:
    """resolvers.tpes.propose_designation: the designation and its DRAFT proposal."""
    designation, proposal = await tpes.propose_designation(session, principal, **arguments)
    return designation, proposal


async def action_proposed(
    session: AsyncSession, principal: Principal, **arguments: Any
) -> tuple[TpeDesignation, Proposal]:
    """resolvers.tpes.propose_action: the designation and the DRAFT proposal of its suspension or withdrawal."""
    designation, proposal = await tpes.propose_action(session, principal, **arguments)
    return designation, proposal
