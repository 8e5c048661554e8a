"""Federation conformance: lms gateway against Apollo Gateway, case by case."""
