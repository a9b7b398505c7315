"""The public page of one decision, `/decisions/{reference}`: readable HTML for the people a feed
reader or a link sends there (the Atom feed's `alternate` links point here, api/feeds.py).

The first page of the public site, now one `Page` of its framework (api/site/framework.py): it runs
templates/decision.graphql through the app's schema as the public and renders decision.html. An
unknown reference, or one no reference could be (too long, unstorable), is a 404 page.
"""

from collections.abc import Mapping
from typing import Any

from api.feeds import decision_page_url, feed_url
from api.site.framework import Document, NotFound, Page, View
from models.validation import unstorable

# Longer than any reference (JC-VN-2026-001); a longer one is not looked up.
MAX_REFERENCE = 64


def _variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    reference = path["reference"]
    if len(reference) > MAX_REFERENCE or unstorable(reference):
        raise NotFound("not_found_decision", reference=reference[:MAX_REFERENCE])
    return {"reference": reference}


def _build(data: dict[str, Any], view: View) -> dict[str, Any]:
    decision = data["decision"]
    if decision is None:
        raise NotFound("not_found_decision", reference=view.variables["reference"][:MAX_REFERENCE])
    committee = decision["committee"]["code"]
    return {
        "decision": decision,
        "page_url": decision_page_url(view.base, decision["reference"]),
        "feed_url": feed_url(view.base, committee),
    }


DECISION = Page(
    path="/decisions/{reference:path}",
    document=Document("decision", "DecisionPage"),
    variables=_variables,
    build=_build,
)
