"""Google Analytics 4: report CSV downloads and the BigQuery event export."""

from socialroi.sources.ga4 import aliases, exports  # noqa: F401 - registers reports
