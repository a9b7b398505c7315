"""Which media type a GraphQL answer over HTTP is sent as, from the request's Accept header.

The GraphQL-over-HTTP spec defines two: `application/json`, which every client understands and
which answers a request error (a document that does not parse or validate, variables that cannot
be coerced) with 200, and `application/graphql-response+json`, which answers it with 400 and no
`data` key, so that a client, a proxy or a log can tell a refused request by its status alone.

A client gets `application/graphql-response+json` only when it names that type and does not
prefer `application/json` (by a higher q-value); wildcards (`*/*`, `application/*`) and a missing
Accept header keep `application/json`, so that clients written before the new type see no change.
An Accept header that allows neither (`text/html` alone) is None: the request is answered 406,
except a browser's GET without a query, which gets GraphiQL.

The answer is computed once per distinct header (an lru_cache: the few clients of a service send
the same few headers) and kept on the request's scope state for the middlewares and the view,
which all need it: the ETag and the response cache key on it, the view shapes its answer by it.
"""

from functools import lru_cache

from starlette.responses import Response
from starlette.types import Scope

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
MEDIA_TYPES = (GRAPHQL_RESPONSE, JSON)
_STATE_KEY = "media_type"
_UNSET = object()


def _q(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0  # an unreadable weight accepts nothing rather than guessing
            return min(max(q, 0.0), 1.0)
    return 1.0


@lru_cache(maxsize=256)
def negotiate(accept: str | None) -> str | None:
    """The media type to answer with for this Accept header, or None when it allows neither.

    Each type's weight is that of the most specific range matching it (exact, then `type/*`,
    then `*/*`), as RFC 9110 section 12.5.1 says; parameters other than q are ignored.
    """
    if accept is None or not accept.strip():
        return JSON
    # weight and specificity (2 exact, 1 type/*, 0 */*) of the best range matching each type
    found: dict[str, tuple[int, float]] = {}
    for media_range in accept.split(","):
        kind, *parameters = media_range.split(";")
        kind = kind.strip().lower()
        if not kind:
            continue
        q = _q(parameters)
        for media_type in MEDIA_TYPES:
            if kind == media_type:
                specificity = 2
            elif kind == "application/*":
                specificity = 1
            elif kind == "*/*":
                specificity = 0
            else:
                continue
            best = found.get(media_type)
            if best is None or specificity > best[0] or (specificity == best[0] and q > best[1]):
                found[media_type] = (specificity, q)
    json_q = found.get(JSON, (0, 0.0))[1]
    graphql_specificity, graphql_q = found.get(GRAPHQL_RESPONSE, (0, 0.0))
    # The new type when named and not less wanted; by a wildcard only when JSON itself is refused.
    if graphql_q > 0 and (graphql_q >= json_q if graphql_specificity == 2 else json_q == 0):
        return GRAPHQL_RESPONSE
    if json_q > 0:
        return JSON
    return None


def negotiated(scope: Scope) -> str | None:
    """The media type negotiated for this request, computed on first use and kept on its state."""
    state = scope.setdefault("state", {})
    media_type = state.get(_STATE_KEY, _UNSET)
    if media_type is _UNSET:
        accept = None
        for name, value in scope["headers"]:
            if name == b"accept":  # several Accept headers are one list (RFC 9110 section 5.3)
                accept = value.decode("latin-1") if accept is None else f"{accept},{value.decode('latin-1')}"
        media_type = negotiate(accept)
        state[_STATE_KEY] = media_type
    return media_type


def in_media_type(response: Response, media_type: str | None) -> Response:
    """A JSON error answer relabelled for a client that asked for graphql-response+json (its body
    is a GraphQL response either way); any other stays `application/json`, a 406's included."""
    if media_type == GRAPHQL_RESPONSE:
        response.headers["content-type"] = GRAPHQL_RESPONSE
    return response
