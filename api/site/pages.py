"""The site's pages besides a decision's (api/site/decision_page.py): home, a committee, and the
decision register with keyset paging. Each is a `Page` (api/site/framework.py): its parameters, the
variables of its GraphQL document, and what of the answer its template gets."""

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from api.site.framework import BadParameter, Document, NotFound, Page, View

CODE = re.compile(r"[A-Za-z]{2}")
# Long enough for any cursor this API makes; a longer `after` is not a cursor.
MAX_CURSOR = 200
PAGE_SIZE = 20
MAX_SEARCH = 200


def check_committee(name: str, value: str) -> str:
    if not CODE.fullmatch(value):
        raise BadParameter(name, "bad_committee")
    return value.upper()


def check_cursor(name: str, value: str) -> str:
    if not value or len(value) > MAX_CURSOR or not value.isascii() or not value.isprintable():
        raise BadParameter(name, "bad_cursor")
    return value


def check_search(name: str, value: str) -> str | None:
    """Words to look for; an empty box (the form sends `search=`) is no search."""
    if len(value) > MAX_SEARCH or not value.isprintable():
        raise BadParameter(name, "bad_search", most=MAX_SEARCH)
    return value.strip() or None


def _no_variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def _home(data: dict[str, Any], view: View) -> dict[str, Any]:
    """The committees with their decision counts summed from `statistics.decisions` (per committee,
    kind, outcome and year). Methodologies, designated TPEs and projects are counted by each
    committee's connection `totalCount`: the public schema has no per-committee statistics for them,
    so the home page costs three statements per committee (a fixed ~95 for the 30, whatever the
    data). A `statistics` field per committee for those (or batched totalCounts) would make it ~8."""
    decisions: dict[str, int] = {}
    for row in data["statistics"]["decisions"]:
        decisions[row["committeeCode"]] = decisions.get(row["committeeCode"], 0) + row["count"]
    committees = [
        {
            **committee,
            "url": view.url(f"/committees/{committee['code']}"),
            "decision_count": decisions.get(committee["code"], 0),
        }
        for committee in data["committees"]
    ]
    return {"committees": committees}


HOME = Page(path="/", document=Document("home", "HomePage"), variables=_no_variables, build=_home)


def _committee_variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    code = path["code"]
    if not CODE.fullmatch(code):
        raise NotFound("not_found_committee", code=code[:64])
    return {"code": code.upper()}


def _committee(data: dict[str, Any], view: View) -> dict[str, Any]:
    committee = data["committee"]
    if committee is None:
        raise NotFound("not_found_committee", code=view.variables["code"])
    code = committee["code"]
    return {
        "committee": committee,
        "decisions_url": view.url("/decisions", committee=code),
        "decision_url": lambda reference: view.url(f"/decisions/{reference}"),
        "methodology_url": lambda reference: view.url(f"/methodologies/{reference}"),
        "project_url": lambda reference: view.url(f"/projects/{reference}"),
        "tpe_url": lambda reference: view.url(f"/tpes/{reference}"),
        "feed_url": f"{view.base}/feeds/decisions.atom?" + urlencode({"committee": code}),
    }


COMMITTEE = Page(
    path="/committees/{code:path}",
    document=Document("committee", "CommitteePage"),
    variables=_committee_variables,
    build=_committee,
)


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
        "decision_url": lambda reference: view.url(f"/decisions/{reference}"),
        "committee_url": lambda code: view.url(f"/committees/{code}"),
    }


DECISIONS = Page(
    path="/decisions",
    document=Document("decisions", "DecisionsPage"),
    variables=_decisions_variables,
    build=_decisions,
    params={"committee": check_committee, "after": check_cursor, "search": check_search},
    errors={"cursor": ("after", "bad_cursor")},
)


# Longer than any methodology reference (VN_AM001, VN_PM001); a longer one is not looked up.
MAX_REFERENCE = 64


def _reference(message: str) -> Any:
    """The variables of a page of one thing by its reference; one no reference could be is a 404."""

    def variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
        reference = path["reference"]
        if len(reference) > MAX_REFERENCE or not reference.isprintable() or "/" in reference:
            raise NotFound(message, reference=reference[:MAX_REFERENCE])
        return {"reference": reference}

    return variables


def _methodology(data: dict[str, Any], view: View) -> dict[str, Any]:
    methodology = data["methodology"]
    if methodology is None:
        raise NotFound("not_found_methodology", reference=view.variables["reference"])
    return {
        "methodology": methodology,
        "committee_url": view.url(f"/committees/{methodology['committee']['code']}"),
        "decision_url": lambda reference: view.url(f"/decisions/{reference}"),
    }


METHODOLOGY = Page(
    path="/methodologies/{reference:path}",
    document=Document("methodology", "MethodologyPage"),
    variables=_reference("not_found_methodology"),
    build=_methodology,
)


def _project(data: dict[str, Any], view: View) -> dict[str, Any]:
    project = data["project"]
    if project is None:
        raise NotFound("not_found_project", reference=view.variables["reference"])
    return {
        "project": project,
        "decisions": project["decisions"],
        "committee_url": view.url(f"/committees/{project['committee']['code']}"),
        "decision_url": lambda reference: view.url(f"/decisions/{reference}"),
        "methodology_url": lambda reference: view.url(f"/methodologies/{reference}"),
        "tpe_url": lambda reference: view.url(f"/tpes/{reference}"),
    }


PROJECT = Page(
    path="/projects/{reference:path}",
    document=Document("project", "ProjectPage"),
    variables=_reference("not_found_project"),
    build=_project,
)


def _tpe(data: dict[str, Any], view: View) -> dict[str, Any]:
    tpe = data["tpe"]
    if tpe is None:
        raise NotFound("not_found_tpe", reference=view.variables["reference"])
    return {
        "tpe": tpe,
        "decisions": tpe["decisions"],
        "committee_url": view.url(f"/committees/{tpe['committee']['code']}"),
        "decision_url": lambda reference: view.url(f"/decisions/{reference}"),
    }


TPE = Page(
    path="/tpes/{reference:path}",
    document=Document("tpe", "TpePage"),
    variables=_reference("not_found_tpe"),
    build=_tpe,
)
