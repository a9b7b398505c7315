"""Work done once per parsed document.

strawberry's parser cache hands the same document object to every request with the same text, so
what depends only on the document (its render plan, the check of its literals) is found by the
document's identity instead of being worked out again per request. Entries hold their objects, so
no id is reused while its entry is kept; the least recently used entry goes past `size`.
"""

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class ByIdentity(Generic[V]):
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple[int, ...], tuple[tuple[object, ...], V]] = OrderedDict()

    def get(self, objects: tuple[object, ...], compute: Callable[[], V]) -> V:
        """The value for these very objects, computed on first asking."""
        key = tuple(map(id, objects))
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry[1]
        value = compute()
        self._entries[key] = (objects, value)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value
