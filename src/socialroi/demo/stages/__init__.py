"""The demo generator's stages, in the order `socialroi.demo.generate` runs them (the order
the random numbers are drawn in):

accounts -> posts -> ads (and promoted posts) -> organic reach and figures / paid delivery ->
traffic (sessions, journeys) -> conversion (outcomes, ground truth) -> web (session strings) ->
orders -> crm -> measured (ad claims, GA4) -> costs (ledger, time split).

Each stage is a function taking what it needs and returning what it makes (a small frozen
dataclass where it makes more than one thing); none keeps state.
"""
