"""Customer lifetime value on a workspace: customers from purchases, acquisition, CLV.

* **Orders.** Conversions of kind ``purchase`` up to the period end. Rows that share an
  ``order_id`` are one order (a Shopify order and the GA4 ``purchase`` event with the same
  transaction id): the order's value, date and market come from the shop's row, and the GA4
  row only adds the identities it carries. A purchase without an ``order_id`` is its own order.
  Which orders count is :func:`socialroi.journeys.conversions.unique_conversions`' decision, as for
  every other measure: GA4 purchases the shop does not have are left out over the dates the
  shop reports.
* **Customers.** Identities of a purchase row: its ``customer_id`` and the person that
  :func:`socialroi.journeys.touches.person_ids` stitches (e-mail hash, else user id,
  else visitor id), all linked through the orders they appear on; a customer is one
  connected group. It is named by its shop customer id, else ``e:<e-mail hash>``,
  ``u:<user id>``, ``v:<visitor>``.
* **New customer** = first purchase ever in the workspace (not the shop's own flag).
* **Acquisition.** Market of the first order; platform of the last non-direct touch within
  the lookback (30 days) before the first order, over the journeys of all its rows: the
  social platform, else the channel name ("Organic Search"), ``Direct`` when the journey had
  only direct visits, ``(no touch)`` when it had none.
* **Historical CLV** = revenue (``value_base``) from the first order to the period end.
* **Predictive CLV** = BG/NBD + Gamma-Gamma fitted on every customer's history up to the
  period end, in days; discounted expected revenue over ``horizon_months`` (months of 30
  days) at ``annual_discount`` per year.

The tables come from the backend through Ibis; identity grouping and the fits run on the
driver on per-order and per-customer rows.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from socialroi.errors import SocialroiError, UnknownName
from socialroi.journeys.conversions import WEB_ORIGINS, unique_conversions
from socialroi.journeys.touches import DIRECT, JourneySettings, journey_touches, person_ids
from socialroi.measure import runs
from socialroi.measure.clv.beta_geo import BetaGeoFitter
from socialroi.measure.clv.gamma_gamma import GammaGammaFitter
from socialroi.measure.clv.summary import summary_data_from_transaction_data
from socialroi.model.periods import Period, parse_period

__all__ = [
    "CLVError", "DIMENSIONS", "clv_by", "customer_clv", "customer_orders", "group_customers",
]  # fmt: skip

DIMENSIONS = {"platform": "acquisition_platform", "market": "acquisition_market"}
NO_TOUCH = "(no touch)"
UNKNOWN_MARKET = "(unknown)"
DAYS_PER_MONTH = 30.0  # as lifetimes' customer_lifetime_value with freq="D"
MIN_CUSTOMERS = 30
MIN_REPEAT_CUSTOMERS = 10
COLUMNS = [
    "customer_id", "first_purchase", "acquisition_platform", "acquisition_market", "orders",
    "revenue", "historical_clv", "expected_purchases", "p_alive", "predicted_clv",
]  # fmt: skip


class CLVError(SocialroiError):
    """CLV cannot be computed from the workspace's purchases (none, or too few to fit)."""


# the tables customers and their orders come from, for `Workspace.memo`
READS = ("conversions", "touchpoints")


def customer_orders(ws, end: dt.date) -> pd.DataFrame:
    """One row per order up to ``end`` (local date): order_key, customer_id, local_date,
    occurred_at, value (base currency), market, conversion_ids (every row of the order).

    ``DataFrame.attrs``: ``purchase_rows`` (conversion rows read), ``orders``,
    ``anonymous_orders`` (orders with no identity at all, left out of customers) and
    ``web_only_orders_left_out`` (GA4 purchases the shop does not have).
    """
    rows = _purchases(ws)
    rows = rows[pd.to_datetime(rows.local_date) <= pd.Timestamp(end)]
    if rows.empty:
        raise CLVError(
            f"no purchases up to {end} in the workspace: CLV needs conversions of kind "
            "'purchase' (import Shopify orders or GA4 purchase events first)"
        )
    purchase_rows = len(rows)
    dropped = rows.order_key[~rows._kept].nunique()
    rows = rows[rows._kept]
    if rows.empty:
        raise CLVError(f"no purchases up to {end} in the workspace count as sales")
    # The shop's row describes the sale; GA4 repeats it. Shop rows first, then by id.
    rows["_rank"] = rows.origin.isin(WEB_ORIGINS).astype(int)
    rows = rows.sort_values(["order_key", "_rank", "conversion_id"], kind="stable")
    rows["customer_node"] = _customer_groups(rows)
    lead = rows.drop_duplicates("order_key").set_index("order_key")
    per_order = rows.groupby("order_key", sort=False)
    market = lead.market.fillna(per_order.market.first())
    orders = pd.DataFrame(
        {
            "order_key": lead.index,
            "customer_id": lead.customer_node.to_numpy(),
            "local_date": pd.to_datetime(lead.local_date).to_numpy(),
            "occurred_at": lead.occurred_at.to_numpy(),
            "value": lead.value_base.astype(float).fillna(0.0).to_numpy(),
            "market": market.reindex(lead.index).to_numpy(),
            "conversion_ids": _ids_per_order(rows),
        }
    )
    anonymous = orders.customer_id.isna()
    out = orders[~anonymous].reset_index(drop=True)
    out.attrs.update(
        purchase_rows=purchase_rows, orders=len(orders), anonymous_orders=int(anonymous.sum()),
        web_only_orders_left_out=int(dropped),
    )  # fmt: skip
    return out


def _purchases(ws) -> pd.DataFrame:
    """Every purchase row of the workspace, of any date, with its person (stitched over all
    touchpoints), its order key, and whether unique_conversions counts the order as a sale
    (`_kept`). Remembered in memory while the conversions and touchpoints stay the same: a
    period and its comparison, or a report's periods, differ only in the end they cut at,
    and the stitching (a query over every touchpoint) is most of the cost."""

    def read() -> pd.DataFrame:
        conversions = ws.table("conversions")
        _, cv = person_ids(ws.table("touchpoints"), conversions)
        cv = cv.filter(cv.kind == "purchase")
        cv = cv.mutate(order_key=cv.order_id.fill_null(cv.conversion_id))
        # Which orders are sales is unique_conversions' call, as for every other measure.
        uc = unique_conversions(conversions)
        uc = uc.filter(uc.kind == "purchase")
        kept = uc.select(_key=uc.order_id.fill_null(uc.conversion_id)).distinct()
        cv = cv.left_join(kept, cv.order_key == kept._key)
        rows = cv.select(
            "conversion_id", "occurred_at", "local_date", "customer_id", "person_id",
            "order_key", "value_base", "market", "origin", _kept=cv._key.notnull(),
        ).execute()  # fmt: skip
        return rows.astype({"conversion_id": object, "customer_id": object,
                            "person_id": object})  # fmt: skip

    return ws.memo(("clv.purchases",), read, reads=READS, keep=False)


def _ids_per_order(rows: pd.DataFrame) -> np.ndarray:
    """The conversion ids of each order, as lists, in the order of the orders' first rows
    (`rows` are sorted by order_key: each order is one run of rows)."""
    ids = rows.conversion_id.to_numpy(object)
    starts, ends = runs.bounds(rows.order_key.to_numpy(object))
    out = np.empty(len(starts), dtype=object)
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):  # one list per cell: a list
        out[i] = ids[a:b].tolist()  # of equal-length lists would be read as a 2-D array
    return out


def _customer_groups(rows: pd.DataFrame) -> np.ndarray:
    """The customer of each purchase row: connected groups of identities and orders."""
    ids = {
        "c": rows.customer_id.where(rows.customer_id.notna(), None),
        "p": rows.person_id.where(rows.person_id.notna(), None),
    }
    order_nodes = "o:" + rows.order_key.astype(str)
    names = [order_nodes.to_numpy(object)]
    for prefix, col in ids.items():
        names.append(np.where(col.notna(), prefix + ":" + col.astype(str), None))
    codes, uniques = pd.factorize(np.concatenate(names), use_na_sentinel=True)
    n = len(rows)
    order_code = codes[:n]
    src, dst = [], []
    for k in range(1, len(names)):
        c = codes[k * n : (k + 1) * n]
        ok = c >= 0
        src.append(order_code[ok])
        dst.append(c[ok])
    src_a, dst_a = np.concatenate(src), np.concatenate(dst)
    size = len(uniques)
    graph = coo_matrix((np.ones(len(src_a)), (src_a, dst_a)), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    # Name each group by its best identity: shop customer id, then e-mail, user, visitor.
    names_all = pd.Series(uniques, dtype=object)
    frame = pd.DataFrame({"group": label, "name": names_all, "rank": _name_rank(names_all)})
    frame = frame[frame["rank"] < 9].sort_values(["group", "rank", "name"])
    # "c:<customer id>" -> the id; "p:e:<hash>" -> "e:<hash>"
    best = frame.drop_duplicates("group").set_index("group").name.str[2:]
    return pd.Series(label[order_code]).map(best).to_numpy(object)


def _name_rank(nodes: pd.Series) -> np.ndarray:
    """0 for a shop customer id, 1-3 for a person by e-mail, user id, visitor; 9 else."""
    head = nodes.str[:3]
    return np.select(
        [nodes.str.startswith("c:"), head == "p:e", head == "p:u", head == "p:v"],
        [0, 1, 2, 3],
        9,
    )


def _acquisition(ws, firsts: pd.DataFrame, end: dt.date, lookback_days: int) -> pd.Series:
    """Acquisition platform per customer (index customer_id) from their first order."""
    if firsts.empty:
        return pd.Series(dtype=object)
    start = firsts.local_date.min().date() - dt.timedelta(days=1)
    period = Period(start, end, f"{start}..{end}")
    settings = JourneySettings(
        lookback_days=lookback_days, kinds=("purchase",), by=("platform",),
        transform="unique", include_null=False,
    )  # fmt: skip
    touches = journey_touches(ws.table("touchpoints"), ws.table("conversions"), period, settings)
    touches = touches.select("conversion_id", "touch_id", "occurred_at", "key").execute()
    of_conv = firsts[["customer_id", "conversion_ids"]].explode("conversion_ids")
    of_conv = of_conv.rename(columns={"conversion_ids": "conversion_id"})
    t = touches.merge(of_conv, on="conversion_id")
    # One touch can sit in the journeys of both rows of an order (shop and GA4).
    t = t.drop_duplicates(["customer_id", "touch_id"])
    t["_direct"] = t.key == DIRECT
    t = t.sort_values(["customer_id", "_direct", "occurred_at", "touch_id"],
                      ascending=[True, False, True, True])  # fmt: skip
    last = t.drop_duplicates("customer_id", keep="last").set_index("customer_id").key
    return firsts.customer_id.map(last).astype(object).fillna(NO_TOUCH).set_axis(firsts.customer_id)


def _check_parameters(horizon_months: int, annual_discount: float) -> None:
    if not float(horizon_months).is_integer() or horizon_months < 1:
        raise SocialroiError(
            f"the CLV horizon is a whole number of months, 1 or more; got {horizon_months!r}"
        )
    if not np.isfinite(annual_discount) or not 0 <= annual_discount < 10:
        raise SocialroiError(
            "the annual discount rate is a fraction between 0 and 10 (0.10 = 10 % a year); "
            f"got {annual_discount!r}"
        )


def monthly_rate(annual_discount: float) -> float:
    """The monthly rate that compounds to ``annual_discount`` over twelve months."""
    return (1.0 + annual_discount) ** (1.0 / 12.0) - 1.0


def _fit(rfm: pd.DataFrame, end: dt.date, penalizer_coef: float) -> tuple:
    n = len(rfm)
    repeat = rfm[(rfm.frequency > 0) & (rfm.monetary_value > 0)]
    if n < MIN_CUSTOMERS or len(repeat) < MIN_REPEAT_CUSTOMERS:
        raise CLVError(
            f"too few customers to fit predictive CLV: {n:,} customers up to {end}, "
            f"{len(repeat):,} of them with a repeat purchase; the models need at least "
            f"{MIN_CUSTOMERS} customers and {MIN_REPEAT_CUSTOMERS} repeat customers. "
            "Import a longer order history, or ask for historical CLV only "
            "(predict=False, `socialroi clv --historical-only`)."
        )
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bgf = BetaGeoFitter(penalizer_coef=penalizer_coef).fit(rfm.frequency, rfm.recency, rfm["T"])
        ggf = GammaGammaFitter(penalizer_coef=penalizer_coef).fit(
            repeat.frequency, repeat.monetary_value
        )
    notes.extend(str(w.message) for w in caught if issubclass(w.category, RuntimeWarning))
    return bgf, ggf, notes


def customer_clv(
    ws,
    period: Period | str,
    horizon_months: int = 12,
    annual_discount: float = 0.10,
    *,
    acquired_only: bool = True,
    predict: bool = True,
    lookback_days: int = 30,
    penalizer_coef: float = 0.0,
) -> pd.DataFrame:
    """See `_customer_clv`; remembered on the workspace while its data is unchanged (the
    report and the dashboard ask for the same customers under several breakdowns)."""

    p = parse_period(period)
    args = (horizon_months, annual_discount, acquired_only, predict, lookback_days)
    key = ("customer_clv_full", p, *args, penalizer_coef)
    got = ws.memo(
        key, lambda: _customer_clv(ws, p, *args, penalizer_coef=penalizer_coef), reads=READS
    )
    got.attrs = dict(got.attrs)  # a copy's attrs must not be shared with the remembered one
    return got


def _customer_clv(
    ws,
    period: Period | str,
    horizon_months: int = 12,
    annual_discount: float = 0.10,
    acquired_only: bool = True,
    predict: bool = True,
    lookback_days: int = 30,
    *,
    penalizer_coef: float = 0.0,
) -> pd.DataFrame:
    """One row per customer acquired in ``period`` (every customer with a purchase up to its
    end when ``acquired_only`` is False): customer_id, first_purchase, acquisition_platform,
    acquisition_market, orders (to the period end), revenue (in the period), historical_clv
    (revenue to the period end), expected_purchases and p_alive (BG/NBD, next
    ``horizon_months``), predicted_clv (discounted expected revenue over the horizon, not
    counting revenue to date). Money in the workspace base currency.

    ``DataFrame.attrs`` holds the fitted parameters (``bgnbd``, ``gamma_gamma``), the model's
    ``time_unit`` ("days"), ``customers_fitted``, ``repeat_customers``, ``notes`` (fit
    warnings) and the order counts of :func:`customer_orders`. Raises :class:`CLVError` when
    there are no purchases, or too few customers to fit (unless ``predict`` is False).
    """
    p = parse_period(period)
    _check_parameters(horizon_months, annual_discount)
    orders = customer_orders(ws, p.end)
    orders = orders.sort_values(["customer_id", "local_date", "occurred_at", "order_key"])
    start, end = pd.Timestamp(p.start), pd.Timestamp(p.end)
    per = orders.groupby("customer_id", sort=True)
    firsts = orders.drop_duplicates("customer_id").set_index("customer_id", drop=False)
    in_period = orders[orders.local_date >= start]
    out = pd.DataFrame(
        {
            "customer_id": firsts.customer_id,
            "first_purchase": firsts.local_date.dt.date,
            "acquisition_market": firsts.market.fillna(UNKNOWN_MARKET),
            "orders": per.size(),
            "revenue": in_period.groupby("customer_id").value.sum(),
            "historical_clv": per.value.sum(),
        }
    )
    out.index.name = None
    out["revenue"] = out.revenue.fillna(0.0)
    attrs = dict(orders.attrs, time_unit="days", horizon_months=int(horizon_months),
                 annual_discount=float(annual_discount), currency=ws.base_currency,
                 period=p.label, notes=[])  # fmt: skip
    if predict:
        rfm = summary_data_from_transaction_data(
            orders, "customer_id", "local_date", "value", observation_period_end=end, freq="D"
        )
        bgf, ggf, notes = _fit(rfm, p.end, penalizer_coef)
        rfm = rfm.reindex(out.index)
        args = (rfm.frequency, rfm.recency, rfm["T"])
        horizon_days = DAYS_PER_MONTH * horizon_months
        out["expected_purchases"] = bgf.predict(horizon_days, *args).to_numpy()
        out["p_alive"] = bgf.conditional_probability_alive(*args).to_numpy()
        out["predicted_clv"] = ggf.customer_lifetime_value(
            bgf, *args, rfm.monetary_value, time=int(horizon_months),
            discount_rate=monthly_rate(annual_discount), freq="D",
        ).to_numpy()  # fmt: skip
        attrs.update(
            bgnbd=bgf.params_.to_dict(), gamma_gamma=ggf.params_.to_dict(),
            customers_fitted=int(bgf.n_customers_), repeat_customers=int(ggf.n_customers_),
            notes=notes,
        )  # fmt: skip
    else:
        for c in ("expected_purchases", "p_alive", "predicted_clv"):
            out[c] = np.nan
    if acquired_only:
        first = pd.to_datetime(out.first_purchase)
        out = out[(first >= start) & (first <= end)]
        firsts = firsts.loc[out.index]
    out["acquisition_platform"] = _acquisition(ws, firsts, p.end, lookback_days).reindex(out.index)
    out = out[COLUMNS].sort_values(["first_purchase", "customer_id"]).reset_index(drop=True)
    out.attrs.update(attrs)
    return out


def clv_by(
    ws,
    period: Period | str,
    by: tuple[str, ...] | list[str] = ("platform", "market"),
    horizon_months: int = 12,
    annual_discount: float = 0.10,
    **options,
) -> pd.DataFrame:
    """Customers acquired in ``period`` per acquisition platform and/or market: customers,
    orders, revenue (sum), historical_clv and predicted_clv (means per customer: the sum over
    the group's customers divided by its customers). ``options`` go to :func:`customer_clv`.
    ``DataFrame.attrs`` has :func:`customer_clv`'s, plus ``totals`` (the same measures for all
    customers acquired in the period). To group one period several ways, call
    :func:`customer_clv` once and :func:`group_customers` for each grouping."""
    _check_dimensions(by)
    per = customer_clv(ws, period, horizon_months, annual_discount, **options)
    if per.empty:
        raise CLVError(
            f"no customers were acquired (first purchase ever) in {parse_period(period).label}"
        )
    return group_customers(per, by)


def _check_dimensions(by) -> None:
    for d in by:
        if d not in DIMENSIONS:
            raise UnknownName("CLV dimension", d, list(DIMENSIONS))


def group_customers(
    customers: pd.DataFrame, by: tuple[str, ...] | list[str] = ("platform", "market")
) -> pd.DataFrame:
    """:func:`clv_by`'s table from a :func:`customer_clv` result, grouped by ``by``."""
    by = tuple(by)
    _check_dimensions(by)
    cols = [DIMENSIONS[d] for d in by]
    out = _aggregate(customers, cols).rename(columns={DIMENSIONS[d]: d for d in by})
    if cols:
        out = out.sort_values(["customers", *by], ascending=[False, *[True] * len(by)])
    out = out.reset_index(drop=True)
    frame = _aggregate(customers, [])
    totals = {
        c: (int if c in ("customers", "orders") else float)(frame[c].iloc[0] if len(frame) else 0)
        for c in frame.columns
    }
    out.attrs.update(customers.attrs, totals=totals)
    return out


def _aggregate(per: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    keys = cols or (lambda _: "all")
    g = per.groupby(keys, dropna=False)
    out = g.agg(
        customers=("customer_id", "size"),
        orders=("orders", "sum"),
        revenue=("revenue", "sum"),
        _hist=("historical_clv", "sum"),
        _pred=("predicted_clv", lambda s: s.sum(min_count=1)),
    )
    out["historical_clv"] = out._hist / out.customers
    out["predicted_clv"] = out._pred / out.customers
    out = out.drop(columns=["_hist", "_pred"])
    return out.reset_index(drop=not cols)
