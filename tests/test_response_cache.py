"""The response cache: anonymous query answers sent again byte for byte until anything changes,
within a byte budget, never for tokens, mutations, errors or a client asking for a fresh answer."""

import asyncio
import json
from datetime import date

import httpx
from sqlalchemy import text

from api.app import close_listeners
from models.db import new_session
from models.enums import Role
from models.principal import Principal
from resolvers.meetings import schedule_meeting
from resolvers.tokens import create_token, revoke_token
from tests.support.db import count_statements
from tests.support.documents import COMMENT, SCHEDULE, TWO_OPERATIONS
from tests.support.http import app_with, http

PAGE = "query ($first: Int) { decisions(first: $first) { totalCount edges { node { reference outcome } } } }"
MEETINGS = '{ committee(code: "VN") { meetings { number heldOn } } }'
CODE = "query ($code: String!) { committee(code: $code) { code } }"
VIEWER = "{ viewer { role name } }"


async def post(client: httpx.AsyncClient, query: str, variables=None, **headers: str) -> httpx.Response:
    body = {"query": query, "variables": variables or {}}
    return await client.post("/graphql", json=body, headers={k.replace("_", "-"): v for k, v in headers.items()})


async def get(client: httpx.AsyncClient, query: str, variables=None, **headers: str) -> httpx.Response:
    params = {"query": query} | ({"variables": json.dumps(variables)} if variables is not None else {})
    return await client.get("/graphql", params=params, headers={k.replace("_", "-"): v for k, v in headers.items()})


async def counts(client: httpx.AsyncClient) -> dict[str, int]:
    return (await client.get("/healthz")).json()["responseCache"]


def without_request_id(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k != "x-request-id"]


def reads_decisions(statements: list[str]) -> bool:
    return any("FROM decision" in s for s in statements)


# --- hits ----------------------------------------------------------------------------------------


async def test_a_repeated_anonymous_post_is_answered_from_the_cache_with_the_same_bytes(flow, client, engine):
    # Given a decision, and the public's page of decisions asked twice (a document is kept from
    # its second time on: a one-off request costs nothing more than without the cache)
    await flow.decided("VN")
    first = await post(client, PAGE, {"first": 5})
    second = await post(client, PAGE, {"first": 5})
    assert (await counts(client))["entries"] == 1

    # When it is asked again
    with count_statements(engine) as counter:
        hit = await post(client, PAGE, {"first": 5})

    # Then the same bytes and headers come back without a query (only the request id is new)
    assert hit.status_code == 200
    assert hit.content == second.content == first.content
    assert hit.json()["data"]["decisions"]["edges"] == [
        {"node": {"reference": "JC-VN-2026-001", "outcome": "APPROVED"}}
    ]
    assert without_request_id(hit) == without_request_id(second) == without_request_id(first)
    assert hit.headers["x-request-id"] != second.headers["x-request-id"]
    assert not reads_decisions(counter.statements), counter.statements
    stats = await counts(client)
    assert (stats["hits"], stats["misses"], stats["entries"]) == (1, 2, 1)
    assert stats["bytes"] > len(hit.content)


async def test_a_repeated_anonymous_get_keeps_its_etag_and_revalidates_to_304_first(flow, client, engine):
    # Given a GET answered once (GET reads the publication version for its ETag anyway: kept at once)
    await flow.decided("VN")
    miss = await get(client, PAGE, {"first": 5})
    etag = miss.headers["etag"]

    # When it is asked again, without and with its ETag
    with count_statements(engine) as counter:
        hit = await get(client, PAGE, {"first": 5})
        revalidated = await get(client, PAGE, {"first": 5}, if_none_match=etag)

    # Then the same answer with the same ETag, Cache-Control and Vary; then a 304, both from memory
    assert hit.content == miss.content
    assert without_request_id(hit) == without_request_id(miss)
    assert (hit.headers["etag"], hit.headers["cache-control"], hit.headers["vary"]) == (
        etag,
        "public, max-age=0, must-revalidate",
        "Authorization, Accept",
    )
    assert (revalidated.status_code, revalidated.content, revalidated.headers["etag"]) == (304, b"", etag)
    assert not reads_decisions(counter.statements), counter.statements
    assert (await counts(client))["hits"] == 2


async def test_the_same_variables_written_another_way_are_the_same_entry_and_other_variables_another(client):
    # Given
    await post(client, CODE, {"code": "VN"})
    await post(client, CODE, {"code": "VN"})

    # When the same variables come spaced differently, and other variables come twice
    same = await client.post(
        "/graphql",
        content=b'{ "variables" : { "code" : "VN" }, "query" : ' + json.dumps(CODE).encode() + b"}",
        headers={"Content-Type": "application/json"},
    )
    other = [await post(client, CODE, {"code": "ID"}) for _ in range(2)]

    # Then the first is a hit, the others a second entry with their own answer
    assert same.json() == {"data": {"committee": {"code": "VN"}}}
    assert [r.json() for r in other] == [{"data": {"committee": {"code": "ID"}}}] * 2
    stats = await counts(client)
    assert (stats["hits"], stats["entries"]) == (1, 2)


async def test_a_document_asked_once_costs_the_statements_it_costs_without_the_cache(settings, engine, client):
    # Given the same app without the cache
    app = app_with(settings, engine, response_cache_bytes=0)
    try:
        async with http(app) as uncached:
            # When a document is asked for the first time, with the cache and without
            with count_statements(engine) as cached_statements:
                await post(client, PAGE, {"first": 5})
            with count_statements(engine) as uncached_statements:
                await post(uncached, PAGE, {"first": 5})
    finally:
        await close_listeners(app)

    # Then the cache added no statement (not even the publication version's)
    assert cached_statements.statements == uncached_statements.statements


# --- staleness ---------------------------------------------------------------------------------


async def test_a_write_by_a_token_holder_makes_the_next_anonymous_read_a_miss_with_fresh_data(client, tokens):
    # Given the public's cached list of meetings
    for _ in range(3):
        before = await post(client, MEETINGS)
    assert before.json() == {"data": {"committee": {"meetings": []}}}
    assert (await counts(client))["hits"] == 1

    # When the secretariat schedules a meeting over HTTP
    secret = await tokens.secretariat()
    scheduled = await post(
        client, SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2026-12-15"}}, authorization=f"Bearer {secret}"
    )
    assert scheduled.json()["data"]["scheduleMeeting"]["userErrors"] == []

    # Then the next anonymous read runs again and shows it, and is kept again from then on
    stats = await counts(client)
    after = await post(client, MEETINGS)
    assert after.json() == {"data": {"committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}]}}}
    assert (await counts(client))["misses"] == stats["misses"] + 1
    assert (await post(client, MEETINGS)).content == after.content
    assert (await counts(client))["hits"] == stats["hits"] + 1


async def test_a_write_by_another_worker_makes_the_cached_answer_unreachable(client, database):
    # Given the public's cached list of meetings
    for _ in range(3):
        seen = await post(client, MEETINGS)
    assert seen.json() == {"data": {"committee": {"meetings": []}}}

    # When another worker (its own engine on the same database) schedules a meeting
    other_worker = database.engine()
    try:
        async with new_session(other_worker) as session:
            await schedule_meeting(
                session, Principal(Role.SECRETARIAT, name="JCMA"), committee_code="VN", held_on=date(2026, 12, 15)
            )
    finally:
        await other_worker.dispose()

    # Then this worker stops sending the old answer (on PostgreSQL once the NOTIFY arrived: bounded wait)
    for _ in range(300):
        after = await post(client, MEETINGS)
        if after.content != seen.content:
            break
        await asyncio.sleep(0.01)
    assert after.json() == {"data": {"committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}]}}}


# --- what is never kept ------------------------------------------------------------------------


async def test_a_request_asking_for_no_cache_runs_the_query_as_without_the_cache(client, engine):
    # Given a cached answer
    for _ in range(3):
        cached = await post(client, PAGE, {"first": 5})
    assert (await counts(client))["hits"] == 1

    for header, value in (
        ("cache_control", "no-cache"),
        ("cache_control", "max-age=0, no-store"),
        ("pragma", "no-cache"),
    ):
        # When a client asks for a fresh answer
        with count_statements(engine) as counter:
            fresh = await post(client, PAGE, {"first": 5}, **{header: value})

        # Then the query runs, and gives the same bytes
        assert reads_decisions(counter.statements), (header, value)
        assert fresh.content == cached.content
    stats = await counts(client)
    assert (stats["hits"], stats["entries"]) == (1, 1)


async def test_a_mutation_is_never_kept(flow, client, engine):
    # Given a proposal open for public comments
    proposal = (await flow.in_status("PUBLIC_INPUT"))["id"]
    comment = {"input": {"proposalId": proposal, "author": "A. Reader", "body": "Agreed."}}

    # When the public sends the same comment three times over POST
    answers = [await post(client, COMMENT, comment) for _ in range(3)]

    # Then each ran: three comments, nothing kept
    assert [a.json()["data"]["submitPublicComment"]["userErrors"] for a in answers] == [[], [], []]
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM public_comment"))).scalar_one() == 3
    assert (await counts(client))["entries"] == 0


async def test_in_a_document_of_several_operations_the_chosen_one_decides(client):
    # When the query of a document with a query and a mutation is chosen, three times
    for _ in range(3):
        who = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "Who"})

    # Then it is kept
    assert who.json() == {"data": {"viewer": {"role": "PUBLIC"}}}
    assert (await counts(client))["hits"] == 1

    # and when the mutation is chosen, it is not
    for _ in range(3):
        meet = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "Meet"})
    assert meet.json() == {"data": {"scheduleMeeting": {"meeting": None}}}  # the public may not
    stats = await counts(client)
    assert (stats["hits"], stats["entries"]) == (1, 1)


async def test_an_answer_with_errors_is_not_kept(client, engine):
    # When a query that fails is asked three times
    answers = [await post(client, "{ decisions(first: 5) { nope } }") for _ in range(3)]

    # Then each ran and failed
    assert all("errors" in a.json() for a in answers)
    assert (await counts(client))["entries"] == 0
    assert (await counts(client))["hits"] == 0


async def test_a_cached_answer_still_counts_against_the_rate_limit(settings, engine):
    # Given a limit of four requests a minute
    app = app_with(settings, engine, rate_limit="4/minute")
    try:
        async with http(app) as limited:
            # When the public asks the same query five times
            answers = [await post(limited, VIEWER) for _ in range(5)]
            stats = await counts(limited)
    finally:
        await close_listeners(app)

    # Then the fourth came from the cache, and the fifth was refused all the same
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert stats["hits"] == 2


async def test_an_idempotency_key_on_a_query_is_checked_as_without_the_cache(client):
    # Given a cached answer
    for _ in range(3):
        cached = await post(client, VIEWER)

    # When the same query comes with an Idempotency-Key, valid or not
    valid = await post(client, VIEWER, idempotency_key="read-1")
    invalid = await post(client, VIEWER, idempotency_key="k" * 256)

    # Then the valid one is answered (a query runs as if no key had been sent), the invalid refused
    assert valid.content == cached.content
    assert (invalid.status_code, invalid.json()["errors"][0]["extensions"]["code"]) == (400, "INVALID_IDEMPOTENCY_KEY")


# --- tokens --------------------------------------------------------------------------------------


async def test_tokens_neither_read_nor_fill_the_cache(client, tokens, engine):
    # Given the public's cached viewer, and a secretariat token
    for _ in range(3):
        public = await post(client, VIEWER)
    assert public.json() == {"data": {"viewer": {"role": "PUBLIC", "name": None}}}
    secret = await tokens.secretariat()
    before = await counts(client)

    # When the secretariat asks the same, several times, by POST and GET
    private = [await post(client, VIEWER, authorization=f"Bearer {secret}") for _ in range(3)]
    private.append(await get(client, VIEWER, authorization=f"Bearer {secret}"))

    # Then it sees its own answer each time, and the cache was not touched
    assert [p.json() for p in private] == [
        {"data": {"viewer": {"role": "SECRETARIAT", "name": "JCMA Secretariat"}}}
    ] * 4
    assert private[-1].headers["cache-control"] == "private, no-store"
    assert await counts(client) == before

    # and the public still gets the public answer
    assert (await post(client, VIEWER)).content == public.content


async def test_a_wrong_or_revoked_token_is_refused_even_when_the_public_answer_is_cached(client, engine):
    # Given the public's cached viewer, and a partner token that worked once
    for _ in range(3):
        await post(client, VIEWER)
    async with new_session(engine) as session:
        issued = await create_token(session, role=Role.PARTNER, country_code="VN", name="MONRE Viet Nam")
    assert (await post(client, VIEWER, authorization=f"Bearer {issued.secret}")).json()["data"]["viewer"]["role"] == (
        "PARTNER"
    )

    # When it is revoked, and another token is made up
    async with new_session(engine) as session:
        await revoke_token(session, issued.token.id)
    revoked = await post(client, VIEWER, authorization=f"Bearer {issued.secret}")
    wrong = await post(client, VIEWER, authorization="Bearer not-a-token")

    # Then both are refused, not answered as the public
    assert (revoked.status_code, wrong.status_code) == (401, 401)
    assert revoked.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- budget ----------------------------------------------------------------------------------------


async def entry_size(client: httpx.AsyncClient) -> int:
    """The bytes one CODE answer takes (all codes below are two letters: equal sizes)."""
    await get(client, CODE, {"code": "VN"})
    return (await counts(client))["bytes"]


async def test_the_least_recently_used_answer_goes_when_the_budget_is_full(settings, engine, client):
    # Given a budget for two answers of equal size
    size = await entry_size(client)
    app = app_with(settings, engine, response_cache_bytes=2 * size)
    try:
        async with http(app) as small:
            await get(small, CODE, {"code": "VN"})
            await get(small, CODE, {"code": "ID"})
            await get(small, CODE, {"code": "VN"})  # a hit: VN is now the most recently used

            # When a third answer is kept
            await get(small, CODE, {"code": "MN"})

            # Then ID went, VN and MN stay
            assert await counts(small) == {"hits": 1, "misses": 3, "entries": 2, "bytes": 2 * size}
            with count_statements(engine) as counter:
                await get(small, CODE, {"code": "VN"})
                await get(small, CODE, {"code": "MN"})
            assert counter.statements == []
            again = await get(small, CODE, {"code": "ID"})
            assert again.json() == {"data": {"committee": {"code": "ID"}}}
            assert (await counts(small))["hits"] == 3
    finally:
        await close_listeners(app)


async def test_an_answer_larger_than_the_budget_is_not_kept(settings, engine, client):
    # Given a budget one byte short of an answer
    size = await entry_size(client)
    app = app_with(settings, engine, response_cache_bytes=size - 1)
    try:
        async with http(app) as small:
            # When it is asked twice
            answers = [await get(small, CODE, {"code": "VN"}) for _ in range(2)]

            # Then both ran, nothing is kept
            assert [a.json() for a in answers] == [{"data": {"committee": {"code": "VN"}}}] * 2
            assert await counts(small) == {"hits": 0, "misses": 2, "entries": 0, "bytes": 0}
    finally:
        await close_listeners(app)


async def test_a_budget_of_zero_switches_the_cache_off(settings, engine):
    # Given
    app = app_with(settings, engine, response_cache_bytes=0)
    try:
        async with http(app) as uncached:
            # When the same query is asked three times
            with count_statements(engine) as counter:
                answers = [await post(uncached, PAGE, {"first": 5}) for _ in range(3)]
            health = (await uncached.get("/healthz")).json()
    finally:
        await close_listeners(app)

    # Then it ran three times, with the same answer; no counts are reported
    assert sum("FROM decision" in s for s in counter.statements) >= 3, counter.statements
    assert len({a.content for a in answers}) == 1
    assert health == {"status": "ok", "database": "reachable"}
    assert app.state.response_cache is None
