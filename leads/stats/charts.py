"""Charts of the lead statistics, drawn on the server as inline SVG (L-5).

Pure functions, no database: they turn figures into the geometry that the template writes
as ``<rect>``/``<text>`` elements. Colours come from CSS classes (``series-N``) of
``static/css/leads.css``: the Content-Security-Policy forbids ``style=`` attributes, and
SVG presentation attributes carry the rest (x, y, width, height).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

SERIES_COLOURS = 8  # series-0 … series-7 in leads.css; more series reuse them


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    gridlines: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css, label)
    empty: bool = True
    left: float = 0  # the plot's left and right edges (gridlines)
    right: float = 0


def _nice_max(value: int) -> int:
    """A round top for the axis: 1, 2, 5 × 10^n at or above ``value``."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def stacked_bars_by_day(
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    width: int = 720,
    height: int = 240,
) -> Chart:
    """Leads per day, one stacked bar per day, one colour per series (source category).

    ``series`` is ``[(label, [count for each day of days]), …]``.
    """
    left, right, top, bottom = 36, 8, 10, 24
    chart = Chart(width=width, height=height, left=left, right=width - right)
    chart.legend = [(f"series-{i % SERIES_COLOURS}", label) for i, (label, _c) in enumerate(series)]
    totals = [sum(counts[d] for _l, counts in series) for d in range(len(days))]
    top_value = _nice_max(max(totals, default=0))
    chart.empty = not any(totals)
    plot_w, plot_h = width - left - right, height - top - bottom
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        chart.gridlines.append((round(y, 1), f"{round(top_value * fraction):g}"))
    if not days:
        return chart
    slot = plot_w / len(days)
    bar_w = max(1.0, slot * 0.7)
    label_every = max(1, round(len(days) / 8))
    for d, day in enumerate(days):
        x = left + d * slot + (slot - bar_w) / 2
        y = top + plot_h
        for i, (label, counts) in enumerate(series):
            n = counts[d]
            if not n:
                continue
            h = plot_h * n / top_value
            y -= h
            chart.rects.append(
                Rect(
                    round(x, 1),
                    round(y, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    f"series-{i % SERIES_COLOURS}",
                    f"{day:%d/%m} · {label} : {n}",
                )
            )
        if d % label_every == 0:
            chart.labels.append(Label(round(x + bar_w / 2, 1), height - 6, f"{day:%d/%m}"))
    return chart


def funnel(steps: Sequence[tuple[str, int]], *, width: int = 480, bar: int = 22) -> Chart:
    """A conversion funnel: per step, its label with the count and the share of the first
    step, then a centred bar whose width is in proportion to the first step (readable on
    a phone: the labels sit above the bars, not beside them)."""
    line, gap = 18, 12
    row = line + bar + gap
    chart = Chart(width=width, height=max(row, len(steps) * row - gap), left=0, right=width)
    first = steps[0][1] if steps else 0
    chart.empty = not first
    for i, (label, n) in enumerate(steps):
        y = i * row
        w = width * n / first if first else 0
        share = f"{round(100 * n / first)} %" if first else "–"
        text = f"{label} : {n} ({share})"
        chart.labels.append(Label(0, y + line - 5, text, anchor="start"))
        if w:
            chart.rects.append(
                Rect(
                    round((width - w) / 2, 1),
                    y + line,
                    round(max(w, 2), 1),
                    bar,
                    f"series-{i % SERIES_COLOURS}",
                    text,
                )
            )
    return chart
