"""Tests for cnnlib.ops, the numpy layer, one file per module."""
