"""socialroi: prove what social media earns.

One open data model for every platform's exports, the web analytics, the shop and the CRM,
stored in a DuckDB file per workspace and computed with Ibis, so the same code runs on Spark.
"""

from socialroi.errors import ImportFailed, SocialroiError
from socialroi.land.workspace import Workspace

__all__ = ["ImportFailed", "SocialroiError", "Workspace", "__version__"]
__version__ = "0.1.0"
