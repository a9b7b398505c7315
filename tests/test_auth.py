"""Who is asking: the viewer, bearer tokens that are refused outright, anonymous mutations, and
tokens kept only as hashes."""

import hashlib
from datetime import timedelta
from typing import Any, NamedTuple

import pytest

from api.schema import build_schema
from api.settings import Settings
from models.db import new_session
from models.enums import Role
from resolvers.tokens import create_token, revoke_token
from tests.support.db import snapshot
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

VIEWER = "query { viewer { role name country { code } } }"

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
)

INVALID_TOKEN_BODY = {
    "errors": [
        {
            "message": "The bearer token is not valid: it is unknown, malformed or revoked.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}


def mutation_field_names() -> set[str]:
    mutation_type = build_schema(Settings())._schema.mutation_type
    assert mutation_type is not None
    return set(mutation_type.fields)


# --- viewer -------------------------------------------------------------------------------


async def test_viewer_without_token_is_the_public(gql):
    assert await gql(VIEWER) == {"viewer": {"role": "PUBLIC", "name": None, "country": None}}


async def test_viewer_with_a_partner_token_is_that_partner(gql, tokens):
    # Given
    secret = await tokens.issue(Role.PARTNER, "VN", name="MONRE Viet Nam")

    # When
    data = await gql(VIEWER, token=secret)

    # Then
    assert data == {"viewer": {"role": "PARTNER", "name": "MONRE Viet Nam", "country": {"code": "VN"}}}


async def test_viewer_with_japan_or_secretariat_token_has_no_country(gql, tokens):
    japan, secretariat = await tokens.japan(), await tokens.secretariat()

    assert await gql(VIEWER, token=japan) == {"viewer": {"role": "JAPAN", "name": "MOEJ", "country": None}}
    assert await gql(VIEWER, token=secretariat) == {
        "viewer": {"role": "SECRETARIAT", "name": "JCMA Secretariat", "country": None}
    }


# --- tokens that are refused ----------------------------------------------------------------


def assert_refused_as_invalid_token(response) -> None:
    assert response.status_code == 401, response.text
    assert response.json() == INVALID_TOKEN_BODY
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer jcm_" + "x" * 43,  # well formed, but never issued
        "Basic abc",
        "Basic {secret}",  # a valid secret, but not as a bearer token
        "Bearer",
        "Bearer ",
    ],
    ids=["unknown-token", "basic-scheme", "valid-secret-in-basic-scheme", "bearer-without-token", "bearer-and-blank"],
)
async def test_a_bad_authorization_header_gets_401_and_never_data(client, tokens, authorization):
    # Given a valid token exists, so the refusal is not about an empty token table
    secret = await tokens.partner("VN")

    # When
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": authorization.format(secret=secret)}
    )

    # Then
    assert_refused_as_invalid_token(response)


async def test_a_revoked_token_gets_401(engine, gql):
    # Given a token that works
    async with new_session(engine) as session:
        issued = await create_token(session, role=Role.PARTNER, country_code="VN", name="MONRE Viet Nam")
    token, secret = issued.token, issued.secret
    assert (await gql(VIEWER, token=secret))["viewer"]["role"] == "PARTNER"

    # When it is revoked
    async with new_session(engine) as session:
        await revoke_token(session, token.id)

    # Then
    assert_refused_as_invalid_token(await gql.raw(VIEWER, token=secret))
    assert_refused_as_invalid_token(
        await gql.raw(SCHEDULE_MEETING, {"input": MUTATION_SAMPLES["scheduleMeeting"][1]}, token=secret)
    )


# --- anonymous mutations ----------------------------------------------------------------------


def test_every_mutation_has_a_sample_document():
    assert set(MUTATION_SAMPLES) == mutation_field_names()


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
    for _, input_, _ in MUTATION_SAMPLES.values():
        for given in (value for value in input_.values() if isinstance(value, Given)):
            if given in made:
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


async def test_every_mutation_needs_a_token_and_writes_nothing_without_one(
    flow, tpe_flow, gql, engine, tokens, frozen_clock, projects
):
    # Given the objects the samples act on
    made = await given_objects(flow, tpe_flow, gql, tokens, frozen_clock, projects)

    def sample(name: str) -> tuple[str, dict[str, Any]]:
        document, input_, _ = MUTATION_SAMPLES[name]
        return document, {"input": {k: made[v] if isinstance(v, Given) else v for k, v in input_.items()}}

    guarded = [name for name, (_, _, who) in MUTATION_SAMPLES.items() if who != "public"]
    assert set(MUTATION_SAMPLES) == mutation_field_names()
    before = await snapshot(engine, *CHANGED_BY_MUTATIONS)

    for name in guarded:
        # When
        data = await gql(*sample(name))

        # Then
        payload = data[name]
        assert payload["userErrors"] == [
            {"code": "UNAUTHENTICATED", "message": "Sign in with a bearer token to do this.", "field": None}
        ], name
        assert [value for key, value in payload.items() if key != "userErrors"] in ([None], [None, None]), name
    assert await snapshot(engine, *CHANGED_BY_MUTATIONS) == before

    # And the very same documents succeed with a token: only the missing token stopped them.
    tokens_by_role = {"secretariat": await tokens.secretariat(), "japan": await tokens.japan(), "public": None}
    for name, (_, _, who) in MUTATION_SAMPLES.items():
        assert (await gql(*sample(name), token=tokens_by_role[who]))[name]["userErrors"] == [], name
    assert await snapshot(engine, *CHANGED_BY_MUTATIONS) != before


# --- storage ----------------------------------------------------------------------------------


async def test_tokens_are_stored_only_as_their_sha256(engine):
    # When
    async with new_session(engine) as session:
        issued = await create_token(session, role=Role.PARTNER, country_code="VN", name="MONRE Viet Nam")
    token, secret = issued.token, issued.secret

    # Then
    rows = (await snapshot(engine, "api_token"))["api_token"]
    assert len(rows) == 1
    assert secret.startswith("jcm_")
    assert not any(secret in str(value) for value in rows[0])
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.token_hash in rows[0]
