"""Per-operation DataLoaders over the batch functions of `resolvers.loaders`, made on first use."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from api.context import Db
from models import CommitteeMember, Country, JointCommittee, Meeting, SectoralScope
from models.decision import Decision
from models.methodology import Methodology, MethodologyScope
from models.principal import Principal
from models.proposal import Proposal, PublicComment, WorkflowEvent
from models.rule import RuleDocument, RuleVersion
from models.tpe import DesignationScope, ThirdPartyEntity, TpeDesignation
from resolvers import loaders as batch

PRINCIPAL = object()  # stands for the operation's principal in the arguments below

# name -> the batch function and the arguments before the keys
LOADERS: dict[str, tuple[Callable[..., Awaitable[list[Any]]], tuple[Any, ...]]] = {
    "country": (batch.one_by, (Country, "id")),
    "country_by_code": (batch.one_by, (Country, "code")),
    "committee": (batch.one_by, (JointCommittee, "id")),
    "committee_by_country": (batch.one_by, (JointCommittee, "country_id")),
    "member": (batch.one_by, (CommitteeMember, "id")),
    "members": (batch.members, ()),
    "co_chair": (batch.co_chairs, ()),
    "meeting": (batch.one_by, (Meeting, "id")),
    "meetings": (batch.grouped, (Meeting, "committee_id", "number")),
    "proposal": (batch.one_by, (Proposal, "id")),  # for what is public anyway: a decision's proposal
    "visible_proposal": (batch.visible_proposals_by_id, (PRINCIPAL,)),
    "decision": (batch.one_by, (Decision, "id")),
    "decision_of_proposal": (batch.one_by, (Decision, "proposal_id")),
    "meeting_decisions": (batch.grouped, (Decision, "meeting_id", "id")),
    "positions": (batch.positions, ()),
    "comments": (batch.grouped, (PublicComment, "proposal_id", "id")),
    "history": (batch.grouped, (WorkflowEvent, "proposal_id", "id")),
    "scope": (batch.one_by, (SectoralScope, "number")),
    "rule_document": (batch.one_by, (RuleDocument, "id")),
    "rule_documents": (batch.grouped, (RuleDocument, "committee_id", "id")),
    "rule_version": (batch.one_by, (RuleVersion, "id")),
    "visible_rule_version": (batch.one_visible, (PRINCIPAL, RuleVersion)),
    "rule_versions": (batch.grouped_visible, (PRINCIPAL, RuleVersion, "document_id", "-id")),
    "methodology": (batch.one_by, (Methodology, "id")),
    "visible_methodology": (batch.one_visible, (PRINCIPAL, Methodology)),
    "methodology_scopes": (batch.grouped, (MethodologyScope, "methodology_id", "scope")),
    "methodology_versions": (batch.grouped_visible, (PRINCIPAL, Methodology, "reference", "-id")),
    "entity": (batch.one_by, (ThirdPartyEntity, "id")),
    "designation": (batch.one_by, (TpeDesignation, "id")),
    "visible_designation": (batch.one_of_visible_designations, (PRINCIPAL,)),
    "designation_scopes": (batch.grouped, (DesignationScope, "designation_id", "id")),
    "designation_decisions": (batch.decisions_about, ("TpeDesignation",)),
    "entity_designations": (batch.visible_designations_of, (PRINCIPAL, "entity_id")),
}


class Loaders:
    """`loaders.committee.load(id)` and so on; each loader is made when a field first asks for it."""

    def __init__(self, db: Db, principal: Principal):
        self._db, self._principal = db, principal

    def __getattr__(self, name: str) -> DataLoader[Any, Any]:
        if name not in LOADERS:
            raise AttributeError(name)
        fn, arguments = LOADERS[name]
        arguments = tuple(self._principal if argument is PRINCIPAL else argument for argument in arguments)
        db = self._db

        async def load(keys: Sequence[Any]) -> list[Any]:
            return await db.run(fn, *arguments, list(keys))

        loader: DataLoader[Any, Any] = DataLoader(load_fn=load)
        setattr(self, name, loader)  # later lookups find the attribute and skip __getattr__
        return loader


def now_or_later(loader: DataLoader[Any, Any], key: Any, render: Callable[[Any], Any]) -> Any:
    """The rendered value at once when the loader already holds it (a list prefetched it), else an
    awaitable of it. Resolvers that return this stay synchronous in the common case, which spares
    GraphQL execution a task per field and per row."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return render(future.result())

    async def later() -> Any:
        return render(await loader.load(key))

    return later()


def selected_under(info: Any, *path: str) -> set[str]:
    """Names of the fields selected at `path` below the current field (through fragments):
    selected_under(info, "edges", "node") for a connection's nodes."""
    level = [child for field in info.selected_fields for child in field.selections]
    for step in (*path, None):
        names: set[str] = set()
        below = []
        stack = list(level)
        while stack:
            selection = stack.pop()
            children = getattr(selection, "selections", None) or []
            name = getattr(selection, "name", None)
            if not hasattr(selection, "arguments") or name is None:  # a fragment: look inside
                stack.extend(children)
                continue
            names.add(name)
            if name == step:
                below.extend(children)
        if step is None:
            return names
        level = below
    return set()


async def prefetch(
    info: Any, rows: list[Any], plan: dict[str, tuple[str, Callable[[Any], Any]]], fields: set[str]
) -> None:
    """Load, in one batch per field, what the selected `fields` of these rows will ask for."""
    loads = []
    for field, (loader_name, key) in plan.items():
        if field in fields:
            keys = [k for k in (key(row) for row in rows) if k is not None]
            loads.append(getattr(info.context.loaders, loader_name).load_many(keys))
    if loads:
        await asyncio.gather(*loads)
