"""Pure arithmetic of the committee, on plain values, so pages and exports agree.

Scores are on 0-100. A criterion's level score is already on 0-100 (`CriterionLevel.score`).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


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


# --- Spread -----------------------------------------------------------------------------------


def spread(values: list[float], *, sample: bool) -> float:
    """Standard deviation in plain floats (`statistics` works in exact fractions, which costs
    more than the whole ranking for 2,500 reviews). Sample (n-1) or population (n)."""
    count = len(values)
    if count < (2 if sample else 1):
        raise ValueError("not enough values")
    mean = math.fsum(values) / count
    squares = math.fsum((value - mean) ** 2 for value in values)
    return math.sqrt(squares / (count - 1 if sample else count))


# --- Leniency adjustment (advisory) ----------------------------------------------------------

LENIENCY_EXPLANATION = _(
    "Advisory: each reviewer's scores are standardised across their own reviews and rescaled "
    "to the committee's mean and spread, so that a harsh or a lenient reviewer weighs like the "
    "others. Decisions rest on the raw score; this column only helps to read it."
)


def reviewer_adjustment(
    own_scores: list[float], committee_mean: float, committee_spread: float
) -> Callable[[float], float]:
    """How to map one reviewer's score onto the committee's scale.

    With one review, nothing says whether the reviewer is harsh or lenient: the score is kept.
    With several identical scores the reviewer expressed no preference among their
    applications: each maps to the committee's mean. Otherwise z-score, then rescale.
    """
    if len(own_scores) < 2:
        return lambda score: score
    own_mean = statistics.fmean(own_scores)
    own_spread = spread(own_scores, sample=False)
    if own_spread == 0:
        return lambda score: committee_mean
    return lambda score: committee_mean + (score - own_mean) / own_spread * committee_spread


def leniency_adjusted(reviews: Iterable[tuple[int, int, float]]) -> dict[int, float]:
    """Mean leniency-adjusted score per application, from (reviewer, application, score).

    Never replaces the raw score: pages show it beside the raw one, marked advisory.
    """
    reviews = list(reviews)
    if not reviews:
        return {}
    all_scores = [score for _reviewer, _application, score in reviews]
    committee_mean = statistics.fmean(all_scores)
    committee_spread = spread(all_scores, sample=False)
    by_reviewer: dict[int, list[float]] = defaultdict(list)
    for reviewer, _application, score in reviews:
        by_reviewer[reviewer].append(score)
    adjust = {
        reviewer: reviewer_adjustment(scores, committee_mean, committee_spread)
        for reviewer, scores in by_reviewer.items()
    }
    per_application: dict[int, list[float]] = defaultdict(list)
    for reviewer, application, score in reviews:
        value = min(100.0, max(0.0, adjust[reviewer](score)))
        per_application[application].append(value)
    return {app: statistics.fmean(values) for app, values in per_application.items()}
