"""Where tables live: the DuckDB file of a workspace (default) and Spark (scale-out)."""

# The workspace file a command uses when none is named (`-w` / SOCIALROI_WORKSPACE).
DEFAULT_PATH = "socialroi.duckdb"
