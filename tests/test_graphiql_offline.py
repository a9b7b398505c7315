"""GraphiQL works with no route to the internet: the page and its seven files come from the service
(api/graphiql.py, vendored by api/graphiql_assets.py), checked by integrity, and none of it is served
with GraphiQL switched off. One test drives a real headless Chromium that can reach nothing but
the loopback address (tests/support/browser.py)."""

import asyncio
import io
import json
import re
import tarfile
from pathlib import Path

import httpx
import pytest
import strawberry.http.base

from api import graphiql_assets
from api.graphiql import ASSETS_PATH, IMMUTABLE
from api.graphiql_assets import MANIFEST, page_assets, problems, refresh, sri, strawberry_page
from api.ids import to_global_id
from api.settings import Settings
from tests.support.browser import loopback_only, offline_browser
from tests.support.http import app_with, http

FILES = json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]
ASSET_URLS = [f"{ASSETS_PATH}/{entry['file']}" for entry in FILES]
SVG_NAMESPACE = "http://www.w3.org/2000/svg"  # the favicon's XML namespace: a name, never fetched
CONSENT = "mutation ($id: ID!) { giveConsent(input: {id: $id}) { decision { reference } userErrors { code } } }"


@pytest.fixture
def settings(database) -> Settings:
    """With CORS on, as ministries deploying a separate frontend have it: the page, same-origin, must not care."""
    return Settings(
        database_url=database.url, database_schema=database.schema, cors_origins=["https://jcm.example.org"]
    )


async def page(client: httpx.AsyncClient, path: str = "/graphql") -> str:
    response = await client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.text


# --- the page and its files over HTTP -------------------------------------------------------------


async def test_the_page_loads_its_seven_files_from_the_service_with_their_integrity(client):
    # When a browser asks for /graphql
    html = await page(client)

    # Then every script and stylesheet is one of the vendored files, with the manifest's integrity
    loaded = re.findall(r'(?:src|href)="(/[^"]*)"\s+integrity="([^"]+)"', html)
    assert sorted(loaded) == sorted((url, entry["integrity"]) for url, entry in zip(ASSET_URLS, FILES, strict=True))
    assert len(loaded) == 7
    # And no address outside the service is left in the page
    assert [url for url in re.findall(r"(?:https?|wss?)://[^\s\"'<>%]+", html) if url != SVG_NAMESPACE] == []
    assert "unpkg" not in html


async def test_the_page_forbids_itself_anything_from_elsewhere(client):
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    policy = dict(rule.split(" ", 1) for rule in response.headers["content-security-policy"].split("; "))
    assert policy["default-src"] == policy["connect-src"] == "'self'"
    assert re.fullmatch(r"'self' 'sha256-[A-Za-z0-9+/=]+'", policy["script-src"])  # the page's one inline script


async def test_a_file_not_vendored_after_a_strawberry_upgrade_is_left_to_the_cdn_with_a_warning(
    client, monkeypatch, caplog
):
    # Given a strawberry whose page asks for a js-cookie version that was never vendored
    newer = strawberry_page().replace("js-cookie@3.0.5", "js-cookie@3.0.6")
    monkeypatch.setattr(strawberry.http.base, "get_graphql_ide_html", lambda graphql_ide: newer)

    # When a browser asks for the page
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    # Then that one file comes from the CDN, which the policy allows, and the log says what to run
    assert re.findall(r'src="(https://[^"]*)"', response.text) == [
        "https://unpkg.com/js-cookie@3.0.6/dist/js.cookie.min.js"
    ]
    assert "script-src 'self' https://unpkg.com " in response.headers["content-security-policy"]
    assert "python -m api.graphiql_assets refresh" in caplog.text


@pytest.mark.parametrize("url", ASSET_URLS, ids=[entry["file"] for entry in FILES])
async def test_each_file_is_served_as_the_manifest_says_for_a_year(client, url):
    entry = FILES[ASSET_URLS.index(url)]

    response = await client.get(url)

    assert response.status_code == 200
    assert sri(response.content) == entry["integrity"]
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["content-type"].startswith("text/css" if url.endswith(".css") else "text/javascript")


@pytest.mark.parametrize(
    "path", ["manifest.json", "react@18.2.0/LICENSE", "../graphiql.py", "react@18.2.0/umd/nothing.js", ""]
)
async def test_nothing_but_the_manifests_files_is_served(client, path):
    response = await client.get(f"{ASSETS_PATH}/{path}")

    assert response.status_code == 404


async def test_behind_a_proxy_prefix_the_page_asks_for_its_files_under_it(settings, engine):
    # Given the service mounted under /jcm by a proxy (ASGI root_path, as `uvicorn --root-path /jcm`)
    async with http(app_with(settings, engine), root_path="/jcm") as client:
        # When a browser opens /jcm/graphql and follows the page's first script
        html = await page(client, "/jcm/graphql")
        scripts = re.findall(r'src="([^"]*)"', html)
        first = await client.get(scripts[0])

    # Then the files are asked for, and found, under the prefix
    assert scripts[0] == f"/jcm{ASSET_URLS[0]}"
    assert sri(first.content) == FILES[0]["integrity"]


async def test_with_graphiql_off_neither_the_page_nor_its_files_are_served(settings, engine):
    async with http(app_with(settings, engine, graphiql=False)) as client:
        html = await client.get("/graphql", headers={"Accept": "text/html"})
        files = [await client.get(url) for url in ASSET_URLS]

    assert html.status_code == 404
    assert [response.status_code for response in files] == [404] * len(ASSET_URLS)


# --- the vendored files and the refresh script ---------------------------------------------------


def test_the_vendored_files_are_what_the_installed_strawberry_page_asks_for():
    # A failure here after upgrading strawberry: run `python -m api.graphiql_assets refresh`.
    assert problems() == []
    assert sorted(entry["replaces"] for entry in FILES) == sorted(asset.url for asset in page_assets(strawberry_page()))


PAGE = """<script src="https://unpkg.com/lib@1.0.0/dist/lib.js" integrity="{integrity}"></script>
<link rel="stylesheet" href="https://unpkg.com/@scope/ui@2.1.0/style.css">"""


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class FakeRegistry:
    """The npm registry's version documents and tarballs, from memory."""

    def __init__(self, tarballs: dict[str, bytes], integrity: dict[str, str] | None = None):
        self.tarballs, self.integrity = tarballs, integrity or {}

    def __call__(self, url: str) -> bytes:
        for spec, data in self.tarballs.items():
            package, version = spec.rsplit("@", 1)
            quoted = package.replace("/", "%2F")
            if url == f"{graphiql_assets.REGISTRY}/{quoted}/{version}":
                dist = {"tarball": f"tarball:{spec}", "integrity": self.integrity.get(spec, sri(data, "sha512"))}
                return json.dumps({"dist": dist, "license": "MIT"}).encode()
            if url == f"tarball:{spec}":
                return data
        raise AssertionError(f"unexpected download {url}")


def registry(monkeypatch: pytest.MonkeyPatch, lib: bytes, **integrity: str) -> None:
    tarballs = {
        "lib@1.0.0": tarball({"dist/lib.js": lib, "LICENSE": b"MIT"}),
        "@scope/ui@2.1.0": tarball({"style.css": b"a{}"}),
    }
    monkeypatch.setattr(graphiql_assets, "_get", FakeRegistry(tarballs, integrity))


def test_refresh_vendors_what_the_page_asks_for_with_its_integrity(tmp_path: Path, monkeypatch):
    # Given a page asking for two packages' files, one with an integrity attribute
    registry(monkeypatch, b"lib()")
    html = PAGE.format(integrity=sri(b"lib()"))

    # When the assets are refreshed from the registry
    manifest = refresh(html, root=tmp_path)

    # Then each file sits under <package>@<version>/<path>, listed with its URL and integrity
    assert [(entry["file"], entry["replaces"], entry["integrity"]) for entry in manifest["files"]] == [
        ("lib@1.0.0/dist/lib.js", "https://unpkg.com/lib@1.0.0/dist/lib.js", sri(b"lib()")),
        ("@scope/ui@2.1.0/style.css", "https://unpkg.com/@scope/ui@2.1.0/style.css", sri(b"a{}")),
    ]
    assert (tmp_path / "lib@1.0.0/dist/lib.js").read_bytes() == b"lib()"
    assert (tmp_path / "lib@1.0.0/LICENSE").read_bytes() == b"MIT"
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
    assert problems(html, root=tmp_path) == []


@pytest.mark.parametrize(
    "integrity, expected",
    [
        ({"lib@1.0.0": "sha512-AAAA"}, "does not match the registry's integrity"),
        ({}, "the page expects"),
    ],
    ids=["tarball-not-as-published", "file-not-as-the-page-expects"],
)
def test_refresh_refuses_a_download_that_fails_a_check_and_changes_nothing(tmp_path, monkeypatch, integrity, expected):
    # Given vendored files from an earlier refresh
    registry(monkeypatch, b"lib()")
    html = PAGE.format(integrity=sri(b"lib()"))
    refresh(html, root=tmp_path)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}

    # When the registry's tarball or its file is not what the registry or the page says
    registry(monkeypatch, b"tampered()", **integrity)
    with pytest.raises(ValueError, match=expected):
        refresh(html, root=tmp_path)

    # Then the earlier files and manifest stay as they were
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before


def test_refresh_names_a_file_the_tarball_lacks_and_writes_nothing(tmp_path, monkeypatch):
    registry(monkeypatch, b"lib()")
    html = PAGE.format(integrity=sri(b"lib()")).replace("dist/lib.js", "dist/gone.js")

    with pytest.raises(ValueError, match=r"package/dist/gone\.js is not a file in the tarball"):
        refresh(html, root=tmp_path)

    assert list(tmp_path.iterdir()) == []


# --- in a real browser, offline --------------------------------------------------------------------


EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
PARSED = f"query => {EDITOR}.getValue() === query && {EDITOR}.documentAST?.loc?.source.body === query"


async def run(page, query: str) -> None:
    """Enters `query` over the editor's content and presses GraphiQL's run button."""
    await page.click(".graphiql-query-editor .CodeMirror")
    await page.keyboard.press("Control+A")
    # One input event, as a paste or an input method sends: typed key by key, the page's controlled
    # editor (its query kept in React state and the URL) can set back a stale value mid-word.
    await page.keyboard.insert_text(query)
    # GraphiQL picks HTTP or the WebSocket by the document it parses from the editor a moment
    # after each change (debounced): run only once that document is the one typed.
    await page.wait_for_function(PARSED, arg=query)
    await page.click('button[aria-label="Execute query (Ctrl-Enter)"]')


def subscription_sent(page) -> "asyncio.Future[str]":
    """Resolves to the URL of the first WebSocket on which the page sends a `subscribe` message.
    (Its frames are watched from the moment it opens: GraphiQL subscribes right after the ack.)"""
    sent: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def opened(socket) -> None:
        def frame(payload: str | bytes) -> None:
            if '"subscribe"' in str(payload) and not sent.done():
                sent.set_result(socket.url)

        socket.on("framesent", frame)

    page.on("websocket", opened)
    return sent


async def test_graphiql_runs_queries_and_subscriptions_with_no_route_outside(live_server, flow):
    # Given a proposal Japan has consented to, and a Chromium that can reach nothing but the service
    proposal = await flow.created("VN")
    await flow.submit(proposal)
    await flow.circulate(proposal, "2026-12-10")
    await flow.position(proposal, "japan")
    viet_nam = await flow.token("VN")

    async with offline_browser() as browser:
        tab = await browser.new_page()
        outside = await loopback_only(tab)
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("console", lambda message: message.type == "error" and errors.append(message.text))  # CSP refusals

        # When it opens GraphiQL and runs a query typed in the editor
        await tab.goto(f"{live_server.http_url}/graphql")
        result = tab.locator(".graphiql-response")
        await run(tab, "{ committees { code } }")

        # Then the answer appears in the result pane
        await result.get_by_text('"VN"').wait_for(timeout=30_000)

        # And the explorer plugin lists the schema's fields
        await tab.click('button[aria-label="Show GraphiQL Explorer"]')
        await tab.locator(".graphiql-plugin").get_by_text("committees", exact=True).wait_for()

        # When a subscription runs over the page's WebSocket and Viet Nam consents
        sent = subscription_sent(tab)
        await run(tab, "subscription { decisionMade { reference } }")
        assert await asyncio.wait_for(sent, 30) == live_server.ws_url
        await asyncio.sleep(0.3)  # for the server, in this loop, to take the subscription
        async with httpx.AsyncClient(base_url=live_server.http_url) as client:
            decided = await client.post(
                "/graphql",
                json={"query": CONSENT, "variables": {"id": to_global_id("Proposal", proposal)}},
                headers={"Authorization": f"Bearer {viet_nam}"},
            )
        assert decided.json()["data"]["giveConsent"]["userErrors"] == []

        # Then the decision appears in the result pane
        await result.get_by_text("JC-VN-2026-001").wait_for(timeout=30_000)

    # And nothing ever tried to leave the machine, and the page logged no error (a refusal by its CSP would be one)
    assert outside == []
    assert errors == []
