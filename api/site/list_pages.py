"""The lists of methodologies, projects and TPE designations: `/methodologies`, `/projects`, `/tpes`.

Each is every committee's list or one's (`?committee=VN`), filtered as its public GraphQL
connection allows, in pages of PAGE_SIZE with keyset "next page" links (as the decision register,
api/site/decisions_page.py), each row linked to the item's page, with links to the CSV/JSON export
of what is listed. The filters take the export's parameter names and values (`status=VALID`,
`scope=3`, `function=VERIFICATION`), so the export link is the page's own query, less the cursor.
No Atom feed exists for these lists (api/feeds.py serves decisions only), so none is linked.

The three differ only in their filters and how those become the document's variables: one `Listing`
each, one builder.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from api.site.checks import PAGE_SIZE, check_committee, check_cursor, check_scope, check_search, choice, optional
from api.site.framework import BadParameter, Check, Document, Page, View
from models.enums import DesignationStatus, MethodologyStatus, ProjectStatus, TpeFunction

METHODOLOGY_STATUSES = [status.value for status in MethodologyStatus]
PROJECT_STATUSES = [status.value for status in ProjectStatus]
TPE_STATUSES = [status.value for status in DesignationStatus]
FUNCTIONS = [function.value for function in TpeFunction]


@dataclass(frozen=True)
class Listing:
    """One list page: its path (also its export's name and its connection's field), its filters (the
    page's parameters besides `after` and `lang`), the values the form offers for each choice, and
    how the filters become the document's variables besides `first` and `after`."""

    path: str
    operation: str
    filters: Mapping[str, Check]
    choices: Mapping[str, list[str]]
    to_variables: Callable[[Mapping[str, Any]], dict[str, Any]]

    @property
    def name(self) -> str:
        return self.path.strip("/")


def _only(values: Mapping[str, Any]) -> dict[str, Any] | None:
    """A GraphQL filter input of the values given; null when none is (no filter)."""
    return {key: value for key, value in values.items() if value is not None} or None


def _listed(status: str | None) -> list[str] | None:
    return [status] if status else None


def _methodology_variables(params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "filter": _only(
            {
                "committeeCode": params.get("committee"),
                "status": _listed(params.get("status")),
                "sectoralScope": params.get("scope"),
                "search": params.get("search"),
            }
        )
    }


def _project_variables(params: Mapping[str, Any]) -> dict[str, Any]:
    return {"committeeCode": params.get("committee"), "status": _listed(params.get("status"))}


def _tpe_variables(params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "filter": _only(
            {
                "committeeCode": params.get("committee"),
                "function": params.get("function"),
                "sectoralScope": params.get("scope"),
                "status": _listed(params.get("status")),
                "search": params.get("search"),
            }
        )
    }


def _page(listing: Listing) -> Page:
    def variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
        return {"first": PAGE_SIZE, "after": params.get("after"), **listing.to_variables(params)}

    def build(data: dict[str, Any], view: View) -> dict[str, Any]:
        committee = view.params.get("committee")
        named = {item["code"]: item["name"] for item in data["committees"]}
        if committee and committee not in named:
            raise BadParameter("committee", "unknown_committee", code=committee)
        # What is listed, as the page's (and the export's) query: the filters given, in a fixed order.
        shown = {name: view.params[name] for name in listing.filters if view.params.get(name) is not None}
        connection = data[listing.name]
        info = connection["pageInfo"]
        query = "?" + urlencode(shown) if shown else ""
        return {
            "listing": listing.name,
            "connection": connection,
            "rows": [edge["node"] for edge in connection["edges"]],
            "committees": data["committees"],
            "scopes": data.get("sectoralScopes", []),
            "choices": listing.choices,
            "chosen": shown,
            "committee_name": named.get(committee) if committee else None,
            "next_url": view.url(listing.path, **shown, after=info["endCursor"]) if info["hasNextPage"] else None,
            "first_url": view.url(listing.path, **shown) if "after" in view.params else None,
            "downloads": {
                "csv": f"{view.base}/exports/{listing.name}.csv{query}",
                "json": f"{view.base}/exports/{listing.name}.json{query}",
            },
        }

    return Page(
        path=listing.path,
        document=Document(listing.name, listing.operation),
        variables=variables,
        build=build,
        params={**listing.filters, "after": check_cursor},
        errors={"cursor": ("after", "bad_cursor")},
    )


METHODOLOGIES = _page(
    Listing(
        path="/methodologies",
        operation="MethodologiesPage",
        filters={
            "committee": optional(check_committee),
            "status": optional(choice(METHODOLOGY_STATUSES)),
            "scope": optional(check_scope),
            "search": check_search,
        },
        choices={"status": METHODOLOGY_STATUSES},
        to_variables=_methodology_variables,
    )
)
PROJECTS = _page(
    Listing(
        path="/projects",
        operation="ProjectsPage",
        filters={"committee": optional(check_committee), "status": optional(choice(PROJECT_STATUSES))},
        choices={"status": PROJECT_STATUSES},
        to_variables=_project_variables,
    )
)
TPES = _page(
    Listing(
        path="/tpes",
        operation="TpesPage",
        filters={
            "committee": optional(check_committee),
            "function": optional(choice(FUNCTIONS)),
            "scope": optional(check_scope),
            "status": optional(choice(TPE_STATUSES)),
            "search": check_search,
        },
        choices={"function": FUNCTIONS, "status": TPE_STATUSES},
        to_variables=_tpe_variables,
    )
)
