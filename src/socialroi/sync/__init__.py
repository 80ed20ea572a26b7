"""Sync from the platforms' APIs: connections, credentials, HTTP, and landing streams as
batches through `land.landing` (see docs/connectors.md)."""
