"""Platforms, channels and post formats are named for the reader; other text stays as written."""

import pytest

from socialroi.model.names import value_label


@pytest.mark.parametrize(
    ("key", "value", "lang", "want"),
    [
        ("platform", "tiktok", "en", "TikTok"),
        ("platform", "linkedin", "zh-CN", "LinkedIn"),
        ("format", "video", "zh-CN", "视频"),
        ("format", "video", "en", "video"),
        ("channel", "Organic Search", "zh-CN", "自然搜索"),
        ("unit", "facebook paid", "zh-CN", "Facebook 付费"),
        ("unit", "instagram organic", "en", "Instagram organic"),
        ("unit", "pinterest", "en", "Pinterest"),
        ("campaign", "tiktok", "zh-CN", "tiktok"),  # a campaign's name is data
        ("account", "Organic Search", "zh-CN", "Organic Search"),
    ],
)
def test_value_labels(key, value, lang, want):
    assert value_label(key, value, lang) == want
