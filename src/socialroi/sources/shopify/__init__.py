"""Shopify: the orders export and the Admin GraphQL API."""

from socialroi.sources.shopify import aliases, api, exports  # noqa: F401 - registers reports, connector
