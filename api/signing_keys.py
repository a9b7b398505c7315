"""`GET /.well-known/jcm-registry-keys.json`: every public key the registry signs or signed
certificates with, so that anyone can verify a certificate without access to the registry.

Public and cacheable (five minutes, with an ETag): a key, once published, never changes or goes
away. A verifier that meets a keyId it does not know fetches the list again. Without a key file
(a fresh test database, before the first `jcm serve`) the list is empty, never an error: the app
creates no key on a GET; `jcm serve` and `jcm keys create` do.
"""

import hashlib
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.asgi import json_error
from models.signing import KeyFileError, KeyStore, canonical_json

logger = logging.getLogger("jcm.api")

PATH = "/.well-known/jcm-registry-keys.json"
CACHE = "public, max-age=300"


def key_routes(store: KeyStore) -> list[Route]:
    async def registry_keys(request: Request) -> Response:
        try:
            ring = store.ring()
        except KeyFileError:
            logger.exception("the signing keys cannot be read")
            return json_error(503, "The registry's signing keys cannot be read.", "KEYS_UNAVAILABLE")
        body = canonical_json(ring.published()).encode("utf-8")
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Cache-Control": CACHE, "Access-Control-Allow-Origin": "*"}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    return [Route(PATH, registry_keys, methods=["GET"])]
