"""The public pages pass an accessibility check in a real browser: the vendored axe-core
(tests/support/axe) finds no serious or critical violation, and each page type leaves a screenshot
in tests/screenshots/ for a reviewer to look at. Also: axe.min.js is the release its manifest names,
and its refresh script refuses a download that fails a check."""

import io
import json
import tarfile
from pathlib import Path

import pytest

from api import graphiql_assets
from api.graphiql_assets import sri
from tests.support import axe
from tests.support.browser import (
    SCREENSHOTS,
    axe_context,
    axe_violations,
    loopback_only,
    offline_browser,
    screenshot,
)

# Each page type of the site: (name of its screenshot, path, status). The site's other pages join here.
PAGES = [
    ("decision", "/decisions/JC-ID-2026-001", 200),
    ("not-found", "/decisions/JC-ID-2026-404", 404),
]


@pytest.mark.parametrize(("name", "path", "status"), PAGES, ids=[name for name, _, _ in PAGES])
async def test_each_page_type_has_no_serious_accessibility_violation(live_server, flow, name, path, status):
    # Given a decision refused by Japan with a statement, in a committee with a Japanese name
    await flow.decide(
        "ID", title="Fees & charges for registration", summary="Fees.\nAnd charges.", outcome="NOT_APPROVED"
    )

    async with offline_browser() as browser, axe_context(browser) as context:
        tab = await context.new_page()
        outside = await loopback_only(tab)

        # When a visitor opens the page
        response = await tab.goto(f"{live_server.http_url}{path}")
        assert response.status == status
        await tab.get_by_role("heading", level=1).wait_for()

        # Then axe finds no serious or critical violation
        violations = await axe_violations(tab)
        assert [str(violation) for violation in violations] == []
        # And a screenshot is written for a reviewer
        shot = await screenshot(tab, name)

    assert shot == SCREENSHOTS / f"{name}.png" and shot.read_bytes().startswith(b"\x89PNG")
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
