"""Stage 2, posts: the organic posts every social account publishes over the year.

In: the random generator, the scale and the social accounts. Out: `Posts` — the `posts` frame
(none promoted yet: `ads.promote_posts` marks those) and, per post, its account, day and reach
multiplier, which the organic figures are drawn from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.draws import ids, product_p
from socialroi.demo.scale import Scale
from socialroi.demo.timeline import DATES, hour_profile, to_utc


@dataclass(frozen=True)
class Posts:
    frame: pd.DataFrame  # the `posts` frame, in publishing order
    account: np.ndarray  # each post's row in the social accounts
    day: np.ndarray  # each post's local day index
    size: np.ndarray  # each post's reach multiplier (account size x luck x format)


def make_posts(rng: np.random.Generator, sc: Scale, social: pd.DataFrame) -> Posts:
    acc = social
    counts = rng.poisson(sc.posts_per_week * 52 * np.where(acc.kind == "employee", 0.5, 1.0))
    ai = np.repeat(np.arange(len(acc)), counts)
    n = len(ai)
    day = rng.integers(0, B.DAYS, n)
    hour = rng.choice(24, n, p=hour_profile())
    secs = hour * 3600 + rng.integers(0, 3600, n)
    order = np.lexsort((secs, day))
    ai, day, secs = ai[order], day[order], secs[order]
    platform = acc.platform.to_numpy()[ai]
    tz = acc.timezone.to_numpy()[ai]
    published = to_utc(day, secs, tz)
    fmt = np.empty(n, dtype=object)
    for p, spec in B.PLATFORMS.items():
        m = platform == p
        fmt[m] = rng.choice(spec.formats, m.sum())
    prod = rng.choice(len(B.PRODUCTS), n, p=product_p())
    native = np.empty(n, dtype=object)
    url = np.empty(n, dtype=object)
    handle = acc.handle.to_numpy()[ai]
    acc_native = acc.native_id.to_numpy()[ai]
    big = ids(rng, n, 7_300_000_000_000_000_000, 10**12)
    for i in range(n):  # posts are few (thousands): plain Python is fine here
        p, h = platform[i], handle[i]
        if p == "youtube":
            nat = _yt_id(int(big[i]))
            url[i] = f"https://www.youtube.com/watch?v={nat}"
        elif p == "facebook":
            nat = f"{acc_native[i]}_{int(big[i]) % 10**15}"
            url[i] = f"https://www.facebook.com/{h}/posts/{int(big[i]) % 10**15}"
        elif p == "instagram":
            nat = str(17_800_000_000_000_000 + int(big[i]) % 10**17)
            url[i] = f"https://www.instagram.com/p/{_yt_id(int(big[i]))[:10]}/"
        elif p == "tiktok":
            nat = str(int(big[i]))
            url[i] = f"https://www.tiktok.com/@{h}/video/{nat}"
        elif p == "x":
            nat = str(int(big[i]) - 5_400_000_000_000_000_000)
            url[i] = f"https://x.com/{h}/status/{nat}"
        elif p == "pinterest":
            nat = str(int(big[i]) % 10**18)
            url[i] = f"https://www.pinterest.com/pin/{nat}/"
        else:
            nat = str(int(big[i]))
            url[i] = f"https://www.linkedin.com/feed/update/urn:li:activity:{nat}/"
        native[i] = nat
    lang = acc.language.to_numpy()[ai]
    captions = [_caption(rng, lang[i], B.PRODUCTS[prod[i]], fmt[i]) for i in range(n)]
    size = rng.lognormal(0, 0.8, n) * acc["size"].to_numpy()[ai]
    size *= np.where(np.isin(fmt, ("video", "reel", "short")), 1.5, 1.0)
    frame = pd.DataFrame(
        dict(
            platform=platform,
            handle=handle,
            native_id=native,
            published_at=pd.to_datetime(published).tz_localize("UTC"),
            local_date=DATES[day],
            format=fmt,
            caption=captions,
            url=url,
            promoted=np.zeros(n, bool),
            campaign_native_id=None,
        )
    )
    return Posts(frame=frame, account=ai, day=day, size=size)


def _yt_id(n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    out = []
    for _ in range(11):
        n, r = divmod(n, 64)
        out.append(alphabet[r])
    return "".join(out)


def _caption(rng: np.random.Generator, lang: str, prod: B.Product, fmt: str) -> str:
    short = prod.name.removeprefix("Voltiq ")
    if lang == "es":
        t = (
            "Conoce {p}: más energía, menos cables. ⚡ #Voltiq",
            "¿Ya probaste {p}? Envío gratis 🇲🇽",
            "{p} en acción 🎧 #tecnologia #Voltiq",
        )
    elif lang == "zh":
        t = ("全新{p}上市，续航更久 ⚡ #Voltiq", "{p}开箱测评 🎧", "深圳设计，全球发货：{p}")
    else:
        t = (
            "Meet {p}: more power, fewer cables ⚡ #Voltiq",
            "{p} unboxing 🎧 #tech #gadgets",
            "Why creators love {p} — link in bio",
            "Ready for the weekend with {p} 🔋",
        )
    return t[int(rng.integers(0, len(t)))].format(p=short)
