"""Shopify: the orders export."""

from socialroi.sources.shopify import aliases, exports  # noqa: F401 - registers reports
