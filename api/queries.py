"""The Query root of this part of the contract."""

from collections.abc import Callable
from datetime import date
from typing import Any

import strawberry

from api.context import Info
from api.ids import from_global_id
from api.loaders import prefetch, selected_under
from api.types.audit import AuditEvent
from api.types.committee import JointCommittee
from api.types.common import Node
from api.types.country import Country
from api.types.decision import PREFETCH as DECISION_PREFETCH
from api.types.decision import Decision, decision_connection
from api.types.enums import DecisionOutcome, ProposalKind, ProposalStatus, Region
from api.types.meeting import Meeting
from api.types.member import CommitteeMember
from api.types.methodology import Methodology, MethodologyFilter, methodology_page
from api.types.pagination import Connection, page_args, visible_page
from api.types.proposal import Proposal
from api.types.rules import RuleDocument, RuleVersion
from api.types.scope import SectoralScope
from api.types.search import SearchResults
from api.types.statistics import Statistics
from api.types.tpe import ThirdPartyEntity, TpeDesignation, TpeFilter, tpe_page
from api.types.viewer import Viewer
from models.errors import invalid
from resolvers import audit, committees, decisions, global_search, methodology_queries, proposal_queries, tpe_queries

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


@strawberry.input(description="Filters of the decision register; all given filters apply together.")
class DecisionFilter:
    committee_code: str | None = None
    kind: list[ProposalKind] | None = None  # type: ignore[valid-type]
    outcome: DecisionOutcome | None = None  # type: ignore[valid-type]
    decided_from: date | None = strawberry.field(default=None, description="On or after this day.")
    decided_to: date | None = strawberry.field(default=None, description="On or before this day.")
    search: str | None = strawberry.field(
        default=None, description="Words that must all appear in title, summary or reference."
    )


@strawberry.type
class Query:
    @strawberry.field(description="Who is asking: the role and country of the bearer token, or PUBLIC.")
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        return Viewer(role=principal.role, name=principal.name, country_code=principal.country_code)

    @strawberry.field(description="Any object by its global id; null when there is none (or you may not see it).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] not in NODE_TYPES:
            return None
        loader_name, render = NODE_TYPES[decoded[0]]
        row = await getattr(info.context.loaders, loader_name).load(decoded[1])
        return render(row) if row else None

    @strawberry.field(description="Japan first, then the 30 partner countries in signing order.")
    async def countries(self, info: Info) -> list[Country]:
        return [Country.from_row(row) for row in await info.context.db.run(committees.list_countries)]

    @strawberry.field(description="The Joint Committees in the order their partners signed, optionally of one region.")
    async def committees(self, info: Info, region: Region | None = None) -> list[JointCommittee]:  # type: ignore[valid-type]
        rows = await info.context.db.run(committees.list_committees, region)
        return [JointCommittee.from_row(row) for row in rows]

    @strawberry.field(description="One committee by the partner's ISO code (case-insensitive): VN, id, Mn ...")
    async def committee(self, info: Info, code: str) -> JointCommittee | None:
        row = await info.context.db.run(committees.find_committee, code)
        return JointCommittee.from_row(row) if row else None

    @strawberry.field(description="The 15 sectoral scopes, by number.")
    async def sectoral_scopes(self, info: Info) -> list[SectoralScope]:
        return [SectoralScope.from_row(row) for row in await info.context.db.run(committees.list_sectoral_scopes)]

    @strawberry.field(description="The public decision register across committees, newest first.")
    async def decisions(
        self, info: Info, first: int | None = 20, after: str | None = None, filter: DecisionFilter | None = None
    ) -> Connection[Decision]:
        f = filter or DecisionFilter()
        page = await info.context.db.run(
            decisions.list_decisions,
            committee_code=f.committee_code,
            kinds=f.kind,
            outcome=f.outcome,
            decided_from=f.decided_from,
            decided_to=f.decided_to,
            search=f.search,
            **page_args(info, first, after),
        )
        return await decision_connection(info, page)

    @strawberry.field(description="One decision by its reference: JC-VN-2026-001.")
    async def decision(self, info: Info, reference: str) -> Decision | None:
        row = await info.context.db.run(decisions.find_by_reference, reference)
        if row is None:
            return None
        await prefetch(info, [row], DECISION_PREFETCH, selected_under(info))
        return Decision.from_row(row)

    @strawberry.field(
        description="Proposals you may see, newest first: the public sees them from public input on; "
        "the secretariat and Japan everything; a partner also its own committee's drafts."
    )
    async def proposals(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        committee_code: str | None = None,
        status: list[ProposalStatus] | None = None,  # type: ignore[valid-type]
    ) -> Connection[Proposal]:
        return await visible_page(
            info,
            proposal_queries.list_proposals,
            Proposal.from_row,
            first,
            after,
            committee_code=committee_code,
            statuses=status,
        )

    @strawberry.field(
        description="Every audit event of one object (any global id), oldest first: for the secretariat, Japan, "
        "and a partner in its own committee."
    )
    async def audit_trail(self, info: Info, subject_id: strawberry.ID) -> list[AuditEvent]:
        decoded = from_global_id(subject_id)
        if decoded is None:
            return []
        rows = await info.context.db.run(audit.trail, info.context.principal, decoded[0], decoded[1])
        return [AuditEvent.from_row(row) for row in rows]

    @strawberry.field(description="One methodology by its AM reference (the valid version) or its PM reference.")
    async def methodology(self, info: Info, reference: str) -> Methodology | None:
        row = await info.context.db.run(methodology_queries.find_methodology, info.context.principal, reference)
        return Methodology.from_row(row) if row else None

    @strawberry.field(description="Methodologies you may see, across committees, newest first.")
    async def methodologies(
        self, info: Info, first: int | None = 20, after: str | None = None, filter: MethodologyFilter | None = None
    ) -> Connection[Methodology]:
        return await methodology_page(info, first, after, filter)

    @strawberry.field(description="One designation by its reference: TPE-VN-003.")
    async def tpe(self, info: Info, reference: str) -> TpeDesignation | None:
        row = await info.context.db.run(tpe_queries.find_designation, reference)
        return TpeDesignation.from_row(row) if row else None

    @strawberry.field(
        description='Designations you may see. `tpes(filter: {committeeCode: "VN", function: VERIFICATION, '
        "sectoralScope: 3, status: [DESIGNATED]})` lists the entities that may verify scope 3 in Viet Nam today."
    )
    async def tpes(
        self, info: Info, first: int | None = 20, after: str | None = None, filter: TpeFilter | None = None
    ) -> Connection[TpeDesignation]:
        return await tpe_page(info, first, after, filter)

    @strawberry.field(description="Every registered validation and verification body, by name.")
    async def entities(self, info: Info) -> list[ThirdPartyEntity]:
        return [ThirdPartyEntity.from_row(row) for row in await info.context.db.run(tpe_queries.list_entities)]

    @strawberry.field(description="Counts for dashboards: decisions, methodologies per scope, published projects.")
    def statistics(self) -> Statistics:
        return Statistics()

    @strawberry.field(
        description="Full-text search: every word must match the start of a word of a reference, title or summary "
        "(an entity's name). The best `first` hits of each kind, most relevant first."
    )
    async def search(self, info: Info, text: str, first: int | None = 10) -> SearchResults:
        limit = 10 if first is None else first
        if not 1 <= limit <= info.context.settings.max_page_size:
            raise invalid("first", f"first must be between 1 and {info.context.settings.max_page_size}.")
        found = await info.context.db.run(global_search.search_everything, info.context.principal, text, limit)
        return SearchResults(
            decisions=[Decision.from_row(row) for row in found[0]],
            methodologies=[Methodology.from_row(row) for row in found[1]],
            entities=[ThirdPartyEntity.from_row(row) for row in found[2]],
        )
