"""Stage 9, orders: the Shopify orders of the visitors who bought, placed a few minutes after
their journey's last session.

In: the random generator, the sessions, which visitors ordered, and the web sessions (the
order keeps its session's landing page, referrer and ids). Out: `Orders` — the `orders` frame
and, per order, its session, visitor, total in USD, e-mail and customer id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from socialroi.demo import brand as B
from socialroi.demo.draws import ascii_name, ids, pick_names, product_p
from socialroi.demo.stages.traffic import MARKETS, Sessions
from socialroi.demo.stages.web import Web
from socialroi.demo.timeline import DATES, local_days


@dataclass(frozen=True)
class Orders:
    frame: pd.DataFrame  # the `orders` frame, in time order
    session: np.ndarray  # each order's session index
    visitor: np.ndarray  # each order's visitor index
    total_usd: np.ndarray
    email: np.ndarray
    customer: np.ndarray  # customer id (text)


def make_orders(rng: np.random.Generator, s: Sessions, ordered: np.ndarray, web: Web) -> Orders:
    last_idx = np.flatnonzero(s.last)
    conv_v = np.flatnonzero(ordered)
    si = last_idx[conv_v]  # the converting session
    n = len(si)
    created = web.utc[si] + (rng.integers(120, 1500, n) * 1_000_000_000).astype("timedelta64[ns]")
    unix_c = created.astype("datetime64[s]").astype(np.int64)
    local = local_days(unix_c, B.WEB_TZ)
    keep = local < B.DAYS
    si, created, local, conv_v, n = si[keep], created[keep], local[keep], conv_v[keep], keep.sum()
    o = np.argsort(created, kind="stable")
    si, created, local, conv_v = si[o], created[o], local[o], conv_v[o]
    code = np.array(MARKETS)[s.mk[si]]
    cur = np.array([B.MARKETS[c].currency for c in code])
    prod = rng.choice(len(B.PRODUCTS), n, p=product_p())
    qty = rng.choice([1, 2, 3], n, p=[0.84, 0.13, 0.03])
    price = np.array([B.local_price(B.PRODUCTS[p].usd, c) for p, c in zip(prod, cur)], float)
    subtotal = np.round(price * qty, 2)
    free_over = np.array([60 / B.USD_PER[c] for c in cur])
    ship_fee = np.array([B.local_price(6.0, c) if c != "EUR" else 4.95 for c in cur])
    shipping = np.where(subtotal >= free_over, 0.0, ship_fee)
    vat = np.array([B.MARKETS[c].vat for c in code])
    incl = np.array([B.MARKETS[c].tax_included for c in code])
    taxes = np.round(np.where(incl, subtotal - subtotal / (1 + vat), subtotal * vat), 2)
    total = np.round(subtotal + shipping + np.where(incl, 0, taxes), 2)
    order_id = ids(rng, n, 5_600_000_000_000, 10**6)
    cust = ids(rng, n, 7_100_000_000_000, 10**5)
    lang = np.array([B.MARKETS[c].language for c in code])
    first = np.array(pick_names(rng, lang, B.FIRST_NAMES), object)
    last = np.array(pick_names(rng, lang, B.LAST_NAMES), object)
    # returning customers: some orders come from someone who bought before in the same
    # market (orders are in time order, so the earlier buyer is already resolved)
    again = rng.random(n) < B.REPEAT_SHARE
    u = rng.random(n)
    for market in np.unique(code):
        idx = np.flatnonzero(code == market)
        for k in range(1, len(idx)):
            if again[idx[k]]:
                i, j = idx[k], idx[int(u[idx[k]] * k)]
                cust[i], first[i], last[i] = cust[j], first[j], last[j]
    email = [
        f"{ascii_name(f)}.{ascii_name(la)}{int(c) % 10_000}@mail.example".lower()
        for f, la, c in zip(first, last, cust)
    ]
    at = pa.array(si)
    land = web.columns["landing_page"].take(at).to_pylist()
    frame = pd.DataFrame(
        dict(
            order_id=order_id.astype(str),
            order_name=[f"#V{1001 + i}" for i in range(n)],
            customer_id=cust.astype(str),
            email=email,
            created_at=pd.to_datetime(created).tz_localize("UTC"),
            local_date=DATES[local],
            currency=cur,
            subtotal=subtotal,
            shipping=shipping,
            taxes=taxes,
            total=total,
            country=code,
            landing_site=[u.removeprefix(B.SITE) if u else None for u in land],
            referring_site=web.columns["referrer"].take(at).to_pylist(),
            visitor_id=web.columns["visitor_id"].take(at).to_pylist(),
            session_id=web.columns["session_id"].take(at).to_pylist(),
            lineitem_name=[B.PRODUCTS[p].name for p in prod],
            lineitem_quantity=qty,
            lineitem_price=price,
        )
    )
    return Orders(
        frame=frame,
        session=si,
        visitor=conv_v,
        total_usd=total * np.array([B.USD_PER[c] for c in cur]),
        email=np.array(email, object),
        customer=cust.astype(str),
    )
