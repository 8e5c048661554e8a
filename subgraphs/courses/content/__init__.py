"""Course content: modules of a course, their items, who sees them and in what order.

* :mod:`.models` — modules, items (page, file, link), per-section visibility,
  prerequisites between modules, and students' item completions.
* :mod:`.access` — who may manage and who may read a course's content.
* :mod:`.modules` — create, change, reorder, publish, delete modules; visibility
  and prerequisites.
* :mod:`.items` — page and link items, changes, ordering, publishing, completion.
* :mod:`.files` — upload targets for files, attaching uploaded objects, downloads.
* :mod:`.objects` — deleting the stored objects of deleted file items, after the commit.
* :mod:`.viewing` — the modules and items a viewer may see, with locks.
"""
