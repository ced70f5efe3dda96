"""``NamedTuple`` classes without importing ``typing`` at run time.

A search imports the few modules it needs (issue 11, goal 3a: ``newscrawler search``
within 60 ms end to end), and ``typing`` costs 2-3 ms of that, for the class syntax of
named tuples only (annotations are strings: ``from __future__ import annotations``).
Modules write::

    TYPE_CHECKING = False
    if TYPE_CHECKING:
        from typing import NamedTuple
    else:
        from archive.records import NamedTuple

and the class statement makes the same ``collections.namedtuple`` that ``typing`` makes:
fields and defaults from the annotated names, methods and properties set on it.

>>> class Point(NamedTuple):
...     x: int
...     y: int = 0
...     @property
...     def total(self) -> int:
...         return self.x + self.y
>>> Point(1), Point(2, 3).total, Point._fields
(Point(x=1, y=0), 5, ('x', 'y'))
"""

from __future__ import annotations

import collections

__all__ = ["NamedTuple"]

#: Names of the class body not copied onto the tuple class.
_SKIPPED = frozenset({"__annotations__", "__module__", "__qualname__", "__dict__",
                      "__weakref__", "__slots__"})


class _NamedTupleMeta(type):
    """Turns ``class Name(NamedTuple): ...`` into a ``collections.namedtuple`` class."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
        fields = list(namespace.get("__annotations__", {}))  # type: ignore[call-overload]
        defaults = [namespace[field] for field in fields if field in namespace]
        if len(defaults) != len(fields) and any(
                field in namespace for field in fields[: len(fields) - len(defaults)]):
            raise TypeError(f"{name}: a field without a default follows one with a default")
        module = str(namespace.get("__module__"))
        make = collections.namedtuple
        made: type = make(name, fields, defaults=defaults, module=module)
        for key, value in namespace.items():
            if key not in fields and key not in _SKIPPED:
                setattr(made, key, value)
        return made


#: Base class of the named tuples (``class Term(NamedTuple): ...``).
NamedTuple = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})
