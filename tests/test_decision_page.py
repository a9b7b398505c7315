"""A decision's public page, `/decisions/{reference}`: the HTML the Atom feed's alternate links open,
rendered from the public GraphQL API in process, escaped, with 404 for an unknown reference and
304 when unchanged."""

from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from tests.support.documents import CIRCULATE, CONSENT, SUBMIT

ATOM = "{http://www.w3.org/2005/Atom}"
INLINE = {"a", "b", "em", "span", "strong", "time"}


class Page(HTMLParser):
    """The page's visible text (tags dropped, entities decoded), its <link>s and <a>s."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[dict] = []
        self.anchors: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag not in INLINE:
            self.parts.append(" ")
        if tag in ("style", "title"):
            self._skip += 1
        if tag == "link":
            self.links.append(dict(attrs))
        if tag == "a":
            self.anchors.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def link(self, type_: str) -> str:
        return next(link["href"] for link in self.links if link.get("type") == type_)


async def test_a_decision_page_shows_the_decision_escaped(flow, client):
    # Given a decision whose title holds markup, refused by Japan with a statement
    await flow.decide("ID", title="<script>alert(1)</script> Fees & charges", summary="Fees.", outcome="NOT_APPROVED")

    # When its page is opened
    response = await client.get("/decisions/JC-ID-2026-001")

    # Then it is HTML in which the title is text, never markup
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<script>" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Fees &amp; charges" in response.text
    page = Page(response.text)
    assert page.text.startswith(
        "Japan–Indonesia Joint Committee (日本・インドネシア合同委員会)"
        " JC-ID-2026-001: <script>alert(1)</script> Fees & charges"
    )
    # with every part of the decision
    assert (
        "Reference JC-ID-2026-001 Committee Japan–Indonesia Joint Committee (ID) Kind Other Outcome Not approved "
        "Decided on 28 November 2026 Mode Electronic Summary Fees. "
        "Positions Side Position Statement Japan Objection Not additional."
    ) in page.text
    # and links to the same decision as data and to its committee's feed, on the public address
    assert page.link("application/atom+xml") == ("http://127.0.0.1:8000/feeds/decisions.atom?committee=ID")
    assert next(link["href"] for link in page.links if link["rel"] == "canonical") == (
        "http://127.0.0.1:8000/decisions/JC-ID-2026-001"
    )


async def test_the_page_shows_what_its_graphql_document_answers_the_public(flow, client, tokens):
    # Given a decision taken at a meeting by both sides' consent
    meeting = await flow.meeting("VN", "2026-11-28")
    proposal = await flow.create("VN", title="Chiller efficiency benchmarks", summary="Benchmarks.")
    await flow.ok(SUBMIT, {"id": proposal["id"]}, "secretariat")
    await flow.ok(CIRCULATE, {"id": proposal["id"], "mode": "MEETING", "meetingId": meeting["id"]}, "secretariat")
    await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")
    await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")

    # When the page is opened, by the public and by the secretariat
    public = await client.get("/decisions/JC-VN-2026-001")
    secretariat = await client.get(
        "/decisions/JC-VN-2026-001", headers={"Authorization": f"Bearer {await tokens.secretariat()}"}
    )
    # and its JSON link (the page's own GraphQL document, by GET) is followed
    data = await client.get(Page(public.text).link("application/json"))

    # Then the page is the public's whoever asks
    assert public.status_code == secretariat.status_code == 200
    assert public.text == secretariat.text
    text = Page(public.text).text
    assert "Mode At meeting 1 of the committee, held on 28 November 2026" in text
    assert "Japan Consent Viet Nam Consent" in text
    # and it shows what that document answers
    decision = data.json()["data"]["decision"]
    assert (decision["reference"], decision["title"], decision["meeting"]) == (
        "JC-VN-2026-001",
        "Chiller efficiency benchmarks",
        {"number": 1, "heldOn": "2026-11-28"},
    )
    assert [(p["side"], p["position"]) for p in decision["positions"]] == [("JAPAN", "CONSENT"), ("PARTNER", "CONSENT")]


async def test_each_feed_entry_links_to_its_decisions_page(flow, client):
    # Given two decisions in the feed
    await flow.decide("VN", title="Interim rules for chillers")
    await flow.decide("MN", title="Monitoring guidance")
    feed = ET.fromstring((await client.get("/feeds/decisions.atom")).content)

    for entry in feed.findall(f"{ATOM}entry"):
        # When an entry's HTML link is followed
        html = next(link for link in entry.findall(f"{ATOM}link") if link.get("type") == "text/html")
        assert html.get("rel") == "alternate"
        response = await client.get(urlsplit(html.get("href")).path)

        # Then it is that decision's page
        assert response.status_code == 200
        reference, title = entry.findtext(f"{ATOM}title").split(": ", 1)
        assert f"{reference}: {title}" in Page(response.text).text


async def test_an_unknown_reference_is_a_404_page(client, flow):
    await flow.decide("VN")

    for path in ("/decisions/JC-VN-2026-002", "/decisions/%3Cb%3Ebold%3C%2Fb%3E", "/decisions/" + "X" * 300):
        # When
        response = await client.get(path)

        # Then a readable page says so, the reference escaped
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "<b>" not in response.text
        assert "No published decision has the reference" in Page(response.text).text
    assert "&lt;b&gt;bold&lt;/b&gt;" in (await client.get("/decisions/%3Cb%3Ebold%3C%2Fb%3E")).text
    # whatever validators a client sends with it
    for conditional in ({"If-Modified-Since": "Sun, 28 Nov 2027 09:00:00 GMT"}, {"If-None-Match": "*"}):
        assert (await client.get("/decisions/JC-VN-2026-002", headers=conditional)).status_code == 404


async def test_a_decision_page_asked_for_again_unchanged_is_a_304(flow, client, engine):
    # Given a page fetched once
    await flow.decide("VN")
    first = await client.get("/decisions/JC-VN-2026-001")

    # When it is asked for again with its validators, then after a new decision
    again = await client.get("/decisions/JC-VN-2026-001", headers={"If-None-Match": first.headers["etag"]})
    since = await client.get("/decisions/JC-VN-2026-001", headers={"If-Modified-Since": first.headers["last-modified"]})
    await flow.decide("VN", title="Another")
    changed = await client.get("/decisions/JC-VN-2026-001", headers={"If-None-Match": first.headers["etag"]})

    # Then
    assert first.headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert first.headers["last-modified"] == "Sat, 28 Nov 2026 09:00:00 GMT"
    assert (again.status_code, again.content, since.status_code) == (304, b"", 304)
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
