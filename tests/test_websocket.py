"""A WebSocket is held to HTTP's rules for as long as it stays open: its token is re-checked and a
revocation closes it, tokens may come in connection_init, and messages and operations are capped."""

import asyncio
import json
from contextlib import suppress
from datetime import date

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from api.ids import to_global_id
from models.db import new_session
from models.enums import DecisionMode, Position, ProposalKind, Role
from models.principal import Principal
from resolvers.positions import give_position
from resolvers.proposals import circulate_proposal, create_proposal, submit_proposal
from resolvers.tokens import create_token, revoke_token
from tests.support.db import snapshot
from tests.support.tokens import Tokens
from tests.support.websocket import init, receive, socket, subscribe

SUBSCRIBE = 'subscription { decisionMade(committeeCode: "VN") { reference committee { code } } }'
VIEWER = "query { viewer { role name } }"
CREATE = """mutation ($input: CreateProposalInput!) {
  createProposal(input: $input) { proposal { title status } userErrors { code } }
}"""
CONSENT = "mutation ($id: ID!) { giveConsent(input: {id: $id}) { decision { reference } userErrors { code } } }"
WRITTEN = ("proposal", "workflow_event", "audit_event")
SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")


async def issue(engine, role: Role = Role.SECRETARIAT) -> tuple[int, str]:
    async with new_session(engine) as session:
        issued = await create_token(session, role=role, name="Desk officer")
    token, secret = issued.token, issued.secret
    return token.id, secret


async def revoke_from_the_cli(database, token_id: int) -> None:
    """As `jcm token revoke` does: another process, its own engine."""
    other = database.engine()
    try:
        async with new_session(other) as session:
            await revoke_token(session, token_id)
    finally:
        await other.dispose()


async def until_closed(ws) -> tuple[int, str, list[dict]]:
    """(close code, reason, every message received before the close); fails after 10 s."""
    received = []
    try:
        while True:
            received.append(json.loads(await asyncio.wait_for(ws.recv(), timeout=10)))
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return closed.rcvd.code, closed.rcvd.reason, received


async def awaiting_viet_nam(engine) -> int:
    """A proposal Japan consented to: Viet Nam's consent decides it."""
    async with new_session(engine) as session:
        proposal = await create_proposal(
            session, SECRETARIAT, committee_code="VN", kind=ProposalKind.OTHER, title="Item"
        )
        await submit_proposal(session, SECRETARIAT, proposal_id=proposal.id)
        await circulate_proposal(
            session, SECRETARIAT, proposal_id=proposal.id, mode=DecisionMode.ELECTRONIC, deadline=date(2026, 12, 31)
        )
        await give_position(
            session, Principal(Role.JAPAN, name="MOEJ"), proposal_id=proposal.id, position=Position.CONSENT
        )
    return proposal.id


async def test_a_revoked_token_closes_its_subscription_and_no_decision_reaches_it(live_server, database, engine):
    # Given a proposal one consent away from a decision, and a subscriber authenticated by header
    proposal_id = await awaiting_viet_nam(engine)
    token_id, secret = await issue(engine)
    viet_nam = await Tokens(engine).partner("VN")
    async with socket(live_server, header=secret) as ws:
        assert await init(ws) == {"type": "connection_ack"}
        await subscribe(ws, "1", SUBSCRIBE)
        await ws.send(json.dumps({"type": "ping"}))
        assert await receive(ws) == {"type": "pong"}

        # When the token is revoked from another process, and a decision is taken right after
        await revoke_from_the_cli(database, token_id)
        started = asyncio.get_running_loop().time()
        async with httpx.AsyncClient(base_url=live_server.http_url) as http:
            decided = await http.post(
                "/graphql",
                json={"query": CONSENT, "variables": {"id": to_global_id("Proposal", proposal_id)}},
                headers={"Authorization": f"Bearer {viet_nam}"},
            )
            assert decided.json()["data"]["giveConsent"]["decision"] == {"reference": "JC-VN-2026-001"}
            over_http = await http.post(
                "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {secret}"}
            )

        # Then the socket is closed as unauthorized within seconds, and the decision never reached it
        code, reason, received = await until_closed(ws)
    assert (code, reason, received) == (4401, "Unauthorized: the token was revoked", [])
    assert asyncio.get_running_loop().time() - started < 8
    assert over_http.status_code == 401  # as HTTP answers at once


async def test_an_idle_socket_is_closed_within_seconds_of_its_token_being_revoked(live_server, database, engine):
    # Given an open socket with one subscription and nothing happening
    token_id, secret = await issue(engine)
    async with socket(live_server) as ws:
        assert await init(ws, {"token": secret}) == {"type": "connection_ack"}
        await subscribe(ws, "1", SUBSCRIBE)

        # When its token is revoked from another process
        await revoke_from_the_cli(database, token_id)

        # Then the socket is closed (the sweep runs every JCM_WS_TOKEN_RECHECK_SECONDS, 2 s by default)
        assert await until_closed(ws) == (4401, "Unauthorized: the token was revoked", [])


async def test_a_mutation_sent_on_an_open_socket_after_revocation_is_not_run(live_server, database, engine):
    # Given a socket authenticated in its connection_init payload, whose mutations run
    token_id, secret = await issue(engine)
    async with socket(live_server) as ws:
        assert await init(ws, {"Authorization": f"Bearer {secret}"}) == {"type": "connection_ack"}
        create = {"input": {"committeeCode": "VN", "kind": "OTHER", "title": "First"}}
        await subscribe(ws, "1", CREATE, create)
        assert await receive(ws) == {
            "id": "1",
            "type": "next",
            "payload": {
                "data": {"createProposal": {"proposal": {"title": "First", "status": "DRAFT"}, "userErrors": []}}
            },
        }
        assert await receive(ws) == {"id": "1", "type": "complete"}
        before = await snapshot(engine, *WRITTEN)

        # When the token is revoked and the socket sends another mutation at once
        await revoke_from_the_cli(database, token_id)
        with suppress(ConnectionClosed):  # on PostgreSQL the NOTIFY may have closed it already
            await subscribe(ws, "2", CREATE, {"input": {**create["input"], "title": "Second"}})

        # Then the socket is closed without running it, and the mutation left no trace
        assert await until_closed(ws) == (4401, "Unauthorized: the token was revoked", [])
    assert await snapshot(engine, *WRITTEN) == before


@pytest.mark.parametrize("form", ["authorization header", "Authorization in payload", "token in payload"])
async def test_a_token_in_connection_init_or_the_header_authenticates_the_socket(live_server, engine, form):
    # Given a secretariat token
    _, secret = await issue(engine)
    header = secret if form == "authorization header" else None
    payload = {
        "authorization header": {},
        "Authorization in payload": {"Authorization": f"Bearer {secret}"},
        "token in payload": {"token": secret},
    }[form]

    # When a query runs on a socket carrying it
    async with socket(live_server, header=header) as ws:
        assert await init(ws, payload) == {"type": "connection_ack"}
        await subscribe(ws, "1", VIEWER)

        # Then it runs as the token's holder
        assert await receive(ws) == {
            "id": "1",
            "type": "next",
            "payload": {"data": {"viewer": {"role": "SECRETARIAT", "name": "Desk officer"}}},
        }


@pytest.mark.parametrize("where", ["header", "payload"])
@pytest.mark.parametrize("token", ["unknown", "revoked"])
async def test_a_bad_token_gets_a_graphql_transport_ws_close_code(live_server, database, engine, where, token):
    # Given an unknown or a revoked token
    secret = "jcm_not-a-real-token"
    if token == "revoked":
        token_id, secret = await issue(engine)
        await revoke_from_the_cli(database, token_id)

    # When a socket presents it in the upgrade request's header, or in connection_init
    async with socket(live_server, header=secret if where == "header" else None) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await init(ws, {"token": secret} if where == "payload" else None)

    # Then the socket was accepted and closed: 4401 for the header, 4403 (Forbidden) for connection_init
    expected = {
        "header": (4401, "Unauthorized: the bearer token is unknown, malformed or revoked"),
        "payload": (4403, "Forbidden: the connection_init token is unknown, malformed or revoked"),
    }[where]
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == expected


async def test_a_message_over_the_body_cap_closes_the_socket_and_others_are_served(live_server, engine):
    # Given an open socket
    async with socket(live_server) as ws:
        assert await init(ws) == {"type": "connection_ack"}

        # When it sends a message over JCM_MAX_BODY_BYTES (100 kB)
        padding = "#" * 200_000
        await subscribe(ws, "1", f"{VIEWER} {padding}")

        # Then the socket is closed with 1009 "message too big", before anything ran
        assert await until_closed(ws) == (1009, "Message too big: over 100000 bytes", [])

    # And another socket is served as before
    async with socket(live_server) as ws:
        assert await init(ws) == {"type": "connection_ack"}
        await subscribe(ws, "1", VIEWER)
        assert (await receive(ws))["payload"] == {"data": {"viewer": {"role": "PUBLIC", "name": None}}}


async def test_operations_beyond_the_cap_on_one_socket_are_refused(live_server, engine):
    # Given a socket running ten subscriptions, JCM_MAX_WS_OPERATIONS' default
    async with socket(live_server) as ws:
        assert await init(ws) == {"type": "connection_ack"}
        for n in range(10):
            await subscribe(ws, str(n), SUBSCRIBE)

        # When it starts an eleventh
        await subscribe(ws, "10", SUBSCRIBE)

        # Then that one is refused with a clear error
        assert await receive(ws) == {
            "id": "10",
            "type": "error",
            "payload": [
                {
                    "message": "At most 10 operations may run at once on one WebSocket; complete one first.",
                    "extensions": {"code": "TOO_MANY_OPERATIONS", "limit": 10},
                }
            ],
        }

        # And once one completes, another may start
        await ws.send(json.dumps({"id": "0", "type": "complete"}))
        await subscribe(ws, "11", VIEWER)
        assert (await receive(ws))["id"] == "11"


async def test_the_legacy_graphql_ws_protocol_is_refused(live_server):
    # Given a client speaking only the legacy protocol, which bypasses the checks above
    async with socket(live_server, protocol="graphql-ws") as ws:
        # When it connects, then it is told the subprotocol is not acceptable
        with pytest.raises(ConnectionClosed) as closed:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


@pytest.mark.parametrize(
    "message",
    [
        {"id": "1", "type": "subscribe", "payload": []},
        {"id": "1", "type": "subscribe", "payload": {"query": 42}},
        {"id": 1, "type": "subscribe", "payload": {"query": VIEWER}},
        ["not", "an", "object"],
    ],
)
async def test_a_malformed_message_closes_the_socket_as_a_bad_request(live_server, message):
    # Given an open socket
    async with socket(live_server) as ws:
        assert await init(ws) == {"type": "connection_ack"}

        # When it sends a message that is JSON but no graphql-transport-ws message
        await ws.send(json.dumps(message))

        # Then it is closed with 4400 and a reason, not an internal error
        code, reason, received = await until_closed(ws)
    assert (code, received) == (4400, [])
    assert reason.startswith("Failed to parse message")
