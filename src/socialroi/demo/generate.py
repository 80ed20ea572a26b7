"""Generate the Voltiq demo world: one causally coherent year of social, web, shop and CRM data.

The causal chain, all drawn from one `numpy.random.Generator(seed)`:

1. posts reach people (impressions decaying day by day) and ad spend buys impressions; both
   produce link clicks, and link clicks become web sessions;
2. other channels (direct, search, email, referral, junk) add their own sessions by market,
   day and season;
3. sessions are grouped into visitor journeys that span days and channels (each market's
   sessions sorted by a jittered day, cut into journeys of geometric length);
4. each journey converts with a known logistic model: for a retail visitor
   `P(order) = sigmoid(a + season + sum of beta[c] over the distinct channels c touched)`, for
   a wholesale (B2B) visitor the same with the lead effects; the order or lead follows the
   journey's last session. Orders become Shopify orders, leads HubSpot contacts, deals and
   (enterprise Europe) Salesforce opportunities;
5. the truth: each channel's `beta` and its exact expected contribution, the expected
   conversions lost if that channel's effect were zero,
   `sum over journeys touching c of sigmoid(eta) - sigmoid(eta - beta[c])`, and its share.

Vectorised with numpy and pyarrow throughout (no per-session Python loops); the session
strings are built in chunks and held in pandas' Arrow-backed `str` columns.

Each step is a stage module in `socialroi.demo.stages`; `generate` below runs them in order,
passing each what it needs. The order is the order the random numbers are drawn in: moving a
stage changes every number after it. The experiments stage (`stages.experiments`) draws from a
generator of its own and only appends rows, so it changes none of the others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.scale import SCALES
from socialroi.demo.stages.accounts import make_accounts
from socialroi.demo.stages.ads import make_ads, promote_posts
from socialroi.demo.stages.conversion import convert
from socialroi.demo.stages.costs import make_costs, time_split
from socialroi.demo.stages.crm import make_crm
from socialroi.demo.stages.experiments import plant
from socialroi.demo.stages.measured import claim_conversions, ga4
from socialroi.demo.stages.orders import make_orders
from socialroi.demo.stages.organic import account_daily, plan_organic, post_daily
from socialroi.demo.stages.paid import ad_daily, plan_paid
from socialroi.demo.stages.posts import make_posts
from socialroi.demo.stages.traffic import draw_sessions, journeys
from socialroi.demo.stages.web import web_sessions
from socialroi.demo.timeline import season as demand_season
from socialroi.demo.world import COLUMNS, DemoWorld


def generate(seed: int = 7, scale: str = "small") -> DemoWorld:
    """The demo world for `seed` at `scale` (tiny, small, medium or large). Deterministic."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; valid: {', '.join(SCALES)}")
    sc = SCALES[scale]
    rng = np.random.default_rng(seed)
    season = demand_season()
    # what the brand publishes and buys
    accounts = make_accounts(rng)
    social = accounts.social
    posts = make_posts(rng, sc, social)
    ads = make_ads(rng, sc, social)
    posts = promote_posts(rng, posts, ads)
    # what the platforms deliver
    reach = plan_organic(sc, social, posts, season)
    ad_days = plan_paid(rng, sc, ads, season)
    posts_daily = post_daily(rng, reach, posts)
    ads_daily = ad_daily(rng, ad_days, ads)
    accounts_daily = account_daily(rng, social, posts_daily.frame, reach.multiplier, season)
    # who visits, and who buys or becomes a lead
    drawn = draw_sessions(rng, sc, season, social, posts, posts_daily, ads, ad_days, ads_daily)
    sessions = journeys(rng, drawn)
    outcomes = convert(rng, sessions, season, seed, scale)
    web = web_sessions(rng, sessions, outcomes.b2b, ads)
    orders = make_orders(rng, sessions, outcomes.order, web)
    crm = make_crm(rng, sessions, outcomes, web)
    # what the measuring tools report, and what it all cost
    claimed = claim_conversions(rng, ads_daily.frame, sessions, orders, outcomes.lead)
    ga4_daily, session_frame = ga4(sessions, web, orders, crm)
    costs = make_costs(rng, sc, ads.table)
    # the experiments the brand ran: a generator of their own, rows only appended
    planted = plant(seed, sc.post_days, accounts.frame, season)
    frames = {
        "accounts": pd.concat([accounts.frame, planted.accounts], ignore_index=True),
        "posts": pd.concat([posts.frame, planted.posts], ignore_index=True),
        "post_daily": pd.concat([posts_daily.frame, planted.post_daily], ignore_index=True),
        "account_daily": accounts_daily,
        "ads": ads.table,
        "ad_daily": claimed,
        "sessions": session_frame,
        "orders": orders.frame,
        "contacts": crm.contacts,
        "deals": crm.deals,
        "opportunities": crm.opportunities,
        "ga4_daily": ga4_daily,
        "costs": costs,
        "time_split": time_split(posts.frame, accounts.frame),
    }
    world = DemoWorld(seed, scale, B.START, B.END)
    world.frames = {name: frames[name][list(cols)] for name, cols in COLUMNS.items()}
    world.truth = outcomes.truth
    world.experiments = planted
    return world
