"""Tests for cnnlib.explorers, one file per module of the package."""
