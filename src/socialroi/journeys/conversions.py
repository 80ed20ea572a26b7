"""One row per real conversion, when several sources report the same one.

The same outcome often arrives twice: the shop's order and GA4's `purchase` event carry the
same order id; the CRM records a contact reaching the *opportunity* stage and the deal
created for it; GA4's `generate_lead` events repeat the leads the CRM holds. Counting both
doubles revenue, leads and ROI. `unique_conversions()` keeps one row per outcome:

1. **Same order or deal id, same kind** (shop order + GA4 purchase): the system of record
   (shop, CRM) wins for value, market and customer; the web analytics row only lends its
   visitor id, so the web journey stays linked to the order.
2. **A kind the system of record reports**: GA4 rows of a kind that the shop or CRM also
   reports, between the first and last time it does, and that matched no order id in step
   1, are dropped (a GA4 lead without a CRM id cannot be told apart from the CRM's own record
   of it). Outside those dates (an older GA4 history than the shop export) GA4 stays.
3. **CRM opportunities**: a contact's lifecycle stage *opportunity* is dropped when a deal
   for that contact exists; the deal is the opportunity (it carries the id and the amount).

Everything is Ibis, so it runs on DuckDB and Spark alike.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

WEB_ORIGINS = ("ga4",)


def unique_conversions(cv: ir.Table) -> ir.Table:
    """Conversions without the duplicates described in the module docstring."""
    is_web = cv.origin.isin(WEB_ORIGINS)
    group = [cv.kind, cv.order_id.fill_null(cv.conversion_id)]
    w = ibis.window(group_by=group)
    ranked = ibis.window(group_by=group, order_by=[is_web.cast("int8"), cv.conversion_id])
    cv = cv.mutate(
        visitor_id=cv.visitor_id.fill_null(cv.visitor_id.max().over(w)),
        _rank=ibis.row_number().over(ranked),
        _web_only=is_web.cast("int8").min().over(w) == 1,
    )
    cv = cv.filter(cv._rank == 0)

    # 2. web rows of a kind the shop or CRM reports over their dates, unmatched by step 1
    rec = cv.filter(~cv.origin.isin(WEB_ORIGINS))
    record_kinds = rec.group_by(_k=rec.kind).agg(
        _from=rec.occurred_at.min(), _to=rec.occurred_at.max()
    )
    cv = cv.left_join(record_kinds, cv.kind == record_kinds._k)
    covered = cv._k.notnull() & (cv.occurred_at >= cv._from) & (cv.occurred_at <= cv._to)
    cv = cv.filter(~(cv._web_only & covered.fill_null(False))).drop("_k", "_from", "_to")

    # 3. lifecycle "opportunity" of a contact that has a deal
    deals = (
        cv.filter((cv.kind == "opportunity") & cv.order_id.notnull() & cv.user_id.notnull())
        .select(_du=cv.user_id, _do=cv.origin)
        .distinct()
    )
    cv = cv.left_join(deals, [cv.user_id == deals._du, cv.origin == deals._do])
    lifecycle_dup = (cv.kind == "opportunity") & cv.order_id.isnull() & cv._du.notnull()
    return cv.filter(~lifecycle_dup).drop("_du", "_do", "_rank", "_web_only")
