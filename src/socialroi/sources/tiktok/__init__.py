"""TikTok Studio analytics downloads and TikTok Ads Manager reports."""

from socialroi.sources.tiktok import aliases, exports  # noqa: F401 - registers reports
