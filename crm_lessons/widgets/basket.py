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

import ipywidgets as widgets
import pandas as pd

from crm_lessons.basket import filter_rules, pair_statistics, plot_rules
from crm_lessons.widgets._render import figure_png, frame_html, new_figure


class CrossSellingExplorer(widgets.VBox):
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
        Support × confidence scatter with the passing rules highlighted.
    """

    def __init__(self, sales: pd.DataFrame, products: pd.DataFrame | None = None, min_support: float = 0.005,
                 min_confidence: float = 0.2, min_lift: float = 1.0, shown: int = 12, draw: bool = True):
        self.pairs = pair_statistics(sales, "product_id")
        self._names = {}
        if products is not None:
            self._names = dict(zip(products["product_id"].astype(str), products["product_name"].astype(str)))
        self.shown = int(shown)
        self.draw = draw
        self.min_support = widgets.FloatSlider(value=min_support, min=0.0, max=0.05, step=0.001, readout_format=".1%",
                                               description="min support", style={"description_width": "120px"})
        self.min_confidence = widgets.FloatSlider(value=min_confidence, min=0.0, max=1.0, step=0.01,
                                                  readout_format=".0%", description="min confidence",
                                                  style={"description_width": "120px"})
        self.min_lift = widgets.FloatSlider(value=min_lift, min=0.0, max=10.0, step=0.1, readout_format=".1f",
                                            description="min lift", style={"description_width": "120px"})
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.rules = pd.DataFrame()
        self._figure = None  # drawn lazily, only when `draw` is on
        super().__init__([widgets.HBox([self.min_support, self.min_confidence, self.min_lift]), self.status,
                          self.table, self.image])
        for control in (self.min_support, self.min_confidence, self.min_lift):
            control.observe(self._on_change, names="value")
        self.update()

    def __repr__(self) -> str:
        return (f"CrossSellingExplorer(min_support={self.min_support.value:.3f}, "
                f"min_confidence={self.min_confidence.value:.2f}, min_lift={self.min_lift.value:.1f})")

    def _on_change(self, _change) -> None:
        self.update()

    def compute(self) -> pd.DataFrame:
        """The rules passing the current thresholds."""
        return filter_rules(self.pairs, self.min_support.value, self.min_confidence.value, self.min_lift.value)

    def update(self) -> None:
        """Refilter the rules from the sliders and redraw."""
        self.rules = self.compute()
        n = len(self.rules)
        self.status.value = (
            f"<span style='font-size:16px'>{n} of {len(self.pairs)} rules pass "
            f"(support ≥ {self.min_support.value:.1%}, confidence ≥ {self.min_confidence.value:.0%}, "
            f"lift ≥ {self.min_lift.value:.1f}); {self.pairs.attrs['n_orders']:,} orders.</span>"
        )
        shown = self.rules.head(self.shown).copy()
        if self._names:
            shown.insert(1, "if bought", shown["antecedent"].map(self._names))
            shown.insert(3, "also offer", shown["consequent"].map(self._names))
        self.table.value = frame_html(
            shown, {"support": "{:.2%}", "confidence": "{:.1%}", "lift": "{:.2f}", "orders_both": "{:,}"}, index=False
        )
        if self.draw:
            if self._figure is None:
                self._figure = new_figure(11, 6.2, left=0.09, right=0.97, bottom=0.12, top=0.92)
            short = {k: v.removeprefix("Huamei ")[:32] for k, v in self._names.items()}
            plot_rules(self.pairs, self.rules, ax=self._figure.axes[0], names=short)
            self.image.value = figure_png(self._figure)
