"""YouTube: the YouTube Studio Advanced-mode export (zip, or its three CSVs one by one), and
the Data, Analytics and Reporting APIs as a connector (`api`)."""

from socialroi.sources.youtube import aliases, api, exports, traffic  # noqa: F401 - registers reports
