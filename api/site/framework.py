"""The public site's one way to serve a page (issue 15): a page is a route, a GraphQL document kept
beside its template (api/site/templates/<name>.graphql, a copyable example for frontend teams) and
that template. `Site.route(page)` makes the endpoint, which

1. checks the query string: each page names the parameters it takes; an unknown one, or a bad
   value, is a 400 page naming it (a typo must not show an unfiltered list as if filtered);
2. picks the language (`?lang=`, then Accept-Language; api/site/language.py);
3. answers 304 to a current ETag, which hashes the URL, the publication version, the day and the
   language (api/conditional.py's validators plus the language), before any data is read;
4. runs the document through the app's own schema, in process, as PUBLIC whoever asks: there is no
   second data path and no privileged read, the page shows what `/graphql` answers the public;
5. renders the template with Jinja2, autoescaped (text from the register is never markup), with
   StrictUndefined (a misspelt field fails a test instead of rendering blank).

Every answer, 200 or error page, carries the same headers: a CSP that allows nothing but the page's
own inline style sheet (no script, no frame, nothing from another host), nosniff, and
`Vary: Accept-Language`.
"""

import functools
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
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

from api.conditional import Conditional, Validators
from api.context import Context, Db
from api.site.language import LANGUAGES, Speaker, from_accept_language
from models.principal import PUBLIC
from resolvers.events import DecisionBroker

logger = logging.getLogger("jcm.api")

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept-Language",
}


class BadParameter(Exception):
    """A query parameter a page cannot use: `reason` is a message key (api/site/messages.py)."""

    def __init__(self, parameter: str, reason: str, **values: Any):
        super().__init__(parameter)
        self.parameter, self.reason, self.values = parameter, reason, values


class NotFound(Exception):
    """Nothing to show at this URL: `message` is a message key, `values` fill it."""

    def __init__(self, message: str = "not_found_page", **values: Any):
        super().__init__(message)
        self.message, self.values = message, values


@dataclass(frozen=True)
class Document:
    """A page's GraphQL document, read once from beside its template."""

    name: str  # file name without .graphql; also the template's name
    operation: str  # the operation's name in the document

    @property
    def text(self) -> str:
        return (TEMPLATES / f"{self.name}.graphql").read_text(encoding="utf-8")


# check(value) → the value to use, or raises BadParameter
Check = Callable[[str, str], Any]


@dataclass(frozen=True)
class Page:
    """One page type. `variables(path_params, params)` builds the document's variables (may raise
    NotFound or BadParameter); `build(data, view)` turns the answer into the template's context
    (raises NotFound when the answer has nothing to show); `errors` maps a GraphQL error's text to
    the parameter whose value caused it (a bad cursor is the visitor's 400, not the site's 503)."""

    path: str
    document: Document
    variables: Callable[[Mapping[str, str], Mapping[str, Any]], dict[str, Any]]
    build: Callable[[dict[str, Any], "View"], Awaitable[dict[str, Any]] | dict[str, Any]]
    params: Mapping[str, Check] = field(default_factory=dict)
    errors: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # error text part → (parameter, reason)


@dataclass
class View:
    """What `build` gets besides the data: the request's language, parameters and links."""

    request: Request
    speaker: Speaker
    params: dict[str, Any]
    variables: dict[str, Any]
    base: str
    json_url: str

    def url(self, path: str, **query: Any) -> str:
        """A link on the site, keeping an explicit `?lang=` so a shared link keeps its language."""
        if "lang" in self.request.query_params:
            query = {**query, "lang": self.speaker.lang}
        query = {key: value for key, value in query.items() if value is not None}
        return path + ("?" + urlencode(query) if query else "")

    def committee_url(self, code: str) -> str:
        return self.url(f"/committees/{code}")

    def links(self) -> dict[str, Callable[[str], str]]:
        """The site's stable URLs as template functions (`decision_url(reference)`, ...): every
        page links to a thing the same way, keeping the visitor's explicit language."""
        return {
            "committee_url": self.committee_url,
            "decision_url": lambda reference: self.url(f"/decisions/{reference}"),
            "methodology_url": lambda reference: self.url(f"/methodologies/{reference}"),
            "project_url": lambda reference: self.url(f"/projects/{reference}"),
            "tpe_url": lambda reference: self.url(f"/tpes/{reference}"),
        }


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: text from the register is never markup
        undefined=jinja2.StrictUndefined,  # a misspelt field fails the test, not silently blank
    )


templates = Jinja2Templates(env=_environment())


def check_language(name: str, value: str) -> str:
    if value not in LANGUAGES:
        raise BadParameter(name, "bad_language")
    return value


class Site:
    """The routes of the public site, sharing one schema, engine, broker and validators cache."""

    def __init__(self, schema: BaseSchema, engine: AsyncEngine, broker: DecisionBroker):
        self.schema, self.engine, self.broker = schema, engine, broker
        self.conditional = Conditional(engine)

    def route(self, page: Page) -> Route:
        text = page.document.text

        async def endpoint(request: Request) -> Response:
            read = self.read(request, page)
            if isinstance(read, Response):
                return read
            speaker, params, variables = read
            validators = await self.validators(request, speaker)
            if "if-none-match" in request.headers and validators.unchanged_for(request):
                # The client got this ETag from a 200 for this URL, language and publication version:
                # nothing published since (nothing is erased) can have made it a 404.
                return not_modified(validators)
            result = await self.execute(request, text, variables, page.document.operation)
            if result.errors:
                for part, (parameter, reason) in page.errors.items():
                    if any(part in str(error) for error in result.errors):
                        return self.bad_parameter(request, speaker, BadParameter(parameter, reason), page)
                return self.unavailable(request, speaker, result.errors)
            view = self.view(request, speaker, page, params, variables)
            try:
                built = page.build(result.data or {}, view)
                context = await built if isinstance(built, Awaitable) else built
            except NotFound as missing:
                return self.not_found(request, speaker, missing)
            except BadParameter as bad:  # a well-formed value the register does not know
                return self.bad_parameter(request, speaker, bad, page)
            if validators.unchanged_for(request):  # If-Modified-Since alone: once the page exists
                return not_modified(validators)
            context = view.links() | context
            context.setdefault("json_url", view.json_url)
            return self.render(request, speaker, f"{page.document.name}.html", context, validators.headers)

        # {x:path} routes let a reference with a slash reach the page's own 404, not the router's.
        return Route(page.path, endpoint, methods=["GET"])

    def read(self, request: Request, page: Page) -> tuple[Speaker, dict[str, Any], dict[str, Any]] | Response:
        """The visitor's language, the page's checked parameters and its document's variables, or the
        400 or 404 page saying why there are none (the page's GET and the comment form's POST)."""
        speaker = visitor_speaker(request)  # first: a 400 page is in the language asked for too
        try:
            params = self.parameters(request, page)
            params.pop("lang", None)
            return speaker, params, page.variables(request.path_params, params)
        except BadParameter as bad:
            return self.bad_parameter(request, speaker, bad, page)
        except NotFound as missing:
            return self.not_found(request, speaker, missing)

    def unavailable(
        self, request: Request, speaker: Speaker, errors: Any, context: Mapping[str, Any] | None = None
    ) -> Response:
        """A 503 page quoting the request id; the errors go to the log, never to the visitor."""
        request_id = request.scope.get("state", {}).get("request_id", "-")
        logger.warning("page %s failed (request id %s): %s", request.url.path, request_id, errors)
        return self.render(
            request, speaker, "error.html", {"request_id": request_id, **(context or {})}, status_code=503
        )

    def parameters(self, request: Request, page: Page) -> dict[str, Any]:
        params: dict[str, Any] = {}
        checks: dict[str, Check] = {"lang": check_language, **page.params}
        for name, value in request.query_params.multi_items():
            if name not in checks:
                raise BadParameter(name, "unknown_parameter")
            if name in params:
                raise BadParameter(name, "repeated")
            params[name] = checks[name](name, value)
        return params

    async def validators(self, request: Request, speaker: Speaker) -> Validators:
        base = await self.conditional.validators(request)  # URL, publication version, day
        etag = hashlib.sha256(f"{base.etag}\0{speaker.lang}".encode()).hexdigest()[:32]
        return Validators(f'"{etag}"', base.last_modified)

    async def execute(
        self,
        request: Request,
        document: str,
        variables: dict[str, Any],
        operation: str,
        operations: tuple[OperationType, ...] = (OperationType.QUERY,),  # pages read; the comment form writes
    ) -> Any:
        context = Context(
            request=request,
            response=None,
            settings=request.app.state.settings,
            principal=PUBLIC,  # the page is the public's, whoever asks
            request_id=request.scope.get("state", {}).get("request_id", "-"),
            db=Db(self.engine),
            broker=self.broker,
        )
        return await self.schema.execute(
            document,
            variable_values=variables,
            context_value=context,
            operation_name=operation,
            allowed_operation_types=operations,
        )

    @staticmethod
    def render(
        request: Request,
        speaker: Speaker,
        template: str,
        context: dict[str, Any],
        headers: Mapping[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        other = "en" if speaker.lang == "ja" else "ja"
        query = dict(request.query_params) | {"lang": other}
        # One leading slash: an unrouted path such as //example.org must not become a link to another host.
        path = "/" + request.url.path.lstrip("/")
        values = {**speaker.template_globals(), "other_language_url": f"{path}?{urlencode(query)}"}
        return templates.TemplateResponse(
            request, template, values | context, status_code=status_code, headers={**(headers or {}), **PAGE_HEADERS}
        )

    def not_found(self, request: Request, speaker: Speaker, missing: NotFound) -> Response:
        message = speaker.t(missing.message, **missing.values)
        return self.render(request, speaker, "not_found.html", {"message": message}, status_code=404)

    def bad_parameter(self, request: Request, speaker: Speaker, bad: BadParameter, page: Page) -> Response:
        if bad.reason == "unknown_parameter":
            taken = ", ".join(sorted(["lang", *page.params]))
            reason = speaker.t("unknown_parameter", allowed=taken)
        elif bad.reason == "repeated":
            reason = speaker.t("repeated")
        else:
            reason = speaker.t(bad.reason, **bad.values)
        context = {"parameter": bad.parameter[:64], "reason": reason}
        return self.render(request, speaker, "bad_request.html", context, status_code=400)

    def view(
        self, request: Request, speaker: Speaker, page: Page, params: dict[str, Any], variables: dict[str, Any]
    ) -> View:
        """What a page's `build` gets: its GET endpoint's, and the comment form's
        (api/site/comment_form.py) when it renders its committee page again after a refusal."""
        base = request.app.state.settings.base_url  # never the Host header a client sends
        query = {
            "query": compact_document(page.document),  # the page's JSON link: a shorter URL
            "variables": json.dumps(variables, separators=(",", ":")),
            "operationName": page.document.operation,
        }
        return View(request, speaker, params, variables, base, f"{base}/graphql?" + urlencode(query))


def not_modified(validators: Validators) -> Response:
    """A 304 says what the 200 it stands for said about variants (RFC 9110 15.4.5): Vary: Accept-Language."""
    response = validators.not_modified()
    response.headers["Vary"] = PAGE_HEADERS["Vary"]
    return response


@functools.cache
def compact_document(document: Document) -> str:
    """A page's document without comments and spaces, made once per page."""
    return strip_ignored_characters(document.text)


def visitor_speaker(request: Request) -> Speaker:
    """The visitor's language: a supported `?lang=`, else Accept-Language, else English. Read before
    the other parameters are checked, so that the 400 page naming a bad one (wherever it stands in
    the query string) is in that language; a bad `lang` itself is named by `check_language`."""
    asked = request.query_params.get("lang")
    lang = asked if asked in LANGUAGES else from_accept_language(request.headers.get("accept-language"))
    return Speaker(lang)


def unrouted_page(request: Request) -> Response:
    """The 404 page of a path no route serves (api/app.py's handler), in the visitor's language and
    with the site's headers like any page's 404; no database read, so a flood of made-up paths costs
    a template. A `?lang=` other than en/ja is ignored here: there is no page to name it on."""
    speaker = visitor_speaker(request)
    context = {"message": speaker.t("not_found_page"), "hint": speaker.t("not_found_hint")}
    return Site.render(request, speaker, "not_found.html", context, status_code=404)
