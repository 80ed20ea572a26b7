"""Meta: Instagram and Facebook (Business Suite, Page Insights) and Meta Ads Manager exports."""

from socialroi.sources.meta import aliases, api, exports  # noqa: F401 - registers reports, connector
