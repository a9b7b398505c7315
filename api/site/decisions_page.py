"""The decision register, `/decisions`: every committee's decisions or one's, searched and filtered
(kind, outcome, decided from/to: what the public `decisions(filter:)` takes), in pages of PAGE_SIZE
with keyset "next page" links, and links to the exports and feed of what is listed.

The filters' parameter names are the CSV/JSON exports' own (api/exports.py: committee, kind,
outcome, from, to, search), so the page hands them on unchanged; the Atom feed takes only the
committee (it lists what is new), so only that goes to it."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from api.feeds import feed_url
from api.site.checks import PAGE_SIZE, check_committee, check_cursor, check_day, check_search, one_of, optional
from api.site.framework import BadParameter, Document, Page, View
from models.enums import DecisionOutcome, ProposalKind

# The page's filters, in the order its links write them: committee first, the cursor last.
FILTERS = ("committee", "search", "kind", "outcome", "from", "to")


def _decisions_variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    committee = params.get("committee")
    start, end = params.get("from"), params.get("to")
    if start and end and start > end:  # ISO days compare as text; an empty range is a mistake
        raise BadParameter("to", "bad_day_range", start=start)
    filtered = {"code": committee, "filtered": True} if committee else {}
    conditions = {
        "committeeCode": committee,
        "search": params.get("search"),
        "kind": [params["kind"]] if params.get("kind") else None,
        "outcome": params.get("outcome"),
        "decidedFrom": start,
        "decidedTo": end,
    }
    conditions = {key: value for key, value in conditions.items() if value}
    return {"first": PAGE_SIZE, "after": params.get("after"), "filter": conditions or None, **filtered}


def _decisions(data: dict[str, Any], view: View) -> dict[str, Any]:
    connection = data["decisions"]
    filters = {name: view.params.get(name) for name in FILTERS}
    committee = filters["committee"]
    info = connection["pageInfo"]
    next_url = view.url("/decisions", **filters, after=info["endCursor"]) if info["hasNextPage"] else None
    first_url = view.url("/decisions", **filters) if "after" in view.params else None
    committee_name = None
    if committee:
        if data.get("committee") is None:
            raise BadParameter("committee", "unknown_committee", code=committee)
        committee_name = data["committee"]["name"]
    exported = {name: value for name, value in filters.items() if value}
    query = "?" + urlencode(exported) if exported else ""
    return {
        "downloads": {
            "csv": f"{view.base}/exports/decisions.csv{query}",
            "json": f"{view.base}/exports/decisions.json{query}",
            "atom": feed_url(view.base, committee),
        },
        "connection": connection,
        "decisions": [edge["node"] for edge in connection["edges"]],
        "committee_code": committee,
        "search": filters["search"],
        "filters": filters,
        "filtered": any(value for name, value in filters.items() if name != "committee"),
        "kinds": [kind.value for kind in ProposalKind],
        "outcomes": [outcome.value for outcome in DecisionOutcome],
        "committee_name": committee_name,
        "next_url": next_url,
        "first_url": first_url,
    }


DECISIONS = Page(
    path="/decisions",
    document=Document("decisions", "DecisionsPage"),
    variables=_decisions_variables,
    build=_decisions,
    params={
        "committee": optional(check_committee),  # `committee=` (empty) is every committee, as on the lists
        "after": check_cursor,
        "search": check_search,
        "kind": one_of(ProposalKind),
        "outcome": one_of(DecisionOutcome),
        "from": check_day,
        "to": check_day,
    },
    errors={"cursor": ("after", "bad_cursor")},
)
