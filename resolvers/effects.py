"""What a decision or a withdrawal does to the proposal's subject, by subject type.

Called inside the deciding (or withdrawing) transaction, so the subject changes together with
the decision or not at all. Each area registers its effects from its own module
(`models.subjects.register_effects`); a subject type without effects fails loudly, at import here
and at the decision, never by skipping them.
"""

from sqlmodel.ext.asyncio.session import AsyncSession

from models.decision import Decision
from models.principal import Principal
from models.proposal import Proposal
from models.subjects import MissingSubjectEffects, effects_of, unregistered

# Importing the areas registers their effects: every module that decides or withdraws imports this
# one, so the registry is complete whenever a decision can run. A new area adds its module here.
from resolvers import issuances, methodologies, projects, rules, tpes  # noqa: F401

if missing := unregistered():
    raise MissingSubjectEffects(f"No effects registered for {', '.join(sorted(missing))}: see models.subjects.")


async def after_decision(session: AsyncSession, principal: Principal, proposal: Proposal, decision: Decision) -> None:
    if proposal.subject_type is not None:
        await effects_of(proposal.subject_type).decided(session, principal, proposal, decision)


async def after_withdrawal(session: AsyncSession, principal: Principal, proposal: Proposal) -> None:
    if proposal.subject_type is not None:
        await effects_of(proposal.subject_type).withdrawn(session, principal, proposal)
