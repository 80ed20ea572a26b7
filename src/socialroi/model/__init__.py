"""The canonical data model: table schemas, channel rules and the platform metric registry."""
