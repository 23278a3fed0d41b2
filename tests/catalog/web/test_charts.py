"""The server-side SVG charts and the number formats pages use."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest

from catalog import charts
from catalog.charts.history import HistoryLine, history_chart, weekly_columns
from catalog.templatetags.strata import compact, signed

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_line_chart_draws_one_path_per_series_scaled_into_the_plot():
    series = [
        charts.Series("a/one", [(date(2025, 1, 1), 10), (date(2025, 1, 11), 110)]),
        charts.Series("b/<two>", [(date(2025, 1, 6), 50)]),
    ]

    svg = parse(charts.line_chart(series, title="Stars & more", width=300, height=120))

    paths = svg.findall(f"{SVG}path")
    assert [p.findtext(f"{SVG}title") for p in paths] == ["a/one", "b/<two>"]
    assert paths[0].get("d") == "M56.0,92.0 L288.0,12.0"  # min at bottom left, max top right
    assert svg.findtext(f"{SVG}title") == "Stars & more"
    assert "from 2025-01-01 to 2025-01-11, between 10 and 110" in svg.findtext(f"{SVG}desc")


def test_line_chart_without_values_says_so():
    markup = charts.line_chart([charts.Series("x", [(date(2025, 1, 1), None)])], title="Forks")

    assert "No history for Forks yet" in markup


def test_sparkline_spaces_points_by_date_and_skips_missing_values():
    points = [(date(2025, 1, 1), 1), (date(2025, 1, 2), None), (date(2025, 1, 5), 5)]

    svg = parse(charts.sparkline(points, label="Stars", width=42, height=24))

    assert svg.find(f"{SVG}path").get("d") == "M1.0,22.0 L41.0,2.0"
    assert svg.get("aria-label") == "Stars"


def test_sparkline_needs_two_points():
    assert "no history yet" in charts.sparkline([(date(2025, 1, 1), 3)], label="x")


def test_bar_chart_labels_each_bar_with_its_value():
    svg = parse(charts.bar_chart([("MIT", 30), ("Apache-2.0", 15.5)], title="t", unit="%"))

    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["MIT", "30%", "Apache-2.0", "15.5%"]
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.05)


def test_stacked_columns_stack_series_per_label():
    svg = parse(charts.stacked_columns(["2023", "2024"], [("A", [1, 2]), ("B", [3, 0])], title="t"))

    segments = [
        r.findtext(f"{SVG}title")
        for r in svg.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]
    assert segments == ["A, 2023: 1", "B, 2023: 3", "A, 2024: 2"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), (0, "0"), (999, "999"), (1000, "1k"), (12_345, "12.3k"), (2_400_000, "2.4M")],
)
def test_compact_numbers(value, text):
    assert compact(value) == text


def test_signed_gains():
    assert [signed(v) for v in (1200, -30, 0, None)] == ["+1.2k", "−30", "0", "—"]


def test_every_chart_escapes_its_title_and_labels():
    hostile = '<b>"A&B\'s"</b>'
    escaped = "&lt;b&gt;&quot;A&amp;B&#x27;s&quot;&lt;/b&gt;"
    day = date(2025, 1, 1).toordinal()
    history = HistoryLine(hostile, [(day, 1), (day + 90, 40)], frozenset({day}))
    drawn = [
        charts.bar_chart([(hostile, 3)], title=hostile, unit="<%>"),
        charts.stacked_columns([hostile], [(hostile, [2]), ("b", [1])], title=hostile),
        charts.line_chart(
            [charts.Series(hostile, [(date(2025, 1, 1), 1), (date(2025, 2, 1), 2)])] * 2,
            title=hostile,
        ),
        history_chart([history, history], title=hostile),
        weekly_columns([(date(2025, 1, 6), 3)], title=hostile),
    ]

    for markup in drawn:
        parse(markup)  # well-formed: nothing of the labels leaked into the markup
        assert "<b>" not in markup
        assert f">{escaped}</title>" in markup
    assert f">{escaped}</text>" in drawn[0]  # the bar's label
    assert "3&lt;%&gt;</text>" in drawn[0]  # its value and unit
    assert f"<title>{escaped}, {escaped}: 2</title>" in drawn[1]  # a column's segment
    assert f">{escaped}; {escaped} from 2025-01-01" in drawn[3]  # the history's description


def y_labels(markup: str) -> list[str]:
    """The y axis's tick labels, bottom to top."""
    texts = parse(markup).iter(f"{SVG}text")
    return [
        t.text or "" for t in texts if t.get("class") == "tick" and t.get("text-anchor") == "end"
    ][
        :-1  # the last end-anchored tick is the x axis's last date
    ]


def test_a_count_between_5_and_7_is_labelled_5_6_7_not_5_6_6_6_7():
    days = [date(2025, 5, 21 + i) for i in range(6)]
    issues = charts.Series("open issues", list(zip(days, [5, 7, 6, 5, 7, 6], strict=True)))

    assert y_labels(charts.line_chart([issues], title="Open issues")) == ["5", "6", "7"]


def test_ticks_that_would_all_read_2_2k_are_written_in_full():
    days = [date(2025, 5, 21 + i) for i in range(5)]
    forks = charts.Series("forks", list(zip(days, [2150, 2170, 2190, 2210, 2230], strict=True)))

    assert y_labels(charts.line_chart([forks], title="Forks")) == [
        "2,160",
        "2,180",
        "2,200",
        "2,220",
    ]


def test_far_apart_ticks_keep_their_short_form():
    days = [date(2025, 1, 1), date(2025, 6, 1)]
    stars = charts.Series("stars", list(zip(days, [0, 40_000], strict=True)))

    assert y_labels(charts.line_chart([stars], title="Stars")) == [
        "0",
        "10k",
        "20k",
        "30k",
        "40k",
    ]
