"""RFM explorer: choose how scores are cut and what counts as high or low, watch the segments move.

The RFM values are computed once per choice of monetary value (total or per purchase) and
kept; each move of a control only rescores and regroups the customers, which takes a few
milliseconds on the case company. Every number it shows can be read without a browser:

>>> import pandas as pd
>>> from crm_lessons.widgets.rfm import RFMExplorer
>>> purchases = pd.DataFrame({"customer_id": list("AABCDE"),
...     "purchase_date": pd.to_datetime(["2024-12-01", "2024-11-01", "2024-12-20", "2023-01-05", "2022-06-01", "2024-06-30"]),
...     "amount_cents": [50000, 30000, 2000, 9000, 1000, 4000]})
>>> w = RFMExplorer(purchases, reference_date="2025-01-01", draw=False)
>>> w.result["segment"].to_dict()
{'A': 'Champions', 'B': 'New or promising', 'C': 'Hibernating', 'D': 'Hibernating', 'E': 'Need attention'}
>>> w.scoring.value = "fixed edges"
>>> w.frequency_edges.value = "1, 2, 3, 4"
>>> int(w.result.loc["A", "f_score"])  # two purchases: above the edge 1, not above 2
2
>>> w.recency_edges.value = "30, 20"
>>> w.status.value
'Recency edges must be 4 numbers, strictly increasing, e.g. 30, 90, 180, 365.'
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.rfm import (
    MEASURES,
    assign_segments,
    plot_segments,
    rfm_scores,
    rfm_table,
    segment_rules,
    segment_summary,
)
from crm_lessons.widgets._render import figure_png, frame_html, new_figure

_FORMATS = {
    "customers": "{:,}",
    "customer_share": "{:.1%}",
    "revenue": "{:,.0f}",
    "revenue_share": "{:.1%}",
    "profit": "{:,.0f}",
    "profit_share": "{:.1%}",
    "mean_recency": "{:,.0f}",
    "mean_frequency": "{:,.1f}",
    "mean_monetary": "{:,.0f}",
}
#: Fixed edges to start from: days, purchases; spend edges come from the data.
DEFAULT_EDGES = {"recency": "30, 90, 180, 365", "frequency": "1, 2, 4, 9"}


def _round_edges(values: np.ndarray) -> str:
    """Spend quintiles rounded to two significant digits, as a starting point for fixed edges."""
    q = np.quantile(values, [0.2, 0.4, 0.6, 0.8]) if len(values) else np.array([1.0, 2.0, 3.0, 4.0])
    out = []
    for v in q:
        digits = max(0, int(np.floor(np.log10(max(v, 1.0)))) - 1)
        r = float(np.round(v, -digits))
        out.append(r if not out or r > out[-1] else out[-1] * 1.5)
    return ", ".join(f"{v:g}" for v in out)


def parse_edges(text: str) -> list[float] | None:
    """Comma-separated numbers, strictly increasing; None when the text is not that.

    Examples
    --------
    >>> parse_edges("30, 90,180 ,365")
    [30.0, 90.0, 180.0, 365.0]
    >>> parse_edges("1, x") is None
    True
    """
    try:
        edges = [float(part) for part in str(text).replace(";", ",").split(",") if part.strip()]
    except ValueError:
        return None
    if not edges or any(b <= a for a, b in zip(edges, edges[1:])) or not all(np.isfinite(edges)):
        return None
    return edges


class RFMExplorer(widgets.VBox):
    """RFM scores and segments with controls for the bins and the segment rules.

    Parameters
    ----------
    purchases : pandas.DataFrame
        One row per purchase (:func:`crm_lessons.rfm.purchases_from_sales`).
    reference_date : str, optional
        As :func:`crm_lessons.rfm.rfm_table`.
    value : pandas.DataFrame, optional
        Revenue and profit per customer (index customer_id) for the shares in the table.
    draw : bool, default True
        Draw the plot on every update (tests may switch it off).

    Attributes
    ----------
    scoring : ipywidgets.ToggleButtons
        ``"quintiles"`` (scores by rank, ties shared) or ``"fixed edges"`` (the three text boxes).
    recency_edges, frequency_edges, monetary_edges : ipywidgets.Text
        Four increasing numbers each: the upper ends of the bins (recency in days: 30 means
        "bought within 30 days" gets R = 5).
    monetary : ipywidgets.ToggleButtons
        ``"sum"`` (total spend) or ``"mean"`` (spend per purchase).
    high, low : ipywidgets.IntSlider
        A score of at least ``high`` counts as high, at most ``low`` as low
        (:func:`crm_lessons.rfm.segment_rules`).
    result : pandas.DataFrame
        The last update's customers with RFM values, scores and segment.
    summary : pandas.DataFrame
        The last update's :func:`crm_lessons.rfm.segment_summary`.
    rules : pandas.DataFrame
        The segment rules in force.
    status, table, rule_table : ipywidgets.HTML
    image : ipywidgets.Image
    """

    def __init__(self, purchases: pd.DataFrame, reference_date=None, value: pd.DataFrame | None = None, draw: bool = True):
        self._purchases = purchases
        self._reference = reference_date
        self._value = value
        self._rfm = {m: rfm_table(purchases, reference_date, monetary=m) for m in ("sum", "mean")}
        self.draw = draw
        style = {"description_width": "110px"}
        self.scoring = widgets.ToggleButtons(options=["quintiles", "fixed edges"], value="quintiles", description="Scores")
        self.recency_edges = widgets.Text(value=DEFAULT_EDGES["recency"], description="Recency (days)", style=style)
        self.frequency_edges = widgets.Text(value=DEFAULT_EDGES["frequency"], description="Frequency", style=style)
        self.monetary_edges = widgets.Text(value=_round_edges(self._rfm["sum"]["monetary"].to_numpy()), description="Monetary",
                                           style=style)
        self.monetary = widgets.ToggleButtons(options=["sum", "mean"], value="sum", description="Monetary")
        self.high = widgets.IntSlider(value=4, min=2, max=5, description="High score >=", style=style)
        self.low = widgets.IntSlider(value=2, min=1, max=4, description="Low score <=", style=style)
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.rule_table = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.result = pd.DataFrame()
        self.summary = pd.DataFrame()
        self.rules = segment_rules()
        self._figure = new_figure(10, 5.5, left=0.27, bottom=0.14) if draw else None
        controls = widgets.VBox([
            widgets.HBox([self.scoring, self.monetary]),
            widgets.HBox([self.recency_edges, self.frequency_edges, self.monetary_edges]),
            widgets.HBox([self.high, self.low]),
        ])
        super().__init__([controls, self.status, self.table, self.image, self.rule_table])
        for control in (self.scoring, self.recency_edges, self.frequency_edges, self.monetary_edges, self.monetary,
                        self.high, self.low):
            control.observe(self._on_change, names="value")
        self.update()

    def __repr__(self) -> str:
        return f"RFMExplorer(scoring={self.scoring.value!r}, monetary={self.monetary.value!r}, high={self.high.value}, low={self.low.value})"

    def _on_change(self, _change) -> None:
        self.update()

    def _edges(self) -> dict | None:
        if self.scoring.value == "quintiles":
            return None
        edges = {}
        for measure, box in (("recency", self.recency_edges), ("frequency", self.frequency_edges), ("monetary", self.monetary_edges)):
            parsed = parse_edges(box.value)
            if parsed is None or len(parsed) != 4:
                example = {"recency": "30, 90, 180, 365", "frequency": "1, 2, 4, 9", "monetary": "5000, 20000, 50000, 150000"}[measure]
                self.status.value = f"{measure.capitalize()} edges must be 4 numbers, strictly increasing, e.g. {example}."
                return {}
            edges[measure] = parsed
        return edges

    def compute(self):
        """Scores, segments and summary for the controls' values (None when a control is invalid)."""
        if not self.low.value < self.high.value:
            self.status.value = f"The low score ({self.low.value}) must be below the high score ({self.high.value})."
            return None
        edges = self._edges()
        if edges == {}:
            return None
        rules = segment_rules(high=self.high.value, low=self.low.value)
        scored = rfm_scores(self._rfm[self.monetary.value], edges=edges)
        scored["segment"] = assign_segments(scored, rules)
        value = self._value if self._value is not None else self._rfm["sum"][["monetary"]].rename(columns={"monetary": "revenue"})
        summary = segment_summary(scored, value, rules)
        return scored, summary, rules

    def update(self) -> None:
        """Rescore, regroup and redraw from the controls."""
        out = self.compute()
        if out is None:
            return
        self.result, self.summary, self.rules = out
        for box in (self.recency_edges, self.frequency_edges, self.monetary_edges):
            box.disabled = self.scoring.value == "quintiles"
        top = self.summary["revenue_share"].idxmax()
        self.status.value = (
            f"<span style='font-size:16px'>{len(self.result):,} customers. '{top}' holds "
            f"{self.summary.loc[top, 'customer_share']:.0%} of customers and "
            f"{self.summary.loc[top, 'revenue_share']:.0%} of revenue.</span>"
        )
        shown = [c for c in ("customers", "customer_share", "revenue_share", "profit_share", "mean_recency", "mean_frequency",
                             "mean_monetary") if c in self.summary.columns]
        self.table.value = frame_html(self.summary[shown], _FORMATS)
        self.rule_table.value = frame_html(self.rules.set_index("segment")[["rule"]], {})
        if self.draw:
            plot_segments(self.summary, ax=self._figure.axes[0])
            self.image.value = figure_png(self._figure)


__all__ = ["RFMExplorer", "parse_edges", "MEASURES"]
