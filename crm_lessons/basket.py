"""Products bought together (market-basket analysis) for cross-selling (交叉销售), and
up-selling (追加销售) candidates.

A rule "A → B" says: orders holding product A often hold product B too. Three numbers
judge a rule, counted over orders:

- support = share of all orders holding both A and B;
- confidence = share of the orders holding A that also hold B;
- lift = confidence / share of orders holding B — how many times more likely B is when A is
  in the basket than in an average order (1 = no connection).

Examples
--------
>>> from crm_lessons.toy import toy_sales
>>> from crm_lessons.basket import pair_statistics
>>> pair_statistics(toy_sales()).loc[lambda t: t["antecedent"] == "P02"].round(3)
  antecedent consequent  orders_both  support  confidence  lift
2        P02        P01            1    0.167         0.5   1.0
3        P02        P04            1    0.167         0.5   1.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from crm_lessons._validation import (
    require_columns,
    require_date,
    require_fraction,
    require_ids,
    require_table,
)
from crm_lessons.plotting import styled

_RULE_COLUMNS = ["antecedent", "consequent", "orders_both", "support", "confidence", "lift"]


def _check_level(sales: pd.DataFrame, level: str) -> None:
    if level not in ("product_id", "category"):
        raise ValueError(f"`level` must be 'product_id' or 'category', got {level!r}.")
    require_columns(sales, ["order_id", level], "sales", source="load_sales()")
    require_ids(sales, "order_id", "sales")
    require_ids(sales, level, "sales")


def basket_matrix(sales: pd.DataFrame, level: str = "product_id"):
    """Orders × items 0/1 matrix: which items each order holds.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (``order_id`` and ``level``).
    level : {'product_id', 'category'}
        Analyse single products or whole categories.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix
        ``n_orders × n_items``, 1 where the order holds the item (however many units or lines).
    items : numpy.ndarray
        Item labels of the columns, sorted.

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> m, items = basket_matrix(toy_sales())
    >>> m.shape, items.tolist()
    ((6, 4), ['P01', 'P02', 'P03', 'P04'])

    Checked against the toy orders (6 orders, 4 products).
    """
    _check_level(sales, level)
    pairs = pd.DataFrame(
        {"order_id": sales["order_id"].to_numpy(), "item": sales[level].astype(str).to_numpy()}
    )
    order_codes, orders = pd.factorize(pairs["order_id"], sort=True)
    pairs = pd.DataFrame({"order": order_codes, "item": pairs["item"].to_numpy()}).drop_duplicates()
    order_codes = pairs["order"].to_numpy()
    item_codes, items = pd.factorize(pairs["item"], sort=True)
    n_orders = len(orders)
    m = sparse.csr_matrix(
        (np.ones(len(pairs), dtype=np.int32), (order_codes, item_codes)), shape=(n_orders, len(items))
    )
    return m, np.asarray(items, dtype=object)


def pair_statistics(sales: pd.DataFrame, level: str = "product_id") -> pd.DataFrame:
    """Support, confidence and lift of every rule A → B with A and B bought together at least once.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines.
    level : {'product_id', 'category'}
        Analyse single products or whole categories.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair (both directions), sorted by antecedent then consequent:
        ``antecedent``, ``consequent``, ``orders_both``, ``support``, ``confidence``, ``lift``.
        Its attributes ``attrs["n_orders"]`` and ``attrs["item_orders"]`` keep the counts.

    Notes
    -----
    With :math:`N` orders, :math:`n_A` orders holding A and :math:`n_{AB}` holding both:

    .. math::

        \\text{support}(A \\to B) = \\frac{n_{AB}}{N},\\quad
        \\text{confidence}(A \\to B) = \\frac{n_{AB}}{n_A},\\quad
        \\text{lift}(A \\to B) = \\frac{n_{AB}\\,N}{n_A\\,n_B}

    Pair counts come from one sparse matrix product :math:`X^\\top X` of the orders × items
    0/1 matrix, so all pairs cost about as much as reading the orders once.

    References
    ----------
    Agrawal, Imieliński & Swami (1993), "Mining association rules between sets of items in
    large databases", SIGMOD; course chapter 2, "交叉销售分析" (cross-selling analysis).

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> t = pair_statistics(toy_sales())
    >>> pair = (t["antecedent"] == "P01") & (t["consequent"] == "P04")
    >>> t.loc[pair, ["support", "confidence", "lift"]].round(4)
       support  confidence    lift
    1   0.1667      0.3333  0.6667

    Checked by hand: 6 orders, P01 in 3, P04 in 3, both in 1 (O1): 1/6, 1/3, 1 × 6 / 9.
    """
    m, items = basket_matrix(sales, level)
    n_orders = m.shape[0]
    item_orders = np.asarray(m.sum(axis=0)).ravel()
    co = (m.T @ m).tocoo()
    keep = co.row != co.col
    a, b, n_ab = co.row[keep], co.col[keep], co.data[keep].astype(np.int64)
    order = np.lexsort((b, a))
    a, b, n_ab = a[order], b[order], n_ab[order]
    out = pd.DataFrame(
        {
            "antecedent": items[a].astype(str),
            "consequent": items[b].astype(str),
            "orders_both": n_ab,
            "support": n_ab / n_orders,
            "confidence": n_ab / item_orders[a],
            "lift": n_ab * n_orders / (item_orders[a] * item_orders[b]),
        }
    )
    out.attrs["n_orders"] = int(n_orders)
    out.attrs["item_orders"] = dict(zip(items.astype(str).tolist(), item_orders.astype(int).tolist()))
    return out


def filter_rules(
    pairs: pd.DataFrame, min_support: float = 0.001, min_confidence: float = 0.1, min_lift: float = 0.0
) -> pd.DataFrame:
    """Keep the rules that pass minimum support, confidence and lift, strongest lift first.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Output of :func:`pair_statistics`.
    min_support, min_confidence : float
        Thresholds as fractions in [0, 1] (0.01 means 1 % of orders).
    min_lift : float, default 0
        Minimum lift (1 = no better than chance).

    Returns
    -------
    pandas.DataFrame
        The passing rules sorted by lift, then support (both descending), then antecedent and
        consequent; index reset.

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> rules = filter_rules(pair_statistics(toy_sales()), min_support=0.1, min_confidence=0.5)
    >>> rules[["antecedent", "consequent", "lift"]]
      antecedent consequent  lift
    0        P02        P01   1.0
    1        P02        P04   1.0
    >>> filter_rules(pair_statistics(toy_sales()), min_support=5)
    Traceback (most recent call last):
    ...
    ValueError: `min_support` must lie in [0, 1] as a fraction (0.05 means 5 %), got 5.

    Checked by hand on the toy rules (only P02's rules reach confidence 0.5).
    """
    min_support = require_fraction(min_support, "min_support")
    min_confidence = require_fraction(min_confidence, "min_confidence")
    if isinstance(min_lift, bool) or not isinstance(min_lift, (int, float, np.number)) or not min_lift >= 0:
        raise ValueError(
            f"`min_lift` must be a number ≥ 0 (1 means no better than chance), got {min_lift!r}."
        )
    require_table(
        pairs,
        "pairs",
        _RULE_COLUMNS,
        ids=["antecedent", "consequent"],
        numbers=["support", "confidence", "lift"],
        source="crm_lessons.basket.pair_statistics()",
    )
    mask = (
        (pairs["support"].to_numpy() >= min_support)
        & (pairs["confidence"].to_numpy() >= min_confidence)
        & (pairs["lift"].to_numpy() >= min_lift)
    )
    kept = pairs.loc[mask]
    order = np.lexsort(
        (
            kept["consequent"].to_numpy(),
            kept["antecedent"].to_numpy(),
            -kept["support"].to_numpy(),
            -kept["lift"].to_numpy(),
        )
    )
    return kept.iloc[order].reset_index(drop=True)


def association_rules(
    sales: pd.DataFrame,
    min_support: float = 0.001,
    min_confidence: float = 0.1,
    min_lift: float = 0.0,
    level: str = "product_id",
) -> pd.DataFrame:
    """Cross-selling rules A → B from the orders (pair statistics, then filtered).

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines.
    min_support, min_confidence, min_lift : float
        See :func:`filter_rules`.
    level : {'product_id', 'category'}
        Products or categories.

    Returns
    -------
    pandas.DataFrame
        As :func:`filter_rules`.

    Notes
    -----
    Only pairs (rules with one product on each side) are mined: enough for "customers who
    bought A also bought B" and fast enough to recompute live.

    References
    ----------
    Agrawal et al. (1993); course chapter 2, "交叉销售分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> len(association_rules(toy_sales(), min_support=0.1, min_confidence=0.0))
    6

    Checked on the toy case (3 pairs, both directions) and on the case data's built-in pairs (tests).
    """
    return filter_rules(pair_statistics(sales, level), min_support, min_confidence, min_lift)


def cross_sell_recommendations(
    sales: pd.DataFrame, rules: pd.DataFrame, customer_id: str, top: int = 3
) -> pd.DataFrame:
    """Products to offer one customer: consequents of rules whose antecedent they bought.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (what the customer has bought).
    rules : pandas.DataFrame
        Rules from :func:`association_rules` (product level).
    customer_id : str
        The customer.
    top : int, default 3
        Number of products to recommend.

    Returns
    -------
    pandas.DataFrame
        ``product_id``, ``because_of`` (the bought product of the strongest rule),
        ``confidence`` and ``lift``; products the customer already bought are left out.
        Ranked by confidence (the chance the customer buys it), then lift.

    References
    ----------
    Course chapter 2, "交叉销售分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> rules = association_rules(toy_sales(), min_support=0.0, min_confidence=0.0)
    >>> cross_sell_recommendations(toy_sales(), rules, "C3")
    Empty DataFrame
    Columns: [product_id, because_of, confidence, lift]
    Index: []
    >>> cross_sell_recommendations(toy_sales(), rules, "C4")
      product_id because_of  confidence      lift
    0        P02        P04    0.333333  1.000000
    1        P01        P04    0.333333  0.666667

    Checked by hand: C4 bought only P04, whose rules point to P01 and P02.
    """
    require_table(sales, "sales", ids=["customer_id", "product_id"], source="load_sales()")
    require_table(
        rules,
        "rules",
        _RULE_COLUMNS,
        ids=["antecedent", "consequent"],
        numbers=["confidence", "lift"],
        source="crm_lessons.basket.association_rules()",
    )
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"`top` must be a whole number of products, 1 or more; got {top!r}.")
    bought = set(sales.loc[sales["customer_id"] == customer_id, "product_id"].astype(str))
    if not bought and not (sales["customer_id"] == customer_id).any():
        raise ValueError(
            f"`customer_id` {customer_id!r} has no sales; pick a customer who has bought something."
        )
    cand = rules.loc[rules["antecedent"].isin(bought) & ~rules["consequent"].isin(bought)]
    cand = cand.sort_values(
        ["confidence", "lift", "consequent", "antecedent"], ascending=[False, False, True, True]
    )
    best = cand.drop_duplicates("consequent").head(top)
    out = best.rename(columns={"consequent": "product_id", "antecedent": "because_of"})
    out = out[["product_id", "because_of", "confidence", "lift"]]
    out = out.sort_values(["confidence", "lift", "product_id"], ascending=[False, False, True], kind="stable")
    return out.reset_index(drop=True)


def upsell_candidates(sales: pd.DataFrame, since=None) -> pd.DataFrame:
    """Customers who buy only the entry band of a category: candidates for up-selling.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (``customer_id``, ``category``, ``price_band``, ``revenue``, ``order_date``).
    since : date-like, optional
        Only customers with an entry-band purchase in the category on or after this date
        (still active); default all.

    Returns
    -------
    pandas.DataFrame
        One row per (customer, category) where the customer bought entry-band products and
        never a mid or premium one: ``customer_id``, ``category``, ``entry_orders``,
        ``entry_revenue``, ``last_purchase``; sorted by entry revenue (largest first).

    Notes
    -----
    Up-selling (追加销售) offers a better, dearer version of what the customer already buys;
    a customer with several entry-band purchases in a category and none higher is the
    natural target.

    References
    ----------
    Course chapter 2, "追加销售分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> upsell_candidates(toy_sales())
      customer_id         category  entry_orders  entry_revenue last_purchase
    0          C2     refrigerator             1         8000.0    2022-07-01
    1          C1     refrigerator             2         5600.0    2023-05-10
    2          C2  small appliance             1         2000.0    2024-02-01
    3          C1  small appliance             1          400.0    2022-03-01
    4          C4  small appliance             1          100.0    2024-06-30

    Checked by hand: in the toy case every refrigerator and small appliance sold is entry band.
    """
    require_table(
        sales,
        "sales",
        ["category", "price_band"],
        ids=["customer_id", "order_id"],
        dates=["order_date"],
        numbers=["revenue"],
        source="load_sales()",
    )
    band = sales["price_band"].astype(str)
    key = [sales["customer_id"], sales["category"].astype(str)]
    higher = (band != "entry").groupby(key).any()
    entry = sales.loc[band == "entry"]
    ekey = [entry["customer_id"], entry["category"].astype(str)]
    g = entry.groupby(ekey)
    out = pd.DataFrame(
        {
            "entry_orders": g["order_id"].nunique(),
            "entry_revenue": g["revenue"].sum(),
            "last_purchase": g["order_date"].max(),
        }
    )
    out = out.loc[~higher.reindex(out.index, fill_value=False)]
    if since is not None:
        out = out.loc[out["last_purchase"] >= require_date(since, "since")]
    out.index.names = ["customer_id", "category"]
    out = out.reset_index()
    order = np.lexsort(
        (out["category"].to_numpy(), out["customer_id"].to_numpy(), -out["entry_revenue"].to_numpy())
    )
    return out.iloc[order].reset_index(drop=True)


def labelled_pairs(rules: pd.DataFrame, top: int = 3, names: dict | None = None) -> pd.DataFrame:
    """The rules a plot labels: the first ``top`` distinct product pairs in ``rules``' order.

    A -> B and B -> A share a support, so each pair is labelled once. Returns one row per
    label with its position in percent (``x`` = support, ``y`` = confidence) and its legend
    line "n: product + product (lift l)", product ids replaced by ``names`` where given.

    Examples
    --------
    >>> import pandas as pd
    >>> rules = pd.DataFrame({"antecedent": ["P1", "P2", "P3"], "consequent": ["P2", "P1", "P1"],
    ...                       "support": [0.02, 0.02, 0.01], "confidence": [0.5, 0.4, 0.3],
    ...                       "lift": [4.0, 4.0, 1.5]})
    >>> labelled_pairs(rules, names={"P1": "fridge"})
         x     y                      line
    0  2.0  50.0  1: fridge + P2 (lift 4.0)
    1  1.0  30.0  2: P3 + fridge (lift 1.5)

    Checked against: the rows above by hand (P2 -> P1 is the pair already labelled).
    """
    require_table(
        rules,
        "rules",
        ids=["antecedent", "consequent"],
        numbers=["support", "confidence", "lift"],
        source="crm_lessons.basket.association_rules()",
    )
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
        raise ValueError(f"`top` must be a whole number of pairs, 0 or more; got {top!r}.")
    names = names or {}
    from crm_lessons.i18n import label

    lift_word = label("lift")  # the reader's language
    rows, seen = [], set()
    for _, r in rules.iterrows():
        pair = frozenset((r["antecedent"], r["consequent"]))
        if pair in seen:
            continue
        if len(seen) >= top:
            break
        seen.add(pair)
        rows.append(
            {
                "x": r["support"] * 100,
                "y": r["confidence"] * 100,
                "line": f"{len(seen)}: {names.get(r['antecedent'], r['antecedent'])} + "
                f"{names.get(r['consequent'], r['consequent'])} ({lift_word} {r['lift']:.1f})",
            }
        )
    return pd.DataFrame(rows, columns=["x", "y", "line"])


def style_rules_axes(ax) -> None:
    """Axes of a support-confidence plot: log support in percent, confidence in percent."""
    from matplotlib.ticker import FuncFormatter

    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
    ax.set_xlabel("Support: share of orders with both (%)")
    ax.set_ylabel("Confidence (%)")
    ax.set_title("Product pairs bought together")


def rule_sizes(rules: pd.DataFrame) -> np.ndarray:
    """Marker areas of the kept rules on the support-confidence plot: larger for a higher lift (capped at 10).

    Examples
    --------
    >>> rule_sizes(pd.DataFrame({"lift": [1.0, 20.0]})).tolist()
    [55.0, 280.0]
    """
    return 30 + 25 * rules["lift"].clip(upper=10).to_numpy(dtype=float)


def draw_rules(
    ax,
    pairs: pd.DataFrame,
    rules: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    slots: int | None = None,
    all_label: str | None = None,
    kept_label: str | None = None,
) -> dict:
    """Draw the support-confidence plot of :func:`plot_rules` on ``ax`` and return its changing artists.

    All pairs in grey, the kept ``rules`` in colour (size by lift, :func:`rule_sizes`), a number
    beside each pair of ``labels`` (the output of :func:`labelled_pairs`) and the list of those
    pairs in a box; axes styled by :func:`style_rules_axes`. ``slots`` number annotations are
    made (default: one a label; the spare ones empty, at the first pair's point), so that an
    interactive view can move them later. ``all_label``/``kept_label`` replace the English legend
    entries.

    Returns a dict: ``kept`` (the kept rules' scatter), ``numbers`` (the annotations),
    ``pair_list`` (the text box) and ``anchor`` (the point of the spare annotations).
    """
    from crm_lessons.plotting import BOOK_COLOURS

    ax.scatter(
        pairs["support"] * 100,
        pairs["confidence"] * 100,
        s=14,
        color=BOOK_COLOURS[2],
        alpha=0.35,
        label=all_label or f"all product pairs ({len(pairs):,} rules)",
    )
    kept = ax.scatter(
        rules["support"].to_numpy(dtype=float) * 100,
        rules["confidence"].to_numpy(dtype=float) * 100,
        s=rule_sizes(rules),
        color=BOOK_COLOURS[1],
        edgecolor="black",
        lw=0.5,
        label=kept_label or f"kept by the filters ({len(rules):,})",
    )
    # Every annotation needs a point on the (log) axes even while empty: the first pair's.
    anchor = (
        (float(pairs["support"].iloc[0] * 100), float(pairs["confidence"].iloc[0] * 100))
        if len(pairs)
        else (1.0, 1.0)
    )
    numbers = [
        ax.annotate(
            str(i + 1) if i < len(labels) else "",
            (labels["x"].iloc[i], labels["y"].iloc[i]) if i < len(labels) else anchor,
            xytext=(-14, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=14,
            fontweight="bold",
        )
        for i in range(len(labels) if slots is None else slots)
    ]
    pair_list = ax.text(  # an empty text (no pair labelled) draws nothing, its box neither
        0.02,
        0.62,
        "\n".join(labels["line"]),
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=12,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": BOOK_COLOURS[2]},
    )
    style_rules_axes(ax)
    return {"kept": kept, "numbers": numbers, "pair_list": pair_list, "anchor": anchor}


@styled
def plot_rules(
    pairs: pd.DataFrame, rules: pd.DataFrame, ax=None, label_top: int = 3, names: dict | None = None
):
    """Every product pair by support and confidence; the rules that pass the filters stand out.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Output of :func:`pair_statistics` (all candidate rules, drawn in grey).
    rules : pandas.DataFrame
        The rules kept by :func:`filter_rules` (drawn in colour, size by lift).
    ax : matplotlib.axes.Axes, optional
        Where to draw (cleared first); a new figure by default.
    label_top : int, default 3
        Label this many kept rules with the highest lift.
    names : dict, optional
        Short product names by id for the labels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> pairs = pair_statistics(toy_sales())
    >>> fig = plot_rules(pairs, filter_rules(pairs, 0.1, 0.5))
    >>> fig.axes[0].get_ylabel()
    'Confidence (%)'

    Checked visually; points are the rows of :func:`pair_statistics`.
    """
    from crm_lessons.plotting import new_figure

    require_table(
        pairs, "pairs", numbers=["support", "confidence"], source="crm_lessons.basket.pair_statistics()"
    )
    labels = labelled_pairs(rules, label_top, names)  # checks `rules`
    fig, ax = new_figure(ax, (11, 6.5), clear=True)
    draw_rules(ax, pairs, rules, labels)
    ax.legend(loc="upper left", fontsize=12)
    return fig
