from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from api.types.enums import RuleDocumentType, RuleVersionStatus
from models.enums import RuleVersionStatus as Status
from models.rule import RuleDocument as DocumentRow
from models.rule import RuleVersion as VersionRow

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision
    from api.types.proposal import Proposal


@strawberry.type(description="One of a committee's rules, guidelines or forms, with its whole version history.")
class RuleDocument(Node):
    row: strawberry.Private[DocumentRow]
    type: RuleDocumentType  # type: ignore[valid-type]
    title: str
    form_name: str | None = strawberry.field(description="For a FORM: its short name (PIN, PDD ...).")

    @classmethod
    def from_row(cls, row: DocumentRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("RuleDocument", row.id)),
            row=row,
            type=row.type,
            title=row.title,
            form_name=row.form_name or None,
        )

    @strawberry.field(description="The committee whose document this is.")
    async def committee(self, info: Info) -> Annotated["JointCommittee", strawberry.lazy("api.types.committee")]:
        from api.types.committee import JointCommittee

        return JointCommittee.from_row(await info.context.loaders.committee.load(self.row.committee_id))

    @strawberry.field(description="The version in force; null until a first version is adopted.")
    async def in_force(self, info: Info) -> "RuleVersion | None":
        rows = await info.context.loaders.rule_versions.load(self.row.id)
        return next((RuleVersion.from_row(row) for row in rows if row.status is Status.IN_FORCE), None)

    @strawberry.field(description="Every version you may see, newest first: the whole history.")
    async def versions(self, info: Info) -> list["RuleVersion"]:
        return [RuleVersion.from_row(row) for row in await info.context.loaders.rule_versions.load(self.row.id)]


@strawberry.type(description="One version of a rule document.")
class RuleVersion(Node):
    row: strawberry.Private[VersionRow]
    version: str = strawberry.field(description='"ver06.0"')
    code: str = strawberry.field(description='JCM_{CC}_{TYPE}_ver{NN.N}: "JCM_ID_PCP_ver06.0".')
    status: RuleVersionStatus  # type: ignore[valid-type]
    effective_on: date | None = strawberry.field(
        description="In force from this day; the decision date unless proposed otherwise."
    )
    uri: str | None = strawberry.field(description="Where the adopted text is published.")
    sha256: str | None = strawberry.field(description="SHA-256 of that text (64 hex characters), for integrity.")
    summary: str | None

    @classmethod
    def from_row(cls, row: VersionRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("RuleVersion", row.id)),
            row=row,
            version=row.version,
            code=row.code,
            status=row.status,
            effective_on=row.effective_on,
            uri=row.uri,
            sha256=row.sha256,
            summary=row.summary,
        )

    @strawberry.field(description="The document this is a version of.")
    async def document(self, info: Info) -> RuleDocument:
        return RuleDocument.from_row(await info.context.loaders.rule_document.load(self.row.document_id))

    @strawberry.field(description="The decision that adopted it (or did not).")
    async def decision(self, info: Info) -> Annotated["Decision", strawberry.lazy("api.types.decision")] | None:
        from api.types.decision import Decision

        row = await info.context.loaders.decision_of_proposal.load(self.row.proposal_id)
        return Decision.from_row(row) if row else None

    @strawberry.field(description="The proposal that carries it through the consent workflow.")
    async def proposal(self, info: Info) -> Annotated["Proposal", strawberry.lazy("api.types.proposal")]:
        from api.types.proposal import Proposal

        return Proposal.from_row(await info.context.loaders.proposal.load(self.row.proposal_id))
