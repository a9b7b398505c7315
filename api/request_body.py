"""What a GraphQL request over HTTP must be before GraphQL sees it, and how its answer is shaped.

Strawberry answers some malformed requests itself, as `text/plain`, but a body that is JSON yet
not an object (`42`, `null`, `"text"`) fails inside it with a 500, bytes that are not UTF-8 raise
an error it does not catch, and JSON nested thousands deep exhausts the recursion limit.
`StrictRequests`, mixed into the view, checks the body (and GET's `variables` and `extensions`),
refuses a subscription outside the WebSocket, a batch (a JSON array), a body that is not
`application/json` (415), an Apollo persisted query (APQ: `PERSISTED_QUERY_NOT_SUPPORTED`, so
that Apollo Client sends the full query again) and an Accept header allowing no type it can
send (406), and answers every refusal as a GraphQL-shaped JSON body
`{"errors": [{"message", "extensions": {"code"}}]}`, never as plain text.

It also speaks both media types of the GraphQL-over-HTTP spec (api/media_types.py): to a client
that asked for `application/graphql-response+json`, a request error (a document that does not
parse or validate, variables that cannot be coerced, an operation refused before it ran) is a 400
without a `data` key; `application/json` clients get 200 and `"data": null` as before.
WebSocket messages go through the same decoding (a refused one closes the socket with 4400).
"""

from typing import Any

from cross_web import HTTPException
from graphql import OperationType
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from api.asgi import BadJson, decode, json_error
from api.context import Context
from api.http_cache import operation_type
from api.http_input import CODES, SUBSCRIPTIONS
from api.media_types import GRAPHQL_RESPONSE, JSON, in_media_type, negotiated

NOT_ACCEPTABLE = f"The Accept header allows no type this endpoint answers with: accept {GRAPHQL_RESPONSE} or {JSON}."
NOT_JSON = 'Content-Type must be application/json: a GraphQL request is a JSON object {{"query": "..."}} (got {}).'
BATCH = "Batched requests (a JSON array of operations) are not supported: send one operation per request."
# Apollo's own message and code: Apollo Client recognises them and sends the whole query instead.
PERSISTED_QUERY = "PersistedQueryNotSupported"
# Errors that ended an operation that had started (or was about to), not a request the client must fix.
NOT_REQUEST_ERRORS = frozenset({"INTERNAL_SERVER_ERROR", "TIMEOUT"})
_STATUS = "graphql_status"  # scope state: the status a request error is answered with


class Refused(HTTPException):
    """A request answered with a GraphQL-shaped error instead of running, with its own code."""

    def __init__(self, status: int, reason: str, code: str, headers: dict[str, str] | None = None):
        super().__init__(status, reason)
        self.code, self.headers = code, headers


def refusal(error: HTTPException, media_type: str | None) -> Response:
    """The JSON answer to a refused request, in the negotiated media type (JSON after a 406). A
    refusal answered 200 to JSON clients (the APQ one) is a 400 in `application/graphql-response+json`,
    where an answer without `data` must not be a success."""
    if isinstance(error, Refused):
        status = 400 if error.status_code == 200 and media_type == GRAPHQL_RESPONSE else error.status_code
        response = json_error(status, error.reason, error.code, error.headers)
    else:  # strawberry's own refusals: a 400, or a 405 for a method other than GET and POST
        headers = {"Allow": "GET, POST"} if error.status_code == 405 else None
        response = json_error(error.status_code, error.reason, CODES.get(error.status_code, "BAD_REQUEST"), headers)
    return in_media_type(response, media_type)


def is_request_error(result: ExecutionResult) -> bool:
    """Whether GraphQL refused the request before executing it: no data, and errors that point at
    no field (a field's error has a path), other than a timeout or an internal error."""
    if result.data is not None or not result.errors:
        return False
    for error in result.errors:
        if error.path is not None or (error.extensions or {}).get("code") in NOT_REQUEST_ERRORS:
            return False
    return True


class StrictRequests(GraphQL[Context, None]):
    """The strawberry ASGI view, checking a request before strawberry's own parsing."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        media_type = negotiated(scope)
        request = Request(scope, receive)
        try:
            if media_type is None and not (scope["method"] == "GET" and "query" not in request.query_params):
                raise Refused(406, NOT_ACCEPTABLE, "NOT_ACCEPTABLE")  # a GET without a query may be GraphiQL's
            response = await self.run(request)
        except HTTPException as error:
            response = refusal(error, media_type)
        else:
            if media_type == GRAPHQL_RESPONSE and response.media_type == JSON:
                response.headers["content-type"] = GRAPHQL_RESPONSE
                if (status := scope["state"].get(_STATUS)) is not None:
                    response.status_code = status
        await response(scope, receive, send)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """A request error answered as `application/graphql-response+json`: no `data`, status 400."""
        answer = process_result(result)
        if is_request_error(result) and negotiated(request.scope) == GRAPHQL_RESPONSE:
            del answer["data"]
            request.scope["state"][_STATUS] = 400
        return answer

    def decode_json(self, data: str | bytes) -> object:
        return decode(data, "The WebSocket message")

    def parse_json(self, data: str | bytes) -> Any:
        """The POST body (bytes): one JSON object."""
        try:
            value = decode(data)
        except BadJson as error:
            raise HTTPException(400, error.message) from None
        if isinstance(value, list):
            raise Refused(400, BATCH, "BAD_REQUEST")
        if not isinstance(value, dict):
            raise HTTPException(400, 'The request body must be a JSON object: {"query": "...", "variables": {...}}.')
        return value

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        """GET: `variables` and `extensions` are JSON objects when given."""
        params = dict(params)
        for name in ("variables", "extensions"):
            if params.get(name):
                try:
                    params[name] = decode(params[name], name)
                except BadJson as error:
                    raise HTTPException(400, error.message) from None
                if not isinstance(params[name], dict | None):
                    raise HTTPException(400, f"{name} must be a JSON object.")
        return params

    async def parse_http_body(self, request: Any) -> Any:
        if request.method == "POST":
            content_type = (request.content_type or "").partition(";")[0].strip().lower()
            if content_type != JSON:
                raise Refused(415, NOT_JSON.format(content_type or "none"), "UNSUPPORTED_MEDIA_TYPE")
        data = await super().parse_http_body(request)
        query, operation_name = getattr(data, "query", None), getattr(data, "operation_name", None)
        if not isinstance(operation_name, str | None):
            raise HTTPException(400, "operationName must be a string.")
        extensions = getattr(data, "extensions", None)
        if extensions and "persistedQuery" in extensions:
            # Apollo's answer: 200 to JSON clients (`refusal` makes it a 400 for the others).
            cache = {"Cache-Control": "private, no-cache, must-revalidate"}
            raise Refused(200, PERSISTED_QUERY, "PERSISTED_QUERY_NOT_SUPPORTED", cache)
        if isinstance(query, str) and operation_type(query, operation_name) is OperationType.SUBSCRIPTION:
            raise HTTPException(400, SUBSCRIPTIONS)
        return data
