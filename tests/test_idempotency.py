"""`Idempotency-Key` on mutations: a retry replays the first answer instead of writing twice.

Stripe's semantics: the same key and request replay (marked `Idempotent-Replayed: true`), the same
key with another request is refused and writes nothing, keys are scoped to the token (or the client
address for the public) and kept 24 hours; of concurrent requests with one key exactly one runs.
"""

import asyncio
import json
from datetime import timedelta

import httpx
import pytest

from api.app import close_listeners, create_app
from api.asgi import graphql_request
from api.idempotency import fingerprint
from models.db import new_session
from models.idempotency import ABANDONED_AFTER
from resolvers import idempotency, proposals
from tests.support.db import snapshot
from tests.support.documents import COMMENT, CREATE, SCHEDULE, WORKFLOW_TABLES

PROPOSE_METHODOLOGY = """
mutation ($input: ProposeMethodologyInput!) {
  proposeMethodology(input: $input) { methodology { proposedReference } proposal { id } userErrors { code message field } }
}
"""
PROPOSAL_INPUT = {"committeeCode": "VN", "kind": "OTHER", "title": "Interim special measures", "summary": "Why."}
METHODOLOGY_INPUT = {
    "committeeCode": "VN",
    "title": "High-efficiency chillers",
    "summary": "Replaces old chillers.",
    "sectoralScopes": [3],
    "proponent": "Example Engineering Co.",
}
TABLES = (*WORKFLOW_TABLES, "meeting", "methodology", "idempotency_key")


async def post(http, document, input, token=None, key=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    return await http.post("/graphql", json={"query": document, "variables": {"input": input}}, headers=headers)


def replayed(response) -> bool:
    return response.headers.get("idempotent-replayed") == "true"


async def count(engine, table):
    return len((await snapshot(engine, table))[table])


async def test_a_retried_create_proposal_gets_the_first_answer_and_makes_one_proposal(client, tokens, engine):
    # Given a first createProposal sent with a key
    secretariat = await tokens.secretariat()
    first = await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="create-1")
    assert first.status_code == 200 and first.json()["data"]["createProposal"]["userErrors"] == []
    assert not replayed(first)

    # When the client retries it (its connection timed out) with the same key and request
    retry = await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="create-1")

    # Then it gets the first answer again, marked as replayed, and there is still one proposal
    assert retry.status_code == 200 and replayed(retry)
    assert retry.content == first.content
    assert retry.headers["content-type"] == first.headers["content-type"]
    assert await count(engine, "proposal") == 1


async def test_a_retried_public_comment_is_kept_once(flow, client, engine):
    # Given a proposal open for public input and a comment sent anonymously with a key
    proposal = await flow.in_status("PUBLIC_INPUT")
    comment = {"proposalId": proposal["id"], "author": "A. Reader", "body": "Please publish the annex."}
    first = await post(client, COMMENT, comment, key="comment-1")
    assert first.json()["data"]["submitPublicComment"]["userErrors"] == []

    # When it is sent again with the same key
    retry = await post(client, COMMENT, comment, key="comment-1")

    # Then the comment is there once
    assert replayed(retry) and retry.content == first.content
    assert await count(engine, "public_comment") == 1


async def test_a_retried_propose_methodology_burns_no_reference(client, tokens):
    # Given a methodology proposed with a key, and retried
    secretariat = await tokens.secretariat()
    first = await post(client, PROPOSE_METHODOLOGY, METHODOLOGY_INPUT, secretariat, key="pm-1")
    retry = await post(client, PROPOSE_METHODOLOGY, METHODOLOGY_INPUT, secretariat, key="pm-1")
    assert first.json()["data"]["proposeMethodology"]["methodology"]["proposedReference"] == "VN_PM001"
    assert replayed(retry) and retry.content == first.content

    # When the next methodology is proposed
    following = await post(
        client, PROPOSE_METHODOLOGY, METHODOLOGY_INPUT | {"title": "Solar PV"}, secretariat, key="pm-2"
    )

    # Then it gets VN_PM002: the retry consumed no number
    assert following.json()["data"]["proposeMethodology"]["methodology"]["proposedReference"] == "VN_PM002"


async def test_a_retried_schedule_meeting_schedules_one_meeting(client, tokens, engine):
    secretariat = await tokens.secretariat()
    meeting = {"committeeCode": "VN", "heldOn": "2026-12-15", "venue": "Hanoi"}
    first = await post(client, SCHEDULE, meeting, secretariat, key="meeting-1")
    retry = await post(client, SCHEDULE, meeting, secretariat, key="meeting-1")

    assert first.json()["data"]["scheduleMeeting"]["meeting"]["number"] == 1
    assert replayed(retry) and retry.content == first.content
    assert await count(engine, "meeting") == 1


async def test_the_same_key_with_another_request_is_refused_and_writes_nothing(client, tokens, engine):
    # Given a key used for one proposal
    secretariat = await tokens.secretariat()
    await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="reused")
    before = await snapshot(engine, *TABLES)

    # When it is sent with a different request
    response = await post(client, CREATE, PROPOSAL_INPUT | {"title": "Another"}, secretariat, key="reused")

    # Then it is refused, naming the header, and nothing was written
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "IDEMPOTENCY_KEY_REUSED", "field": "Idempotency-Key"}
    assert "different request" in error["message"]
    assert await snapshot(engine, *TABLES) == before


async def test_the_same_request_in_another_spelling_is_the_same_request(client, tokens, engine):
    # Given a request sent with a key
    secretariat = await tokens.secretariat()
    headers = {
        "Authorization": f"Bearer {secretariat}",
        "Idempotency-Key": "spelling",
        "Content-Type": "application/json",
    }
    body = '{"query": "%s", "variables": {"input": {"committeeCode": "VN", "kind": "OTHER", "title": "T", "summary": "S"}}}'
    query = "mutation ($input: CreateProposalInput!) { createProposal(input: $input) { proposal { id } } }"
    first = await client.post("/graphql", content=body % query, headers=headers)

    # When it is retried with its JSON keys in another order and other spacing
    reordered = '{"variables":{"input":{"summary":"S","title":"T","kind":"OTHER","committeeCode":"VN"}},"query":"%s"}'
    retry = await client.post("/graphql", content=reordered % query, headers=headers)

    # Then it is the same request
    assert replayed(retry) and retry.content == first.content
    assert await count(engine, "proposal") == 1


async def test_keys_are_scoped_to_the_token(client, tokens, engine):
    # Given two clients of the secretariat that happen to choose the same key
    one, other = await tokens.secretariat(), await tokens.secretariat()

    # When each sends a proposal with it
    first = await post(client, CREATE, PROPOSAL_INPUT, one, key="same-key")
    second = await post(client, CREATE, PROPOSAL_INPUT, other, key="same-key")

    # Then each got its own proposal
    assert not replayed(first) and not replayed(second)
    assert (
        first.json()["data"]["createProposal"]["proposal"]["id"]
        != second.json()["data"]["createProposal"]["proposal"]["id"]
    )
    assert await count(engine, "proposal") == 2


async def test_public_keys_are_scoped_to_the_client_address(flow, settings, engine):
    # Given a proposal in public input and two members of the public at different addresses
    proposal = await flow.in_status("PUBLIC_INPUT")
    comment = {"proposalId": proposal["id"], "author": "A. Reader", "body": "Please publish the annex."}
    app = create_app(settings, engine=engine)

    def at(address):
        transport = httpx.ASGITransport(app=app, client=(address, 50000))
        return httpx.AsyncClient(transport=transport, base_url="http://test")

    async with at("203.0.113.7") as here, at("198.51.100.9") as there:
        # When both send a comment with the same key, and the first retries it
        first = await post(here, COMMENT, comment, key="my-comment")
        other = await post(there, COMMENT, comment, key="my-comment")
        retry = await post(here, COMMENT, comment, key="my-comment")
    await close_listeners(app)

    # Then each address got its own comment, and the retry was a replay
    assert not replayed(first) and not replayed(other) and replayed(retry)
    assert await count(engine, "public_comment") == 2


async def test_a_key_is_free_again_after_24_hours(client, tokens, engine, frozen_clock):
    # Given a key used a day ago
    secretariat = await tokens.secretariat()
    await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="daily")
    frozen_clock.set(frozen_clock.at + timedelta(hours=24))

    # When it is sent again, once with the same request and once with another
    again = await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="daily")
    other = await post(client, CREATE, PROPOSAL_INPUT | {"title": "Other"}, secretariat, key="other-key")

    # Then the request ran again: the old answer was no longer kept
    assert again.status_code == 200 and not replayed(again)
    assert other.status_code == 200
    assert await count(engine, "proposal") == 3
    # and the expired row was cleaned up on the way: only the two fresh keys remain
    assert sorted(row[1] for row in (await snapshot(engine, "idempotency_key"))["idempotency_key"]) == [
        "daily",
        "other-key",
    ]


async def test_without_the_header_every_request_runs(client, tokens, engine):
    secretariat = await tokens.secretariat()
    first = await post(client, CREATE, PROPOSAL_INPUT, secretariat)
    second = await post(client, CREATE, PROPOSAL_INPUT, secretariat)

    assert "idempotent-replayed" not in first.headers and "idempotent-replayed" not in second.headers
    assert await count(engine, "proposal") == 2
    assert await count(engine, "idempotency_key") == 0


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "caf\xe9"])
async def test_a_malformed_key_is_refused_naming_the_header(client, tokens, engine, key):
    secretariat = await tokens.secretariat()
    before = await snapshot(engine, *TABLES)
    headers = {"Authorization": f"Bearer {secretariat}", "Idempotency-Key": key.encode("latin-1")}
    response = await client.post(
        "/graphql", json={"query": CREATE, "variables": {"input": PROPOSAL_INPUT}}, headers=headers
    )

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INVALID_IDEMPOTENCY_KEY", "field": "Idempotency-Key"}
    assert "Idempotency-Key" in error["message"]
    assert await snapshot(engine, *TABLES) == before


async def test_a_query_with_a_key_simply_runs_and_leaves_the_key_unused(client, tokens, engine):
    # Given a query sent with a key
    secretariat = await tokens.secretariat()
    read = await client.post(
        "/graphql",
        json={"query": "{ committees { code } }"},
        headers={"Authorization": f"Bearer {secretariat}", "Idempotency-Key": "k"},
    )
    assert read.status_code == 200 and not replayed(read)

    # When a mutation uses the same key
    write = await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="k")

    # Then it runs: the query kept nothing under the key
    assert write.status_code == 200 and not replayed(write)
    assert await count(engine, "proposal") == 1


async def test_an_answer_with_user_errors_is_final_and_replayed(client, tokens, engine):
    # Given a proposal refused with a user error (a partner acting in another committee)
    partner = await tokens.partner("ID")
    first = await post(client, CREATE, PROPOSAL_INPUT, partner, key="refused")
    assert first.json()["data"]["createProposal"]["userErrors"][0]["code"] == "FORBIDDEN"

    # When it is retried, the same refusal is replayed
    retry = await post(client, CREATE, PROPOSAL_INPUT, partner, key="refused")
    assert replayed(retry) and retry.content == first.content


async def test_an_internal_error_releases_the_key_so_that_a_retry_runs(client, tokens, engine, monkeypatch):
    # Given a createProposal that fails unexpectedly once
    secretariat = await tokens.secretariat()
    real = proposals.create_proposal
    calls = []

    async def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return await real(*args, **kwargs)

    monkeypatch.setattr(proposals, "create_proposal", failing_once)
    failed = await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="flaky")
    assert failed.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"

    # When the client retries with the same key
    retry = await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="flaky")

    # Then the request ran again and made the proposal
    assert not replayed(retry) and retry.json()["data"]["createProposal"]["userErrors"] == []
    assert await count(engine, "proposal") == 1


async def test_a_request_still_running_with_the_key_is_a_conflict(client, tokens, engine, frozen_clock):
    # Given the same request claimed and still running (claimed here, as the middleware does)
    secretariat = await tokens.secretariat()
    [token_id] = [row[0] for row in (await snapshot(engine, "api_token"))["api_token"]]
    body = {"query": CREATE, "variables": {"input": PROPOSAL_INPUT}}
    async with new_session(engine) as session:
        claim = await idempotency.claim(
            session, f"token:{token_id}", "busy", fingerprint(b"", graphql_request(_json(body)))
        )
    assert claim.outcome is idempotency.ClaimOutcome.CLAIMED
    before = await snapshot(engine, *TABLES)

    # When a retry arrives meanwhile
    busy = await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="busy")

    # Then it is told to retry shortly, and nothing ran
    assert busy.status_code == 409 and busy.headers["retry-after"] == "1"
    assert busy.json()["errors"][0]["extensions"] == {"code": "IDEMPOTENCY_KEY_IN_USE", "field": "Idempotency-Key"}
    assert await snapshot(engine, *TABLES) == before

    # and once the claim is abandoned (its process died), the key may be claimed again
    frozen_clock.set(frozen_clock.at + ABANDONED_AFTER)
    taken_over = await post(client, CREATE, PROPOSAL_INPUT, secretariat, key="busy")
    assert taken_over.status_code == 200 and not replayed(taken_over)
    assert await count(engine, "proposal") == 1


def _json(body: dict) -> bytes:
    return json.dumps(body).encode()


async def test_concurrent_requests_with_one_key_make_exactly_one_proposal(client, tokens, engine):
    # Given five copies of one request with one key, sent at once
    secretariat = await tokens.secretariat()
    responses = await asyncio.gather(*(post(client, CREATE, PROPOSAL_INPUT, secretariat, key="race") for _ in range(5)))

    # Then exactly one ran; every other was a replay of its answer or told the key was in use
    ran = [r for r in responses if r.status_code == 200 and not replayed(r)]
    assert len(ran) == 1
    for response in responses:
        if replayed(response):
            assert response.content == ran[0].content
        elif response is not ran[0]:
            assert response.status_code == 409
            assert response.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert await count(engine, "proposal") == 1


async def test_concurrent_claims_of_one_key_leave_exactly_one_claimant(engine):
    # Given ten sessions claiming one key at the same instant (on PostgreSQL, inserts that race)
    async def claim():
        async with new_session(engine) as session:
            return (await idempotency.claim(session, "addr:203.0.113.7", "k", "f" * 64)).outcome

    outcomes = await asyncio.gather(*(claim() for _ in range(10)))

    # Then one holds it and every other is told it is in progress
    assert sorted(o.value for o in outcomes) == ["claimed"] + ["in progress"] * 9


async def test_browsers_may_send_the_key_and_read_the_replay_mark(settings, engine):
    app = create_app(settings.model_copy(update={"cors_origins": ["https://frontend.example"]}), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        preflight = await client.options(
            "/graphql",
            headers={
                "Origin": "https://frontend.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, idempotency-key",
            },
        )
        answer = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://frontend.example"}
        )
    await close_listeners(app)

    assert preflight.status_code == 200
    exposed = {h.strip().lower() for h in answer.headers["access-control-expose-headers"].split(",")}
    assert {"idempotent-replayed", "retry-after"} <= exposed


async def test_a_chunked_body_over_the_limit_with_a_key_is_413_and_claims_nothing(settings, engine, tokens):
    # Given a body sent in chunks, without Content-Length, past the body limit
    body = json.dumps({"query": CREATE, "variables": {"input": PROPOSAL_INPUT | {"summary": "x" * 600}}}).encode()

    async def chunks():
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    app = create_app(settings.model_copy(update={"max_body_bytes": 500}), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        # When it is sent anonymously (read by the rate limit) and with a key (read by idempotency)
        anonymous = await client.post("/graphql", content=chunks(), headers={"Idempotency-Key": "big"})
        # and with a token (read by idempotency only)
        authorization = f"Bearer {await tokens.secretariat()}"
        signed = await client.post(
            "/graphql", content=chunks(), headers={"Idempotency-Key": "big", "Authorization": authorization}
        )
    await close_listeners(app)

    # Then both are refused as too large, and no key was claimed
    for response in (anonymous, signed):
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"] == {"code": "BODY_TOO_LARGE"}
    assert await count(engine, "idempotency_key") == 0
