"""GraphiQL's files, vendored so that the page works on intranets with no route to a CDN.

Strawberry's GraphiQL page loads React, GraphiQL, the explorer plugin and js-cookie from unpkg.com.
The exact npm versions it asks for live in api/static/graphiql/<package>@<version>/<path>, listed in
api/static/graphiql/manifest.json with the unpkg URL each one replaces and its `sha384-` integrity,
which the served page carries (api/graphiql.py).

    python -m api.graphiql_assets refresh   # after upgrading strawberry: fetch what its page asks for
    python -m api.graphiql_assets check     # exit 1 unless the vendored files match the page and manifest

`refresh` reads the versions from the installed strawberry page, downloads each package's tarball
from the npm registry (not unpkg: a registry answers with the tarball's published integrity, which
is checked before anything is extracted), takes only the files the page loads, checks each against
the integrity the page itself declares, and writes the files and the manifest. No PyPI package
ships these files for this stack, hence the vendoring.
"""

import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from strawberry.http.ides import get_graphql_ide_html

ASSET_ROOT = Path(__file__).parent / "static" / "graphiql"
MANIFEST = ASSET_ROOT / "manifest.json"
REGISTRY = "https://registry.npmjs.org"
CDN = "https://unpkg.com/"


@dataclass(frozen=True)
class PageAsset:
    """One file strawberry's page loads from the CDN: `https://unpkg.com/<package>@<version>/<path>`."""

    url: str
    package: str
    version: str
    path: str
    integrity: str | None  # the page's own integrity attribute, when it has one

    @property
    def file(self) -> str:
        """Where the file lives under ASSET_ROOT, and under the assets' URL."""
        return f"{self.package}@{self.version}/{self.path}"


class _Urls(HTMLParser):
    """The `src` of scripts and the `href` of stylesheets, with their integrity attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = values.get("src") if tag == "script" else values.get("href") if tag == "link" else None
        if url:
            self.found.append((url, values.get("integrity")))


def page_assets(html: str) -> list[PageAsset]:
    """The CDN files a GraphiQL page loads, in page order."""
    parser = _Urls()
    parser.feed(html)
    assets = []
    for url, integrity in parser.found:
        if not url.startswith(CDN):
            continue
        spec, _, path = url.removeprefix(CDN).partition("/")
        if spec.startswith("@"):  # a scoped package: @scope/name@version/path
            name, _, path = path.partition("/")
            spec = f"{spec}/{name}"
        package, _, version = spec.rpartition("@")
        if not package or not version or not path:
            raise ValueError(f"Cannot read a package, version and path from {url}")
        assets.append(PageAsset(url, package, version, path, integrity))
    return assets


def strawberry_page() -> str:
    return get_graphql_ide_html("graphiql")


def sri(data: bytes, algorithm: str = "sha384") -> str:
    """A Subresource Integrity value (`sha384-<base64>`), the form npm and the page's attributes use."""
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data: bytes = response.read()
        return data


def fetch_tarball(package: str, version: str) -> tuple[dict[str, Any], bytes]:
    """The version's published `dist` (with its `license`) and tarball, checked against `dist.integrity`."""
    meta = json.loads(_get(f"{REGISTRY}/{urllib.parse.quote(package, safe='@')}/{version}"))
    dist = {**meta["dist"], "license": meta.get("license")}
    data = _get(dist["tarball"])
    algorithm = dist["integrity"].split("-", 1)[0]
    if sri(data, algorithm) != dist["integrity"]:
        raise ValueError(
            f"{package}@{version}: the tarball does not match the registry's integrity {dist['integrity']}"
        )
    return dist, data


def extract_member(archive: tarfile.TarFile, name: str) -> bytes:
    """A file of an npm tarball (npm packs every file under `package/`); a ValueError naming it if absent.
    Public with fetch_tarball: the vendored axe-core (tests/support/axe) is refreshed the same way."""
    try:
        member = archive.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise ValueError(f"{name} is not a file in the tarball")
    return member.read()


def refresh(html: str | None = None, root: Path = ASSET_ROOT) -> dict[str, Any]:
    """Download what the page asks for, replace the vendored files with them, write the manifest."""
    assets = page_assets(html if html is not None else strawberry_page())
    if not assets:
        raise ValueError("The GraphiQL page loads nothing from the CDN: nothing to vendor.")
    files: dict[str, bytes] = {}
    entries, packages = [], {}
    for spec in dict.fromkeys((asset.package, asset.version) for asset in assets):
        package, version = spec
        print(f"fetching {package}@{version} from {REGISTRY}", file=sys.stderr)
        dist, tarball = fetch_tarball(package, version)
        entry = packages[f"{package}@{version}"] = {
            "tarball": dist["tarball"],
            "integrity": dist["integrity"],
            "spdx": dist["license"],
        }
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            # The licence travels with the vendored files (kept, not served).
            for name in archive.getnames():
                if name.upper().startswith(("PACKAGE/LICENSE", "PACKAGE/LICENCE")):
                    entry["license"] = kept = f"{package}@{version}/{name.split('/', 1)[1]}"
                    files[kept] = extract_member(archive, name)
            for asset in (a for a in assets if (a.package, a.version) == spec):
                data = extract_member(archive, f"package/{asset.path}")  # npm packs every file under package/
                integrity = sri(data)
                if asset.integrity and asset.integrity != integrity:
                    raise ValueError(
                        f"{asset.url}: the tarball's file is {integrity}, the page expects {asset.integrity}"
                    )
                files[asset.file] = data
                entries.append(
                    {
                        "package": asset.package,
                        "version": asset.version,
                        "path": asset.path,
                        "file": asset.file,
                        "replaces": asset.url,
                        "integrity": integrity,
                    }
                )
    entries.sort(key=lambda entry: [asset.url for asset in assets].index(entry["replaces"]))  # page order
    manifest = {
        "comment": "Written by `python -m api.graphiql_assets refresh`; do not edit by hand.",
        "registry": REGISTRY,
        "packages": packages,
        "files": entries,
    }
    # Only now, with every download checked, is the old set replaced.
    root.mkdir(parents=True, exist_ok=True)
    for old in [child for child in root.iterdir() if child.is_dir()]:
        shutil.rmtree(old)
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (root / MANIFEST.name).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


@cache
def manifest() -> dict[str, Any]:
    """The committed manifest (read once per process)."""
    loaded: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def problems(html: str | None = None, root: Path = ASSET_ROOT) -> list[str]:
    """What stops the vendored files from standing in for the page's CDN: empty when all is well."""
    listed = {entry["replaces"]: entry for entry in json.loads((root / MANIFEST.name).read_text("utf-8"))["files"]}
    found = []
    for asset in page_assets(html if html is not None else strawberry_page()):
        entry = listed.get(asset.url)
        if entry is None:
            found.append(f"{asset.url} is not vendored: run `python -m api.graphiql_assets refresh`")
            continue
        path = root / entry["file"]
        if not path.is_file():
            found.append(f"{entry['file']} is missing")
        elif sri(path.read_bytes()) != entry["integrity"]:
            found.append(f"{entry['file']} does not match its integrity {entry['integrity']}")
        elif asset.integrity and asset.integrity != entry["integrity"]:
            found.append(f"{asset.url}: the page expects {asset.integrity}, the manifest has {entry['integrity']}")
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["refresh"]:
        written = refresh()
        print(f"wrote {len(written['files'])} files and {MANIFEST}", file=sys.stderr)
        return 0
    if args == ["check"]:
        found = problems()
        for problem in found:
            print(problem, file=sys.stderr)
        if not found:
            print("the vendored GraphiQL files match strawberry's page and the manifest", file=sys.stderr)
        return 1 if found else 0
    print("usage: python -m api.graphiql_assets refresh|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
