"""Parsers for LinkedIn's native exports (see docs/sources/linkedin.md).

Page analytics (Page admin view > Analytics > Export) gives three workbooks, .xls or .xlsx,
named `<page>_<kind>_<epoch-ms>.xls`:

- content: `Metrics` (organic and sponsored figures per day) and `All posts` (one row per
  post, figures since publication, a description row above the header);
- followers: `New followers` (new follows per day) plus demographic sheets, ignored;
- visitors: `Visitor metrics` (page views per day by section and device) plus demographics.

Campaign Manager (Analyze > Export) gives a performance report CSV, UTF-16 and
tab-separated, with banner lines (`Campaign Performance Report (in UTC)`, `Report Start: ...`)
above the header. All LinkedIn days are UTC days.
"""

from socialroi.sources.linkedin import campaign_manager, page_audience, page_content  # noqa: F401
