"""Salesforce: the opportunities report export."""

from socialroi.sources.salesforce import aliases, exports  # noqa: F401 - registers reports
