"""axe-core, vendored for the tests' accessibility checks: the browser tests have no route to the
internet (tests/support/browser.py), and a check whose rules change with whatever a CDN serves today
would pass or fail for reasons no commit made.

tests/support/axe/ holds the exact npm release's `axe.min.js`, its licence files (MPL-2.0) and
manifest.json: the version, the tarball's published integrity (`dist.integrity`, checked before
anything is extracted) and the file's own `sha384-` hash, which a test holds the file to.

    python -m tests.support.axe refresh [VERSION]   # default: npm's `latest`; only 4.x is taken
    python -m tests.support.axe check               # exit 1 unless axe.min.js matches the manifest

The download, integrity check and extraction are api/graphiql_assets.py's, which vendors GraphiQL's
files the same way.
"""

import io
import json
import re
import sys
import tarfile
from functools import cache
from pathlib import Path
from typing import Any, cast

from api.graphiql_assets import REGISTRY, extract_member, fetch_tarball, sri

ROOT = Path(__file__).parent
MANIFEST = ROOT / "manifest.json"
PACKAGE = "axe-core"
FILE = "axe.min.js"
MAJOR = 4  # the tests call axe.run as 4.x documents it


def refresh(version: str = "latest", root: Path = ROOT) -> dict[str, Any]:
    """Download `axe-core@version`, check it, and replace axe.min.js, its licences and the manifest."""
    print(f"fetching {PACKAGE}@{version} from {REGISTRY}", file=sys.stderr)
    dist, tarball = fetch_tarball(PACKAGE, version)  # raises unless it matches dist.integrity
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        published = json.loads(extract_member(archive, "package/package.json"))["version"]
        if not re.fullmatch(rf"{MAJOR}\.\d+\.\d+", published):
            raise ValueError(f"{PACKAGE}@{published} is not a stable {MAJOR}.x release: pass a version")
        script = extract_member(archive, f"package/{FILE}")
        licenses = {
            name.split("/", 1)[1]: extract_member(archive, name)
            for name in archive.getnames()
            if name.upper().startswith(("PACKAGE/LICENSE", "PACKAGE/LICENCE"))
        }
    manifest = {
        "comment": "Written by `python -m tests.support.axe refresh`; do not edit by hand.",
        "package": PACKAGE,
        "version": published,
        "tarball": dist["tarball"],
        "integrity": dist["integrity"],  # the registry's, for the whole tarball
        "spdx": dist["license"],
        "file": FILE,
        "fileIntegrity": sri(script),
        "licenses": sorted(licenses),
    }
    # Only now, with the download checked, is the old set replaced.
    for old in root.glob("LICEN[CS]E*"):
        old.unlink()
    listing = (json.dumps(manifest, indent=2) + "\n").encode()
    for name, data in {**licenses, FILE: script, MANIFEST.name: listing}.items():
        (root / name).write_bytes(data)
    return manifest


def read_manifest(root: Path = ROOT) -> dict[str, Any]:
    """What the last refresh wrote into `root` (the committed copy by default)."""
    return cast(dict[str, Any], json.loads((root / MANIFEST.name).read_text(encoding="utf-8")))


@cache
def source() -> str:
    """axe.min.js, once its hash is the manifest's: what the browser tests inject into a page."""
    found = problems()
    if found:
        raise RuntimeError("; ".join(found))
    return (ROOT / FILE).read_text(encoding="utf-8")


def problems(root: Path = ROOT) -> list[str]:
    """What stops the vendored file from being the release the manifest names: empty when all is well."""
    listed = read_manifest(root)
    path = root / listed["file"]
    if not path.is_file():
        return [f"{path} is missing: run `python -m tests.support.axe refresh`"]
    if sri(path.read_bytes()) != listed["fileIntegrity"]:
        return [f"{path} does not match {PACKAGE}@{listed['version']}'s {listed['fileIntegrity']}"]
    return [f"{root / name} is missing" for name in listed["licenses"] if not (root / name).is_file()]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["refresh"] and len(args) <= 2:
        written = refresh(*args[1:])
        print(f"wrote {PACKAGE}@{written['version']} {FILE} and {MANIFEST}", file=sys.stderr)
        return 0
    if args == ["check"]:
        found = problems()
        fine = f"{FILE} is {PACKAGE}@{read_manifest()['version']} as the manifest says"
        print("\n".join(found) or fine, file=sys.stderr)
        return 1 if found else 0
    print("usage: python -m tests.support.axe refresh [VERSION] | check", file=sys.stderr)
    return 2
