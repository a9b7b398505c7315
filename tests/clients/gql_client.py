"""The README's Python examples, run by tests/test_clients.py against a live server: the `gql`
client (pip install "gql[httpx,websockets]") reading over HTTP, acting with a bearer token, and
following decisions over a WebSocket. Each function opens its own connection, as a script would.

JCM_URL=http://127.0.0.1:8000/graphql python gql_client.py committee VN
JCM_URL=… JCM_TOKEN=… python gql_client.py consent UHJvcG9zYWw6MQ==
JCM_WS_URL=ws://127.0.0.1:8000/graphql JCM_TOKEN=… python gql_client.py decision VN
"""

import asyncio
import json
import os
import sys

from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

COMMITTEE = gql("""
    query Committee($code: String!) {
      committee(code: $code) { code name { en ja } partner { signingOrder signedOn } }
    }
""")

CONSENT = gql("""
    mutation Consent($id: ID!) {
      giveConsent(input: {id: $id}) {
        proposal { status }
        decision { reference outcome }
        userErrors { code message field }
      }
    }
""")

DECISIONS = gql("""
    subscription Decisions($code: String) {
      decisionMade(committeeCode: $code) { reference outcome title committee { code } }
    }
""")


async def committee(url: str, code: str) -> dict:
    """Anyone may read: no token. `url` is http(s)://host/graphql."""
    transport = HTTPXAsyncTransport(url=url, timeout=10)
    async with Client(transport=transport) as session:
        return await session.execute(GraphQLRequest(COMMITTEE, variable_values={"code": code}))


async def give_consent(url: str, token: str, proposal_id: str) -> dict:
    """Acting needs a bearer token; the side (Japan or the partner) comes from the token."""
    transport = HTTPXAsyncTransport(url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    async with Client(transport=transport) as session:
        return await session.execute(GraphQLRequest(CONSENT, variable_values={"id": proposal_id}))


async def first_decision(ws_url: str, token: str, code: str) -> dict:
    """The next decision of committee `code`. The server speaks graphql-transport-ws only (the
    legacy subscriptions-transport-ws, which gql also offers by default, is refused with 4406):
    ask for it alone. `ws_url` is ws(s)://host/graphql."""
    transport = WebsocketsTransport(
        url=ws_url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],  # "graphql-transport-ws"
        headers={"Authorization": f"Bearer {token}"},  # or init_payload={"Authorization": f"Bearer {token}"}
    )
    async with Client(transport=transport) as session:
        async for result in session.subscribe(GraphQLRequest(DECISIONS, variable_values={"code": code})):
            return result
    raise RuntimeError("the subscription ended without a decision")


def main(command: str, argument: str) -> dict:
    """The example named, with the URLs and the token from the environment, as the README runs it."""
    url, token = os.environ.get("JCM_URL", ""), os.environ.get("JCM_TOKEN", "")
    if command == "committee":
        return asyncio.run(committee(url, argument))
    if command == "consent":
        return asyncio.run(give_consent(url, token, argument))
    return asyncio.run(first_decision(os.environ.get("JCM_WS_URL", ""), token, argument))


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:3]), ensure_ascii=False, indent=2))
