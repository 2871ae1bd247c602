"""The one percentile of eval/ (the eval report, retrieval eval, bench and load test all use it)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile, `p` in 0..100, rounded to 0.01; None when there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 2)


def p50_p95(values: Sequence[float]) -> dict[str, float]:
    """{"p50", "p95"}, 0.0 for no values (the reports' shape)."""
    return {"p50": percentile(values, 50) or 0.0, "p95": percentile(values, 95) or 0.0}
