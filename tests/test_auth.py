"""Who is asking: the viewer, bearer tokens that are refused outright, anonymous mutations, and
tokens kept only as hashes."""

import hashlib
from typing import Any

import pytest

from models.db import new_session
from models.enums import Role
from resolvers.tokens import create_token, revoke_token
from tests.support.db import snapshot
from tests.support.mutation_samples import (
    CHANGED_BY_MUTATIONS,
    MUTATION_SAMPLES,
    SCHEDULE_MEETING,
    Given,
    given_objects,
    mutation_field_names,
)

VIEWER = "query { viewer { role name country { code } } }"

INVALID_TOKEN_BODY = {
    "errors": [
        {
            "message": "The bearer token is not valid: it is unknown, malformed or revoked.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}


# --- viewer -------------------------------------------------------------------------------


async def test_viewer_without_token_is_the_public(gql):
    assert await gql(VIEWER) == {"viewer": {"role": "PUBLIC", "name": None, "country": None}}


async def test_viewer_with_a_partner_token_is_that_partner(gql, tokens):
    # Given
    secret = await tokens.issue(Role.PARTNER, "VN", name="MONRE Viet Nam")

    # When
    data = await gql(VIEWER, token=secret)

    # Then
    assert data == {"viewer": {"role": "PARTNER", "name": "MONRE Viet Nam", "country": {"code": "VN"}}}


async def test_viewer_with_japan_or_secretariat_token_has_no_country(gql, tokens):
    japan, secretariat = await tokens.japan(), await tokens.secretariat()

    assert await gql(VIEWER, token=japan) == {"viewer": {"role": "JAPAN", "name": "MOEJ", "country": None}}
    assert await gql(VIEWER, token=secretariat) == {
        "viewer": {"role": "SECRETARIAT", "name": "JCMA Secretariat", "country": None}
    }


# --- tokens that are refused ----------------------------------------------------------------


def assert_refused_as_invalid_token(response) -> None:
    assert response.status_code == 401, response.text
    assert response.json() == INVALID_TOKEN_BODY
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer jcm_" + "x" * 43,  # well formed, but never issued
        "Basic abc",
        "Basic {secret}",  # a valid secret, but not as a bearer token
        "Bearer",
        "Bearer ",
    ],
    ids=["unknown-token", "basic-scheme", "valid-secret-in-basic-scheme", "bearer-without-token", "bearer-and-blank"],
)
async def test_a_bad_authorization_header_gets_401_and_never_data(client, tokens, authorization):
    # Given a valid token exists, so the refusal is not about an empty token table
    secret = await tokens.partner("VN")

    # When
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": authorization.format(secret=secret)}
    )

    # Then
    assert_refused_as_invalid_token(response)


async def test_a_revoked_token_gets_401(engine, gql):
    # Given a token that works
    async with new_session(engine) as session:
        issued = await create_token(session, role=Role.PARTNER, country_code="VN", name="MONRE Viet Nam")
    token, secret = issued.token, issued.secret
    assert (await gql(VIEWER, token=secret))["viewer"]["role"] == "PARTNER"

    # When it is revoked
    async with new_session(engine) as session:
        await revoke_token(session, token.id)

    # Then
    assert_refused_as_invalid_token(await gql.raw(VIEWER, token=secret))
    assert_refused_as_invalid_token(
        await gql.raw(SCHEDULE_MEETING, {"input": MUTATION_SAMPLES["scheduleMeeting"][1]}, token=secret)
    )


# --- anonymous mutations ----------------------------------------------------------------------


def test_every_mutation_has_a_sample_document():
    assert set(MUTATION_SAMPLES) == mutation_field_names()


async def test_every_mutation_needs_a_token_and_writes_nothing_without_one(
    flow, tpe_flow, gql, engine, tokens, frozen_clock, projects
):
    # Given the objects the samples act on
    made = await given_objects(flow, tpe_flow, gql, tokens, frozen_clock, projects)

    def sample(name: str) -> tuple[str, dict[str, Any]]:
        document, input_, _ = MUTATION_SAMPLES[name]
        return document, {"input": {k: made[v] if isinstance(v, Given) else v for k, v in input_.items()}}

    guarded = [name for name, (_, _, who) in MUTATION_SAMPLES.items() if who != "public"]
    assert set(MUTATION_SAMPLES) == mutation_field_names()
    before = await snapshot(engine, *CHANGED_BY_MUTATIONS)

    for name in guarded:
        # When
        data = await gql(*sample(name))

        # Then
        payload = data[name]
        assert payload["userErrors"] == [
            {"code": "UNAUTHENTICATED", "message": "Sign in with a bearer token to do this.", "field": None}
        ], name
        assert [value for key, value in payload.items() if key != "userErrors"] in ([None], [None, None]), name
    assert await snapshot(engine, *CHANGED_BY_MUTATIONS) == before

    # And the very same documents succeed with a token: only the missing token stopped them.
    tokens_by_role = {"secretariat": await tokens.secretariat(), "japan": await tokens.japan(), "public": None}
    for name, (_, _, who) in MUTATION_SAMPLES.items():
        assert (await gql(*sample(name), token=tokens_by_role[who]))[name]["userErrors"] == [], name
    assert await snapshot(engine, *CHANGED_BY_MUTATIONS) != before


# --- storage ----------------------------------------------------------------------------------


async def test_tokens_are_stored_only_as_their_sha256(engine):
    # When
    async with new_session(engine) as session:
        issued = await create_token(session, role=Role.PARTNER, country_code="VN", name="MONRE Viet Nam")
    token, secret = issued.token, issued.secret

    # Then
    rows = (await snapshot(engine, "api_token"))["api_token"]
    assert len(rows) == 1
    assert secret.startswith("jcm_")
    assert not any(secret in str(value) for value in rows[0])
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.token_hash in rows[0]
