"""Salesforce: the opportunities report export and the REST API (SOQL)."""

from socialroi.sources.salesforce import aliases, api, exports  # noqa: F401 - registers reports, connector
