"""The public pages pass an accessibility check in a real browser: the vendored axe-core
(tests/support/axe) finds no serious or critical violation on every page type of the site, in
English and Japanese, and each page type leaves a screenshot in tests/screenshots/ for a reviewer to
look at (the Japanese one drawn in a Japanese font). Also: axe.min.js is the release its manifest
names, and its refresh script refuses a download that fails a check."""

import io
import json
import tarfile
from pathlib import Path

import pytest

from api import graphiql_assets
from api.graphiql_assets import sri
from tests.support import axe
from tests.support.browser import (
    README_SCREENSHOT,
    SCREENSHOTS,
    axe_context,
    axe_violations,
    loopback_only,
    offline_browser,
    rendering_fonts,
    require_japanese_font,
    screenshot,
)
from tests.support.committees import given_members_and_meetings_everywhere


async def every_kind_of_page(flow, projects, frozen_clock, engine) -> dict[str, str]:
    """A register with something on every page type: in Viet Nam a registered project (with its
    approved methodology, its designated TPE and their decisions), members, and a proposal open for
    public input; in Indonesia a decision refused by Japan with a statement. The references to
    put in the pages' paths: {"project", "tpe", "methodology"}."""
    registered = await projects.registered(frozen_clock)
    await given_members_and_meetings_everywhere(engine)
    await flow.in_status("PUBLIC_INPUT", "VN", title="Guidelines for <developing> PDDs")
    await flow.decide(
        "ID", title="Fees & charges for registration", summary="Fees.\nAnd charges.", outcome="NOT_APPROVED"
    )
    return {"project": registered["reference"], "tpe": registered["tpe"], "methodology": registered["methodology"]}


VIEWPORT = {"width": 1280, "height": 800}
# Each page type of the site: (name of its screenshot, path, status); {project}, {tpe} and
# {methodology} are the references every_kind_of_page made. The site's new page types join here.
PAGES = [
    ("home", "/", 200),
    ("home-ja", "/?lang=ja", 200),
    ("committee", "/committees/VN", 200),
    ("committee-ja", "/committees/VN?lang=ja", 200),
    ("decisions", "/decisions", 200),
    ("decisions-search", "/decisions?committee=ID&search=fees", 200),
    ("decision", "/decisions/JC-ID-2026-001", 200),
    ("decision-ja", "/decisions/JC-ID-2026-001?lang=ja", 200),
    ("methodology", "/methodologies/{methodology}", 200),
    ("project", "/projects/{project}", 200),
    ("tpe", "/tpes/{tpe}?lang=ja", 200),
    ("not-found", "/decisions/JC-ID-2026-404", 404),
    ("bad-request", "/decisions?comittee=VN&lang=ja", 400),
]


async def test_no_page_type_has_a_serious_accessibility_violation(
    live_server, prebuilt, flow, projects, frozen_clock, engine
):
    # Given something on every kind of page
    references = await prebuilt(every_kind_of_page, flow, projects, frozen_clock, engine)
    statuses, violations, shots = {}, {}, []

    async with offline_browser() as browser, axe_context(browser, viewport=VIEWPORT) as context:
        tab = await context.new_page()
        outside = await loopback_only(tab)
        for name, path, _ in PAGES:
            # When a visitor opens each page
            response = await tab.goto(f"{live_server.http_url}{path.format(**references)}")
            statuses[name] = response.status
            await tab.get_by_role("heading", level=1).wait_for()
            # Then axe finds no serious or critical violation (all pages checked, then all reported)
            violations[name] = [str(violation) for violation in await axe_violations(tab)]
            # And a screenshot is written for a reviewer
            shots.append(await screenshot(tab, name))

    assert {name: found for name, found in violations.items() if found} == {}
    assert statuses == {name: status for name, _, status in PAGES}
    assert shots == [SCREENSHOTS / f"{name}.png" for name, _, _ in PAGES]
    assert all(shot.read_bytes().startswith(b"\x89PNG") for shot in shots)
    assert outside == []


async def test_axe_names_each_violation_with_its_rule_help_and_elements(live_server):
    # Given a page (the site's own 404) into which an image without alternative text is put
    async with offline_browser() as browser, axe_context(browser) as context:
        tab = await context.new_page()
        await tab.goto(f"{live_server.http_url}/decisions/JC-XX-2026-404")
        await tab.evaluate(
            "() => document.querySelector('main').append(Object.assign(document.createElement('img'), {id: 'bare'}))"
        )

        # When axe runs, then the violation names its rule, impact, help and element
        violations = await axe_violations(tab, impacts=("critical",))

    assert [(v.id, v.impact, v.targets) for v in violations] == [("image-alt", "critical", ("#bare",))]
    assert str(violations[0]).startswith("critical image-alt: Images must have alternative text (#bare)")


async def test_a_decision_page_in_japanese_is_drawn_in_a_japanese_font(live_server, flow):
    # Given a Japanese font on this machine (CI installs fonts-noto-cjk), and a decision
    fonts = require_japanese_font()
    await flow.decide("VN", title="Interim rules")

    async with offline_browser() as browser:
        tab = await browser.new_page(viewport=VIEWPORT)
        outside = await loopback_only(tab)

        # When a visitor opens it in Japanese
        await tab.goto(f"{live_server.http_url}/decisions/JC-VN-2026-001?lang=ja")

        # Then its Japanese labels are drawn in one of those fonts, not as empty boxes
        assert await tab.locator("dt").first.inner_text() == "参照番号"
        drawn_in = await rendering_fonts(tab, "dt")
        # And the screenshot a reviewer looks at shows them
        shot = await screenshot(tab, "decision-ja")

    assert set(drawn_in) & set(fonts), (drawn_in, fonts)
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert outside == []


# The README's screenshot is the home page's written above, made smaller (apt-get install pngquant optipng):
REFRESH_README_SCREENSHOT = (
    ".venv/bin/pytest -q tests/test_accessibility.py -k no_page_type"
    " && pngquant --force --quality=80-95 --speed 1 --strip --output tests/screenshots/readme/home.png"
    " tests/screenshots/home.png && optipng -quiet -o5 tests/screenshots/readme/home.png"
)


def test_the_readme_screenshot_is_a_small_png_of_the_home_page():
    # The committed file (README.md shows it): a full-page PNG at the tests' 1280 px viewport.
    data = README_SCREENSHOT.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 1280 and 800 <= height <= 4000, (width, height, REFRESH_README_SCREENSHOT)
    assert len(data) < 250_000, f"make it smaller: {REFRESH_README_SCREENSHOT}"


# --- the vendored file and its refresh script ------------------------------------------------------


def test_the_vendored_axe_is_the_release_its_manifest_names():
    # A failure here: run `python -m tests.support.axe refresh` (or restore the file).
    listed = axe.read_manifest()
    assert axe.problems() == []
    assert listed["package"] == "axe-core" and listed["version"].startswith("4.")
    assert sri((axe.ROOT / "axe.min.js").read_bytes()) == listed["fileIntegrity"]
    assert listed["integrity"].startswith("sha512-")
    assert "LICENSE" in listed["licenses"]
    assert f"axe v{listed['version']}" in axe.source()[:200]


def _registry(monkeypatch: pytest.MonkeyPatch, version: str, script: bytes, integrity: str | None = None) -> None:
    """The npm registry's version document and tarball for axe-core@`version`, from memory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in {
            "package.json": json.dumps({"version": version}).encode(),
            "axe.min.js": script,
            "LICENSE": b"MPL",
        }.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    tarball = buffer.getvalue()

    def get(url: str) -> bytes:
        if url == f"{graphiql_assets.REGISTRY}/axe-core/latest":
            dist = {"tarball": "tarball:axe", "integrity": integrity or sri(tarball, "sha512")}
            return json.dumps({"dist": dist, "license": "MPL-2.0"}).encode()
        assert url == "tarball:axe", url
        return tarball

    monkeypatch.setattr(graphiql_assets, "_get", get)


def test_refresh_vendors_the_release_with_its_hashes(tmp_path: Path, monkeypatch):
    # Given a registry whose latest axe-core is 4.99.0
    _registry(monkeypatch, "4.99.0", b"/*! axe v4.99.0 */")

    # When the vendored copy is refreshed
    written = axe.refresh(root=tmp_path)

    # Then the file, its licence and a manifest naming both hashes are written
    assert (written["version"], written["fileIntegrity"], written["licenses"]) == (
        "4.99.0",
        sri(b"/*! axe v4.99.0 */"),
        ["LICENSE"],
    )
    assert (tmp_path / "LICENSE").read_bytes() == b"MPL"
    assert json.loads((tmp_path / "manifest.json").read_text()) == written
    assert axe.problems(root=tmp_path) == []
    # And a file changed afterwards no longer passes
    (tmp_path / "axe.min.js").write_bytes(b"tampered")
    assert [problem.split(" does not match ")[1] for problem in axe.problems(root=tmp_path)] == [
        f"axe-core@4.99.0's {sri(b'/*! axe v4.99.0 */')}"
    ]


@pytest.mark.parametrize(
    ("version", "integrity", "expected"),
    [("4.99.0", "sha512-AAAA", "does not match the registry's integrity"), ("5.0.0", None, "not a stable 4.x")],
    ids=["tarball-not-as-published", "not-4.x"],
)
def test_refresh_refuses_a_download_that_fails_a_check_and_writes_nothing(
    tmp_path, monkeypatch, version, integrity, expected
):
    _registry(monkeypatch, version, b"axe()", integrity)

    with pytest.raises(ValueError, match=expected):
        axe.refresh(root=tmp_path)

    assert list(tmp_path.iterdir()) == []
