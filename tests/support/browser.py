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
"""

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
