"""Cross-selling explorer: set the minimum support and confidence, see which product rules pass.

All pair counts are computed once when the widget is built
(:func:`crm_lessons.basket.pair_statistics`); a slider move only filters and sorts that
table. Every number it shows can be read without a browser:

>>> from crm_lessons.toy import toy_sales
>>> from crm_lessons.widgets.basket import CrossSellingExplorer
>>> w = CrossSellingExplorer(toy_sales(), draw=False)
>>> w.min_support.value, w.min_confidence.value = 0.1, 0.5
>>> w.rules[["antecedent", "consequent", "confidence"]]
  antecedent consequent  confidence
0        P02        P01         0.5
1        P02        P04         0.5
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.basket import draw_rules, filter_rules, labelled_pairs, pair_statistics, rule_sizes
from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.widgets._base import LessonWidget, described, wtr
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure

#: kept rules labelled on the plot, highest lift first (as in :func:`crm_lessons.basket.plot_rules`)
LABEL_TOP = 3


class CrossSellingExplorer(LessonWidget):
    """Product-pair rules (support, confidence, lift) with minimum-support and -confidence sliders.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines.
    products : pandas.DataFrame, optional
        The products table, to show product names next to ids.
    min_support, min_confidence : float
        Starting thresholds (fractions).
    min_lift : float, default 1.0
        Starting minimum lift.
    shown : int, default 12
        Rules shown in the table (the full result is in ``rules``).
    draw : bool, default True
        Draw the plot on every update.

    Attributes
    ----------
    min_support : ipywidgets.FloatSlider
        Minimum share of orders holding both products (0 – 5 %).
    min_confidence : ipywidgets.FloatSlider
        Minimum share of orders with A that also hold B (0 – 100 %).
    min_lift : ipywidgets.FloatSlider
        Minimum lift (1 = chance).
    pairs : pandas.DataFrame
        All candidate rules (computed once).
    rules : pandas.DataFrame
        Result of the last update: the rules that pass, strongest lift first.
    status : ipywidgets.HTML
        How many rules pass.
    table : ipywidgets.HTML
        The first ``shown`` rules rendered.
    image : ipywidgets.Image
        Support × confidence scatter with the passing rules highlighted (drawn like
        :func:`crm_lessons.basket.plot_rules`; an update moves the highlighted points and rewrites
        the labels instead of redrawing the figure).
    """

    def __init__(
        self,
        sales: pd.DataFrame,
        products: pd.DataFrame | None = None,
        min_support: float = 0.005,
        min_confidence: float = 0.2,
        min_lift: float = 1.0,
        shown: int = 12,
        draw: bool = True,
    ):
        self.pairs = pair_statistics(sales, "product_id")
        self._names = {}
        if products is not None:
            self._names = dict(zip(products["product_id"].astype(str), products["product_name"].astype(str)))
        self.shown = int(shown)
        self.draw = draw
        style = {"description_width": "130px"}
        self.min_support = described(
            widgets.FloatSlider,
            "basket.min_support",
            value=min_support,
            min=0.0,
            max=0.05,
            step=0.001,
            readout_format=".1%",
            style=style,
        )
        self.min_confidence = described(
            widgets.FloatSlider,
            "basket.min_confidence",
            value=min_confidence,
            min=0.0,
            max=1.0,
            step=0.01,
            readout_format=".0%",
            style=style,
        )
        self.min_lift = described(
            widgets.FloatSlider,
            "basket.min_lift",
            value=min_lift,
            min=0.0,
            max=10.0,
            step=0.1,
            readout_format=".1f",
            style=style,
        )
        self.rules = pd.DataFrame()
        self._figure = None  # drawn lazily, only when `draw` is on
        self._assemble([self.min_support, self.min_confidence, self.min_lift])

    key = "basket"
    table_height = "250px"

    def __repr__(self) -> str:
        return (
            f"CrossSellingExplorer(min_support={self.min_support.value:.3f}, "
            f"min_confidence={self.min_confidence.value:.2f}, min_lift={self.min_lift.value:.1f})"
        )

    def compute(self) -> pd.DataFrame:
        """The rules passing the current thresholds."""
        return filter_rules(
            self.pairs, self.min_support.value, self.min_confidence.value, self.min_lift.value
        )

    def clear(self) -> None:
        self.rules = pd.DataFrame()

    def refresh(self) -> None:
        """Refilter the rules from the sliders and redraw."""
        self.rules = self.compute()
        n = len(self.rules)
        self.set_status(
            html.escape(
                wtr(
                    "basket.status",
                    n=n,
                    total=len(self.pairs),
                    support=self.min_support.value,
                    confidence=self.min_confidence.value,
                    lift=self.min_lift.value,
                    orders=int(self.pairs.attrs["n_orders"]),
                )
            )
        )
        shown = self.rules.head(self.shown).copy()
        if self._names:
            shown.insert(1, "antecedent_name", shown["antecedent"].map(self._names))
            shown.insert(3, "consequent_name", shown["consequent"].map(self._names))
        self.table.value = frame_html(
            shown,
            {"support": "{:.2%}", "confidence": "{:.1%}", "lift": "{:.2f}", "orders_both": "{:,.0f}"},
            index=False,
        )
        if self.draw:
            self._plot()

    def _init_plot(self) -> None:
        # Artists are made once (as plot_rules draws them); an update only moves the kept points
        # and rewrites the labels, the legend count and the list of labelled pairs.
        self._figure = new_figure(11, 6.2, left=0.09, right=0.97, bottom=0.12, top=0.92)
        ax = self._figure.axes[0]
        drawn = draw_rules(
            ax,
            self.pairs,
            self.rules,
            labelled_pairs(self.rules, 0),
            slots=LABEL_TOP,
            all_label=wtr("basket.all_pairs", n=len(self.pairs)),
            kept_label=wtr("basket.kept", n=len(self.rules)),
        )
        self._kept, self._numbers, self._pair_list = drawn["kept"], drawn["numbers"], drawn["pair_list"]
        self._anchor = drawn["anchor"]
        for number in self._numbers:
            number.set_fontfamily("DejaVu Sans")
        ax.set_xlabel(wtr("basket.xlabel"))
        ax.set_ylabel(wtr("basket.ylabel"))
        ax.set_title(wtr("basket.plot_title"))
        # The limits are those of all pairs (the kept rules are among them); fixed from now on.
        ax.set_xlim(ax.get_xlim())
        ax.set_ylim(ax.get_ylim())
        # the two thresholds as lines: the rules kept lie above and to the right of both
        self._support_line = ax.axvline(1.0, color=BOOK_COLOURS[0], ls="--", lw=1.5)
        self._confidence_line = ax.axhline(1.0, color=BOOK_COLOURS[0], ls="--", lw=1.5)
        self._legend = ax.legend(loc="upper left", fontsize=12)
        self._png = BlitPNG(
            self._figure,
            [
                self._support_line,
                self._confidence_line,
                self._kept,
                *self._numbers,
                self._pair_list,
                self._legend,
            ],
        )

    def _kept_points(self):
        rules = self.rules
        xy = np.column_stack(
            [rules["support"].to_numpy(dtype=float) * 100, rules["confidence"].to_numpy(dtype=float) * 100]
        )
        return xy[:, 0], xy[:, 1], rule_sizes(rules)

    def _plot(self) -> None:
        if self._figure is None:
            self._init_plot()
        x, y, size = self._kept_points()
        low_x = self._figure.axes[0].get_xlim()[0]
        support = max(self.min_support.value * 100, low_x)  # log axis: a zero threshold sits at the left edge
        self._support_line.set_xdata([support, support])
        self._confidence_line.set_ydata([self.min_confidence.value * 100] * 2)
        self._kept.set_offsets(np.column_stack([x, y]))
        self._kept.set_sizes(size)
        self._legend.get_texts()[1].set_text(wtr("basket.kept", n=len(self.rules)))
        short = {k: v.removeprefix("Huamei ")[:32] for k, v in self._names.items()}
        labels = labelled_pairs(self.rules, LABEL_TOP, short)
        for i, number in enumerate(self._numbers):
            if i < len(labels):
                number.xy = (labels["x"].iloc[i], labels["y"].iloc[i])
                number.set_text(str(i + 1))
            else:
                number.xy = self._anchor
                number.set_text("")
        self._pair_list.set_text("\n".join(labels["line"]))
        self.image.value = self._png.render()
