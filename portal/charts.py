"""Small server-rendered SVG charts for the statistics page: bars, stacked bars and a line.

Each function returns a complete inline ``<svg>`` with ``role="img"``, a ``<title>`` and a
``<desc>`` naming what it shows; every label is escaped. The page shows the same numbers in a
table next to each chart, so nothing is only in the picture. Colours are dark enough against
white for text (WCAG AA) and the stacked series also differ in their order and legend.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 60
ROW_HEIGHT = 28
BAR_HEIGHT = 18
PALETTE = ("#1d5a8c", "#b34700", "#2e6b30", "#6b3e8c", "#8c1d3f")


LABEL_CHARS = 24  # what fits left of the bars at 13px; the table next to the chart has it all


def _number(value: float) -> str:
    return f"{value:g}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _joined(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _svg(*, chart_id: str, title: str, desc: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        body,
    )


def bar_chart(
    *, chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, float]]
) -> SafeString:
    """Horizontal bars, one per ``(label, value)``, scaled to the largest value."""
    top = max((value for _, value in rows), default=0) or 1
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = []
    for index, (label, value) in enumerate(rows):
        y = 6 + index * ROW_HEIGHT
        width = round(area * value / top, 1)
        parts.append(
            (
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT - 4,
                _short(label),
                LABEL_WIDTH,
                y,
                width,
                BAR_HEIGHT,
                PALETTE[0],
                LABEL_WIDTH + width + 6,
                y + BAR_HEIGHT - 4,
                _number(value),
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#222">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="13" fill="#222">{}</text>',
        parts,
    )
    return _svg(
        chart_id=chart_id,
        title=title,
        desc=desc,
        height=max(len(rows), 1) * ROW_HEIGHT + 12,
        body=body,
    )


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[float]]],
) -> SafeString:
    """Horizontal stacked bars: per ``(label, values)`` one bar made of the ``series``' values,
    with a legend on top."""
    top = max((sum(values) for _, values in rows), default=0) or 1
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    legend = format_html_join(
        "",
        '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="15" font-size="13" fill="#222">{}</text>',
        (
            (
                LABEL_WIDTH + index * 130,
                PALETTE[index % len(PALETTE)],
                LABEL_WIDTH + index * 130 + 16,
                name,
            )
            for index, name in enumerate(series)
        ),
    )
    parts = []
    for index, (label, values) in enumerate(rows):
        y = 28 + index * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        segments = []
        for position, value in enumerate(values):
            width = round(area * value / top, 1)
            if width > 0:
                segments.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                        round(x, 1),
                        y,
                        width,
                        BAR_HEIGHT,
                        PALETTE[position % len(PALETTE)],
                    )
                )
            x += width
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#222">{}</text>{}'
                '<text x="{}" y="{}" font-size="13" fill="#222">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT - 4,
                _short(label),
                _joined(segments),
                round(x, 1) + 6,
                y + BAR_HEIGHT - 4,
                _number(sum(values)),
            )
        )
    return _svg(
        chart_id=chart_id,
        title=title,
        desc=desc,
        height=28 + max(len(rows), 1) * ROW_HEIGHT + 8,
        body=legend + _joined(parts),
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[tuple[str, float]],
    y_min: float,
    y_max: float,
) -> SafeString:
    """A line through ``(label, value)`` points, left to right, on a fixed vertical scale
    (for check-in scores 1–5), with a grid line and label at each whole number."""
    left, right, top, bottom = 40, WIDTH - 20, 12, 190
    height = 230
    span = (y_max - y_min) or 1

    def y_of(value: float) -> float:
        return round(bottom - (value - y_min) / span * (bottom - top), 1)

    step = (right - left) / max(len(points) - 1, 1)
    coordinates = [
        (round(left + index * step if len(points) > 1 else (left + right) / 2, 1), y_of(value))
        for index, (_, value) in enumerate(points)
    ]
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc"></line>'
        '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#222">{}</text>',
        (
            (left, right, y_of(tick), y_of(tick), left - 6, y_of(tick) + 4, _number(tick))
            for tick in range(int(y_min), int(y_max) + 1)
        ),
    )
    line = format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"></polyline>',
        " ".join(f"{x},{y}" for x, y in coordinates),
        PALETTE[0],
    )
    # Label at most about eight weeks along the axis so the labels do not overlap.
    every = max(len(points) // 8, 1)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" fill="{}"></circle>',
        ((x, y, PALETTE[0]) for x, y in coordinates),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#222">{}</text>',
        (
            (x, bottom + 22, label)
            for index, ((label, _), (x, _y)) in enumerate(zip(points, coordinates, strict=True))
            if index % every == 0
        ),
    )
    return _svg(
        chart_id=chart_id, title=title, desc=desc, height=height, body=grid + line + dots + labels
    )
