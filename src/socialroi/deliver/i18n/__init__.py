"""Words and number formats in every language of the catalogue (model/locale/*.po)."""

from socialroi.deliver.i18n import catalogue  # noqa: F401 - registers the report's phrases
