"""Meta's native exports, one parser module per report kind (each registers itself).

| report | module | fills |
|---|---|---|
| `business_suite_posts` | `posts` | accounts, posts, post_metrics |
| `business_suite_metric` | `insights` | accounts, account_metrics |
| `page_insights_posts` | `page_insights` | accounts, posts, post_metrics |
| `ads_manager` | `ads_manager` | accounts, campaigns, ad_metrics |

`unsupported` names Meta reports socialroi does not import (Audience, Top content formats)
so that the error says which report to download instead.

Formats, time zones and quirks are documented in docs/sources/meta.md.
"""

from socialroi.sources.meta import (  # noqa: F401
    ads_manager,
    insights,
    page_insights,
    posts,
    unsupported,
)
