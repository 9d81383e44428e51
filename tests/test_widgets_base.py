"""What every widget shares (crm_lessons.widgets._base.LessonWidget): honest states, language,
accessible names, readable colours, a static rendering, and the demo pages."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from crm_lessons import i18n
from crm_lessons.toy import toy_customers, toy_sales
from crm_lessons.widgets._base import BAD, GOOD, MUTED, LessonWidget, table_rows
from crm_lessons.widgets._render import frame_html


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _purchases(n=300, seed=3):
    rng = np.random.default_rng(seed)
    ids = [f"C{i:03d}" for i in rng.integers(0, 80, n)]
    dates = pd.Timestamp("2024-12-31") - pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    return pd.DataFrame(
        {"customer_id": ids, "purchase_date": dates, "amount_cents": rng.integers(500, 90000, n)}
    )


def _toy_widgets():
    from crm_lessons.widgets.abc_analysis import ABCExplorer
    from crm_lessons.widgets.basket import CrossSellingExplorer
    from crm_lessons.widgets.clv import CLVCalculator
    from crm_lessons.widgets.glossary import GlossarySearch
    from crm_lessons.widgets.overview import CRMTypeQuiz, FailureQuiz
    from crm_lessons.widgets.rfm import RFMExplorer
    from crm_lessons.widgets.screening import ScreeningExplorer
    from crm_lessons.widgets.targeting import TargetingExplorer

    frame = pd.DataFrame(
        {
            "score": [50, 40, 30, 20, 10],
            "responded": [True, True, False, True, False],
            "profit": [300.0, 200.0, 0.0, 100.0, 0.0],
        }
    )
    return [
        ABCExplorer(toy_sales()),
        ScreeningExplorer(toy_sales(), toy_customers(), year=2024),
        CrossSellingExplorer(toy_sales(), min_support=0.0, min_confidence=0.0),
        RFMExplorer(_purchases()),
        TargetingExplorer(frame, cost_per_contact=20),
        CLVCalculator(),
        GlossarySearch("value"),
        CRMTypeQuiz(),
        FailureQuiz(),
    ]


def test_rfm_summary_from_cells_equals_segment_summary():
    from crm_lessons.rfm import rfm_segments, segment_rules, segment_summary
    from crm_lessons.widgets.rfm import RFMExplorer

    purchases = _purchases()
    value = (
        purchases.groupby("customer_id")["amount_cents"]
        .sum()
        .to_frame("revenue")
        .assign(profit=lambda f: f.revenue / 3)
    )
    w = RFMExplorer(purchases, reference_date="2025-01-01", value=value, draw=False)
    for high, low in ((4, 2), (5, 2), (5, 4), (3, 1)):
        w.high.value, w.low.value = high, low
        rules = segment_rules(high=high, low=low)
        expected = segment_summary(rfm_segments(purchases, "2025-01-01", rules=rules), value, rules)
        pd.testing.assert_frame_equal(w.summary, expected, check_dtype=False, rtol=1e-12)
        assert (
            w.result["segment"].value_counts().sort_index().to_dict()
            == expected["customers"][expected["customers"] > 0].sort_index().to_dict()
        )


def test_every_widget_shows_a_static_rendering_beside_the_live_view():
    for w in _toy_widgets():
        bundle = w._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
        text = bundle["text/plain"]
        assert text.startswith(w.title) and "0x" not in text and "object at" not in text
        assert w.status_text() in text


def test_static_rendering_is_the_same_on_every_run():
    from crm_lessons.widgets.abc_analysis import ABCExplorer

    first, second = ABCExplorer(toy_sales())._repr_mimebundle_(), ABCExplorer(toy_sales())._repr_mimebundle_()
    assert first["text/plain"] == second["text/plain"]
    assert first["image/png"] == second["image/png"]


def test_invalid_setting_blanks_the_figure_and_hides_the_table():
    from PIL import Image

    from crm_lessons.widgets.abc_analysis import ABCExplorer

    w = ABCExplorer(toy_sales())
    size = Image.open(io.BytesIO(w.image.value)).size
    w.b_cutoff.value = 0.02
    assert not w.valid and "move A down or B up" in w.message
    blank = Image.open(io.BytesIO(w.image.value))
    assert blank.size == size and len(np.unique(np.asarray(blank.convert("RGB")).reshape(-1, 3), axis=0)) == 1
    assert table_rows(w.table.value) == [] and "hidden" in w.table.value
    w.b_cutoff.value = 0.5
    assert w.valid and table_rows(w.table.value)[0][0] == "class"


def test_widgets_follow_the_language_set_before_they_are_built():
    from crm_lessons.widgets.abc_analysis import ABCExplorer
    from crm_lessons.widgets.screening import ScreeningExplorer

    i18n.set_language("zh")
    w = ABCExplorer(toy_sales(), draw=False)
    assert w.a_cutoff.description == "A类截止于"
    assert [label for label, _ in w.measure.options] == ["利润", "销售收入"]
    assert w.measure.value == "profit"  # values stay code names
    assert table_rows(w.table.value)[0][:3] == ["类别", "客户数", "客户占比"]
    assert "A类" in w.status_text()
    s = ScreeningExplorer(toy_sales(), toy_customers(), year=2024, draw=False)
    assert s.sliders["safety"].description == "安全性（信用）"
    assert "消费者" in s.table.value or "机构组织" in s.table.value or "中间商" in s.table.value


def test_every_control_has_an_accessible_name():
    for w in _toy_widgets():
        for control in w.controls:
            assert (getattr(control, "description", "") or getattr(control, "tooltip", "")).strip(), (
                w,
                control,
            )
            assert getattr(control, "tooltip", None), (type(w).__name__, control.description)


def _contrast(colour, background="#ffffff"):
    def luminance(hex_colour):
        r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(colour), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_feedback_colours_have_at_least_4_5_to_1_contrast():
    assert min(_contrast(c) for c in (GOOD, BAD, MUTED)) >= 4.5


def test_quiz_feedback_uses_the_readable_colours_and_a_symbol():
    from crm_lessons.widgets.overview import CRMTypeQuiz

    q = CRMTypeQuiz()
    q.choices[1].value = "operational"
    q.choices[2].value = "operational"
    assert GOOD in q.feedback[1].value and "✓" in q.feedback[1].value
    assert BAD in q.feedback[2].value and "✗" in q.feedback[2].value


def test_screening_colours_stay_apart_for_colour_blind_readers():
    from crm_lessons.widgets.screening import CRITERION_COLOURS

    # Machado et al. (2009) simulation matrices, severity 1.0, applied to linear RGB
    deutan = np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    )
    protan = np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    )
    rgb = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in CRITERION_COLOURS])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    for matrix in (deutan, protan):
        seen = np.clip(linear @ matrix.T, 0, 1) ** (1 / 2.2)
        gaps = [np.linalg.norm(seen[i] - seen[j]) for i in range(len(seen)) for j in range(i + 1, len(seen))]
        assert min(gaps) > 0.15


def test_counts_are_shown_as_whole_numbers():
    html = frame_html(
        pd.DataFrame({"customers": [250.0, 1234.0], "customer_share": [0.25, 0.75]}),
        {"customer_share": "{:.0%}"},
    )
    assert "250.0" not in html and "1,234" in html
    assert table_rows(html)[0] == ["", "customers", "share of customers"]


def test_clv_bars_sit_on_their_period_ticks():
    from crm_lessons.widgets.clv import CLVCalculator

    w = CLVCalculator(horizon=5)
    centres = [float(np.mean(path.vertices[:4, 0])) for path in w._bars.get_paths()]
    assert centres == pytest.approx([1, 2, 3, 4, 5])


def test_glossary_all_chapters_is_a_real_choice():
    from crm_lessons.widgets.glossary import ALL_CHAPTERS, GlossarySearch

    w = GlossarySearch()
    assert w.chapter.value == ALL_CHAPTERS and w.chapter.label == "all chapters"
    n_all = len(w.result)
    w.chapter.value = 2
    assert 0 < len(w.result) < n_all
    w.chapter.value = ALL_CHAPTERS
    assert len(w.result) == n_all


def test_table_height_is_fixed_while_dragging():
    from crm_lessons.widgets.basket import CrossSellingExplorer

    w = CrossSellingExplorer(toy_sales(), draw=False)
    height = w.table.layout.height
    w.min_confidence.value = 0.9
    assert w.table.layout.height == height and height.endswith("px") and w.table.layout.overflow == "auto"


def test_every_widget_is_a_lesson_widget():
    assert all(isinstance(w, LessonWidget) for w in _toy_widgets())


def test_demo_notebooks_are_current_and_found_by_chapter_or_name():
    from crm_lessons.widgets.demos import DEMOS, find_demos, stale_demo_notebooks

    assert stale_demo_notebooks() == []
    assert len(DEMOS) == 11 and {d.chapter for d in DEMOS} == {1, 2, 3, 4}
    assert [d.name for d in find_demos(["4"])] == ["retention", "clv", "pilots"]
    assert find_demos(["RFMExplorer"])[0].name == "rfm"
    with pytest.raises(ValueError, match="no demo matches 'x'"):
        find_demos(["x"])


def test_demo_view_puts_controls_beside_the_plot():
    from crm_lessons.widgets.abc_analysis import ABCExplorer

    w = ABCExplorer(toy_sales())
    page = w.demo_view()
    body = page.children[-1]
    assert "crm-demo" in page._dom_classes and "crm-demo-body" in body._dom_classes
    left, right = body.children
    assert w.status in left.children and right.children == (w.image,)


def test_cli_demo_subcommand_parses():
    from crm_lessons.cli import build_parser

    args = build_parser().parse_args(["demo", "rfm", "--lang", "zh"])
    assert args.which == ["rfm"] and args.lang == "zh" and args.func.__name__ == "_cmd_demo"
