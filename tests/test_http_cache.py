"""GraphQL over HTTP GET for public frontends: ETag and 304, private answers to tokens, 405 for
mutations, and the CORS allowlist."""

import asyncio
import json
import re
from datetime import date, timedelta

import httpx
from sqlalchemy import event
from sqlalchemy.util import await_

from api.app import close_listeners, create_app
from api.settings import Settings
from models.db import new_session
from models.enums import Role
from models.principal import Principal
from resolvers.meetings import schedule_meeting
from seed import loader as seed_loader
from seed.data import PARTNERS
from tests.support.db import count_statements, snapshot
from tests.support.documents import TWO_OPERATIONS

DECISIONS = "{ decisions(first: 5) { totalCount edges { node { reference outcome } } } }"

FILTERED = """
query ($first: Int, $filter: DecisionFilter) {
  decisions(first: $first, filter: $filter) { totalCount edges { node { reference } } }
}
"""

VIEWER = "{ viewer { role name } }"

PROJECTS = "{ statistics { projectsByCountry { country { code } count } } }"

SCHEDULE = """
mutation ($input: ScheduleMeetingInput!) {
  scheduleMeeting(input: $input) { meeting { number heldOn } userErrors { code message field } }
}
"""


SUBSCRIPTION = "subscription { decisionMade { reference } }"

MEETINGS = '{ committee(code: "VN") { meetings { number heldOn } } }'

PUBLIC_CACHE = "public, max-age=0, must-revalidate"
PRIVATE_CACHE = "private, no-store"
ETAG = re.compile(r'^"[0-9a-f]{32}"$')
FRONTEND = "https://frontend.example"


async def get(
    client: httpx.AsyncClient,
    query: str,
    variables: str | None = None,
    *,
    etag: str | None = None,
    token: str | None = None,
    operation_name: str | None = None,
) -> httpx.Response:
    params = {"query": query}
    if variables is not None:
        params["variables"] = variables
    if operation_name is not None:
        params["operationName"] = operation_name
    headers = {}
    if etag is not None:
        headers["If-None-Match"] = etag
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return await client.get("/graphql", params=params, headers=headers)


# --- ETag and 304 ------------------------------------------------------------------------------


async def test_an_anonymous_get_is_public_and_revalidates_to_304_with_an_empty_body(flow, client):
    # Given one decision in the register
    await flow.decided("VN")

    # When the public reads it by GET
    first = await get(client, DECISIONS)

    # Then the answer is the data, public and tagged
    assert first.status_code == 200
    assert first.json() == {
        "data": {
            "decisions": {"totalCount": 1, "edges": [{"node": {"reference": "JC-VN-2026-001", "outcome": "APPROVED"}}]}
        }
    }
    assert first.headers["cache-control"] == PUBLIC_CACHE
    etag = first.headers["etag"]
    assert ETAG.match(etag), etag

    # When it asks again with that ETag
    again = await get(client, DECISIONS, etag=etag)

    # Then 304: nothing to send, the same tag and policy
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == PUBLIC_CACHE

    # and a weak or listed form of the same tag revalidates too, an unknown one does not
    assert (await get(client, DECISIONS, etag=f"W/{etag}")).status_code == 304
    assert (await get(client, DECISIONS, etag=f'"0000", {etag}')).status_code == 304
    other = await get(client, DECISIONS, etag='"00000000000000000000000000000000"')
    assert (other.status_code, other.headers["etag"]) == (200, etag)


async def test_the_same_variables_in_another_order_or_spacing_have_the_same_etag(flow, client):
    # Given
    await flow.decided("VN")

    # When the same request is sent with its variables written three ways
    compact = await get(client, FILTERED, '{"first":5,"filter":{"committeeCode":"VN","outcome":"APPROVED"}}')
    reordered = await get(client, FILTERED, '{"filter": {"outcome": "APPROVED", "committeeCode": "VN"}, "first": 5}')
    spaced = await get(
        client, FILTERED, '{ "first" : 5 ,\n "filter" : { "committeeCode" : "VN" , "outcome" : "APPROVED" } }'
    )

    # Then they are one resource
    assert [r.status_code for r in (compact, reordered, spaced)] == [200, 200, 200]
    assert (
        compact.json()
        == reordered.json()
        == spaced.json()
        == {"data": {"decisions": {"totalCount": 1, "edges": [{"node": {"reference": "JC-VN-2026-001"}}]}}}
    )
    assert compact.headers["etag"] == reordered.headers["etag"] == spaced.headers["etag"]
    assert (
        await get(
            client,
            FILTERED,
            '{"filter":{"outcome":"APPROVED","committeeCode":"VN"},"first":5}',
            etag=compact.headers["etag"],
        )
    ).status_code == 304

    # but other variables or another query are another resource
    other_variables = await get(client, FILTERED, '{"first":5,"filter":{"committeeCode":"ID","outcome":"APPROVED"}}')
    other_query = await get(client, DECISIONS)
    etags = {compact.headers["etag"], other_variables.headers["etag"], other_query.headers["etag"]}
    assert len(etags) == 3
    assert other_variables.json() == {"data": {"decisions": {"totalCount": 0, "edges": []}}}
    assert (
        await get(
            client,
            FILTERED,
            '{"first":5,"filter":{"committeeCode":"ID","outcome":"APPROVED"}}',
            etag=compact.headers["etag"],
        )
    ).status_code == 200


async def test_a_304_is_answered_without_running_the_query(flow, client, engine):
    # Given a decision and a first GET that ran the query
    await flow.decided("VN")
    with count_statements(engine) as uncached:
        first = await get(client, DECISIONS)
    assert first.status_code == 200
    assert any("FROM decision" in s for s in uncached.statements), uncached.statements

    # When the same GET comes back with its ETag
    with count_statements(engine) as counter:
        again = await get(client, DECISIONS, etag=first.headers["etag"])

    # Then 304, and at most the publication version was read (with its BEGIN): no decision, no proposal
    assert again.status_code == 304
    read = [s for s in counter.statements if s.strip().upper() != "BEGIN"]
    assert len(read) <= 1, counter.statements
    assert all("max(audit_event.id)" in s for s in read), counter.statements


# --- staleness ---------------------------------------------------------------------------------


async def test_a_decision_makes_old_etags_stale_at_once(flow, client):
    # Given a tagged answer
    await flow.decided("VN", title="First item")
    before = await get(client, DECISIONS)
    etag = before.headers["etag"]
    assert (await get(client, DECISIONS, etag=etag)).status_code == 304

    # When another decision is taken
    await flow.decided("ID", title="Second item")

    # Then the old tag is stale: the new answer with a new tag
    after = await get(client, DECISIONS, etag=etag)
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert ETAG.match(after.headers["etag"])
    assert after.json() == {
        "data": {
            "decisions": {
                "totalCount": 2,
                "edges": [
                    {"node": {"reference": "JC-ID-2026-001", "outcome": "APPROVED"}},
                    {"node": {"reference": "JC-VN-2026-001", "outcome": "APPROVED"}},
                ],
            }
        }
    }
    assert (await get(client, DECISIONS, etag=after.headers["etag"])).status_code == 304


async def test_even_a_scheduled_meeting_makes_old_etags_stale(flow, client):
    # Given a tagged answer that no meeting appears in
    etag = (await get(client, DECISIONS)).headers["etag"]
    assert (await get(client, DECISIONS, etag=etag)).status_code == 304

    # When a meeting is scheduled
    await flow.meeting("VN", "2026-12-15")

    # Then
    after = await get(client, DECISIONS, etag=etag)
    assert after.status_code == 200
    assert after.headers["etag"] != etag


async def test_the_next_day_makes_old_etags_stale(client, frozen_clock):
    # Given a tagged answer today
    etag = (await get(client, DECISIONS)).headers["etag"]
    frozen_clock.set(frozen_clock.at + timedelta(hours=14))  # 23:00 the same day
    assert (await get(client, DECISIONS, etag=etag)).status_code == 304

    # When the calendar turns
    frozen_clock.set(frozen_clock.at + timedelta(hours=1))

    # Then
    after = await get(client, DECISIONS, etag=etag)
    assert after.status_code == 200
    assert after.headers["etag"] != etag


async def test_corrected_reference_data_makes_old_etags_stale(client, engine, monkeypatch):
    # Given a tagged answer with Viet Nam's published project count
    before = await get(client, PROJECTS)
    assert before.json()["data"]["statistics"]["projectsByCountry"][5] == {"country": {"code": "VN"}, "count": 50}
    etag = before.headers["etag"]

    # When the seed is corrected (as `jcm serve` and `jcm seed` do) to a newer published count
    corrected = [p._replace(projects=51) if p.code == "VN" else p for p in PARTNERS]
    monkeypatch.setattr(seed_loader, "PARTNERS", corrected)
    async with new_session(engine) as session:
        report = await seed_loader.load(session)
    assert report.updated == 1

    # Then the old tag no longer revalidates: the count changed
    after = await get(client, PROJECTS, etag=etag)
    assert after.status_code == 200, "a client holding the old ETag is told its stale count is current"
    assert after.json()["data"]["statistics"]["projectsByCountry"][5] == {"country": {"code": "VN"}, "count": 51}


async def test_a_change_committed_while_the_version_is_read_is_not_missed(database, engine, tokens):
    # Given an app whose publication version we can watch being invalidated by NOTIFY (PostgreSQL)
    app = create_app(Settings(database_url=database.url, database_schema=database.schema), engine=engine)
    publication = app.state.publication
    original, notified = publication._invalidate, []
    publication._invalidate = lambda *args: (notified.append(1), original(*args))
    secretariat = Principal(Role.SECRETARIAT, name="JCMA")

    async def meeting(held_on: date) -> None:
        async with new_session(engine) as session:
            await schedule_meeting(session, secretariat, committee_code="VN", held_on=held_on)

    async def settled(writes: int) -> None:
        """On PostgreSQL, wait (bounded) until the NOTIFY of the last write arrived; SQLite has none."""
        for _ in range(500):
            if engine.dialect.name != "postgresql" or len(notified) >= writes:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("no NOTIFY arrived")

    armed = []

    def commit_during_the_version_read(conn, cursor, statement, *args):
        if armed and "max(audit_event.id)" in statement:
            armed.clear()
            await_(meeting(date(2026, 12, 20)))  # another request's write commits right now
            await_(settled(2))

    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            # and one meeting, read by a frontend that keeps the tag
            await meeting(date(2026, 12, 15))
            seen = await get(http, MEETINGS)
            assert seen.json() == {"data": {"committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}]}}}
            # and a commit that changes nothing public (a token issued) empties the cached version
            await tokens.secretariat()
            await settled(1)

            # When another GET reads the version while a second meeting is being committed
            armed.append(True)
            event.listen(engine.sync_engine, "after_cursor_execute", commit_during_the_version_read)
            try:
                assert (await get(http, DECISIONS)).status_code == 200
            finally:
                event.remove(engine.sync_engine, "after_cursor_execute", commit_during_the_version_read)
            assert armed == []

            # Then the frontend's old tag is stale: it gets both meetings
            after = await get(http, MEETINGS, etag=seen.headers["etag"])
    finally:
        del publication._invalidate  # the app's own again, which close_listeners unregisters
        await close_listeners(app)
    assert after.status_code == 200, "the version read before the commit was cached after it: stale 304"
    assert after.json() == {
        "data": {
            "committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}, {"number": 2, "heldOn": "2026-12-20"}]}
        }
    }


async def test_a_version_read_between_the_commit_event_and_the_commit_itself_is_not_kept(database, engine):
    # Given an app whose publication version we can watch being invalidated by NOTIFY (PostgreSQL)
    app = create_app(Settings(database_url=database.url, database_schema=database.schema), engine=engine)
    publication = app.state.publication
    original, notified = publication._invalidate, []
    publication._invalidate = lambda *args: (notified.append(1), original(*args))
    armed = []

    def read_while_committing(conn):
        # SQLAlchemy announces a commit before the database has made it: the app's listener has just
        # emptied the cache, and another request reads the version now, still the old one.
        if armed:
            armed.clear()
            await_(publication.current())

    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            seen = await get(http, MEETINGS)
            assert seen.json() == {"data": {"committee": {"meetings": []}}}

            # When a meeting is committed while that read happens
            armed.append(True)
            event.listen(engine.sync_engine, "commit", read_while_committing)
            try:
                async with new_session(engine) as session:
                    await schedule_meeting(
                        session,
                        Principal(Role.SECRETARIAT, name="JCMA"),
                        committee_code="VN",
                        held_on=date(2026, 12, 15),
                    )
            finally:
                event.remove(engine.sync_engine, "commit", read_while_committing)
            assert armed == []
            for _ in range(500):  # PostgreSQL: until the write's NOTIFY arrived (bounded); SQLite has none
                if engine.dialect.name != "postgresql" or notified:
                    break
                await asyncio.sleep(0.01)

            # Then the old tag is stale
            after = await get(http, MEETINGS, etag=seen.headers["etag"])
    finally:
        del publication._invalidate
        await close_listeners(app)
    assert after.status_code == 200, "the version read before the COMMIT was kept after it: stale 304"
    assert after.json() == {"data": {"committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}]}}}


async def test_a_write_by_another_worker_makes_old_etags_stale(client, database, engine):
    # Given a tagged answer from this worker
    seen = await get(client, MEETINGS)
    assert seen.json() == {"data": {"committee": {"meetings": []}}}
    assert (await get(client, MEETINGS, etag=seen.headers["etag"])).status_code == 304

    # When another worker (`jcm serve --workers 2`: its own engine on the same database) schedules a meeting
    other_worker = database.engine()
    try:
        async with new_session(other_worker) as session:
            await schedule_meeting(
                session, Principal(Role.SECRETARIAT, name="JCMA"), committee_code="VN", held_on=date(2026, 12, 15)
            )
    finally:
        await other_worker.dispose()

    # Then this worker stops confirming the old tag (on PostgreSQL once its NOTIFY has arrived: wait for it, bounded)
    for _ in range(300):
        after = await get(client, MEETINGS, etag=seen.headers["etag"])
        if after.status_code != 304:
            break
        await asyncio.sleep(0.01)
    assert after.status_code == 200, "this worker keeps answering 304 for a list that changed"
    assert after.json() == {"data": {"committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}]}}}


# --- tokens ------------------------------------------------------------------------------------


async def test_answers_to_a_bearer_token_are_private_and_never_revalidated(client, tokens):
    # Given an anonymous tag for the same query
    secret = await tokens.secretariat()
    public = await get(client, VIEWER)
    assert public.json() == {"data": {"viewer": {"role": "PUBLIC", "name": None}}}
    etag = public.headers["etag"]

    # When the secretariat asks by GET, even with that tag
    private = await get(client, VIEWER, etag=etag, token=secret)

    # Then it gets its own answer, private, without a tag
    assert private.status_code == 200
    assert private.json() == {"data": {"viewer": {"role": "SECRETARIAT", "name": "JCMA Secretariat"}}}
    assert private.headers["cache-control"] == PRIVATE_CACHE
    assert "etag" not in private.headers

    # and asking again the same way is still a full answer
    again = await get(client, VIEWER, etag=etag, token=secret)
    assert (again.status_code, again.headers["cache-control"], "etag" in again.headers) == (200, PRIVATE_CACHE, False)


# --- mutations by GET --------------------------------------------------------------------------


WRITTEN = ("meeting", "audit_event", "proposal", "decision")


async def test_a_mutation_sent_by_get_is_refused_with_405_and_writes_nothing(client, engine, gql, tokens):
    # Given
    secret = await tokens.secretariat()
    before = await snapshot(engine, *WRITTEN)
    variables = json.dumps({"input": {"committeeCode": "VN", "heldOn": "2026-12-15", "venue": "Online"}})

    for token in (None, secret):
        # When a mutation is sent by GET, anonymously or with a token allowed to make it
        response = await get(client, SCHEDULE, variables, token=token)

        # Then
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert "etag" not in response.headers
        assert response.json() == {
            "errors": [
                {"message": "Mutations are sent with POST, not GET.", "extensions": {"code": "METHOD_NOT_ALLOWED"}}
            ]
        }
    assert await snapshot(engine, *WRITTEN) == before

    # and the same mutation by POST works
    posted = await gql(SCHEDULE, json.loads(variables), token=secret)
    assert posted == {"scheduleMeeting": {"meeting": {"number": 1, "heldOn": "2026-12-15"}, "userErrors": []}}


async def test_the_operation_chosen_by_name_decides_whether_get_is_allowed(client, engine):
    # Given a document with a query and a mutation
    before = await snapshot(engine, *WRITTEN)

    # When the mutation is chosen, or a subscription is sent
    chosen_mutation = await get(client, TWO_OPERATIONS, operation_name="Meet")
    subscription = await get(client, SUBSCRIPTION)

    # Then both are refused
    assert (chosen_mutation.status_code, chosen_mutation.headers["allow"]) == (405, "POST")
    assert chosen_mutation.json()["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    assert (subscription.status_code, subscription.headers["allow"]) == (405, "POST")
    assert await snapshot(engine, *WRITTEN) == before

    # and choosing the query runs it
    query = await get(client, TWO_OPERATIONS, operation_name="Who")
    assert query.status_code == 200
    assert query.json() == {"data": {"viewer": {"role": "PUBLIC"}}}
    assert ETAG.match(query.headers["etag"])


# --- CORS --------------------------------------------------------------------------------------


def _names(header: str) -> set[str]:
    return {name.strip().lower() for name in header.split(",")}


async def test_by_default_no_origin_is_allowed(client):
    # When a browser on another origin reads
    response = await client.get("/graphql", params={"query": VIEWER}, headers={"Origin": FRONTEND})
    preflight = await client.options("/graphql", headers={"Origin": FRONTEND, "Access-Control-Request-Method": "GET"})

    # Then the answer does not let the browser hand it over
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in preflight.headers


async def test_an_allowlisted_origin_may_read_with_tokens_and_etags(database, engine):
    # Given an app that allows one frontend
    settings = Settings(database_url=database.url, database_schema=database.schema, cors_origins=[FRONTEND])
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            # When that frontend sends a preflight for a GET with a token and a tag
            preflight = await http.options(
                "/graphql",
                headers={
                    "Origin": FRONTEND,
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "authorization, if-none-match",
                },
            )
            # and then the GET itself
            response = await http.get("/graphql", params={"query": VIEWER}, headers={"Origin": FRONTEND})
            # and another origin tries the same
            stranger_preflight = await http.options(
                "/graphql",
                headers={
                    "Origin": "https://elsewhere.example",
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "authorization",
                },
            )
            stranger = await http.get(
                "/graphql", params={"query": VIEWER}, headers={"Origin": "https://elsewhere.example"}
            )
    finally:
        await close_listeners(app)

    # Then the frontend is allowed, with its headers, and may read the ETag
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == FRONTEND
    assert {"authorization", "if-none-match"} <= _names(preflight.headers["access-control-allow-headers"])
    assert {"get", "post"} <= _names(preflight.headers["access-control-allow-methods"])
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert "etag" in _names(response.headers["access-control-expose-headers"])
    assert ETAG.match(response.headers["etag"])

    # and the other origin is not
    assert stranger_preflight.status_code == 400
    assert "access-control-allow-origin" not in stranger_preflight.headers
    assert stranger.status_code == 200
    assert "access-control-allow-origin" not in stranger.headers
