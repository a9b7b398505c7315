"""The committee page's public comment form: `POST /committees/{code}/comments` (issue 15).

A plain HTML form (templates/comment_form.html, no script) per item open for public input, with the
fields `item` (hidden: the proposal's or project's global id), `author`, `affiliation` and `body`.
This module turns the post into the one `submitPublicComment` mutation (templates/comment.graphql),
run through the app's own schema in process as the PUBLIC principal: no second write path, the
API's own checks decide (required, lengths, the window), and it counts against the same comment
rate limit as the field does over /graphql, for the same client key (api/rate_limit.py
`public_comment`; the in-process execution also carries the visitor's request in its Context).
The form always comments as the public, so each of its comments counts, even from a browser that
happens to send a bearer token (over /graphql a token's comments are not comment-limited).

- accepted: 303 See Other to the committee page (language kept) at the item's anchor, where the
  new comment is listed (a reload does not post twice);
- refused by the API: the committee page again, 400 (429 over the rate limit), the message next
  to the field it names, a summary at the top of the form linking to the fields, the visitor's
  values kept; nothing recorded;
- a post that is not this form (another content type, unknown or repeated fields, no or a bad item
  id, an item not open on this committee, over FORM_MAX_BYTES, not UTF-8): a page saying why,
  naming the field, 400/413/415; the mutation is not run, nothing recorded or counted.

Why no CSRF token: a CSRF token protects a visitor's authority (a cookie, a session) from being
used by another site. This form has none to protect: the site sets no cookie, reads none, and the
mutation runs as PUBLIC whatever the browser sends. A post forged by another site can therefore do
only what anyone can do by opening the page or calling /graphql directly: comment, under the name
it chooses, within the same per-address rate limit. A token would add state (a cookie or a
server-side store) for no protection. (The CSP's form-action 'self' keeps this site's own pages
from posting elsewhere.)
"""

import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from strawberry.types.graphql import OperationType

from api.ids import from_global_id
from api.site.committee_page import COMMITTEE, committee_context
from api.site.framework import Document, NotFound, Site, View
from api.site.language import Speaker

COMMENT = Document("comment", "SubmitPublicComment")
FIELDS = ("item", "author", "affiliation", "body")
FORM_FIELDS = ("author", "affiliation", "body")  # what a visitor types; errors are shown next to them
ITEM_TYPES = {"Proposal": "proposalId", "Project": "projectId"}
# A full comment in Japanese (10,000 characters of 3 UTF-8 bytes, each byte written %XX) with a
# full name and affiliation fits; a larger post is not this form's.
FORM_MAX_BYTES = 96 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
TOO_LONG = re.compile(r"at most (\d+) characters \(got (\d+)\)")


class Refused(Exception):
    """A post this form does not take: `reason` a message key (api/site/messages.py), `status` its
    HTTP status. The mutation is not run."""

    def __init__(self, status: int, reason: str, **values: Any):
        super().__init__(reason)
        self.status, self.reason, self.values = status, reason, values


async def _form(request: Request) -> dict[str, str]:
    """The posted fields, each at most once and all of them this form's."""
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() != FORM_TYPE:
        raise Refused(415, "comment_not_a_form")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > FORM_MAX_BYTES:
        raise Refused(413, "comment_too_large", most=FORM_MAX_BYTES)
    body = b""
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > FORM_MAX_BYTES:
                raise Refused(413, "comment_too_large", most=FORM_MAX_BYTES)
    except ClientDisconnect:  # gone before its form arrived: nobody to answer, nothing to log as an error
        raise Refused(400, "comment_incomplete") from None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "comment_not_utf8") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name not in FIELDS:
            raise Refused(400, "comment_unknown_field", field=name[:64])
        if name in fields:
            raise Refused(400, "comment_repeated_field", field=name)
        if "\x00" in value:  # no text field takes it (the API refuses it as a malformed request)
            raise Refused(400, "comment_nul", field=name)
        fields[name] = value
    item = fields.get("item", "")
    decoded = from_global_id(item) if item else None
    if decoded is None or decoded[0] not in ITEM_TYPES:
        raise Refused(400, "comment_bad_item")
    return fields


def _error(speaker: Speaker, error: dict[str, Any]) -> dict[str, Any]:
    """A userError as the form shows it: next to its field when it names one the visitor typed, in
    the visitor's language where its code (and, for INVALID_INPUT, its kind) is known, else the
    API's own sentence."""
    named = (error.get("field") or [None])[0]
    field = named if named in FORM_FIELDS else None
    message = error["message"]
    if error["code"] == "INVALID_INPUT" and field is not None:
        if message.endswith("must not be blank.") and field != "affiliation":
            message = speaker.t(f"comment_blank_{field}")
        elif (long := TOO_LONG.search(message)) is not None:
            message = speaker.t(f"comment_too_long_{field}", most=long.group(1), got=long.group(2))
    elif error["code"] == "WINDOW_CLOSED":
        message = speaker.t("comment_window_closed")
    elif error["code"] == "BUSY":
        message = speaker.t("comment_busy")
    return {"field": field, "message": message}


def comment_route(site: Site) -> Route:
    committee_document, comment_document = COMMITTEE.document.text, COMMENT.text

    async def endpoint(request: Request) -> Response:
        if request.method in ("GET", "HEAD"):
            # A reload or a shared link of the form's URL after a refusal: the committee page it came from.
            return RedirectResponse(f"/committees/{request.path_params['code'][:2]}", status_code=303)
        read = site.read(request, COMMITTEE)  # ?lang= only, as on the page itself
        if isinstance(read, Response):
            return read
        speaker, params, variables = read
        view = site.view(request, speaker, COMMITTEE, params, variables)
        back_url = view.committee_url(variables["code"])
        try:
            fields = await _form(request)
        except Refused as refused:
            return _refused(site, request, speaker, refused, back_url)

        # The page as the visitor saw it: which items are open here, and what to show again on a refusal.
        read = await site.execute(request, committee_document, variables, COMMITTEE.document.operation)
        if read.errors:
            return _unavailable(site, request, speaker, read.errors)
        try:
            context = committee_context(read.data or {}, view)
        except NotFound as missing:
            return site.not_found(request, speaker, missing)
        item = next((item for item in context["open_items"] if item["id"] == fields["item"]), None)
        if item is None:
            committee = speaker.name(context["committee"]["name"])
            return _refused(
                site, request, speaker, Refused(400, "comment_item_not_open", committee=committee), back_url
            )

        values = {name: fields.get(name, "") for name in FORM_FIELDS}
        limit = request.scope.get("state", {}).get("rate_limit")  # None when JCM_RATE_LIMIT_PUBLIC_COMMENTS is off
        refusal = await limit.public_comment(request.scope) if limit is not None else None
        if refusal is not None:
            seconds = refusal.headers["retry-after"]
            errors = [{"field": None, "message": speaker.t("comment_rate_limited", seconds=seconds)}]
            return _again(site, request, speaker, view, context, item, values, errors, 429, {"Retry-After": seconds})

        comment = {item["input"]: item["id"], **values, "affiliation": values["affiliation"] or None}
        result = await site.execute(
            request, comment_document, {"input": comment}, COMMENT.operation, (OperationType.MUTATION,)
        )
        if result.errors:
            return _unavailable(site, request, speaker, result.errors)
        errors = [_error(speaker, error) for error in result.data["submitPublicComment"]["userErrors"]]
        if errors:
            return _again(site, request, speaker, view, context, item, values, errors, 400)
        return RedirectResponse(f"{back_url}#{item['anchor']}", status_code=303)

    return Route("/committees/{code}/comments", endpoint, methods=["GET", "POST"])


def _again(
    site: Site,
    request: Request,
    speaker: Speaker,
    view: View,
    context: dict[str, Any],
    item: dict[str, Any],
    values: dict[str, str],
    errors: list[dict[str, Any]],
    status: int,
    headers: dict[str, str] | None = None,
) -> Response:
    """The committee page again, as read before the refused comment (nothing was recorded), with
    the item's form holding the visitor's values and the errors."""
    form = {
        "item": item["id"],
        "values": values,
        "errors": errors,
        "field_errors": {error["field"]: error["message"] for error in errors if error["field"]},
    }
    page = view.links() | context | {"form": form, "json_url": view.json_url} | _other_language(request, speaker)
    return site.render(request, speaker, "committee.html", page, headers, status_code=status)


def _other_language(request: Request, speaker: Speaker) -> dict[str, str]:
    """The language link of a page this route answers: the committee page in the other language
    (the route's own URL takes only POST, so a link to it would be a dead end)."""
    code = str(request.path_params.get("code", ""))[:2]
    return {"other_language_url": f"/committees/{code}?lang={'en' if speaker.lang == 'ja' else 'ja'}"}


def _refused(site: Site, request: Request, speaker: Speaker, refused: Refused, back_url: str) -> Response:
    reason = speaker.t(refused.reason, **refused.values)
    context = {"reason": reason, "back_url": back_url, **_other_language(request, speaker)}
    return site.render(request, speaker, "comment_refused.html", context, status_code=refused.status)


def _unavailable(site: Site, request: Request, speaker: Speaker, errors: Any) -> Response:
    return site.unavailable(request, speaker, errors, _other_language(request, speaker))
