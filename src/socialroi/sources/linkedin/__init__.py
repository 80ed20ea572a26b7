"""LinkedIn: Page analytics workbooks (content, followers, visitors) and Campaign Manager."""

from socialroi.sources.linkedin import aliases, exports  # noqa: F401 - registers reports
