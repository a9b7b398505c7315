"""The public register in a browser (issue 15): home, a committee, the decision register with
keyset paging; each page shows what its GraphQL document answers the public, escaped, in English
or Japanese, with 404 and 400 pages in the visitor's language, 304s, and a flat statement count."""

from datetime import timedelta
from types import SimpleNamespace

import httpx

from api.app import close_listeners, create_app
from api.site.framework import Site
from api.site.language import Speaker, from_accept_language, long_date
from api.site.messages import MESSAGES
from tests.support.committees import given_members_and_meetings_everywhere
from tests.support.db import count_statements
from tests.support.html_page import HtmlPage


async def page_and_data(client, path: str, **headers: str) -> tuple[httpx.Response, HtmlPage, dict]:
    """The page, parsed, and the answer of its own GraphQL document (its application/json link)."""
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    page = HtmlPage(response.text)
    data = (await client.get(page.link("application/json"))).json()
    assert "errors" not in data, data
    return response, page, data["data"]


async def test_home_lists_the_30_committees_in_signing_order_with_their_counts(flow, methodology_flow, client):
    # Given two decisions in Viet Nam and one in Mongolia, and a methodology open for public input
    await flow.decide("VN", title="Interim rules")
    await flow.decide("VN", title="Second")
    await flow.decide("MN", title="Monitoring guidance")
    await methodology_flow.published("VN")

    # When the home page is opened
    response, page, data = await page_and_data(client, "/")

    # Then it lists every committee its document answers, in that (signing) order, with the counts
    committees = data["committees"]
    assert [c["partner"]["signingOrder"] for c in committees] == list(range(1, 31))
    assert page.rows[0] == [
        "Committee",
        "Region",
        "Signed",
        "Decisions",
        "Methodologies",
        "Designated TPEs",
        "Projects",
    ]
    rows = page.rows[1:31]  # the committees' table; the JCM targets' table follows (tests/test_site_home.py)
    assert [row[0] for row in rows] == [c["partner"]["name"]["en"] for c in committees]
    counts = {row["committeeCode"]: row for row in data["statistics"]["committeeCounts"]}
    for row, committee in zip(rows, committees, strict=True):
        fields = ("decisions", "methodologies", "designatedTpes", "projects")
        assert row[3:] == [str(counts[committee["code"]][field]) for field in fields]
    by_name = {row[0]: row for row in rows}
    assert by_name["Mongolia"] == [
        "Mongolia",
        "East Asia, Caucasus and Central Asia",
        "8 January 2013",
        "1",
        "0",
        "0",
        "0",
    ]
    assert by_name["Viet Nam"][1:5] == ["Southeast Asia, South Asia and Oceania", "2 July 2013", "2", "1"]
    assert by_name["Bangladesh"][2] == "March 2013"  # a signing date published to the month
    # and links to each committee's page
    assert ("/committees/VN", "Viet Nam") in page.anchors
    # as an English page that varies by language, with nothing from another host and no script
    assert page.lang == "en"
    assert response.headers["vary"] == "Accept-Language"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<script" not in response.text and "http://" not in response.text.replace(
        "http://127.0.0.1:8000/graphql?", ""
    )


async def test_japanese_from_lang_or_accept_language_with_japanese_dates_and_english_fallback(flow, client):
    # Given a decision
    await flow.decide("VN", title="Interim rules")

    # When pages are asked for in Japanese, by parameter and by the browser's preference
    by_parameter = await client.get("/decisions/JC-VN-2026-001?lang=ja")
    by_header = await client.get("/decisions/JC-VN-2026-001", headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"})
    english_preferred = await client.get("/decisions/JC-VN-2026-001", headers={"Accept-Language": "en-GB,ja;q=0.5"})
    parameter_wins = await client.get("/decisions/JC-VN-2026-001?lang=en", headers={"Accept-Language": "ja"})
    home = HtmlPage((await client.get("/", headers={"Accept-Language": "ja"})).text)

    # Then labels, names and dates are Japanese
    page = HtmlPage(by_parameter.text)
    assert page.lang == "ja"
    assert "日本・ベトナム合同委員会 JC-VN-2026-001: Interim rules" in page.text
    assert (
        "参照番号 JC-VN-2026-001 合同委員会 日本・ベトナム合同委員会 (VN) 種類 その他 結果 承認 決定日 2026年11月28日"
        in page.text
    )
    assert HtmlPage(by_header.text).text == page.text
    assert HtmlPage(english_preferred.text).lang == HtmlPage(parameter_wins.text).lang == "en"
    assert "Decided on 28 November 2026" in HtmlPage(parameter_wins.text).text
    assert home.rows[0][:3] == ["合同委員会", "地域", "署名"]
    mongolia = next(row for row in home.rows if row[0] == "モンゴル")
    assert mongolia[1:3] == ["東アジア・コーカサス・中央アジア", "2013年1月8日"]
    # where the register holds no Japanese name, the English one is shown
    assert all(row[0] for row in home.rows[1:])
    # and each language has its own ETag
    assert by_header.headers["etag"] != english_preferred.headers["etag"]


async def test_a_committee_page_shows_members_decisions_methodologies_and_public_input_escaped(
    flow, methodology_flow, engine, client
):
    # Given members, a decision whose title holds markup, and a methodology open for public input
    await given_members_and_meetings_everywhere(engine)
    await flow.decide("VN", title="<script>alert(1)</script> Fees & charges")
    await methodology_flow.published("VN", title="Chillers <b>bold</b>")

    # When Viet Nam's page is opened (its code in any case)
    response, page, data = await page_and_data(client, "/committees/vn")

    # Then it shows what its document answers, escaped
    committee = data["committee"]
    assert "<script>" not in response.text and "<b>" not in response.text
    assert page.text.startswith("Japan–Viet Nam Joint Committee Region Southeast Asia, South Asia and Oceania")
    assert [row[0] for row in page.rows if row and row[0].startswith(("Co-chair", "Member"))] == [
        member["name"] for member in committee["members"]
    ]
    assert ["Co-chair VN JAPAN", "Japan", "Co chair", "Ministry"] in page.rows
    assert ["JC-VN-2026-001", "<script>alert(1)</script> Fees & charges", "Approved", "28 November 2026"] in page.rows
    assert ("/decisions/JC-VN-2026-001", "JC-VN-2026-001") in page.anchors
    assert "Open for public input" in page.text and "Chillers <b>bold</b>" in page.text
    assert page.anchor("All decisions of this committee") == "/decisions?committee=VN"
    # and an unknown committee is a 404 page in the visitor's language
    missing = await client.get("/committees/XX", headers={"Accept-Language": "ja"})
    assert missing.status_code == 404
    assert "コード XX の合同委員会はありません" in HtmlPage(missing.text).text


async def test_the_decision_register_pages_forward_by_its_cursor(flow, client):
    # Given 22 decisions in Viet Nam and one in Mongolia
    for number in range(22):
        await flow.decide("VN", title=f"Decision {number}")
    await flow.decide("MN", title="Elsewhere")

    # When Viet Nam's register is opened and its "next page" link followed
    _, first, data = await page_and_data(client, "/decisions?committee=VN&lang=ja")
    _, second, second_data = await page_and_data(client, first.anchor("次のページ"))

    # Then the first page holds 20 of them, the second the other 2, newest first, without Mongolia's
    references = [edge["node"]["reference"] for edge in data["decisions"]["edges"]]
    assert len(references) == 20 and data["decisions"]["totalCount"] == 22
    assert [row[0] for row in first.rows[1:]] == references
    assert [row[0] for row in second.rows[1:]] == [
        edge["node"]["reference"] for edge in second_data["decisions"]["edges"]
    ]
    assert len(second.rows[1:]) == 2
    assert set([row[0] for row in first.rows[1:]]) & set([row[0] for row in second.rows[1:]]) == set()
    assert "次のページ" not in second.text and "最初のページ" in second.text
    assert "JC-MN-2026-001" not in first.text + second.text
    # and it links the whole filtered list as CSV, JSON and Atom
    for label in ("CSV", "JSON", "Atomフィード"):
        download = await client.get(first.anchor(label))
        assert download.status_code == 200, label
        assert "JC-VN-2026-022" in download.text and "JC-MN-2026-001" not in download.text, label
    # and the link keeps the filter and the language
    assert first.anchor("次のページ").startswith("/decisions?committee=VN&after=")
    assert first.anchor("次のページ").endswith("&lang=ja")


async def test_a_bad_query_parameter_is_a_400_page_naming_it_in_the_visitors_language(flow, client):
    await flow.decide("VN")
    cases = {
        "/decisions?comittee=VN": "comittee",  # a typo: not silently the unfiltered register
        "/decisions?committee=V1": "committee",
        "/decisions?committee=XX": "committee",  # no such committee: not an empty register
        "/decisions?after=not-a-cursor": "after",
        "/decisions?lang=fr": "lang",
        "/?page=2": "page",
        "/decisions/JC-VN-2026-001?x=%3Cb%3E": "x",
        "/decisions?committee=VN&committee=MN": "committee",
    }
    for path, parameter in cases.items():
        # When
        english = await client.get(path)
        japanese = await client.get(path, headers={"Accept-Language": "ja"})

        # Then
        assert (english.status_code, japanese.status_code) == (400, 400), path
        assert f"The query parameter {parameter} cannot be used here" in HtmlPage(english.text).text, path
        assert f"クエリパラメータ {parameter} はここでは使えません" in HtmlPage(japanese.text).text, path
        assert HtmlPage(japanese.text).lang == "ja"
    assert (
        "It takes: after, committee, from, kind, lang, outcome, search, to."
        in HtmlPage((await client.get("/decisions?comittee=VN")).text).text
    )
    assert "<b>" not in (await client.get("/decisions/JC-VN-2026-001?%3Cb%3E=1")).text


async def test_unknown_decisions_are_404_pages_in_the_visitors_language(client):
    english = await client.get("/decisions/JC-VN-2026-099")
    japanese = await client.get("/decisions/JC-VN-2026-099?lang=ja")

    assert (english.status_code, japanese.status_code) == (404, 404)
    assert "No published decision has the reference JC-VN-2026-099" in HtmlPage(english.text).text
    page = HtmlPage(japanese.text)
    assert page.lang == "ja" and "参照番号 JC-VN-2026-099 の公表された決定はありません" in page.text


async def test_pages_asked_for_again_unchanged_are_304s(flow, client):
    # Given pages fetched once
    await flow.decide("VN")
    for path in ("/", "/committees/VN", "/decisions?committee=VN", "/decisions/JC-VN-2026-001?lang=ja"):
        first = await client.get(path)

        # When asked again with the ETag, and in the other language
        again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
        other = await client.get(path, headers={"If-None-Match": first.headers["etag"], "Accept-Language": "ja"})

        # Then
        assert (again.status_code, again.content) == (304, b""), path
        assert again.headers["vary"] == "Accept-Language", path  # as the 200 it stands for
        assert other.status_code == (304 if "lang=" in path else 200), path
    # and after a new decision the home page is built again
    home = await client.get("/")
    await flow.decide("MN")
    assert (await client.get("/", headers={"If-None-Match": home.headers["etag"]})).status_code == 200


async def test_with_the_public_site_off_none_of_its_routes_exist(settings, engine, flow):
    await flow.decide("VN")
    app = create_app(settings.model_copy(update={"public_site": False}), engine=engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            for path in ("/", "/committees/VN", "/decisions", "/decisions/JC-VN-2026-001"):
                assert (await http.get(path)).status_code == 404, path
            feed = await http.get("/feeds/decisions.atom")  # the rest of the service stays
            assert feed.status_code == 200 and "JC-VN-2026-001" in feed.text
            assert 'type="text/html"' not in feed.text  # and links no page that is not there
    finally:
        await close_listeners(app)


# At most (SQLite: 8, 3, 11; BEGINs included). The home page counts every committee's decisions,
# methodologies, TPEs and projects with one grouped query (`statistics.committeeCounts`);
# tests/test_site_home.py counts it with the registry's figures too.
HOME_STATEMENTS, LIST_STATEMENTS, COMMITTEE_STATEMENTS = 8, 5, 15


async def count_page(client, engine, path: str) -> int:
    """The statements behind the page's data. Those reading the publication version for its ETag
    (audit_event) are left out: one per request at most, and on PostgreSQL only when no
    notification has told the process the version yet, so their number depends on timing."""
    with count_statements(engine) as counter:
        response = await client.get(path)
    assert response.status_code == 200
    return len([statement for statement in counter.statements if "audit_event" not in statement])


async def test_statements_behind_a_page_do_not_grow_with_its_rows(flow, methodology_flow, engine, client):
    # Given one decision and one item open for public input (whose comments the committee page
    # reads: one row of each kind, so that "many" differs from "few" only in the number of rows)
    await flow.decide("VN")
    await methodology_flow.published("VN")
    home_few = await count_page(client, engine, "/")
    list_few = await count_page(client, engine, "/decisions")
    committee_few = await count_page(client, engine, "/committees/VN")

    # When decisions are taken in many committees, with methodologies and members
    for code in ("MN", "BD", "ET", "KE", "MV", "ID", "KH", "MX", "CL", "PH", "TH", "VN", "VN"):
        await flow.decide(code)
    await methodology_flow.published("VN")
    await given_members_and_meetings_everywhere(engine)

    # Then each page costs the same number of statements, and few
    assert home_few <= HOME_STATEMENTS and list_few <= LIST_STATEMENTS and committee_few <= COMMITTEE_STATEMENTS
    assert await count_page(client, engine, "/") == home_few
    assert await count_page(client, engine, "/decisions") == list_few
    assert await count_page(client, engine, "/committees/VN") == committee_few


def test_english_and_japanese_have_the_same_messages():
    assert set(MESSAGES["en"]) == set(MESSAGES["ja"])


async def test_a_methodology_page_shows_it_and_links_its_decision(methodology_flow, client, frozen_clock):
    # Given a methodology with markup in its title, approved once its public input has closed
    proposed = await methodology_flow.published("VN", title="Chillers <b>bold</b> & co")
    frozen_clock.set(frozen_clock.at + timedelta(days=15))
    await methodology_flow.approve(proposed["proposal"]["id"])

    # When its page is opened by its approved reference, in Japanese
    response, page, data = await page_and_data(client, "/methodologies/VN_AM001?lang=ja")

    # Then it shows what its document answers, escaped, with Japanese labels and dates
    methodology = data["methodology"]
    assert "<b>" not in response.text
    assert f"{methodology['reference']}: Chillers <b>bold</b> & co" in page.text
    assert f"状態 {'有効'} 提案者 {methodology['proponent']}" in page.text
    assert "承認日 2026年12月13日" in page.text
    decision = methodology["decision"]["reference"]
    assert page.anchor(decision) == f"/decisions/{decision}?lang=ja"
    # and it is linked from its committee's page; an unknown reference is a 404 page
    assert ("/methodologies/VN_AM001", "VN_AM001") in HtmlPage((await client.get("/committees/VN")).text).anchors
    missing = await client.get("/methodologies/VN_AM999")
    assert missing.status_code == 404 and "No methodology has the reference VN_AM999" in HtmlPage(missing.text).text


async def test_project_and_tpe_pages_show_them_and_link_each_other(projects, frozen_clock, client):
    # Given a registered project, with its methodology and the TPE that validated it
    registered = await projects.registered(frozen_clock)

    # When the project's page is opened, and its validator's link followed, in Japanese
    _, project_page, data = await page_and_data(client, f"/projects/{registered['reference']}?lang=ja")
    project = data["project"]
    tpe_link = project_page.anchor(project["validator"]["entity"]["name"])
    _, tpe_page, tpe_data = await page_and_data(client, tpe_link)

    # Then each shows what its document answers, in Japanese, linked to the rest
    assert f"{project['reference']}: {project['title']}" in project_page.text
    assert "状態 登録済み" in project_page.text
    assert project_page.anchor(registered["methodology"]) == f"/methodologies/{registered['methodology']}?lang=ja"
    assert tpe_link == f"/tpes/{registered['tpe']}?lang=ja"
    assert [row[0] for row in project_page.rows[1:]] == [d["reference"] for d in project["decisions"]]
    tpe = tpe_data["tpe"]
    assert f"{tpe['reference']}: {tpe['entity']['name']}" in tpe_page.text
    assert "認定 ISO 14065" in tpe_page.text
    assert [row[1:3] for row in tpe_page.rows[1:3]] == [["有効化審査", "指定"], ["検証", "指定"]]
    # and the committee page links them
    committee = HtmlPage((await client.get("/committees/VN")).text)
    assert (f"/projects/{registered['reference']}", registered["reference"]) in committee.anchors
    assert (f"/tpes/{registered['tpe']}", registered["tpe"]) in committee.anchors
    # unknown references are 404 pages
    for path in ("/projects/VN999", "/tpes/TPE-VN-999"):
        assert (await client.get(path)).status_code == 404, path


def test_accept_language_picks_the_supported_language_ranked_highest():
    assert from_accept_language(None) == from_accept_language("") == "en"
    assert from_accept_language("ja-JP,ja;q=0.9,en;q=0.8") == "ja"
    assert from_accept_language("fr-FR,fr;q=0.9,ja;q=0.5,en;q=0.4") == "ja"  # French is not offered
    assert from_accept_language("en;q=0.5,ja;q=0.6") == "ja"
    assert from_accept_language("ja;q=0,en") == "en"  # q=0: not acceptable
    assert from_accept_language("de, *;q=0.1") == "en"
    assert from_accept_language("ja;q=oops") == "en"


def test_dates_are_written_as_each_language_writes_them_keeping_their_precision():
    assert [long_date(value, "en") for value in ("2026-12-03", "2013-03", "2015")] == [
        "3 December 2026",
        "March 2013",
        "2015",
    ]
    assert [long_date(value, "ja") for value in ("2026-12-03", "2013-03", "2015")] == [
        "2026年12月3日",
        "2013年3月",
        "2015年",
    ]


async def test_the_decision_register_searches_and_exports_what_it_found(flow, client):
    # Given decisions about chillers and about other things
    await flow.decide("VN", title="Chiller <efficiency> benchmarks")
    await flow.decide("VN", title="Monitoring guidance")
    await flow.decide("MN", title="Chillers in Ulaanbaatar")

    # When the register's search form is used, in Viet Nam and everywhere
    in_vn, page, data = await page_and_data(client, "/decisions?committee=VN&search=chiller")
    everywhere = HtmlPage((await client.get("/decisions?search=chiller&lang=ja")).text)
    empty_box = await client.get("/decisions?search=")

    # Then only matching decisions are listed, as the document answers, the search shown back escaped
    assert [row[0] for row in page.rows[1:]] == [e["node"]["reference"] for e in data["decisions"]["edges"]]
    assert [row[0] for row in page.rows[1:]] == ["JC-VN-2026-001"]
    assert sorted(row[0] for row in everywhere.rows[1:]) == ["JC-MN-2026-001", "JC-VN-2026-001"]
    assert "Search decisions (reference, title, summary)" in page.text and "決定を検索" in everywhere.text
    assert 'value="chiller"' in in_vn.text and "<efficiency>" not in in_vn.text
    assert empty_box.status_code == 200 and len(HtmlPage(empty_box.text).rows) == 4
    # and its CSV link exports what was found
    assert (await client.get(page.anchor("CSV"))).text.count("JC-") == 1
    too_long = await client.get("/decisions?search=" + "x" * 201)
    assert too_long.status_code == 400 and "The query parameter search" in HtmlPage(too_long.text).text


def test_names_and_messages_fall_back_to_english_where_no_japanese_exists():
    japanese = Speaker("ja")
    assert japanese.name({"en": "Lao PDR", "ja": None}) == "Lao PDR"
    assert japanese.name({"en": "Viet Nam", "ja": "ベトナム"}) == "ベトナム"
    assert japanese.enum("SOME_NEW_VALUE") == "Some new value"
    assert japanese.t("decisions_count", count=3) == "3件の決定"


async def test_a_page_whose_query_fails_is_a_503_page_with_the_request_id(client, monkeypatch):
    # Given the schema failing to answer (the database gone, say)
    async def failing(*args, **kwargs):
        return SimpleNamespace(data=None, errors=[RuntimeError("database unreachable")])

    monkeypatch.setattr(Site, "execute", failing)

    # When the home page is asked for in Japanese
    response = await client.get("/", headers={"Accept-Language": "ja"})

    # Then the visitor gets a page in Japanese quoting the request id, not a trace
    assert response.status_code == 503
    text = HtmlPage(response.text).text
    assert "このページは現在表示できません" in text and response.headers["x-request-id"] in text
    assert "database unreachable" not in response.text
