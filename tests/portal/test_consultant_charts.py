"""The SVG charts: accessible (role, title, description), escaped, scaled."""

import re

from portal.charts import bar_chart, line_chart, stacked_bar_chart


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]


def test_bar_chart_is_an_image_with_a_title_and_description():
    svg = bar_chart(chart_id="c", title="Tragten", desc="3 og 1", rows=[("a", 3), ("b", 1)])
    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Tragten</title>' in svg
    assert '<desc id="c-desc">3 og 1</desc>' in svg


def test_bars_scale_to_the_largest_value():
    first, second = widths(bar_chart(chart_id="c", title="t", desc="d", rows=[("a", 4), ("b", 1)]))
    assert first == 4 * second


def test_an_empty_or_all_zero_chart_draws_without_dividing_by_zero():
    assert "<svg" in bar_chart(chart_id="c", title="t", desc="d", rows=[])
    assert widths(bar_chart(chart_id="c", title="t", desc="d", rows=[("a", 0)])) == [0.0]
    assert "<svg" in line_chart(chart_id="l", title="t", desc="d", points=[], y_min=1, y_max=5)
    assert "<svg" in stacked_bar_chart(chart_id="s", title="t", desc="d", series=["x"], rows=[])


def test_labels_and_titles_are_escaped():
    svg = bar_chart(
        chart_id="c", title="<b>t</b>", desc="d", rows=[("<script>alert(1)</script>", 1)]
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg
    stacked = stacked_bar_chart(
        chart_id="s", title="t", desc="d", series=["<i>x</i>"], rows=[("<script>", [1])]
    )
    assert "<script>" not in stacked and "<i>" not in stacked


def test_stacked_bars_add_up_per_row():
    svg = stacked_bar_chart(
        chart_id="s", title="t", desc="d", series=["a", "b"], rows=[("e1", [2, 2]), ("e2", [1, 0])]
    )
    swatches, segments = widths(svg)[:2], widths(svg)[2:]  # the legend comes first
    assert swatches == [12.0, 12.0]
    assert segments[0] == segments[1] == 2 * segments[2]


def test_line_chart_puts_a_higher_score_higher_up():
    svg = line_chart(
        chart_id="l", title="t", desc="d", points=[("01-05", 2.0), ("01-12", 4.0)], y_min=1, y_max=5
    )
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys[1] < ys[0]


def test_long_labels_are_shortened_to_fit_left_of_the_bars():
    title = "Matchdag for alle unge og virksomheder i hele kommunen"
    svg = bar_chart(chart_id="c", title="t", desc="d", rows=[(title, 1)])
    stacked = stacked_bar_chart(
        chart_id="s", title="t", desc="d", series=["a"], rows=[(title, [1])]
    )
    for drawn in (svg, stacked):
        assert title not in drawn
        assert "Matchdag for alle unge…" in drawn
