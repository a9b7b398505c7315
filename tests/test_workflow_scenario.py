"""The whole consent workflow in one story, over real HTTP and a real WebSocket subscription."""

import asyncio
import json
from datetime import UTC, datetime

import httpx
import websockets

from tests.support.tokens import Tokens

SUBSCRIBE = """
subscription ($committee: String) {
  decisionMade(committeeCode: $committee) {
    reference outcome title committee { code }
    positions { side position }
  }
}
"""

REGISTER = """
query {
  decisions(first: 5, filter: {committeeCode: "VN"}) {
    totalCount
    edges { node { reference outcome kind title decidedOn mode proposal { title status } positions { side position } } }
  }
}
"""

STEPS = {
    "create": """mutation ($input: CreateProposalInput!) { createProposal(input: $input) { proposal { id status version } userErrors { code } } }""",
    "submit": """mutation ($input: ProposalRef!) { submitProposal(input: $input) { proposal { status version dueOn } userErrors { code } } }""",
    "open": """mutation ($input: OpenPublicInputInput!) { openPublicInput(input: $input) { proposal { status publicInput { opensOn closesOn } } userErrors { code } } }""",
    "comment": """mutation ($input: CommentInput!) { submitPublicComment(input: $input) { comment { author body } userErrors { code field } } }""",
    "circulate": """mutation ($input: CirculateInput!) { circulateProposal(input: $input) { proposal { status mode deadline } userErrors { code } } }""",
    "consent": """mutation ($input: PositionInput!) { giveConsent(input: $input) { proposal { status } decision { reference } userErrors { code } } }""",
}


async def test_a_proposal_goes_from_draft_to_a_published_decision_and_subscribers_hear_of_it(
    live_server, engine, frozen_clock
):
    tokens = Tokens(engine)
    secretariat, japan, viet_nam = await tokens.secretariat(), await tokens.japan(), await tokens.partner("VN")

    async with httpx.AsyncClient(base_url=live_server.http_url) as http:

        async def step(name: str, input: dict, token: str | None) -> dict:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await http.post(
                "/graphql", json={"query": STEPS[name], "variables": {"input": input}}, headers=headers
            )
            return next(iter(response.json()["data"].values()))

        # Given a subscriber of Viet Nam's decisions, connected before anything happens
        async with websockets.connect(live_server.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv()) == {"type": "connection_ack"}
            await ws.send(
                json.dumps(
                    {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"committee": "VN"}}}
                )
            )

            # When the secretariat creates and submits an item
            created = await step(
                "create", {"committeeCode": "VN", "kind": "OTHER", "title": "Interim special measures"}, secretariat
            )
            assert created == {
                "proposal": {"id": created["proposal"]["id"], "status": "DRAFT", "version": 1},
                "userErrors": [],
            }
            proposal_id = created["proposal"]["id"]
            assert await step("submit", {"id": proposal_id, "expectedVersion": 1}, secretariat) == {
                "proposal": {"status": "SUBMITTED", "version": 2, "dueOn": "2026-12-05"},
                "userErrors": [],
            }

            # and opens public input, where the public comments
            assert await step("open", {"id": proposal_id}, secretariat) == {
                "proposal": {
                    "status": "PUBLIC_INPUT",
                    "publicInput": {"opensOn": "2026-11-28", "closesOn": "2026-12-12"},
                },
                "userErrors": [],
            }
            assert await step(
                "comment",
                {"proposalId": proposal_id, "author": "A. Researcher", "body": "Please publish the data."},
                None,
            ) == {"comment": {"author": "A. Researcher", "body": "Please publish the data."}, "userErrors": []}

            # and once the window closed, circulates it electronically
            frozen_clock.set(datetime(2026, 12, 13, 9, 0, tzinfo=UTC))
            assert await step("comment", {"proposalId": proposal_id, "author": "Late", "body": "Too late?"}, None) == {
                "comment": None,
                "userErrors": [{"code": "WINDOW_CLOSED", "field": ["proposalId"]}],
            }
            assert await step(
                "circulate", {"id": proposal_id, "mode": "ELECTRONIC", "deadline": "2026-12-27"}, secretariat
            ) == {
                "proposal": {"status": "UNDER_CONSIDERATION", "mode": "ELECTRONIC", "deadline": "2026-12-27"},
                "userErrors": [],
            }

            # and Japan, then Viet Nam consent
            assert await step("consent", {"id": proposal_id}, japan) == {
                "proposal": {"status": "UNDER_CONSIDERATION"},
                "decision": None,
                "userErrors": [],
            }
            assert await step("consent", {"id": proposal_id}, viet_nam) == {
                "proposal": {"status": "APPROVED"},
                "decision": {"reference": "JC-VN-2026-001"},
                "userErrors": [],
            }

            # Then the subscriber hears of the decision
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
            assert message == {
                "id": "1",
                "type": "next",
                "payload": {
                    "data": {
                        "decisionMade": {
                            "reference": "JC-VN-2026-001",
                            "outcome": "APPROVED",
                            "title": "Interim special measures",
                            "committee": {"code": "VN"},
                            "positions": [
                                {"side": "JAPAN", "position": "CONSENT"},
                                {"side": "PARTNER", "position": "CONSENT"},
                            ],
                        }
                    }
                },
            }

        # And the public register shows it to anyone, without a token
        register = (await http.post("/graphql", json={"query": REGISTER})).json()
        assert register == {
            "data": {
                "decisions": {
                    "totalCount": 1,
                    "edges": [
                        {
                            "node": {
                                "reference": "JC-VN-2026-001",
                                "outcome": "APPROVED",
                                "kind": "OTHER",
                                "title": "Interim special measures",
                                "decidedOn": "2026-12-13",
                                "mode": "ELECTRONIC",
                                "proposal": {"title": "Interim special measures", "status": "APPROVED"},
                                "positions": [
                                    {"side": "JAPAN", "position": "CONSENT"},
                                    {"side": "PARTNER", "position": "CONSENT"},
                                ],
                            }
                        }
                    ],
                }
            }
        }
