"""The error raised when a document is not a supergraph this gateway can serve."""

from __future__ import annotations

__all__ = ["SupergraphError"]


class SupergraphError(ValueError):
    """The input is not a Federation v2 supergraph this gateway supports.

    The message is one sentence naming the problem and what to do about it
    (usually: recompose the subgraphs with Federation v2 composition).
    """
