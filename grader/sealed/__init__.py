"""Sealed grading: student code in a sandbox, hidden tests and verdicts outside it (issue 8, in progress)."""
