"""The selections a subgraph operation is built from, gathered and merged as planning goes.

An :class:`OutSet` keeps fields and inline fragments in insertion order;
adding a field that is already there returns the existing one (so selections
merge), and adding a different field under a response key already taken
reports the clash so the caller can alias it. It prints as GraphQL text and as
the ``requires`` JSON of Apollo's plans.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ArgumentNode, DirectiveNode, print_ast

__all__ = ["OutField", "OutFragment", "OutSet"]


def _directives_text(directives: tuple[DirectiveNode, ...]) -> str:
    return "".join(" " + print_ast(d) for d in directives)


class OutField:
    """A field in a subgraph operation."""

    __slots__ = ("alias", "arguments", "directives", "name", "selections")

    def __init__(
        self,
        name: str,
        *,
        alias: str | None = None,
        arguments: tuple[ArgumentNode, ...] = (),
        directives: tuple[DirectiveNode, ...] = (),
        leaf: bool = True,
    ) -> None:
        self.name = name
        self.alias = alias
        self.arguments = arguments
        self.directives = directives
        self.selections: OutSet | None = None if leaf else OutSet()

    @property
    def response_key(self) -> str:
        return self.alias or self.name

    def text(self) -> str:
        head = f"{self.alias}: {self.name}" if self.alias else self.name
        if self.arguments:
            head += "(" + ", ".join(print_ast(a) for a in self.arguments) + ")"
        head += _directives_text(self.directives)
        if self.selections is not None:
            head += " " + self.selections.text()
        return head


class OutFragment:
    """An inline fragment in a subgraph operation."""

    __slots__ = ("directives", "selections", "type_condition")

    def __init__(
        self, type_condition: str | None, directives: tuple[DirectiveNode, ...] = ()
    ) -> None:
        self.type_condition = type_condition
        self.directives = directives
        self.selections = OutSet()

    def text(self) -> str:
        head = "..." + (f" on {self.type_condition}" if self.type_condition else "")
        return head + _directives_text(self.directives) + " " + self.selections.text()


def _arguments_key(arguments: tuple[ArgumentNode, ...]) -> str:
    return ",".join(print_ast(a) for a in arguments)


class OutSet:
    """An ordered, merging selection set."""

    __slots__ = ("_front", "_items", "_names")

    def __init__(self) -> None:
        self._items: dict[str, OutField | OutFragment] = {}
        self._names: dict[str, str] = {}
        self._front = 0

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[OutField | OutFragment]:
        return iter(self._items.values())

    def field(
        self,
        name: str,
        *,
        alias: str | None = None,
        arguments: tuple[ArgumentNode, ...] = (),
        directives: tuple[DirectiveNode, ...] = (),
        leaf: bool = True,
        front: bool = False,
    ) -> OutField | None:
        """The field, added if new; ``None`` if its response key holds another field.

        ``front`` puts a new field before the fields added without it (after
        ``__typename``): keys and required fields lead, as in Apollo's plans.
        """
        response_key = alias or name
        identity = name + "(" + _arguments_key(arguments) + ")"
        taken = self._names.get(response_key)
        if taken is not None and taken != identity:
            return None
        key = response_key + ":" + identity + _directives_text(directives)
        existing = self._items.get(key)
        if isinstance(existing, OutField):
            if existing.selections is None and not leaf:
                existing.selections = OutSet()
            return existing
        self._names[response_key] = identity
        created = OutField(name, alias=alias, arguments=arguments, directives=directives, leaf=leaf)
        if front:
            items = list(self._items.items())
            start = 1 if items and items[0][0] == "__typename:__typename()" else 0
            index = max(self._front, start)
            items.insert(index, (key, created))
            self._items = dict(items)
            self._front = index + 1
        else:
            self._items[key] = created
        return created

    def planner_alias(self, name: str, arguments: tuple[ArgumentNode, ...]) -> str | None:
        """The alias under which the planner already fetches ``name(arguments)`` here."""
        identity = name + "(" + _arguments_key(arguments) + ")"
        prefix = name + "__alias_"
        for response_key, taken in self._names.items():
            if taken == identity and response_key.startswith(prefix):
                return response_key
        return None

    def has_field(self, response_key: str, name: str, arguments: tuple[ArgumentNode, ...]) -> bool:
        return self._names.get(response_key) == name + "(" + _arguments_key(arguments) + ")"

    def key_taken(self, response_key: str) -> bool:
        return response_key in self._names

    def fragment(
        self, type_condition: str | None, directives: tuple[DirectiveNode, ...] = ()
    ) -> OutSet:
        """The selections of the inline fragment, added if new."""
        key = "..." + (type_condition or "") + _directives_text(directives)
        existing = self._items.get(key)
        if isinstance(existing, OutFragment):
            return existing.selections
        created = OutFragment(type_condition, directives)
        self._items[key] = created
        return created.selections

    def prepend_typename(self) -> None:
        """Make ``__typename`` the first selection (added if missing)."""
        key = "__typename:__typename()"
        if next(iter(self._items), None) == key:
            return
        existing = self._items.pop(key, None)
        if existing is None:
            existing = OutField("__typename")
            self._front += 1
        self._names["__typename"] = "__typename()"
        self._items = {key: existing, **self._items}

    def text(self) -> str:
        parts = [
            item.text()
            for item in self._items.values()
            if isinstance(item, OutField) or not item.selections.empty_leaves()
        ]
        return "{ " + (" ".join(parts) or "__typename") + " }"

    def rename(self, target: OutField, alias: str) -> None:
        """Fetch ``target`` (a field of this set) under ``alias`` instead, in place."""
        old_key = target.response_key
        target.alias = alias
        identity = target.name + "(" + _arguments_key(target.arguments) + ")"
        new_key = alias + ":" + identity + _directives_text(target.directives)
        self._items = {
            (new_key if item is target else key): item for key, item in self._items.items()
        }
        if not any(
            isinstance(i, OutField) and i.response_key == old_key for i in self._items.values()
        ):
            self._names.pop(old_key, None)
        self._names[alias] = identity

    def to_json(self) -> list[dict[str, Any]]:
        """Apollo's JSON form of a ``requires`` selection."""
        result: list[dict[str, Any]] = []
        for item in self._items.values():
            if isinstance(item, OutField):
                node: dict[str, Any] = {"kind": "Field"}
                if item.alias:
                    node["alias"] = item.alias
                node["name"] = item.name
                if item.selections is not None:
                    node["selections"] = item.selections.to_json()
                result.append(node)
            else:
                node = {"kind": "InlineFragment"}
                if item.type_condition is not None:
                    node["typeCondition"] = item.type_condition
                node["selections"] = item.selections.to_json()
                result.append(node)
        return result

    def empty_leaves(self) -> bool:
        """Whether nothing is selected anywhere (fragments without fields)."""
        for item in self._items.values():
            if isinstance(item, OutField):
                return False
            if not item.selections.empty_leaves():
                return False
        return True
