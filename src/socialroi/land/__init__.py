"""Land: one batch per file or edit, idempotent and atomic, with its lineage."""
