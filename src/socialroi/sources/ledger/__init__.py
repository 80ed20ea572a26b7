"""Ledgers people keep themselves: the costs ledger and the accounts register."""

from socialroi.sources.ledger import aliases, exports  # noqa: F401 - registers reports
