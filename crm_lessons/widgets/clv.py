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

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.clv import clv_cash_flows, simple_clv_variants
from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.widgets._base import InvalidSetting, LessonWidget, described, name_text, wtr
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure

_FORMATS = {"clv": "{:,.2f}", "clv_horizon": "{:,.2f}"}


class CLVCalculator(LessonWidget):
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

    def __init__(
        self,
        margin: float = 100.0,
        retention: float = 0.8,
        discount_rate: float = 0.1,
        horizon: int = 10,
        draw: bool = True,
    ):
        self.draw = draw
        look = {"style": {"description_width": "150px"}, "layout": widgets.Layout(width="460px")}
        self.margin = described(
            widgets.FloatSlider,
            "clv.margin",
            value=margin,
            min=0,
            max=max(2000.0, float(margin)),
            step=10,
            readout_format=",.0f",
            **look,
        )
        self.retention = described(
            widgets.FloatSlider,
            "clv.retention",
            value=retention,
            min=0,
            max=0.99,
            step=0.01,
            readout_format=".0%",
            **look,
        )
        self.discount_rate = described(
            widgets.FloatSlider,
            "clv.discount_rate",
            value=discount_rate,
            min=0,
            max=0.5,
            step=0.01,
            readout_format=".0%",
            **look,
        )
        self.horizon = described(
            widgets.IntSlider, "clv.horizon", value=horizon, min=1, max=50, step=1, **look
        )
        self.variants = pd.DataFrame()
        self.cash_flows = pd.DataFrame()
        self._figure = new_figure(9, 4.8, left=0.11, bottom=0.15) if draw else None
        self._assemble([self.margin, self.retention, self.discount_rate, self.horizon])

    key = "clv"
    table_height = "150px"

    def __repr__(self) -> str:
        return (
            f"CLVCalculator(margin={self.margin.value:g}, retention={self.retention.value:g}, "
            f"discount_rate={self.discount_rate.value:g}, horizon={self.horizon.value})"
        )

    def clear(self) -> None:
        self.variants = pd.DataFrame()
        self.cash_flows = pd.DataFrame()

    def refresh(self) -> None:
        """Recompute the variants and the cash flows from the sliders and redraw."""
        m, r, d, h = self.margin.value, self.retention.value, self.discount_rate.value, self.horizon.value
        try:
            variants = simple_clv_variants(m, r, d, horizon=h)
            flows = clv_cash_flows(m, r, d, h)
        except (ValueError, TypeError) as err:
            raise InvalidSetting(str(err)) from None
        self.variants, self.cash_flows = variants, flows
        main = variants.loc["excluded"]
        if main["clv"] > 0:
            self.set_status(
                wtr(
                    "clv.status",
                    m=m,
                    r=r,
                    d=d,
                    clv=main["clv"],
                    h=h,
                    clv_h=main["clv_horizon"],
                    part=main["clv_horizon"] / main["clv"],
                )
            )
        else:
            self.set_status(html.escape(wtr("clv.no_value")))
        table = variants[["formula", "first_margin_counted", "clv", "clv_horizon"]].copy()
        table["first_margin_counted"] = [
            wtr("yes") if v else wtr("no") for v in table["first_margin_counted"]
        ]
        table.index = pd.Index([name_text("clv.variant", v) for v in table.index], name="variant")
        self.table.value = frame_html(table, _FORMATS)
        if self.draw:
            self._plot()

    def _init_plot(self) -> None:
        # Artists are made once and only their data change on update; the still part
        # (axes, ticks, legend) is redrawn only when the axis limits change.
        ax = self._figure.axes[0]
        from matplotlib.collections import PolyCollection

        # one bar per period, centred on its tick (width 0.8)
        self._bars = PolyCollection(
            _bar_verts(np.array([1]), np.array([0.0])),
            facecolors=[BOOK_COLOURS[2]],
            edgecolors="none",
            label=wtr("clv.bar"),
        )
        ax.add_collection(self._bars)
        (self._line,) = ax.plot(
            [1], [0], color=BOOK_COLOURS[0], marker="o", markersize=4, label=wtr("clv.line")
        )
        self._total = ax.axhline(0, color=BOOK_COLOURS[1], linestyle="--", label=wtr("clv.total"))
        ax.legend(loc="lower right", fontsize=12)
        ax.set_xlabel(wtr("clv.xlabel"))
        ax.set_ylabel(wtr("clv.ylabel"))
        ax.set_title(wtr("clv.plot_title"), y=1.02)
        self._png = BlitPNG(self._figure, [self._bars, self._line, self._total])

    def _plot(self) -> None:
        if not hasattr(self, "_png"):
            self._init_plot()
        ax = self._figure.axes[0]
        flows = self.cash_flows
        periods = flows["period"].to_numpy()
        self._bars.set_verts(_bar_verts(periods, flows["present_value"].to_numpy(dtype=float)))
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


def _bar_verts(periods: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Corners of vertical bars of width 0.8 centred on the periods."""
    x0, x1 = periods - 0.4, periods + 0.4
    y0 = np.zeros_like(heights)
    return np.stack([np.column_stack(c) for c in ((x0, y0), (x0, heights), (x1, heights), (x1, y0))], axis=1)


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
