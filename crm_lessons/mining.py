"""Customer mining (数据挖掘): clusters on RFM, and the behaviours that go with an outcome.

Two tools of customer intelligence, both on the customer database's behaviour table:

* **Segmentation by clustering** (客户细分): k-means on the log-scaled, standardised RFM values
  groups customers who behave alike, without rules given in advance; each cluster is then
  profiled (size, typical recency, frequency and spend, share of revenue) and named from its
  profile.
* **Which behaviours go with an outcome**: a decision tree (scikit-learn) and a chi-square
  split in the style of CHAID (chi-square automatic interaction detection, Kass 1980) find the
  customer groups in which an outcome -- becoming a gold customer, responding to a pilot --
  is most and least common, and read the split out in words. The course's consulting deck
  reports such a finding for a bank: customers with high current-account balances who use
  the ATM often tend to become active credit-card users.

Both find *association*, not cause: a tree saying "frequent buyers are gold" does not say
that making customers buy more often would make them gold.

References
----------
Kass, G. V. (1980). An exploratory technique for investigating large quantities of
categorical data. *Applied Statistics*, 29(2), 119-127 (CHAID).
Breiman, L., Friedman, J., Olshen, R. & Stone, C. (1984). *Classification and Regression
Trees*. Wadsworth.
MacQueen, J. (1967). Some methods for classification and analysis of multivariate
observations. *Proc. 5th Berkeley Symposium*, 1, 281-297 (k-means).
Course material, chapter 3 (数据挖掘, 客户细分) and the CRM deck's CHAID example (ATM use and
credit-card use).

Examples
--------
>>> import pandas as pd
>>> from crm_lessons.mining import chaid_split
>>> frame = pd.DataFrame({"channel": ["rep"] * 50 + ["online"] * 50,
...                       "gold": [True] * 30 + [False] * 20 + [True] * 5 + [False] * 45})
>>> split = chaid_split(frame, "gold", ["channel"])
>>> split.groups[["channel", "customers", "rate"]]
  channel  customers  rate
0     rep         50   0.6
1  online         50   0.1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency
from threadpoolctl import threadpool_limits

from crm_lessons._validation import (
    require_boolean,
    require_columns,
    require_date,
    require_frame,
    require_numeric,
    require_rows,
    require_same_id_type,
    require_typed,
)
from crm_lessons.rfm import MEASURES, rank_score

RANDOM_STATE = 0


# ------------------------------------------------------------------------------------------
# clustering


def rfm_features(rfm: pd.DataFrame, log: bool = True) -> pd.DataFrame:
    """RFM values ready for k-means: log-scaled (``log1p``) and standardised (mean 0, sd 1).

    Parameters
    ----------
    rfm : pandas.DataFrame
        Columns ``recency``, ``frequency``, ``monetary`` (:func:`crm_lessons.rfm.rfm_table`).
    log : bool
        Take :math:`\\log(1 + x)` first (default). RFM values are skewed -- a few customers
        buy hundreds of times -- and without the log those few would make up clusters of
        their own while everyone else shares one.

    Returns
    -------
    pandas.DataFrame
        Same index, the three columns transformed.

    Notes
    -----
    :math:`z = (u - \\bar u) / s_u` with :math:`u = \\log(1 + x)` and :math:`s_u` the
    population standard deviation (``ddof=0``, as scikit-learn's ``StandardScaler``).

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [0, 0], "frequency": [1, 3], "monetary": [0.0, 9.0]})
    >>> f = rfm_features(rfm, log=False)
    >>> f.to_numpy().tolist()
    [[0.0, -1.0, -1.0], [0.0, 1.0, 1.0]]
    """
    require_typed(rfm, "rfm", list(MEASURES), source="crm_lessons.rfm.rfm_table()")
    x = rfm[list(MEASURES)].astype("float64")
    if (x < 0).any().any():
        raise ValueError("rfm: values must be >= 0 (recency in days, frequency, spend)")
    if log:
        x = np.log1p(x)
    mean = x.mean()
    sd = x.std(ddof=0)
    # a column that does not vary is 0 for everybody (its std can come out 1e-17, not 0, from rounding)
    flat = sd <= 1e-12 * np.maximum(1.0, mean.abs())
    return ((x - mean) / sd.mask(flat, 1.0)).mask(flat, 0.0, axis=1)


def _cluster_name(z: pd.Series) -> str:
    r = "recent" if z["recency"] < 0 else "lapsed"
    f = "frequent" if z["frequency"] > 0 else "occasional"
    m = "big spenders" if z["monetary"] > 0 else "small spenders"
    return f"{r}, {f}, {m}"


@dataclass
class ClusterResult:
    """k-means clusters of customers.

    Attributes
    ----------
    labels : pandas.Series
        Cluster number (1 = highest mean spend) per customer.
    profile : pandas.DataFrame
        One row per cluster: ``name``, ``customers``, ``customer_share``, mean and median
        recency, frequency and monetary value, ``revenue_share``.
    centers : pandas.DataFrame
        Cluster centres on the standardised scale (what k-means sees).
    inertia : float
        Within-cluster sum of squares.
    """

    labels: pd.Series
    profile: pd.DataFrame
    centers: pd.DataFrame
    inertia: float


def kmeans_segments(
    rfm: pd.DataFrame, k: int = 4, log: bool = True, random_state: int = RANDOM_STATE, n_init: int = 10
) -> ClusterResult:
    """Segment customers with k-means on log-scaled, standardised RFM, and profile the clusters.

    Parameters
    ----------
    rfm : pandas.DataFrame
        From :func:`crm_lessons.rfm.rfm_table`, indexed by customer.
    k : int
        Number of clusters.
    log : bool
        Log-scale before standardising (:func:`rfm_features`).
    random_state, n_init : int
        Seed and number of restarts of k-means (fixed so the result repeats).

    Returns
    -------
    ClusterResult

    Notes
    -----
    k-means minimises :math:`\\sum_i \\lVert z_i - c_{g(i)} \\rVert^2`. Cluster numbers from
    scikit-learn are arbitrary; here they are renumbered by mean spend (1 = highest), and each
    cluster is named from the signs of its centre: recent / lapsed, frequent / occasional,
    big / small spenders. Rows are sorted by customer first, so the input order does not
    matter.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [1, 2, 3, 400, 500, 600], "frequency": [20, 25, 30, 1, 1, 2],
    ...                     "monetary": [9e4, 8e4, 7e4, 100.0, 200.0, 300.0]})
    >>> res = kmeans_segments(rfm, k=2)
    >>> res.labels.tolist()
    [1, 1, 1, 2, 2, 2]
    >>> res.profile["name"].tolist()
    ['recent, frequent, big spenders', 'lapsed, occasional, small spenders']

    Checked on data with two planted groups (above, tests): both recovered exactly.
    """
    from sklearn.cluster import KMeans

    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= 12:
        raise ValueError(f"k must be a whole number of clusters between 2 and 12, got {k!r}")
    features = rfm_features(rfm, log=log).sort_index()
    if len(features) < k:
        raise ValueError(f"k={k} clusters need at least {k} customers; rfm has {len(features)}")
    distinct = len(features.drop_duplicates())
    if distinct < k:
        raise ValueError(
            f"k={k} clusters need at least {k} customers with different values; `rfm` has "
            f"{distinct} "
            "(the others repeat the same recency, frequency and monetary value). Choose a "
            "smaller k."
        )
    with threadpool_limits(limits=1):  # one thread: as fast on small data, and no oversubscription
        model = KMeans(n_clusters=int(k), n_init=n_init, random_state=random_state).fit(features.to_numpy())
    raw = pd.Series(model.labels_, index=features.index)
    values = rfm.loc[features.index, list(MEASURES)]
    mean_spend = values["monetary"].groupby(raw).mean()
    # renumber by mean spend, ties broken by the centre's coordinates (deterministic)
    keys = sorted(mean_spend.index, key=lambda c: (-mean_spend[c], tuple(model.cluster_centers_[c])))
    renumber = {old: new for new, old in enumerate(keys, start=1)}
    labels = raw.map(renumber).astype("int64").reindex(rfm.index).rename("cluster")
    centers = pd.DataFrame(model.cluster_centers_, columns=list(MEASURES)).rename(index=renumber).sort_index()
    centers.index.name = "cluster"
    profile = cluster_profile(rfm, labels)
    profile.insert(0, "name", [_cluster_name(centers.loc[c]) for c in profile.index])
    return ClusterResult(labels=labels, profile=profile, centers=centers, inertia=float(model.inertia_))


def cluster_profile(rfm: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Size, typical RFM values and revenue share of each cluster (or any grouping).

    Parameters
    ----------
    rfm : pandas.DataFrame
        ``recency``, ``frequency``, ``monetary`` per customer (``monetary`` = total spend).
    labels : pandas.Series
        Group of each customer, same index.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted): ``customers``, ``customer_share``, ``mean_recency``,
        ``median_recency``, ``mean_frequency``, ``median_frequency``, ``mean_monetary``,
        ``median_monetary``, ``revenue_share``.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [1, 3], "frequency": [2, 4], "monetary": [10.0, 30.0]})
    >>> cluster_profile(rfm, pd.Series([1, 1]))[["customers", "mean_frequency", "revenue_share"]]
             customers  mean_frequency  revenue_share
    cluster
    1                2             3.0            1.0
    """
    require_typed(rfm, "rfm", list(MEASURES), source="crm_lessons.rfm.rfm_table()")
    frame = rfm[list(MEASURES)].copy()
    frame["cluster"] = labels.reindex(frame.index).to_numpy()
    g = frame.groupby("cluster", sort=True)
    out = pd.DataFrame({"customers": g.size()})
    out["customer_share"] = out["customers"] / len(frame)
    for m in MEASURES:
        out[f"mean_{m}"] = g[m].mean()
        out[f"median_{m}"] = g[m].median()
    out["revenue_share"] = g["monetary"].sum() / frame["monetary"].sum()
    return out


def choose_k(
    rfm: pd.DataFrame, ks=range(2, 9), log: bool = True, random_state: int = RANDOM_STATE, sample: int = 2000
) -> pd.DataFrame:
    """Inertia (elbow) and silhouette score for several numbers of clusters.

    Parameters
    ----------
    rfm : pandas.DataFrame
    ks : iterable of int
    log, random_state
        As :func:`kmeans_segments`.
    sample : int
        Silhouette is computed on at most this many customers (a fixed random sample), since
        it compares every pair.

    Returns
    -------
    pandas.DataFrame
        Columns ``k``, ``inertia``, ``silhouette`` (higher is better separated).

    Notes
    -----
    Silhouette of a customer: :math:`(b - a) / \\max(a, b)`, with :math:`a` the mean distance
    to its own cluster and :math:`b` to the nearest other cluster; averaged over customers.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    z = rfm_features(rfm, log=log).sort_index().to_numpy()
    ks = list(ks)
    if not ks or any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2 for k in ks):
        raise ValueError(
            f"`ks` must list whole numbers of clusters, each 2 or more, e.g. range(2, 9); got {ks!r}."
        )
    distinct = len(np.unique(z, axis=0))
    if max(ks) >= distinct:
        raise ValueError(
            f"`ks` goes up to {max(ks)} clusters but `rfm` has only {distinct} customers "
            "with different "
            "values; the silhouette needs more. Choose smaller k."
        )
    rows = []
    for k in ks:
        with threadpool_limits(limits=1):
            model = KMeans(n_clusters=int(k), n_init=10, random_state=random_state).fit(z)
            sil = silhouette_score(
                z, model.labels_, sample_size=min(sample, len(z)), random_state=random_state
            )
        rows.append({"k": int(k), "inertia": float(model.inertia_), "silhouette": float(sil)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------
# decision tree


@dataclass
class TreeResult:
    """A fitted decision tree and its leaves in words.

    Attributes
    ----------
    model : sklearn.tree.DecisionTreeClassifier
    leaves : pandas.DataFrame
        One row per leaf, highest outcome rate first: ``rule`` (the path in words),
        ``customers``, ``share`` (of all customers), ``rate`` (share with the outcome).
    importance : pandas.Series
        Feature importances (total impurity decrease), largest first.
    base_rate : float
        Share with the outcome among all customers.
    features : list of str
    """

    model: object
    leaves: pd.DataFrame
    importance: pd.Series
    base_rate: float
    features: list = field(default_factory=list)

    def read_out(self, outcome: str = "the outcome") -> str:
        """The tree's strongest and weakest leaves in a sentence each."""
        top, bottom = self.leaves.iloc[0], self.leaves.iloc[-1]
        return (
            f"Overall {self.base_rate:.0%} have {outcome}. "
            f"Among customers with {top['rule']} ({int(top['customers'])} customers) "
            f"{top['rate']:.0%} have {outcome}; "
            f"among those with {bottom['rule']} ({int(bottom['customers'])}) only {bottom['rate']:.0%}."
        )


def _fmt(x: float) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if float(x).is_integer():
        return f"{x:.0f}"
    return f"{x:.1f}"


def _numeric_matrix(frame: pd.DataFrame, features) -> tuple[pd.DataFrame, list[str]]:
    """Numbers as they are, booleans as 0/1, categories one-hot ('channel = store')."""
    parts, names = [], []
    for f in features:
        s = frame[f]
        if pd.api.types.is_bool_dtype(s):
            parts.append(s.astype("float64").rename(f))
            names.append(f)
        elif pd.api.types.is_numeric_dtype(s):
            parts.append(require_numeric(frame, f, "frame", allow_nan=True).rename(f))
            names.append(f)
        else:
            cats = (
                s.cat.categories
                if isinstance(s.dtype, pd.CategoricalDtype)
                else sorted(s.dropna().unique(), key=str)
            )
            for c in cats:
                parts.append((s == c).astype("float64").rename(f"{f} = {c}"))
                names.append(f"{f} = {c}")
    return pd.concat(parts, axis=1), names


def _rule_in_words(conditions, integer: dict) -> str:
    """A tree path as a short rule: one range per number, yes/no for 0/1 features."""
    lower, upper, flags, order = {}, {}, {}, []
    for name, op, thr in conditions:
        if name not in order:
            order.append(name)
        binary = integer.get(name) and 0 <= thr < 1
        if binary:
            flags[name] = op == ">"
        elif op == ">":
            lower[name] = max(lower.get(name, -np.inf), thr)
        else:
            upper[name] = min(upper.get(name, np.inf), thr)
    parts = []
    for name in order:
        if name in flags:
            if " = " in name:  # one-hot category
                parts.append(name if flags[name] else name.replace(" = ", " != "))
            else:
                parts.append(name if flags[name] else f"not {name}")
            continue
        lo, hi = lower.get(name), upper.get(name)
        if integer.get(name):  # whole numbers: '> 24.5' reads '>= 25'
            lo_s = None if lo is None else _fmt(np.floor(lo) + 1)
            hi_s = None if hi is None else _fmt(np.floor(hi))
            if lo_s and hi_s:
                parts.append(f"{name} {lo_s}-{hi_s}")
            elif lo_s:
                parts.append(f"{name} >= {lo_s}")
            else:
                parts.append(f"{name} <= {hi_s}")
        else:
            if lo is not None and hi is not None:
                parts.append(f"{_fmt(lo)} < {name} <= {_fmt(hi)}")
            elif lo is not None:
                parts.append(f"{name} > {_fmt(lo)}")
            else:
                parts.append(f"{name} <= {_fmt(hi)}")
    return " and ".join(parts) or "everyone"


def decision_tree(
    frame: pd.DataFrame,
    outcome: str,
    features,
    max_depth: int = 3,
    min_samples_leaf: int = 100,
    random_state: int = RANDOM_STATE,
) -> TreeResult:
    """Fit a classification tree for a yes/no outcome and list its leaves as rules in words.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer.
    outcome : str
        Boolean column (e.g. ``is_gold``, ``responded``).
    features : list of str
        Behaviour columns: numbers, booleans or categories (one-hot encoded).
    max_depth, min_samples_leaf : int
        Keep the tree small enough to read and the leaves big enough to trust.
    random_state : int
        Fixed, so ties between equally good splits are broken the same way every run.

    Returns
    -------
    TreeResult

    Notes
    -----
    Splits minimise the Gini impurity :math:`1 - p^2 - (1 - p)^2` of the children (CART).
    Each leaf's size and outcome rate are counted from the data. Checked on a planted rule
    (tests): the tree finds it and the leaf holding it has rate 1.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"orders": list(range(1, 401)), "gold": [n > 300 for n in range(1, 401)]})
    >>> tree = decision_tree(frame, "gold", ["orders"], max_depth=1, min_samples_leaf=10)
    >>> tree.leaves[["rule", "customers", "rate"]]
              rule  customers  rate
    0  orders >= 301        100   1.0
    1  orders <= 300        300   0.0
    """
    from sklearn.tree import DecisionTreeClassifier

    require_frame(frame, "frame")
    require_columns(frame, [outcome, *features], "frame")  # features may be bands (text) whatever their names
    require_rows(frame, "frame")
    y = require_boolean(frame, outcome, "frame")  # True/False or 1/0
    X, names = _numeric_matrix(frame, features)
    if X.isna().any().any():
        raise ValueError("frame: the feature columns must not be missing; fill or drop those rows first")
    model = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=min_samples_leaf, random_state=random_state
    )
    model.fit(X.to_numpy(), y.to_numpy())
    t = model.tree_
    integer = {n: bool(np.all(np.mod(X[n].to_numpy(), 1) == 0)) for n in names}
    # each leaf's customers and outcome rate counted from the data, not read off the tree's internals
    leaf_of = pd.Series(model.apply(X.to_numpy()), index=frame.index)
    counts = leaf_of.value_counts()
    rates = y.astype("float64").groupby(leaf_of).mean()
    rows = []

    def walk(node, conditions):
        if t.children_left[node] == -1:
            rows.append(
                {
                    "rule": _rule_in_words(conditions, integer),
                    "customers": int(counts.get(node, 0)),
                    "rate": float(rates.get(node, np.nan)),
                }
            )
            return
        name, thr = names[t.feature[node]], float(t.threshold[node])
        walk(t.children_left[node], conditions + [(name, "<=", thr)])
        walk(t.children_right[node], conditions + [(name, ">", thr)])

    walk(0, [])
    leaves = pd.DataFrame(rows)
    leaves["share"] = leaves["customers"] / len(frame)
    leaves = leaves.sort_values(["rate", "customers"], ascending=[False, False], ignore_index=True)
    leaves = leaves[["rule", "customers", "share", "rate"]]
    importance = pd.Series(model.feature_importances_, index=names).sort_values(
        ascending=False, kind="stable"
    )
    importance = importance[importance > 0]
    return TreeResult(
        model=model, leaves=leaves, importance=importance, base_rate=float(y.mean()), features=names
    )


# ------------------------------------------------------------------------------------------
# CHAID-style chi-square split


def bands(values, bins: int = 5, higher_is_better: bool = True, unit: str = "") -> pd.Series:
    """Ordered bands of a number by the tie-safe quintile rule, labelled with their value ranges.

    Parameters
    ----------
    values : pandas.Series
    bins : int
        Number of bands (empty bands are dropped, so ties never split a value).
    higher_is_better : bool
        Passed to :func:`crm_lessons.rfm.rank_score`; band 1 holds the lowest values either way.
    unit : str
        Appended to the labels, e.g. ``" orders"``.

    Returns
    -------
    pandas.Series
        Ordered categorical with labels like ``"3-7 orders"``.

    Examples
    --------
    >>> import pandas as pd
    >>> bands(pd.Series([1, 1, 1, 1, 2, 3, 5, 8, 13, 21]), unit=" orders").cat.categories.tolist()
    ['1 orders', '2-3 orders', '5-8 orders', '13-21 orders']
    """
    s = pd.Series(values)
    score = pd.Series(rank_score(s, True, bins), index=s.index)
    labels = {}
    for b in sorted(score.unique()):
        v = s[score == b]
        lo, hi = v.min(), v.max()
        labels[b] = f"{_fmt(lo)}{unit}" if lo == hi else f"{_fmt(lo)}-{_fmt(hi)}{unit}"
    cats = [labels[b] for b in sorted(labels)]
    return pd.Series(
        pd.Categorical(score.map(labels), categories=cats, ordered=True), index=s.index, name=s.name
    )


def _p_value(table: np.ndarray) -> tuple[float, float, int]:
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] < 2 or (table.sum(axis=0) == 0).any():
        return 0.0, 1.0, 0
    chi2, p, dof, _ = chi2_contingency(table, correction=False)
    return float(chi2), float(p), int(dof)


def _stirling2(n: int, k: int) -> int:
    """Ways to split n categories into k non-empty groups (Stirling number of the second kind)."""
    return sum((-1) ** i * comb(k, i) * (k - i) ** n for i in range(k + 1)) // int(np.prod(range(1, k + 1)))


@dataclass
class ChaidSplit:
    """The best chi-square split of customers on one predictor.

    Attributes
    ----------
    predictor : str or None
        Chosen predictor (None when no predictor is significant).
    groups : pandas.DataFrame
        One row per merged group of the predictor's categories: the categories (joined by
        ``" / "``), ``customers``, ``with_outcome``, ``rate``; highest rate first.
    tests : pandas.DataFrame
        Every predictor: ``groups`` after merging, ``chi2``, ``dof``, ``p_value`` and the
        Bonferroni-adjusted ``p_adjusted``; best first.
    outcome : str
    base_rate : float
    """

    predictor: str | None
    groups: pd.DataFrame
    tests: pd.DataFrame
    outcome: str
    base_rate: float

    def read_out(self, outcome: str | None = None) -> str:
        """The split in words: which group has the outcome most and least often."""
        what = outcome or self.outcome
        if self.predictor is None:
            return f"No behaviour separates customers with {what} from the others at this significance level."
        top, bottom = self.groups.iloc[0], self.groups.iloc[-1]
        p = self.tests.iloc[0]["p_adjusted"]
        p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        return (
            f"{self.predictor} matters most ({p_text}): "
            f"of customers with {self.predictor} {top[self.predictor]}, "
            f"{top['rate']:.0%} have {what} ({int(top['customers'])} customers); "
            f"of those with {self.predictor} {bottom[self.predictor]}, {bottom['rate']:.0%} "
            f"(overall {self.base_rate:.0%})."
        )


def _merge_categories(x: pd.Series, y: pd.Series, ordered: bool, alpha_merge: float) -> list[list]:
    cats = list(x.cat.categories) if isinstance(x.dtype, pd.CategoricalDtype) else sorted(x.dropna().unique())
    counts = pd.crosstab(x, y).reindex(index=cats, columns=[False, True], fill_value=0)
    groups = [[c] for c in cats if counts.loc[c].sum() > 0]
    while len(groups) > 1:
        pairs = (
            [(i, i + 1) for i in range(len(groups) - 1)]
            if ordered
            else list(combinations(range(len(groups)), 2))
        )
        best, best_p = None, -1.0
        for i, j in pairs:
            table = np.vstack(
                [counts.loc[groups[i]].sum().to_numpy(), counts.loc[groups[j]].sum().to_numpy()]
            )
            _, p, _ = _p_value(table)
            if p > best_p:
                best, best_p = (i, j), p
        if best_p <= alpha_merge:
            break
        i, j = best
        groups[i] = groups[i] + groups[j]
        del groups[j]
    return groups


def chaid_split(
    frame: pd.DataFrame,
    outcome: str,
    predictors,
    alpha: float = 0.05,
    alpha_merge: float = 0.05,
    min_size: int = 30,
) -> ChaidSplit:
    """Choose the predictor whose categories best separate a yes/no outcome (one CHAID step).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer.
    outcome : str
        Boolean column.
    predictors : list of str
        Categorical columns (ordered categoricals are merged only with their neighbours; make
        numbers into bands first with :func:`bands`).
    alpha : float
        Significance level for choosing a predictor (Bonferroni-adjusted p-value).
    alpha_merge : float
        Two categories whose outcome rates do not differ at this level are merged.
    min_size : int
        Predictors leaving a group smaller than this are not used.

    Returns
    -------
    ChaidSplit

    Notes
    -----
    For each predictor: (1) repeatedly merge the pair of categories (adjacent ones if the
    predictor is ordered) whose 2 x 2 table of category x outcome has the largest chi-square
    p-value, while it exceeds ``alpha_merge``; (2) test the merged table with Pearson's
    chi-square, :math:`\\chi^2 = \\sum (O - E)^2 / E` (no continuity correction,
    ``scipy.stats.chi2_contingency``); (3) multiply the p-value by the number of ways the
    categories could have been merged into that many groups (Bonferroni). The predictor with
    the smallest adjusted p-value wins if it is below ``alpha``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"region": ["N", "S", "E", "W"] * 50,
    ...                       "gold": ([True] * 3 + [False]) * 25 + [False] * 100})
    >>> res = chaid_split(frame, "gold", ["region"])
    >>> res.groups[["region", "customers", "rate"]]
          region  customers  rate
    0  E / N / S        150   0.5
    1          W         50   0.0
    >>> print(res.read_out("gold status"))
    region matters most (p < 0.001): of customers with region E / N / S, 50% have gold status
    (150 customers); of those with region W, 0% (overall 38%).

    Checked against a planted example (tests): the planted predictor and groups are found.
    """
    require_frame(frame, "frame")
    # predictors are categories or bands whatever their names (a band of 'spend' is text)
    require_columns(frame, [outcome, *predictors], "frame")
    require_rows(frame, "frame")
    y = require_boolean(frame, outcome, "frame")  # True/False, or 1/0
    rows, merged = [], {}
    for pred in predictors:
        x = frame[pred]
        if x.isna().any():
            raise ValueError(f"frame[{pred!r}] has missing values; fill them (e.g. 'unknown') first")
        ordered = isinstance(x.dtype, pd.CategoricalDtype) and x.cat.ordered
        groups = _merge_categories(x, y, ordered, alpha_merge)
        label = {c: " / ".join(map(str, g)) for g in groups for c in g}
        gx = x.map(label).astype("str")
        table = pd.crosstab(gx, y).reindex(columns=[False, True], fill_value=0)
        chi2, p, dof = _p_value(table.to_numpy())
        c, r = sum(len(g) for g in groups), len(groups)
        multiplier = comb(c - 1, r - 1) if ordered else _stirling2(c, r)
        small = table.sum(axis=1).min() < min_size
        rows.append(
            {
                "predictor": pred,
                "groups": r,
                "chi2": chi2,
                "dof": dof,
                "p_value": p,
                "p_adjusted": min(1.0, p * multiplier) if r > 1 else 1.0,
                "too_small": bool(small),
            }
        )
        merged[pred] = (groups, gx)
    tests = pd.DataFrame(rows).sort_values(
        ["too_small", "p_adjusted", "chi2"], ascending=[True, True, False], kind="stable", ignore_index=True
    )
    base = float(y.mean())
    best = tests.iloc[0] if len(tests) else None
    if best is None or best["too_small"] or best["p_adjusted"] >= alpha or best["groups"] < 2:
        return ChaidSplit(None, pd.DataFrame(), tests, outcome, base)
    pred = best["predictor"]
    groups, gx = merged[pred]
    g = pd.DataFrame({pred: gx, "hit": y.astype("int64")}).groupby(pred, sort=False)["hit"]
    out = pd.DataFrame({"customers": g.size(), "with_outcome": g.sum()})
    out["rate"] = out["with_outcome"] / out["customers"]
    out = out.reset_index().sort_values(["rate", pred], ascending=[False, True], ignore_index=True)
    return ChaidSplit(pred, out[[pred, "customers", "with_outcome", "rate"]], tests, outcome, base)


def chaid_tree(
    frame: pd.DataFrame, outcome: str, predictors, depth: int = 2, alpha: float = 0.05, min_size: int = 100
) -> pd.DataFrame:
    """Grow CHAID splits to a given depth and list the final groups as rules in words.

    Parameters
    ----------
    frame, outcome, predictors, alpha
        As :func:`chaid_split`.
    depth : int
        Levels of splits (2 reads like the deck's "high balance *and* frequent ATM use").
    min_size : int
        Groups smaller than this are not split further.

    Returns
    -------
    pandas.DataFrame
        One row per final group, highest outcome rate first: ``rule``, ``customers``,
        ``share``, ``rate``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"a": ["x", "y"] * 200, "b": ["u"] * 200 + ["v"] * 200})
    >>> frame["hit"] = (frame["a"] == "x") & (frame["b"] == "u")
    >>> chaid_tree(frame, "hit", ["a", "b"])[["rule", "customers", "rate"]]
                 rule  customers  rate
    0  a = x and b = u        100   1.0
    ...
    """
    leaves = []

    def grow(sub: pd.DataFrame, conditions: list[str], level: int):
        split = (
            chaid_split(sub, outcome, predictors, alpha=alpha, min_size=min(min_size, max(1, len(sub) // 10)))
            if level < depth and len(sub) >= min_size
            else None
        )
        if split is None or split.predictor is None:
            leaves.append(
                {
                    "rule": " and ".join(conditions) or "everyone",
                    "customers": len(sub),
                    "rate": float(sub[outcome].mean()),
                }
            )
            return
        pred = split.predictor
        col = sub[pred].astype("str")
        for value in split.groups[pred]:
            members = value.split(" / ")
            cond = f"{pred} = {value}" if len(members) == 1 else f"{pred} in ({', '.join(members)})"
            grow(sub[col.isin(members)], conditions + [cond], level + 1)

    grow(frame, [], 0)
    out = pd.DataFrame(leaves)
    out["share"] = out["customers"] / len(frame)
    return out.sort_values(["rate", "customers"], ascending=[False, False], ignore_index=True)[
        ["rule", "customers", "share", "rate"]
    ]


def behaviour_table(
    sales: pd.DataFrame, customers: pd.DataFrame, reference_date, complaints: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per buying customer: RFM, tenure, product range, channel, kind and tier.

    Parameters
    ----------
    sales : pandas.DataFrame
        Order lines (:func:`crm_lessons.data.load_sales`).
    customers : pandas.DataFrame
        :func:`crm_lessons.data.load_customers`.
    reference_date : str
        Behaviour before this day counts.
    complaints : pandas.DataFrame, optional
        :func:`crm_lessons.data.load_complaints`, to add a ``complaints`` count.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``recency``, ``frequency``, ``monetary`` (as
        :func:`crm_lessons.rfm.rfm_table`), ``tenure_years`` (since the first purchase),
        ``categories_bought`` (distinct product categories), ``discount_share`` (share of
        lines bought at a discount), ``kind``, ``channel``, ``region``, ``is_gold``.
    """
    from crm_lessons.rfm import purchases_from_sales, rfm_table

    require_typed(
        sales, "sales", ["customer_id", "order_date", "category", "discount"], source="load_sales()"
    )
    require_typed(
        customers,
        "customers",
        ["customer_id", "kind", "channel", "region", "tier"],
        source="load_customers()",
    )
    require_same_id_type(sales["customer_id"], "sales", customers["customer_id"], "customers", "customer_id")
    ref = require_date(reference_date, "reference_date")
    before = sales[sales["order_date"] < ref]
    table = rfm_table(purchases_from_sales(before), ref)
    g = before.groupby("customer_id")
    table["tenure_years"] = ((ref - g["order_date"].min()).dt.days / 365.25).reindex(table.index).round(2)
    table["categories_bought"] = g["category"].nunique().reindex(table.index).astype("int64")
    table["discount_share"] = (
        (before["discount"] > 0).groupby(before["customer_id"]).mean().reindex(table.index)
    )
    c = customers.set_index("customer_id").reindex(table.index)
    for col in ("kind", "channel", "region"):
        table[col] = c[col]
    table["is_gold"] = (c["tier"] == "gold").to_numpy()
    if complaints is not None:
        n = complaints[complaints["complaint_date"] < ref].groupby("customer_id").size()
        table["complaints"] = n.reindex(table.index, fill_value=0).astype("int64")
    return table
