"""Gateway benchmark: lms gateway, Apollo Gateway and Hive Gateway under wrk."""
