"""Pure arithmetic of the committee, on plain values, so pages and exports agree.

Scores are on 0-100. A criterion's level score is already on 0-100 (`CriterionLevel.score`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewScore:
    score: float | None  # None when nothing was assessed
    weight_assessed: int  # share of the rubric's weight assessed, 0-100


def review_score(weighted_levels: Iterable[tuple[int, int | None]]) -> ReviewScore:
    """Weighted mean of (weight, level score or None for "cannot assess").

    "Cannot assess" leaves the criterion out: it is never counted as 0, and the share of
    weight that was assessed is reported beside the score.
    """
    total_weight = 0
    assessed_weight = 0
    weighted_sum = 0.0
    for weight, level_score in weighted_levels:
        total_weight += weight
        if level_score is None:
            continue
        assessed_weight += weight
        weighted_sum += weight * level_score
    if assessed_weight == 0:
        return ReviewScore(None, 0)
    share = round(100 * assessed_weight / total_weight) if total_weight else 0
    return ReviewScore(weighted_sum / assessed_weight, share)
