"""A committee's page on the public site (issue 15) and its public comment form, over HTTP: the
page's sections (members and co-chairs, rules with their version lines, decisions, methodologies,
TPEs by function and scope, projects, items open for public input with their comments); a form
only on items open today; a comment sent with it is the API's submitPublicComment (303, then
listed); each refusal names its field, keeps the visitor's values and records nothing; the rate
limit is the API's; English and Japanese; the statements behind the page do not grow with its rows."""

from contextlib import asynccontextmanager
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from api.app import close_listeners, create_app
from api.ids import to_global_id
from resolvers.comments import AFFILIATION_MAX, AUTHOR_MAX, BODY_MAX
from tests.support.committees import given_members_and_meetings_everywhere
from tests.support.db import count_statements, snapshot
from tests.support.documents import COMMENT
from tests.support.html_page import HtmlPage
from tests.support.projects import PDD_URI

FORM = {"content-type": "application/x-www-form-urlencoded"}
RECORDS = ("public_comment", "audit_event")  # a refused comment leaves no row in either


class Forms(HTMLParser):
    """The page's comment forms (POST; the site's search box on every page is left out) as a test
    reads them: per form its action, method, the open item (article) it sits in, its fields
    (attributes) and labels (text by `for`), and its error summary's links."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.labels: dict[str, str] = {}
        self._article: str | None = None
        self._in_form = False
        self._label: tuple[str, list[str]] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "article":
            self._article = attributes.get("id")
        elif tag == "form" and attributes.get("method") == "post":
            self._in_form = True
            self.forms.append({**attributes, "item": self._article, "fields": {}, "summary": []})
        elif tag in ("input", "textarea") and self._in_form:
            self.forms[-1]["fields"][attributes["name"]] = attributes
        elif tag == "label":
            self._label = (attributes["for"], [])
        elif tag == "a" and self._in_form and attributes.get("href", "").startswith("#"):
            self.forms[-1]["summary"].append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "label" and self._label:
            self.labels[self._label[0]] = " ".join("".join(self._label[1]).split())
            self._label = None
        if tag == "article":
            self._article = None
        if tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._label:
            self._label[1].append(data)

    def form_of(self, item_id: str) -> dict[str, Any]:
        return next(form for form in self.forms if form["fields"]["item"]["value"] == item_id)

    def label(self, field: dict[str, Any]) -> str:
        return self.labels[field["id"]]


async def given_a_committee_with_one_of_each(flow, rules, tpe_flow, projects, methodology_flow, engine) -> dict:
    """Members, two versions of the Rules of Procedure, a TPE for validation and verification, a
    methodology in public input, a project whose PDD is in public input and one still without PDD."""
    await given_members_and_meetings_everywhere(engine)
    await rules.adopt(type="RULES_OF_PROCEDURE", uri="https://www.jcm.go.jp/vn-jp/rules/rop-1")
    await rules.adopt(type="RULES_OF_PROCEDURE", uri="https://www.jcm.go.jp/vn-jp/rules/rop-2")
    entity = await tpe_flow.entity("Example Verification Ltd.", "JP")
    await tpe_flow.designate(entity, validation=[1, 3], verification=[3])
    methodology = await methodology_flow.published("VN", title="Chillers <b>bold</b>")
    open_project = await projects.planned("VN")
    await projects.with_pdd(open_project.id)
    await projects.planned("VN")  # no PDD yet: nothing to comment on
    return {
        "proposal": methodology["proposal"]["id"],
        "project": to_global_id("Project", open_project.id),
    }


async def post_comment(client, item: str, path: str = "/committees/VN/comments", **fields: str) -> httpx.Response:
    data = {"item": item, "author": "Nguyen Van A", "affiliation": "Hanoi University", "body": "Please add X."}
    return await client.post(path, content=urlencode(data | fields), headers=FORM)


async def test_the_page_shows_its_sections_and_a_form_only_on_items_open_for_public_input(
    flow, rules, tpe_flow, projects, methodology_flow, engine, client
):
    # Given a committee with one of each thing the page lists
    items = await given_a_committee_with_one_of_each(flow, rules, tpe_flow, projects, methodology_flow, engine)

    # When its page is opened
    response = await client.get("/committees/VN")

    # Then it shows the co-chairs, the rule in force with its line, the TPEs by function and scope
    assert response.status_code == 200
    page, forms = HtmlPage(response.text), Forms(response.text)
    assert "Co-chairs Co-chair VN JAPAN (Japan), Co-chair VN PARTNER (Viet Nam)" in page.text
    rule = next(row for row in page.rows if row[0].startswith("Rules of Procedures"))
    assert rule[:3] == [
        "Rules of Procedures for the Joint Committee",
        "JCM_VN_RoP_ver02.0 (ver02.0)",
        "28 November 2026",
    ]
    assert "1 earlier JCM_VN_RoP_ver01.0 (ver01.0), Superseded, Effective from 28 November 2026" in page.text
    assert ("https://www.jcm.go.jp/vn-jp/rules/rop-1", "JCM_VN_RoP_ver01.0") in page.anchors
    scopes = [row for row in page.rows if row and row[1].startswith("Example Verification Ltd.")]
    # validation of scopes 1 and 3, then verification of scope 3
    energy_industries, energy_demand = "1. Energy industries (renewable/non-renewable sources)", "3. Energy demand"
    assert [row[0] for row in scopes] == [energy_industries, energy_demand, energy_demand]
    assert "Validation Sectoral scope" in page.text and "Verification Sectoral scope" in page.text
    # and the two items open for public input, each with its closing day and a form, escaped
    assert "<b>" not in response.text and "Chillers <b>bold</b>" in page.text
    assert sorted(form["fields"]["item"]["value"] for form in forms.forms) == sorted(items.values())
    assert "Kind Methodology approval Comments taken until 12 December 2026" in page.text
    assert "Kind Project design document (PDD) of VN_PIN001 Comments taken until 27 December 2026" in page.text
    assert (PDD_URI, "Project design document (PDD) of VN_PIN001") in page.anchors
    for form in forms.forms:
        assert (form["method"], form["action"], form["item"]) == (
            "post",
            f"/committees/VN/comments#item-{form['fields']['item']['value']}",
            f"item-{form['fields']['item']['value']}",
        )
        fields = form["fields"]
        assert [(name, fields[name].get("maxlength"), "required" in fields[name]) for name in fields] == [
            ("item", None, False),
            ("author", str(AUTHOR_MAX), True),  # the API's limits: the browser stops where the API would
            ("affiliation", str(AFFILIATION_MAX), False),
            ("body", str(BODY_MAX), True),
        ]
        assert [forms.label(fields[name]) for name in ("author", "affiliation", "body")] == [
            "Your name (required)",
            "Affiliation (optional)",
            "Comment (required)",
        ]


async def test_a_comment_sent_with_the_form_is_303_to_the_item_where_it_is_listed(methodology_flow, client):
    # Given a methodology in public input, its page read in Japanese
    proposal = (await methodology_flow.published("VN", title="Chillers"))["proposal"]["id"]
    seen = await client.get("/committees/VN?lang=ja")
    form = Forms(seen.text).form_of(proposal)
    assert form["action"] == f"/committees/VN/comments?lang=ja#item-{proposal}"

    # When a visitor sends a comment with the form (markup in it is text)
    sent = await post_comment(client, proposal, form["action"], body="Add <i>chillers</i> & pumps.\nThanks.")

    # Then they are sent back to the item, in their language, where the comment is listed
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/committees/VN?lang=ja#item-{proposal}"
    page = await client.get(sent.headers["location"], headers={"If-None-Match": seen.headers["etag"]})
    assert page.status_code == 200  # a browser revalidating its copy gets the page with the comment
    text = HtmlPage(page.text).text
    assert "Nguyen Van A、Hanoi University · 2026年11月28日 Add <i>chillers</i> & pumps. Thanks." in text
    assert "寄せられたコメント：1件" in text and "<i>" not in page.text
    # as the API recorded it
    graphql = await client.post(
        "/graphql",
        json={
            "query": '{ committee(code: "VN") { proposals(status: [PUBLIC_INPUT]) { edges { node { publicInput { comments { author body } } } } } } }'
        },
    )
    comments = graphql.json()["data"]["committee"]["proposals"]["edges"][0]["node"]["publicInput"]["comments"]
    assert comments == [{"author": "Nguyen Van A", "body": "Add <i>chillers</i> & pumps.\nThanks."}]


async def test_a_comment_on_a_project_design_document_is_listed_with_it(projects, client):
    # Given a project whose PDD is in public input
    project = await projects.planned("VN")
    await projects.with_pdd(project.id)
    item = to_global_id("Project", project.id)

    # When a comment is sent without an affiliation
    sent = await post_comment(client, item, affiliation="")

    # Then it is listed under the PDD, without one
    assert (sent.status_code, sent.headers["location"]) == (303, f"/committees/VN#item-{item}")
    text = HtmlPage((await client.get("/committees/VN")).text).text
    assert "Comments received: 1 Nguyen Van A · 28 November 2026 Please add X." in text


@pytest.mark.parametrize(
    ("lang", "fields", "field", "message"),
    [
        ("en", {"author": "  "}, "author", "Enter your name."),
        ("en", {"body": "x" * 10_001}, "body", "The comment must be at most 10000 characters (it has 10001)."),
        (
            "en",
            {"affiliation": "a" * 201},
            "affiliation",
            "The affiliation must be at most 200 characters (it has 201).",
        ),
        ("ja", {"body": ""}, "body", "コメントを入力してください。"),
        ("ja", {"author": "名" * 201}, "author", "氏名は200文字以内で入力してください（現在201文字）。"),
    ],
    ids=["blank-author", "long-body", "long-affiliation", "ja-blank-body", "ja-long-author"],
)
async def test_a_comment_the_api_refuses_shows_the_form_again_with_the_error_at_its_field(
    methodology_flow, engine, client, lang, fields, field, message
):
    # Given a methodology in public input
    proposal = (await methodology_flow.published("VN"))["proposal"]["id"]
    before = await snapshot(engine, *RECORDS)

    # When a comment the API refuses is sent
    response = await post_comment(client, proposal, f"/committees/VN/comments?lang={lang}", **fields)

    # Then the page comes back, 400, with the message at the field, linked from the form's summary
    assert response.status_code == 400
    form = Forms(response.text).form_of(proposal)
    key = f"item-{proposal}"
    wrong = form["fields"][field]
    assert (wrong["aria-invalid"], wrong["aria-describedby"]) == ("true", f"{key}-{field}-error")
    assert f'<span class="field-error" id="{key}-{field}-error">{message}</span>' in response.text
    assert form["summary"] == [f"#{key}-{field}"]
    title = "コメントは送信されませんでした" if lang == "ja" else "Your comment was not sent"
    assert f"{title} {message}" in HtmlPage(response.text).text
    # with what the visitor typed kept, the other fields not marked
    values = {"author": "Nguyen Van A", "affiliation": "Hanoi University", "body": "Please add X."} | fields
    assert form["fields"]["author"]["value"] == values["author"]
    assert f">{values['body']}</textarea>" in response.text
    assert [name for name, attributes in form["fields"].items() if "aria-invalid" in attributes] == [field]
    # in the visitor's language, and nothing recorded
    assert HtmlPage(response.text).lang == lang
    if lang == "ja":
        assert Forms(response.text).label(form["fields"]["author"]) == "氏名 (必須)"
    assert await snapshot(engine, *RECORDS) == before


async def test_an_item_whose_window_closed_is_shown_without_a_form_and_refused(projects, frozen_clock, engine, client):
    # Given a project whose PDD's window closed yesterday
    project = await projects.with_closed_pdd(frozen_clock)
    item = to_global_id("Project", project.id)
    before = await snapshot(engine, *RECORDS)

    # When the page is opened, and a comment sent on it all the same
    page = await client.get("/committees/VN")
    response = await post_comment(client, item)

    # Then the page offers no form, and the post is refused naming the item, nothing recorded
    assert Forms(page.text).forms == [] and "Nothing is open for public input now." in HtmlPage(page.text).text
    assert response.status_code == 400
    assert "the form field item names nothing open for public input" in HtmlPage(response.text).text
    assert await snapshot(engine, *RECORDS) == before


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"fields": {"email": "a@example.org"}}, 400, "the form field email is not taken here"),
        ({"raw": "item={item}&author=A&author=B&body=x"}, 400, "the form field author is given more than once"),
        ({"raw": "author=A&body=x"}, 400, "the form field item must be the id of an item open"),
        ({"fields": {"item": "not-an-id"}}, 400, "the form field item must be the id of an item open"),
        ({"fields": {"item": to_global_id("Decision", 1)}}, 400, "the form field item must be the id of an item open"),
        (
            {"other_committee": True},
            400,
            "the form field item names nothing open for public input on the Japan–Viet Nam",
        ),
        ({"content_type": "application/json"}, 415, "send the comment as an HTML form"),
        ({"content_type": "multipart/form-data; boundary=x"}, 415, "send the comment as an HTML form"),
        ({"raw": "item={item}&author=A&body=" + "x" * 98_300}, 413, "the form is over 98304 bytes"),
        ({"raw": "item={item}&author=%FF&body=x"}, 400, "the form is not valid UTF-8"),
        ({"raw": "item={item}&author=A&body=x%00y"}, 400, "the form field body holds a NUL character"),
        ({"path": "/committees/VN/comments?page=2"}, 400, "The query parameter page cannot be used here"),
        ({"path": "/committees/XX/comments"}, 404, "No Joint Committee has the code XX"),
    ],
    ids=[
        "unknown-field",
        "repeated-field",
        "no-item",
        "malformed-item",
        "item-of-another-type",
        "item-of-another-committee",
        "json",
        "multipart",
        "too-large",
        "not-utf8",
        "nul",
        "unknown-parameter",
        "unknown-committee",
    ],
)
async def test_a_post_that_is_not_this_form_is_refused_saying_why_and_records_nothing(
    methodology_flow, engine, client, change, status, says
):
    # Given a methodology in public input here, and one in Mongolia
    item = (await methodology_flow.published("VN"))["proposal"]["id"]
    if change.get("other_committee"):
        item = (await methodology_flow.published("MN"))["proposal"]["id"]
    before = await snapshot(engine, *RECORDS)

    # When something other than this form is posted
    data = {"item": item, "author": "A", "body": "x"} | change.get("fields", {})
    body = change["raw"].format(item=item) if "raw" in change else urlencode(data)
    headers = {"content-type": change.get("content_type", FORM["content-type"])}
    response = await client.post(change.get("path", "/committees/VN/comments"), content=body, headers=headers)

    # Then it is refused, saying why (naming the field), and nothing is recorded
    assert response.status_code == status, response.text
    assert says in HtmlPage(response.text).text
    assert await snapshot(engine, *RECORDS) == before


@asynccontextmanager
async def client_at(settings, engine, address: str, **overrides):
    app = create_app(settings.model_copy(update=overrides), engine=engine)
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        await close_listeners(app)


async def test_the_comment_rate_limit_counts_the_form_and_graphql_alike_per_address(
    methodology_flow, settings, engine, client
):
    # Given a limit of 2 comments a minute, one comment already sent over /graphql from an address
    proposal = (await methodology_flow.published("VN"))["proposal"]["id"]
    async with client_at(settings, engine, "203.0.113.7", rate_limit_public_comments="2/minute") as here:
        over_graphql = {"input": {"proposalId": proposal, "author": "A", "body": "First."}}
        first = await here.post("/graphql", json={"query": COMMENT, "variables": over_graphql})
        assert first.json()["data"]["submitPublicComment"]["userErrors"] == []

        # When the form sends a second, then a third, from the same address
        second = await post_comment(here, proposal, body="Second.")
        before = await snapshot(engine, *RECORDS)
        third = await post_comment(here, proposal, "/committees/VN/comments?lang=ja", body="Third.")

        # Then the third is refused, 429 with Retry-After, shown in the form with the values kept
        assert second.status_code == 303
        assert third.status_code == 429
        seconds = int(third.headers["retry-after"])
        assert 1 <= seconds <= 60
        form = Forms(third.text).form_of(proposal)
        assert form["fields"]["author"]["value"] == "Nguyen Van A" and ">Third.</textarea>" in third.text
        assert (
            f"このアドレスからのコメントが多すぎます。{seconds}秒後にもう一度お試しください。"
            in HtmlPage(third.text).text
        )
        assert await snapshot(engine, *RECORDS) == before
        # and over /graphql too
        assert (await here.post("/graphql", json={"query": COMMENT, "variables": over_graphql})).status_code == 429

    # while another address still has its own budget
    async with client_at(settings, engine, "198.51.100.9", rate_limit_public_comments="2/minute") as there:
        assert (await post_comment(there, proposal)).status_code == 303


async def count_page(client, engine) -> int:
    """The statements behind the committee page, without those reading the publication version for
    its ETag (audit_event: their number depends on timing on PostgreSQL)."""
    with count_statements(engine) as counter:
        response = await client.get("/committees/VN")
    assert response.status_code == 200
    return len([statement for statement in counter.statements if "audit_event" not in statement])


async def test_statements_behind_the_committee_page_do_not_grow_with_its_rows(
    flow, rules, tpe_flow, projects, methodology_flow, settings, engine, client
):
    # Given one of each thing the page lists, a comment on each open item, and the page counted
    items = await given_a_committee_with_one_of_each(flow, rules, tpe_flow, projects, methodology_flow, engine)
    await flow.decide("VN")
    async with client_at(settings, engine, "203.0.113.7", rate_limit_public_comments="") as unlimited:
        for item in items.values():
            assert (await post_comment(unlimited, item)).status_code == 303
    few = await count_page(client, engine)

    # When there are many of each: decisions, rule versions, TPEs, open items and their comments
    for _ in range(3):
        await flow.decide("VN")
        await rules.adopt(type="RULES_OF_PROCEDURE")
        await tpe_flow.designate(await tpe_flow.entity(f"Entity {_}", "JP"), validation=[2], verification=[2, 4])
        proposal = (await methodology_flow.published("VN"))["proposal"]["id"]
        project = await projects.planned("VN")
        await projects.with_pdd(project.id)
        async with client_at(settings, engine, "203.0.113.7", rate_limit_public_comments="") as unlimited:
            for item in (proposal, to_global_id("Project", project.id), *items.values()):
                assert (await post_comment(unlimited, item)).status_code == 303

    # Then the page costs the same statements, and few
    assert await count_page(client, engine) == few
    assert few <= 19, few


async def test_every_item_open_today_has_its_form_however_many_others_the_committee_has(flow, projects, client):
    # Given a proposal and a project design document opened for public input first, then more
    # proposals in public input and more PLANNED projects without a PDD than a page of 20 holds
    first = await flow.in_status("PUBLIC_INPUT", title="Opened first")
    project = await projects.planned("VN")
    await projects.with_pdd(project.id)
    for number in range(22):
        await flow.in_status("PUBLIC_INPUT", title=f"Opened later {number}")
        await projects.planned("VN")
    oldest = {first["id"], to_global_id("Project", project.id)}

    # When the committee page is opened
    page = await client.get("/committees/VN")

    # Then every open item has its form, the two opened first included
    forms = Forms(page.text)
    listed = {form["fields"]["item"]["value"] for form in forms.forms}
    assert oldest <= listed and len(listed) == 24
    # and a comment on the one opened first is taken
    sent = await post_comment(client, first["id"])
    assert sent.status_code == 303


async def test_the_forms_url_opened_sends_to_its_committee_page_and_refusals_link_that_page_in_the_other_language(
    client,
):
    # Given the comment form's URL, opened (a reload or a shared link after a refusal)
    opened = await client.get("/committees/VN/comments")
    # Then it is the committee page it came from
    assert (opened.status_code, opened.headers["location"]) == (303, "/committees/VN")
    # and another method is a 405 naming the methods it takes
    put = await client.put("/committees/VN/comments")
    assert put.status_code == 405 and "POST" in put.headers["allow"]

    # Given a refused post, in Japanese
    refused = await client.post("/committees/VN/comments?lang=ja", content="item=bad&author=a&body=b", headers=FORM)
    # Then its language link is the committee page in English, not the form's URL
    assert refused.status_code == 400
    assert 'href="/committees/VN?lang=en"' in refused.text and "/comments?lang=en" not in refused.text


async def test_a_visitor_gone_before_the_form_arrived_is_no_error_and_records_nothing(
    methodology_flow, settings, engine, caplog
):
    # Given a post whose sender goes away after part of its form (Content-Length says 5,000 bytes)
    item = (await methodology_flow.published("VN"))["proposal"]["id"]
    before = await snapshot(engine, *RECORDS)
    app = create_app(settings, engine=engine)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/committees/VN/comments",
        "raw_path": b"/committees/VN/comments",
        "query_string": b"",
        "headers": [(b"host", b"test"), (b"content-type", FORM["content-type"].encode()), (b"content-length", b"5000")],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    parts = [{"type": "http.request", "body": f"item={item}&author=A&bo".encode(), "more_body": True}]
    sent: list[dict] = []

    async def receive() -> dict:
        return parts.pop(0) if parts else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    # When the app answers it
    try:
        await app(scope, receive, send)
    finally:
        await close_listeners(app)

    # Then it answers 400 without an error logged, and nothing is recorded
    assert sent[0]["status"] == 400
    assert not [record for record in caplog.records if record.levelname in ("ERROR", "CRITICAL")]
    assert await snapshot(engine, *RECORDS) == before
