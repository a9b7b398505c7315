"""Tables, enums and the pure rules of the domain. Imports nothing from the web layer."""

from sqlmodel import SQLModel

from models.audit import AuditEvent
from models.committee import JointCommittee
from models.country import Country
from models.decision import Decision, DecisionCounter
from models.meeting import Meeting
from models.member import CommitteeMember
from models.proposal import Proposal, PublicComment, SidePosition, WorkflowEvent
from models.reference_data import RuleDocumentKind, SectoralScope
from models.token import ApiToken

metadata = SQLModel.metadata

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CommitteeMember",
    "Country",
    "Decision",
    "DecisionCounter",
    "JointCommittee",
    "Meeting",
    "Proposal",
    "PublicComment",
    "RuleDocumentKind",
    "SectoralScope",
    "SidePosition",
    "WorkflowEvent",
    "metadata",
]
