"""YouTube: the YouTube Studio Advanced-mode export (zip, or its three CSVs one by one)."""

from socialroi.sources.youtube import aliases, exports  # noqa: F401 - registers reports
