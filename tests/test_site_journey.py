"""A visitor's journey through the public register in a real browser (issue 15), by clicking links
and filling forms as a person would, with no URL typed after the first: the home page, Viet Nam's
committee, a decision there, the same decision in Japanese, the decision register searched from its
form and paged forward twice by its "next page" links, and back to Viet Nam, where an item is open
for public input, where they comment on it with the page's form and see their comment listed. Each
step is a function named for what the visitor does, asserting what they see."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from api.site.messages import MESSAGES
from tests.support.browser import loopback_only, offline_browser

EN, JA = MESSAGES["en"], MESSAGES["ja"]
SEARCHED_FOR = "chiller"
PAGE = 20  # decisions per page of the register (api/site/checks.py PAGE_SIZE)
DECISIONS = """
query JourneyRegister {
  decisions(first: 100) { edges { node { reference title } } }
}
"""


@dataclass(frozen=True)
class Register:
    """What the journey's given state holds: the decisions found by searching SEARCHED_FOR (more
    than two pages of them), the one decision about something else that Viet Nam took last, and
    the title of Viet Nam's proposal open for public input."""

    found: frozenset[str]
    followed: str
    followed_title: str
    open_for_comment: str


async def a_register_to_browse(flow: Any) -> Register:
    """Built through the resolvers: 2 * PAGE + 3 decisions about chillers in Viet Nam and 2 in
    Mongolia, then one about something else in Viet Nam (its newest), and a proposal that Viet Nam
    has opened for public input."""
    for committee, count in (("VN", 2 * PAGE + 3), ("MN", 2)):
        for number in range(count):
            id = await flow.created(committee, title=f"Chiller efficiency benchmark {committee} {number + 1}")
            await flow.submit(id)
            await flow.circulate(id, days=14)
            await flow.position(id, "japan")
            await flow.position(id, committee)
    id = await flow.created("VN", title="Interim rules of procedure", summary="Adopted by both sides.")
    await flow.submit(id)
    await flow.circulate(id, days=14)
    await flow.position(id, "japan")
    await flow.position(id, "VN")
    item = await flow.in_status("PUBLIC_INPUT", "VN", title="Guidelines for developing PDDs")
    decided = [edge["node"] for edge in (await flow.gql(DECISIONS))["decisions"]["edges"]]
    followed = next(decision for decision in decided if decision["title"] == "Interim rules of procedure")
    return Register(
        found=frozenset(d["reference"] for d in decided if d["title"].startswith("Chiller")),
        followed=followed["reference"],
        followed_title=followed["title"],
        open_for_comment=item["title"],
    )


# --- how a visitor moves -----------------------------------------------------------------------


async def follow(tab: Any, link: Any) -> None:
    """Click a link and wait until the page it points to is the one shown."""
    target = urljoin(tab.url, await link.get_attribute("href"))
    await link.click()
    await tab.wait_for_url(lambda url: url == target)


async def heading(tab: Any) -> str:
    return (await tab.get_by_role("heading", level=1).inner_text()).strip()


async def listed_references(tab: Any) -> list[str]:
    """The references in the first column of the page's decision table, as shown."""
    return [text.strip() for text in await tab.locator("table tbody tr th[scope=row] a").all_inner_texts()]


# --- the journey, step by step ------------------------------------------------------------------


async def opens_the_home_page(tab: Any, url: str) -> None:
    await tab.goto(url)
    assert await heading(tab) == EN["home_title"]
    assert await tab.locator("html").get_attribute("lang") == "en"
    assert await tab.locator("main a[href^='/committees/']").count() == 30


async def goes_to_viet_nam(tab: Any, register: Register) -> None:
    await follow(tab, tab.get_by_role("link", name="Viet Nam", exact=True))
    assert await heading(tab) == "Japan–Viet Nam Joint Committee"
    recent = tab.get_by_role("region", name=EN["recent_decisions"])
    assert (await listed_references(recent))[0] == register.followed  # its newest decision first
    assert await recent.get_by_text(EN["decisions_count"].format(count=2 * PAGE + 4)).count() == 1


async def follows_a_decision(tab: Any, register: Register) -> None:
    recent = tab.get_by_role("region", name=EN["recent_decisions"])
    await follow(tab, recent.get_by_role("link", name=register.followed, exact=True))
    assert await heading(tab) == f"{register.followed}: {register.followed_title}"
    assert await tab.get_by_role("definition").first.inner_text() == register.followed
    assert urlsplit(tab.url).path == f"/decisions/{register.followed}"


async def switches_to_japanese(tab: Any, register: Register) -> None:
    await follow(tab, tab.get_by_role("navigation", name=EN["nav_label"]).get_by_role("link", name="日本語"))
    assert await tab.locator("html").get_attribute("lang") == "ja"
    assert await heading(tab) == f"{register.followed}: {register.followed_title}"  # the same decision
    terms = [term.strip() for term in await tab.get_by_role("term").all_inner_texts()]
    assert terms[:2] == ["参照番号", "合同委員会"]
    assert "日本・ベトナム合同委員会 (VN)" in await tab.get_by_role("definition").all_inner_texts()
    assert await tab.get_by_role("link", name="English").count() == 1


async def searches_the_decision_register(tab: Any, register: Register) -> list[str]:
    """Goes to the register by the site's navigation and searches from its form; the references on
    the first page of what was found."""
    await follow(tab, tab.get_by_role("navigation", name=JA["nav_label"]).get_by_role("link", name=JA["all_decisions"]))
    assert await heading(tab) == JA["decisions_title"]
    assert await tab.locator("html").get_attribute("lang") == "ja"

    form = tab.get_by_role("search", name=JA["filter_decisions"])  # the register's own, not the site's box
    await form.get_by_label(JA["search_label"]).fill(SEARCHED_FOR)
    await form.get_by_role("button", name=JA["filter_button"]).click()
    await tab.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("search") == [SEARCHED_FOR])

    assert await tab.locator("html").get_attribute("lang") == "ja"
    assert await form.get_by_label(JA["search_label"]).input_value() == SEARCHED_FOR
    assert await tab.get_by_text(JA["decisions_count"].format(count=len(register.found)), exact=True).count() == 1
    assert await tab.get_by_role("columnheader").all_inner_texts() == [
        JA[key] for key in ("reference", "title", "committee", "kind", "outcome", "decided_on")
    ]
    first = await listed_references(tab)
    assert len(first) == PAGE
    return first


async def pages_forward(tab: Any) -> list[str]:
    """Follows the "next page" link; the references on the page it leads to."""
    before = tab.url
    await follow(tab, tab.get_by_role("link", name=JA["next_page"]))
    assert tab.url != before and await tab.locator("html").get_attribute("lang") == "ja"
    assert parse_qs(urlsplit(tab.url).query)["search"] == [SEARCHED_FOR]  # the search is kept
    assert await tab.get_by_role("link", name=JA["first_page"]).count() == 1
    return await listed_references(tab)


async def goes_back_to_viet_nam(tab: Any, register: Register) -> None:
    """By the site's navigation to the home page, then Viet Nam's committee, where the item open for
    public input is listed: the start of commenting on it."""
    await follow(tab, tab.get_by_role("navigation", name=JA["nav_label"]).get_by_role("link", name=JA["home"]))
    assert await heading(tab) == JA["home_title"]
    await follow(tab, tab.get_by_role("link", name="ベトナム", exact=True))
    assert await heading(tab) == "日本・ベトナム合同委員会"
    public_input = tab.get_by_role("region", name=JA["public_input"])
    assert register.open_for_comment in await public_input.inner_text()


async def comments_on_the_item_open_for_public_input(tab: Any, register: Register) -> None:
    """Fills the item's comment form in Japanese by its labels and sends it: the page comes back
    (303 to the committee page at the item) with the comment listed under the item."""
    item = tab.locator("article.open-item", has=tab.get_by_role("heading", name=register.open_for_comment, exact=True))
    form = item.get_by_role("form", name=f"{JA['comment_form_title']} {register.open_for_comment}")
    await form.get_by_role("textbox", name=JA["comment_author"]).fill("グエン・ヴァン・A")
    await form.get_by_role("textbox", name=JA["comment_affiliation"]).fill("ハノイ大学")
    await form.get_by_role("textbox", name=JA["comment_body"]).fill("ポンプの台数も数えてください。")
    async with tab.expect_navigation():
        await form.get_by_role("button", name=JA["comment_submit"]).click()
    assert urlsplit(tab.url).path == "/committees/VN" and parse_qs(urlsplit(tab.url).query)["lang"] == ["ja"]
    assert await heading(tab) == "日本・ベトナム合同委員会"
    listed = await item.locator("ol.comments li").all_inner_texts()
    assert len(listed) == 1
    assert all(part in listed[0] for part in ("グエン・ヴァン・A", "ハノイ大学", "ポンプの台数も数えてください。"))


async def test_a_visitor_browses_searches_and_pages_in_english_and_japanese(live_server, prebuilt, flow):
    # Given a register with more than two pages of decisions about chillers, one decision about
    # something else taken last in Viet Nam, and an item there open for public input
    register = await prebuilt(a_register_to_browse, flow)

    async with offline_browser() as browser:
        tab = await browser.new_page()
        outside = await loopback_only(tab)

        # When a visitor opens the home page, goes to Viet Nam and follows its newest decision
        await opens_the_home_page(tab, f"{live_server.http_url}/")
        await goes_to_viet_nam(tab, register)
        await follows_a_decision(tab, register)
        # and reads it in Japanese
        await switches_to_japanese(tab, register)
        # and searches the register, then pages forward twice
        first = await searches_the_decision_register(tab, register)
        second = await pages_forward(tab)
        third = await pages_forward(tab)

        # Then the three pages show every decision found, each once, and no other
        assert (len(second), len(third)) == (PAGE, len(register.found) - 2 * PAGE)
        assert set(first) | set(second) | set(third) == register.found
        assert len(first + second + third) == len(register.found)
        assert register.followed not in first + second + third
        # and the last page offers no further page
        assert await tab.get_by_role("link", name=JA["next_page"]).count() == 0

        # And back on Viet Nam's page the item open for public input is listed
        await goes_back_to_viet_nam(tab, register)
        # and the comment the visitor sends on it with its form is listed under it
        await comments_on_the_item_open_for_public_input(tab, register)

    assert outside == []
