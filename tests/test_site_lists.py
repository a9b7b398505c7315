"""The lists of methodologies, projects and TPE designations (`/methodologies`, `/projects`, `/tpes`):
every committee's or one's, filtered as their public GraphQL connections allow, paged forward by
cursor, rows linked to their pages, exports linked, 400 pages naming a bad parameter, English and
Japanese, statements flat. And the site-wide 404: a path no route serves is the site's 404 page in the
visitor's language, while machine clients keep the 404s they had."""

import json

import httpx
import pytest

from api.app import MACHINE_PREFIXES, close_listeners, create_app
from api.site.list_pages import METHODOLOGIES, PROJECTS, TPES
from tests.support.browser import axe_context, axe_violations, loopback_only, offline_browser, screenshot
from tests.support.db import count_statements
from tests.support.html_page import HtmlPage

PAGE_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "vary": "Accept-Language",
}


async def page_and_data(client, path: str, **headers: str) -> tuple[HtmlPage, dict]:
    """The page, parsed, and the answer of its own GraphQL document (its application/json link)."""
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.text)
    page = HtmlPage(response.text)
    data = (await client.get(page.link("application/json"))).json()
    assert "errors" not in data, data
    return page, data["data"]


def listed(page: HtmlPage) -> list[str]:
    """The reference each row of the page's table begins with (as linked; a version may follow)."""
    return [row[0].split(" ")[0] for row in page.rows[1:]]


def references(connection: dict, *fields: str) -> list[str]:
    return [next(edge["node"][f] for f in fields if edge["node"][f]) for edge in connection["edges"]]


async def given_a_register_in_two_committees(projects, methodology_flow, frozen_clock) -> dict:
    """Viet Nam: a registered project with its valid methodology (scope 3) and a TPE designated to
    validate and verify scope 3. Mongolia: a methodology in public input (scope 7), a planned
    project, and a TPE designated to validate scope 4 only."""
    registered = await projects.registered(frozen_clock)
    await methodology_flow.published("MN", title="Electric buses", sectoralScopes=[7])
    await projects.planned("MN")
    mongolian_tpe = await projects.designated_entity("Steppe Audit LLC", "MN", validation=(4,), verification=())
    return registered | {"mn_tpe": mongolian_tpe}


async def test_each_list_shows_every_committees_items_or_the_filtered_ones_linked_to_their_pages(
    projects, methodology_flow, frozen_clock, client
):
    # Given a register in Viet Nam and Mongolia
    given = await given_a_register_in_two_committees(projects, methodology_flow, frozen_clock)

    # When the methodologies are listed, all and filtered
    every, every_data = await page_and_data(client, "/methodologies")
    valid, valid_data = await page_and_data(client, "/methodologies?committee=vn&status=valid&scope=3")

    # Then each lists what its document answers, linked to the methodology and its committee
    assert listed(every) == references(every_data["methodologies"], "reference", "proposedReference")
    assert len(listed(every)) == 2 and any(row[0].startswith("MN_") for row in every.rows[1:])
    assert valid.rows[1][0] == f"{given['methodology']} (Version ver01.0)"
    assert valid.anchor(given["methodology"]) == f"/methodologies/{given['methodology']}"
    assert valid.anchor("Japan–Viet Nam Joint Committee") == "/committees/VN"
    assert "Methodologies of the Japan–Viet Nam Joint Committee" in valid.text and "Listed: 1" in valid.text
    assert valid_data["methodologies"]["totalCount"] == 1
    # and its export links ask for the same list (the parameters as the export takes them)
    csv = await client.get(valid.anchor("CSV"))
    assert valid.anchor("CSV").endswith("/exports/methodologies.csv?committee=VN&status=VALID&scope=3")
    assert csv.status_code == 200 and given["methodology"] in csv.text and "Electric buses" not in csv.text
    assert [row["reference"] for row in (await client.get(valid.anchor("JSON"))).json()] == [given["methodology"]]

    # When the projects are listed by status and by committee, in Japanese
    registered, _ = await page_and_data(client, "/projects?status=REGISTERED&lang=ja")
    mongolian, mongolian_data = await page_and_data(client, "/projects?committee=MN&lang=ja")

    # Then
    assert listed(registered) == [given["reference"]]
    assert registered.anchor(given["reference"]) == f"/projects/{given['reference']}?lang=ja"
    assert "登録済み" in registered.rows[1] and "1件" in registered.text
    assert listed(mongolian) == references(mongolian_data["projects"], "reference", "pinReference")
    assert len(listed(mongolian)) == 1 and mongolian.rows[1][3] == "計画中"
    assert "日本・モンゴル合同委員会のプロジェクト" in mongolian.text
    export = await client.get(mongolian.anchor("JSON"))
    assert [row["committee"] for row in export.json()] == ["MN"]

    # When the TPEs that may verify scope 3 are listed, and Mongolia's
    verifiers, _ = await page_and_data(client, "/tpes?function=VERIFICATION&scope=3&status=DESIGNATED")
    steppe, _ = await page_and_data(client, "/tpes?committee=MN&search=steppe")

    # Then only Viet Nam's entity may, and Mongolia's validates scope 4
    assert listed(verifiers) == [given["tpe"]]
    assert verifiers.rows[1][1:5] == [
        "Example Verification Ltd.",
        "Japan–Viet Nam Joint Committee",
        "Designated",
        "Validation 3; Verification 3",
    ]
    assert listed(steppe) == [given["mn_tpe"]] and steppe.rows[1][4] == "Validation 4"
    verifiers_csv = await client.get(verifiers.anchor("CSV"))
    assert given["tpe"] in verifiers_csv.text and given["mn_tpe"] not in verifiers_csv.text

    # and each row's link opens its page, whose header names the committee and the item
    for page, reference in ((valid, given["methodology"]), (registered, given["reference"]), (steppe, given["mn_tpe"])):
        item = HtmlPage((await client.get(page.anchor(reference))).text)
        assert item.text.startswith(("Japan–", "日本・")), item.text[:80]
        assert f"{reference}: " in item.text


async def test_an_empty_choice_of_the_filter_form_is_no_filter(projects, methodology_flow, frozen_clock, client):
    # Given a register in two committees
    await given_a_register_in_two_committees(projects, methodology_flow, frozen_clock)

    for path, empty in (
        ("/methodologies", "?committee=&status=&scope=&search="),
        ("/projects", "?committee=&status="),
        ("/tpes", "?committee=&function=&scope=&status=&search=+"),
    ):
        # When the form is sent with every choice left at "Any"
        everything = HtmlPage((await client.get(path)).text)
        sent = await client.get(path + empty)

        # Then the whole list is shown, and exported
        assert sent.status_code == 200, path
        assert listed(HtmlPage(sent.text)) == listed(everything) and len(listed(everything)) == 2, path
        assert HtmlPage(sent.text).anchor("CSV").endswith(f"/exports/{path.strip('/')}.csv"), path


def build_many(kind: str):
    """21 items of the kind: one more than a page."""

    async def methodologies(projects, methodology_flow) -> None:
        for number in range(21):
            await methodology_flow.published("VN", title=f"Methodology {number}")

    async def projects_(projects, methodology_flow) -> None:
        for _ in range(21):
            await projects.planned("VN")

    async def tpes(projects, methodology_flow) -> None:
        for number in range(21):
            await projects.designated_entity(f"Entity {number}", "VN", validation=(3,), verification=())

    return {"methodologies": methodologies, "projects": projects_, "tpes": tpes}[kind]


@pytest.mark.parametrize("kind", ["methodologies", "projects", "tpes"])
async def test_each_list_pages_forward_by_its_cursor_keeping_its_filter_and_language(
    projects, methodology_flow, client, kind
):
    # Given 21 items in Viet Nam, and one in Mongolia
    await build_many(kind)(projects, methodology_flow)
    if kind == "methodologies":
        await methodology_flow.published("MN")
    elif kind == "projects":
        await projects.planned("MN")
    else:
        await projects.designated_entity("Elsewhere", "MN", validation=(3,), verification=())

    # When Viet Nam's list is opened in Japanese and its "next page" link followed
    first, data = await page_and_data(client, f"/{kind}?committee=VN&lang=ja")
    next_url = first.anchor("次のページ")
    second, second_data = await page_and_data(client, next_url)

    # Then the first page holds 20, the second the 21st, none twice, none of Mongolia's
    assert data[kind]["totalCount"] == 21
    assert len(listed(first)) == 20 and len(listed(second)) == 1
    assert set(listed(first)) & set(listed(second)) == set()
    assert all("モンゴル" not in row[2] for row in first.rows[1:] + second.rows[1:])
    assert second_data[kind]["pageInfo"]["hasNextPage"] is False and "次のページ" not in second.text
    # and the link keeps the filter and the language; the second page links back to the first
    assert next_url.startswith(f"/{kind}?committee=VN&after=") and next_url.endswith("&lang=ja")
    assert second.anchor("最初のページ") == f"/{kind}?committee=VN&lang=ja"
    # and the exports linked from the second page are the whole filtered list, not the page
    export = await client.get(second.anchor("JSON"))
    assert len(export.json()) == 21


BAD = {
    "/methodologies?comittee=VN": ("comittee", "It takes: after, committee, lang, scope, search, status."),
    "/methodologies?status=APPROVED": ("status", "use one of PROPOSED, VALID, SUPERSEDED, NOT_APPROVED, WITHDRAWN."),
    "/methodologies?scope=0": ("scope", "use a sectoral scope number from 1 to 15."),
    "/methodologies?scope=" + "9" * 5000: ("scope", "use a sectoral scope number from 1 to 15."),
    "/methodologies?search=" + "x" * 201: ("search", "use at most 200 printable characters."),
    "/methodologies?after=not-a-cursor": ("after", "it is not a cursor of this list"),
    "/projects?scope=3": ("scope", "It takes: after, committee, lang, status."),
    "/projects?committee=XX": ("committee", "no Joint Committee has the code XX."),
    "/projects?status=REGISTERED&status=PLANNED": ("status", "it is given more than once."),
    "/tpes?function=AUDIT": ("function", "use one of VALIDATION, VERIFICATION."),
    "/tpes?committee=V1": ("committee", "use a committee's two-letter code, such as VN."),
    "/tpes?status=VALID": ("status", "use one of PROPOSED, DESIGNATED, SUSPENDED, WITHDRAWN"),
    "/tpes?lang=fr": ("lang", "use en or ja."),
}


@pytest.mark.parametrize("path", list(BAD), ids=[path[:40] for path in BAD])
async def test_a_bad_parameter_is_a_400_page_naming_it_in_the_visitors_language(client, path):
    parameter, reason = BAD[path]

    # When
    english = await client.get(path)
    japanese = await client.get(path, headers={"Accept-Language": "ja"})

    # Then
    assert (english.status_code, japanese.status_code) == (400, 400)
    assert f"The query parameter {parameter} cannot be used here: " in HtmlPage(english.text).text
    assert reason in HtmlPage(english.text).text
    assert f"クエリパラメータ {parameter} はここでは使えません。" in HtmlPage(japanese.text).text
    assert HtmlPage(japanese.text).lang == "ja"
    for name, value in PAGE_HEADERS.items():
        assert english.headers[name] == value


async def test_the_japanese_400_reads_as_one_plain_sentence_pair(client):
    response = await client.get("/tpes?comittee=VN", headers={"Accept-Language": "ja"})

    assert (
        "クエリパラメータ comittee はここでは使えません。"
        "このページで使えるのは after, committee, function, lang, scope, search, status です。"
    ) in HtmlPage(response.text).text
    assert "リクエストに誤りがあります" in HtmlPage(response.text).text


async def test_lists_asked_for_again_unchanged_are_304s(projects, client):
    await projects.planned("VN")
    for path in ("/methodologies", "/projects?committee=VN", "/tpes?lang=ja"):
        first = await client.get(path)

        again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})

        assert (again.status_code, again.content) == (304, b""), path


async def count_page(client, engine, path: str) -> int:
    """The statements behind the page's data, those reading the publication version for the ETag
    left out (as tests/test_public_site.py counts: their number depends on timing)."""
    with count_statements(engine) as counter:
        response = await client.get(path)
    assert response.status_code == 200, response.text
    return len([statement for statement in counter.statements if "audit_event" not in statement])


LISTS = ("/methodologies", "/projects", "/tpes", "/tpes?function=VALIDATION&scope=3&status=DESIGNATED")
# At most (SQLite): the committees, the scopes, the page's rows and its count, and one batch per
# related table (committees, scopes, entities).
LIST_STATEMENTS = 10


async def test_statements_behind_a_list_do_not_grow_with_its_rows(
    projects, methodology_flow, frozen_clock, client, engine
):
    # Given one of each, and the lists counted
    await projects.registered(frozen_clock)
    few = {path: await count_page(client, engine, path) for path in LISTS}

    # When more are added in several committees
    for code in ("MN", "BD", "ET"):
        await methodology_flow.published(code, sectoralScopes=[3, 7])
        await projects.planned(code, scopes=(3, 4))
        await projects.designated_entity(f"Entity of {code}", code, validation=(3,), verification=(3, 4))

    # Then each list costs the same statements, and few
    for path in LISTS:
        assert few[path] <= LIST_STATEMENTS, (path, few[path])
        assert await count_page(client, engine, path) == few[path], path
        assert len(listed(HtmlPage((await client.get(path)).text))) == 4, path


# --- the site-wide 404 ------------------------------------------------------------------------------

UNROUTED = ("/nothing-here", "/decisions-archive/2026", "/index.html", "/robots.txt")


@pytest.mark.parametrize("path", UNROUTED)
async def test_a_path_no_route_serves_is_the_sites_404_page_in_the_visitors_language(client, path):
    # When a browser asks, in English, then in Japanese by its header and by ?lang=
    english = await client.get(path, headers={"Accept": "text/html,*/*;q=0.8"})
    by_header = await client.get(path, headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"})
    by_query = await client.get(path, params={"lang": "ja"}, headers={"Accept-Language": "en"})

    # Then each is the site's 404 page with the site's headers
    for response in (english, by_header, by_query):
        assert response.status_code == 404
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        for name, value in PAGE_HEADERS.items():
            assert response.headers[name] == (value if name != "vary" else "Accept, Accept-Language")
    page = HtmlPage(english.text)
    assert page.lang == "en" and "Not found There is no page at this address." in page.text
    assert ("/methodologies", "Methodologies") in page.anchors
    for japanese in (HtmlPage(by_header.text), HtmlPage(by_query.text)):
        assert japanese.lang == "ja" and "ページが見つかりません このアドレスにページはありません。" in japanese.text
    assert HtmlPage(by_query.text).anchor("English") == f"/{path.lstrip('/')}?lang=en"


async def test_the_404_pages_language_link_stays_on_the_site(client):
    # Given a path that begins like a link to another host
    response = await client.get("http://test//example.org/x?lang=ja")

    # Then its link to the English page is a path on this site
    assert response.status_code == 404
    assert HtmlPage(response.text).anchor("English") == "/example.org/x?lang=en"


@pytest.mark.parametrize(
    ("path", "headers", "expected"),
    [
        # Machine endpoints: what their clients have always had
        ("/feeds/nothing.atom", {}, "Not Found"),
        ("/graphql/extra", {"Accept": "text/html"}, "Not Found"),
        ("/graphiql/assets/nothing.js", {}, "Not Found"),
        ("/.well-known/nothing.json", {}, "Not Found"),
        ("/healthz/x", {}, "Not Found"),
        ("/exports", {}, "Not Found"),
        # A client asking for JSON alone: the service's JSON error
        ("/nothing-here", {"Accept": "application/json"}, {"code": "NOT_FOUND"}),
    ],
)
async def test_machine_clients_keep_their_404s(client, path, headers, expected):
    response = await client.get(path, headers=headers)

    assert response.status_code == 404
    if isinstance(expected, str):
        assert (response.text, response.headers["content-type"]) == (expected, "text/plain; charset=utf-8")
    else:
        assert response.json()["errors"][0]["extensions"] == expected
    assert "content-security-policy" not in response.headers


async def test_unknown_exports_and_feed_committees_are_the_json_404s_they_were(client):
    export = await client.get("/exports/meetings.csv", headers={"Accept": "text/html"})
    feed = await client.get("/feeds/decisions.atom?committee=XX", headers={"Accept": "text/html"})

    assert (export.status_code, feed.status_code) == (404, 404)
    assert export.json()["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert json.loads(feed.content)["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "committee"}


async def test_with_the_public_site_off_a_path_no_route_serves_is_a_plain_404(settings, engine):
    app = create_app(settings.model_copy(update={"public_site": False}), engine=engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            for path in ("/nothing-here", "/methodologies", "/tpes"):
                response = await http.get(path, headers={"Accept": "text/html", "Accept-Language": "ja"})
                assert (response.status_code, response.text) == (404, "Not Found"), path
    finally:
        await close_listeners(app)


async def test_every_route_but_the_sites_is_under_a_machine_prefix(settings, engine):
    # Given the app with every switchable endpoint on, and the site's pages
    everything = settings.model_copy(update={"metrics": True, "graphiql": True, "benchmark_endpoints": True})
    off = create_app(everything.model_copy(update={"public_site": False}), engine=engine)
    on = create_app(everything, engine=engine)
    try:
        # Then each route the site does not add is under one of MACHINE_PREFIXES (its 404s stay plain),
        machine = {route.path.lstrip("/").split("/", 1)[0] for route in off.routes}
        assert machine <= set(MACHINE_PREFIXES), machine - set(MACHINE_PREFIXES)
        # and no page of the site is (its 404s are the site's)
        site = {route.path for route in on.routes} - {route.path for route in off.routes}
        assert {page.path for page in (METHODOLOGIES, PROJECTS, TPES)} <= site
        assert not {path.lstrip("/").split("/", 1)[0] for path in site} & set(MACHINE_PREFIXES)
    finally:
        await close_listeners(off)
        await close_listeners(on)


# --- in a real browser ------------------------------------------------------------------------------

BROWSED = [
    ("methodologies", "/methodologies?committee=VN&status=VALID", 200),
    ("projects-ja", "/projects?lang=ja", 200),
    ("tpes", "/tpes?function=VERIFICATION&scope=3", 200),
    ("unrouted-ja", "/nothing-here?lang=ja", 404),
]


@pytest.mark.parametrize(("name", "path", "status"), BROWSED, ids=[name for name, _, _ in BROWSED])
async def test_each_list_and_the_unrouted_404_have_no_serious_accessibility_violation(
    live_server, projects, frozen_clock, name, path, status
):
    # Given a registered project, its methodology and its TPE
    await projects.registered(frozen_clock)

    async with offline_browser() as browser, axe_context(browser) as context:
        tab = await context.new_page()
        outside = await loopback_only(tab)

        # When a visitor opens the page
        response = await tab.goto(f"{live_server.http_url}{path}")
        assert response.status == status
        await tab.get_by_role("heading", level=1).wait_for()

        # Then axe finds no serious or critical violation, and nothing is asked of another host
        assert [str(violation) for violation in await axe_violations(tab)] == []
        shot = await screenshot(tab, f"list-{name}")

    assert shot.read_bytes().startswith(b"\x89PNG")
    assert outside == []


async def test_a_trailing_slash_is_a_404_not_a_redirect_built_from_the_host_header(client):
    # When a path with a trailing slash is asked for with a forged Host
    response = await client.get("/search/", headers={"Host": "evil.example"})
    # Then it is the site's 404 page, with no redirect to that host
    assert response.status_code == 404 and "location" not in response.headers
