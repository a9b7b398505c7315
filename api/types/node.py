"""Query.node: any object by its global id, through the loader of its type."""

from collections.abc import Callable
from typing import Any

import strawberry

from api.context import Info
from api.ids import from_global_id
from api.types.committee import JointCommittee
from api.types.common import Node
from api.types.country import Country
from api.types.decision import Decision
from api.types.meeting import Meeting
from api.types.member import CommitteeMember
from api.types.methodology import Methodology
from api.types.proposal import Proposal
from api.types.rules import RuleDocument, RuleVersion
from api.types.tpe import ThirdPartyEntity, TpeDesignation

# Type name in a global id -> (loader on the context, how to render the row).
NODE_TYPES: dict[str, tuple[str, Callable[[Any], Node]]] = {
    "Country": ("country", Country.from_row),
    "JointCommittee": ("committee", JointCommittee.from_row),
    "CommitteeMember": ("member", CommitteeMember.from_row),
    "Meeting": ("meeting", Meeting.from_row),
    "Proposal": ("visible_proposal", Proposal.from_row),
    "Decision": ("decision", Decision.from_row),
    "RuleDocument": ("rule_document", RuleDocument.from_row),
    "RuleVersion": ("visible_rule_version", RuleVersion.from_row),
    "Methodology": ("visible_methodology", Methodology.from_row),
    "TpeDesignation": ("visible_designation", TpeDesignation.from_row),
    "ThirdPartyEntity": ("entity", ThirdPartyEntity.from_row),
}


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null when there is none (or you may not see it).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] not in NODE_TYPES:
            return None
        loader_name, render = NODE_TYPES[decoded[0]]
        row = await getattr(info.context.loaders, loader_name).load(decoded[1])
        return render(row) if row else None
