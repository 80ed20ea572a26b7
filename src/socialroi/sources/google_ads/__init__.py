"""Google Ads: the report download of the Google Ads web interface, and the Google Ads API."""

from socialroi.sources.google_ads import aliases, api, exports  # noqa: F401 - registers reports, connector
