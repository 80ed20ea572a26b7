"""Where a workspace lives, without opening it: a DuckDB file, `spark:PATH` or
`spark:sc://HOST:PORT` (a Spark Connect server; `spark:` alone reads SPARK_REMOTE). Light on
purpose: the command line reads it before it knows whether it needs an engine."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from socialroi.errors import SocialroiError

PREFIX = "spark:"
CONNECT = re.compile(r"^sc://(?P<host>[^:/;]+)(?::(?P<port>\d+))?")


def is_spark(location: str | Path) -> bool:
    return str(location).startswith(PREFIX)


@dataclass(frozen=True)
class SparkLocation:
    """Where a Spark workspace keeps its catalog, and which Spark computes."""

    folder: Path  # the landing catalog (and, for a local session, the Parquet tables)
    remote: str | None  # a Spark Connect URL (sc://...), or None for a session in-process

    @classmethod
    def parse(cls, location: str | Path) -> SparkLocation:
        text = str(location)[len(PREFIX) :] if is_spark(location) else str(location)
        remote_env = os.environ.get("SPARK_REMOTE") or None
        if text.startswith("sc://"):
            m = CONNECT.match(text)
            if not m:
                raise SocialroiError(
                    f"{location!r} is not a Spark Connect address; expected spark:sc://HOST:PORT"
                )
            host, port = m.group("host"), m.group("port") or "15002"
            return cls(Path(f"socialroi-{host}-{port}.spark").absolute(), text)
        if not text:
            if not remote_env:
                raise SocialroiError(
                    "`-w spark:` names no folder and SPARK_REMOTE is not set; use spark:PATH "
                    "(a local Spark session) or spark:sc://HOST:PORT (Spark Connect)"
                )
            return cls.parse(PREFIX + remote_env)
        return cls(Path(text).expanduser().absolute(), remote_env)


def canonical(location: str | Path) -> str:
    """A workspace location written the same way from any folder: an absolute DuckDB file,
    `spark:/absolute/folder` or `spark:sc://...`."""
    if not is_spark(location):
        return str(Path(location).resolve())
    loc = SparkLocation.parse(location)
    return PREFIX + (loc.remote if str(location).startswith(PREFIX + "sc://") else str(loc.folder))


def anchor(location: str | Path) -> Path:
    """The local file that stands for a workspace (its DuckDB file, or a Spark workspace's
    catalog): what `socialroi serve` announces itself beside, and where reports go."""
    if not is_spark(location):
        return Path(location).resolve()
    return SparkLocation.parse(location).folder / "catalog.duckdb"
