"""A committee's page, `/committees/{code}`: members with the co-chairs marked, rules in force with
their version lines, recent decisions, methodologies, TPEs by function and sectoral scope, projects,
and the items open for public input today, each with its comments and a comment form
(api/site/comment_form.py posts it).

Everything comes from one GraphQL document (templates/committee.graphql); this module only arranges
the answer for the template, so the statements behind the page stay those of the document, whatever
the number of rows. "Open for public input" is decided here the way the API decides it when a
comment arrives (resolvers/comments.py): the window includes today, both end days included.
"""

from collections.abc import Mapping
from typing import Any

from api.feeds import feed_url
from api.site.checks import CODE
from api.site.framework import Document, NotFound, Page, View

# Scope statuses a visitor is shown under "TPEs by function and scope": what the entity may do now
# (or may again: a suspension is temporary). Ended and refused scopes stay on the TPE's own page.
CURRENT_SCOPES = ("DESIGNATED", "SUSPENDED")
FUNCTIONS = ("VALIDATION", "VERIFICATION")


def _committee_variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    code = path["code"]
    if not CODE.fullmatch(code):
        raise NotFound("not_found_committee", code=code[:64])
    return {"code": code.upper()}


def _rules(committee: dict[str, Any]) -> list[dict[str, Any]]:
    """Documents with a version in force, each with the rest of its line (newest first)."""
    return [
        {**rule, "earlier": [v for v in rule["versions"] if v["code"] != rule["inForce"]["code"]]}
        for rule in committee["rules"]
        if rule["inForce"]
    ]


def _tpes_by_function(committee: dict[str, Any]) -> list[dict[str, Any]]:
    """Per function, the sectoral scopes (by number) with the designations currently covering them."""
    grouped: dict[str, dict[int, dict[str, Any]]] = {function: {} for function in FUNCTIONS}
    for edge in committee["tpeDesignations"]["edges"]:
        designation = edge["node"]
        for scope in designation["scopes"]:
            if scope["status"] not in CURRENT_SCOPES:
                continue
            row = grouped[scope["function"]].setdefault(scope["scope"]["number"], {**scope["scope"], "entries": []})
            row["entries"].append({**designation, "scope_status": scope["status"], "since": scope["since"]})
    return [
        {"function": function, "scopes": [scopes[number] for number in sorted(scopes)]}
        for function, scopes in grouped.items()
    ]


def open_items(committee: dict[str, Any]) -> list[dict[str, Any]]:
    """What takes comments today (the API's `openForComment` lists: proposals in public input and
    PLANNED projects' PDDs whose window includes today), soonest closing first. `input` is the field
    the comment names it by."""
    items = []
    for edge in committee["proposals"]["edges"]:
        node = edge["node"]
        items.append({**node, "input": "proposalId", "window": node["publicInput"], "pdd": None})
    for edge in committee["plannedProjects"]["edges"]:
        node, pdd = edge["node"], edge["node"]["designDocument"]
        items.append({**node, "kind": None, "input": "projectId", "window": pdd["publicInput"], "pdd": pdd})
    for item in items:
        item["anchor"] = anchor(item["id"])
    return sorted(items, key=lambda item: (item["window"]["closesOn"], item["title"]))


def anchor(item_id: str) -> str:
    """The element id of an open item on the page: the comment form returns the visitor there."""
    return f"item-{item_id}"


def committee_context(data: dict[str, Any], view: View) -> dict[str, Any]:
    committee = data["committee"]
    if committee is None:
        raise NotFound("not_found_committee", code=view.variables["code"])
    code = committee["code"]
    return {
        "committee": committee,
        "co_chairs": [member for member in committee["members"] if member["role"] == "CO_CHAIR"],
        "rules": _rules(committee),
        "tpe_functions": _tpes_by_function(committee),
        "open_items": open_items(committee),
        "more_open_items": any(committee[kind]["pageInfo"]["hasNextPage"] for kind in ("proposals", "plannedProjects")),
        "form": None,  # the comment form's state after a refused comment (api/site/comment_form.py)
        "comment_action": view.url(f"/committees/{code}/comments"),
        "decisions_url": view.url("/decisions", committee=code),
        "feed_url": feed_url(view.base, code),
    }


COMMITTEE = Page(
    path="/committees/{code:path}",
    document=Document("committee", "CommitteePage"),
    variables=_committee_variables,
    build=committee_context,
)
