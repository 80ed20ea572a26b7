"""How the measures are computed, as a number that answers kept in a workspace carry.

Answers are kept in the workspace file (`socialroi.store.answers`, the dashboard's kept views)
with the data version they were computed on, and read back after a restart. An upgrade of
socialroi that changes what a measure returns must not serve an answer the older code
computed, so the revision is part of every data version: raise it with any such change.
"""

# 2: Google Ads search spend is kept apart from social's cost (`nonsocial_cost`)
MEASURES = 2
