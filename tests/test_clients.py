"""The clients ministries already have work against a real server, exactly as the README shows them
(tests/clients/): gql for Python over HTTP and WebSocket, Apollo Client and the graphql-ws reference
client for Node. Each runs against `live_server` (uvicorn on a loopback port); the Node examples are
skipped where Node is missing, except in CI. Assertions are on the data, never on the content type,
which depends on what each client accepts."""

import asyncio
import sys
from pathlib import Path

import pytest
from gql.transport.exceptions import TransportQueryError

from api.ids import to_global_id
from tests.clients.gql_client import committee, first_decision, give_consent
from tests.support.clients import client_script, counting_subscribers, meanwhile, node_ready, untested_blocks
from tests.support.documents import CONSENT

README = Path(__file__).resolve().parent.parent / "README.md"
VIET_NAM = {
    "code": "VN",
    "name": {"en": "Japan–Viet Nam Joint Committee", "ja": "日本・ベトナム合同委員会"},
    "partner": {"signingOrder": 6, "signedOn": "2013-07-02"},
}


@pytest.fixture(scope="session")
def node() -> str:
    return node_ready()


async def awaiting_viet_nam(flow) -> str:
    """A proposal circulated and consented to by Japan: Viet Nam's consent decides it. Its id."""
    id = await flow.created("VN", title="Interim special measures")
    await flow.submit(id)
    await flow.circulate(id, "2026-12-10")
    await flow.position(id, "japan")
    return to_global_id("Proposal", id)


CONSENTED = {
    "proposal": {"status": "APPROVED"},
    "decision": {"reference": "JC-VN-2026-001", "outcome": "APPROVED"},
    "userErrors": [],
}
DECIDED = {
    "reference": "JC-VN-2026-001",
    "outcome": "APPROVED",
    "title": "Interim special measures",
    "committee": {"code": "VN"},
}


def typed(fields: dict, typename: str, **nested: str) -> dict:
    """`fields` as Apollo Client returns them: with `__typename`, here and in the nested objects
    named (lists of objects get it in each item)."""
    out = {**fields, "__typename": typename}
    for key, name in nested.items():
        value = fields[key]
        out[key] = (
            [{**item, "__typename": name} for item in value]
            if isinstance(value, list)
            else {**value, "__typename": name}
        )
    return out


async def test_gql_reads_a_committee_over_http_without_a_token(live_server):
    # When the public asks for a committee with gql's HTTPX transport
    result = await committee(f"{live_server.http_url}/graphql", "VN")

    # Then it is answered
    assert result == {"committee": VIET_NAM}


async def test_gql_example_runs_as_the_readme_shows_it(live_server):
    # When gql_client.py is run as a script, as the README shows
    async with client_script(
        sys.executable, "gql_client.py", "committee", "VN", JCM_URL=f"{live_server.http_url}/graphql"
    ) as script:
        output = await script.output()

    # Then it prints the answer
    assert output == {"committee": VIET_NAM}


async def test_gql_consents_with_a_partners_bearer_token_and_the_decision_is_taken(live_server, flow, tokens):
    # Given a proposal only Viet Nam's consent is missing from, and Viet Nam's token
    proposal_id = await awaiting_viet_nam(flow)
    viet_nam = await tokens.partner("VN")

    # When Viet Nam consents through gql
    result = await give_consent(f"{live_server.http_url}/graphql", viet_nam, proposal_id)

    # Then the proposal is approved and decided
    assert result == {"giveConsent": CONSENTED}


async def test_gql_raises_the_refusal_of_an_unknown_token(live_server, flow):
    # Given a proposal awaiting Viet Nam
    proposal_id = await awaiting_viet_nam(flow)

    # When a client sends a token the server never issued
    with pytest.raises(TransportQueryError) as refused:
        await give_consent(f"{live_server.http_url}/graphql", "not-a-token", proposal_id)

    # Then gql raises the error of the 401 answer's body (not a TransportServerError: the body is
    # GraphQL), and nothing was decided
    assert refused.value.errors == [
        {
            "message": "The bearer token is not valid: it is unknown, malformed or revoked.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
    assert (await flow.read(proposal_id))["status"] == "UNDER_CONSIDERATION"


async def test_gql_subscription_receives_the_decision_when_both_sides_consent(live_server, flow, tokens):
    # Given a proposal Japan consented to, and a secretariat desk following Viet Nam's decisions
    # over a WebSocket with gql
    proposal_id = await awaiting_viet_nam(flow)
    token = await tokens.secretariat()
    with counting_subscribers() as subscribers:
        waiting = asyncio.create_task(first_decision(live_server.ws_url, token, "VN"))
        try:
            assert await meanwhile(subscribers.wait(), waiting), "gql's subscription was not opened within 10 s"

            # When Viet Nam consents too
            decided = await flow.ok(CONSENT, {"id": proposal_id}, "VN")

            # Then the subscriber receives that decision
            received = await asyncio.wait_for(waiting, timeout=10)
        finally:
            waiting.cancel()
    assert decided["decision"]["reference"] == "JC-VN-2026-001"
    assert received == {"decisionMade": DECIDED}


async def test_apollo_client_reads_and_consents_with_a_bearer_token(live_server, flow, tokens, node):
    # Given a proposal only Viet Nam's consent is missing from, and Viet Nam's token
    proposal_id = await awaiting_viet_nam(flow)
    viet_nam = await tokens.partner("VN")

    # When tests/clients/apollo.mjs queries the committee and consents, with Apollo Client's HttpLink
    async with client_script(
        node, "apollo.mjs", JCM_URL=f"{live_server.http_url}/graphql", JCM_TOKEN=viet_nam, JCM_PROPOSAL_ID=proposal_id
    ) as script:
        output = await script.output()

    # Then both are answered (Apollo's cache adds __typename to every selection)
    assert output == {
        "committee": typed(VIET_NAM, "JointCommittee", name="LocalizedText", partner="Country"),
        "giveConsent": typed(
            CONSENTED, "DecisionPayload", proposal="Proposal", decision="Decision", userErrors="UserError"
        ),
    }


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("graphql-ws.mjs", {"data": {"decisionMade": DECIDED}}),
        (
            "apollo-subscription.mjs",
            {"data": {"decisionMade": typed(DECIDED, "Decision", committee="JointCommittee")}},
        ),
    ],
)
async def test_node_subscribers_receive_the_decision_when_both_sides_consent(
    live_server, flow, tokens, node, script, expected
):
    # Given a proposal Japan consented to, and a script following Viet Nam's decisions (graphql-ws
    # alone, or under Apollo Client's GraphQLWsLink), its token in connection_init
    proposal_id = await awaiting_viet_nam(flow)
    token = await tokens.japan()
    with counting_subscribers() as subscribers:
        async with client_script(node, script, JCM_WS_URL=live_server.ws_url, JCM_TOKEN=token) as running:
            await running.meanwhile(subscribers.wait())

            # When Viet Nam consents too
            await flow.ok(CONSENT, {"id": proposal_id}, "VN")

            # Then the script prints that decision and ends
            output = await running.output()
    assert output == expected


async def test_apollo_persisted_queries_fall_back_to_the_full_query(live_server, node):
    # Given Apollo Client with its automatic persisted queries link, on a server that keeps none
    # When tests/clients/apollo-persisted.mjs reads a committee
    async with client_script(node, "apollo-persisted.mjs", JCM_URL=f"{live_server.http_url}/graphql") as script:
        output = await script.output()

    # Then the link was told persisted queries are not supported, sent the whole query and got the answer
    assert output == {"committee": {"code": "VN", "__typename": "JointCommittee"}}


def test_the_readmes_client_examples_are_the_tested_ones():
    # Given the README's Clients section (skipped until it has one)
    untested = untested_blocks(README.read_text(encoding="utf-8"))
    if untested is None:
        pytest.skip("README.md has no Clients section yet")

    # Then each of its Python and JavaScript blocks is (part of) a file in tests/clients/
    assert untested == []
