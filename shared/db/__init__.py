"""Relational storage: SQLAlchemy 2 async sessions on SQLite or PostgreSQL, per service."""

from shared.db.database import Database, DatabaseUnavailable, create_database
from shared.db.models import TimestampMixin, service_metadata, utcnow

__all__ = [
    "Database",
    "DatabaseUnavailable",
    "TimestampMixin",
    "create_database",
    "service_metadata",
    "utcnow",
]
