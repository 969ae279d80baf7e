"""Estimates of what was never documented, in the product: runs stored for reproduction."""
