from datetime import date
from typing import Any

import strawberry

from api.context import Info
from api.mutations.base import mutate
from api.types.common import UserError
from api.types.enums import RuleDocumentType
from api.types.proposal import Proposal
from api.types.rules import RuleVersion
from resolvers import rules
from resolvers.rules import RuleVersionProposed


@strawberry.input(description="A new version of one of the committee's rules, guidelines or forms.")
class ProposeRuleVersionInput:
    committee_code: str = strawberry.field(description="The partner's ISO code: VN.")
    type: RuleDocumentType = strawberry.field(
        description="Which of the committee's rule documents gets the new version."
    )
    title: str | None = strawberry.field(
        default=None, description="The proposal's title; default: the document's title and version."
    )
    version: str | None = strawberry.field(
        default=None, description='"ver06.0": higher than the version in force; default: the next major version.'
    )
    uri: str | None = strawberry.field(default=None, description="http(s) address of the text.")
    sha256: str | None = strawberry.field(default=None, description="SHA-256 of the text: 64 hex characters.")
    summary: str | None = strawberry.field(default=None, description="What changes.")
    effective_on: date | None = strawberry.field(default=None, description="In force from; default: the decision date.")
    form_name: str | None = strawberry.field(
        default=None, description="For type FORM only: the form's short name, PIN, PDD ..."
    )


@strawberry.type(
    description="What proposeRuleVersion returns: the proposed version, its proposal, or why nothing changed."
)
class RuleVersionPayload:
    rule_version: RuleVersion | None = strawberry.field(description="The PROPOSED version; null on error.")
    proposal: Proposal | None = strawberry.field(description="Its DRAFT proposal of kind RULE_VERSION.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


def _render(result: RuleVersionProposed) -> dict[str, Any]:
    return {"rule_version": RuleVersion.from_row(result.rule_version), "proposal": Proposal.from_row(result.proposal)}


@strawberry.mutation(
    description="Propose a version of a rule document as a RULE_VERSION proposal: the secretariat or a side."
)
async def propose_rule_version(info: Info, input: ProposeRuleVersionInput) -> RuleVersionPayload:
    return await mutate(
        info,
        lambda session, principal: rules.propose_rule_version(
            session,
            principal,
            committee_code=input.committee_code,
            type=input.type,
            form_name=input.form_name,
            title=input.title,
            version=input.version,
            uri=input.uri,
            sha256=input.sha256,
            summary=input.summary,
            effective_on=input.effective_on,
        ),
        RuleVersionPayload,
        _render,
    )
