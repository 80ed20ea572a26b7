"""Unify: canonical tables from parsed rows (money in base currency, channels), as Ibis."""
