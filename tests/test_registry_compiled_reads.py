"""Registry reads answer the same on the compiled read path as on graphql-core, for every reader,
and the compiled path answers them itself."""

import json
from typing import Any

import httpx
import pytest

import api.compiled.execute as compiled
from api.app import close_listeners, create_app
from api.settings import Settings
from tests.support.graphql import GraphQLClient
from tests.support.registry_moves import moved

DOCUMENTS = [
    (
        "query ($code: String!) { registry(code: $code) { code country { code } "
        "accounts { id number kind holderName openedOn closedOn balance registry { code } } } }",
        {"code": "VN"},
    ),
    (
        "query ($number: String!) { account(number: $number) { number balance holdings(first: 5) { totalCount "
        "edges { cursor node { serialStart serialEnd quantity authorizedForNdc account { number } "
        "issuance { number } } } pageInfo { hasNextPage endCursor } } } }",
        {"number": "JP-300-0001"},
    ),
    (
        "query { transfers(first: 50) { totalCount edges { node { id kind quantity serialRanges purpose "
        "beneficiary reason at recordedBy from { number holderName } to { number } issuance { number } } } } }",
        {},
    ),
    (
        "query ($number: String!) { account(number: $number) { holdings(last: 1) { totalCount "
        "edges { cursor node { serialStart } } pageInfo { hasNextPage hasPreviousPage startCursor } } } }",
        {"number": "JP-200-0001"},
    ),
    (
        "query { transfers(last: 2) { totalCount edges { cursor node { id quantity } } "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
        {},
    ),
    ("query ($s: String!) { unit(serial: $s) { serialStart account { number kind } } }", {"s": "VN051-0001-000000900"}),
]


@pytest.fixture
async def both_paths(settings: Settings, engine: Any) -> Any:
    clients, apps = {}, []
    for on in (True, False):
        update = {"compiled_reads": on, "max_query_cost": 10**9, "response_cache_bytes": 0}
        app = create_app(settings.model_copy(update=update), engine=engine)
        apps.append(app)
        clients[on] = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jcm")
    yield {on: GraphQLClient(client) for on, client in clients.items()}
    for client, app in zip(clients.values(), apps, strict=True):
        await client.aclose()
        await close_listeners(app)


@pytest.mark.parametrize("who", [None, "secretariat", "japan", "VN", "MN"], ids=lambda who: who or "public")
async def test_registry_reads_answer_the_same_on_the_compiled_path(who, both_paths, projects, frozen_clock, prebuilt):
    # Given units issued, moved, nullified and cancelled
    await prebuilt(moved, projects, frozen_clock)
    headers = {"Authorization": f"Bearer {await projects.token(who)}"} if who else {}

    for document, variables in DOCUMENTS:
        # When
        before = compiled.COUNTS.compiled
        payload = {"query": document, "variables": variables}
        fast, slow = [await both_paths[on].http.post("/graphql", json=payload, headers=headers) for on in (True, False)]

        # Then
        assert "errors" not in fast.json(), fast.json()
        assert json.dumps(fast.json(), sort_keys=True) == json.dumps(slow.json(), sort_keys=True), document
        assert compiled.COUNTS.compiled > before, document
