"""Where tables live: the DuckDB file of a workspace (default) and Spark (scale-out)."""
