"""Scoring one answer under an exam's rule, and mapping points onto the exam's scale."""

from __future__ import annotations

import math
from collections.abc import Sequence

SCORING_RULES = ("no_partial", "per_component", "unpublished", "practice")


def score(correct: Sequence[int], chosen: Sequence[int], scoring: str) -> tuple[float, float]:
    """(points, max points) of one answer under an exam's scoring rule.

    ``no_partial`` (AWS), ``unpublished`` (Google) and ``practice``: 1 when the chosen set is
    exactly the correct set, else 0, out of 1. ``per_component`` (Microsoft): one point per
    correct option chosen, out of the number of correct options; every pick beyond that number
    cancels one point, so choosing everything never pays (the form already enforces the number).
    """
    right, picked = set(correct), set(chosen)
    if scoring in ("no_partial", "unpublished", "practice"):
        return (1.0 if picked == right and right else 0.0), 1.0
    if scoring == "per_component":
        most = len(right)
        hits = len(right & picked) - max(0, len(picked) - most)
        return float(min(most, max(0, hits))), float(most)
    raise ValueError(f"unknown scoring rule {scoring!r}; expected one of {SCORING_RULES}")


def scaled_score(points: float, max_points: float, scale_min: int, scale_max: int) -> int:
    """Map points linearly onto the exam's scale (700 on 100–1000...), rounded half up."""
    if max_points <= 0:
        return scale_min
    share = min(1.0, max(0.0, points / max_points))
    return int(math.floor(scale_min + (scale_max - scale_min) * share + 0.5))
