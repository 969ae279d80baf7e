"""Server-side SVG plots: a histogram of bootstrap replicates or posterior draws.

No JavaScript and no ``style`` attributes (the Content Security Policy forbids inline
style): only SVG presentation attributes and classes from the estimation stylesheet. The
plotted range runs from the documented count (the floor) to the 99th percentile of the
draws, so a heavy tail cannot squash the picture; draws beyond it are counted and reported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 16, 16, 28, 44
DEFAULT_BINS = 30
TAIL = 0.01  # the plotted range leaves out this share of draws at each end (counted)


@dataclass(frozen=True)
class PlotLabels:
    """Translated words for a plot (the caller translates)."""

    title: str
    description: str
    observed: str
    estimate: str
    interval: str
    bar: str  # "{low}–{high}: {count} draws" with those placeholders


@dataclass(frozen=True)
class Histogram:
    """An SVG histogram and what a reader should know about it."""

    svg: SafeString
    bins: int
    hidden: int  # draws outside the plotted range


def histogram(draws: Sequence[float], estimate: float, interval: tuple[float, float],
              observed: int, labels: PlotLabels, bins: int = DEFAULT_BINS,
              element_id: str = "plot") -> Histogram | None:
    """A histogram of ``draws`` with the documented count, the estimate and the interval."""
    values = np.asarray([v for v in draws if v is not None and math.isfinite(v)], dtype=float)
    if values.size == 0:
        return None
    low = min(float(observed), float(np.quantile(values, TAIL)), interval[0])
    high = max(float(np.quantile(values, 1 - TAIL)), interval[1], estimate)
    if high <= low:
        high = low + 1.0
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    hidden = int(values.size - counts.sum())
    scale = _Scale(low, high, int(counts.max()) or 1)
    parts = [
        _open(element_id, labels),
        _band(scale, interval, labels.interval),
        *_bars(scale, counts, edges, labels.bar),
        _axis(scale),
        _marker(scale, observed, "observed", f"{labels.observed}: {observed}"),
        _marker(scale, estimate, "estimate", f"{labels.estimate}: {estimate:.0f}"),
        "</svg>",
    ]
    return Histogram(mark_safe("".join(parts)), bins, hidden)  # noqa: S308 (all text escaped)


@dataclass(frozen=True)
class _Scale:
    low: float
    high: float
    top_count: int

    def x(self, value: float) -> float:
        span = WIDTH - LEFT - RIGHT
        return LEFT + (value - self.low) / (self.high - self.low) * span

    def height(self, count: int) -> float:
        return (HEIGHT - TOP - BOTTOM) * count / self.top_count


def _open(element_id: str, labels: PlotLabels) -> str:
    ident = escape(element_id)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="histogram" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc">'
            f'<title id="{ident}-title">{escape(labels.title)}</title>'
            f'<desc id="{ident}-desc">{escape(labels.description)}</desc>')


def _band(scale: _Scale, interval: tuple[float, float], label: str) -> str:
    x0, x1 = scale.x(interval[0]), scale.x(interval[1])
    return (f'<rect class="interval" x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{HEIGHT - TOP - BOTTOM}" fill="#e3f0f1">'
            f'<title>{escape(label)}: {interval[0]:.0f}–{interval[1]:.0f}</title></rect>')


def _bars(scale: _Scale, counts: np.ndarray, edges: np.ndarray, template: str) -> list[str]:
    bars = []
    base = HEIGHT - BOTTOM
    for count, left, right in zip(counts, edges[:-1], edges[1:], strict=True):
        x0, x1 = scale.x(float(left)), scale.x(float(right))
        height = scale.height(int(count))
        tip = template.format(low=f"{left:.0f}", high=f"{right:.0f}", count=int(count))
        bars.append(f'<rect class="bar" x="{x0:.1f}" y="{base - height:.1f}" '
                    f'width="{max(x1 - x0 - 1, 0.5):.1f}" height="{height:.1f}" '
                    f'fill="#0f5e66"><title>{escape(tip)}</title></rect>')
    return bars


def _axis(scale: _Scale) -> str:
    base = HEIGHT - BOTTOM
    parts = [f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" '
             'stroke="#1b1f23" stroke-width="1"/>']
    for tick in _ticks(scale.low, scale.high):
        x = scale.x(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 5}" '
                     'stroke="#1b1f23" stroke-width="1"/>'
                     f'<text class="tick" x="{x:.1f}" y="{base + 18}" text-anchor="middle" '
                     f'font-size="12" fill="#1b1f23">{tick:.0f}</text>')
    return "".join(parts)


def _marker(scale: _Scale, value: float, kind: str, label: str) -> str:
    x = scale.x(value)
    anchor = "start" if x < WIDTH / 2 else "end"
    colour = "#a32a1d" if kind == "estimate" else "#1b1f23"
    dash = "" if kind == "estimate" else ' stroke-dasharray="4 3"'
    text_x = x + 4 if anchor == "start" else x - 4
    return (f'<g class="marker marker-{kind}"><line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" '
            f'y2="{HEIGHT - BOTTOM}" stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{text_x:.1f}" y="{TOP - 10 if kind == "estimate" else HEIGHT - 8}" '
            f'text-anchor="{anchor}" font-size="12" fill="{colour}">{escape(label)}</text></g>')


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round numbers (1, 2 or 5 times a power of ten) across the range."""
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) // step) + 1)]
