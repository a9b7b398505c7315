"""Search across the register and the decision register's filters on the public site (issue 15):
`/search?q=` groups the public `search` query's hits by kind, each linked to its page; every page
has the search box; `/decisions` filters by kind, outcome and dates, keeps the filters in its
paging links and hands them to the exports; and its keyset "next page" links cost the same on page
50 as on page 1 of a large register and keep working while decisions are published."""

import re
from datetime import UTC, datetime

from seed import bulk
from tests.support.browser import axe_context, axe_violations, loopback_only, offline_browser
from tests.support.db import count_statements
from tests.support.html_page import HtmlPage


async def page_and_data(client, path: str, **headers: str) -> tuple[str, HtmlPage, dict]:
    """The page's HTML, parsed, and the answer of its own GraphQL document (its application/json link)."""
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    page = HtmlPage(response.text)
    data = (await client.get(page.link("application/json"))).json()
    assert "errors" not in data, data
    return response.text, page, data["data"]


async def statements_behind(client, engine, path: str) -> int:
    """The statements behind a page's data, leaving out the publication version read for its ETag
    (at most one per request, and on PostgreSQL only when no notification has told the process)."""
    with count_statements(engine) as counter:
        response = await client.get(path)
    assert response.status_code == 200, response.text
    return len([statement for statement in counter.statements if "audit_event" not in statement])


def day(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}T09:00:00+00:00").astimezone(UTC)


# --- the search page ---------------------------------------------------------------------------


async def test_search_shows_each_kind_it_found_linked_to_its_page(projects, flow, frozen_clock, client):
    # Given a registered project with its chiller methodology and its TPE, an entity about chillers,
    # and a decision about chillers in Mongolia
    registered = await projects.registered(frozen_clock)
    other_tpe = await projects.designated_entity(name="Chiller Testing Ltd.", committee="MN")
    await flow.decide("MN", title="Chillers in Ulaanbaatar")

    # When the site is searched for "chiller", in Japanese
    html, page, data = await page_and_data(client, "/search?q=chiller&lang=ja")

    # Then each kind the search answers is listed under its heading, each hit linked to its page
    found = data["search"]
    assert found["decisions"] and found["methodologies"] and found["entities"] and found["projects"]
    for decision in found["decisions"]:
        assert (f"/decisions/{decision['reference']}?lang=ja", decision["reference"]) in page.anchors
    methodology = found["methodologies"][0]
    assert methodology["reference"] == registered["methodology"]
    assert (f"/methodologies/{registered['methodology']}?lang=ja", registered["methodology"]) in page.anchors
    assert [entity["name"] for entity in found["entities"]] == ["Chiller Testing Ltd."]
    assert (f"/tpes/{other_tpe}?lang=ja", other_tpe) in page.anchors
    project = found["projects"][0]
    assert (f"/projects/{project['reference']}?lang=ja", project["reference"]) in page.anchors
    # with the number of each kind, the decisions' being all that match in the register
    total = data["decisions"]["totalCount"]
    assert total == len(found["decisions"]) >= 2
    for heading in (f"決定 ({total})", "方法論 (1)", "第三者機関 (1)", "プロジェクト (1)"):
        assert heading in page.text, heading
    # and a link into the decision register searched the same way, which lists the same decisions
    more = page.anchor(f"該当する決定 {total} 件をすべて決定一覧で見る")
    assert more == "/decisions?search=chiller&lang=ja"
    register = HtmlPage((await client.get(more)).text)
    assert sorted(row[0] for row in register.rows[1:]) == sorted(d["reference"] for d in found["decisions"])
    # and the words searched stay in the box, in a Japanese page
    assert page.lang == "ja" and 'name="q" type="search" maxlength="200" value="chiller"' in html


async def test_search_with_nothing_found_or_nothing_typed_says_so(flow, client):
    # Given a decision
    await flow.decide("VN", title="Interim rules")

    # When the site is searched for words nothing has, for markup, and with an empty box
    nothing = await page_and_data(client, "/search?q=zebra+crossing")
    markup = await client.get("/search?q=%3Cb%3Ebold")
    japanese = HtmlPage((await client.get("/search?q=zebra&lang=ja")).text)
    empty = [await client.get(path) for path in ("/search", "/search?q=", "/search?q=+++")]

    # Then it says nothing was found, keeping the words (escaped) in the box, and links no register
    html, page, _ = nothing
    assert "Nothing found for “zebra crossing”" in page.text
    assert 'value="zebra crossing"' in html
    assert not any(href.startswith("/decisions?search") for href, _ in page.anchors)
    assert markup.status_code == 200 and "<b>" not in markup.text and 'value="&lt;b&gt;bold"' in markup.text
    assert "「zebra」に該当するものはありません" in japanese.text
    # and an empty box is the empty form: no results, no "nothing found"
    for response in empty:
        assert response.status_code == 200
        text = HtmlPage(response.text).text
        assert text.startswith("Search Search the register Search Decisions, methodologies") and "Nothing" not in text
        assert 'name="q" type="search" maxlength="200" value=""' in response.text


async def test_a_bad_search_is_a_400_page_naming_the_parameter(client):
    cases = {
        "/search?q=" + "x" * 201: "q",  # longer than any search a person types
        "/search?q=a%00b": "q",  # not printable
        "/search?query=chiller": "query",  # not this page's parameter: not silently the empty form
        "/search?q=a&q=b": "q",
        "/search?q=a&lang=fr": "lang",
    }
    for path, parameter in cases.items():
        # When
        english = await client.get(path)
        japanese = await client.get(path, headers={"Accept-Language": "ja"})

        # Then
        assert (english.status_code, japanese.status_code) == (400, 400), path
        assert f"The query parameter {parameter} cannot be used here" in HtmlPage(english.text).text, path
        assert f"クエリパラメータ {parameter} はここでは使えません" in HtmlPage(japanese.text).text, path
    assert "use at most 200 printable characters" in HtmlPage((await client.get("/search?q=a%00b")).text).text
    assert "It takes: lang, q." in HtmlPage((await client.get("/search?query=chiller")).text).text


async def test_every_page_has_a_labelled_search_box_that_opens_the_search(projects, frozen_clock, client):
    # Given a registered project (with its decisions, methodology and TPE)
    registered = await projects.registered(frozen_clock)
    pages = [
        "/",
        "/committees/VN",
        "/decisions",
        "/decisions/JC-VN-2026-001",
        f"/methodologies/{registered['methodology']}",
        f"/projects/{registered['reference']}",
        f"/tpes/{registered['tpe']}",
        "/decisions/JC-VN-2026-999",  # a 404 page
        "/decisions?kind=NOPE",  # a 400 page
    ]
    box = re.compile(
        r'<form method="get" action="/search" role="search" aria-label="([^"]+)">\s*'
        r'<label for="site-search">\1</label>\s*<input id="site-search" name="q" type="search"'
    )
    for path in pages:
        # When a page is opened, in English and in Japanese
        english = await client.get(path)
        japanese = await client.get(path, headers={"Accept-Language": "ja"})

        # Then it holds one search form, labelled, sending q to /search, in the page's language
        assert box.search(english.text) and "Search the register" in english.text, path
        assert box.search(japanese.text) and "登録簿を検索" in japanese.text, path
        assert '<input type="hidden" name="lang" value="ja">' in japanese.text.split('action="/search"')[1], path
        assert english.text.count('role="search"') <= 2 and "<script" not in english.text, path
    # and what it sends is the search page
    found = HtmlPage((await client.get(f"/search?q={registered['reference']}&lang=ja")).text)
    assert (f"/projects/{registered['reference']}?lang=ja", registered["reference"]) in found.anchors


async def test_statements_behind_the_search_page_do_not_grow_with_its_hits(
    projects, flow, frozen_clock, engine, client
):
    # Given one hit of each kind (an entity with its designation among them), and the page counted
    await projects.registered(frozen_clock)
    await projects.designated_entity(name="Chiller Lab", committee="VN")
    few = await statements_behind(client, engine, "/search?q=chiller")

    # When many more of each kind match
    for number in range(4):
        await projects.designated_entity(name=f"Chiller Lab {number}", committee="MN")
        await flow.decide("KE", title=f"Chillers {number}")
    await projects.planned("MN")

    # Then the page costs the same number of statements
    assert await statements_behind(client, engine, "/search?q=chiller") == few
    assert await statements_behind(client, engine, "/search") == 0  # an empty box asks nothing


async def test_search_and_filtered_pages_asked_for_again_unchanged_are_304s(flow, client):
    # Given a search and a filtered register fetched once
    await flow.decide("VN", title="Chiller benchmarks")
    for path in ("/search?q=chiller", "/search", "/decisions?kind=OTHER&from=2026-11-01&lang=ja"):
        first = await client.get(path)

        # When asked again with its ETag, and for other words
        again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
        other = await client.get(path + "&outcome=APPROVED" if "kind" in path else "/search?q=bench")

        # Then the same page is a 304, another is not
        assert (again.status_code, again.content) == (304, b""), path
        assert other.status_code == 200 and other.headers["etag"] != first.headers["etag"], path
    # and after a new decision the search is answered again
    searched = await client.get("/search?q=chiller")
    await flow.decide("MN", title="Chillers in Ulaanbaatar")
    again = await client.get("/search?q=chiller", headers={"If-None-Match": searched.headers["etag"]})
    assert again.status_code == 200 and "JC-MN-2026-001" in again.text


# --- the decision register's filters -------------------------------------------------------------


async def test_the_register_filters_by_kind_outcome_and_dates_and_exports_what_it_shows(flow, frozen_clock, client):
    # Given decisions of two kinds and outcomes on three days in two committees
    await flow.decide("VN", title="Interim rules")  # 28 November, OTHER, APPROVED
    frozen_clock.set(day("2026-12-03"))
    await flow.decide("VN", title="Monitoring guidance", outcome="NOT_APPROVED")
    frozen_clock.set(day("2026-12-10"))
    await flow.decide("MN", title="Fees", outcome="NOT_APPROVED")

    # When the register is filtered by outcome, by dates, and by all of them in Viet Nam, in Japanese
    _, refused, data = await page_and_data(client, "/decisions?outcome=NOT_APPROVED")
    _, between, _ = await page_and_data(client, "/decisions?from=2026-12-01&to=2026-12-05")
    html, all_of_them, _ = await page_and_data(
        client,
        "/decisions?committee=VN&search=guidance&kind=OTHER&outcome=NOT_APPROVED&from=2026-12-03&to=2026-12-03&lang=ja",
    )
    none_match = HtmlPage((await client.get("/decisions?kind=CREDIT_ISSUANCE")).text)
    blank_form_html = (await client.get("/decisions?search=&kind=&outcome=&from=&to=")).text
    blank_form = HtmlPage(blank_form_html)

    # Then each lists only what its document answers, which is what matches
    assert [row[0] for row in refused.rows[1:]] == [e["node"]["reference"] for e in data["decisions"]["edges"]]
    assert [row[0] for row in refused.rows[1:]] == ["JC-MN-2026-001", "JC-VN-2026-002"]
    assert [row[0] for row in between.rows[1:]] == ["JC-VN-2026-002"]
    assert [row[0] for row in all_of_them.rows[1:]] == ["JC-VN-2026-002"]
    assert "この条件に該当する公表された決定はありません。" not in all_of_them.text
    assert none_match.rows == [] and "No published decision matches these filters." in none_match.text
    assert len(blank_form.rows[1:]) == 3  # the form's empty fields are no filter
    # with the filters shown back in the form, the values in the page's language
    assert '<option value="OTHER" selected>その他</option>' in html
    assert '<option value="NOT_APPROVED" selected>不承認</option>' in html
    assert '<option value="CREDIT_ISSUANCE">クレジットの発行</option>' in html
    assert 'name="from" type="date" value="2026-12-03"' in html and 'name="to" type="date" value="2026-12-03"' in html
    assert '<input type="hidden" name="committee" value="VN">' in html
    for label in ("種類", "結果", "決定日（から）", "決定日（まで）", "決定を検索（参照番号・件名・概要）"):
        assert re.search(rf'<label for="[a-z]+">{re.escape(label)}</label>', html), label
    # and its CSV and JSON links export the same filtered list; the feed gets only the committee
    csv_link, json_link = all_of_them.anchor("CSV"), all_of_them.anchor("JSON")
    for link in (csv_link, json_link):
        assert "committee=VN&search=guidance&kind=OTHER&outcome=NOT_APPROVED&from=2026-12-03&to=2026-12-03" in link
        exported = await client.get(link)
        assert exported.status_code == 200 and exported.text.count("JC-") == 1 and "JC-VN-2026-002" in exported.text
    assert all_of_them.anchor("Atomフィード").endswith("/feeds/decisions.atom?committee=VN")
    assert "フィードは絞り込まず" in all_of_them.text and "unfiltered" not in HtmlPage(blank_form_html).text
    csv = (await client.get(refused.anchor("CSV"))).text
    assert "JC-MN-2026-001" in csv and "JC-VN-2026-002" in csv and "JC-VN-2026-001" not in csv
    assert refused.anchor("Atom feed").endswith("/feeds/decisions.atom")
    assert (await client.get(refused.anchor("Atom feed"))).status_code == 200


async def test_a_bad_filter_is_a_400_page_naming_it(flow, client):
    await flow.decide("VN")
    cases = {
        "/decisions?kind=NOPE": ("kind", "use one of RULE_VERSION, METHODOLOGY_APPROVAL"),
        "/decisions?outcome=MAYBE": ("outcome", "use one of APPROVED, NOT_APPROVED."),
        "/decisions?from=2026-13-01": ("from", "use a date like 2026-11-28."),
        "/decisions?to=yesterday": ("to", "use a date like 2026-11-28."),
        "/decisions?from=20261201": ("from", "use a date like 2026-11-28."),
        "/decisions?from=2026-12-10&to=2026-12-01": ("to", "it is before the from date, 2026-12-10."),
        "/decisions?kind=OTHER&kind=RULE_VERSION": ("kind", "it is given more than once."),
        "/decisions?year=2026": ("year", "It takes: after, committee, from, kind, lang, outcome, search, to."),
    }
    for path, (parameter, reason) in cases.items():
        # When
        english = await client.get(path)
        japanese = await client.get(path, headers={"Accept-Language": "ja"})

        # Then
        assert (english.status_code, japanese.status_code) == (400, 400), path
        assert f"The query parameter {parameter} cannot be used here" in HtmlPage(english.text).text, path
        assert reason in HtmlPage(english.text).text, path
        assert f"クエリパラメータ {parameter} はここでは使えません" in HtmlPage(japanese.text).text, path
    assert (
        "2026-11-28 のような日付を指定してください"
        in HtmlPage((await client.get("/decisions?from=x", headers={"Accept-Language": "ja"})).text).text
    )


# --- keyset paging on a large register ---------------------------------------------------------


async def test_next_page_links_cost_the_same_deep_in_a_large_register_and_survive_new_decisions(flow, engine, client):
    # Given a register of 3,000 decisions across the committees
    await bulk.build(engine, 3_000)

    # When its "next page" links are followed from the first page to the 50th
    path, pages = "/decisions", []
    for _ in range(50):
        page = HtmlPage((await client.get(path)).text)
        pages.append((path, [row[0] for row in page.rows[1:]]))
        path = page.anchor("Next page")
    deep, first = pages[-1][0], pages[0][0]

    # Then page 50 costs the statements page 1 does
    assert await statements_behind(client, engine, deep) == await statements_behind(client, engine, first)
    # and the pages hold 1,000 different decisions, 20 a page, as the API lists them newest first
    listed = [reference for _, rows in pages for reference in rows]
    assert [len(rows) for _, rows in pages] == [20] * 50 and len(set(listed)) == 1_000
    api = await client.get("/graphql", params={"query": "{ decisions(first: 40) { edges { node { reference } } } }"})
    assert listed[:40] == [edge["node"]["reference"] for edge in api.json()["data"]["decisions"]["edges"]]

    # When decisions are published after the first page was read, and its "next page" link followed
    second_path, second_rows = pages[1]
    await flow.decide("VN", title="Published while paging")
    await flow.decide("MN", title="Also published while paging")
    again = HtmlPage((await client.get(second_path)).text)
    now_first = HtmlPage((await client.get("/decisions")).text)

    # Then that link still gives the page after the one read, and the new decisions lead the first page
    assert [row[0] for row in again.rows[1:]] == second_rows
    assert {row[1] for row in now_first.rows[1:3]} == {"Published while paging", "Also published while paging"}
    assert "Decisions: 3002" in now_first.text


async def test_filtered_pages_keep_their_filters_to_the_last_page_of_a_large_register(engine, client):
    # Given a register of 3,000 decisions
    await bulk.build(engine, 3_000)

    # When the project registrations of 2020 to 2022 are listed in Japanese and paged to the end
    path = "/decisions?kind=PROJECT_REGISTRATION&from=2020-01-01&to=2022-12-31&lang=ja"
    first = HtmlPage((await client.get(path)).text)
    total = int(re.search(r"(\d+)件の決定", first.text).group(1))
    rows, page, links = [], first, []
    while True:
        rows += page.rows[1:]
        if "次のページ" not in page.text:
            break
        links.append(page.anchor("次のページ"))
        page = HtmlPage((await client.get(links[-1])).text)

    # Then every page keeps every filter and the language, and lists only what matches, all of it once
    assert total > 60 and len(links) >= 3
    for link in links:
        assert link.startswith("/decisions?kind=PROJECT_REGISTRATION&from=2020-01-01&to=2022-12-31&after=")
        assert link.endswith("&lang=ja")
    assert page.anchor("最初のページ") == path.replace("&lang=ja", "") + "&lang=ja"
    assert len(rows) == total == len({row[0] for row in rows})
    assert {row[3] for row in rows} == {"プロジェクトの登録"}
    assert all(re.fullmatch(r"202[0-2]年\d+月\d+日", row[5]) for row in rows)
    # and its CSV link exports exactly those
    csv = (await client.get(first.anchor("CSV"))).text
    assert csv.count("\n") - 1 == total


# --- in a real browser ---------------------------------------------------------------------------


async def test_search_and_filter_pages_have_no_serious_accessibility_violation(live_server, flow):
    # Given decisions to find
    await flow.decide("VN", title="Chiller benchmarks")
    await flow.decide("MN", title="Chillers in Ulaanbaatar", outcome="NOT_APPROVED")
    paths = [
        "/search?q=chiller",
        "/search?q=zebra&lang=ja",
        "/search",
        "/decisions?kind=OTHER&outcome=NOT_APPROVED&lang=ja",
        "/decisions?kind=NOPE",
    ]
    async with offline_browser() as browser, axe_context(browser) as context:
        tab = await context.new_page()
        outside = await loopback_only(tab)
        for path in paths:
            # When a visitor opens the page
            await tab.goto(f"{live_server.http_url}{path}")
            await tab.get_by_role("heading", level=1).wait_for()

            # Then axe finds no serious or critical violation
            assert [str(violation) for violation in await axe_violations(tab)] == [], path
        # and the header box searches: typed in and sent, it opens the search page with the words kept
        await tab.goto(f"{live_server.http_url}/decisions?lang=ja")
        await tab.get_by_role("searchbox", name="登録簿を検索").fill("chiller")
        await tab.get_by_role("search", name="登録簿を検索").get_by_role("button").click()
        await tab.get_by_role("heading", level=1, name="検索：chiller").wait_for()
        assert tab.url.endswith("/search?q=chiller&lang=ja")
        assert await tab.get_by_role("searchbox", name="登録簿を検索").input_value() == "chiller"
    assert outside == []


async def test_a_400_page_is_in_the_language_asked_for_wherever_lang_stands(client):
    # Given a visitor who asked for Japanese, a bad parameter before or after `lang`
    for query in ("from=x&lang=ja", "lang=ja&from=x"):
        # When they open the register
        answer = await client.get(f"/decisions?{query}")
        # Then the 400 page names the parameter, in Japanese
        assert answer.status_code == 400
        assert '<html lang="ja">' in answer.text and "from" in answer.text


async def test_words_separated_by_any_unicode_space_are_searched_not_refused(client):
    # Given words typed on a Japanese keyboard (U+3000 between them), pasted with a no-break space or a tab
    for typed in ("冷凍機\u3000高効率", "chiller\u00a0bulk", "chiller\tbulk"):
        # When they are searched, on the search page and on the register
        found = await client.get("/search", params={"q": typed, "lang": "ja"})
        listed = await client.get("/decisions", params={"search": typed})
        # Then both pages answer, the words kept as words
        assert (found.status_code, listed.status_code) == (200, 200)
        assert " ".join(typed.split()) in found.text


async def test_an_empty_committee_on_the_register_is_every_committee_as_on_the_lists(flow, client):
    # Given decisions in two committees
    await flow.decide("VN")
    await flow.decide("MN")
    # When the register is asked with an empty committee, as a form's "any" sends it
    listed = await client.get("/decisions?committee=&lang=en")
    # Then both are listed
    assert listed.status_code == 200
    assert "JC-VN-2026-001" in listed.text and "JC-MN-2026-001" in listed.text
