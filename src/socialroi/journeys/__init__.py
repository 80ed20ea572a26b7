"""Journeys: each conversion once, people stitched, touches within the lookback."""
