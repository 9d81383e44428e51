"""Customer loyalty (客户忠诚度): levels, measures, life-cycle stages, complaints and recovery.

Loyalty shows in what customers think (cognitive loyalty, 认知忠诚), what they feel
(affective loyalty, 情感忠诚) and what they do (behavioural loyalty, 行为忠诚). The survey
measures the first two, the order history the third. This module maps each respondent to
the three levels, computes the loyalty measures the data supports (repeat purchase rate,
price sensitivity, brand attention, attitude to competitors, choosing time,
identification; not need satisfaction, which the data cannot show: see
:data:`UNMEASURED_LOYALTY_MEASURES`), places every customer in a life-cycle stage
(客户生命周期), and compares the loyalty of complaining customers whose problem was put
right (service recovery, 服务补救) with those whose problem was not.

References
----------
.. [1] Course material 001 (revision sheet): customer loyalty as a preference leading to
   repeat purchase; complaints as a chance: a complainant whose problem is solved well
   can become more loyal than one who never had a problem.
.. [2] Course material 003 (thesis): loyal customers buy more, are less price sensitive,
   recommend the company; repeat purchase rate as the measure of loyalty.
.. [3] Oliver, R. L. (1999). Whence consumer loyalty? *Journal of Marketing*, 63 (special
   issue), 33-44 (cognitive, affective, conative and action loyalty).
.. [4] Dick, A. S. & Basu, K. (1994). Customer loyalty: toward an integrated conceptual
   framework. *Journal of the Academy of Marketing Science*, 22(2), 99-113.
.. [5] Dwyer, F. R., Schurr, P. H. & Oh, S. (1987). Developing buyer-seller
   relationships. *Journal of Marketing*, 51(2), 11-27 (relationship phases:
   exploration, expansion, commitment, dissolution).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crm_lessons._validation import (
    require_boolean,
    require_columns,
    require_date,
    require_numeric,
    require_table,
    require_typed,
)
from crm_lessons.pilots import difference_in_proportions, two_proportion_test
from crm_lessons.schema import HISTORY_END

#: Loyalty levels from thinking to doing.
LOYALTY_LEVELS = ("cognitive", "affective", "behavioural")
#: Dick & Basu's four kinds of loyalty: attitude (affective) x behaviour (repeat buying).
LOYALTY_TYPES = ("true loyalty", "latent loyalty", "spurious loyalty", "no loyalty")
#: Customer life-cycle stages, in the order a relationship goes through them.
LIFE_CYCLE_STAGES = ("exploration", "formation", "stability", "decline", "lost")

#: The loyalty measures the case survey and order history support: measure -> (column,
#: sign: +1 when a higher value means more loyal, -1 when lower means more loyal).
LOYALTY_MEASURES = {
    "repeat purchases": ("orders_before_survey", +1),
    "repeat purchases (self-reported)": ("purchases_per_year", +1),
    "brand attention": ("brand_attention", +1),
    "identification (recommend 0-10)": ("recommend", +1),
    "price sensitivity": ("price_sensitivity", -1),
    "attitude to competitors": ("competitor_attitude", -1),
    "choosing time": ("choosing_time", -1),
}

#: Loyalty measures of the course that the case data cannot show, with the reason.
#: Need satisfaction (客户需求满足率) is the share of requirements: the part of the customer's
#: purchases of the category that he or she makes from us. It is not satisfaction.
UNMEASURED_LOYALTY_MEASURES = {
    "need satisfaction (share of requirements)": (
        "needs each customer's purchases of the category from every supplier; the case company "
        "records only its own sales and the survey does not ask what share of the customer's "
        "appliance purchases went to Huamei"
    ),
}


def orders_in_window(
    orders: pd.DataFrame, customer_ids: pd.Series, ends: pd.Series, *, days: int, after: bool = False
) -> pd.Series:
    """Count each customer's orders in a window of ``days`` before (or after) a date.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    customer_ids : pandas.Series
        One customer per row (customers may repeat).
    ends : pandas.Series
        One date per row, aligned with ``customer_ids``.
    days : int
        Window length.
    after : bool
        False: count orders in ``(end - days, end]``; True: in ``(end, end + days]``.

    Returns
    -------
    pandas.Series
        Order counts, index of ``customer_ids``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import orders_in_window
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2023-01-10", "2023-06-01", "2023-02-01"])})
    >>> dates = pd.Series(pd.to_datetime(["2023-06-01", "2023-06-01"]))
    >>> orders_in_window(orders, pd.Series(["a", "b"]), dates, days=365).tolist()
    [2, 1]
    >>> dates = pd.Series(pd.to_datetime(["2023-01-10"]))
    >>> orders_in_window(orders, pd.Series(["a"]), dates, days=365, after=True).tolist()
    [1]

    Checked against: hand counts.
    """
    require_table(orders, "orders", ids=["customer_id"], dates=["order_date"], source="load_orders()")
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days <= 0:
        raise ValueError(f"`days` must be positive, got {days!r}.")
    keys = pd.DataFrame(
        {
            "customer_id": customer_ids.to_numpy(),
            "end": pd.to_datetime(ends).to_numpy(),
            "row": np.arange(len(customer_ids)),
        }
    )
    merged = keys.merge(orders[["customer_id", "order_date"]], on="customer_id", how="inner")
    delta = (merged["order_date"] - merged["end"]).dt.days
    inside = (delta > 0) & (delta <= days) if after else (delta <= 0) & (delta > -days)
    counts = merged[inside].groupby("row").size()
    return pd.Series(
        counts.reindex(range(len(customer_ids)), fill_value=0).to_numpy(),
        index=customer_ids.index,
        name="orders",
    )


def loyalty_levels(
    survey: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    window_days: int = 730,
    min_orders: int = 2,
    cognitive: Mapping[str, int] | None = None,
    affective: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Map each respondent to the three loyalty levels and to Dick & Basu's loyalty type.

    Parameters
    ----------
    survey : pandas.DataFrame
        ``customer_id``, ``survey_date`` and the columns named in ``cognitive`` and
        ``affective``.
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    window_days, min_orders : int
        Behavioural loyalty: at least ``min_orders`` orders in the ``window_days``
        before the survey date (default: bought again within two years).
    cognitive : mapping of column -> minimum answer, optional
        Cognitive loyalty: the customer *believes* the brand is better. Default
        ``{"perceived_quality": 4, "brand_attention": 4}`` (rates what he got highly
        and follows the brand's news).
    affective : mapping of column -> minimum answer, optional
        Affective loyalty: the customer *likes* the brand. Default
        ``{"overall_satisfaction": 4, "recommend": 9}`` (satisfied and a promoter).

    Returns
    -------
    pandas.DataFrame
        Same index as ``survey``: ``customer_id``, ``orders_before_survey``, booleans
        ``cognitive``, ``affective``, ``behavioural``, and ``loyalty_type``
        (categorical :data:`LOYALTY_TYPES`).

    Notes
    -----
    A respondent is loyal at a level when every condition of that level holds
    (all thresholds inclusive). Dick & Basu (1994) cross attitude with behaviour:

    ================  ===================  =====================
    \\                 repeat buying        no repeat buying
    ================  ===================  =====================
    likes the brand   true loyalty         latent loyalty
    indifferent       spurious loyalty     no loyalty
    ================  ===================  =====================

    Spurious loyalty (buying out of habit or lack of choice) disappears as soon as a
    competitor makes an offer; latent loyalty is a marketing opportunity.

    References
    ----------
    Oliver (1999); Dick & Basu (1994); course material 001 and 003.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import loyalty_levels
    >>> survey = pd.DataFrame({"customer_id": ["a", "b"], "survey_date": pd.to_datetime(["2024-04-01"] * 2),
    ...     "perceived_quality": [5, 2], "brand_attention": [4, 3], "overall_satisfaction": [5, 4],
    ...     "recommend": [9, 6]})
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b", "b"],
    ...     "order_date": pd.to_datetime(["2023-01-01", "2024-02-01", "2023-05-01", "2023-09-01"])})
    >>> loyalty_levels(survey, orders).drop(columns="customer_id")
       orders_before_survey  cognitive  affective  behavioural      loyalty_type
    0                     2       True       True         True      true loyalty
    1                     2      False      False         True  spurious loyalty

    Checked against: hand classification (above).
    """
    cognitive = dict(cognitive or {"perceived_quality": 4, "brand_attention": 4})
    affective = dict(affective or {"overall_satisfaction": 4, "recommend": 9})
    require_table(
        survey,
        "survey",
        [*cognitive, *affective],
        ids=["customer_id"],
        dates=["survey_date"],
        source="load_survey()",
    )
    # a missing answer meets no threshold
    answers = {
        col: require_numeric(survey, col, "survey", allow_nan=True).to_numpy()
        for col in [*cognitive, *affective]
    }
    if isinstance(min_orders, bool) or not isinstance(min_orders, (int, np.integer)) or min_orders < 1:
        raise ValueError(f"`min_orders` must be at least 1, got {min_orders!r}.")
    n_orders = orders_in_window(orders, survey["customer_id"], survey["survey_date"], days=window_days)
    cog = np.logical_and.reduce([answers[c] >= v for c, v in cognitive.items()])
    aff = np.logical_and.reduce([answers[c] >= v for c, v in affective.items()])
    beh = n_orders.to_numpy() >= min_orders
    kind = np.select([aff & beh, aff & ~beh, ~aff & beh], list(LOYALTY_TYPES[:3]), default=LOYALTY_TYPES[3])
    return pd.DataFrame(
        {
            "customer_id": survey["customer_id"].to_numpy(),
            "orders_before_survey": n_orders.to_numpy(),
            "cognitive": cog,
            "affective": aff,
            "behavioural": beh,
            "loyalty_type": pd.Categorical(kind, categories=list(LOYALTY_TYPES)),
        },
        index=survey.index,
    )


def repeat_purchase_rate(
    orders: pd.DataFrame,
    start: str,
    end: str,
    *,
    min_orders: int = 2,
    customers: pd.DataFrame | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Repeat purchase rate (客户重复购买率): share of a period's buyers who bought again in it.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    start, end : str or Timestamp
        First and last day of the period (inclusive).
    min_orders : int
        Orders in the period that count as repeat buying (2: bought at least twice).
    customers : pandas.DataFrame, optional
        With ``by``: split the rate by a customer column (e.g. ``"tier"``, ``"kind"``).
    by : str, optional

    Returns
    -------
    pandas.DataFrame
        One row per group (or one row ``all``): ``buyers``, ``repeat_buyers``,
        ``repeat_purchase_rate``.

    Notes
    -----
    :math:`\\text{RPR} = \\#\\{i : n_i \\ge m\\} / \\#\\{i : n_i \\ge 1\\}`, with
    :math:`n_i` customer :math:`i`'s orders in the period.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import repeat_purchase_rate
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-01", "2023-12-31"])})
    >>> repeat_purchase_rate(orders, "2024-01-01", "2024-12-31")
         buyers  repeat_buyers  repeat_purchase_rate
    all       2              1                   0.5

    Checked against: hand counts (a bought twice, b once; c is outside the period).
    """
    require_table(orders, "orders", ids=["customer_id"], dates=["order_date"], source="load_orders()")
    lo, hi = require_date(start, "start"), require_date(end, "end")
    if hi < lo:
        raise ValueError(f"`end` ({hi.date()}) is before `start` ({lo.date()}); swap them.")
    inside = orders[(orders["order_date"] >= lo) & (orders["order_date"] <= hi)]
    if inside.empty:
        raise ValueError(
            f"no orders between `start`={lo.date()} and `end`={hi.date()}; "
            "choose a period inside the order history."
        )
    counts = inside.groupby("customer_id").size()
    if by is None:
        keys = pd.Series("all", index=counts.index)
    else:
        if customers is None:
            raise ValueError(f"`customers` is needed to split by {by!r}.")
        require_columns(customers, ["customer_id", by], "customers", source="load_customers()")
        keys = customers.set_index("customer_id")[by].reindex(counts.index)
    frame = pd.DataFrame({"n": counts.to_numpy(), "key": keys.to_numpy()}, index=counts.index)
    out = frame.groupby("key", observed=True, sort=True).agg(
        buyers=("n", "size"), repeat_buyers=("n", lambda s: int((s >= min_orders).sum()))
    )
    out["repeat_purchase_rate"] = out["repeat_buyers"] / out["buyers"]
    out.index.name = by
    return out


def loyalty_measures(survey: pd.DataFrame, loyal, *, orders_before_survey=None) -> pd.DataFrame:
    """Compare the loyalty measures of loyal and other respondents.

    Parameters
    ----------
    survey : pandas.DataFrame
        The survey with (some of) the measure columns of :data:`LOYALTY_MEASURES`;
        measures whose column is absent are skipped.
    loyal : pandas.Series of bool
        Which respondents count as loyal, aligned with ``survey`` (e.g.
        ``survey["repurchase_intent"] >= 4`` or ``loyalty_levels(...)["behavioural"]``).
    orders_before_survey : pandas.Series, optional
        Orders each respondent placed before the survey (from
        :func:`loyalty_levels`); gives the "repeat purchases" row.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``column``, ``loyal_when`` ("higher" / "lower"),
        ``mean_loyal``, ``mean_other``, ``p_value`` (Welch's t-test of the
        difference) and ``agrees`` (True when the difference has the sign theory
        expects).

    Notes
    -----
    Loyal customers buy again, pay attention to
    the brand and recommend it (identification), are less price sensitive, less
    interested in competitors and spend less time choosing (they already know what
    they want). Ordered categories (``purchases_per_year``) are compared by their
    codes (0, 1, 2). The course's need satisfaction (客户需求满足率), the customer's share
    of requirements bought from the company, is not among the rows: it is not overall
    satisfaction, and the case data cannot show it (:data:`UNMEASURED_LOYALTY_MEASURES`).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import loyalty_measures
    >>> survey = pd.DataFrame({"brand_attention": [5, 4, 2, 3], "price_sensitivity": [2, 1, 5, 4]})
    >>> loyal = pd.Series([True, True, False, False])
    >>> loyalty_measures(survey, loyal)[["loyal_when", "mean_loyal", "mean_other", "agrees"]]
                      loyal_when  mean_loyal  mean_other  agrees
    brand attention       higher         4.5         2.5    True
    price sensitivity      lower         1.5         4.5    True

    Checked against: hand means (above).
    """
    from scipy import stats

    require_table(survey, "survey")
    loyal = require_boolean(pd.Series(np.asarray(loyal, dtype=object)), None, "loyal").reset_index(drop=True)
    if len(loyal) != len(survey):
        raise ValueError(
            f"`loyal` has {len(loyal)} values but `survey` has {len(survey)} respondents; align them."
        )
    if loyal.all() or not loyal.any():
        raise ValueError("`loyal` must mark some respondents True and some False to compare the two groups.")
    data = survey.reset_index(drop=True)
    if orders_before_survey is not None:
        data = data.assign(orders_before_survey=np.asarray(orders_before_survey))
    rows = {}
    for name, (col, sign) in LOYALTY_MEASURES.items():
        if col not in data.columns:
            continue
        x = data[col]
        if isinstance(x.dtype, pd.CategoricalDtype):
            x = x.cat.codes.astype(float).where(x.notna())
        else:
            x = require_numeric(data, col, "survey", allow_nan=True)
        a, b = x[loyal.to_numpy()], x[~loyal.to_numpy()]
        p = stats.ttest_ind(a, b, equal_var=False).pvalue if len(a) > 1 and len(b) > 1 else np.nan
        rows[name] = {
            "column": col,
            "loyal_when": "higher" if sign > 0 else "lower",
            "mean_loyal": a.mean(),
            "mean_other": b.mean(),
            "p_value": float(p),
            "agrees": bool(np.sign(a.mean() - b.mean()) == sign),
        }
    if not rows:
        raise ValueError(
            f"`survey` has none of the measure columns {[c for c, _ in LOYALTY_MEASURES.values()]}."
        )
    return pd.DataFrame.from_dict(rows, orient="index")


def life_cycle_stages(
    orders: pd.DataFrame,
    as_of: str = HISTORY_END,
    *,
    formation_years: float = 3.0,
    decline_ratio: float = 0.5,
) -> pd.DataFrame:
    """Place every customer in a life-cycle stage (客户生命周期) from the order history.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    as_of : str or Timestamp
        The day the stages are read (default: the last day of the history). Orders
        after it are ignored.
    formation_years : float
        Customers whose first order lies less than this many years back (but more than
        one) are still forming the relationship.
    decline_ratio : float
        A customer declines when this year's orders fall below ``decline_ratio`` x
        last year's.

    Returns
    -------
    pandas.DataFrame
        One row per customer with an order on or before ``as_of``: ``customer_id``,
        ``first_order``, ``tenure_years``, ``orders_last_year`` (the 365 days up to
        ``as_of``), ``orders_year_before`` (the 365 days before those) and ``stage``
        (ordered categorical :data:`LIFE_CYCLE_STAGES`).

    Notes
    -----
    Rules, applied in this order (:math:`n_1` orders in the last year, :math:`n_0` in
    the year before, tenure from the first order):

    1. **lost** (流失): no order in the last two years (:math:`n_1 = n_0 = 0`);
    2. **exploration** (考察期): first order within the last year;
    3. **decline** (退化期): :math:`n_1 < \\text{decline\\_ratio} \\times n_0`
       (including :math:`n_1 = 0`);
    4. **formation** (形成期): tenure under ``formation_years``;
    5. **stability** (稳定期): everybody else (long-standing, not declining).

    The course names four stages (考察期, 形成期, 稳定期, 退化期); "lost" marks the
    relationships that have already ended, so that they are not counted as declining
    for ever.

    References
    ----------
    Dwyer, Schurr & Oh (1987); course material 002.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import life_cycle_stages
    >>> orders = pd.DataFrame({"customer_id": ["new", "old", "old", "old", "gone", "drop", "drop", "drop"],
    ...     "order_date": pd.to_datetime(["2024-05-01", "2018-02-01", "2023-03-01", "2024-03-01",
    ...                                   "2020-01-01", "2021-06-01", "2023-02-01", "2023-06-01"])})
    >>> stages = life_cycle_stages(orders, "2024-12-31")
    >>> stages[["customer_id", "orders_last_year", "orders_year_before", "stage"]]
      customer_id  orders_last_year  orders_year_before        stage
    0        drop                 0                   2      decline
    1        gone                 0                   0         lost
    2         new                 1                   0  exploration
    3         old                 1                   1    stability

    Checked against: hand classification (above).
    """
    require_table(orders, "orders", ids=["customer_id"], dates=["order_date"], source="load_orders()")
    end = require_date(as_of, "as_of")
    if not 0 < decline_ratio <= 1:
        raise ValueError(f"`decline_ratio` must lie in (0, 1], got {decline_ratio!r}.")
    past = orders[orders["order_date"] <= end]
    if past.empty:
        raise ValueError(
            f"no orders on or before `as_of`={end.date()}; choose a date inside the order history."
        )
    age_days = (end - past["order_date"]).dt.days
    g = past.assign(last=age_days < 365, prev=(age_days >= 365) & (age_days < 730)).groupby("customer_id")
    out = pd.DataFrame(
        {
            "first_order": g["order_date"].min(),
            "orders_last_year": g["last"].sum().astype(int),
            "orders_year_before": g["prev"].sum().astype(int),
        }
    )
    out["tenure_years"] = (end - out["first_order"]).dt.days / 365.25
    n1, n0, tenure = out["orders_last_year"], out["orders_year_before"], out["tenure_years"]
    stage = np.select(
        [
            (n1 == 0) & (n0 == 0),
            (end - out["first_order"]).dt.days < 365,
            n1 < decline_ratio * n0,
            tenure < formation_years,
        ],
        ["lost", "exploration", "decline", "formation"],
        default="stability",
    )
    out["stage"] = pd.Categorical(stage, categories=list(LIFE_CYCLE_STAGES), ordered=True)
    out = out.reset_index()[
        ["customer_id", "first_order", "tenure_years", "orders_last_year", "orders_year_before", "stage"]
    ]
    return out.sort_values("customer_id", kind="stable").reset_index(drop=True)


def complaint_repurchase(
    complaints: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    window_days: int = 365,
    data_end: str = HISTORY_END,
) -> pd.DataFrame:
    """For each complaint: did the customer buy again within ``window_days``?

    Parameters
    ----------
    complaints : pandas.DataFrame
        ``complaint_id``, ``customer_id``, ``complaint_date``, ``recovered``.
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    window_days : int
        Loyalty window after the complaint (12 months by default).
    data_end : str or Timestamp
        Last day of the order history. Complaints whose window runs past it are left
        out (we cannot yet know whether those customers will come back); their number
        is in ``attrs["censored"]``.

    Returns
    -------
    pandas.DataFrame
        The complaints kept, with ``orders_after`` (orders in the window) and
        ``repurchased`` (bool).

    Raises
    ------
    ValueError
        When ``data_end`` leaves no complaint with a complete window.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import complaint_repurchase
    >>> complaints = pd.DataFrame({"complaint_id": ["K1", "K2", "K3"], "customer_id": ["a", "b", "c"],
    ...     "complaint_date": pd.to_datetime(["2023-01-10", "2023-02-01", "2024-11-01"]),
    ...     "recovered": [True, False, True]})
    >>> orders = pd.DataFrame({"customer_id": ["a", "b"],
    ...     "order_date": pd.to_datetime(["2023-06-01", "2024-06-01"])})
    >>> out = complaint_repurchase(complaints, orders, data_end="2024-12-31")
    >>> out[["complaint_id", "recovered", "repurchased"]], out.attrs["censored"]
    (  complaint_id  recovered  repurchased
    0           K1       True         True
    1           K2      False        False, 1)

    Checked against: hand dates (K2's next order comes after 12 months; K3's window
    is incomplete).
    """
    require_table(
        complaints,
        "complaints",
        ids=["customer_id"],
        dates=["complaint_date"],
        booleans=["recovered"],
        source="load_complaints()",
        nonempty=True,
    )
    end = require_date(data_end, "data_end")
    complete = complaints["complaint_date"] + pd.Timedelta(days=window_days) <= end
    if not complete.any():
        raise ValueError(
            f"`data_end`={end.date()} leaves no complaint with a full {window_days}-day window after it; "
            "use the last day of the order history or a shorter `window_days`."
        )
    kept = complaints[complete].copy()
    kept["orders_after"] = orders_in_window(
        orders, kept["customer_id"], kept["complaint_date"], days=window_days, after=True
    )
    kept["repurchased"] = kept["orders_after"] > 0
    kept = kept.reset_index(drop=True)
    kept.attrs["censored"] = int((~complete).sum())
    return kept


def recovery_loyalty(repurchases: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Loyalty of complainants whose problem was recovered vs not.

    Parameters
    ----------
    repurchases : pandas.DataFrame
        Output of :func:`complaint_repurchase`.
    confidence : float

    Returns
    -------
    pandas.DataFrame
        Rows ``recovered`` and ``not recovered``: ``complaints``, ``repurchased``,
        ``repurchase_rate``. ``attrs`` hold the ``difference`` (recovered minus not),
        its Newcombe interval ``ci_low`` / ``ci_high`` and the two-proportion test's
        ``p_value``.

    Notes
    -----
    Same arithmetic as a pilot (:mod:`crm_lessons.pilots`), but *not* an experiment:
    recovery was not assigned at random, so the difference shows association. A
    customer who meant to stay may also be easier to satisfy.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import recovery_loyalty
    >>> r = pd.DataFrame({"recovered": [True] * 10 + [False] * 10,
    ...                   "repurchased": [True] * 8 + [False] * 2 + [True] * 3 + [False] * 7})
    >>> out = recovery_loyalty(r)
    >>> out
                   complaints  repurchased  repurchase_rate
    recovered              10            8              0.8
    not recovered          10            3              0.3
    >>> round(out.attrs["difference"], 2)
    0.5

    Checked against: hand rates; interval and test from :mod:`crm_lessons.pilots`.
    """
    require_columns(
        repurchases,
        ["recovered", "repurchased"],
        "repurchases",
        source="crm_lessons.loyalty.complaint_repurchase()",
    )
    rec = require_boolean(repurchases, "recovered", "repurchases")
    rep = require_boolean(repurchases, "repurchased", "repurchases")
    rows = {}
    for label, mask in (("recovered", rec), ("not recovered", ~rec)):
        if not mask.any():
            raise ValueError(f"`repurchases` has no '{label}' complaints; both groups are needed to compare.")
        rows[label] = {"complaints": int(mask.sum()), "repurchased": int(rep[mask].sum())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["repurchase_rate"] = out["repurchased"] / out["complaints"]
    a, b = rows["recovered"], rows["not recovered"]
    diff = difference_in_proportions(
        a["repurchased"], a["complaints"], b["repurchased"], b["complaints"], confidence=confidence
    )
    test = two_proportion_test(a["repurchased"], a["complaints"], b["repurchased"], b["complaints"])
    out.attrs.update(
        difference=float(diff["uplift"]),
        ci_low=float(diff["ci_low"]),
        ci_high=float(diff["ci_high"]),
        p_value=float(test["p_value"]),
    )
    return out


def recovery_by_speed(repurchases: pd.DataFrame, *, bands=(3, 7, 14)) -> pd.DataFrame:
    """Complaint handling step by step: how fast a case was closed, recovery, and repurchase.

    Parameters
    ----------
    repurchases : pandas.DataFrame
        One row per complaint with ``resolution_days`` (days until the case was closed),
        ``recovered`` (the customer accepted the remedy) and ``repurchased`` (bought again
        within the loyalty window): the output of :func:`complaint_repurchase`.
    bands : sequence of int
        Upper limits (days, inclusive) of the speed bands; a last band takes the slower
        cases. Increasing, positive.

    Returns
    -------
    pandas.DataFrame
        One row per band (``"≤3"``, ``"4-7"``, ..., ``">14"``; index ``closed_within``):
        ``complaints``, ``complaint_share``, ``recovery_rate`` (share recovered) and
        ``repurchase_rate`` (share who bought again).

    Notes
    -----
    A descriptive table, not an experiment: cases that are hard to put right also take
    longer, so speed and recovery go together for both reasons.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import recovery_by_speed
    >>> cases = pd.DataFrame({"resolution_days": [2, 5, 6, 20],
    ...     "recovered": [True, True, False, False], "repurchased": [True, False, False, False]})
    >>> recovery_by_speed(cases, bands=(3, 7))
                   complaints  complaint_share  recovery_rate  repurchase_rate
    closed_within
    ≤3                      1             0.25            1.0              1.0
    4-7                     2             0.50            0.5              0.0
    >7                      1             0.25            0.0              0.0

    Checked against: hand counts (above).
    """
    require_typed(
        repurchases,
        "repurchases",
        ["resolution_days", "recovered", "repurchased"],
        source="crm_lessons.loyalty.complaint_repurchase()",
    )
    bands = [int(b) for b in bands]
    if not bands or any(b <= 0 for b in bands) or any(b2 <= b1 for b1, b2 in zip(bands, bands[1:])):
        raise ValueError(
            f"`bands` must be increasing positive day limits, e.g. (3, 7, 14); got {tuple(bands)!r}."
        )
    days = pd.to_numeric(repurchases["resolution_days"], errors="coerce")
    if days.isna().any() or (days < 0).any():
        raise ValueError("`repurchases['resolution_days']` must be whole days, 0 or more, with no blanks.")
    labels = [f"≤{bands[0]}"] + [f"{lo + 1}-{hi}" for lo, hi in zip(bands, bands[1:])] + [f">{bands[-1]}"]
    band = pd.cut(days, [-1, *bands, np.inf], labels=labels)
    frame = pd.DataFrame(
        {
            "band": band,
            "recovered": repurchases["recovered"].astype(bool),
            "repurchased": repurchases["repurchased"].astype(bool),
        }
    )
    out = frame.groupby("band", observed=False).agg(
        complaints=("recovered", "size"),
        recovery_rate=("recovered", "mean"),
        repurchase_rate=("repurchased", "mean"),
    )
    out.insert(1, "complaint_share", out["complaints"] / out["complaints"].sum())
    out.index = pd.Index(labels, name="closed_within")
    return out


def profit_by_tenure(sales: pd.DataFrame, *, max_years: int = 5) -> pd.DataFrame:
    """Mean yearly profit and revenue of an active customer, by years since his first purchase.

    Parameters
    ----------
    sales : pandas.DataFrame
        Order lines with ``customer_id``, ``order_date``, ``revenue`` and ``profit``
        (:func:`crm_lessons.data.load_sales`).
    max_years : int, default 5
        Tenures of ``max_years`` or more are pooled in the last row.

    Returns
    -------
    pandas.DataFrame
        Index ``tenure_years`` (0 = the calendar year of the first purchase); columns
        ``customer_years`` (customers active in a year, counted once per year),
        ``revenue_per_customer`` and ``profit_per_customer`` (means over those
        customer-years).

    Notes
    -----
    Tenure of customer :math:`i` in calendar year :math:`t` is :math:`t - f_i`, with
    :math:`f_i` the year of his first purchase in the data. Two cautions when reading it:
    year 0 is usually a part year (the customer joined during it), and the customers
    still buying after several years are the survivors, who may have been bigger buyers
    from the start.

    References
    ----------
    Course material 001 (revision sheet, 培育客户忠诚对企业的影响): the longer a
    customer stays, the longer the firm earns its base profit, and in most industries
    his purchases grow over time. Reichheld, F. F. & Sasser, W. E. (1990). Zero
    defections: quality comes to services. *Harvard Business Review*, 68(5), 105-111.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.loyalty import profit_by_tenure
    >>> sales = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2022-03-01", "2023-05-01", "2023-06-01", "2023-01-01"]),
    ...     "revenue": [100.0, 150.0, 50.0, 80.0], "profit": [20.0, 30.0, 10.0, 16.0]})
    >>> profit_by_tenure(sales)
                  customer_years  revenue_per_customer  profit_per_customer
    tenure_years
    0                          2                  90.0                 18.0
    1                          1                 200.0                 40.0

    Checked against: hand sums (above).
    """
    require_typed(sales, "sales", ["customer_id", "order_date", "revenue", "profit"], source="load_sales()")
    if not isinstance(max_years, (int, np.integer)) or max_years < 1:
        raise ValueError(f"`max_years` must be a whole number of years, 1 or more; got {max_years!r}.")
    year = pd.to_datetime(sales["order_date"]).dt.year
    first = year.groupby(sales["customer_id"]).transform("min")
    frame = pd.DataFrame(
        {
            "customer_id": sales["customer_id"],
            "year": year,
            "tenure": (year - first).clip(upper=max_years),
            "revenue": sales["revenue"],
            "profit": sales["profit"],
        }
    )
    per_year = frame.groupby(["customer_id", "year"], observed=True).agg(
        tenure=("tenure", "first"), revenue=("revenue", "sum"), profit=("profit", "sum")
    )
    out = per_year.groupby("tenure").agg(
        customer_years=("revenue", "size"),
        revenue_per_customer=("revenue", "mean"),
        profit_per_customer=("profit", "mean"),
    )
    out.index = out.index.rename("tenure_years")
    return out
