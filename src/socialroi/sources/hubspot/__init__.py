"""HubSpot CRM: contacts and deals exports."""

from socialroi.sources.hubspot import aliases, exports  # noqa: F401 - registers reports
