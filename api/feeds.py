"""An Atom feed of the decision register: `/feeds/decisions.atom`, or one committee's with `?committee=VN`.

Each entry links to its decision twice, both `rel="alternate"`: first as a page for people
(`text/html`, `/decisions/{reference}`, api/site/decision_page.py; the URL the public site keeps), which
feed readers open (left out when JCM_PUBLIC_SITE=false: no page would answer), then as data (`application/json`, the GraphQL GET of DECISION_QUERY).
"""

import re
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.conditional import Conditional
from api.http_input import BadParameter, parameter_error, query_params
from models import JointCommittee, clock
from models.db import new_session
from resolvers import decisions
from resolvers import loaders as batch
from resolvers.committees import find_committee

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
DECISION_QUERY = '{ decision(reference: "%s") { reference title kind outcome decidedOn mode committee { code name { en } } positions { side position statement } } }'


# Characters XML 1.0 cannot carry at all (escaping does not help): C0 controls but tab, LF and CR.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Longer than any committee code; anything longer is refused before it reaches the database.
MAX_CODE = 16


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = NOT_XML.sub("", text) if text is not None else None
    return element


def _self_link(base: str, request: Request) -> str:
    query = request.url.query
    return f"{base}{request.url.path}" + (f"?{query}" if query else "")


def feed_url(base: str, committee: str | None = None) -> str:
    """The feed's address: every committee's, or one's (the pages link a committee's)."""
    return f"{base}/feeds/decisions.atom" + ("?" + urlencode({"committee": committee}) if committee else "")


def decision_page_url(base: str, reference: str) -> str:
    return f"{base}/decisions/{quote(reference, safe='')}"


def feed_routes(engine: AsyncEngine) -> list[Route]:
    conditional = Conditional(engine)

    async def decisions_feed(request: Request) -> Response:
        try:
            params = query_params(request.scope)
            code = (next(iter(params.get("committee", [])), "")).strip().upper() or None
        except BadParameter as error:
            return parameter_error(error.parameter, error.message)
        if unknown := sorted(set(params) - {"committee"}):  # a typo must not answer the whole register
            return parameter_error(unknown[0], f"{unknown[0]} is not a parameter here; this feed takes committee.")
        if code and len(code) > MAX_CODE:
            return parameter_error("committee", "committee must be a committee's code, such as VN.")
        # Links are built on the configured public address, never on the Host header a client sends.
        base = request.app.state.settings.base_url
        pages = request.app.state.settings.public_site
        async with new_session(engine) as session:
            committee = await find_committee(session, code) if code else None
            if code and committee is None:
                return parameter_error("committee", f"No joint committee has the code {code!r}.", status=404)
            validators = await conditional.validators(request)
            if validators.unchanged_for(request):
                return validators.not_modified()
            page = await decisions.list_decisions(
                session, first=ENTRIES, after=None, max_page_size=ENTRIES, committee_code=code
            )
            codes = {
                c.id: c.code
                for c in await batch.one_by(session, JointCommittee, "id", sorted({d.committee_id for d in page.rows}))
                if c
            }

        ET.register_namespace("", ATOM)
        feed = ET.Element(f"{{{ATOM}}}feed")
        scope = committee.name_en if committee else "all Joint Committees"
        _element(feed, "id", f"urn:jcm:decisions:{code or 'all'}")
        _element(feed, "title", f"JCM decisions: {scope}")
        _element(feed, "subtitle", "Decisions of the Joint Committees of the Joint Crediting Mechanism, newest first.")
        updated = max((d.created_at for d in page.rows), default=clock.now())
        _element(feed, "updated", updated.isoformat())
        _element(feed, "link", rel="self", type="application/atom+xml", href=_self_link(base, request))
        _element(feed, "link", rel="alternate", type="application/json", href=f"{base}/graphql")
        author = _element(feed, "author")
        _element(author, "name", "JCM Joint Committee secretariat")
        for decision in page.rows:
            entry = _element(feed, "entry")
            _element(entry, "id", f"urn:jcm:decision:{decision.reference}")
            _element(entry, "title", f"{decision.reference}: {decision.title}")
            _element(entry, "updated", decision.created_at.isoformat())
            _element(entry, "published", decision.created_at.isoformat())
            if pages:  # with the public site off there is no page to link (JCM_PUBLIC_SITE=false)
                href = decision_page_url(base, decision.reference)
                _element(entry, "link", rel="alternate", type="text/html", href=href)
            query = urlencode({"query": DECISION_QUERY % decision.reference})
            _element(entry, "link", rel="alternate", type="application/json", href=f"{base}/graphql?{query}")
            _element(entry, "category", term=decision.kind.value)
            _element(entry, "category", term=codes[decision.committee_id], label="committee")
            outcome = "Approved" if decision.outcome.value == "APPROVED" else "Not approved"
            summary = (
                f"{outcome} on {decision.decided_on} ({decision.mode.value.lower()}). {decision.summary or ''}".strip()
            )
            _element(entry, "summary", summary)
        body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
        return Response(body, media_type="application/atom+xml; charset=utf-8", headers=validators.headers)

    return [Route("/feeds/decisions.atom", decisions_feed, methods=["GET"])]
