"""The audit subgraph: an append-only, per-college record of every domain event.

It consumes every platform topic, records each event once (redelivery is
harmless), and lets holders of ``audit:read`` page through their own
college's log with filters.
"""
