"""Shared building blocks: base models, sealed fields, keys, the access gate."""
