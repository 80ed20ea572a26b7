"""Words and number formats in English and Simplified Chinese."""
