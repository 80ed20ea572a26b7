"""Routes, one module per page or concern."""
