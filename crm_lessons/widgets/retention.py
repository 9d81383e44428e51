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
>>> w.status_text()
'No cohort rate for 2020: the cohort definition needs customers active in 2019, and the data start in 2020.'
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.retention import DEFINITIONS, cohort_retention, thesis_retention
from crm_lessons.schema import CRM_GO_LIVE
from crm_lessons.widgets._base import MUTED, LessonWidget, described, name_text, options, wtr
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure


class RetentionExplorer(LessonWidget):
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

    def __init__(
        self, orders: pd.DataFrame, customers: pd.DataFrame, *, min_orders: int = 3, draw: bool = True
    ):
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
            "thesis": thesis.assign(tier=thesis["tier"].astype(str)).set_index(["year", "tier"])[
                ["customers", "repeat_customers"]
            ],
            "cohort": cohort.assign(tier=cohort["tier"].astype(str)).set_index(["year", "tier"])[
                ["active_last_year", "retained"]
            ],
        }
        years = self.rates["thesis"].index
        self._first_year = int(years.min())
        self._go_live_year = pd.Timestamp(CRM_GO_LIVE).year
        tiers = list(self.rates["thesis"].columns)
        self.draw = draw
        self.tier = described(
            widgets.ToggleButtons,
            "retention.tier",
            options=options("tier", tiers),
            value="gold" if "gold" in tiers else tiers[0],
        )
        self.year = described(
            widgets.IntSlider,
            "retention.year",
            value=int(years.max()),
            min=int(years.min()),
            max=int(years.max()),
            step=1,
        )
        self.definition = described(
            widgets.ToggleButtons,
            "retention.definition",
            options=options("retention.def", list(DEFINITIONS)),
            value="thesis",
        )
        self.rate = float("nan")
        self._min_orders = min_orders
        self._figure = new_figure(9, 4.8, left=0.11, bottom=0.14) if draw else None
        self._assemble(
            [self.tier, self.year, self.definition],
            [
                widgets.HBox([self.tier, self.definition], layout=widgets.Layout(flex_flow="row wrap")),
                self.year,
            ],
        )

    key = "retention"
    table_height = "170px"

    def __repr__(self) -> str:
        return (
            f"RetentionExplorer(tier={self.tier.value!r}, year={self.year.value}, "
            f"definition={self.definition.value!r})"
        )

    def refresh(self) -> None:
        """Look up the rate for the controls' values, refresh the text, table and plot."""
        definition, tier, year = self.definition.value, self.tier.value, self.year.value
        table = self.rates[definition]
        self.rate = float(table[tier].get(year, np.nan)) if tier in table.columns else float("nan")
        tier_name = name_text("tier", tier)
        if np.isnan(self.rate):
            if definition == "cohort" and year <= self._first_year:
                text = wtr("retention.no_cohort", year=year, before=year - 1, first=self._first_year)
            else:
                text = wtr("retention.no_customers", tier=tier_name, year=year)
            self.set_status(f"<span style='color:{MUTED}'>{html.escape(text)}</span>")
        else:
            counts = self._counts[definition].loc[(year, tier)]
            era = wtr("retention.after") if year >= self._go_live_year else wtr("retention.before")
            if definition == "thesis":
                how = wtr(
                    "retention.how_thesis",
                    k=int(counts["repeat_customers"]),
                    n=int(counts["customers"]),
                    tier=tier_name,
                    min_orders=self._min_orders,
                )
            else:
                how = wtr(
                    "retention.how_cohort",
                    k=int(counts["retained"]),
                    n=int(counts["active_last_year"]),
                    tier=tier_name,
                    before=year - 1,
                )
            self.set_status(
                html.escape(
                    wtr(
                        "retention.status",
                        year=year,
                        era=era,
                        definition=name_text("retention.def", definition),
                        rate=self.rate,
                        how=how,
                    )
                )
                .replace("[b]", "<b>")
                .replace("[/b]", "</b>")
            )
        shown = table.dropna(how="all")
        shown = shown.rename(columns={c: name_text("tier", c) for c in shown.columns})
        self.table.value = frame_html(shown, {c: "{:.1%}" for c in shown.columns})
        if self.draw:
            self._plot()

    def _init_plot(self) -> None:
        # Artists are made once; an update only changes their data and widths.
        ax = self._figure.axes[0]
        tiers = list(self.rates["thesis"].columns)
        self._lines = {}
        for colour, tier in zip(BOOK_COLOURS, tiers):
            (self._lines[tier],) = ax.plot([], [], marker="o", color=colour, label=name_text("tier", tier))
        (self._chosen,) = ax.plot(
            [],
            [],
            marker="o",
            markersize=18,
            markerfacecolor="none",
            markeredgecolor="black",
            markeredgewidth=2,
            linestyle="none",
        )
        ax.axvline(self._go_live_year - 0.5, color=BOOK_COLOURS[2], linestyle="--")
        ax.text(self._go_live_year - 0.45, 0.04, wtr("retention.go_live"), color=BOOK_COLOURS[2], fontsize=12)
        years = self.rates["thesis"].index
        ax.set_xlim(years.min() - 0.4, years.max() + 0.4)
        ax.set_ylim(0, 1)
        ax.set_xlabel(wtr("retention.xlabel"))
        ax.set_ylabel(wtr("retention.ylabel"))
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
        self._chosen.set_data([], []) if np.isnan(self.rate) else self._chosen.set_data(
            [self.year.value], [self.rate]
        )
        self._title.set_text(wtr(f"retention.title_{self.definition.value}"))
        self.image.value = self._png.render(limits=self.definition.value)
