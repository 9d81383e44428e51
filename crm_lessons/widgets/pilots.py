"""Pilot explorer: choose a segment, see the uplift of the loyalty programme and its interval.

The pilot is joined to the customers once when the widget is built; each change of a
segment filter recomputes :func:`crm_lessons.pilots.response_uplift` and
:func:`crm_lessons.pilots.spend_uplift` on the selected customers. Every number it shows
can be read without a browser:

>>> import pandas as pd
>>> from crm_lessons.widgets.pilots import PilotExplorer
>>> pilot = pd.DataFrame({"customer_id": list("abcdefgh"), "group": ["treatment", "control"] * 4,
...     "responded": [True, False, True, True, False, False, True, False], "spend": [9, 0, 5, 4, 0, 0, 7, 0]})
>>> customers = pd.DataFrame({"customer_id": list("abcdefgh"), "region": ["North"] * 4 + ["South"] * 4})
>>> w = PilotExplorer(pilot, customers, segments=("region",), draw=False)
>>> float(w.result["uplift"])
0.5
>>> w.filters["region"].value = "North"
>>> w.result[["rate_treatment", "rate_control", "uplift"]].tolist()
[1.0, 0.5, 0.5]
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons._validation import require_columns
from crm_lessons.pilots import response_uplift, select_segment, spend_uplift
from crm_lessons.plotting import BOOK_COLOURS
from crm_lessons.widgets._base import InvalidSetting, LessonWidget, accessible, col_label, name_text, wtr
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure

#: Customer columns offered as segment filters (those present in ``customers``).
DEFAULT_SEGMENTS = ("region", "channel", "tier", "buying_motive")


class PilotExplorer(LessonWidget):
    """Uplift of the loyalty-programme pilot (忠诚计划 against a 对照组), by segment.

    Parameters
    ----------
    pilot : pandas.DataFrame
        ``customer_id``, ``group``, ``responded``, ``spend``.
    customers : pandas.DataFrame
        ``customer_id`` and the segment columns.
    segments : sequence of str
        Customer columns to offer as filters (missing ones are skipped).
    confidence : float
        Confidence level of the intervals.
    draw : bool, default True
        Draw the plot on every update.

    Attributes
    ----------
    filters : dict of str -> ipywidgets.Dropdown
        One dropdown per segment column; "all" means no filter.
    result : pandas.Series
        :func:`crm_lessons.pilots.response_uplift` on the selected customers (empty when
        the selection lacks a group).
    spend : pandas.Series
        :func:`crm_lessons.pilots.spend_uplift` on the selected customers.
    overall : pandas.Series
        ``response_uplift`` of the whole pilot, for comparison.
    status : ipywidgets.HTML
    table : ipywidgets.HTML
    image : ipywidgets.Image
        Uplift with its interval for the segment and for the whole pilot.
    """

    def __init__(
        self,
        pilot: pd.DataFrame,
        customers: pd.DataFrame,
        *,
        segments=DEFAULT_SEGMENTS,
        confidence: float = 0.95,
        draw: bool = True,
    ):
        require_columns(pilot, ["customer_id", "group", "responded", "spend"], "pilot", source="load_pilot()")
        require_columns(customers, ["customer_id"], "customers", source="load_customers()")
        cols = [c for c in segments if c in customers.columns]
        if not cols:
            raise ValueError(
                f"`segments` {list(segments)} names no column of `customers`; "
                f"choose from {list(customers.columns)}."
            )
        self._data = pilot.merge(
            customers[["customer_id", *cols]], on="customer_id", how="left", validate="one_to_one"
        )
        self.confidence = confidence
        self.overall = response_uplift(self._data, confidence=confidence)
        lows, highs = [self.overall["ci_low"]], [self.overall["ci_high"]]
        for col in cols:
            for _value, part in self._data.groupby(col, observed=True):
                if part["group"].astype(str).nunique() == 2:
                    res = response_uplift(part, confidence=confidence)
                    lows.append(res["ci_low"])
                    highs.append(res["ci_high"])
        self._xlim = (_step_floor(min(lows)), _step_ceil(max(highs)))
        self.draw = draw
        self.filters = {}
        for col in cols:
            values = self._data[col]
            options = (
                list(values.cat.categories)
                if isinstance(values.dtype, pd.CategoricalDtype)
                else sorted(values.dropna().unique())
            )
            options = [str(v) for v in options if (values.astype(str) == str(v)).any()]
            self.filters[col] = widgets.Dropdown(
                options=[(wtr("pilots.all"), "all"), *[(name_text(f"value.{col}", v), v) for v in options]],
                value="all",
                description=col_label(col),
                style={"description_width": "110px"},
            )
            accessible(self.filters[col], col_label(col), wtr("pilots.filter_tip", column=col_label(col)))
        self.result = pd.Series(dtype=float)
        self.spend = pd.Series(dtype=float)
        self._figure = new_figure(9, 3.6, left=0.2, bottom=0.2) if draw else None
        self._assemble(
            list(self.filters.values()),
            [widgets.HBox(list(self.filters.values()), layout=widgets.Layout(flex_flow="row wrap"))],
        )

    key = "pilots"
    table_height = "120px"

    def __repr__(self) -> str:
        chosen = {k: f.value for k, f in self.filters.items() if f.value != "all"}
        return f"PilotExplorer(segment={chosen})"

    @property
    def segment(self) -> dict:
        """The current filter values (only those that filter)."""
        return {k: f.value for k, f in self.filters.items() if f.value != "all"}

    def clear(self) -> None:
        self.result, self.spend = pd.Series(dtype=float), pd.Series(dtype=float)

    def refresh(self) -> None:
        """Filter the pilot by the dropdowns, recompute the uplifts and redraw."""
        try:
            part = select_segment(self._data, None, self.segment)
            self.result = response_uplift(part, confidence=self.confidence)
            self.spend = spend_uplift(part, confidence=self.confidence)
        except ValueError as err:
            raise InvalidSetting(wtr("pilots.invalid", reason=str(err))) from None
        r, s = self.result, self.spend
        verdict = (
            wtr("pilots.significant") if r["p_value"] < 1 - self.confidence else wtr("pilots.not_significant")
        )
        name = ", ".join(
            f"{col_label(k)} = {name_text(f'value.{k}', v)}" for k, v in self.segment.items()
        ) or wtr("pilots.everyone")
        self.set_status(
            html.escape(
                wtr(
                    "pilots.status",
                    name=name,
                    treat=r["rate_treatment"],
                    control=r["rate_control"],
                    uplift=r["uplift"],
                    conf=self.confidence,
                    low=r["ci_low"],
                    high=r["ci_high"],
                    p=r["p_value"],
                    verdict=verdict,
                    spend=s["uplift"],
                    spend_low=s["ci_low"],
                    spend_high=s["ci_high"],
                )
            )
        )
        rows = pd.DataFrame(
            {
                "customers": [int(r["n_treatment"]), int(r["n_control"])],
                "response_rate": [r["rate_treatment"], r["rate_control"]],
                "mean_spend": [s["mean_treatment"], s["mean_control"]],
            },
            index=pd.Index([name_text("group", "treatment"), name_text("group", "control")], name="group"),
        )
        self.table.value = frame_html(
            rows, {"customers": "{:,}", "response_rate": "{:.1%}", "mean_spend": "{:,.0f}"}
        )
        if self.draw:
            self._plot()

    def _init_plot(self) -> None:
        # Artists are made once; an update only moves them.
        ax = self._figure.axes[0]
        self._rows = []
        for y, colour in ((0, BOOK_COLOURS[2]), (1, BOOK_COLOURS[0])):
            (interval,) = ax.plot(
                [], [], color=colour, linewidth=3, marker="|", markersize=22, markeredgewidth=3
            )
            (point,) = ax.plot([], [], color=colour, marker="o", markersize=11, linestyle="none")
            self._rows.append((y, interval, point))
        ax.axvline(0, color="black", linewidth=1)
        ax.set_yticks([0, 1], [wtr("pilots.whole"), wtr("pilots.this_segment")])
        ax.set_ylim(-0.6, 1.6)
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:+.0%}" if abs(v) > 1e-12 else "0")
        ax.set_xlabel(wtr("pilots.xlabel"))
        self._png = BlitPNG(
            self._figure, [artist for _, interval, point in self._rows for artist in (interval, point)]
        )

    def _plot(self) -> None:
        if not hasattr(self, "_png"):
            self._init_plot()
        ax = self._figure.axes[0]
        results = (self.overall, self.result)
        for (y, interval, point), res in zip(self._rows, results):
            if res.empty:
                interval.set_data([], [])
                point.set_data([], [])
                continue
            interval.set_data([res["ci_low"], res["ci_high"]], [y, y])
            point.set_data([res["uplift"]], [y])
        shown = [r for r in results if not r.empty]
        lo = min(r["ci_low"] for r in shown)
        hi = max(r["ci_high"] for r in shown)
        # one scale for all single-filter segments (set up in __init__), so segments can be
        # compared by eye and the axes need no redraw; widened only for combined filters
        xlim = (min(self._xlim[0], _step_floor(lo)), max(self._xlim[1], _step_ceil(hi)))
        ax.set_xlim(*xlim)
        self.image.value = self._png.render(limits=xlim)


def _step_floor(value: float) -> float:
    """Axis end below ``value`` (and below 0) in steps of 5 percentage points."""
    return float(np.floor((min(value, 0.0) - 0.01) * 20) / 20)


def _step_ceil(value: float) -> float:
    """Axis end above ``value`` (and above 0) in steps of 5 percentage points."""
    return float(np.ceil((max(value, 0.0) + 0.01) * 20) / 20)
