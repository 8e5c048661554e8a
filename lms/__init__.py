"""The ``lms`` command: runs, migrates and inspects the platform."""
