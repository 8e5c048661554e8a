"""What the audit log reads: every domain topic, never message-delivery requests."""

from __future__ import annotations

from shared.events import PLATFORM_TOPICS
from subgraphs.audit.events import CONSUMERS


def test_the_log_reads_every_domain_topic_but_not_delivery_requests() -> None:
    # given the audit service's consumer
    [consumer] = CONSUMERS
    read = set(consumer.topics)
    # then it reads each platform topic except its own and lms.notification, whose
    # emails may carry single-use tokens (an invitation's link)
    assert "lms.notification" not in read
    assert "lms.audit" not in read
    assert read == {t.name for t in PLATFORM_TOPICS} - {"lms.audit", "lms.notification"}
