"""What a GraphQL request over HTTP must be before GraphQL sees it, refused with a 400 otherwise.

Strawberry answers some malformed requests itself, but a body that is JSON yet not an object
(`42`, `null`, `"text"`) fails inside it with a 500, bytes that are not UTF-8 raise an error it
does not catch, and JSON nested thousands deep exhausts the recursion limit. `StrictRequests`,
mixed into the view, checks the body (and GET's `variables` and `extensions`), refuses a
subscription outside the WebSocket, and answers every such refusal as a GraphQL-shaped JSON body
`{"errors": [{"message", "extensions": {"code": "BAD_REQUEST"}}]}` rather than plain text.
WebSocket messages go through the same decoding (a refused one closes the socket with 4400).
"""

from typing import Any

from cross_web import HTTPException
from graphql import OperationType
from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from api.asgi import BadJson, decode
from api.context import Context
from api.http_cache import operation_type
from api.http_input import SUBSCRIPTIONS, http_error


class StrictRequests(GraphQL[Context, None]):
    """The strawberry ASGI view, checking a request before strawberry's own parsing."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        try:
            response = await self.run(Request(scope, receive))
        except HTTPException as error:
            response = http_error(error.status_code, error.reason)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        return decode(data, "The WebSocket message")

    def parse_json(self, data: str | bytes) -> Any:
        """The POST body (bytes): a JSON object (a list is a batch, which strawberry refuses)."""
        try:
            value = decode(data)
        except BadJson as error:
            raise HTTPException(400, error.message) from None
        if not isinstance(value, dict | list):
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
        data = await super().parse_http_body(request)
        query, operation_name = getattr(data, "query", None), getattr(data, "operation_name", None)
        if not isinstance(operation_name, str | None):
            raise HTTPException(400, "operationName must be a string.")
        if isinstance(query, str) and operation_type(query, operation_name) is OperationType.SUBSCRIPTION:
            raise HTTPException(400, SUBSCRIPTIONS)
        return data
