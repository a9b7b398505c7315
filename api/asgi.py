"""What middlewares that look at a GraphQL request before GraphQL does share: who is asking, the
request's body read once and handed on, JSON decoded strictly (UTF-8, bounded nesting) the one way
the view decodes it too, the document's mutation fields, and JSON error answers."""

import json
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationType,
    get_operation_ast,
    parse,
)
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from models.principal import PUBLIC


class BodyTooLarge(Exception):
    """Raised by the capped receive of RequestContextMiddleware once a body passes the limit."""


class ClientGone(Exception):
    """The client disconnected before its request body arrived."""


def requester(scope: Scope) -> str:
    """Who a request counts for: its token, or for the public its client address.

    The address is the connection's peer as the server sees it; behind a reverse proxy, run
    uvicorn with --proxy-headers and --forwarded-allow-ips so that it is the client's.
    """
    principal = scope.get("state", {}).get("principal", PUBLIC)
    if principal.token_id is not None:
        return f"token:{principal.token_id}"
    client = scope.get("client")
    return f"addr:{client[0] if client else 'unknown'}"


def is_graphql_post(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/graphql"


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def buffered(scope: Scope, receive: Receive, send: Send) -> tuple[bytes, Receive] | None:
    """The request's body and a receive handing it on to the app; None when the request was
    answered here instead (a body over the limit: 413) or the client left."""
    try:
        body = await read_body(receive)
    except BodyTooLarge:
        await json_error(413, "Request body too large.", "BODY_TOO_LARGE")(scope, receive, send)
        return None
    except ClientGone:
        return None
    return body, replaying(body, receive)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the already read body on, then the connection's own messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


# Deeper than any variables this schema takes (an input object holds lists of scalars at most).
MAX_JSON_DEPTH = 32


class BadJson(json.JSONDecodeError):
    """Refused JSON; a JSONDecodeError so that strawberry's WebSocket handler treats it as such."""

    def __init__(self, message: str):
        super().__init__(message, "", 0)
        self.message = message


def _depth(value: Any) -> int:
    """Nesting depth of decoded JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def decode(data: str | bytes, what: str = "The request body") -> Any:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")  # strict: no lone surrogates smuggled in as CESU bytes either
        except UnicodeDecodeError as error:
            raise BadJson(f"{what} is not valid UTF-8 (byte {error.start}).") from None
    try:
        value = json.loads(data)
    except RecursionError:
        value = None
        deep = True
    except json.JSONDecodeError as error:
        raise BadJson(f"{what} is not valid JSON: {error.msg} at character {error.pos}.") from None
    else:
        deep = _depth(value) > MAX_JSON_DEPTH
    if deep:
        raise BadJson(f"{what} is nested too deep: at most {MAX_JSON_DEPTH} levels of arrays and objects.")
    return value


def graphql_request(body: bytes) -> dict[str, Any] | None:
    """The JSON body's query, variables and operation name, or None when it is not one request."""
    try:
        payload = decode(body)
    except BadJson:  # the view answers it with a 400
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    operation_name = payload.get("operationName")
    return {
        "query": payload["query"],
        "variables": payload.get("variables") or {},
        "operationName": operation_name if isinstance(operation_name, str) else None,
    }


@lru_cache(maxsize=512)
def mutation_fields(query: str, operation_name: str | None) -> tuple[str, ...] | None:
    """The root fields a mutation selects (one per alias), or None when the document is no mutation
    or does not parse (GraphQL will say why)."""
    try:
        document = parse(query)
        operation = get_operation_ast(document, operation_name)
    except GraphQLError:
        return None
    if operation is None or operation.operation is not OperationType.MUTATION:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    names: list[str] = []

    def collect(selections: Any, seen: frozenset[str]) -> None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set.selections, seen)
            elif (
                isinstance(selection, FragmentSpreadNode)
                and selection.name.value in fragments
                and selection.name.value not in seen
            ):
                collect(fragments[selection.name.value].selection_set.selections, seen | {selection.name.value})

    collect(operation.selection_set.selections, frozenset())
    return tuple(names)


def json_error(
    status: int, message: str, code: str, headers: dict[str, str] | None = None, **extensions: Any
) -> JSONResponse:
    """An answer in the shape of a GraphQL error, for requests refused before GraphQL runs."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}, status, headers)
