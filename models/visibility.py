"""Who sees what, applied in one place: in SQL for lists and lookups, in Python for single fields.

The public sees decisions, and proposals once published (from public input or circulation on),
without the sides' positions until decided. The secretariat and Japan see everything. A partner
sees everything of its own committee and what the public sees of the others. A proposal's subject
(a methodology, a designation) is seen as its proposal is, until it is approved. A project is
public from the committee's decision on its PIN (either way) on, with its design document, and
its registration request once that proposal is published; a credit issuance as its proposal is.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from models.committee import JointCommittee
from models.enums import ProjectStatus, RegistryAccountKind, Role, TransferKind
from models.methodology import Methodology
from models.principal import Principal
from models.project import CreditIssuance, Project
from models.proposal import Proposal
from models.registry import JAPAN, Registry, RegistryAccount, Transfer
from models.subjects import SubjectType
from models.tpe import TpeDesignation


def sees_all_committees(principal: Principal) -> bool:
    return principal.role in (Role.SECRETARIAT, Role.JAPAN)


def sees_inside(principal: Principal, committee_code: str) -> bool:
    """Drafts, positions and trails of a committee: the secretariat, Japan, and its own partner."""
    return sees_all_committees(principal) or (
        principal.role is Role.PARTNER and principal.country_code == committee_code
    )


def own_committee(principal: Principal) -> sa.ScalarSelect[int]:
    """The id of a partner's own committee, as a subquery (none for other roles)."""
    return select(JointCommittee.id).where(col(JointCommittee.code) == principal.country_code).scalar_subquery()


def visible_proposals(principal: Principal) -> sa.ColumnElement[bool]:
    if sees_all_committees(principal):
        return sa.true()
    published = col(Proposal.published_at).is_not(None)
    if principal.role is Role.PARTNER:
        return sa.or_(published, col(Proposal.committee_id) == own_committee(principal))
    return published


def visible_methodologies(principal: Principal) -> SelectOfScalar[Methodology]:
    """Methodologies follow their proposal's visibility: public from public input on."""
    return (
        select(Methodology)
        .join(Proposal, col(Proposal.id) == col(Methodology.proposal_id))
        .where(visible_proposals(principal))
    )


def visible_designations(principal: Principal) -> sa.ColumnElement[bool]:
    """Designated once (it has a reference): public. Before that: as its proposal."""
    proposed = select(Proposal.subject_id).where(
        col(Proposal.subject_type) == SubjectType.TPE_DESIGNATION, visible_proposals(principal)
    )
    return sa.or_(col(TpeDesignation.reference).is_not(None), col(TpeDesignation.id).in_(proposed))


def visible_projects(principal: Principal) -> sa.ColumnElement[bool]:
    """Public once its PIN was decided (`published_at`); drafts to the secretariat, Japan and its partner."""
    if sees_all_committees(principal):
        return sa.true()
    published = col(Project.published_at).is_not(None)
    if principal.role is Role.PARTNER:
        return sa.or_(published, col(Project.committee_id) == own_committee(principal))
    return published


def registration_seen(principal: Principal) -> sa.ColumnElement[bool]:
    """Whether `principal` sees a project's registration request: its status REGISTRATION_REQUESTED,
    methodology and validator. A draft registration proposal is seen as any draft is (the
    secretariat, Japan, that committee's partner); until it is published the others see the project
    as PLANNED, without them."""
    if sees_all_committees(principal):
        return sa.true()
    seen = select(Proposal.id).where(
        col(Proposal.id) == col(Project.registration_proposal_id), visible_proposals(principal)
    )
    return sa.or_(col(Project.registration_proposal_id).is_(None), seen.exists())


def project_status_seen(principal: Principal) -> SQLCoreOperations[Any]:
    """The status `principal` is shown, in SQL, so that a list filtered by status agrees with it."""
    if sees_all_committees(principal):
        return col(Project.status)
    return sa.case(
        (
            sa.and_(col(Project.status) == ProjectStatus.REGISTRATION_REQUESTED.value, ~registration_seen(principal)),
            sa.literal(ProjectStatus.PLANNED.value),
        ),
        else_=col(Project.status),
    )


def visible_issuances(principal: Principal) -> sa.ColumnElement[bool]:
    """An issuance request is seen as its CREDIT_ISSUANCE proposal is."""
    if sees_all_committees(principal):
        return sa.true()
    return col(CreditIssuance.proposal_id).in_(select(Proposal.id).where(visible_proposals(principal)))


def visible_trail(principal: Principal, committee_id: SQLCoreOperations[int | None]) -> sa.ColumnElement[bool]:
    """Audit events: the secretariat and Japan see all; a partner its own committee's; nobody else any."""
    if sees_all_committees(principal):
        return sa.true()
    if principal.role is Role.PARTNER:
        return committee_id == own_committee(principal)
    return sa.false()


def sees_positions(principal: Principal, committee_code: str, decided: bool) -> bool:
    return decided or sees_inside(principal, committee_code)


# --- the registry -------------------------------------------------------------------------------
#
# Public: account numbers, kinds, holder names and balances of the government, nullification and
# cancellation accounts, and every nullification. A PARTICIPANT_HOLDING account (its holder, balance,
# holdings) and the transfers touching it are seen by the secretariat and by that registry's
# government only: Japan for JP's registry, a partner for its own. To everyone else such an account
# does not exist.


def own_registry_code(principal: Principal) -> str | None:
    """The registry whose participant accounts a government sees: JP for Japan, its own for a partner."""
    if principal.role is Role.JAPAN:
        return JAPAN
    if principal.role is Role.PARTNER:
        return principal.country_code
    return None


def sees_participants_of(principal: Principal, registry_code: str) -> bool:
    return principal.role is Role.SECRETARIAT or own_registry_code(principal) == registry_code


def _own_accounts(principal: Principal) -> Any:
    """The ids of the accounts of the principal's own registry (none for the public)."""
    code = own_registry_code(principal)
    registry = select(Registry.id).where(col(Registry.code) == (code or ""))
    return select(RegistryAccount.id).where(col(RegistryAccount.registry_id).in_(registry))


def visible_accounts(principal: Principal) -> sa.ColumnElement[bool]:
    """Accounts `principal` may see: every non-participant account; participant accounts to the
    secretariat and their registry's government."""
    if principal.role is Role.SECRETARIAT:
        return sa.true()
    others = col(RegistryAccount.kind) != RegistryAccountKind.PARTICIPANT_HOLDING
    if own_registry_code(principal) is None:
        return others
    return sa.or_(others, col(RegistryAccount.id).in_(_own_accounts(principal)))


def _participant_accounts() -> Any:
    return select(RegistryAccount.id).where(col(RegistryAccount.kind) == RegistryAccountKind.PARTICIPANT_HOLDING)


def visible_transfers(principal: Principal) -> sa.ColumnElement[bool]:
    """Transfers `principal` may see: all to the secretariat; to everyone every NULLIFICATION and
    every transfer touching no participant account; to a registry's government every transfer from or
    into an account of its registry."""
    if principal.role is Role.SECRETARIAT:
        return sa.true()
    source, target = col(Transfer.from_account_id), col(Transfer.to_account_id)
    hidden = _participant_accounts()
    seen = [
        col(Transfer.kind) == TransferKind.NULLIFICATION,
        sa.and_(sa.or_(source.is_(None), source.not_in(hidden)), target.not_in(hidden)),
    ]
    if own_registry_code(principal) is not None:
        own = _own_accounts(principal)
        seen += [source.in_(own), target.in_(own)]
    return sa.or_(*seen)
