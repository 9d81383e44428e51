"""Customer intelligence (客户智能) on the case data, and mass vs targeted marketing.

Hughes' model of CRM ends in customer intelligence at two levels (course material 000):

* **Level 1** - at the moment of contact, recognise the customer and tell customers apart,
  so each gets a different treatment (one-to-one service): :func:`customer_screen` shows
  what a hotline agent would see about one customer, :func:`segment_profile` how the
  segments differ.
* **Level 2** - analyse many customers together to understand needs and market patterns:
  :func:`response_by_score_band` shows that past buying predicts who buys next, which is
  what targeting uses.

The key success factors of CRM (course material 004) contrast mass marketing (everyone gets
the offer) with targeted marketing (only the most promising segment gets it):
:func:`campaign_frame` builds one row per customer with a score and the outcome, and
:func:`mass_vs_targeted` and :func:`targeting_curve` compare cost, responses, profit and
return on investment.

References
----------
.. [000] Course material 000: Hughes' model, two levels of customer intelligence.
.. [004] Course material 004: key success factors (targeting, tailoring, timeliness,
   test and learn against control groups).
.. [1] Hughes, A. M. (2012). *Strategic Database Marketing* (4th ed.). McGraw-Hill.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crm_lessons._validation import (
    require_boolean,
    require_columns,
    require_date,
    require_fraction,
    require_numeric,
    require_same_id_type,
    require_typed,
)
from crm_lessons.performance import customer_performance
from crm_lessons.plotting import styled

#: Columns of :func:`campaign_frame`.
CAMPAIGN_COLUMNS = ("customer_id", "kind", "tier", "score", "last_order", "responded", "profit")

_CUSTOMER_COLUMNS = ("customer_id", "kind", "tier", "join_date")
_SALES_COLUMNS = ("customer_id", "order_date", "order_id", "revenue", "profit")


def _positive_number(value, arg: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{arg}` must be a number, got {type(value).__name__}.")
    v = float(value)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        need = "zero or more" if allow_zero else "more than zero"
        raise ValueError(f"`{arg}` must be a finite number {need}, got {value!r}.")
    return v


def _whole_days(value, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{arg}` must be a whole number of days, 1 or more, got {value!r}.")
    return int(value)


# --------------------------------------------------------------------------- level 1
def segment_profile(
    customers: pd.DataFrame, sales: pd.DataFrame, by=("kind", "tier"), start=None, end=None
) -> pd.DataFrame:
    """Customer intelligence, level 1: how the customer segments differ.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table (``customer_id`` and the ``by`` columns).
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.build_sales`).
    by : str or sequence of str, default ("kind", "tier")
        Customer columns that define the segments.
    start, end : date-like, optional
        Period of the sales (inclusive); the whole history by default.

    Returns
    -------
    pandas.DataFrame
        One row per segment (every combination present among the customers): ``customers``,
        ``buyers`` (customers with an order in the period), ``revenue``, ``profit``,
        ``profit_per_customer`` = profit / customers, ``customer_share`` and
        ``profit_share`` (of all customers and all profit).

    Notes
    -----
    Descriptive: counts and sums. Comparing ``profit_share`` with ``customer_share`` shows
    which segments deserve different treatment.

    References
    ----------
    Course material 000, customer intelligence level 1 (识别、区分客户，针对不同客户采取不同的策略).

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> from crm_lessons.targeting import segment_profile
    >>> segment_profile(toy_customers(), toy_sales(), by="tier")[["customers", "profit", "profit_share"]]
              customers  profit  profit_share
    tier
    ordinary          3  7500.0      0.852273
    gold              1  1300.0      0.147727

    Checked against the toy case: gold = C1 (profit 1300); ordinary = C2 + C3 + C4 = 5500 + 2000 + 0.
    """
    by = [by] if isinstance(by, str) else list(by)
    require_typed(customers, "customers", ["customer_id", *by], source="load_customers()")
    require_typed(
        sales,
        "sales",
        list(_SALES_COLUMNS) + ["unit_price", "discount", "quantity", "cost"],
        source="load_sales()",
    )
    perf = customer_performance(sales, start, end)[["revenue", "profit"]]
    c = customers[["customer_id", *by]].set_index("customer_id").join(perf)
    c["buyer"] = c["revenue"].notna()
    c[["revenue", "profit"]] = c[["revenue", "profit"]].fillna(0.0)
    g = c.groupby(by, observed=True, sort=True)
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "buyers": g["buyer"].sum().astype("int64"),
            "revenue": g["revenue"].sum(),
            "profit": g["profit"].sum(),
        }
    )
    out["profit_per_customer"] = out["profit"] / out["customers"]
    out["customer_share"] = out["customers"] / out["customers"].sum()
    total = out["profit"].sum()
    out["profit_share"] = out["profit"] / total if total else np.nan
    return out


#: Treatments suggested by :func:`customer_screen`, in the order the rule tries them.
TREATMENTS = {
    "key customer": "priority line, personal account manager, first to hear of new models",
    "win back": "lapsed more than a year: call with a come-back offer",
    "gold member": "gold service line, member events and previews",
    "develop": "standard service plus a cross-selling offer matched to past purchases",
    "new or prospect": "no purchase yet: welcome offer",
}


def _check_screen_args(key_share, lapsed_days, as_of):
    key_share = require_fraction(key_share, "key_share", low_open=True)
    return key_share, _whole_days(lapsed_days, "lapsed_days"), require_date(as_of, "as_of")


def treatment_segments(
    customers: pd.DataFrame, sales: pd.DataFrame, as_of, *, key_share: float = 0.05, lapsed_days: int = 365
) -> pd.DataFrame:
    """Customer intelligence, level 1: tell customers apart and give each a treatment.

    Parameters
    ----------
    customers, sales : pandas.DataFrame
        The customers table and the sales lines.
    as_of : date-like
        The day of contact; only sales before it count.
    key_share : float, default 0.05
        Customers in this top share of buyers by profit (up to ``as_of``) are key customers.
    lapsed_days : int, default 365
        A customer whose last order is older than this is lapsed.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (every customer of ``customers``, in its order); ``tier``,
        ``orders``, ``revenue``, ``profit``, ``last_order``, ``days_since_last_order``,
        ``profit_rank`` (1 = most profitable buyer), ``profit_top_share`` = rank / buyers,
        ``segment`` (ordered categorical in the order of :data:`TREATMENTS`) and ``treatment``.

    Notes
    -----
    Buyers are ranked by profit, ties by customer id. The rule, tried in order: no purchase
    -> "new or prospect"; ``profit_top_share <= key_share`` -> "key customer"; days since
    the last order > ``lapsed_days`` -> "win back"; gold tier -> "gold member"; otherwise
    "develop". A teaching rule, not a fitted model.

    References
    ----------
    Course material 000, customer intelligence level 1 (识别、区分客户，针对不同客户采取不同的策略).

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> from crm_lessons.targeting import treatment_segments
    >>> t = treatment_segments(toy_customers(), toy_sales(), as_of="2024-12-31", key_share=0.25)
    >>> t["segment"].astype(str).to_dict()
    {'C1': 'win back', 'C2': 'key customer', 'C3': 'win back', 'C4': 'develop'}

    Checked by hand: C2 has the top profit (5500, 1 of 4 buyers = 25 %); C1 last bought on
    2023-05-10 and C3 on 2023-01-15, more than 365 days before; C4 bought on 2024-06-30.
    """
    require_typed(customers, "customers", ["customer_id", "tier"], source="load_customers()")
    if customers["customer_id"].duplicated().any():
        raise ValueError("`customers` lists some customer_id more than once; keep one row per customer.")
    key_share, lapsed_days, day = _check_screen_args(key_share, lapsed_days, as_of)
    perf = customer_performance(sales, None, day - pd.Timedelta(days=1))
    perf = perf.iloc[np.lexsort((perf.index.to_numpy(), -perf["profit"].to_numpy()))]
    perf["profit_rank"] = np.arange(1, len(perf) + 1)
    perf["profit_top_share"] = perf["profit_rank"] / len(perf)
    out = (
        customers[["customer_id", "tier"]]
        .set_index("customer_id")
        .join(perf[["orders", "revenue", "profit", "last_order", "profit_rank", "profit_top_share"]])
    )
    out["orders"] = out["orders"].fillna(0).astype("int64")
    out[["revenue", "profit"]] = out[["revenue", "profit"]].fillna(0.0)
    out["profit_rank"] = out["profit_rank"].astype("Int64")
    out["days_since_last_order"] = (day - out["last_order"]).dt.days.astype("Int64")
    buyer = out["last_order"].notna().to_numpy()
    top = (out["profit_top_share"] <= key_share).fillna(False).to_numpy()
    lapsed = (out["days_since_last_order"] > lapsed_days).fillna(False).to_numpy(dtype=bool)
    gold = (out["tier"].astype(str) == "gold").to_numpy()
    segment = np.select(
        [~buyer, top, lapsed, gold],
        ["new or prospect", "key customer", "win back", "gold member"],
        default="develop",
    )
    out["segment"] = pd.Categorical(segment, categories=list(TREATMENTS), ordered=True)
    out["treatment"] = out["segment"].astype(str).map(TREATMENTS)
    cols = [
        "tier",
        "orders",
        "revenue",
        "profit",
        "last_order",
        "days_since_last_order",
        "profit_rank",
        "profit_top_share",
        "segment",
        "treatment",
    ]
    return out[cols]


def customer_screen(
    customer_id: str,
    customers: pd.DataFrame,
    sales: pd.DataFrame,
    as_of,
    *,
    key_share: float = 0.05,
    lapsed_days: int = 365,
) -> pd.Series:
    """Customer intelligence, level 1: what the hotline agent sees when a customer calls.

    Parameters
    ----------
    customer_id : str
        The calling customer.
    customers, sales, as_of, key_share, lapsed_days
        As in :func:`treatment_segments`.

    Returns
    -------
    pandas.Series
        ``name``, ``kind``, ``region``, ``channel``, then the columns of
        :func:`treatment_segments` for this customer.

    References
    ----------
    Course material 000, customer intelligence level 1 (one-to-one marketing).

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> from crm_lessons.targeting import customer_screen
    >>> s = customer_screen("C2", toy_customers(), toy_sales(), as_of="2024-12-31", key_share=0.25)
    >>> s[["orders", "profit", "profit_rank", "segment"]].tolist()
    [2, 5500.0, 1, 'key customer']
    >>> customer_screen("C1", toy_customers(), toy_sales(), as_of="2024-12-31")["segment"]
    'win back'
    """
    require_typed(
        customers,
        "customers",
        ["customer_id", "name", "kind", "tier", "region", "channel"],
        source="load_customers()",
    )
    _check_screen_args(key_share, lapsed_days, as_of)
    row = customers[customers["customer_id"] == customer_id]
    if row.empty:
        raise ValueError(f"`customer_id` {customer_id!r} is not in `customers`.")
    seg = treatment_segments(customers, sales, as_of, key_share=key_share, lapsed_days=lapsed_days).loc[
        customer_id
    ]
    out = {k: row.iloc[0][k] for k in ("name", "kind", "region", "channel")}
    for k, v in seg.items():
        if k == "segment":
            v = str(v)
        elif pd.isna(v):
            v = None if k != "last_order" else pd.NaT
        elif k in ("orders", "profit_rank", "days_since_last_order"):
            v = int(v)
        elif k in ("revenue", "profit", "profit_top_share"):
            v = float(v)
        out[k] = v
    return pd.Series(out, name=customer_id, dtype=object)


# --------------------------------------------------------------------------- campaign data
def campaign_frame(
    customers: pd.DataFrame, sales: pd.DataFrame, *, cutoff, end, lookback_days: int = 365, kinds=None
) -> pd.DataFrame:
    """One row per customer: a score known before a campaign and the outcome after it.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table.
    sales : pandas.DataFrame
        Sales lines.
    cutoff : date-like
        Day the offer goes out. The score uses only sales before it.
    end : date-like
        Last day of the response window (inclusive).
    lookback_days : int, default 365
        The score is the customer's revenue in the ``lookback_days`` before ``cutoff``.
    kinds : sequence of str, optional
        Keep only these kinds of customer (e.g. ``["consumer"]`` for a consumer mailing).

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``kind``, ``tier``, ``score`` (CNY revenue in the look-back),
        ``last_order`` (before ``cutoff``; NaT if none), ``responded`` (bought in
        ``[cutoff, end]``) and ``profit`` (gross profit of those purchases, CNY), for every
        customer who joined before ``cutoff``; sorted by customer id.

    Notes
    -----
    Buying in the window stands in for responding to the offer; without a control group
    it also counts purchases that would have happened anyway (see chapter 4's pilot).

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> from crm_lessons.targeting import campaign_frame
    >>> f = campaign_frame(toy_customers(), toy_sales(), cutoff="2024-01-01", end="2024-12-31")
    >>> f[["customer_id", "score", "responded", "profit"]].values.tolist()
    [['C1', 3600.0, False, 0.0], ['C2', 0.0, True, 3000.0], ['C3', 5000.0, False, 0.0],
     ['C4', 0.0, True, 0.0]]

    Checked against the toy case: C1's O2 (2023-05-10, 2 x 2000 x 0.9 = 3600) is in the
    look-back; C2's O5 (2024-02-01: washer 6000 - 4000 plus kettles 2000 - 1000, profit 3000)
    is in the window.
    """
    require_typed(customers, "customers", list(_CUSTOMER_COLUMNS), source="load_customers()")
    require_typed(sales, "sales", list(_SALES_COLUMNS), source="load_sales()")
    require_same_id_type(sales["customer_id"], "sales", customers["customer_id"], "customers", "customer_id")
    start = require_date(cutoff, "cutoff")
    stop = require_date(end, "end")
    if stop < start:
        raise ValueError(f"`end` ({stop.date()}) must not be before `cutoff` ({start.date()}).")
    lookback_days = _whole_days(lookback_days, "lookback_days")
    c = customers[customers["join_date"] < start]
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        known = (
            list(customers["kind"].cat.categories)
            if hasattr(customers["kind"], "cat")
            else sorted(customers["kind"].unique())
        )
        bad = [k for k in kinds if k not in known]
        if bad:
            raise ValueError(f"`kinds` has unknown kind(s) {bad}; choose from {known}.")
        c = c[c["kind"].isin(kinds)]
    before = sales[sales["order_date"] < start]
    look = before[before["order_date"] >= start - pd.Timedelta(days=lookback_days)]
    window = sales[(sales["order_date"] >= start) & (sales["order_date"] <= stop)]
    out = c[["customer_id", "kind", "tier"]].set_index("customer_id")
    out["score"] = look.groupby("customer_id")["revenue"].sum()
    out["last_order"] = before.groupby("customer_id")["order_date"].max()
    w = window.groupby("customer_id")["profit"].sum()
    out["responded"] = out.index.isin(w.index)
    out["profit"] = w
    out = out.fillna({"score": 0.0, "profit": 0.0})
    out = out.reset_index().sort_values("customer_id").reset_index(drop=True)
    return out[list(CAMPAIGN_COLUMNS)]


# --------------------------------------------------------------------------- level 2
def response_by_score_band(
    frame: pd.DataFrame,
    bands: int = 10,
    *,
    score: str = "score",
    responded: str = "responded",
    value: str = "profit",
) -> pd.DataFrame:
    """Customer intelligence, level 2: how the response rate falls from the best-scored band down.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer (e.g. :func:`campaign_frame`).
    bands : int, default 10
        Number of equal-sized bands (10 = deciles); band 1 holds the highest scores.
    score, responded, value : str
        Column names of the score, the response flag and the value of a response.

    Returns
    -------
    pandas.DataFrame
        Index ``band`` (1 = best); ``customers``, ``min_score``, ``responses``,
        ``response_rate``, ``value`` (total), ``value_per_customer``, and
        ``lift`` = band response rate / overall response rate.

    Notes
    -----
    Customers are ranked by score, highest first, ties broken by their order in ``frame``;
    band :math:`b` holds ranks :math:`\\lfloor (b-1)n/B \\rfloor + 1 \\ldots \\lfloor bn/B \\rfloor`.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.targeting import response_by_score_band
    >>> f = pd.DataFrame({"score": [4, 3, 2, 1], "responded": [True, True, False, False],
    ...                   "profit": [100.0, 50.0, 0.0, 0.0]})
    >>> response_by_score_band(f, bands=2)[["customers", "response_rate", "lift"]]
          customers  response_rate  lift
    band
    1             2            1.0   2.0
    2             2            0.0   0.0
    """
    require_columns(
        frame, [score, responded, value], "frame", source="crm_lessons.targeting.campaign_frame()"
    )
    n = len(frame)
    if n == 0:
        raise ValueError("`frame` has no customers; pass one row per customer.")
    if isinstance(bands, bool) or not isinstance(bands, (int, np.integer)) or not 1 <= bands <= n:
        raise ValueError(
            f"`bands` must be a whole number from 1 to the number of customers ({n}), got {bands!r}."
        )
    ranked = _ranked(frame, score)
    band = np.floor(np.arange(n) * bands / n).astype(int) + 1
    resp, val = _response_values(ranked, responded, value)
    val = np.where(resp, val, 0.0)
    work = pd.DataFrame(
        {"band": band, "score": ranked[score].to_numpy(dtype=float), "resp": resp, "val": val}
    )
    g = work.groupby("band")
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "min_score": g["score"].min(),
            "responses": g["resp"].sum().astype("int64"),
            "value": g["val"].sum(),
        }
    )
    out["response_rate"] = out["responses"] / out["customers"]
    out["value_per_customer"] = out["value"] / out["customers"]
    overall = resp.mean() if n else np.nan
    out["lift"] = out["response_rate"] / overall if overall else np.nan
    return out[
        ["customers", "min_score", "responses", "response_rate", "value", "value_per_customer", "lift"]
    ]


# --------------------------------------------------------------------------- mass vs targeted
def _ranked(frame: pd.DataFrame, score: str) -> pd.DataFrame:
    """Rows sorted by score, highest first; ties keep frame order (stable)."""
    require_numeric(frame, score, "frame")
    return frame.sort_values(score, ascending=False, kind="stable")


def _response_values(ranked: pd.DataFrame, responded: str, value: str) -> tuple[np.ndarray, np.ndarray]:
    """The response flags (validated booleans) and the value of each response (finite for responders)."""
    resp = require_boolean(ranked, responded, "frame").to_numpy()
    val = require_numeric(ranked, value, "frame", allow_nan=True).to_numpy()
    if np.isnan(val[resp]).any():
        raise ValueError(
            f"`frame` column {value!r} (the `value` of a response) is missing for some buyers; fill it first."
        )
    return resp, val


def _campaign_row(resp: np.ndarray, val: np.ndarray, cost_per_contact: float, uplift: float | None) -> dict:
    contacted = len(resp)
    responses = int(resp.sum())
    gross = float(val[resp].sum())
    share = 1.0 if uplift is None else uplift
    cost = contacted * cost_per_contact
    credited = share * gross
    net = credited - cost
    return {
        "contacted": contacted,
        "responses": responses,
        "response_rate": responses / contacted if contacted else np.nan,
        "gross_profit": gross,
        "credited_responses": share * responses,
        "credited_profit": credited,
        "contact_cost": cost,
        "net_profit": net,
        "roi": net / cost if cost else np.nan,
    }


def _uplift(uplift) -> float | None:
    if uplift is None:
        return None
    return _positive_number(uplift, "uplift")


def n_targeted(n_customers: int, top_share: float) -> int:
    """Number of customers the targeted campaign contacts: ``ceil(top_share * n)``, at least 1.

    Examples
    --------
    >>> from crm_lessons.targeting import n_targeted
    >>> n_targeted(10, 0.25), n_targeted(4560, 0.2)
    (3, 912)
    """
    # round first so that 0.2 * 4560 = 912.0000000000001 does not become 913
    return max(1, math.ceil(round(top_share * n_customers, 9)))


def _prepare(frame, score, responded, value, cost_per_contact):
    require_columns(
        frame, [score, responded, value], "frame", source="crm_lessons.targeting.campaign_frame()"
    )
    if len(frame) == 0:
        raise ValueError("`frame` has no customers; pass one row per customer.")
    c = _positive_number(cost_per_contact, "cost_per_contact")
    ranked = _ranked(frame, score)
    resp, val = _response_values(ranked, responded, value)
    return resp, val, c


def mass_vs_targeted(
    frame: pd.DataFrame,
    *,
    cost_per_contact: float,
    top_share: float = 0.2,
    uplift: float | None = None,
    score: str = "score",
    responded: str = "responded",
    value: str = "profit",
) -> pd.DataFrame:
    """Compare sending an offer to every customer with sending it only to the top-scored share.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer with a score, whether the customer bought in the campaign
        window, and the gross profit of those purchases (e.g. :func:`campaign_frame`).
    cost_per_contact : float
        Cost of sending the offer to one customer (CNY), more than zero.
    top_share : float, default 0.2
        Share of customers the targeted campaign contacts, in (0, 1]: those with the highest
        scores (ties in frame order).
    uplift : float, optional
        Relative uplift caused by the offer, as measured in a pilot against a control group:
        (treatment rate - control rate) / control rate, e.g. 0.25 when the offer makes a
        quarter more customers buy than would have anyway. ``None`` credits every purchase
        in the window to the offer.
    score, responded, value : str
        Column names: the score (higher = more promising), the bought-in-window flag (bool)
        and the gross profit of the purchases (ignored for non-buyers).

    Returns
    -------
    pandas.DataFrame
        Index ``strategy`` ("mass marketing", "targeted marketing"); columns ``contacted``,
        ``responses`` (contacted customers who bought), ``response_rate``, ``gross_profit``
        (of their purchases), ``credited_responses`` and ``credited_profit`` (the part due
        to the offer), ``contact_cost``, ``net_profit`` and ``roi``.

    Notes
    -----
    For the contacted set :math:`C` with responders :math:`R \\subseteq C`, profit
    :math:`v_i` of responder :math:`i`, cost :math:`c` per contact and relative uplift
    :math:`u` (:math:`u = 1` when none is given, i.e. everything is credited):

    .. math::

        \\text{credited profit} = u \\sum_{i \\in R} v_i,\\qquad
        \\text{net profit} = \\text{credited profit} - c\\,|C|,\\qquad
        \\text{ROI} = \\frac{\\text{net profit}}{c\\,|C|}

    Mass marketing contacts everyone; targeted marketing the first
    :math:`\\lceil s \\cdot n \\rceil` customers by score. Without ``uplift`` the comparison
    credits the offer with purchases that would have happened anyway; a control group (test
    and learn) measures the uplift. With ``uplift`` the offer is assumed to raise every
    contacted customer's purchases in the same proportion.

    References
    ----------
    Course material 004, page 2 (key success factors: from the mass market to high-value
    segments; test and learn against control groups).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.targeting import mass_vs_targeted
    >>> f = pd.DataFrame({"score": [50, 40, 30, 20, 10], "responded": [True, True, False, True, False],
    ...                   "profit": [300.0, 200.0, 0.0, 100.0, 0.0]})
    >>> r = mass_vs_targeted(f, cost_per_contact=20, top_share=0.4)
    >>> print(r[["contacted", "responses", "gross_profit", "contact_cost", "net_profit", "roi"]].to_string())
                        contacted  responses  gross_profit  contact_cost  net_profit   roi
    strategy
    mass marketing              5          3         600.0         100.0       500.0   5.0
    targeted marketing          2          2         500.0          40.0       460.0  11.5
    >>> r = mass_vs_targeted(f, cost_per_contact=20, top_share=0.4, uplift=0.25)
    >>> print(r[["credited_responses", "credited_profit", "net_profit", "roi"]].to_string())
                        credited_responses  credited_profit  net_profit   roi
    strategy
    mass marketing                    0.75            150.0        50.0  0.50
    targeted marketing                0.50            125.0        85.0  2.12

    Checked by hand: mass 600 - 5 x 20 = 500, ROI 500/100 = 5; targeted (scores 50, 40)
    500 - 2 x 20 = 460, ROI 460/40 = 11.5. With a 25 % uplift: mass 0.25 x 600 = 150,
    minus 100 = 50; targeted 0.25 x 500 = 125, minus 40 = 85, ROI 85/40 = 2.125.
    """
    resp, val, c = _prepare(frame, score, responded, value, cost_per_contact)
    s = require_fraction(top_share, "top_share", low_open=True)
    u = _uplift(uplift)
    k = n_targeted(len(resp), s)
    rows = {
        "mass marketing": _campaign_row(resp, val, c, u),
        "targeted marketing": _campaign_row(resp[:k], val[:k], c, u),
    }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "strategy"
    return out


def targeting_curve(
    frame: pd.DataFrame,
    *,
    cost_per_contact: float,
    shares=None,
    uplift: float | None = None,
    score: str = "score",
    responded: str = "responded",
    value: str = "profit",
) -> pd.DataFrame:
    """Net profit and ROI of contacting the top share of customers, for many shares.

    Parameters
    ----------
    frame, cost_per_contact, uplift, score, responded, value
        As in :func:`mass_vs_targeted`.
    shares : sequence of float, optional
        Shares of customers to contact, each in (0, 1]; default 0.05, 0.10, ..., 1.00.

    Returns
    -------
    pandas.DataFrame
        One row per share: ``share``, then the columns of :func:`mass_vs_targeted`.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.targeting import targeting_curve
    >>> f = pd.DataFrame({"score": [50, 40, 30, 20, 10], "responded": [True, True, False, True, False],
    ...                   "profit": [300.0, 200.0, 0.0, 100.0, 0.0]})
    >>> targeting_curve(f, cost_per_contact=20, shares=[0.2, 0.6, 1.0])[["share", "contacted", "net_profit"]]
       share  contacted  net_profit
    0    0.2          1       280.0
    1    0.6          3       440.0
    2    1.0          5       500.0
    """
    resp, val, c = _prepare(frame, score, responded, value, cost_per_contact)
    u = _uplift(uplift)
    shares = np.round(np.arange(1, 21) * 0.05, 2) if shares is None else list(shares)
    if len(shares) == 0:
        raise ValueError("`shares` is empty; pass at least one share in (0, 1].")
    shares = [require_fraction(x, "shares", low_open=True) for x in shares]
    rows = []
    for x in shares:
        k = n_targeted(len(resp), x)
        rows.append({"share": x, **_campaign_row(resp[:k], val[:k], c, u)})
    return pd.DataFrame(rows)


@styled
def plot_targeting_curve(curve: pd.DataFrame, *, ax=None, title: str | None = None):
    """Plot net profit against the share of customers contacted (from :func:`targeting_curve`).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.targeting import plot_targeting_curve
    >>> curve = pd.DataFrame({"share": [0.5, 1.0], "net_profit": [10.0, 5.0]})
    >>> plot_targeting_curve(curve).get_xlabel()
    'Share of customers contacted (best scores first, %)'
    """
    import matplotlib.pyplot as plt

    from crm_lessons.i18n import tr
    from crm_lessons.plotting import BOOK_COLOURS

    require_columns(curve, ["share", "net_profit"], "curve", source="crm_lessons.targeting.targeting_curve()")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.5))
    x = curve["share"].to_numpy() * 100
    y = curve["net_profit"].to_numpy() / 1e3
    ax.plot(x, y, marker="o", color=BOOK_COLOURS[0], lw=3)
    best = int(np.argmax(y))
    ax.scatter(
        [x[best]],
        [y[best]],
        s=250,
        color=BOOK_COLOURS[1],
        zorder=3,
        label=tr("targeting.curve.best", share=x[best]),
    )
    ax.scatter([x[-1]], [y[-1]], s=250, color=BOOK_COLOURS[2], zorder=3, label=tr("targeting.curve.mass"))
    ax.axhline(0, color="black", lw=1)
    ax.set_xlabel(tr("targeting.curve.xlabel"))
    ax.set_ylabel(tr("targeting.curve.ylabel"))
    ax.set_title(title or tr("targeting.curve.title"))
    ax.legend(loc="best")
    return ax
