"""Stage 7, conversion: the true model — which journeys end in an order or a lead — and each
channel's exact contribution, the ground truth attribution is scored against.

In: the random generator, the sessions, the season, and the seed and scale (recorded in the
truth). Out: `Outcomes` — per visitor: ordered, became a lead, wholesale (B2B), first channel —
and the truth (`ground_truth.json`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from socialroi.demo import brand as B
from socialroi.demo.channels import CHANNELS, N_SOCIAL, SOCIAL
from socialroi.demo.stages.traffic import Sessions

MARKET_ALPHA = np.array([0.0, 0.1, 0.0, 0.05, -0.2, -0.3, 0.1, -0.25])  # by traffic.MARKETS
A_ORDER, A_LEAD = -4.6, -2.6


@dataclass(frozen=True)
class Outcomes:
    order: np.ndarray  # per visitor: placed an order
    lead: np.ndarray  # per visitor: became a wholesale lead
    b2b: np.ndarray  # per visitor: a wholesale (B2B) visitor
    first_channel: np.ndarray  # per visitor: the channel of the first session
    truth: dict


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def convert(
    rng: np.random.Generator, s: Sessions, season: np.ndarray, seed: int, scale: str
) -> Outcomes:
    V = s.n_visitors
    touch = np.zeros((V, len(CHANNELS)), bool)
    touch[s.visitor, s.ch] = True
    last_idx = np.flatnonzero(s.last)
    vday = s.day[last_idx]
    vmk = s.mk[last_idx]
    beta_o = np.array(
        [B.PLATFORMS[p].b_paid if paid else B.PLATFORMS[p].b_org for p, paid in SOCIAL]
        + [v[1] for v in B.OTHER_CHANNELS.values()]
    )
    beta_l = np.array(
        [B.PLATFORMS[p].lead_paid if paid else B.PLATFORMS[p].lead_org for p, paid in SOCIAL]
        + [v[2] for v in B.OTHER_CHANNELS.values()]
    )
    li = [CHANNELS.index("linkedin_organic"), CHANNELS.index("linkedin_paid")]
    b2b = rng.random(V) < np.where(touch[:, li].any(axis=1), 0.35, 0.03)
    eta_o = A_ORDER + MARKET_ALPHA[vmk] + 0.5 * np.log(season[vday]) + touch @ beta_o
    eta_l = A_LEAD + touch @ beta_l
    p_o, p_l = sigmoid(eta_o), sigmoid(eta_l)
    u = rng.random(V)
    order = (~b2b) & (u < p_o)
    lead = b2b & (u < p_l)
    truth = {
        "brand": "Voltiq Electronics (fictional), Shenzhen",
        "seed": seed,
        "scale": scale,
        "period": [B.START.isoformat(), B.END.isoformat()],
        "model": (
            "Per visitor journey: P(order) = sigmoid(-4.6 + market + 0.5*log(season) + "
            "sum_c beta_order[c] * touched[c]) for retail visitors; P(lead) = sigmoid(-2.6 + "
            "sum_c beta_lead[c] * touched[c]) for wholesale visitors. A channel's contribution "
            "is the expected conversions removed when its beta is set to zero: sum over "
            "journeys touching it of sigmoid(eta) - sigmoid(eta - beta). `share` is that "
            "contribution over the sum of the 14 social channels' (platform x paid/organic); "
            "`share_of_all_channels` over all channels."
        ),
        "orders": {
            "expected": round(float(p_o[~b2b].sum()), 6),
            "simulated": int(order.sum()),
            "channels": _block(_contributions(touch, eta_o, beta_o, ~b2b), beta_o),
        },
        "leads": {
            "expected": round(float(p_l[b2b].sum()), 6),
            "simulated": int(lead.sum()),
            "channels": _block(_contributions(touch, eta_l, beta_l, b2b), beta_l),
        },
        "sessions": int(len(s)),
        "visitors": V,
    }
    return Outcomes(
        order=order,
        lead=lead,
        b2b=b2b,
        first_channel=s.ch[np.flatnonzero(s.first)],
        truth=truth,
    )


def _contributions(
    touch: np.ndarray, eta: np.ndarray, beta: np.ndarray, who: np.ndarray
) -> dict[str, float]:
    """Per channel: the expected conversions of `who` lost if its effect were zero."""
    out = {}
    for c, name in enumerate(CHANNELS):
        m = who & touch[:, c]
        out[name] = float((sigmoid(eta[m]) - sigmoid(eta[m] - beta[c])).sum())
    return out


def _block(con: dict[str, float], beta: np.ndarray) -> dict:
    social = {k: v for k, v in con.items() if k in CHANNELS[:N_SOCIAL]}
    tot_s = sum(social.values()) or 1.0
    tot_a = sum(con.values()) or 1.0
    out = {}
    for i, name in enumerate(CHANNELS):
        entry = {
            "beta": float(beta[i]),
            "expected_conversions": round(con[name], 6),
            "share_of_all_channels": round(con[name] / tot_a, 9),
        }
        if i < N_SOCIAL:
            p, paid = SOCIAL[i]
            entry |= {"platform": p, "paid": paid, "share": round(con[name] / tot_s, 9)}
        out[name] = entry
    return out
