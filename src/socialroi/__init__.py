"""socialroi: prove what social media earns.

One open data model for every platform's exports, the web analytics, the shop and the CRM,
stored in a DuckDB file per workspace and computed with Ibis, so the same code runs on Spark.

`from socialroi import Workspace` works as always; the workspace (and with it pandas, Ibis and
DuckDB) is imported on first use, so `socialroi --help` and the light modules start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialroi.errors import ImportFailed, SocialroiError

if TYPE_CHECKING:
    from socialroi.land.workspace import Workspace

__all__ = ["ImportFailed", "SocialroiError", "Workspace", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "Workspace":
        from socialroi.land.workspace import Workspace  # deferred: `import socialroi` stays light

        return Workspace
    raise AttributeError(f"module 'socialroi' has no attribute {name!r}")
