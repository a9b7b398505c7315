"""A committee's page, `/committees/{code}`: members, rules in force, recent decisions,
methodologies, TPEs and projects, and the items open for public input."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from api.site.checks import CODE
from api.site.framework import Document, NotFound, Page, View


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
        "feed_url": f"{view.base}/feeds/decisions.atom?" + urlencode({"committee": code}),
    }


COMMITTEE = Page(
    path="/committees/{code:path}",
    document=Document("committee", "CommitteePage"),
    variables=_committee_variables,
    build=_committee,
)
