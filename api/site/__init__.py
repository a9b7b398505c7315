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
from api.site.list_pages import METHODOLOGIES, PROJECTS, TPES
from api.site.search_page import SEARCH
from resolvers.events import DecisionBroker


def site_routes(settings: Settings, schema: BaseSchema, engine: AsyncEngine, broker: DecisionBroker) -> list[Route]:
    if not settings.public_site:
        return []
    site = Site(schema, engine, broker)
    # Each list before its items' {reference:path} route: /decisions, /methodologies ... are not references.
    pages = (HOME, SEARCH, DECISIONS, DECISION, COMMITTEE, METHODOLOGIES, METHODOLOGY, PROJECTS, PROJECT, TPES, TPE)
    # The comment form's route first: the committee page's {code:path} would take its GET otherwise.
    return [comment_route(site), *(site.route(page) for page in pages)]
