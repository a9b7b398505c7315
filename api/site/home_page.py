"""The home page, `/`: the 30 committees in signing order with what each has published."""

from typing import Any

from api.site.checks import no_variables
from api.site.framework import Document, Page, View


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
            "url": view.committee_url(committee["code"]),
            "decision_count": decisions.get(committee["code"], 0),
        }
        for committee in data["committees"]
    ]
    return {"committees": committees}


HOME = Page(path="/", document=Document("home", "HomePage"), variables=no_variables, build=_home)
