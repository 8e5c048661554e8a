"""Factories of valid domain objects for tests, one module per domain."""
