"""X (Twitter) analytics exports, X Ads reports and the X API v2 connector."""

from socialroi.sources.x import aliases, api, exports  # noqa: F401 - registers reports
