"""Pinterest analytics exports and Pinterest Ads reports."""

from socialroi.sources.pinterest import aliases, api, exports  # noqa: F401 - registers reports, connector
