"""RFM explorer: choose how scores are cut and what counts as high or low, watch the segments move.

The RFM values are computed once per choice of monetary value (total or per purchase) and
kept; each move of a control only rescores and regroups the customers, which takes a few
milliseconds on the case company. Every number it shows can be read without a browser:

>>> import pandas as pd
>>> from crm_lessons.widgets.rfm import RFMExplorer
>>> purchases = pd.DataFrame({"customer_id": list("AABCDE"),
...     "purchase_date": pd.to_datetime(["2024-12-01", "2024-11-01", "2024-12-20", "2023-01-05",
...                                      "2022-06-01", "2024-06-30"]),
...     "amount_cents": [50000, 30000, 2000, 9000, 1000, 4000]})
>>> w = RFMExplorer(purchases, reference_date="2025-01-01", draw=False)
>>> w.result["segment"].to_dict()
{'A': 'Champions', 'B': 'New or promising', 'C': 'Hibernating', 'D': 'Hibernating', 'E': 'Need attention'}
>>> w.scoring.value = "fixed edges"
>>> w.frequency_edges.value = "1, 2, 3, 4"
>>> int(w.result.loc["A", "f_score"])  # two purchases: above the edge 1, not above 2
2
>>> w.recency_edges.value = "30, 20"
>>> w.valid, w.summary.empty
(False, True)
>>> w.message
'Recency edges must be 4 numbers, strictly increasing, e.g. 30, 90, 180, 365.'
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.rfm import (
    MEASURES,
    assign_segments,
    rfm_scores,
    rfm_table,
    segment_rules,
)
from crm_lessons.widgets._base import InvalidSetting, LessonWidget, described, name_text, options, wtr
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure

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


class RFMExplorer(LessonWidget):
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
        The customers with RFM values, scores and segment for the controls' values.
    summary : pandas.DataFrame
        :func:`crm_lessons.rfm.segment_summary` for the controls' values.
    rules : pandas.DataFrame
        The segment rules in force.
    status, table, rule_table : ipywidgets.HTML
    image : ipywidgets.Image

    Notes
    -----
    Speed: the scores depend only on the scoring controls, the segments only on the scores'
    (R, F, M) combination. So the widget scores the customers once per scoring choice, sums
    their values per (R, F, M) cell (at most 125 cells), and a move of the high/low sliders
    assigns segments to the cells (with :func:`crm_lessons.rfm.assign_segments`) and adds the
    cells up. The summary equals :func:`crm_lessons.rfm.segment_summary` of the full frame
    (``tests/test_widgets_rfm.py`` checks it).
    """

    key = "rfm"
    table_height = "235px"

    def __init__(
        self,
        purchases: pd.DataFrame,
        reference_date=None,
        value: pd.DataFrame | None = None,
        draw: bool = True,
    ):
        self._purchases = purchases
        self._reference = reference_date
        self._value = value
        self._rfm = {m: rfm_table(purchases, reference_date, monetary=m) for m in ("sum", "mean")}
        self._scored_cache: dict = {}
        self._result = None
        self.draw = draw
        style = {"description_width": "130px"}
        self.scoring = described(
            widgets.ToggleButtons,
            "rfm.scores",
            options=options("rfm.scoring", ["quintiles", "fixed edges"]),
            value="quintiles",
        )
        self.recency_edges = described(
            widgets.Text, "rfm.recency_edges", value=DEFAULT_EDGES["recency"], style=style
        )
        self.frequency_edges = described(
            widgets.Text, "rfm.frequency_edges", value=DEFAULT_EDGES["frequency"], style=style
        )
        self.monetary_edges = described(
            widgets.Text,
            "rfm.monetary_edges",
            value=_round_edges(self._rfm["sum"]["monetary"].to_numpy()),
            style=style,
        )
        self.monetary = described(
            widgets.ToggleButtons,
            "rfm.monetary",
            options=options("rfm.monetary_option", ["sum", "mean"]),
            value="sum",
        )
        self.high = described(widgets.IntSlider, "rfm.high", value=4, min=2, max=5, style=style)
        self.low = described(widgets.IntSlider, "rfm.low", value=2, min=1, max=4, style=style)
        self.rule_table = widgets.HTML()
        self.summary = pd.DataFrame()
        self.rules = segment_rules()
        self._figure = None
        self._plots: dict = {}
        controls = [
            self.scoring,
            self.recency_edges,
            self.frequency_edges,
            self.monetary_edges,
            self.monetary,
            self.high,
            self.low,
        ]
        rows = [
            widgets.HBox([self.scoring, self.monetary]),
            widgets.HBox([self.recency_edges, self.frequency_edges, self.monetary_edges]),
            widgets.HBox([self.high, self.low]),
        ]
        self._assemble(controls, rows)
        self.children = [*self.children, self.rule_table]

    def __repr__(self) -> str:
        return (
            f"RFMExplorer(scoring={self.scoring.value!r}, monetary={self.monetary.value!r}, "
            f"high={self.high.value}, low={self.low.value})"
        )

    # ---------------------------------------------------------------- computing
    def _edges(self) -> dict | None:
        if self.scoring.value == "quintiles":
            return None
        edges = {}
        for measure, box in (
            ("recency", self.recency_edges),
            ("frequency", self.frequency_edges),
            ("monetary", self.monetary_edges),
        ):
            parsed = parse_edges(box.value)
            if parsed is None or len(parsed) != 4:
                example = {
                    "recency": "30, 90, 180, 365",
                    "frequency": "1, 2, 4, 9",
                    "monetary": "5000, 20000, 50000, 150000",
                }[measure]
                raise InvalidSetting(
                    wtr("rfm.invalid_edges", measure=wtr(f"rfm.measure_{measure}"), example=example)
                )
            edges[measure] = parsed
        return edges

    def _scored(self, edges):
        """Scores and per-(R, F, M)-cell sums for one scoring choice (cached)."""
        key = (self.monetary.value, None if edges is None else tuple(tuple(v) for v in edges.values()))
        if key not in self._scored_cache:
            scored = rfm_scores(self._rfm[self.monetary.value], edges=edges)
            value = (
                self._value
                if self._value is not None
                else self._rfm["sum"][["monetary"]].rename(columns={"monetary": "revenue"})
            )
            joined = value.reindex(scored.index)
            frame = pd.DataFrame(
                {
                    "r_score": scored["r_score"].to_numpy(),
                    "f_score": scored["f_score"].to_numpy(),
                    "m_score": scored["m_score"].to_numpy(),
                    "customers": 1,
                    "revenue": joined["revenue"].fillna(0.0).to_numpy(),
                    "recency": scored["recency"].to_numpy(dtype=float),
                    "frequency": scored["frequency"].to_numpy(dtype=float),
                    "monetary": scored["monetary"].to_numpy(dtype=float),
                }
            )
            if "profit" in value.columns:
                frame["profit"] = joined["profit"].fillna(0.0).to_numpy()
            cells = frame.groupby(["r_score", "f_score", "m_score"], sort=True).sum()
            if len(self._scored_cache) > 8:
                self._scored_cache.clear()
            self._scored_cache[key] = (scored, cells.reset_index())
        return self._scored_cache[key]

    def compute(self):
        """Scores, segment summary and rules for the controls' values (raises InvalidSetting)."""
        if not self.low.value < self.high.value:
            raise InvalidSetting(wtr("rfm.invalid_scores", low=self.low.value, high=self.high.value))
        edges = self._edges()
        rules = segment_rules(high=self.high.value, low=self.low.value)
        scored, cells = self._scored(edges)
        segment = assign_segments(cells, rules).to_numpy()
        sums = cells.drop(columns=["r_score", "f_score", "m_score"]).groupby(segment, sort=False).sum()
        order = list(rules["segment"]) + sorted(set(segment) - set(rules["segment"]))
        sums = sums.reindex(order, fill_value=0)
        n = int(cells["customers"].sum())
        out = pd.DataFrame(
            {"customers": sums["customers"].astype(int)}, index=pd.Index(order, name="segment")
        )
        out["customer_share"] = out["customers"] / max(n, 1)
        out["revenue"] = sums["revenue"].astype(float)
        total = float(cells["revenue"].sum())
        out["revenue_share"] = out["revenue"] / total if n else 0.0
        if "profit" in sums.columns:
            out["profit"] = sums["profit"].astype(float)
            out["profit_share"] = out["profit"] / float(cells["profit"].sum()) if n else 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            for c in ("recency", "frequency", "monetary"):
                out[f"mean_{c}"] = np.where(
                    out["customers"] > 0, sums[c] / out["customers"].replace(0, 1), np.nan
                )
        return scored, out, rules

    @property
    def result(self) -> pd.DataFrame:
        """Every customer with RFM values, scores and segment (computed when asked for)."""
        if self._result is None:
            if not self.valid or self._scored_now is None:
                return pd.DataFrame()
            scored = self._scored_now.copy()
            scored["segment"] = assign_segments(scored, self.rules)
            self._result = scored
        return self._result

    _scored_now = None

    def clear(self) -> None:
        self.summary = pd.DataFrame()
        self._scored_now = None
        self._result = None

    def refresh(self) -> None:
        """Rescore, regroup and redraw from the controls."""
        for box in (self.recency_edges, self.frequency_edges, self.monetary_edges):
            box.disabled = self.scoring.value == "quintiles"
        scored, self.summary, self.rules = self.compute()
        self._scored_now = scored
        self._result = None
        top = self.summary["revenue_share"].idxmax()
        self.set_status(
            html.escape(
                wtr(
                    "rfm.status",
                    n=int(self.summary["customers"].sum()),
                    segment=name_text("segment", top),
                    customers=self.summary.loc[top, "customer_share"],
                    revenue=self.summary.loc[top, "revenue_share"],
                )
            )
        )
        shown = [
            c
            for c in (
                "customers",
                "customer_share",
                "revenue_share",
                "profit_share",
                "mean_recency",
                "mean_frequency",
                "mean_monetary",
            )
            if c in self.summary.columns
        ]
        table = self.summary[shown].copy()
        table.index = pd.Index([name_text("segment", s) for s in table.index], name="segment")
        self.table.value = frame_html(table, _FORMATS)
        rules = self.rules.set_index("segment")[["rule"]]
        rules.index = pd.Index([name_text("segment", s) for s in rules.index], name="segment")
        self.rule_table.value = frame_html(rules, {})
        if self.draw:
            self._plot()

    # ---------------------------------------------------------------- drawing
    def _init_plot(self, segments: list) -> None:
        # Bars are polygon collections made once; an update resizes them. The still part
        # (axes, segment names, legend) is redrawn only when the x range changes step.
        from matplotlib.collections import PolyCollection

        key = tuple(segments)
        if key in self._plots:
            (self._figure, self._bars, self._bar_rows, self._shares, self._png) = self._plots[key]
            self._segments = list(segments)
            return
        self._figure = new_figure(10, 5.2, left=0.25, bottom=0.13, top=0.91)
        ax = self._figure.axes[0]
        self._segments = list(segments)
        n = len(segments)
        self._shares = [
            c for c in ("customer_share", "revenue_share", "profit_share") if c in self.summary.columns
        ]
        height = 0.8 / len(self._shares)
        y = np.arange(n)
        self._bar_rows = [y + (i - (len(self._shares) - 1) / 2) * height for i in range(len(self._shares))]
        self._bar_height = height
        self._bars = []
        for i, col in enumerate(self._shares):
            bars = PolyCollection(
                self._verts(self._bar_rows[i], np.zeros(n)),
                facecolors=[BOOK_COLOURS[i]],
                edgecolors="none",
                label=wtr(f"rfm.bar_{col}"),
            )
            ax.add_collection(bars)
            self._bars.append(bars)
        ax.set_yticks(y, [name_text("segment", s) for s in segments])
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlabel(wtr("rfm.xlabel"))
        ax.set_title(wtr("rfm.plot_title"))
        ax.legend(loc="lower right", fontsize=12)
        self._png = BlitPNG(self._figure, self._bars)
        self._plots[key] = (self._figure, self._bars, self._bar_rows, self._shares, self._png)

    def _verts(self, rows: np.ndarray, width: np.ndarray) -> np.ndarray:
        h = self._bar_height / 2
        x0, x1 = np.zeros_like(width), width
        return np.stack(
            [np.column_stack(c) for c in ((x0, rows - h), (x0, rows + h), (x1, rows + h), (x1, rows - h))],
            axis=1,
        )

    def _plot(self) -> None:
        segments = list(self.summary.index)
        if self._figure is None or segments != self._segments:
            self._init_plot(segments)
        top = 0.0
        for rows, bars, col in zip(self._bar_rows, self._bars, self._shares):
            width = self.summary[col].to_numpy(dtype=float) * 100
            top = max(top, float(np.nanmax(width)) if len(width) else 0.0)
            bars.set_verts(self._verts(rows, np.nan_to_num(width)))
        xmax = next((s for s in (10, 20, 30, 40, 50, 60, 80, 100) if s >= top * 1.05), 100)
        self._figure.axes[0].set_xlim(0, xmax)
        self.image.value = self._png.render(limits=xmax)


__all__ = ["RFMExplorer", "parse_edges", "MEASURES"]
