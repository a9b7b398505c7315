"""Per-operation DataLoaders over the batch functions of `resolvers.loaders`, typed and made on first use.

`info.context.loaders.committee` is a `DataLoader[int, JointCommittee | None]`: each loader is a
typed `cached_property` of one area's group (`api/loaders/<area>.py`), and `Loaders` is the union
of the groups, one base class per area, as the schema's `Query` is the union of the areas' roots.
Names stay flat (`loaders.committee`, not `loaders.committees.committee`): fields of every area
load committees, proposals and decisions, and one flat namespace keeps those calls short, while
each area still adds its loaders in its own module and one line here. A name defined by two
groups would shadow one silently, so importing this module fails instead.
"""

from functools import cached_property

from api.loaders.base import LoaderGroup, now_or_later
from api.loaders.committees import CommitteeLoaders
from api.loaders.methodologies import MethodologyLoaders
from api.loaders.projects import ProjectLoaders
from api.loaders.proposals import ProposalLoaders
from api.loaders.registry import RegistryLoaders
from api.loaders.rules import RuleLoaders
from api.loaders.tpes import TpeLoaders

__all__ = ["LoaderGroup", "Loaders", "now_or_later"]


class Loaders(
    CommitteeLoaders,
    ProposalLoaders,
    RuleLoaders,
    MethodologyLoaders,
    TpeLoaders,
    ProjectLoaders,
    RegistryLoaders,
):
    """The loaders of one operation (`Context.loaders`); made again after a write."""


def _names_are_unique() -> None:
    seen: dict[str, str] = {}
    for group in Loaders.__mro__:
        for name, value in vars(group).items():
            if isinstance(value, cached_property):
                if name in seen:
                    raise TypeError(f"loader {name} is defined by {seen[name]} and {group.__name__}")
                seen[name] = group.__name__


_names_are_unique()
