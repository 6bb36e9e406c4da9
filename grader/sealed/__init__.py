"""Sealed grading: student code runs in a sandbox; the hidden tests and the verdicts stay outside it."""
