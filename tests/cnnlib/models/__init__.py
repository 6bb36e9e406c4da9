"""Tests for cnnlib.models, one file per network family."""
