"""Mass vs targeted marketing explorer: cost per contact and reach by slider.

The widget reads its controls, calls :func:`crm_lessons.targeting.mass_vs_targeted` and
:func:`crm_lessons.targeting.targeting_curve`, and renders a table and a curve, so every
number it shows can be checked without a browser:

>>> import pandas as pd
>>> from crm_lessons.widgets.targeting import TargetingExplorer
>>> f = pd.DataFrame({"score": [50, 40, 30, 20, 10], "responded": [True, True, False, True, False],
...                   "profit": [300.0, 200.0, 0.0, 100.0, 0.0]})
>>> w = TargetingExplorer(f, cost_per_contact=20, top_share=0.4)
>>> w.comparison["net_profit"].tolist()
[500.0, 460.0]
>>> w.cost_per_contact.value = 100
>>> w.comparison["net_profit"].tolist()
[100.0, 300.0]
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.targeting import mass_vs_targeted, targeting_curve
from crm_lessons.widgets._base import LessonWidget, col_label, described, name_text, wtr
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import new_figure

#: Rows of the comparison table, in order.
SHOWN = ["contacted", "responses", "response_rate", "credited_profit", "contact_cost", "net_profit", "roi"]
_COUNTS = {"contacted", "responses"}


class TargetingExplorer(LessonWidget):
    """Sliders for cost per contact and targeted reach; table and profit curve update.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer with ``score``, ``responded`` and ``profit``
        (:func:`crm_lessons.targeting.campaign_frame`).
    uplift : float, optional
        Relative uplift measured in a pilot against its control group; enables the
        "credit only the pilot's uplift" check box.
    cost_per_contact, top_share : float
        Starting values of the sliders.
    draw : bool, default True
        Draw the plot on every update.

    Attributes
    ----------
    cost_per_contact : ipywidgets.FloatSlider
    top_share : ipywidgets.FloatSlider
    only_extra : ipywidgets.Checkbox
        Credit the offer only with the uplift share of the profit; disabled without an uplift.
    table : ipywidgets.HTML
    image : ipywidgets.Image
        The net-profit curve as a PNG; the dashed line marks the targeted share (also ``plot``).
    comparison : pandas.DataFrame
        The output of :func:`~crm_lessons.targeting.mass_vs_targeted` on show.
    curve : pandas.DataFrame
        The output of :func:`~crm_lessons.targeting.targeting_curve` on show.
    """

    key = "targeting"
    table_height = "250px"

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        uplift: float | None = None,
        cost_per_contact: float = 100.0,
        top_share: float = 0.2,
        draw: bool = True,
    ):
        self.frame = frame
        self.uplift = uplift
        self.draw = draw
        style = {"description_width": "150px"}
        self.cost_per_contact = described(
            widgets.FloatSlider,
            "targeting.cost",
            value=cost_per_contact,
            min=5,
            max=500,
            step=5,
            readout_format=",.0f",
            continuous_update=True,
            style=style,
        )
        self.top_share = described(
            widgets.FloatSlider,
            "targeting.top_share",
            value=top_share,
            min=0.05,
            max=1.0,
            step=0.05,
            readout_format=".0%",
            continuous_update=True,
            style=style,
        )
        self.only_extra = described(
            widgets.Checkbox,
            "targeting.only_extra",
            value=uplift is not None,
            disabled=uplift is None,
            indent=False,
        )
        self.comparison = pd.DataFrame()
        self.curve = pd.DataFrame()
        self._figure = None
        self._assemble([self.cost_per_contact, self.top_share, self.only_extra])
        self.plot = self.image

    def __repr__(self) -> str:
        return (
            f"TargetingExplorer(cost_per_contact={self.cost_per_contact.value:g}, "
            f"top_share={self.top_share.value:.2f}, only_extra={self.only_extra.value})"
        )

    def clear(self) -> None:
        self.comparison = pd.DataFrame()
        self.curve = pd.DataFrame()

    def refresh(self) -> None:
        """Recompute the comparison and the curve from the controls."""
        u = self.uplift if self.only_extra.value else None
        c = float(self.cost_per_contact.value)
        share = float(self.top_share.value)
        self.comparison = mass_vs_targeted(self.frame, cost_per_contact=c, top_share=share, uplift=u)
        self.curve = targeting_curve(self.frame, cost_per_contact=c, uplift=u)
        mass, targeted = (self.comparison.iloc[i] for i in (0, 1))
        self.set_status(
            html.escape(
                wtr(
                    "targeting.status",
                    share=share,
                    targeted=targeted["net_profit"],
                    mass=mass["net_profit"],
                    best=self.best_share,
                )
            )
        )
        shown = self.comparison[SHOWN].T
        shown.columns = [name_text("targeting.strategy", c) for c in shown.columns]
        shown.index = [col_label(i) for i in shown.index]
        rows = []
        for name, code in zip(shown.index, SHOWN):
            cells = []
            for v in shown.loc[name]:
                if code in _COUNTS:
                    cells.append(f"{int(round(float(v))):,}")
                elif code == "response_rate":
                    cells.append(f"{v:.1%}")
                elif code == "roi":
                    cells.append(f"{v:,.2f}")
                else:
                    cells.append(f"{v:,.0f}")
            rows.append(
                "<tr><th style='text-align:left;padding:3px 10px'>"
                + html.escape(name)
                + "</th>"
                + "".join(
                    f"<td style='text-align:right;padding:3px 10px'>{html.escape(c)}</td>" for c in cells
                )
                + "</tr>"
            )
        head = "".join(
            f"<th style='text-align:right;padding:3px 10px'>{html.escape(c)}</th>" for c in shown.columns
        )
        self.table.value = (
            f"<table style='font-size:16px;border-collapse:collapse'><thead><tr><th></th>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>"
        )
        if self.draw:
            self._plot()

    @property
    def best_share(self) -> float:
        """The share of customers (from the curve) that gives the largest net profit."""
        return float(self.curve["share"].iloc[int(np.argmax(self.curve["net_profit"].to_numpy()))])

    # ---------------------------------------------------------------- drawing
    def _init_plot(self) -> None:
        # Drawn like crm_lessons.targeting.plot_targeting_curve, once; an update moves the line,
        # the two marked points and the dashed reach line. The axes are redrawn only when the
        # y range changes step.
        self._figure = new_figure(10, 5.2, left=0.12, bottom=0.14, top=0.91)
        ax = self._figure.axes[0]
        (self._line,) = ax.plot([], [], marker="o", color=BOOK_COLOURS[0], lw=3)
        self._best = ax.scatter([0], [0], s=250, color=BOOK_COLOURS[1], zorder=3, label=wtr("targeting.best"))
        self._mass = ax.scatter([0], [0], s=250, color=BOOK_COLOURS[2], zorder=3, label=wtr("targeting.mass"))
        self._reach = ax.axvline(0, color="black", ls="--", lw=1.5, label=wtr("targeting.reach"))
        ax.axhline(0, color="black", lw=1)
        ax.set_xlim(0, 102)
        ax.set_xlabel(wtr("targeting.xlabel"))
        ax.set_ylabel(wtr("targeting.ylabel"))
        ax.set_title(wtr("targeting.plot_title"))
        self._legend_texts = ax.legend(loc="lower right", fontsize=12).get_texts()
        self._png = BlitPNG(
            self._figure, [self._line, self._best, self._mass, self._reach, self._legend_texts[0]]
        )

    def _plot(self) -> None:
        if self._figure is None:
            self._init_plot()
        ax = self._figure.axes[0]
        x = self.curve["share"].to_numpy() * 100
        y = self.curve["net_profit"].to_numpy() / 1e3
        self._line.set_data(x, y)
        best = int(np.argmax(y))
        self._best.set_offsets([[x[best], y[best]]])
        self._mass.set_offsets([[x[-1], y[-1]]])
        share = float(self.top_share.value) * 100
        self._reach.set_xdata([share, share])
        self._legend_texts[0].set_text(wtr("targeting.best_at", share=x[best]))
        lo, hi = _nice_range(float(np.min(y)), float(np.max(y)))
        ax.set_ylim(lo, hi)
        self.image.value = self._png.render(limits=(lo, hi))


def _nice_range(lo: float, hi: float) -> tuple[float, float]:
    """Axis limits around [lo, hi] (and 0) in coarse steps, so small moves keep the axes."""
    from crm_lessons.widgets.clv import nice_ceiling

    span = max(hi, 0.0) - min(lo, 0.0)
    step = nice_ceiling(max(span, 1e-9)) / 4
    return float(np.floor(min(lo, 0.0) / step - 0.3) * step), float(np.ceil(max(hi, 0.0) / step + 0.3) * step)
