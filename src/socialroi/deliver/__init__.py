"""Deliver: the CLI, the executive report and the dashboard, reading measured tables."""
