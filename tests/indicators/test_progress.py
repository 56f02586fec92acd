"""Progress from the baseline to the target, in both directions, with exact numbers."""

from decimal import Decimal

import pytest

from projects.indicators.progress import Status, progress


def p(baseline, target, latest, lower=False):
    return progress(
        baseline=Decimal(baseline),
        target=None if target is None else Decimal(target),
        latest=None if latest is None else Decimal(latest),
        lower_is_better=lower,
    )


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "lower", "expected"),
    [
        # Lower is better: 45 -> 20 days.
        (45, 20, 45, True, "0.0"),
        (45, 20, 38, True, "28.0"),
        (45, 20, 31, True, "56.0"),
        (45, 20, 26, True, "76.0"),
        (45, 20, 20, True, "100.0"),
        (45, 20, 15, True, "120.0"),  # overshoot
        (45, 20, 50, True, "-20.0"),  # regression
        # Higher is better: 40 % -> 90 %.
        (40, 90, 65, False, "50.0"),
        (40, 90, 90, False, "100.0"),
        (40, 90, 100, False, "120.0"),
        (40, 90, 30, False, "-20.0"),
        # Rounding half up to one decimal: 1/3 and 2/3.
        (0, 3, 1, False, "33.3"),
        (0, 3, 2, False, "66.7"),
        # Yes / no: 0 -> 1.
        (0, 1, 0, False, "0.0"),
        (0, 1, 1, False, "100.0"),
    ],
)
def test_progress_exact(baseline, target, latest, lower, expected):
    assert p(baseline, target, latest, lower) == Decimal(expected)


def test_target_equal_to_baseline_means_keeping_the_level():
    # Lower is better, keep at most 10.
    assert p(10, 10, 10, lower=True) == 100
    assert p(10, 10, 8, lower=True) == 100
    assert p(10, 10, 12, lower=True) == 0
    # Higher is better, keep at least 10.
    assert p(10, 10, 12) == 100
    assert p(10, 10, 8) == 0


def test_nothing_to_say_without_a_measurement_or_a_target():
    assert p(45, 20, None, True) is None
    assert p(45, None, 30, True) is None


def test_status_words():
    assert Status(Decimal("120.0")).achieved and Status(Decimal("120.0")).bar_width == 100
    assert Status(Decimal("-20.0")).regressed and Status(Decimal("-20.0")).bar_width == 0
    assert Status(Decimal("76.0")).bar_width == 76
    assert Status(None).bar_width == 0 and not Status(None).achieved
