"""ABC explorer: move the A and B cut-offs, watch the Pareto plot and the class shares follow.

The widget sorts the customers' totals once when it is built; each move of a slider only
looks up two positions in the running total (see
:func:`crm_lessons.abc_analysis.summary_from_sorted`), so it answers at once even on the
full case data. Every number it shows can be read without a browser:

>>> from crm_lessons.toy import toy_sales
>>> from crm_lessons.widgets.abc_analysis import ABCExplorer
>>> w = ABCExplorer(toy_sales(), draw=False)
>>> w.a_cutoff.value, w.b_cutoff.value = 0.25, 0.5
>>> w.summary["customers"].tolist(), w.summary["value"].tolist()
([1, 1, 2], [5500.0, 2000.0, 1300.0])
>>> w.b_cutoff.value = 0.2
>>> w.valid, w.message, w.summary.empty
(False, 'The A cut-off (25%) must be below the B cut-off (20%): move A down or B up.', True)
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.abc_analysis import (
    CLASSES,
    TEXTBOOK_CUTOFFS,
    check_cutoffs,
    class_bands,
    pareto_curve,
    pareto_plot_points,
    summary_from_sorted,
)
from crm_lessons.performance import customer_totals
from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.widgets._base import InvalidSetting, LessonWidget, described, options, wtr
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure

_FORMATS = {
    "customers": "{:,}",
    "customer_share": "{:.1%}",
    "value": "{:,.0f}",
    "value_share": "{:.1%}",
    "textbook_customer_share": "{:.0%}",
    "textbook_value_share": "{:.0%}",
}


class ABCExplorer(LessonWidget):
    """ABC classification with cut-off sliders, a Pareto plot and a share table.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.load_sales`).
    cutoffs : pair of float, default (0.05, 0.20)
        Starting cut-offs (cumulative customer shares ending A and B).
    measure : {'profit', 'revenue'}
        Starting measure.
    draw : bool, default True
        Draw the plot on every update (tests and benchmarks may switch it off).

    Attributes
    ----------
    a_cutoff, b_cutoff : ipywidgets.FloatSlider
        Share of customers (best first) that ends class A and class B.
    measure : ipywidgets.ToggleButtons
        Rank customers by profit or by revenue.
    summary : pandas.DataFrame
        Result of the last update: :func:`crm_lessons.abc_analysis.abc_summary`'s table.
    status : ipywidgets.HTML
        A one-line reading of the result, or what is wrong with the controls.
    table : ipywidgets.HTML
        ``summary`` rendered.
    image : ipywidgets.Image
        The Pareto plot as PNG (drawn like :func:`crm_lessons.abc_analysis.plot_pareto`; an update
        moves the shaded classes and rewrites the shares instead of redrawing the figure).
    """

    def __init__(
        self, sales: pd.DataFrame, cutoffs=TEXTBOOK_CUTOFFS, measure: str = "profit", draw: bool = True
    ):
        a, b = check_cutoffs(cutoffs)
        # Everything that does not depend on the sliders is computed once here.
        self._sorted = {}
        self._cumulative = {}
        self._curve = {}
        for m in ("profit", "revenue"):
            totals = customer_totals(sales, m)
            self._sorted[m] = totals.to_numpy()
            self._cumulative[m] = np.cumsum(self._sorted[m])
            self._curve[m] = pareto_curve(totals)
        self.draw = draw
        self.a_cutoff = described(
            widgets.FloatSlider,
            "abc.a_cutoff",
            value=a,
            min=0.01,
            max=0.50,
            step=0.01,
            readout_format=".0%",
            continuous_update=True,
            style={"description_width": "initial"},
        )
        self.b_cutoff = described(
            widgets.FloatSlider,
            "abc.b_cutoff",
            value=b,
            min=0.02,
            max=0.90,
            step=0.01,
            readout_format=".0%",
            continuous_update=True,
            style={"description_width": "initial"},
        )
        self.measure = described(
            widgets.ToggleButtons,
            "abc.measure",
            tip=False,
            options=options("measure", ["profit", "revenue"]),
            value=measure,
        )
        self.summary = pd.DataFrame()
        self._figure = None  # drawn lazily, only when `draw` is on
        self._assemble(
            [self.a_cutoff, self.b_cutoff, self.measure],
            [widgets.HBox([self.a_cutoff, self.b_cutoff]), self.measure],
        )

    def __repr__(self) -> str:
        cutoffs = f"({self.a_cutoff.value:.2f}, {self.b_cutoff.value:.2f})"
        return f"ABCExplorer(cutoffs={cutoffs}, measure={self.measure.value!r})"

    key = "abc"
    table_height = "150px"

    def compute(self) -> pd.DataFrame:
        """The ABC summary for the controls' current values (raises InvalidSetting when A >= B)."""
        a, b = self.a_cutoff.value, self.b_cutoff.value
        if not a < b:
            raise InvalidSetting(wtr("abc.invalid", a=a, b=b))
        m = self.measure.value
        return summary_from_sorted(self._sorted[m], (a, b), self._cumulative[m])

    def clear(self) -> None:
        self.summary = pd.DataFrame()

    def refresh(self) -> None:
        """Recompute the summary from the controls and redraw."""
        summary = self.compute()
        self.summary = summary
        m = self.measure.value
        a = summary.loc["A"]
        self.set_status(
            html.escape(
                wtr(
                    "abc.status",
                    customers=a["customer_share"],
                    value=a["value_share"],
                    measure=wtr(f"measure.{m}"),
                )
            )
        )
        self.table.value = frame_html(summary, _FORMATS)
        if self.draw:
            self._plot(summary, m)

    def _init_plot(self) -> None:
        # Artists are made once (as plot_pareto draws them); an update only moves and rewrites them.
        self._figure = new_figure(10, 5.8, left=0.09, bottom=0.13)
        ax = self._figure.axes[0]
        colours = (BOOK_COLOURS[0], BOOK_COLOURS[1], BOOK_COLOURS[2])
        self._spans = [ax.axvspan(0, 0, color=c, alpha=0.15, lw=0) for c in colours]
        self._class_labels = [
            ax.text(
                0,
                3,
                cls,
                ha="center",
                va="bottom",
                fontsize=16,
                fontweight="bold",
                fontfamily="DejaVu Sans",
                color=c,
            )
            for cls, c in zip(CLASSES, colours)
        ]
        self._shares = ax.text(
            97,
            42,
            "",
            ha="right",
            va="bottom",
            fontsize=14,
            multialignment="left",
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": BOOK_COLOURS[2]},
        )
        (self._curve_line,) = ax.plot([], [], color=BOOK_COLOURS[0], lw=3)
        (self._diagonal,) = ax.plot(
            [0, 100], [0, 100], color=BOOK_COLOURS[2], lw=1.5, ls="--", label=wtr("abc.diagonal")
        )
        ax.set_xlim(0, 100)
        self._points = {}
        # Drawn in plot_pareto's order: shading, class letters, shares box, curve, diagonal.
        self._png = BlitPNG(
            self._figure, [*self._spans, *self._class_labels, self._shares, self._curve_line, self._diagonal]
        )

    def _curve_points(self, m: str):
        # The curve thinned to about 600 points, in percent (as plot_pareto draws it).
        if m not in self._points:
            self._points[m] = pareto_plot_points(self._curve[m])
        return self._points[m]

    def _plot(self, summary: pd.DataFrame, m: str) -> None:
        if self._figure is None:
            self._init_plot()
        ax = self._figure.axes[0]
        x, y = self._curve_points(m)
        if m != getattr(self, "_plotted_measure", None):
            # The measure changes the still part: limits, labels, title, legend.
            self._curve_line.set_data(x, y)
            name = wtr(f"measure.{m}")
            self._curve_line.set_label(wtr("abc.curve", measure=name))
            ax.set_ylim(0, max(105.0, float(y.max()) + 5))
            ax.set_xlabel(wtr("abc.xlabel"))
            ax.set_ylabel(wtr("abc.ylabel", measure=name))
            ax.set_title(wtr("abc.plot_title", measure=name))
            ax.legend(handles=[self._curve_line, self._diagonal], loc="lower right", fontsize=12)
            self._plotted_measure = m
        starts, ends, lines = class_bands(summary, m)
        for lo, hi, span, label in zip(starts, ends, self._spans, self._class_labels):
            span.set_x(lo)
            span.set_width(hi - lo)
            label.set_x((lo + hi) / 2)
        self._shares.set_text("\n".join(lines))
        self.image.value = self._png.render(limits=m)
