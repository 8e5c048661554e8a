"""The users subgraph: profiles, avatars and preferences of the people of a college.

Profiles are created and retired from identity's ``user.*`` events
(:func:`subgraphs.users.profiles.apply_identity_event`); every table lives in
:mod:`subgraphs.users.models`. See ``docs/users.md``.
"""
