"""How far an indicator has come from its baseline towards its target, in both directions.

    progress = (latest - baseline) / (target - baseline)

The sign of the denominator carries the direction: a fall from 45 to 26 days towards a target
of 20 is (26 - 45) / (20 - 45) = 76 %; the same formula serves "higher is better". Past the
target it exceeds 100 % (overshoot); a move away from the target is negative (regression).
Yes/no indicators are numbers 0 and 1, so "no → yes" reads 0 % or 100 %.

When the target equals the baseline (keep a level), there is no distance to divide by: the
indicator is at 100 % while the latest value is at the target or on its better side (by the
indicator's direction), and at 0 % otherwise.

Percentages are rounded half-up to one decimal; `None` means "nothing to say" (no
measurement, or no target).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def progress(
    *,
    baseline: Decimal,
    target: Decimal | None,
    latest: Decimal | None,
    lower_is_better: bool,
) -> Decimal | None:
    """The share of the way from `baseline` to `target` that `latest` has covered, in %."""
    if target is None or latest is None:
        return None
    baseline, target, latest = Decimal(baseline), Decimal(target), Decimal(latest)
    if target == baseline:
        reached = latest <= target if lower_is_better else latest >= target
        return HUNDRED if reached else Decimal(0)
    share = (latest - baseline) / (target - baseline) * HUNDRED
    return share.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Status:
    """Progress with the words to show beside it."""

    percent: Decimal | None

    @property
    def achieved(self) -> bool:
        return self.percent is not None and self.percent >= HUNDRED

    @property
    def regressed(self) -> bool:
        return self.percent is not None and self.percent < 0

    @property
    def bar_width(self) -> int:
        """0-100, for a progress bar that cannot draw beyond its box."""
        if self.percent is None:
            return 0
        return int(max(Decimal(0), min(HUNDRED, self.percent)))


def indicator_progress(indicator, targets, measurements) -> Status:
    """Progress of `indicator` towards its final target (the one ending last), from its
    latest measurement (the one ending last), given already loaded rows."""
    final = max(targets, key=lambda t: (t.period_end, t.pk or 0), default=None)
    latest = max(measurements, key=lambda m: (m.period_end, m.pk or 0), default=None)
    return Status(
        progress(
            baseline=indicator.baseline_value,
            target=final.value if final else None,
            latest=latest.value if latest else None,
            lower_is_better=indicator.lower_is_better,
        )
    )
