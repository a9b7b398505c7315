"""A real headless Chromium (Debian's `chromium` package, driven by Playwright from the test extras)
that can reach nothing but the loopback address, as on an intranet with no route outside.

Playwright's own browser download is never used (`playwright install` cannot run in CI); the
system Chromium is launched by path. Without it or Playwright a browser test skips on a developer's
machine but fails in CI (CI set, as .ci/run does), where both are installed.

    async with offline_browser() as browser:
        page = await browser.new_page()
        outside = await loopback_only(page)
        ...
        assert outside == []

Accessibility and screenshots, for the public site's pages (their policy forbids scripts, so axe
needs a context that bypasses it):

    async with offline_browser() as browser, axe_context(browser) as context:
        page = await context.new_page()
        ...
        assert [str(v) for v in await axe_violations(page)] == []
        await screenshot(page, "decision")  # tests/screenshots/decision.png

A Japanese page is drawn in a Japanese font only where one is installed (fonts-noto-cjk; .ci/run
installs it): `require_japanese_font()` skips a test without one (fails in CI), and
`rendering_fonts(page, selector)` names the fonts Chromium actually drew an element's text in.
"""

import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("JCM_TEST_CHROMIUM", "/usr/bin/chromium")
LOOPBACK = "127.0.0.1"
ARGS = [
    "--headless",
    "--no-sandbox",  # runs as root in containers
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    # Every name but the loopback address fails to resolve: nothing outside can be reached.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOOPBACK}",
]


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: see .ci/run)")
    pytest.skip(reason)


def require_chromium() -> Any:
    """Playwright's async_playwright, or skip (fail in CI) when it or Chromium is missing."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    return async_playwright


@asynccontextmanager
async def offline_browser() -> AsyncIterator[Any]:
    """A headless Chromium that resolves no name but the loopback address."""
    async_playwright = require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            await browser.close()


async def loopback_only(page: Any) -> list[str]:
    """Abort the page's requests to any host but the loopback address; the returned list fills
    with their URLs, so that a test can assert that nothing tried to leave."""
    outside: list[str] = []

    async def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname != LOOPBACK:
            outside.append(url)
            await route.abort("internetdisconnected")
        else:
            await route.continue_()

    await page.route("**/*", guard)
    return outside


SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"  # tests/screenshots/, gitignored
README_SCREENSHOT = SCREENSHOTS / "readme" / "home.png"  # committed: the README shows it
SERIOUS = ("serious", "critical")


@dataclass(frozen=True)
class Violation:
    """One axe rule a page breaks, with the elements that break it (CSS selectors), for a failure to read."""

    id: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.impact} {self.id}: {self.help} ({', '.join(self.targets)})"


async def axe_violations(page: Any, impacts: tuple[str, ...] = SERIOUS) -> list[Violation]:
    """The page's accessibility violations of these impacts, by the vendored axe-core (tests/support/axe).

    The script is injected from the file, never fetched. The site's pages forbid every script by
    their Content-Security-Policy, so the page's context must be opened with `bypass_csp=True`
    (`axe_context`), for the check alone: the policy itself is tested over HTTP.
    """
    from tests.support import axe

    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.add_script_tag(content=axe.source())
    found = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [
        Violation(item["id"], item["impact"], item["help"], tuple(item["targets"]))
        for item in found
        if item["impact"] in impacts
    ]


@asynccontextmanager
async def axe_context(browser: Any, **options: Any) -> AsyncIterator[Any]:
    """A browser context in which axe can be injected into pages whose policy forbids scripts."""
    context = await browser.new_context(bypass_csp=True, **options)
    try:
        yield context
    finally:
        await context.close()


async def screenshot(page: Any, name: str, folder: Path = SCREENSHOTS) -> Path:
    """The whole page as `<folder>/<name>.png`, for a reviewer to look at; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


def japanese_fonts() -> list[str]:
    """The font families fontconfig offers for Japanese (`fc-list :lang=ja family`), none without it."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    listed = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
    return sorted({family.strip() for line in listed.splitlines() for family in line.split(",") if family.strip()})


def require_japanese_font() -> list[str]:
    """The Japanese font families, or skip (fail in CI) when there is none: without one Chromium
    draws Japanese as empty boxes and a screenshot of a Japanese page shows nothing to review."""
    fonts = japanese_fonts()
    if not fonts:
        _missing("no Japanese font is installed (apt-get install fonts-noto-cjk)")
    return fonts


async def rendering_fonts(page: Any, selector: str) -> list[str]:
    """The families of the fonts Chromium drew the text of the first element matching `selector` in
    (DevTools' CSS.getPlatformFontsForNode): what was on screen, not what the style sheet asked for."""
    session = await page.context.new_cdp_session(page)
    try:
        await session.send("DOM.enable")
        await session.send("CSS.enable")
        root = (await session.send("DOM.getDocument"))["root"]["nodeId"]
        node = (await session.send("DOM.querySelector", {"nodeId": root, "selector": selector}))["nodeId"]
        fonts = await session.send("CSS.getPlatformFontsForNode", {"nodeId": node})
        return [font["familyName"] for font in fonts["fonts"]]
    finally:
        await session.detach()
