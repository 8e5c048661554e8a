"""The identity subgraph: colleges (tenants), accounts, roles and permissions.

It also owns credentials and sessions, API keys, bulk onboarding and email
templates. Every table lives in :mod:`subgraphs.identity.models`; the domain
logic is split by noun (:mod:`~subgraphs.identity.colleges`,
:mod:`~subgraphs.identity.accounts`, :mod:`~subgraphs.identity.roles`). See
``docs/identity.md``.
"""
