"""What every HTTP route refuses the same way: query strings that are not text, and the JSON body
of a 400 (`{"errors": [{"message", "extensions": {"code": "BAD_REQUEST"}}]}`, like the 405 and 413;
exports and feeds add `"field"`, the parameter's name).

Query strings are read strictly: Starlette and `urllib.parse.parse_qs` turn bytes that are not UTF-8 into U+FFFD without a word, and
a raw byte above 0x7F makes `bytes.decode()` fail with a 500. Here both are a `BadParameter` naming
the parameter, and so is a NUL (which PostgreSQL text cannot hold), so that an export or a feed
answers 400 instead of searching for something the client never sent.
"""

from urllib.parse import unquote_to_bytes

from starlette.responses import JSONResponse
from starlette.types import Scope

from api.asgi import json_error
from models.validation import unstorable

SUBSCRIPTIONS = "Subscriptions are served over WebSocket at /graphql with graphql-transport-ws, not over plain HTTP."
CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "BODY_TOO_LARGE"}


def http_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return json_error(status, message, CODES.get(status, "BAD_REQUEST"), headers)


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter, self.message = parameter, message


def parameter_error(parameter: str | None, message: str, status: int = 400) -> JSONResponse:
    """The 400 (or 404) of /exports and /feeds in GraphQL's error shape, naming the query parameter
    in `extensions.field` as GraphQL's userErrors name the input field; one shape for every route."""
    code = CODES.get(status, "BAD_REQUEST")
    return json_error(status, message, code, field=parameter) if parameter else json_error(status, message, code)


def _decoded(raw: bytes, parameter: str) -> str:
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise BadParameter(parameter, f"{parameter} is not valid UTF-8 (percent-encode UTF-8 bytes).") from None
    if problem := unstorable(text):
        raise BadParameter(parameter, f"{parameter} {problem}.")
    return text


def query_params(scope: Scope) -> dict[str, list[str]]:
    """Every parameter's values in order, blanks kept; BadParameter for what cannot be text."""
    params: dict[str, list[str]] = {}
    for pair in scope.get("query_string", b"").split(b"&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition(b"=")
        name = _decoded(raw_name, "query string")
        params.setdefault(name, []).append(_decoded(raw_value, name))
    return params
