"""HubSpot: contacts and deals exports, and the CRM v3 API."""

from socialroi.sources.hubspot import aliases, api, exports  # noqa: F401 - registers reports, connector
