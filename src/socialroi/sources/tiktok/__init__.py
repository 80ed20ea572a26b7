"""TikTok Studio analytics downloads, TikTok Ads Manager reports, and their APIs."""

from socialroi.sources.tiktok import aliases, api, exports  # noqa: F401 - registers reports
