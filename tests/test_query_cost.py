"""The estimated cost of an operation is checked before it runs: a document asking for too much is
refused with both numbers and nothing executed, over POST, GET and WebSocket alike."""

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from graphql import get_introspection_query

from api.benchmark import PAGE
from api.settings import Settings
from tests.support.db import count_statements
from tests.support.http import app_with, http

HISTORY = "committees { decisions(first: 100) { edges { node { reference proposal { history { at note } } } } } }"
# The review's attack: 10 aliases of committees x decisions(first: 100) x proposal x history, in 1 KB.
ATTACK = "{ " + " ".join(f"a{i}: {HISTORY}" for i in range(10)) + " }"
ATTACK_COST = 1_350_310  # 10 x (1 + 30 committees x (1 + 100 decisions x (4 + 20 steps x 2 fields) + ...))

RULES_OF_EVERY_COMMITTEE = """{ committees { rules { type inForce { code document { title } }
  versions { version status decision { reference } proposal { title } } } } }"""


def refusal(cost: int, max_cost: int = 50_000) -> dict[str, Any]:
    return {
        "data": None,
        "errors": [
            {
                "message": f"This query would cost {cost:,} (the limit is {max_cost:,}): "
                "ask for fewer items with `first`, or split it.",
                "extensions": {"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": max_cost},
            }
        ],
    }


async def cost_of(client: httpx.AsyncClient, query: str, variables: dict | None = None, **payload: Any) -> int:
    """The cost the server reports for `query`, refused by a client whose limit is 10."""
    body = (await client.post("/graphql", json={"query": query, "variables": variables or {}, **payload})).json()
    assert body["data"] is None, body
    return body["errors"][0]["extensions"]["cost"]


# --- refused --------------------------------------------------------------------------------------


async def test_the_reviews_attack_is_refused_with_both_numbers_before_any_sql(client, engine):
    # When the 1 KB document of the review is posted anonymously
    assert len(json.dumps({"query": ATTACK})) < 1100
    with count_statements(engine) as counted:
        response = await client.post("/graphql", json={"query": ATTACK})

    # Then it is refused at once, saying what it would cost and what the limit is; nothing ran
    assert response.status_code == 200
    assert response.json() == refusal(ATTACK_COST)
    assert counted.statements == []


async def test_one_alias_of_the_attack_is_refused_too(client, engine):
    with count_statements(engine) as counted:
        response = await client.post("/graphql", json={"query": "{ " + HISTORY + " }"})

    assert response.json() == refusal(135_031)
    assert counted.statements == []


async def test_a_costly_query_is_refused_over_get(client):
    response = await client.get("/graphql", params={"query": ATTACK})

    assert response.json() == refusal(ATTACK_COST)


async def test_a_costly_query_is_refused_over_websocket(live_server):
    async with websockets.connect(live_server.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": ATTACK}}))

        answer = json.loads(await ws.recv())

    assert answer == {"id": "1", "type": "error", "payload": refusal(ATTACK_COST)["errors"]}


async def test_the_limit_is_a_setting(settings, engine):
    async with http(app_with(settings, engine, max_query_cost=31)) as client:
        # decisions 1 + 10 x (edges 1 + node 1 + reference 1)
        ok = await client.post("/graphql", json={"query": "{ decisions(first: 10) { edges { node { reference } } } }"})
        refused = await client.post(
            "/graphql", json={"query": "{ decisions(first: 11) { edges { node { reference } } } }"}
        )

    assert "errors" not in ok.json()
    assert refused.json() == refusal(34, 31)


def test_the_default_limit_and_its_environment_variable(monkeypatch):
    monkeypatch.delenv("JCM_MAX_QUERY_COST", raising=False)
    assert Settings().max_query_cost == 50_000

    monkeypatch.setenv("JCM_MAX_QUERY_COST", "1000")
    assert Settings().max_query_cost == 1000


# --- how the cost is counted --------------------------------------------------------------------


async def test_first_counts_as_a_literal_a_variable_a_variable_default_or_the_argument_default(settings, engine):
    page = "decisions(first: {}) {{ edges {{ node {{ reference }} }} }}"
    async with http(app_with(settings, engine, max_query_cost=10)) as client:
        literal = await cost_of(client, "{ " + page.format(10) + " }")
        variable = await cost_of(client, "query ($n: Int) { " + page.format("$n") + " }", {"n": 10})
        variable_default = await cost_of(client, "query ($n: Int = 10) { " + page.format("$n") + " }")
        argument_default = await cost_of(client, "{ decisions { edges { node { reference } } } }")  # first: 20
        over_the_page_size = await cost_of(client, "{ " + page.format(1000) + " }")

    assert (literal, variable, variable_default) == (31, 31, 31)
    assert argument_default == 1 + 20 * 3
    # A larger page is refused by the list itself; it can never fetch more than 100.
    assert over_the_page_size == 1 + 100 * 3


async def test_aliases_fragments_and_inline_fragments_are_counted_where_used(settings, engine):
    async with http(app_with(settings, engine, max_query_cost=10)) as client:
        plain = await cost_of(client, "{ decisions(first: 10) { edges { node { reference } } } }")
        aliased = await cost_of(
            client,
            "{ a: decisions(first: 10) { edges { node { reference } } } b: decisions(first: 10) { edges { node { reference } } } }",
        )
        fragments = await cost_of(
            client,
            """{ decisions(first: 10) { ...Page } again: decisions(first: 10) { ... on DecisionConnection { ...Page } } }
            fragment Page on DecisionConnection { edges { node { ...Reference } } }
            fragment Reference on Decision { reference }""",
        )

    assert plain == 31
    assert aliased == 2 * 31
    assert fragments == 2 * 31


async def test_lists_without_first_count_their_known_size_or_the_page_size(settings, engine):
    async with http(app_with(settings, engine, max_query_cost=10)) as client:
        countries = await cost_of(client, "{ countries { code } }")
        committees = await cost_of(client, "{ committees { code } }")
        entities = await cost_of(client, "{ entities { name } }")
        history = await cost_of(client, "{ proposals(first: 5) { edges { node { history { at } } } } }")

    assert countries == 1 + 31
    assert committees == 1 + 30
    assert entities == 1 + 100  # no known size: the largest page
    assert history == 1 + 5 * (1 + 1 + 1 + 20 * 1)


async def test_only_the_selected_operation_counts(settings, engine):
    document = "query Cheap { countries { code } } query Costly { " + HISTORY + " }"
    async with http(app_with(settings, engine)) as client:
        cheap = await client.post("/graphql", json={"query": document, "operationName": "Cheap"})
        costly = await client.post("/graphql", json={"query": document, "operationName": "Costly"})

    assert len(cheap.json()["data"]["countries"]) == 31
    assert costly.json() == refusal(135_031)


async def test_introspection_is_free_and_typename_costs_one(settings, engine):
    # (A document's fields are still counted once before validation, introspection or not: below.)
    async with http(app_with(settings, engine, max_query_cost=10)) as client:
        introspection = await client.post(
            "/graphql", json={"query": "{ __schema { queryType { fields { name args { name type { name } } } } } }"}
        )
        typenames = await cost_of(client, "{ " + " ".join(f"a{i}: __typename" for i in range(11)) + " }")

    assert len(introspection.json()["data"]["__schema"]["queryType"]["fields"]) > 10
    assert typenames == 11


async def test_graphiqls_introspection_query_passes_the_default_limit(gql):
    assert (await gql(get_introspection_query()))["__schema"]["types"]


async def test_fragments_spread_twice_at_every_level_are_refused_at_once(client, engine):
    # 2^41 - 1 fields once expanded, in 600 tokens: without a linear count first, the depth and
    # alias limits would expand every spread anew, for hours.
    levels = 40
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} x{i}: __typename ...F{i + 1} }}" for i in range(levels)
    )
    document = f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ __typename }}"

    with count_statements(engine) as counted:
        response = await asyncio.wait_for(client.post("/graphql", json={"query": document}), timeout=60)

    assert response.json() == refusal(2**41 - 1)
    assert counted.statements == []


# --- legitimate heavy queries pass ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query, variables",
    [
        (PAGE, {"first": 100}),  # the benchmark's page of 100 decisions with nested fields: 1,601
        (RULES_OF_EVERY_COMMITTEE, {}),  # the heaviest query of the test suite: 19,831
        (
            "{ entities { name accreditation country { code } designations { reference status committee { code } } } }",
            {},
        ),
        (
            '{ tpes(filter: {committeeCode: "VN", function: VERIFICATION, sectoralScope: 3, status: [DESIGNATED]}) {'
            " totalCount edges { node { reference entity { name } } } } }",
            {},
        ),
        ("{ committees { decisions(first: 20) { edges { node { reference proposal { history { at } } } } } } }", {}),
        (
            "{ projects(first: 100) { totalCount edges { node { pinReference reference title participants status"
            " sectoralScopes { number } methodology { reference } validator { reference } decisions { reference }"
            " designDocument { uri publicInput { closesOn } }"
            " issuances { number status notifiedAmount authorized allocations { holder notifiedAmount }"
            " authorizations { side amount usePurposes } } } } } }",
            {},
        ),
    ],
    ids=["benchmark-page", "rules-of-every-committee", "entities", "readme-tpes", "committees-history", "project-page"],
)
async def test_legitimate_heavy_queries_pass_the_default_limit(gql, query, variables):
    assert await gql(query, variables)
