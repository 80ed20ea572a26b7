"""Meta's native exports, one parser module per report kind (each registers itself).

| report | module | fills |
|---|---|---|
| `business_suite_posts` | `posts` | accounts, posts, post_metrics |
| `business_suite_metric` | `insights` | accounts, account_metrics |
| `page_insights_posts` | `page_insights` | accounts, posts, post_metrics |
| `ads_manager` | `ads_manager` | accounts, campaigns, ad_metrics |

Formats, time zones and quirks are documented in docs/sources/meta.md.
"""

from socialroi.sources.meta import ads_manager, insights, page_insights, posts  # noqa: F401
