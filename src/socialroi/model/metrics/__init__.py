"""The metric catalogue (`METRICS`) and the base measures its formulas read."""

from socialroi.model.metrics.catalogue import (
    AGGREGATIONS,
    METRICS,
    UNITS,
    Metric,
    metric,
    register_metric,
)

__all__ = ["AGGREGATIONS", "METRICS", "UNITS", "Metric", "metric", "register_metric"]
