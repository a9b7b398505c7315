"""Rate limits: per token, per client address for the public, and far tighter for anonymous
public comments; refused with 429, `Retry-After` and a GraphQL-shaped RATE_LIMITED error."""

from contextlib import asynccontextmanager

import httpx
import pydantic
import pytest

from api.app import close_listeners, create_app
from api.settings import Settings
from tests.support.db import snapshot
from tests.support.documents import COMMENT

QUERY = {"query": "{ committees { code } }"}


@asynccontextmanager
async def app_with(settings, engine, **overrides):
    """The app under other limits, and a way to open clients at given addresses."""
    app = create_app(settings.model_copy(update=overrides), engine=engine)

    def at(address="203.0.113.7", **headers):
        transport = httpx.ASGITransport(app=app, client=(address, 50000))
        return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)

    try:
        yield at
    finally:
        await close_listeners(app)


def assert_limited(response, what):
    assert response.status_code == 429
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": retry_after}
    assert error["message"].startswith(f"Too many {what}")


async def test_a_token_over_its_limit_is_refused_until_the_window_moves(settings, engine, tokens):
    # Given a limit of 3 requests a minute and two tokens
    one, other = await tokens.secretariat(), await tokens.japan()
    async with app_with(settings, engine, rate_limit="3/minute") as at:
        async with at(Authorization=f"Bearer {one}") as first, at(Authorization=f"Bearer {other}") as second:
            # When the first token sends a fourth request within the minute
            answers = [await first.post("/graphql", json=QUERY) for _ in range(4)]

            # Then it is refused, naming the limit, while the other token still has its own budget
            assert [r.status_code for r in answers[:3]] == [200, 200, 200]
            assert_limited(answers[3], "requests")
            assert "at most 3 per minute per token" in answers[3].json()["errors"][0]["message"]
            assert (await second.post("/graphql", json=QUERY)).status_code == 200


async def test_the_public_is_limited_per_client_address(settings, engine):
    async with app_with(settings, engine, rate_limit="2/minute") as at:
        async with at("203.0.113.7") as here, at("198.51.100.9") as there:
            assert [(await here.get("/graphql", params=QUERY)).status_code for _ in range(2)] == [200, 200]
            limited = await here.get("/exports/decisions.csv")
            assert_limited(limited, "requests")
            assert "per client address" in limited.json()["errors"][0]["message"]
            assert (await there.get("/feeds/decisions.atom")).status_code == 200


async def test_health_checks_are_never_limited(settings, engine):
    async with app_with(settings, engine, rate_limit="1/minute") as at, at() as client:
        assert {(await client.get("/healthz")).status_code for _ in range(5)} == {200}


async def test_an_empty_limit_switches_it_off(settings, engine):
    async with app_with(settings, engine, rate_limit="") as at, at() as client:
        assert {(await client.post("/graphql", json=QUERY)).status_code for _ in range(30)} == {200}


async def open_proposal(flow):
    return (await flow.in_status("PUBLIC_INPUT"))["id"]


def comment(proposal_id, n=1):
    return {
        "query": COMMENT,
        "variables": {"input": {"proposalId": proposal_id, "author": f"Reader {n}", "body": "Annex?"}},
    }


async def test_anonymous_comments_have_their_own_tighter_limit(flow, settings, engine):
    # Given a proposal in public input and a limit of 2 comments a minute per address
    proposal_id = await open_proposal(flow)
    async with app_with(settings, engine, rate_limit_public_comments="2/minute;10/day") as at:
        async with at("203.0.113.7") as here, at("198.51.100.9") as there:
            sent = [await here.post("/graphql", json=comment(proposal_id, n)) for n in range(2)]
            assert [r.json()["data"]["submitPublicComment"]["userErrors"] for r in sent] == [[], []]
            before = await snapshot(engine, "public_comment", "audit_event")

            # When a third comment comes from the same address
            third = await here.post("/graphql", json=comment(proposal_id, 3))

            # Then it is refused and nothing was written; reading is unaffected, as is another address
            assert_limited(third, "public comments")
            assert "at most 2 per minute per client address" in third.json()["errors"][0]["message"]
            assert await snapshot(engine, "public_comment", "audit_event") == before
            assert (await here.post("/graphql", json=QUERY)).status_code == 200
            assert (await there.post("/graphql", json=comment(proposal_id, 4))).status_code == 200


async def test_comments_under_aliases_each_count(flow, settings, engine):
    # Given a limit of 2 comments and one document carrying three under aliases
    proposal_id = await open_proposal(flow)
    fields = " ".join(
        f'c{n}: submitPublicComment(input: {{proposalId: "{proposal_id}", author: "R{n}", body: "B"}}) {{ userErrors {{ code }} }}'
        for n in range(3)
    )
    async with app_with(settings, engine, rate_limit_public_comments="2/minute") as at, at() as client:
        before = await snapshot(engine, "public_comment")
        response = await client.post("/graphql", json={"query": f"mutation {{ {fields} }}"})

    assert_limited(response, "public comments")
    assert await snapshot(engine, "public_comment") == before


async def test_comments_with_a_token_count_only_as_requests(flow, tokens, settings, engine):
    proposal_id = await open_proposal(flow)
    secretariat = await tokens.secretariat()
    async with app_with(settings, engine, rate_limit_public_comments="1/minute") as at:
        async with at(Authorization=f"Bearer {secretariat}") as client:
            answers = [await client.post("/graphql", json=comment(proposal_id, n)) for n in range(2)]
    assert [r.status_code for r in answers] == [200, 200]


def test_a_malformed_limit_stops_the_server_at_start():
    with pytest.raises(pydantic.ValidationError, match="rate_limit"):
        Settings(rate_limit="600 a minute")


def test_the_defaults_are_generous_for_requests_and_tight_for_comments():
    settings = Settings()
    assert (settings.rate_limit, settings.rate_limit_public_comments) == ("600/minute", "5/minute;50/day")
    assert settings.rate_limit_storage == "memory://"
