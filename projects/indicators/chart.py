"""The chart of an indicator, drawn on the server as SVG: baseline, targets and measurements
over time, with a text summary and the same numbers as a table.

Nothing needs a script or an inline style (the content security policy forbids both): shapes
carry SVG presentation attributes and classes whose rules are in static/css/indicators.css.
The SVG is `role="img"` with a `<title>` and `<desc>` named by `aria-labelledby`; the summary
sentence is also printed under it, and the table beside it has a caption.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from projects.indicators.formatting import format_percent, format_value, month_year, plain_number
from projects.indicators.models import Indicator
from projects.indicators.progress import Status, indicator_progress

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 48


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str

    # Coordinates as SVG reads them (never localised: "45.5", not "45,5").
    @property
    def sx(self) -> str:
        return f"{self.x:.1f}"

    @property
    def sy(self) -> str:
        return f"{self.y:.1f}"

    @property
    def corner_x(self) -> str:
        return f"{self.x - 6:.1f}"

    @property
    def corner_y(self) -> str:
        return f"{self.y - 6:.1f}"


@dataclass(frozen=True)
class Tick:
    position: float
    label: str

    @property
    def at(self) -> str:
        return f"{self.position:.1f}"


@dataclass(frozen=True)
class Row:
    """One line of the table under the chart."""

    kind: str
    period: str
    value: str


@dataclass
class Chart:
    element_id: str
    title: str
    summary: str
    status: Status
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    baseline: Point | None = None
    baseline_y: float = 0.0
    targets: list[Point] = field(default_factory=list)
    measurements: list[Point] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def target_path(self) -> str:
        return _polyline([self.baseline, *self.targets]) if self.targets else ""

    @property
    def measurement_path(self) -> str:
        return _polyline([self.baseline, *self.measurements]) if self.measurements else ""

    @property
    def summary_percent(self) -> str:
        return format_percent(self.status.percent)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _polyline(points: list[Point]) -> str:
    return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)


def nice_step(span: float, count: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` ticks."""
    if span <= 0:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def value_ticks(low: float, high: float) -> list[float]:
    step = nice_step(high - low)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9 and len(ticks) < 12:
        ticks.append(round(value, 10))
        value += step
    return ticks


def date_ticks(start: date, end: date) -> list[date]:
    """First days of years, or of quarters when the span is under two years."""
    months = (end.year - start.year) * 12 + end.month - start.month
    every = 12 if months > 24 else 3 if months > 6 else 1
    if months > 72:
        every = 12 * math.ceil(months / 72)
    month_index = start.year * 12 + start.month - 1
    month_index += (-month_index) % every
    ticks = []
    while True:
        tick = date(month_index // 12, month_index % 12 + 1, 1)
        if tick > end:
            return ticks
        if tick >= start:
            ticks.append(tick)
        month_index += every


def summary_sentence(indicator: Indicator, targets, measurements, status: Status) -> str:
    """ "Baseline 45 days (Jan 2025); latest 26 days (Sep 2026); target 20 days by Dec 2026;
    76 % of the way." — in the active language."""
    parts = [
        _("Baseline %(value)s (%(date)s)")
        % {
            "value": format_value(indicator, indicator.baseline_value),
            "date": month_year(indicator.baseline_date),
        }
    ]
    latest = max(measurements, key=lambda m: (m.period_end, m.pk or 0), default=None)
    final = max(targets, key=lambda t: (t.period_end, t.pk or 0), default=None)
    if latest is not None:
        parts.append(
            _("latest %(value)s (%(date)s)")
            % {
                "value": format_value(indicator, latest.value),
                "date": month_year(latest.period_end),
            }
        )
    else:
        parts.append(_("no measurement reported yet"))
    if final is not None:
        parts.append(
            _("target %(value)s by %(date)s")
            % {"value": format_value(indicator, final.value), "date": month_year(final.period_end)}
        )
    else:
        parts.append(_("no target set"))
    if status.percent is not None:
        parts.append(_("%(percent)s of the way") % {"percent": format_percent(status.percent)})
    return "; ".join(parts) + "."


def build_chart(indicator: Indicator, targets=None, measurements=None) -> Chart:
    """The chart of `indicator`; `targets` and `measurements` default to the prefetched rows."""
    targets = sorted(
        indicator.targets.all() if targets is None else targets, key=lambda t: t.period_end
    )
    measurements = sorted(
        indicator.measurements.all() if measurements is None else measurements,
        key=lambda m: m.period_end,
    )
    status = indicator_progress(indicator, targets, measurements)
    chart = Chart(
        element_id=f"indicator-{indicator.pk}",
        title=indicator.name,
        summary=summary_sentence(indicator, targets, measurements, status),
        status=status,
    )
    dated = [
        (
            indicator.baseline_date,
            0,
            Row(
                _("Baseline"),
                month_year(indicator.baseline_date),
                _fmt(indicator, indicator.baseline_value),
            ),
        )
    ]
    dated += [
        (t.period_end, 1, Row(_("Target"), _period(t), _fmt(indicator, t.value))) for t in targets
    ]
    dated += [
        (m.period_end, 2, Row(_("Measurement"), _period(m), _fmt(indicator, m.value)))
        for m in measurements
    ]
    chart.rows = [row for _day, _order, row in sorted(dated, key=lambda item: item[:2])]

    days = (
        [indicator.baseline_date]
        + [t.period_end for t in targets]
        + [m.period_end for m in measurements]
    )
    values = (
        [float(indicator.baseline_value)]
        + [float(t.value) for t in targets]
        + [float(m.value) for m in measurements]
    )
    first, last = min(days), max(days)
    if first == last:
        first = date.fromordinal(first.toordinal() - 45)
        last = date.fromordinal(last.toordinal() + 45)
    low, high = min(values), max(values)
    if indicator.measure in (Indicator.Measure.PERCENTAGE, Indicator.Measure.YES_NO):
        low = min(low, 0.0)
    if low > 0 and low <= (high - low):
        low = 0.0  # start at zero when it costs little room
    if high == low:
        high, low = high + 1, low - 1 if low != 0 else low
    ticks = value_ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])

    def x_of(day: date) -> float:
        share = (day.toordinal() - first.toordinal()) / (last.toordinal() - first.toordinal())
        return chart.plot_left + share * (chart.plot_right - chart.plot_left)

    def y_of(value: float) -> float:
        share = (value - low) / (high - low)
        return chart.plot_bottom - share * (chart.plot_bottom - chart.plot_top)

    chart.baseline = Point(
        x_of(indicator.baseline_date),
        y_of(float(indicator.baseline_value)),
        _fmt(indicator, indicator.baseline_value),
    )
    chart.baseline_y = chart.baseline.y
    chart.targets = [
        Point(x_of(t.period_end), y_of(float(t.value)), _fmt(indicator, t.value)) for t in targets
    ]
    chart.measurements = [
        Point(x_of(m.period_end), y_of(float(m.value)), _fmt(indicator, m.value))
        for m in measurements
    ]
    chart.y_ticks = [Tick(y_of(v), _tick_label(indicator, v)) for v in ticks]
    chart.x_ticks = [Tick(x_of(day), month_year(day)) for day in date_ticks(first, last)]
    return chart


def _fmt(indicator: Indicator, value) -> str:
    return format_value(indicator, value)


def _tick_label(indicator: Indicator, value: float) -> str:
    if indicator.measure == Indicator.Measure.YES_NO:
        return (
            format_value(indicator, Decimal(1))
            if value == 1
            else (format_value(indicator, Decimal(0)) if value == 0 else "")
        )
    return plain_number(Decimal(str(value)))


def _period(row) -> str:
    if row.period_start.replace(day=1) == row.period_end.replace(day=1):
        return month_year(row.period_end)
    return f"{month_year(row.period_start)} \u2013 {month_year(row.period_end)}"
