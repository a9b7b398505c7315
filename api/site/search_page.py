"""The search page, `/search?q=...`: one box over the whole register, as the public `search` query
answers it: the best PER_KIND decisions, methodologies, third-party entities and projects, grouped
by kind, each linked to its own page, with how many decisions match in all and a link into the
decision register searched the same way (which pages through all of them).

No `q`, or an empty one, is the empty form (nothing is asked of the API); a `q` too long or holding
unprintable characters is a 400 naming it, as on the register (api/site/checks.py, check_search)."""

from collections.abc import Mapping
from typing import Any

from api.site.checks import check_search
from api.site.framework import Document, Page, View

# Hits of each kind on the page: a search box answers with the best few, the register has the rest.
PER_KIND = 10


def _search_variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    text = params.get("q")
    return {"text": text or "", "first": PER_KIND, "searched": text is not None}


def _search(data: dict[str, Any], view: View) -> dict[str, Any]:
    text = view.params.get("q")
    hits = data.get("search") or {"decisions": [], "methodologies": [], "entities": [], "projects": []}
    matching = data["decisions"]["totalCount"] if "decisions" in data else 0
    # An entity is shown with its designations; only those with a reference have a page to link to.
    entities = [
        {**entity, "designations": [d for d in entity["designations"] if d["reference"]]} for entity in hits["entities"]
    ]
    return {
        "q": text,
        "decisions": hits["decisions"],
        "methodologies": hits["methodologies"],
        "entities": entities,
        "projects": hits["projects"],
        "found": any(hits[kind] for kind in ("decisions", "methodologies", "entities", "projects")),
        "per_kind": PER_KIND,
        "matching_decisions": matching,
        "more_decisions_url": view.url("/decisions", search=text) if matching else None,
    }


SEARCH = Page(
    path="/search",
    document=Document("search", "SearchPage"),
    variables=_search_variables,
    build=_search,
    params={"q": check_search},
)
