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

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.targeting import mass_vs_targeted, plot_targeting_curve, targeting_curve
from crm_lessons.widgets._render import figure_png, new_figure

SHOWN = {
    "contacted": "customers contacted",
    "responses": "customers who bought",
    "response_rate": "share who bought",
    "credited_profit": "profit credited to the offer (CNY)",
    "contact_cost": "contact cost (CNY)",
    "net_profit": "net profit (CNY)",
    "roi": "ROI (net profit / cost)",
}


class TargetingExplorer(widgets.VBox):
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

    Attributes
    ----------
    cost_per_contact : ipywidgets.FloatSlider
    top_share : ipywidgets.FloatSlider
    only_extra : ipywidgets.Checkbox
        Credit the offer only with the uplift share of the profit; disabled without an uplift.
    table : ipywidgets.HTML
    plot : ipywidgets.Image
        The net-profit curve as a PNG; the dashed line marks the targeted share.
    comparison : pandas.DataFrame
        The output of :func:`~crm_lessons.targeting.mass_vs_targeted` on show.
    curve : pandas.DataFrame
        The output of :func:`~crm_lessons.targeting.targeting_curve` on show.
    """

    def __init__(self, frame: pd.DataFrame, *, uplift: float | None = None, cost_per_contact: float = 100.0,
                 top_share: float = 0.2):
        self.frame = frame
        self.uplift = uplift
        self.cost_per_contact = widgets.FloatSlider(value=cost_per_contact, min=5, max=500, step=5,
                                                    description="Cost/contact", continuous_update=False)
        self.top_share = widgets.FloatSlider(value=top_share, min=0.05, max=1.0, step=0.05,
                                             description="Top share", readout_format=".0%",
                                             continuous_update=False)
        self.only_extra = widgets.Checkbox(value=uplift is not None, disabled=uplift is None,
                                           description="Credit only the pilot's uplift")
        self.table = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self.comparison = pd.DataFrame()
        self.curve = pd.DataFrame()
        super().__init__([widgets.HBox([self.cost_per_contact, self.top_share]), self.only_extra,
                          self.table, self.plot])
        for control in (self.cost_per_contact, self.top_share, self.only_extra):
            control.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, _change) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the comparison and the curve from the controls."""
        u = self.uplift if self.only_extra.value else None
        c = float(self.cost_per_contact.value)
        self.comparison = mass_vs_targeted(self.frame, cost_per_contact=c, top_share=float(self.top_share.value),
                                           uplift=u)
        self.curve = targeting_curve(self.frame, cost_per_contact=c, uplift=u)
        shown = self.comparison[list(SHOWN)].rename(columns=SHOWN).T
        self.table.value = (
            "<div style='font-size:16px'>"
            + shown.to_html(float_format=lambda x: f"{x:,.2f}" if abs(x) < 100 else f"{x:,.0f}")
            + "</div>"
        )
        fig = new_figure(10, 5.5, left=0.12, bottom=0.15)
        ax = plot_targeting_curve(self.curve, ax=fig.axes[0])
        ax.axvline(float(self.top_share.value) * 100, color="black", ls="--", lw=1.5)
        self.plot.value = figure_png(fig)

    @property
    def best_share(self) -> float:
        """The share of customers (from the curve) that gives the largest net profit."""
        return float(self.curve["share"].iloc[int(np.argmax(self.curve["net_profit"].to_numpy()))])
