"""Pub/sub for real-time fan-out: in-process (embedded) or Redis (distributed).

See ``docs/cache-and-pubsub.md``.
"""

from __future__ import annotations

from shared.pubsub.errors import PubSubError, PubSubUnavailable
from shared.pubsub.factory import create_pubsub
from shared.pubsub.pubsub import PubSub, Subscription

__all__ = ["PubSub", "PubSubError", "PubSubUnavailable", "Subscription", "create_pubsub"]
