"""The Kafka event bus (aiokafka): acknowledged publishing and consumer groups.

Publishing uses one producer with ``acks="all"`` (and idempotence unless
``LMS_KAFKA_IDEMPOTENCE`` is off); :meth:`KafkaBus.publish` returns only when
the broker acknowledged every event. Each subscription is its own consumer
in its group, with auto-commit off and ``auto_offset_reset="earliest"``: an
offset is committed only after the handler returned, so a crash redelivers
rather than loses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any, NoReturn

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata, TopicPartition

from shared.config import Settings
from shared.events._backoff import Backoff
from shared.events._delivery import deliver
from shared.events.bus import Handler
from shared.events.envelope import Event, EventDecodeError
from shared.events.errors import EventBusUnavailable, PublishError
from shared.events.topics import (
    PLATFORM_TOPICS,
    TopicSpec,
    kafka_unreachable,
    partition_key,
    topic_for,
)

__all__ = ["KafkaBus", "KafkaSubscription"]

logger = logging.getLogger(__name__)


class KafkaBus:
    """Event bus on a Kafka cluster."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        client_id: str = "lms",
        idempotence: bool = True,
        topics: Sequence[TopicSpec] = PLATFORM_TOPICS,
        publish_timeout: float = 15.0,
        retry_initial: float = 0.2,
        retry_max: float = 10.0,
        session_timeout: float = 10.0,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.idempotence = idempotence
        self.publish_timeout = publish_timeout
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.session_timeout = session_timeout
        self._topics = tuple(topics)
        self._producer: AIOKafkaProducer | None = None
        self._producer_lock = asyncio.Lock()
        self._subscriptions: list[KafkaSubscription] = []

    @classmethod
    def from_settings(
        cls, settings: Settings, *, topics: Sequence[TopicSpec] = PLATFORM_TOPICS, **options: Any
    ) -> KafkaBus:
        return cls(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=settings.kafka_client_id,
            idempotence=settings.kafka_idempotence,
            topics=topics,
            **{"session_timeout": settings.kafka_session_timeout, **options},
        )

    async def start(self) -> None:
        await self._started_producer()

    async def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        routed = [(topic_for(event.type, topics=self._topics), event) for event in events]
        try:
            producer = await self._started_producer()
        except EventBusUnavailable as exc:
            raise PublishError(str(exc)) from exc
        futures: list[asyncio.Future[Any]] = []
        try:
            async with asyncio.timeout(self.publish_timeout):
                for topic, event in routed:
                    future = await producer.send(
                        topic,
                        event.to_json(),
                        key=partition_key(event).encode(),
                        headers=[("type", event.type.encode())],
                    )
                    future.add_done_callback(_retrieve)
                    futures.append(future)
                await asyncio.wait(futures)
            failed = [f.exception() for f in futures if f.exception() is not None]
            if failed:
                raise failed[0]  # type: ignore[misc]
        except Exception as exc:
            acked = sum(1 for f in futures if f.done() and f.exception() is None)
            reason = "timed out" if isinstance(exc, TimeoutError) else _one_line(exc)
            raise PublishError(
                f"kafka at {self.bootstrap_servers} acknowledged {acked} of {len(events)} "
                f"events: {reason} (check LMS_KAFKA_BOOTSTRAP_SERVERS)"
            ) from exc

    def subscribe(
        self, *, topics: Sequence[str], group: str, handler: Handler
    ) -> KafkaSubscription:
        subscription = KafkaSubscription(self, topics=tuple(topics), group=group, handler=handler)
        self._subscriptions.append(subscription)
        subscription._start()
        return subscription

    async def ping(self) -> None:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap_servers,
            client_id=f"{self.client_id}-ping",
            request_timeout_ms=5_000,
        )
        try:
            async with asyncio.timeout(10):
                await admin.start()
                await admin.list_topics()
        except Exception as exc:
            raise EventBusUnavailable(kafka_unreachable(self.bootstrap_servers, exc)) from exc
        finally:
            await admin.close()

    async def close(self) -> None:
        subscriptions, self._subscriptions = self._subscriptions, []
        await asyncio.gather(*(s.stop() for s in subscriptions))
        async with self._producer_lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self.publish_timeout):
                    await producer.stop()

    # -- internals -------------------------------------------------------------
    async def _started_producer(self) -> AIOKafkaProducer:
        async with self._producer_lock:
            if self._producer is not None:
                return self._producer
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap_servers,
                client_id=f"{self.client_id}-producer",
                acks="all",
                enable_idempotence=self.idempotence,
                linger_ms=5,
                max_batch_size=256 * 1024,
                request_timeout_ms=int(self.publish_timeout * 1000),
            )
            try:
                await producer.start()
            except Exception as exc:
                with contextlib.suppress(Exception):
                    await producer.stop()
                raise EventBusUnavailable(kafka_unreachable(self.bootstrap_servers, exc)) from exc
            self._producer = producer
            return producer

    def _forget(self, subscription: KafkaSubscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)


class _Assignment(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, ready: asyncio.Event) -> None:
        self.ready = ready

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self.ready.clear()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.ready.set()


class KafkaSubscription:
    """One consumer of a Kafka consumer group, running in a background task."""

    def __init__(
        self, bus: KafkaBus, *, topics: tuple[str, ...], group: str, handler: Handler
    ) -> None:
        self._bus = bus
        self._topics = topics
        self._group = group
        self._handler = handler
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def group(self) -> str:
        return self._group

    @property
    def topics(self) -> tuple[str, ...]:
        return self._topics

    async def wait_ready(self) -> None:
        await self._ready.wait()

    async def stop(self) -> None:
        self._bus._forget(self)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"events:{self._group}")

    async def _run(self) -> None:
        connect = Backoff(initial=self._bus.retry_initial, maximum=self._bus.retry_max)
        handling = Backoff(initial=self._bus.retry_initial, maximum=self._bus.retry_max)
        while True:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self._bus.bootstrap_servers,
                client_id=f"{self._bus.client_id}-{self._group}",
                group_id=self._group,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                session_timeout_ms=int(self._bus.session_timeout * 1000),
                heartbeat_interval_ms=int(min(500.0, self._bus.session_timeout * 1000 / 3)),
            )
            consumer.subscribe(list(self._topics), listener=_Assignment(self._ready))
            try:
                await consumer.start()
                connect.reset()
                await self._consume(consumer, handling)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if connect.failures == 0:
                    logger.warning(
                        "consumer group %s lost kafka at %s: %s; reconnecting with back-off",
                        self._group,
                        self._bus.bootstrap_servers,
                        _one_line(exc),
                    )
                delay = connect.next()
            finally:
                self._ready.clear()
                with contextlib.suppress(Exception):
                    await consumer.stop()
            await asyncio.sleep(delay)

    async def _consume(self, consumer: AIOKafkaConsumer, backoff: Backoff) -> NoReturn:
        while True:
            batches = await consumer.getmany(timeout_ms=500)
            for partition, records in batches.items():
                for record in records:
                    event = _decode(record.value, partition, record.offset)
                    if event is not None:
                        await deliver(self._handler, event, group=self._group, backoff=backoff)
                if records:
                    last = records[-1].offset
                    await consumer.commit({partition: OffsetAndMetadata(last + 1, "")})


def _decode(raw: bytes | None, partition: TopicPartition, offset: int) -> Event | None:
    try:
        return Event.from_json(raw or b"")
    except EventDecodeError as exc:
        logger.error(
            "skipping undecodable record %s[%d]@%d: %s",
            partition.topic,
            partition.partition,
            offset,
            exc,
        )
        return None


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
