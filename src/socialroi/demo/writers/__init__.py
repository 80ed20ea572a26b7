"""One writer per source: `write(world, out) -> list[Path]` renders native export files."""
