"""Supergraph composition: Federation v2 subgraph SDLs merged into one supergraph.

``compose([SubgraphSource(name=..., url=..., sdl=...), ...])`` returns a
:class:`CompositionResult` holding the supergraph SDL (``@link`` / ``join``
v0.5, as Apollo's composition prints it) or the errors, each with Apollo's code.
"""

from gateway.composition.compose import CompositionResult, SubgraphSource, compose
from gateway.composition.errors import ERROR_CODES, CompositionError

__all__ = ["ERROR_CODES", "CompositionError", "CompositionResult", "SubgraphSource", "compose"]
