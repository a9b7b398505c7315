"""The public register in a browser (issue 15): server-rendered pages, in English and Japanese, each
built from a GraphQL document run as the public (api/site/framework.py). `site_routes` gives the
app its routes; none when JCM_PUBLIC_SITE is false."""

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.routing import Route
from strawberry.schema.base import BaseSchema

from api.settings import Settings
from api.site.comment_form import comment_route
from api.site.committee_page import COMMITTEE
from api.site.decision_page import DECISION
from api.site.decisions_page import DECISIONS
from api.site.framework import Site
from api.site.home_page import HOME
from api.site.item_pages import METHODOLOGY, PROJECT, TPE
from resolvers.events import DecisionBroker


def site_routes(settings: Settings, schema: BaseSchema, engine: AsyncEngine, broker: DecisionBroker) -> list[Route]:
    if not settings.public_site:
        return []
    site = Site(schema, engine, broker)
    # /decisions before /decisions/{reference:path}: the list is not a reference.
    pages = [site.route(page) for page in (HOME, DECISIONS, DECISION, COMMITTEE, METHODOLOGY, PROJECT, TPE)]
    return [*pages, comment_route(site)]  # the committee page's comment form (POST)
