"""The true cost: the ledger allocated to platforms, markets and campaigns."""
