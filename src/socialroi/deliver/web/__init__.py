"""The dashboard and JSON API (`socialroi serve`)."""
