"""Schedules of the courses service: when and where sections meet.

* :mod:`.models` — meetings, meeting exceptions, college holidays, calendar feeds.
* :mod:`.meetings` — create, change and delete a section's weekly meetings.
* :mod:`.exceptions` — cancel or move one occurrence of a meeting.
* :mod:`.holidays` — days on which a college holds no class.
* :mod:`.timetable` — a person's occurrences in a date range.
* :mod:`.feeds` — calendar-feed tokens; :mod:`.ical` renders the feed.
"""
