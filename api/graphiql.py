"""GraphiQL served whole by the service, for intranets with no route to a CDN.

The page is strawberry's own, with each unpkg.com URL replaced by the vendored copy of the same
file (api/graphiql_assets.py) under ASSETS_PATH and its `integrity` attribute kept, so a browser
still refuses a file that is not byte for byte what the page was written against. The files'
paths carry their package versions, so browsers may keep them for a year without asking again.

With GraphiQL switched off (JCM_GRAPHIQL=false) the app mounts none of this: the assets are 404.
"""

import logging
import re
from functools import cache

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from api.graphiql_assets import ASSET_ROOT, CDN, manifest, page_assets, sri

logger = logging.getLogger("jcm.api")

ASSETS_PATH = "/graphiql/assets"
# Versioned paths never change content: a year, without revalidation.
IMMUTABLE = "public, max-age=31536000, immutable"
# The page itself follows the installed strawberry and the assets' URLs: always revalidated.
PAGE_CACHE = "no-cache"


ROOT = "\0root\0"  # where the request's root path goes
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def content_security_policy(page: str, also: str = "") -> str:
    """Everything from this service (and `also`) and nothing from elsewhere; of inline scripts only
    the page's own (by hash). Styles may be inline: GraphiQL and its React components set style
    attributes. Images and fonts may be data: URLs (the favicon, GraphiQL's fonts inlined in its CSS)."""
    hashes = " ".join(f"'{sri(script.encode(), 'sha256')}'" for script in INLINE_SCRIPT.findall(page))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{also} {hashes}",
            f"style-src 'self'{also} 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",  # fetches to /graphql and its WebSocket (same host and port)
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


@cache
def _offline_page(strawberry_html: str) -> tuple[str, str]:
    """The page with the vendored files' URLs as ROOT + ASSETS_PATH + file (ROOT filled per
    request), and its Content-Security-Policy."""
    replaced = {entry["replaces"]: entry["file"] for entry in manifest()["files"]}
    page, also = strawberry_html, ""
    for asset in page_assets(strawberry_html):
        if asset.url not in replaced:
            # Left to the CDN (and allowed by the policy), the page still works wherever the CDN is
            # reachable; tests/test_graphiql_offline.py fails until the files are refreshed.
            logger.warning(
                "GraphiQL asks for %s, which is not vendored: run python -m api.graphiql_assets refresh", asset.url
            )
            also = " " + CDN.rstrip("/")
            continue
        page = page.replace(f'"{asset.url}"', f'"{ROOT}{ASSETS_PATH}/{replaced[asset.url]}"')
    return page, content_security_policy(page, also)


def graphiql_page(request: Request, strawberry_html: str) -> Response:
    """Strawberry's GraphiQL page, loading its files from this service (below the app's root path,
    when it is mounted under one by a proxy)."""
    root = request.scope.get("root_path", "").rstrip("/")
    page, policy = _offline_page(strawberry_html)
    headers = {"Cache-Control": PAGE_CACHE, "Content-Security-Policy": policy}
    return HTMLResponse(page.replace(ROOT, root), headers=headers)


class VendoredAssets(StaticFiles):
    """The manifest's files and nothing else (not the manifest, the licences or a stray file)."""

    def __init__(self) -> None:
        super().__init__(directory=ASSET_ROOT)
        self.served = frozenset(entry["file"] for entry in manifest()["files"])

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path not in self.served:
            raise HTTPException(status_code=404)
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def asset_routes() -> list[Mount]:
    return [Mount(ASSETS_PATH, app=VendoredAssets(), name="graphiql-assets")]
