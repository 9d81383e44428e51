"""Retention explorer: tier, year and definition -> the retention rate, in context.

Both definitions of :mod:`crm_lessons.retention` are computed once when the widget is
built; moving a control only looks the rate up and redraws, so it answers at once. Every
number it shows can be read without a browser:

>>> import pandas as pd
>>> from crm_lessons.widgets.retention import RetentionExplorer
>>> customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "tier": ["gold", "ordinary", "ordinary"],
...     "join_date": pd.to_datetime(["2019-01-01"] * 3)})
>>> orders = pd.DataFrame({"customer_id": ["a", "b", "c", "a", "b"],
...     "order_date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2021-01-01", "2021-05-01"])})
>>> w = RetentionExplorer(orders, customers, draw=False)
>>> w.definition.value, w.tier.value, w.year.value = "cohort", "ordinary", 2021
>>> w.rate
0.5
>>> w.year.value = 2020
>>> w.status.value
'No cohort rate for 2020: the cohort definition needs customers active in 2019, and the data start in 2020.'
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.retention import DEFINITIONS, cohort_retention, thesis_retention
from crm_lessons.schema import CRM_GO_LIVE
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure

_LABELS = {
    "thesis": "thesis: customers with 3+ purchases / all customers of the year",
    "cohort": "cohort: share of last year's customers who buy again",
}


class RetentionExplorer(widgets.VBox):
    """Yearly retention (客户保留率) of ordinary and gold customers, by either definition.

    Parameters
    ----------
    orders, customers : pandas.DataFrame
        The case company's orders and customers (``tier`` and ``join_date`` needed).
    min_orders : int
        Purchases in a year that count as repeat buying for the thesis definition.
    draw : bool, default True
        Draw the plot on every update.

    Attributes
    ----------
    tier : ipywidgets.ToggleButtons
        "ordinary" or "gold" (the highlighted line; both are drawn).
    year : ipywidgets.IntSlider
    definition : ipywidgets.ToggleButtons
        "thesis" or "cohort".
    rates : dict of str -> pandas.DataFrame
        Per definition: index year, one column per tier (computed once).
    rate : float
        The rate for the current tier, year and definition (NaN when undefined).
    status : ipywidgets.HTML
    table : ipywidgets.HTML
        The chosen definition's yearly table.
    image : ipywidgets.Image
        Both tiers' rates by year, the go-live year marked, the chosen point circled.
    """

    def __init__(self, orders: pd.DataFrame, customers: pd.DataFrame, *, min_orders: int = 3, draw: bool = True):
        thesis = thesis_retention(orders, customers, by="tier", min_orders=min_orders)
        cohort = cohort_retention(orders, customers, by="tier")
        self.rates = {
            "thesis": thesis.pivot(index="year", columns="tier", values="retention_rate"),
            "cohort": cohort.pivot(index="year", columns="tier", values="retention_rate"),
        }
        for key, frame in self.rates.items():
            frame.columns = [str(c) for c in frame.columns]
            self.rates[key] = frame
        self._counts = {
            "thesis": thesis.assign(tier=thesis["tier"].astype(str)).set_index(["year", "tier"])[["customers", "repeat_customers"]],
            "cohort": cohort.assign(tier=cohort["tier"].astype(str)).set_index(["year", "tier"])[["active_last_year", "retained"]],
        }
        years = self.rates["thesis"].index
        self._first_year = int(years.min())
        self._go_live_year = pd.Timestamp(CRM_GO_LIVE).year
        tiers = list(self.rates["thesis"].columns)
        self.draw = draw
        self.tier = widgets.ToggleButtons(options=tiers, value="gold" if "gold" in tiers else tiers[0], description="Tier")
        self.year = widgets.IntSlider(value=int(years.max()), min=int(years.min()), max=int(years.max()), step=1,
                                      description="Year")
        self.definition = widgets.ToggleButtons(options=list(DEFINITIONS), value="thesis", description="Definition")
        self.rate = float("nan")
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.image = widgets.Image(format="png")
        self._figure = new_figure(9, 4.8, left=0.11, bottom=0.14) if draw else None
        super().__init__([widgets.HBox([self.tier, self.definition]), self.year, self.status, self.image, self.table])
        for control in (self.tier, self.year, self.definition):
            control.observe(self._on_change, names="value")
        self.update()

    def __repr__(self) -> str:
        return f"RetentionExplorer(tier={self.tier.value!r}, year={self.year.value}, definition={self.definition.value!r})"

    def _on_change(self, _change) -> None:
        self.update()

    def update(self) -> None:
        """Look up the rate for the controls' values, refresh the text, table and plot."""
        definition, tier, year = self.definition.value, self.tier.value, self.year.value
        table = self.rates[definition]
        self.rate = float(table[tier].get(year, np.nan)) if tier in table.columns else float("nan")
        if np.isnan(self.rate):
            if definition == "cohort" and year <= self._first_year:
                self.status.value = (
                    f"No cohort rate for {year}: the cohort definition needs customers active in {year - 1}, "
                    f"and the data start in {self._first_year}."
                )
            else:
                self.status.value = f"No {tier} customers to measure in {year}."
        else:
            counts = self._counts[definition].loc[(year, tier)]
            era = "after" if year >= self._go_live_year else "before"
            if definition == "thesis":
                how = f"{int(counts['repeat_customers']):,} of {int(counts['customers']):,} {tier} customers bought 3+ times"
            else:
                how = f"{int(counts['retained']):,} of {int(counts['active_last_year']):,} {tier} customers of {year - 1} bought again"
            self.status.value = (
                f"<span style='font-size:16px'>{year} ({era} the CRM go-live), {definition} definition: "
                f"<b>{self.rate:.1%}</b> ({how}).</span>"
            )
        shown = table.dropna(how="all")
        self.table.value = frame_html(shown, {c: "{:.1%}" for c in shown.columns})
        if self.draw:
            self._plot()

    def _init_plot(self) -> None:
        # Artists are made once; an update only changes their data and widths.
        ax = self._figure.axes[0]
        tiers = list(self.rates["thesis"].columns)
        self._lines = {}
        for colour, tier in zip(BOOK_COLOURS, tiers):
            (self._lines[tier],) = ax.plot([], [], marker="o", color=colour, label=tier)
        (self._chosen,) = ax.plot([], [], marker="o", markersize=18, markerfacecolor="none", markeredgecolor="black",
                                  markeredgewidth=2, linestyle="none")
        ax.axvline(self._go_live_year - 0.5, color=BOOK_COLOURS[2], linestyle="--")
        ax.text(self._go_live_year - 0.45, 0.04, "CRM go-live", color=BOOK_COLOURS[2], fontsize=12)
        years = self.rates["thesis"].index
        ax.set_xlim(years.min() - 0.4, years.max() + 0.4)
        ax.set_ylim(0, 1)
        ax.set_xlabel("year")
        ax.set_ylabel("retention rate")
        self._title = ax.set_title("", fontsize=13, y=1.02)
        ax.legend(loc="lower right", fontsize=12)
        self._png = BlitPNG(self._figure, [*self._lines.values(), self._chosen])

    def _plot(self) -> None:
        if not hasattr(self, "_png"):
            self._init_plot()
        table = self.rates[self.definition.value]
        for tier, line in self._lines.items():
            line.set_data(table.index, table[tier])
            line.set_linewidth(3.5 if tier == self.tier.value else 1.8)
        self._chosen.set_data([], []) if np.isnan(self.rate) else self._chosen.set_data([self.year.value], [self.rate])
        self._title.set_text(_LABELS[self.definition.value])
        self.image.value = self._png.render(limits=self.definition.value)
