"""Per-operation DataLoaders over the batch functions of `resolvers.loaders`."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from api.context import Db
from models import CommitteeMember, Country, JointCommittee, Meeting, SectoralScope
from models.methodology import Methodology, MethodologyScope
from models.rule import RuleDocument, RuleVersion
from models.tpe import DesignationScope, ThirdPartyEntity, TpeDesignation
from models.decision import Decision
from models.principal import Principal
from models.proposal import Proposal, PublicComment, WorkflowEvent
from resolvers import loaders as batch


def _loader(db: Db, fn: Callable[..., Awaitable[list[Any]]], *args: Any) -> DataLoader[Any, Any]:
    async def load(keys: Sequence[Any]) -> list[Any]:
        return await db.run(fn, *args, list(keys))

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, db: Db, principal: Principal):
        self.country = _loader(db, batch.one_by, Country, "id")
        self.committee = _loader(db, batch.one_by, JointCommittee, "id")
        self.member = _loader(db, batch.one_by, CommitteeMember, "id")
        self.meeting = _loader(db, batch.one_by, Meeting, "id")
        self.committee_by_country = _loader(db, batch.one_by, JointCommittee, "country_id")
        self.members = _loader(db, batch.members)
        self.co_chair = _loader(db, batch.co_chairs)
        self.meetings = _loader(db, batch.grouped, Meeting, "committee_id", "number")
        self.proposal = _loader(db, batch.one_by, Proposal, "id")  # for what is public anyway: a decision's proposal
        self.visible_proposal = _loader(db, batch.visible_proposals_by_id, principal)
        self.decision = _loader(db, batch.one_by, Decision, "id")
        self.decision_of_proposal = _loader(db, batch.one_by, Decision, "proposal_id")
        self.meeting_decisions = _loader(db, batch.grouped, Decision, "meeting_id", "id")
        self.positions = _loader(db, batch.positions)
        self.comments = _loader(db, batch.grouped, PublicComment, "proposal_id", "id")
        self.history = _loader(db, batch.grouped, WorkflowEvent, "proposal_id", "id")
        self.scope = _loader(db, batch.one_by, SectoralScope, "number")
        self.rule_document = _loader(db, batch.one_by, RuleDocument, "id")
        self.rule_documents = _loader(db, batch.grouped, RuleDocument, "committee_id", "id")
        self.rule_version = _loader(db, batch.one_by, RuleVersion, "id")
        self.rule_versions = _loader(db, batch.grouped_visible, principal, RuleVersion, "document_id", "-id")
        self.methodology = _loader(db, batch.one_by, Methodology, "id")
        self.visible_methodology = _loader(db, batch.one_visible, principal, Methodology)
        self.visible_rule_version = _loader(db, batch.one_visible, principal, RuleVersion)
        self.methodology_scopes = _loader(db, batch.grouped, MethodologyScope, "methodology_id", "scope")
        self.methodology_versions = _loader(db, batch.grouped_visible, principal, Methodology, "reference", "-id")
        self.country_by_code = _loader(db, batch.one_by, Country, "code")
        self.entity = _loader(db, batch.one_by, ThirdPartyEntity, "id")
        self.designation = _loader(db, batch.one_by, TpeDesignation, "id")
        self.visible_designation = _loader(db, batch.one_of_visible_designations, principal)
        self.designation_scopes = _loader(db, batch.grouped, DesignationScope, "designation_id", "id")
        self.designation_decisions = _loader(db, batch.decisions_about, "TpeDesignation")
        self.entity_designations = _loader(db, batch.visible_designations_of, principal, "entity_id")
