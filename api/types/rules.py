from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from api.types.enums import RuleDocumentType, RuleVersionStatus
from api.types.relations import relation
from api.types.rows import renders
from models.enums import RuleVersionStatus as Status
from models.rule import RuleDocument as DocumentRow
from models.rule import RuleVersion as VersionRow
from models.subjects import SubjectType
from models.types import saved_id

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision
    from api.types.proposal import Proposal


@renders(DocumentRow, node=lambda loaders: loaders.rule_document)
@strawberry.type(description="One of a committee's rules, guidelines or forms, with its whole version history.")
class RuleDocument(Node):
    row: strawberry.Private[DocumentRow]
    type: RuleDocumentType = strawberry.field(
        description="Which rule, guideline or form: rules of procedure, project cycle procedure, a form ..."
    )
    title: str = strawberry.field(description="Its title: Rules of Procedures for the Joint Committee.")
    form_name: str | None = strawberry.field(description="For a FORM: its short name (PIN, PDD ...).")
    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")],
        lambda loaders: loaders.committee,
        lambda document: document.row.committee_id,
        description="The committee whose document this is.",
    )

    @classmethod
    def from_row(cls, row: DocumentRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("RuleDocument", saved_id(row))),
            row=row,
            type=row.type,
            title=row.title,
            form_name=row.form_name or None,
        )

    @strawberry.field(description="The version in force; null until a first version is adopted.")
    async def in_force(self, info: Info) -> "RuleVersion | None":
        rows = await info.context.loaders.rule_versions.load(saved_id(self.row))
        return next((RuleVersion.from_row(row) for row in rows if row.status is Status.IN_FORCE), None)

    versions = relation(
        list["RuleVersion"],
        lambda loaders: loaders.rule_versions,
        lambda document: document.row.id,
        description="Every version you may see, newest first: the whole history.",
    )


@renders(
    VersionRow,
    node=lambda loaders: loaders.visible_rule_version,
    subject=SubjectType.RULE_VERSION,
    subject_loader=lambda loaders: loaders.rule_version,
)
@strawberry.type(description="One version of a rule document.")
class RuleVersion(Node):
    row: strawberry.Private[VersionRow]
    version: str = strawberry.field(
        description='The version number, "ver{NN.N}": "ver06.0"; each adopted version is higher than the one before.'
    )
    code: str = strawberry.field(description='JCM_{CC}_{TYPE}_ver{NN.N}: "JCM_ID_PCP_ver06.0".')
    status: RuleVersionStatus = strawberry.field(
        description="PROPOSED until decided; IN_FORCE once adopted; SUPERSEDED when a later version is adopted; or NOT_ADOPTED."
    )
    effective_on: date | None = strawberry.field(
        description="In force from this day; the decision date unless proposed otherwise."
    )
    uri: str | None = strawberry.field(description="Where the adopted text is published.")
    sha256: str | None = strawberry.field(description="SHA-256 of that text (64 hex characters), for integrity.")
    summary: str | None = strawberry.field(description="What changed in this version; null when none was given.")
    document = relation(
        RuleDocument,
        lambda loaders: loaders.rule_document,
        lambda version: version.row.document_id,
        description="The document this is a version of.",
    )
    decision = relation(
        Annotated["Decision", strawberry.lazy("api.types.decision")] | None,
        lambda loaders: loaders.decision_of_proposal,
        lambda version: version.row.proposal_id,
        description="The decision that adopted it (or did not).",
    )
    proposal = relation(
        Annotated["Proposal", strawberry.lazy("api.types.proposal")],
        lambda loaders: loaders.proposal,
        lambda version: version.row.proposal_id,
        description="The proposal that carries it through the consent workflow.",
    )

    @classmethod
    def from_row(cls, row: VersionRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("RuleVersion", saved_id(row))),
            row=row,
            version=row.version,
            code=row.code,
            status=row.status,
            effective_on=row.effective_on,
            uri=row.uri,
            sha256=row.sha256,
            summary=row.summary,
        )
