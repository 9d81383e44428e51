"""The book's plot style: projector-sized, in the book's colours and the language's fonts, set
globally only when a notebook asks for it; the book's plot functions leave a student's style alone."""

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from crm_lessons import i18n, plotting
from crm_lessons.plotting import BOOK_COLOURS, book_rc, book_style, new_figure, set_book_style, styled


@pytest.fixture
def student_style():
    """A student's own global settings (matplotlib's defaults plus her choices); restored afterwards."""
    with mpl.rc_context():
        mpl.rcParams.update(mpl.rcParamsDefault)
        mpl.rcParams.update({"font.size": 9.0, "axes.spines.top": True, "lines.linewidth": 3.0})
        yield dict(mpl.rcParams)
    i18n.set_language("en")
    plt.close("all")


def test_set_book_style_sets_large_fonts_and_book_colours(student_style):
    set_book_style()
    assert mpl.rcParams["font.size"] >= 14
    assert mpl.rcParams["axes.titlesize"] >= 16
    cycle = [mpl.colors.to_hex(c["color"]) for c in mpl.rcParams["axes.prop_cycle"]]
    assert cycle[:4] == [c.lower() for c in BOOK_COLOURS]
    assert not mpl.rcParams["axes.spines.top"]


def test_book_rc_is_the_seaborn_talk_theme_with_the_book_settings():
    import seaborn as sns

    with mpl.rc_context():
        sns.set_theme(context="talk", style="whitegrid", palette=list(BOOK_COLOURS))
        themed = dict(mpl.rcParams)
    rc = book_rc("en")
    written_out = plotting._SEABORN_TALK_WHITEGRID
    assert {k: themed[k] for k in written_out if k not in plotting._BOOK_RC} == {
        k: rc[k] for k in written_out if k not in plotting._BOOK_RC
    }
    seaborn_keys = {**sns.axes_style("whitegrid"), **sns.plotting_context("talk")}
    assert set(seaborn_keys) - set(written_out) == {"font.family", "font.sans-serif", "image.cmap"}
    cycle = [mpl.colors.to_hex(c["color"]) for c in rc["axes.prop_cycle"]]
    assert cycle == [mpl.colors.to_hex(c["color"]) for c in themed["axes.prop_cycle"]][:4]
    assert rc["font.size"] == 15 and rc["axes.titlesize"] == 17 and rc["figure.dpi"] == 100
    assert rc["font.family"] == i18n.font_rc("en")["font.family"]
    assert book_rc("zh")["font.family"][0] == i18n.CJK_FONT


def test_drawing_in_the_book_style_does_not_import_seaborn():
    import subprocess
    import sys

    code = (
        "import sys, matplotlib\nmatplotlib.use('Agg')\n"
        "from crm_lessons import plotting\nplotting.new_figure()\n"
        "assert 'seaborn' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_book_style_context_restores_the_students_settings(student_style):
    with book_style():
        assert mpl.rcParams["font.size"] == 15
    assert dict(mpl.rcParams) == student_style


def test_new_figure_does_not_change_global_settings(student_style):
    fig, ax = new_figure(figsize=(4, 3))
    assert dict(mpl.rcParams) == student_style
    assert not ax.spines["top"].get_visible() and fig.dpi == 100


@styled
def _plot_bars(labels):
    fig, ax = new_figure(figsize=(5, 3))
    ax.bar(labels, range(1, len(labels) + 1))
    ax.set_title(labels[0])
    ax.set_ylabel(labels[-1])
    return ax


def test_a_plot_function_draws_in_the_book_style_and_leaves_the_students_style_alone(student_style):
    ax = _plot_bars(["North", "South", "East"])
    assert dict(mpl.rcParams) == student_style
    ax.figure.canvas.draw()  # drawn later, outside the style (as Jupyter does after the cell)
    assert ax.title.get_fontsize() == 17 and ax.yaxis.label.get_fontsize() == 15
    assert {t.get_fontsize() for t in ax.get_xticklabels()} == {13}
    assert not ax.spines["top"].get_visible()
    assert mpl.colors.to_hex(ax.patches[0].get_facecolor()) == BOOK_COLOURS[0]
    fig, own = plt.subplots()  # the student's next figure is hers
    assert own.spines["top"].get_visible() and mpl.rcParams["font.size"] == 9.0


def test_a_chinese_figure_renders_without_missing_glyphs(student_style):
    i18n.set_language("zh")
    mpl.rcParams.update({"font.family": ["DejaVu Sans"]})  # a student font without Chinese glyphs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = _plot_bars(["华北", "华南", "华东"])
        ax.figure.canvas.draw()
    assert ax.get_xticklabels()[1].get_fontfamily()[0] == i18n.CJK_FONT


def test_the_books_plot_functions_leave_global_settings_alone(student_style):
    from crm_lessons import rfm

    seg = pd.DataFrame(
        {
            "segment": ["Champions", "Champions", "Hibernating", "Hibernating"],
            "recency": [1, 3, 300, 500],
            "frequency": [9, 7, 1, 1],
            "monetary": [800.0, 100.0, 50.0, 50.0],
        }
    )
    ax = rfm.plot_segments(rfm.segment_summary(seg))
    assert dict(mpl.rcParams) == student_style
    assert ax.title.get_fontsize() == 17


def test_styled_keeps_the_functions_name_and_doc():
    assert _plot_bars.__name__ == "_plot_bars"
    assert plotting.styled(lambda: None)() is None
