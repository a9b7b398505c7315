"""The public page of one decision, `/decisions/{reference}`: readable HTML for the people a feed
reader or a link sends there (the Atom feed's `alternate` links point here).

It is the first page of the public site (issue 15) and is built the way that site will be: the
page runs its GraphQL document (templates/decision.graphql, kept beside its template so that it is
a copyable example) through the app's own schema, in process and as the public principal, whoever
asks. There is no second data path and no privileged read: what the page shows is exactly what
`decision(reference:)` answers the public. The HTML is rendered by Jinja2 with autoescaping on, so
a title holding markup is shown as text. An unknown reference is a 404 page. Answers carry ETag
and Last-Modified and revalidate with 304 (api/conditional.py), like exports and feeds.
"""

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from graphql.utilities import strip_ignored_characters
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from strawberry.schema.base import BaseSchema
from strawberry.types.graphql import OperationType

from api.conditional import Conditional
from api.context import Context, Db
from api.feeds import decision_page_url
from models.principal import PUBLIC
from models.validation import unstorable
from resolvers.events import DecisionBroker

logger = logging.getLogger("jcm.api")

TEMPLATES = Path(__file__).resolve().parent / "templates"
DOCUMENT = (TEMPLATES / "decision.graphql").read_text(encoding="utf-8")
# The same document in the page's JSON link, without comments and spacing: a shorter URL.
COMPACT = strip_ignored_characters(DOCUMENT)
# No script, no frame, nothing from elsewhere: the page is text and its one inline style sheet.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}
# Longer than any reference (JC-VN-2026-001); a longer one is not looked up.
MAX_REFERENCE = 64
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _words(value: str) -> str:
    """An enum value as words: METHODOLOGY_APPROVAL → Methodology approval."""
    return value.replace("_", " ").capitalize()


def _long_date(value: str) -> str:
    """An ISO date as people write it in English (2026-11-28 → 28 November 2026), whatever the locale."""
    day = date.fromisoformat(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: text from the register is never markup
        undefined=jinja2.StrictUndefined,  # a misspelt field fails the test, not silently blank
    )
    environment.filters["words"] = _words
    environment.filters["long_date"] = _long_date
    return environment


templates = Jinja2Templates(env=_environment())


def decision_page_routes(schema: BaseSchema, engine: AsyncEngine, broker: DecisionBroker) -> list[Route]:
    conditional = Conditional(engine)

    async def run(request: Request, reference: str) -> Any:
        context = Context(
            request=request,
            response=None,
            settings=request.app.state.settings,
            principal=PUBLIC,  # the page is the public's, whoever asks
            request_id=request.scope.get("state", {}).get("request_id", "-"),
            db=Db(engine),
            broker=broker,
        )
        return await schema.execute(
            DOCUMENT,
            variable_values={"reference": reference},
            context_value=context,
            operation_name="DecisionPage",
            allowed_operation_types=(OperationType.QUERY,),
        )

    async def page(request: Request) -> Response:
        reference = request.path_params["reference"]
        if len(reference) > MAX_REFERENCE or unstorable(reference):
            return not_found(request, reference)
        validators = await conditional.validators(request)
        if "if-none-match" in request.headers and validators.unchanged_for(request):
            return validators.not_modified()  # a current ETag: the decision exists (api/conditional.py)
        result = await run(request, reference)
        if result.errors:  # logged by the schema (api/errors.py); the visitor gets a page, not a trace
            request_id = request.scope.get("state", {}).get("request_id", "-")
            logger.warning("decision page %s failed (request id %s): %s", reference, request_id, result.errors)
            return templates.TemplateResponse(
                request, "error.html", {"request_id": request_id}, status_code=503, headers=PAGE_HEADERS
            )
        decision = result.data["decision"]
        if decision is None:
            return not_found(request, reference)
        if validators.unchanged_for(request):  # If-Modified-Since alone: once the decision is found
            return validators.not_modified()
        base = request.app.state.settings.base_url  # never the Host header a client sends
        variables = json.dumps({"reference": decision["reference"]}, separators=(",", ":"))
        links = {
            "page_url": decision_page_url(base, decision["reference"]),
            "json_url": f"{base}/graphql?"
            + urlencode({"query": COMPACT, "variables": variables, "operationName": "DecisionPage"}),
            "feed_url": f"{base}/feeds/decisions.atom?" + urlencode({"committee": decision["committee"]["code"]}),
        }
        return templates.TemplateResponse(
            request, "decision.html", {"decision": decision, **links}, headers=validators.headers | PAGE_HEADERS
        )

    # {reference:path}: a reference with a slash is a 404 page too, not the router's plain-text one.
    return [Route("/decisions/{reference:path}", page, methods=["GET"])]


def not_found(request: Request, reference: str) -> Response:
    return templates.TemplateResponse(
        request, "not_found.html", {"reference": reference[:MAX_REFERENCE]}, status_code=404, headers=PAGE_HEADERS
    )
