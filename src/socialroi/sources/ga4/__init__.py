"""Google Analytics 4: report CSV downloads, the BigQuery event export and the Data API."""

from socialroi.sources.ga4 import aliases, api, exports  # noqa: F401 - registers reports, connector
