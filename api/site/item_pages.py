"""The pages of one methodology, project or TPE designation at its stable reference
(`/methodologies/VN_AM001`, `/projects/...`, `/tpes/...`): the same shape each, so one builder."""

from collections.abc import Callable
from typing import Any

from api.site.checks import by_reference
from api.site.framework import Document, NotFound, Page, View


def _item(key: str, message: str, *lists: str) -> Callable[[dict[str, Any], View], dict[str, Any]]:
    """The page's context: the thing under `key` (null: a 404 with `message`) and its `lists`."""

    def build(data: dict[str, Any], view: View) -> dict[str, Any]:
        item = data[key]
        if item is None:
            raise NotFound(message, reference=view.variables["reference"])
        return {key: item, **{name: item[name] for name in lists}}

    return build


def _page(kind: str, key: str, operation: str, *lists: str) -> Page:
    message = f"not_found_{key}"
    return Page(
        path=f"/{kind}/{{reference:path}}",
        document=Document(key, operation),
        variables=by_reference(message),
        build=_item(key, message, *lists),
    )


METHODOLOGY = _page("methodologies", "methodology", "MethodologyPage")
PROJECT = _page("projects", "project", "ProjectPage", "decisions")
TPE = _page("tpes", "tpe", "TpePage", "decisions")
