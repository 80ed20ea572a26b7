"""X (Twitter) analytics exports, X Ads reports, the X API v2 and X Ads API connectors."""

from socialroi.sources.x import aliases, api, exports  # noqa: F401 - registers reports
