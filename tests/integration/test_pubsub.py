"""Pub/sub behaviour, the same in memory and on the real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from shared.config import Settings
from shared.pubsub import PubSub, PubSubError, PubSubUnavailable, Subscription, create_pubsub

pytestmark = pytest.mark.integration


@pytest.fixture
async def pubsub(cache_settings: Settings) -> AsyncIterator[PubSub]:
    pubsub = create_pubsub(cache_settings)
    await pubsub.connect()
    yield pubsub
    await pubsub.close()


async def next_message(subscription: Subscription) -> dict[str, Any]:
    return await asyncio.wait_for(anext(subscription), timeout=5)


async def test_every_subscriber_receives_every_message(pubsub: PubSub) -> None:
    async with pubsub.subscribe("room:1") as first, pubsub.subscribe("room:1") as second:
        await pubsub.publish("room:1", {"text": "hello", "n": 1})

        assert await next_message(first) == {"text": "hello", "n": 1}
        assert await next_message(second) == {"text": "hello", "n": 1}


async def test_subscribers_of_other_channels_receive_nothing(pubsub: PubSub) -> None:
    async with pubsub.subscribe("room:1") as room1, pubsub.subscribe("room:2") as room2:
        await pubsub.publish("room:2", {"for": "room 2"})
        await pubsub.publish("room:1", {"for": "room 1"})

        assert await next_message(room1) == {"for": "room 1"}
        assert await next_message(room2) == {"for": "room 2"}


async def test_messages_arrive_in_publish_order(pubsub: PubSub) -> None:
    async with pubsub.subscribe("feed") as feed:
        for n in range(50):
            await pubsub.publish("feed", {"n": n})

        received = [(await next_message(feed))["n"] for _ in range(50)]

    assert received == list(range(50))


async def test_after_leaving_nothing_is_delivered(pubsub: PubSub) -> None:
    async with pubsub.subscribe("room") as early:
        await pubsub.publish("room", {"n": 1})
        assert await next_message(early) == {"n": 1}
    await pubsub.publish("room", {"n": 2})  # nobody listens

    async with pubsub.subscribe("room") as late:
        await pubsub.publish("room", {"n": 3})

        assert await next_message(late) == {"n": 3}
    assert [m async for m in early] == []  # the old subscription has ended


async def test_many_concurrent_subscribers(pubsub: PubSub) -> None:
    received: list[dict[str, Any]] = []
    ready = asyncio.Event()
    entered = 0

    async def listen() -> None:
        nonlocal entered
        async with pubsub.subscribe("broadcast") as subscription:
            entered += 1
            if entered == 10:
                ready.set()
            received.append(await next_message(subscription))

    tasks = [asyncio.create_task(listen()) for _ in range(10)]
    await asyncio.wait_for(ready.wait(), timeout=5)
    await pubsub.publish("broadcast", {"all": True})
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)

    assert received == [{"all": True}] * 10


async def test_unconnected_pubsub_refuses_to_work(cache_settings: Settings) -> None:
    pubsub = create_pubsub(cache_settings)

    with pytest.raises(PubSubError, match="connect"):
        await pubsub.publish("x", {})
    await pubsub.ping()
    await pubsub.close()


async def test_prefixes_keep_deployments_apart(redis_settings: Settings) -> None:
    one = create_pubsub(redis_settings)
    other = create_pubsub(
        redis_settings.with_overrides(cache_key_prefix=redis_settings.cache_key_prefix + "b:")
    )
    await one.connect()
    await other.connect()
    try:
        async with one.subscribe("chan") as mine:
            await other.publish("chan", {"from": "other"})
            await one.publish("chan", {"from": "one"})

            assert await next_message(mine) == {"from": "one"}
    finally:
        await one.close()
        await other.close()


async def test_redis_connect_names_the_setting(redis_settings: Settings) -> None:
    pubsub = create_pubsub(redis_settings.with_overrides(redis_url="redis://127.0.0.1:9/0"))

    with pytest.raises(PubSubUnavailable) as caught:
        await pubsub.connect()
    with pytest.raises(PubSubUnavailable):
        await pubsub.ping()
    await pubsub.close()

    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("redis unreachable at redis://127.0.0.1:9/0: ")
    assert message.endswith("(check LMS_REDIS_URL)")
