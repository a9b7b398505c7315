"""Links the service hands out are built on its configured public address, never on the Host header
a client sends; GET answers say that they vary with the Authorization and Accept headers (and Origin
under CORS)."""

from xml.etree import ElementTree as ET

import httpx
import pydantic
import pytest

from api.app import close_listeners, create_app
from api.settings import Settings

ATOM = "{http://www.w3.org/2005/Atom}"
QUERY = {"query": "{ committees { code } }"}


async def feed_links(settings, engine, **headers) -> list[str]:
    app = create_app(settings, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/feeds/decisions.atom", params={"committee": "VN"}, headers=headers)
    await close_listeners(app)
    assert response.status_code == 200
    return [link.get("href") for link in ET.fromstring(response.content).iter(f"{ATOM}link")]


async def test_feed_links_use_the_configured_public_url_whatever_the_host_header(settings, engine):
    # Given a service configured with its public address
    configured = settings.model_copy(update={"public_url": "https://jcm.example.org/"})

    # When a client sends a Host header of its choosing
    links = await feed_links(configured, engine, Host="evil.example")

    # Then every link points at the configured address
    assert links == ["https://jcm.example.org/feeds/decisions.atom?committee=VN", "https://jcm.example.org/graphql"]


async def test_without_a_public_url_links_use_the_served_host_and_port(settings, engine):
    served = settings.model_copy(update={"host": "10.0.0.5", "port": 8080})
    assert await feed_links(served, engine, Host="evil.example") == [
        "http://10.0.0.5:8080/feeds/decisions.atom?committee=VN",
        "http://10.0.0.5:8080/graphql",
    ]


def test_the_public_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("JCM_PUBLIC_URL", "https://register.example.org")
    assert Settings().base_url == "https://register.example.org"


async def test_get_answers_vary_with_the_authorization_and_accept_headers(client, tokens):
    # Given a public GET answer, its 304 revalidation, and an answer to a token
    public = await client.get("/graphql", params=QUERY)
    revalidated = await client.get("/graphql", params=QUERY, headers={"If-None-Match": public.headers["etag"]})
    secretariat = await tokens.secretariat()
    private = await client.get("/graphql", params=QUERY, headers={"Authorization": f"Bearer {secretariat}"})

    # Then each says so: a shared cache must not give the public's answer to a token, or back, nor
    # an application/json answer to a client that asked for application/graphql-response+json
    assert (public.status_code, revalidated.status_code, private.status_code) == (200, 304, 200)
    assert public.headers["vary"] == revalidated.headers["vary"] == private.headers["vary"] == "Authorization, Accept"


async def test_under_cors_get_answers_vary_with_origin_too(settings, engine):
    app = create_app(settings.model_copy(update={"cors_origins": ["https://frontend.example"]}), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        browser = await client.get("/graphql", params=QUERY, headers={"Origin": "https://frontend.example"})
        plain = await client.get("/graphql", params=QUERY)
    await close_listeners(app)

    assert browser.headers["vary"] == plain.headers["vary"] == "Authorization, Accept, Origin"
    assert browser.headers["access-control-allow-origin"] == "https://frontend.example"


def test_a_public_url_that_is_no_address_stops_the_server_at_start():
    with pytest.raises(pydantic.ValidationError, match="JCM_PUBLIC_URL"):
        Settings(public_url="jcm.example.org")
