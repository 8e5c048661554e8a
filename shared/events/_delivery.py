"""Calling a handler until it succeeds, with back-off and one warning per failure streak."""

from __future__ import annotations

import asyncio
import logging

from shared.events._backoff import Backoff
from shared.events.bus import Handler
from shared.events.envelope import Event

__all__ = ["deliver"]

logger = logging.getLogger("shared.events")


async def deliver(handler: Handler, event: Event, *, group: str, backoff: Backoff) -> None:
    """Run ``handler(event)`` until it returns; cancellation stops the retries."""
    while True:
        try:
            await handler(event)
        except Exception as exc:
            if backoff.failures == 0:
                logger.warning(
                    "handler of group %s failed on %s %s: %s; retrying with back-off",
                    group,
                    event.type,
                    event.id,
                    _one_line(exc),
                )
            await asyncio.sleep(backoff.next())
            continue
        if backoff.failures:
            logger.info("handler of group %s recovered after %d failures", group, backoff.failures)
            backoff.reset()
        return


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
