"""The decision register, `/decisions`: every committee's decisions or one's, searched, in pages of
PAGE_SIZE with keyset "next page" links, and links to the exports and feed of what is listed."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from api.site.checks import PAGE_SIZE, check_committee, check_cursor, check_search
from api.site.framework import BadParameter, Document, Page, View


def _decisions_variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    committee = params.get("committee")
    filtered = {"code": committee, "filtered": True} if committee else {}
    conditions = {"committeeCode": committee, "search": params.get("search")}
    conditions = {key: value for key, value in conditions.items() if value}
    return {"first": PAGE_SIZE, "after": params.get("after"), "filter": conditions or None, **filtered}


def _decisions(data: dict[str, Any], view: View) -> dict[str, Any]:
    connection = data["decisions"]
    committee, search = view.params.get("committee"), view.params.get("search")
    info = connection["pageInfo"]
    next_url = (
        view.url("/decisions", committee=committee, search=search, after=info["endCursor"])
        if info["hasNextPage"]
        else None
    )
    first_url = view.url("/decisions", committee=committee, search=search) if "after" in view.params else None
    committee_name = None
    if committee:
        if data.get("committee") is None:
            raise BadParameter("committee", "unknown_committee", code=committee)
        committee_name = data["committee"]["name"]
    # The exports take the search too; the feed only the committee (it lists what is new).
    exported = {key: value for key, value in {"committee": committee, "search": search}.items() if value}
    query = "?" + urlencode(exported) if exported else ""
    fed = "?" + urlencode({"committee": committee}) if committee else ""
    return {
        "downloads": {
            "csv": f"{view.base}/exports/decisions.csv{query}",
            "json": f"{view.base}/exports/decisions.json{query}",
            "atom": f"{view.base}/feeds/decisions.atom{fed}",
        },
        "connection": connection,
        "decisions": [edge["node"] for edge in connection["edges"]],
        "committee_code": committee,
        "search": search,
        "committee_name": committee_name,
        "next_url": next_url,
        "first_url": first_url,
    }


DECISIONS = Page(
    path="/decisions",
    document=Document("decisions", "DecisionsPage"),
    variables=_decisions_variables,
    build=_decisions,
    params={"committee": check_committee, "after": check_cursor, "search": check_search},
    errors={"cursor": ("after", "bad_cursor")},
)
