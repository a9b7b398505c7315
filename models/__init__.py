"""Tables, enums and the pure rules of the domain. Imports nothing from the web layer."""

from sqlmodel import SQLModel

from models import search_index
from models.audit import AuditEvent
from models.committee import JointCommittee
from models.counter import ReferenceCounter
from models.country import Country
from models.decision import Decision
from models.idempotency import IdempotencyKey
from models.meeting import Meeting
from models.member import CommitteeMember
from models.methodology import Methodology, MethodologyScope
from models.project import CreditAllocation, CreditAuthorization, CreditIssuance, Project, ProjectScope
from models.proposal import Proposal, PublicComment, SidePosition, WorkflowEvent
from models.reference_data import RuleDocumentKind, SectoralScope
from models.registry import AccountHolding, Registry, RegistryAccount, Transfer, UnitBlock
from models.rule import RuleDocument, RuleVersion
from models.token import ApiToken
from models.tpe import DesignationScope, ThirdPartyEntity, TpeAction, TpeDesignation

metadata = SQLModel.metadata
search_index.attach(metadata)

__all__ = [
    "AccountHolding",
    "ApiToken",
    "AuditEvent",
    "CommitteeMember",
    "Country",
    "CreditAllocation",
    "CreditAuthorization",
    "CreditIssuance",
    "Decision",
    "DesignationScope",
    "IdempotencyKey",
    "JointCommittee",
    "Meeting",
    "Methodology",
    "MethodologyScope",
    "Project",
    "ProjectScope",
    "Proposal",
    "PublicComment",
    "ReferenceCounter",
    "Registry",
    "RegistryAccount",
    "RuleDocument",
    "RuleDocumentKind",
    "RuleVersion",
    "SectoralScope",
    "SidePosition",
    "ThirdPartyEntity",
    "TpeAction",
    "TpeDesignation",
    "Transfer",
    "UnitBlock",
    "WorkflowEvent",
    "metadata",
]
