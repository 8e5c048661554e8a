"""Satisfiability: every field of the API schema can be fetched through the subgraphs.

Merging can succeed while some API query still cannot be planned: a field
defined only in a subgraph no path can reach (no resolvable ``@key`` there, or
key fields the other subgraphs cannot provide), an ``@external`` field nobody
else resolves, a ``@requires`` whose fields cannot be fetched. Like Apollo's
composition, the check walks the API schema from each root operation type,
tracking the set of subgraph positions the current path can be in
(:mod:`gateway.composition.satisfiability_moves`), and fails with
``SATISFIABILITY_ERROR`` naming an API query that cannot be satisfied and why,
per subgraph. A type is explored again only with a set of positions that is not
a superset of one already explored from it, so big schemas stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationType,
    get_named_type,
    is_abstract_type,
)

from gateway.composition.errors import CompositionError
from gateway.composition.satisfiability_moves import Moves, Position, Reason
from gateway.composition.satisfiability_witness import Step, satisfiability_message
from gateway.supergraph import Supergraph

__all__ = ["check_satisfiability"]


@dataclass(frozen=True, slots=True)
class _State:
    """An API path (``operation``, ``steps``) ending on ``type_name``, and the
    positions in the subgraphs it can be in."""

    operation: str
    steps: tuple[Step, ...]
    type_name: str
    positions: frozenset[Position]


class _Traversal:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.api: GraphQLSchema = supergraph.api_schema
        self.moves = Moves(supergraph)
        self.visited: dict[str, list[frozenset[Position]]] = {}
        self.errors: dict[str, CompositionError] = {}

    def run(self) -> list[CompositionError]:
        stack: list[_State] = []
        for operation in ("query", "mutation", "subscription"):
            root = self.api.get_root_type(_OPERATION_TYPES[operation])
            if root is None:
                continue
            supergraph_root = self.supergraph.root_types.get(operation, root.name)
            positions = frozenset(
                Position(subgraph, supergraph_root)
                for subgraph in self.supergraph.type_in(supergraph_root)
            )
            stack.append(_State(operation, (), root.name, positions))
        while stack:
            state = stack.pop()
            if self._seen(state):
                continue
            stack += self._next_states(state)
        return list(self.errors.values())

    def _seen(self, state: _State) -> bool:
        previous = self.visited.setdefault(state.type_name, [])
        if any(state.positions >= earlier for earlier in previous):
            return True
        previous.append(state.positions)
        return False

    def _next_states(self, state: _State) -> list[_State]:
        definition = self.api.get_type(state.type_name)
        result: list[_State] = []
        # As in Apollo's API query graph, an interface's fields are checked on each of
        # its implementations (reached by a type condition), not on the interface.
        if isinstance(definition, GraphQLObjectType):
            for field_name, field_def in definition.fields.items():
                child = get_named_type(field_def.type).name
                step = Step(state.type_name, field_name)
                moved = self._field(state, step, child)
                if moved is not None:
                    result.append(moved)
        if isinstance(definition, (GraphQLInterfaceType, GraphQLUnionType)):
            for possible in self.api.get_possible_types(definition):
                cast = self._cast(state, possible.name)
                if cast is not None:
                    result.append(cast)
        return result

    def _field(self, state: _State, step: Step, child: str) -> _State | None:
        """Take the field from every position of the path: in its subgraph, or after
        jumps by key. The positions after it, or (if none) an error and ``None``."""
        assert step.field is not None
        field_name = step.field
        ordered = sorted(state.positions, key=self._order)
        if _is_leaf(self.api, child) and any(
            self.moves.direct(p, step.type_name, field_name, child)[0] for p in ordered
        ):
            # a leaf some subgraph of the path resolves itself: no state follows it
            return None
        # Each position's options are the field taken where it is and where its key
        # jumps lead; jumps from several positions often lead to the same places.
        candidates = dict.fromkeys(ordered)
        for position in ordered:
            candidates.update(
                dict.fromkeys(self.moves.indirect_positions(position, step.type_name)[0])
            )
        positions = [
            after
            for candidate in candidates
            for after in self.moves.direct(candidate, step.type_name, field_name, child)[0]
        ]
        steps = (*state.steps, step)
        if not positions:
            coordinate = f"{step.type_name}.{field_name}"
            if coordinate not in self.errors:
                reasons: list[Reason] = []
                for position in ordered:
                    reasons += self.moves.advance(
                        position, step.type_name, field_name, child
                    ).reasons
                message = satisfiability_message(self.api, state.operation, steps, child, reasons)
                self.errors[coordinate] = CompositionError("SATISFIABILITY_ERROR", message)
            return None
        if _is_leaf(self.api, child):
            return None
        return _State(state.operation, steps, child, frozenset(positions))

    def _cast(self, state: _State, object_type: str) -> _State | None:
        """Narrow the path to ``object_type``; a subgraph that never returns such
        objects makes the type condition trivially satisfied (nothing to check)."""
        positions: list[Position] = []
        for position in state.positions:
            if not self._interface_object(position):
                definition = self.supergraph.schema.get_type(position.type_name)
                if is_abstract_type(definition):
                    possible = self.supergraph.possible_types_in(
                        position.type_name, position.subgraph
                    )
                    if object_type not in possible:
                        return None
                elif position.type_name != object_type:
                    return None
            # as for a field, the cast is taken here or after jumps to other subgraphs
            jumped, _ = self.moves.indirect_positions(position, state.type_name)
            for candidate in (position, *jumped):
                cast = self._direct_cast(candidate, object_type)
                if cast is not None:
                    positions.append(cast)
        steps = (*state.steps, Step(object_type))
        return _State(state.operation, steps, object_type, frozenset(positions))

    def _interface_object(self, position: Position) -> bool:
        in_subgraph = self.supergraph.type_in(position.type_name).get(position.subgraph)
        return in_subgraph is not None and in_subgraph.is_interface_object

    def _direct_cast(self, position: Position, object_type: str) -> Position | None:
        if self._interface_object(position) or position.type_name == object_type:
            return position
        possible = self.supergraph.possible_types_in(position.type_name, position.subgraph)
        if object_type in possible:
            return Position(position.subgraph, object_type, position.provided)
        return None

    def _order(self, position: Position) -> tuple[int, str]:
        return self.moves.fields.order.get(position.subgraph, 0), position.type_name


_OPERATION_TYPES = {
    "query": OperationType.QUERY,
    "mutation": OperationType.MUTATION,
    "subscription": OperationType.SUBSCRIPTION,
}


def _is_leaf(schema: GraphQLSchema, type_name: str) -> bool:
    return not isinstance(
        schema.get_type(type_name), (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)
    )


def check_satisfiability(supergraph_sdl: str) -> list[CompositionError]:
    """The ``SATISFIABILITY_ERROR``s of a composed supergraph: one per API field that
    some API query cannot reach, with the first such query found."""
    return _Traversal(Supergraph.parse(supergraph_sdl)).run()
