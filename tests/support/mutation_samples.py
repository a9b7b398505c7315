"""One valid sample document per mutation, with the objects it acts on (`Given`), made fresh for
a test: what tests/test_auth.py sends with and without a token, and the tables a mutation may change."""

from datetime import date, timedelta
from typing import Any, NamedTuple

from api.ids import from_global_id, to_global_id
from api.schema import build_schema
from api.settings import Settings
from models.enums import CreditHolder, RegistryAccountKind
from resolvers.registry import open_account, record_issued
from tests.support.documents import CIRCULATE, CONSENT, OPEN_PUBLIC_INPUT, SUBMIT
from tests.support.projects import (
    AUTHORIZE,
    PROPOSE_PIN,
    PROPOSE_REGISTRATION,
    PROPOSE_WITHDRAWAL,
    RECORD_PDD,
    REQUEST_ISSUANCE,
    SHA,
    allocations,
    pin_input,
)

APPOINT_MEMBER = """
mutation ($input: AppointMemberInput!) {
  appointMember(input: $input) { member { id name } userErrors { code message field } }
}
"""

END_MEMBERSHIP = """
mutation ($input: EndMembershipInput!) {
  endMembership(input: $input) { member { id until } userErrors { code message field } }
}
"""

OPEN_ACCOUNT = """
mutation ($input: OpenAccountInput!) {
  openAccount(input: $input) { account { id number } userErrors { code message field } }
}
"""
RECORD_ISSUED = """
mutation ($input: RecordIssuedInput!) {
  recordIssued(input: $input) { issuance { id } proposal { id } userErrors { code message field } }
}
"""
NULLIFY_FOR_NDC = """
mutation ($input: NullifyInput!) {
  nullifyForNdc(input: $input) { issuance { id } proposal { id } userErrors { code message field } }
}
"""
MOVES = {
    name: "mutation ($input: %s!) { %s(input: $input) { transfer { id kind quantity serialRanges } userErrors { code message field } } }"
    % (input_type, name)
    for name, input_type in [
        ("transferUnits", "TransferUnitsInput"),
        ("nullifyUnits", "NullifyUnitsInput"),
        ("cancelUnits", "CancelUnitsInput"),
    ]
}

SCHEDULE_MEETING = """
mutation ($input: ScheduleMeetingInput!) {
  scheduleMeeting(input: $input) { meeting { id number } userErrors { code message field } }
}
"""

WORKFLOW = {
    name: "mutation ($input: %s!) { %s(input: $input) { proposal { id status } userErrors { code message field } } }"
    % (input_type, name)
    for name, input_type in [
        ("createProposal", "CreateProposalInput"),
        ("submitProposal", "ProposalRef"),
        ("returnProposal", "ReasonInput"),
        ("openPublicInput", "OpenPublicInputInput"),
        ("circulateProposal", "CirculateInput"),
        ("withdrawProposal", "ReasonInput"),
    ]
}
POSITION = {
    name: "mutation ($input: PositionInput!) { %s(input: $input) { proposal { id } decision { reference } userErrors { code message field } } }"
    % name
    for name in ["giveConsent", "raiseObjection"]
}
COMMENT = """
mutation ($input: CommentInput!) {
  submitPublicComment(input: $input) { comment { author } userErrors { code message field } }
}
"""


class Given(NamedTuple):
    """Stands for the id of an object the test creates beforehand: a member, a proposal in a
    status, an entity or designation, a methodology, or a project or issuance in a status."""

    what: str
    label: str = ""


# One valid document per mutation, with input that succeeds for `who`. Adding a mutation to the
# schema without a sample here fails test_every_mutation_has_a_sample_document.
MUTATION_SAMPLES: dict[str, tuple[str, dict[str, Any], str]] = {
    "appointMember": (
        APPOINT_MEMBER,
        {
            "committeeCode": "VN",
            "side": "PARTNER",
            "role": "MEMBER",
            "name": "Le Van C",
            "organization": "Ministry of Agriculture and Environment",
            "since": "2026-12-01",
        },
        "secretariat",
    ),
    "endMembership": (END_MEMBERSHIP, {"memberId": Given("member"), "until": "2027-06-30"}, "secretariat"),
    "scheduleMeeting": (
        SCHEDULE_MEETING,
        {"committeeCode": "VN", "heldOn": "2027-02-15", "venue": "Hanoi"},
        "secretariat",
    ),
    "createProposal": (
        WORKFLOW["createProposal"],
        {"committeeCode": "VN", "kind": "OTHER", "title": "Interim measures"},
        "secretariat",
    ),
    "submitProposal": (WORKFLOW["submitProposal"], {"id": Given("DRAFT")}, "secretariat"),
    "returnProposal": (
        WORKFLOW["returnProposal"],
        {"id": Given("SUBMITTED", "return"), "reason": "Annex missing."},
        "secretariat",
    ),
    "openPublicInput": (WORKFLOW["openPublicInput"], {"id": Given("SUBMITTED", "open")}, "secretariat"),
    "circulateProposal": (
        WORKFLOW["circulateProposal"],
        {"id": Given("SUBMITTED", "circulate"), "mode": "ELECTRONIC", "deadline": "2027-01-31"},
        "secretariat",
    ),
    "withdrawProposal": (
        WORKFLOW["withdrawProposal"],
        {"id": Given("DRAFT", "withdraw"), "reason": "Superseded."},
        "secretariat",
    ),
    "giveConsent": (POSITION["giveConsent"], {"id": Given("UNDER_CONSIDERATION", "consent")}, "japan"),
    "raiseObjection": (
        POSITION["raiseObjection"],
        {"id": Given("UNDER_CONSIDERATION", "object"), "statement": "Not additional."},
        "japan",
    ),
    "proposeRuleVersion": (
        "mutation ($input: ProposeRuleVersionInput!) { proposeRuleVersion(input: $input) { ruleVersion { code } proposal { id } userErrors { code message field } } }",
        {"committeeCode": "VN", "type": "RULES_OF_PROCEDURE"},
        "secretariat",
    ),
    "proposeMethodology": (
        "mutation ($input: ProposeMethodologyInput!) { proposeMethodology(input: $input) { methodology { proposedReference } proposal { id } userErrors { code message field } } }",
        {"committeeCode": "VN", "title": "Efficient chillers", "sectoralScopes": [3], "proponent": "Example Co."},
        "japan",
    ),
    "proposeMethodologyRevision": (
        "mutation ($input: ProposeMethodologyRevisionInput!) { proposeMethodologyRevision(input: $input) { methodology { reference } proposal { id } userErrors { code message field } } }",
        {"reference": Given("VALID_METHODOLOGY"), "summary": "Adds a default COP."},
        "secretariat",
    ),
    "registerEntity": (
        "mutation ($input: RegisterEntityInput!) { registerEntity(input: $input) { entity { id } userErrors { code message field } } }",
        {"name": "Sample Verification Ltd.", "accreditation": "ISO_14065", "countryCode": "JP"},
        "secretariat",
    ),
    "proposeTpeDesignation": (
        "mutation ($input: ProposeTpeDesignationInput!) { proposeTpeDesignation(input: $input) { designation { status } proposal { id } userErrors { code message field } } }",
        {"committeeCode": "VN", "entityId": Given("ENTITY"), "validationScopes": [1], "verificationScopes": [3]},
        "secretariat",
    ),
    **{
        name: (
            "mutation ($input: ProposeTpeActionInput!) { %s(input: $input) { designation { status } proposal { id } userErrors { code message field } } }"
            % name,
            {"reference": Given("DESIGNATED_TPE", name), "reason": "Non-conformities."},
            who,
        )
        for name, who in [
            ("proposeTpeSuspension", "japan"),
            ("proposeTpeWithdrawal", "secretariat"),
            ("recordVoluntaryWithdrawal", "secretariat"),
        ]
    },
    "submitPublicComment": (
        COMMENT,
        {"proposalId": Given("PUBLIC_INPUT"), "author": "A. Reader", "body": "Agreed."},
        "public",
    ),
    "proposePlannedProject": (PROPOSE_PIN, pin_input(), "japan"),
    "recordProjectDesignDocument": (
        RECORD_PDD,
        {"projectId": Given("PLANNED_PROJECT"), "uri": "https://example.org/pdd.pdf", "sha256": SHA},
        "secretariat",
    ),
    "proposeRegistration": (
        PROPOSE_REGISTRATION,
        {
            "projectId": Given("PDD_CLOSED_PROJECT"),
            "methodologyReference": Given("PROJECT_METHODOLOGY"),
            "validatorReference": Given("PROJECT_TPE"),
        },
        "secretariat",
    ),
    "proposeProjectWithdrawal": (
        PROPOSE_WITHDRAWAL,
        {"projectId": Given("OTHER_REGISTERED_PROJECT"), "reason": "The plant closed."},
        "secretariat",
    ),
    "requestIssuance": (
        REQUEST_ISSUANCE,
        {
            "projectReference": Given("REGISTERED_REFERENCE"),
            "monitoringFrom": "2025-07-01",  # after the notified issuance's period
            "monitoringTo": "2025-12-31",
            "verifierReference": Given("PROJECT_TPE"),
            "requestedAmount": 1000,
            "allocations": allocations(),
        },
        "secretariat",
    ),
    "authorizeCredits": (
        AUTHORIZE,
        {"issuanceId": Given("NOTIFIED_ISSUANCE"), "amount": 1000, "usePurposes": ["NDC"]},
        "japan",
    ),
    "openAccount": (
        OPEN_ACCOUNT,
        {"registryCode": "JP", "kind": "PARTICIPANT_HOLDING", "holderName": "Sample Trading Co."},
        "secretariat",
    ),
    "closeAccount": (
        "mutation ($input: CloseAccountInput!) { closeAccount(input: $input) { account { number closedOn } userErrors { code message field } } }",
        {"accountId": Given("EMPTY_ACCOUNT")},
        "secretariat",
    ),
    "recordIssued": (
        RECORD_ISSUED,
        {
            "issuanceId": Given("NOTIFIED_ISSUANCE"),
            "holder": "JAPAN_GOVERNMENT",
            "issuedAmount": 100,
            "issuedOn": "2025-07-01",
        },
        "secretariat",
    ),
    "transferUnits": (
        MOVES["transferUnits"],
        {
            "fromAccountId": Given("UNITS_ACCOUNT"),
            "toAccountId": Given("OTHER_JP_ACCOUNT"),
            "issuanceId": Given("NOTIFIED_ISSUANCE"),
            "quantity": 10,
        },
        "secretariat",
    ),
    "nullifyUnits": (
        MOVES["nullifyUnits"],
        {
            "fromAccountId": Given("UNITS_ACCOUNT"),
            "issuanceId": Given("NOTIFIED_ISSUANCE"),
            "quantity": 10,
            "purpose": "SHK_OFFSET",
            "beneficiary": "Sample Trading Co.",
        },
        "secretariat",
    ),
    "cancelUnits": (
        MOVES["cancelUnits"],
        {
            "fromAccountId": Given("UNITS_ACCOUNT"),
            "issuanceId": Given("NOTIFIED_ISSUANCE"),
            "quantity": 10,
            "reason": "Not for the NDC.",
        },
        "secretariat",
    ),
    "nullifyForNdc": (NULLIFY_FOR_NDC, {"issuanceId": Given("NOTIFIED_ISSUANCE"), "amount": 10}, "japan"),
}

CHANGED_BY_MUTATIONS = (
    "committee_member",
    "meeting",
    "proposal",
    "side_position",
    "decision",
    "workflow_event",
    "public_comment",
    "rule_document",
    "rule_version",
    "methodology",
    "methodology_scope",
    "reference_counter",
    "third_party_entity",
    "tpe_designation",
    "designation_scope",
    "tpe_action",
    "audit_event",
    "project",
    "project_scope",
    "credit_issuance",
    "credit_allocation",
    "credit_authorization",
    "registry_account",
    "unit_block",
    "transfer",
)


def mutation_field_names() -> set[str]:
    mutation_type = build_schema(Settings())._schema.mutation_type
    assert mutation_type is not None
    return set(mutation_type.fields)


async def approved_methodology(flow, frozen_clock) -> str:
    """The AM reference of a methodology taken through the whole cycle."""
    document, input_, _ = MUTATION_SAMPLES["proposeMethodology"]
    proposal_id = (await flow.ok(document, input_, "japan"))["proposal"]["id"]
    await flow.ok(SUBMIT, {"id": proposal_id}, "japan")
    await flow.ok(OPEN_PUBLIC_INPUT, {"id": proposal_id, "days": 1}, "secretariat")
    frozen_clock.set(frozen_clock.at + timedelta(days=2))  # the one-day window has closed
    await flow.ok(CIRCULATE, {"id": proposal_id, "mode": "ELECTRONIC", "deadline": "2026-12-31"}, "secretariat")
    await flow.ok(CONSENT, {"id": proposal_id}, "japan")
    decided = await flow.ok(CONSENT, {"id": proposal_id}, "VN")
    assert decided["decision"] is not None
    return "VN_AM001"


async def given_tpe(tpe_flow, gql, given: Given) -> str:
    """A registered entity's id, or the reference of a fresh designation of one."""
    entity = await tpe_flow.register(f"Entity for {given.what} {given.label}")
    if given.what == "ENTITY":
        return entity
    await tpe_flow.designated(entity, [1], [3])
    designations = (await gql("{ tpes(first: 100) { edges { node { reference entity { id } } } } }"))["tpes"]["edges"]
    return next(edge["node"]["reference"] for edge in designations if edge["node"]["entity"]["id"] == entity)


PROJECT_GIVENS = (
    "PLANNED_PROJECT",
    "PDD_CLOSED_PROJECT",
    "PROJECT_METHODOLOGY",
    "PROJECT_TPE",
    "OTHER_REGISTERED_PROJECT",
    "REGISTERED_REFERENCE",
    "NOTIFIED_ISSUANCE",
)


REGISTRY_GIVENS = ("UNITS_ACCOUNT", "OTHER_JP_ACCOUNT", "EMPTY_ACCOUNT")


async def registry_objects(projects, notified_issuance: str, today: date) -> dict[str, str]:
    """Units of the samples' NOTIFIED issuance to move, through the resolvers: Viet Nam authorized it
    (Japan does in the authorizeCredits sample, recordIssued issues Japan's share), Viet Nam's share
    is issued, and the participants' 500 units into JP-200-0001; JP-200-0002 and JP-200-0003 are opened empty."""
    decoded = from_global_id(notified_issuance)
    assert decoded is not None
    issuance = decoded[1]
    await projects.authorized_by("VN", issuance, 1000)
    accounts = {}
    for holder in ("Example Engineering Co.", "Other Engineering Co.", "Closing Co."):
        accounts[holder] = await projects.run(
            "secretariat",
            open_account,
            registry_code="JP",
            kind=RegistryAccountKind.PARTICIPANT_HOLDING,
            holder_name=holder,
        )
    units = accounts["Example Engineering Co."]
    for who, holder, amount, number in (
        ("VN", CreditHolder.PARTNER_GOVERNMENT, 100, None),
        ("secretariat", CreditHolder.PROJECT_PARTICIPANTS, 500, units.number),
    ):
        await projects.run(
            who,
            record_issued,
            issuance_id=issuance,
            holder=holder,
            issued_amount=amount,
            issued_on=today,
            account_number_given=number,
        )
    return {
        "UNITS_ACCOUNT": to_global_id("RegistryAccount", units.id),
        "OTHER_JP_ACCOUNT": to_global_id("RegistryAccount", accounts["Other Engineering Co."].id),
        "EMPTY_ACCOUNT": to_global_id("RegistryAccount", accounts["Closing Co."].id),
    }


async def given_objects(flow, tpe_flow, gql, tokens, frozen_clock, projects) -> dict[Given, str]:
    """One fresh object per Given the samples name, made through the API by the secretariat (the
    project cycle's through the resolvers, see ProjectSteps.sample_objects)."""
    secretariat = await tokens.secretariat()
    steps = {
        "SUBMITTED": [("submitProposal", {})],
        "PUBLIC_INPUT": [("submitProposal", {}), ("openPublicInput", {})],
        "UNDER_CONSIDERATION": [
            ("submitProposal", {}),
            ("circulateProposal", {"mode": "ELECTRONIC", "deadline": "2027-01-31"}),
        ],
    }
    made: dict[Given, str] = {}
    project_objects: dict[str, str] = {}
    units: dict[str, str] = {}
    for _, input_, _ in MUTATION_SAMPLES.values():
        for given in (value for value in input_.values() if isinstance(value, Given)):
            if given in made:
                continue
            if given.what in REGISTRY_GIVENS:
                project_objects = project_objects or await projects.sample_objects(frozen_clock)
                units = units or await registry_objects(
                    projects, project_objects["NOTIFIED_ISSUANCE"], frozen_clock.at.date()
                )
                made[given] = units[given.what]
                continue
            if given.what in PROJECT_GIVENS:
                project_objects = project_objects or await projects.sample_objects(frozen_clock)
                made[given] = project_objects[given.what]
                continue
            if given.what in ("ENTITY", "DESIGNATED_TPE"):
                made[given] = await given_tpe(tpe_flow, gql, given)
                continue
            if given.what == "VALID_METHODOLOGY":
                made[given] = await approved_methodology(flow, frozen_clock)
                continue
            if given.what == "member":
                document, member_input, _ = MUTATION_SAMPLES["appointMember"]
                data = await gql(
                    document, {"input": member_input | {"name": "Nguyen Van A", "role": "CO_CHAIR"}}, token=secretariat
                )
                made[given] = data["appointMember"]["member"]["id"]
                continue
            document, create_input, _ = MUTATION_SAMPLES["createProposal"]
            data = await gql(document, {"input": create_input}, token=secretariat)
            proposal_id = data["createProposal"]["proposal"]["id"]
            for name, extra in steps.get(given.what, []):
                result = await gql(WORKFLOW[name], {"input": {"id": proposal_id, **extra}}, token=secretariat)
                assert result[name]["userErrors"] == [], result
            made[given] = proposal_id
    return made
