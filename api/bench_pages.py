"""The public site's pages in `jcm benchmark`: each page type once uncached and once revalidated
with its ETag (If-None-Match → 304), as rows of the same run and table as the GraphQL reads.

A page runs its GraphQL document through the schema in process and renders HTML from it, so its
uncached figure is one GraphQL read plus a template; a revalidation checks the publication version
and sends no body, which is what a browser or proxy holding the page costs the service. Each page's
304 ÷ uncached ratio is reported beside the goals, for comparison (the issue sets no goal for it).
"""

from typing import Any

from api.bench_load import NO_CACHE, Request
from api.bench_report import Figure, Goal

# Each page type: key → (its label, its path; `{reference}` is a decision the run read). The home
# page's data is a fixed handful of SELECTs (the committees' counts in one grouped query, the
# committees, their partners, ndcAccounting's four), however many decisions the run holds.
PAGES = {
    "home_page": ("home page `/`", "/"),
    "decision_page": ("decision page `/decisions/{reference}`", "/decisions/{reference}"),
}


async def page_requests(client: Any, reference: str) -> dict[str, tuple[Figure, Request]]:
    """Two figures per page, uncached and 304, after one GET for the page's current ETag."""
    plan: dict[str, tuple[Figure, Request]] = {}
    for key, (label, template) in PAGES.items():
        path = template.format(reference=reference)
        answer = await client.get(path, headers=NO_CACHE)
        if answer.status_code != 200 or "etag" not in answer.headers:
            raise RuntimeError(f"GET {path}: HTTP {answer.status_code}, ETag {answer.headers.get('etag')}")
        revalidate = NO_CACHE | {"If-None-Match": answer.headers["etag"]}
        plan[key] = (Figure(f"{label}, HTML"), Request("GET", path, headers=NO_CACHE))
        plan[f"{key}_304"] = (
            Figure(f"{label}, If-None-Match (304)"),
            Request("GET", path, headers=revalidate, status=304),
        )
    return plan


def page_goals(figures: dict[str, Figure]) -> list[Goal]:
    """Each page's revalidations per uncached answer, shown (no goal) below the GraphQL ones."""
    return [
        Goal(
            f"{label}: 304 ÷ uncached req/s",
            "",
            f"{figures[f'{key}_304'].rate / figures[key].rate:.1f}",
            None,
        )
        for key, (label, _) in PAGES.items()
    ]
