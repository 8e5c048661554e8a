"""``create_object_store``: the object store that ``LMS_STORAGE_BACKEND`` selects."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.config import Settings
    from shared.storage.base import ObjectStore

__all__ = ["create_object_store"]


def create_object_store(
    settings: Settings, *, clock: Callable[[], float] = time.time
) -> ObjectStore:
    """A local-folder store (``local``) or an S3 store (``s3``); call ``start()`` next."""
    if settings.storage_backend == "s3":
        from shared.storage.s3 import S3ObjectStore

        return S3ObjectStore.from_settings(settings, clock=clock)
    from shared.storage.local import LocalObjectStore

    return LocalObjectStore.from_settings(settings, clock=clock)
