"""Screening-weights explorer: five sliders weight the five screening criteria, the ranking follows.

The criteria and their 0–100 scores are computed once when the widget is built; a slider
move is one matrix–vector product and a sort, so the ranking updates at once. Every number
it shows can be read without a browser:

>>> from crm_lessons.toy import toy_customers, toy_sales
>>> from crm_lessons.widgets.screening import ScreeningExplorer
>>> w = ScreeningExplorer(toy_sales(), toy_customers(), year=2024, draw=False)
>>> for name in ("profitability", "safety", "future_potential", "cooperation"):
...     w.sliders[name].value = 0
>>> w.ranking[["rank", "score"]]
             rank  score
customer_id
C2              1  100.0
C4              2    0.0
>>> w.sliders["annual_purchases"].value = 0
>>> w.valid, w.ranking.empty
(False, True)
>>> w.message
'All weights are zero: give at least one criterion a positive weight.'
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.screening import (
    CRITERIA,
    EQUAL_WEIGHTS,
    check_weights,
    criterion_scores,
    screening_criteria,
)
from crm_lessons.widgets._base import InvalidSetting, LessonWidget, accessible, name_text, wtr
from crm_lessons.widgets._blit import BlitPNG
from crm_lessons.widgets._render import frame_html, new_figure


class ScreeningExplorer(LessonWidget):
    """Weighted five-criteria customer screening with one slider per criterion.

    Parameters
    ----------
    sales, customers : pandas.DataFrame
        Sales lines and the customers table.
    year : int, optional
        Year assessed (default the last year of ``sales``).
    weights : mapping, optional
        Starting weights 0–10 per criterion (default all 5).
    top : int, default 15
        How many customers the ranking shows.
    method : {'percentile', 'minmax'}
        How criteria are put on 0–100 (see :func:`crm_lessons.screening.criterion_scores`).
    draw : bool, default True
        Draw the plot on every update.

    Attributes
    ----------
    sliders : dict of str to ipywidgets.IntSlider
        One slider (0–10) per criterion, keyed by the names in
        :data:`crm_lessons.screening.CRITERIA`; also reachable as attributes
        (``w.annual_purchases``, ``w.profitability``, ...).
    criteria : pandas.DataFrame
        The raw criteria of every screened customer (computed once).
    scores : pandas.DataFrame
        Their 0–100 scores (computed once).
    ranking : pandas.DataFrame
        Result of the last update: the ``top`` customers with rank, score, criterion scores,
        name and kind.
    status : ipywidgets.HTML
        The weights in use, or what is wrong with them.
    table : ipywidgets.HTML
        ``ranking`` rendered.
    image : ipywidgets.Image
        Stacked bars of each criterion's contribution to the score (drawn like
        :func:`crm_lessons.screening.plot_ranking`; an update resizes the bars and rewrites the
        customer labels instead of redrawing the figure).
    """

    def __init__(
        self,
        sales: pd.DataFrame,
        customers: pd.DataFrame,
        year: int | None = None,
        weights=None,
        top: int = 15,
        method: str = "percentile",
        draw: bool = True,
    ):
        if not isinstance(top, (int, np.integer)) or top < 1:
            raise ValueError(f"`top` must be a positive whole number of customers, got {top!r}.")
        start = dict.fromkeys(CRITERIA, 5) if weights is None else {k: weights.get(k, 0) for k in CRITERIA}
        check_weights(start)
        self.criteria = screening_criteria(sales, customers, year=year)
        self.scores = criterion_scores(self.criteria, method=method)
        self.top = int(top)
        # Precomputed once: the score matrix, ids for tie-breaking, names and kinds.
        self._matrix = self.scores[list(CRITERIA)].to_numpy(dtype=float)
        self._ids = self.scores.index.astype(str).to_numpy()
        info = customers.set_index("customer_id").reindex(self.scores.index)
        self._names = info["name"].astype(str).to_numpy()
        self._kinds = info["kind"].astype(str).to_numpy()
        self.draw = draw
        self.sliders = {
            k: widgets.IntSlider(
                value=int(start[k]),
                min=0,
                max=10,
                step=1,
                description=name_text("criterion", k),
                style={"description_width": "170px"},
                continuous_update=True,
            )
            for k in CRITERIA
        }
        for k, s in self.sliders.items():
            setattr(self, k, s)
            accessible(
                s, name_text("criterion", k), wtr("screening.weight_tip", criterion=name_text("criterion", k))
            )
        self.ranking = pd.DataFrame()
        self._figure = None  # drawn lazily, only when `draw` is on
        self._assemble(list(self.sliders.values()))

    def __repr__(self) -> str:
        return f"ScreeningExplorer(weights={self.weights}, top={self.top})"

    @property
    def weights(self) -> dict:
        """The sliders' current weights, by criterion."""
        return {k: s.value for k, s in self.sliders.items()}

    key = "screening"
    table_height = "260px"

    def compute(self) -> pd.DataFrame:
        """The top of the ranking for the current weights (InvalidSetting when the weights are all zero)."""
        raw = np.array([self.sliders[k].value for k in CRITERIA], dtype=float)
        if raw.sum() == 0:
            raise InvalidSetting(wtr("screening.invalid"))
        w = check_weights(raw)
        score = self._matrix @ w
        # Best score first, ties by customer id; only the top rows are sorted in full.
        k = min(self.top, len(score))
        part = np.argpartition(-score, k - 1)[:k] if k < len(score) else np.arange(len(score))
        cut = score[part].min()
        cand = np.flatnonzero(score >= cut)
        order = cand[np.lexsort((self._ids[cand], -score[cand]))][:k]
        out = pd.DataFrame(
            self._matrix[order], columns=list(CRITERIA), index=pd.Index(self._ids[order], name="customer_id")
        )
        out.insert(0, "score", score[order])
        out.insert(0, "rank", np.arange(1, k + 1))
        out["name"] = self._names[order]
        out["kind"] = self._kinds[order]
        return out

    def clear(self) -> None:
        self.ranking = pd.DataFrame()

    def refresh(self) -> None:
        """Recompute the ranking from the sliders and redraw."""
        ranking = self.compute()
        self.ranking = ranking
        w = check_weights([self.sliders[k].value for k in CRITERIA])
        self.set_status(
            html.escape(
                wtr(
                    "screening.status",
                    weights=", ".join(f"{name_text('criterion', k)} {v:.0%}" for k, v in zip(CRITERIA, w)),
                )
            )
        )
        formats = {"score": "{:.1f}", **{k: "{:.0f}" for k in CRITERIA}}
        shown = ranking[["rank", "name", "kind", "score", *CRITERIA]].copy()
        shown["kind"] = [name_text("kind", v) for v in shown["kind"]]
        labels = {k: name_text("criterion", k) for k in CRITERIA}
        shown = shown.rename(columns=labels)
        formats = {labels.get(k, k): f for k, f in formats.items()}
        self.table.value = frame_html(shown, formats)
        if self.draw:
            self._plot(ranking, w)

    def _init_plot(self, n: int) -> None:
        # Artists are made once (as plot_ranking draws them); an update only resizes the bars and
        # rewrites the labels. The customer labels are texts beside the axis rather than tick labels,
        # so they can change without redrawing the axis.
        import matplotlib as mpl

        self._figure = new_figure(12, 0.42 * self.top + 2.2, left=0.31, right=0.76, bottom=0.1, top=0.93)
        ax = self._figure.axes[0]
        colours = CRITERION_COLOURS
        y = np.arange(n)[::-1]
        self._bar_y = y
        # One collection of n bars per criterion (drawing one collection is much faster than n
        # rectangles); edges as barh draws them.
        from matplotlib.collections import PolyCollection

        self._bars = []
        for crit, colour in zip(CRITERIA, colours):
            bars = PolyCollection(
                self._bar_verts(np.zeros(n), np.zeros(n)),
                facecolors=[colour],
                edgecolors=mpl.rcParams["patch.edgecolor"]
                if mpl.rcParams["patch.force_edgecolor"]
                else "none",
                linewidths=mpl.rcParams["patch.linewidth"],
                label=name_text("criterion", crit),
            )
            ax.add_collection(bars)  # the y limits follow the bars' rows, as with barh
            self._bars.append(bars)
        ax.set_yticks(y, [""] * n)
        pad = mpl.rcParams["ytick.major.size"] + mpl.rcParams["ytick.major.pad"]
        offset = mpl.transforms.offset_copy(
            ax.get_yaxis_transform(), fig=self._figure, x=-pad, units="points"
        )
        colour = mpl.rcParams["ytick.labelcolor"]
        colour = mpl.rcParams["ytick.color"] if colour == "inherit" else colour
        self._labels = [
            ax.text(
                0,
                yi,
                "",
                transform=offset,
                ha="right",
                va="center",
                fontsize=mpl.rcParams["ytick.labelsize"],
                color=colour,
            )
            for yi in y
        ]
        ax.set_xlim(0, 100)
        ax.set_xlabel(wtr("screening.xlabel"))
        ax.set_title(wtr("screening.plot_title"))
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=12,
            title=wtr("screening.legend"),
            title_fontsize=12,
        )
        ax.grid(axis="y", visible=False)
        self._png = BlitPNG(self._figure, [*self._bars, *self._labels])

    def _bar_verts(self, left: np.ndarray, width: np.ndarray) -> np.ndarray:
        # Corners of horizontal bars of height 0.75 centred on the customers' rows.
        y0, y1 = self._bar_y - 0.375, self._bar_y + 0.375
        x0, x1 = left, left + width
        return np.stack([np.column_stack(c) for c in ((x0, y0), (x0, y1), (x1, y1), (x1, y0))], axis=1)

    def _plot(self, ranking: pd.DataFrame, w: np.ndarray) -> None:
        if self._figure is None:
            self._init_plot(len(ranking))
        left = np.zeros(len(ranking))
        for k, (crit, bars) in enumerate(zip(CRITERIA, self._bars)):
            part = ranking[crit].to_numpy(dtype=float) * w[k]
            bars.set_verts(self._bar_verts(left, part))
            left = left + part
        for label, i, name in zip(self._labels, ranking.index, ranking["name"]):
            label.set_text(f"{_short(name, 20)} ({i})")
        self.image.value = self._png.render()


def _short(name: str, width: int) -> str:
    """A name cut to ``width`` characters with an ellipsis (never cut silently)."""
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


#: Okabe–Ito colours, chosen so that neighbouring criteria differ in lightness as well as hue
#: (told apart with any colour-vision deficiency): blue, orange, sky blue, reddish purple, grey.
CRITERION_COLOURS = ["#0072B2", "#E69F00", "#56B4E9", "#CC79A7", "#4D4D4D"]

__all__ = ["ScreeningExplorer", "EQUAL_WEIGHTS", "CRITERION_COLOURS"]
