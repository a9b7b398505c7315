"""The domain's enums as GraphQL enums, described for clients.

`strawberry.enum` registers the GraphQL definition on the enum class itself and hands back that same class, so
each name exported here *is* the class from models/enums.py (UserErrorCode is models.errors.ErrorCode): type
modules annotate fields and arguments with these real enum classes, which mypy checks like any other. Import them
from here rather than from models.enums: that import is what guarantees the descriptions are registered before a
type names the enum.
"""

from enum import EnumMeta

import strawberry
from strawberry.types.enum import has_enum_definition

from models.enums import (
    AccreditationBasis,
    CreditHolder,
    DecisionMode,
    DecisionOutcome,
    DesignationStatus,
    IssuanceStatus,
    MemberRole,
    MethodologyStatus,
    NullificationPurpose,
    Position,
    ProjectStatus,
    ProposalKind,
    ProposalStatus,
    Region,
    RegistryAccountKind,
    Role,
    RuleDocumentType,
    RuleVersionStatus,
    Side,
    TpeFunction,
    TransferKind,
    UsePurpose,
)
from models.errors import ErrorCode

# The GraphQL name of ErrorCode (see its registration below); an alias, so it is a type to mypy too.
UserErrorCode = ErrorCode

__all__ = [
    "AccreditationBasis",
    "CreditHolder",
    "DecisionMode",
    "DecisionOutcome",
    "DesignationStatus",
    "IssuanceStatus",
    "MemberRole",
    "MethodologyStatus",
    "NullificationPurpose",
    "Position",
    "ProjectStatus",
    "ProposalKind",
    "ProposalStatus",
    "Region",
    "RegistryAccountKind",
    "Role",
    "RuleDocumentType",
    "RuleVersionStatus",
    "Side",
    "TpeFunction",
    "TransferKind",
    "UsePurpose",
    "UserErrorCode",
]


def _describe(enum: EnumMeta, description: str, values: dict[str, str], name: str | None = None) -> None:
    """Register `enum` in place as a GraphQL enum with a description for it and for each of its values."""
    registered = strawberry.enum(enum, name=name, description=description)
    assert has_enum_definition(registered)  # strawberry.enum just set it; this tells mypy its type
    for value in registered.__strawberry_definition__.values:
        value.description = values.get(value.name)


_describe(
    Side,
    "The two governments of every Joint Committee.",
    {"JAPAN": "The Government of Japan.", "PARTNER": "The partner country's government."},
)
_describe(
    Role,
    "What a bearer token allows.",
    {
        "SECRETARIAT": "The JCM Agency: prepares, checks, circulates and records items in every committee.",
        "JAPAN": "The Japanese government, a side in every committee.",
        "PARTNER": "A partner government, a side in its own committee only.",
        "PUBLIC": "No token: reads what is published.",
    },
)
_describe(
    MemberRole,
    "A member's role in a committee.",
    {
        "CO_CHAIR": "One co-chair serves per side at any time.",
        "MEMBER": "A member representing a government.",
        "OBSERVER": "Attends without representing a side's vote.",
    },
)
_describe(
    Region,
    "Regions as the Japanese government groups the partner countries.",
    {
        "EAST_ASIA_CAUCASUS_CENTRAL_ASIA": "East Asia, Caucasus and Central Asia.",
        "SOUTHEAST_SOUTH_ASIA_OCEANIA": "Southeast Asia, South Asia and Oceania.",
        "AFRICA": "Africa.",
        "MIDDLE_EAST": "Middle East.",
        "LATIN_AMERICA": "Latin America.",
        "EASTERN_EUROPE": "Eastern Europe.",
    },
)
_describe(
    UserErrorCode,
    "Why a mutation did not happen. A mutation that answers any user error changed nothing.",
    {
        "UNAUTHENTICATED": "No valid bearer token was sent where one is needed.",
        "FORBIDDEN": "This role or country may not do this here.",
        "NOT_FOUND": "What the input names does not exist, or is not visible to you.",
        "INVALID_INPUT": "An input value is not acceptable; `field` points at it.",
        "INVALID_TRANSITION": "Not allowed from the current state.",
        "STALE_VERSION": "expectedVersion did not match: reload and retry.",
        "WINDOW_CLOSED": "The public-input period or deadline is already over.",
        "BUSY": "The database stayed busy with concurrent changes; nothing was changed: try again.",
        "INSUFFICIENT_UNITS": "The source account holds fewer units of that issuance than asked to move.",
    },
    name="UserErrorCode",
)
_describe(
    ProposalKind,
    "The kinds of agenda item a committee decides, as seen on the public decision lists.",
    {
        "RULE_VERSION": "Adopt or revise one of the committee's rules, guidelines or forms.",
        "METHODOLOGY_APPROVAL": "Approve a proposed methodology (possibly with revisions).",
        "METHODOLOGY_REVISION": "Revise an approved methodology.",
        "TPE_DESIGNATION": "Designate a third-party entity, also for extra scopes or re-designation.",
        "TPE_SUSPENSION": "Suspend a designation, whole or for some scopes.",
        "TPE_WITHDRAWAL": "Withdraw a designation, whole or for some scopes.",
        "PLANNED_PROJECT": "No objection, or objection, to a planned project (PIN).",
        "PROJECT_REGISTRATION": "Register a project.",
        "CREDIT_ISSUANCE": "Decide the credits to notify for a project and monitoring period.",
        "PROJECT_WITHDRAWAL": "Withdraw a registered project.",
        "OTHER": "Anything else, such as interim special measures.",
    },
)
_describe(
    ProposalStatus,
    "Where a proposal is in the workflow. LAPSED is shown as soon as an electronic deadline has passed.",
    {
        "DRAFT": "Being prepared; visible to the secretariat and both sides only.",
        "SUBMITTED": "Awaiting the secretariat's completeness check (due 7 days after submission).",
        "RETURNED": "Sent back to the proposer with a reason; may be resubmitted.",
        "PUBLIC_INPUT": "Open for public comments until publicInput.closesOn.",
        "UNDER_CONSIDERATION": "Circulated to both sides, at a meeting or electronically.",
        "APPROVED": "Both sides consented: a Decision exists.",
        "NOT_APPROVED": "A side objected: a Decision exists, with the objection's reason.",
        "WITHDRAWN": "Withdrawn before a decision.",
        "LAPSED": "The electronic deadline passed without both positions; may be circulated again.",
    },
)
_describe(
    Position,
    "A side's answer to a circulated proposal.",
    {"CONSENT": "The side agrees.", "OBJECTION": "The side does not agree; one objection decides NOT_APPROVED."},
)
_describe(
    DecisionMode,
    "How a committee decides.",
    {"MEETING": "At a numbered meeting.", "ELECTRONIC": "By electronic decision between meetings, until a deadline."},
)
_describe(
    DecisionOutcome,
    "What was decided.",
    {"APPROVED": "Both sides consented.", "NOT_APPROVED": "A side objected (a decision on objection)."},
)
_describe(
    RuleDocumentType,
    "The rules, guidelines and forms each committee keeps a version line of (domain.md §4).",
    {
        "RULES_OF_PROCEDURE": "Rules of Procedures for the Joint Committee (RoP); in force before any other rule.",
        "RULES_OF_IMPLEMENTATION": "Rules of Implementation (RoI).",
        "PROJECT_CYCLE_PROCEDURE": "Project Cycle Procedure (PCP).",
        "GUIDELINES_PROPOSED_METHODOLOGY": "Guidelines for Developing Proposed Methodology (GL_PM).",
        "GUIDELINES_PDD_AND_MONITORING": "Guidelines for Developing PDD and Monitoring Report (GL_PDD_MR).",
        "GUIDELINES_SUSTAINABLE_DEVELOPMENT": "Guidelines for Developing Sustainable Development Implementation Plan and Report (GL_SDIP).",
        "GUIDELINES_TPE_DESIGNATION": "Guidelines for Designation as a Third-Party Entity (GL_TPE).",
        "GUIDELINES_VALIDATION_AND_VERIFICATION": "Guidelines for Validation and Verification (GL_VV).",
        "REGISTRY_SPECIFICATIONS": "Common Specifications of the JCM Registry (Spec_Registry).",
        "GLOSSARY": "Glossary of Terms (Glossary).",
        "FORM": "A form, named by formName (F_{name} in its code).",
    },
)
_describe(
    RuleVersionStatus,
    "Where a rule version stands. Versions are superseded, never erased.",
    {
        "PROPOSED": "Proposed; its proposal is on the way to a decision.",
        "IN_FORCE": "Adopted and the document's current version.",
        "SUPERSEDED": "Replaced by a later adopted version.",
        "NOT_ADOPTED": "Objected to, or its proposal was withdrawn.",
    },
)
_describe(
    MethodologyStatus,
    "Where a methodology (version) stands.",
    {
        "PROPOSED": "Proposed (or a revision proposed); not yet decided.",
        "VALID": "Approved and the current version.",
        "SUPERSEDED": "Replaced by a later approved version; still readable.",
        "NOT_APPROVED": "A side objected.",
        "WITHDRAWN": "Its proposal was withdrawn.",
    },
)
_describe(
    AccreditationBasis,
    "What makes an entity eligible as a third-party entity.",
    {
        "ISO_14065": "Accredited under ISO 14065.",
        "CDM_DOE": "A Designated Operational Entity of the CDM.",
        "PROVISIONAL": "Accreditation under way: provisional designation, at most two a year per committee for "
        "the partner's entities and two for Japan's.",
    },
)
_describe(
    TpeFunction,
    "What a third-party entity is designated for.",
    {"VALIDATION": "Validating projects.", "VERIFICATION": "Verifying emission reductions."},
)
_describe(
    DesignationStatus,
    "Where a designation, or one of its scopes, stands. A designation is DESIGNATED while any scope is.",
    {
        "PROPOSED": "Proposed; not yet designated for any scope.",
        "DESIGNATED": "Designated by the committee.",
        "SUSPENDED": "Suspended by the committee; a new designation proposal lifts it.",
        "WITHDRAWN": "Withdrawn by the committee.",
        "VOLUNTARILY_WITHDRAWN": "Withdrawn on the entity's own notice.",
        "NOT_APPROVED": "The first designation proposal was objected to.",
    },
)
_describe(
    ProjectStatus,
    "Where a project is in the project cycle.",
    {
        "PROPOSED": "A Project Idea Note awaiting the committee's decision; not yet public.",
        "PLANNED": "The committee did not object to its PIN: its PDD may be recorded and put to public input.",
        "OBJECTED": "A side objected to its PIN; the objection's statement is published with the decision.",
        "REGISTRATION_REQUESTED": "Its registration is proposed to the committee.",
        "REGISTERED": "Registered under its project reference (VN051); credits may be requested.",
        "NOT_REGISTERED": "A side objected to its registration.",
        "WITHDRAWN": "Its PIN was withdrawn before a decision, or the committee withdrew the registered project.",
    },
)
_describe(
    CreditHolder,
    "Who receives a share of the credits notified for a monitoring period.",
    {
        "PARTNER_GOVERNMENT": "The partner country's government, into its own registry.",
        "JAPAN_GOVERNMENT": "The Government of Japan, into Japan's JCM registry.",
        "PROJECT_PARTICIPANTS": "The project participants.",
    },
)
_describe(
    UsePurpose,
    "What authorized credits may be used for (Article 6.3).",
    {
        "NDC": "Towards a nationally determined contribution.",
        "OTHER_INTERNATIONAL_MITIGATION": "Other international mitigation purposes.",
    },
)
_describe(
    IssuanceStatus,
    "Where a request for the credits of a monitoring period stands.",
    {
        "REQUESTED": "Before the committee, as a CREDIT_ISSUANCE proposal.",
        "NOTIFIED": "The committee decided the amount to notify; each government may now authorize it.",
        "NOT_APPROVED": "A side objected.",
        "WITHDRAWN": "Withdrawn before a decision; its period may be requested again.",
    },
)
_describe(
    RegistryAccountKind,
    "What a registry account is for; its code in the account number (JP-100-0001).",
    {
        "GOVERNMENT_HOLDING": "100: the government's holding account; one per registry, from the start.",
        "PARTICIPANT_HOLDING": "200: a project participant's holding account, opened by the registry's operator.",
        "NULLIFICATION": "300: units made non-transferable; in Japan's registry, what counts toward Japan's NDC.",
        "CANCELLATION": "400: units made non-transferable for other purposes.",
    },
)
_describe(
    NullificationPurpose,
    "Why units were nullified in Japan's registry.",
    {
        "NDC": "Japan's nationally determined contribution, by the Japanese government.",
        "SHK_OFFSET": "A company's offset in its report under the mandatory GHG accounting and reporting system (SHK).",
        "GX_ETS": "A company's use in the GX emissions trading scheme.",
        "VOLUNTARY_OFFSET": "A company's voluntary offsetting.",
    },
)
_describe(
    TransferKind,
    "What a movement of units was.",
    {
        "ISSUANCE": "Units issued into an account (no source account).",
        "INTERNAL": "Between two accounts of one registry.",
        "INTERNATIONAL": "From a partner's registry into Japan's: the Article 6 first transfer.",
        "NULLIFICATION": "Into Japan's nullification account.",
        "CANCELLATION": "Into a registry's cancellation account.",
    },
)
