"""What a proposal can be about: the one registry of subject kinds.

A proposal about an object (a rule version, a methodology, a designation ...) stores the kind of
that object in `Proposal.subject_type` as the value of `SubjectType`, which is also the GraphQL
type name of the object (and the type name in its global id). A new kind of subject is one member
here; its area registers, from its own module, what a decision or a withdrawal does to it
(`register_effects`, called at the end of `resolvers/<area>.py`; `resolvers.effects` runs them) and
how it is loaded and shown (`api.types.subject`).

The registry holds plain callables, so models/ still imports nothing from resolvers/.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from models.decision import Decision
from models.principal import Principal
from models.proposal import Proposal


class SubjectType(StrEnum):
    RULE_VERSION = "RuleVersion"
    METHODOLOGY = "Methodology"
    TPE_DESIGNATION = "TpeDesignation"
    PROJECT = "Project"
    CREDIT_ISSUANCE = "CreditIssuance"


Decided = Callable[[AsyncSession, Principal, Proposal, Decision], Awaitable[None]]
Withdrawn = Callable[[AsyncSession, Principal, Proposal], Awaitable[None]]


@dataclass(frozen=True)
class SubjectEffects:
    """What the committee's decision (either outcome) and the proposal's withdrawal do to the subject,
    inside the same transaction."""

    decided: Decided
    withdrawn: Withdrawn


class MissingSubjectEffects(LookupError):
    """A proposal's subject kind has no registered effects: deciding it would silently skip them."""


_EFFECTS: dict[SubjectType, SubjectEffects] = {}


def register_effects(subject_type: SubjectType, *, decided: Decided, withdrawn: Withdrawn) -> None:
    """Called once per subject kind, from its area's module."""
    if subject_type in _EFFECTS:
        raise ValueError(f"Effects for subject type {subject_type.value} are registered twice.")
    _EFFECTS[subject_type] = SubjectEffects(decided, withdrawn)


def effects_of(subject_type: str) -> SubjectEffects:
    """The effects registered for a stored `Proposal.subject_type`; fails loudly when there are none."""
    try:
        return _EFFECTS[SubjectType(subject_type)]
    except (KeyError, ValueError):
        raise MissingSubjectEffects(
            f"No effects are registered for subject type {subject_type!r}: its area's module must call "
            "models.subjects.register_effects, and resolvers.effects must import that module."
        ) from None


def unregistered() -> set[SubjectType]:
    """Subject kinds without effects: empty once every area's module was imported."""
    return set(SubjectType) - _EFFECTS.keys()
