"""X (Twitter) analytics exports and X Ads reports."""

from socialroi.sources.x import aliases, exports  # noqa: F401 - registers reports
