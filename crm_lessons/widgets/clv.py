"""CLV calculator: margin, retention, discount rate and horizon -> the simple lifetime value.

The widget reads its four sliders, calls :func:`crm_lessons.clv.simple_clv_variants` and
:func:`crm_lessons.clv.clv_cash_flows`, and renders the three textbook variants side by
side with a plot of the value building up period by period. Every number it shows can
be read without a browser:

>>> from crm_lessons.widgets.clv import CLVCalculator
>>> w = CLVCalculator(draw=False)
>>> w.margin.value, w.retention.value, w.discount_rate.value, w.horizon.value = 100, 0.8, 0.1, 30
>>> w.variants["clv"].round(2).tolist()
[266.67, 366.67, 333.33]
>>> float(round(w.cash_flows["cumulative_clv"].iloc[-1], 2))
266.65
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.clv import clv_cash_flows, simple_clv_variants
from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure

_FORMATS = {"clv": "{:,.2f}", "clv_horizon": "{:,.2f}"}


class CLVCalculator(widgets.VBox):
    """Simple customer lifetime value (客户终身价值) with sliders.

    Parameters
    ----------
    margin, retention, discount_rate : float
        Starting values: margin per period (CNY), retention rate per period, discount
        rate per period. The notebook passes the case company's own figures.
    horizon : int
        Starting horizon in periods.
    draw : bool, default True
        Draw the plot on every update (tests and benchmarks may switch it off).

    Attributes
    ----------
    margin, retention, discount_rate : ipywidgets.FloatSlider
    horizon : ipywidgets.IntSlider
        Periods summed for the finite-horizon column and the plot.
    variants : pandas.DataFrame
        :func:`crm_lessons.clv.simple_clv_variants` for the current values (with
        ``clv_horizon``).
    cash_flows : pandas.DataFrame
        :func:`crm_lessons.clv.clv_cash_flows` of the course's variant ("excluded").
    status : ipywidgets.HTML
        One-line reading of the result, or what is wrong with the inputs.
    table : ipywidgets.HTML
    image : ipywidgets.Image
        Cumulative present value by period, with the infinite-horizon value as a line.
    """

    def __init__(self, margin: float = 100.0, retention: float = 0.8, discount_rate: float = 0.1, horizon: int = 10,
                 draw: bool = True):
        self.draw = draw
        style = {"description_width": "110px"}
        layout = widgets.Layout(width="420px")
        self.margin = widgets.FloatSlider(value=margin, min=0, max=max(2000.0, float(margin)), step=10,
                                          description="Margin (CNY)", readout_format=",.0f", style=style, layout=layout)
        self.retention = widgets.FloatSlider(value=retention, min=0, max=0.99, step=0.01, description="Retention",
                                             readout_format=".0%", style=style, layout=layout)
        self.discount_rate = widgets.FloatSlider(value=discount_rate, min=0, max=0.5, step=0.01,
                                                 description="Discount rate", readout_format=".0%", style=style,
                                                 layout=layout)
        self.horizon = widgets.IntSlider(value=horizon, min=1, max=50, step=1, description="Horizon (periods)",
                                         style=style, layout=layout)
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.variants = pd.DataFrame()
        self.cash_flows = pd.DataFrame()
        self._figure = new_figure(9, 4.8, left=0.11, bottom=0.15) if draw else None
        controls = widgets.VBox([self.margin, self.retention, self.discount_rate, self.horizon])
        super().__init__([controls, self.status, self.table, self.image])
        for control in (self.margin, self.retention, self.discount_rate, self.horizon):
            control.observe(self._on_change, names="value")
        self.update()

    def __repr__(self) -> str:
        return (f"CLVCalculator(margin={self.margin.value:g}, retention={self.retention.value:g}, "
                f"discount_rate={self.discount_rate.value:g}, horizon={self.horizon.value})")

    def _on_change(self, _change) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the variants and the cash flows from the sliders and redraw."""
        m, r, d, h = self.margin.value, self.retention.value, self.discount_rate.value, self.horizon.value
        try:
            variants = simple_clv_variants(m, r, d, horizon=h)
            flows = clv_cash_flows(m, r, d, h)
        except (ValueError, TypeError) as err:
            self.status.value = f"<span style='font-size:16px;color:#b00'>{err}</span>"
            return
        self.variants, self.cash_flows = variants, flows
        main = variants.loc["excluded"]
        self.status.value = (
            f"<span style='font-size:16px'>CLV = m·r/(1+d−r) = {m:,.0f} × {r:.2f} / (1 + {d:.2f} − {r:.2f}) = "
            f"<b>{main['clv']:,.2f}</b> CNY; the first {h} periods bring {main['clv_horizon']:,.2f} "
            f"({main['clv_horizon'] / main['clv']:.0%} of it)." if main["clv"] > 0 else
            "<span style='font-size:16px'>With no margin or no retention there is no future value."
        ) + "</span>"
        self.table.value = frame_html(variants[["formula", "first_margin_counted", "clv", "clv_horizon"]], _FORMATS)
        if self.draw:
            self._plot()

    def _init_plot(self) -> None:
        # Artists are made once and only their data change on update; the still part
        # (axes, ticks, legend) is redrawn only when the axis limits change.
        ax = self._figure.axes[0]
        self._bars = ax.stairs([0.0], [0.5, 1.5], fill=True, color=BOOK_COLOURS[2], label="present value of period")
        (self._line,) = ax.plot([1], [0], color=BOOK_COLOURS[0], marker="o", markersize=4, label="cumulative CLV")
        self._total = ax.axhline(0, color=BOOK_COLOURS[1], linestyle="--", label="infinite horizon")
        ax.legend(loc="lower right", fontsize=12)
        ax.set_xlabel("period")
        ax.set_ylabel("CNY")
        ax.set_title("Simple CLV, first margin excluded", y=1.02)
        self._png = BlitPNG(self._figure, [self._bars, self._line, self._total])

    def _plot(self) -> None:
        if not hasattr(self, "_png"):
            self._init_plot()
        ax = self._figure.axes[0]
        flows = self.cash_flows
        periods = flows["period"].to_numpy()
        self._bars.set_data(values=flows["present_value"].to_numpy(), edges=np.r_[periods - 0.4, periods[-1] + 0.4])
        self._line.set_data(periods, flows["cumulative_clv"].to_numpy())
        total = float(self.variants.loc["excluded", "clv"])
        self._total.set_ydata([total, total])
        # x axis in steps (5, 10, 15, 20, 30, 40, 50 periods) so dragging the horizon mostly keeps the axes
        last = int(periods[-1])
        xlim = (0.3, next((step for step in (5, 10, 15, 20, 30, 40, 50) if step >= last), last) + 0.7)
        ylim = (0.0, nice_ceiling(max(total, float(np.nanmax(flows["cumulative_clv"])), 1.0) * 1.1))
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        self.image.value = self._png.render(limits=(xlim, ylim))


def nice_ceiling(value: float) -> float:
    """Smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is at least ``value``.

    Axis limits move in these steps, so dragging a slider mostly leaves the axes as they are
    (and the plot can be updated without redrawing its ticks).

    >>> nice_ceiling(266.7), nice_ceiling(0.031), nice_ceiling(1000)
    (300.0, 0.04, 1000.0)
    """
    if value <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    for step in (1, 1.5, 2, 3, 4, 5, 6, 8, 10):
        if step * power >= value * (1 - 1e-12):
            return float(round(step * power, 12))
    return float(10 * power)
