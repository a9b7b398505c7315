"""The committee page's comment form in a real browser (issue 15): a visitor finds an item open for
public input, fills the form by its labels, sends it and sees the comment listed at the item; a
comment the API refuses brings the form back with the message at its field, focusable from the
summary; axe finds no serious violation on the page, with or without the form's errors.

The selectors a journey test uses (they are the page's contract, see /work/notes/committee-readme.md):
the item is `article.open-item` whose heading (h3) is the item's title, its form `form.comment-form`
(role form, named "Send a comment <title>"), its fields by label, its button by name."""

import re

from tests.support.browser import axe_context, axe_violations, loopback_only, offline_browser, screenshot


async def test_a_visitor_comments_on_an_item_in_public_input_and_sees_it_listed(live_server, methodology_flow):
    # Given a methodology open for public input in Viet Nam
    proposal = (await methodology_flow.published("VN", title="Chillers"))["proposal"]["id"]
    title = "VN_PM001: Chillers"

    async with offline_browser() as browser, axe_context(browser) as context:
        tab = await context.new_page()
        outside = await loopback_only(tab)

        # When a visitor opens the committee's page and finds the item's form
        response = await tab.goto(f"{live_server.http_url}/committees/VN")
        assert response.status == 200
        item = tab.locator("article.open-item", has=tab.get_by_role("heading", name=title, exact=True))
        form = tab.get_by_role("form", name=f"Send a comment {title}")
        assert await item.get_attribute("id") == f"item-{proposal}"
        assert await item.locator("form.comment-form").count() == 1
        # then axe finds nothing serious on the page as it first shows
        assert [str(violation) for violation in await axe_violations(tab)] == []

        # When they send it with a name of spaces only (the browser's `required` lets it through)
        await form.get_by_role("textbox", name="Your name").fill("   ")
        await form.get_by_role("textbox", name="Affiliation").fill("Hanoi University")
        await form.get_by_role("textbox", name="Comment").fill("Please count the pumps too.")
        await form.get_by_role("button", name="Send comment").click()
        await tab.wait_for_load_state()

        # Then the form is back with the error at the name, the values kept, and axe is still content
        form = tab.get_by_role("form", name=f"Send a comment {title}")
        name = form.get_by_role("textbox", name="Your name")
        assert await name.get_attribute("aria-invalid") == "true"
        assert await tab.locator(f'[id="{await name.get_attribute("aria-describedby")}"]').inner_text() == (
            "Enter your name."
        )
        assert await form.get_by_role("textbox", name="Comment").input_value() == "Please count the pumps too."
        await form.get_by_role("link", name="Enter your name.").click()
        assert await name.evaluate("element => element === document.activeElement")
        assert [str(violation) for violation in await axe_violations(tab)] == []
        await screenshot(tab, "committee-comment-error")

        # When they give their name and send it again
        await name.fill("Nguyen Van A")
        await form.get_by_role("button", name="Send comment").click()
        await tab.wait_for_url(re.compile(rf"/committees/VN#item-{re.escape(proposal)}$"))

        # Then they are back at the item, where their comment is listed
        item = tab.locator(f'[id="item-{proposal}"]')
        listed = item.locator("ol.comments li")
        assert await listed.count() == 1
        text = " ".join((await listed.inner_text()).split())
        assert text == "Nguyen Van A, Hanoi University · 28 November 2026 Please count the pumps too."
        assert [str(violation) for violation in await axe_violations(tab)] == []
        await screenshot(tab, "committee")

    assert outside == []


async def test_the_form_in_japanese_has_japanese_labels_and_errors(live_server, methodology_flow):
    # Given a methodology open for public input, its committee's page in Japanese
    await methodology_flow.published("VN", title="Chillers")
    async with offline_browser() as browser, axe_context(browser, locale="ja-JP") as context:
        tab = await context.new_page()
        await tab.goto(f"{live_server.http_url}/committees/VN?lang=ja")
        form = tab.get_by_role("form", name="コメントを送る VN_PM001: Chillers")

        # When a comment of spaces only is sent
        await form.get_by_role("textbox", name="氏名").fill("山田太郎")
        await form.get_by_role("textbox", name="コメント").fill("   ")
        await form.get_by_role("button", name="コメントを送信").click()
        await tab.wait_for_load_state()

        # Then the error is in Japanese at the comment field, and axe finds nothing serious
        form = tab.get_by_role("form", name="コメントを送る VN_PM001: Chillers")
        assert (
            await form.get_by_role("alert").inner_text()
            == "コメントは送信されませんでした\nコメントを入力してください。"
        )
        assert await form.get_by_role("textbox", name="コメント").get_attribute("aria-invalid") == "true"
        assert await form.get_by_role("textbox", name="氏名").input_value() == "山田太郎"
        assert [str(violation) for violation in await axe_violations(tab)] == []
