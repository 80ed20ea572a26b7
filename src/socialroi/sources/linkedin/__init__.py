"""LinkedIn: Page analytics workbooks (content, followers, visitors) and Campaign Manager, and
the API connector (`api`)."""

from socialroi.sources.linkedin import aliases, api, exports  # noqa: F401 - registers reports
