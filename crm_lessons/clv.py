"""Customer lifetime value (客户终身价值): the simple retention formula and the
buy-till-you-die models fitted on a purchase log.

Three layers, each usable on its own from a notebook:

1. The simple formula ``margin × retention / (1 + discount − retention)`` and
   the variants textbooks print (:func:`simple_clv`, :func:`simple_clv_variants`,
   :func:`clv_cash_flows`).
2. Summary statistics of a transaction log — frequency, recency, age ``T`` and
   mean repeat spend per customer — with a calibration / holdout split
   (:func:`rfm_summary`, :func:`calibration_and_holdout`).
3. Probabilistic models fitted by maximum likelihood: BG/NBD
   (:func:`fit_bgnbd`), Pareto/NBD (:func:`fit_pareto_nbd`) and the gamma–gamma
   spend model (:func:`fit_gamma_gamma`), each returning a small fitted object
   with the model's predictions as methods, and :func:`customer_lifetime_value`
   putting purchases and spend together into a money value per customer.
4. The forecast against what happened: :func:`holdout_by_frequency` (mean
   holdout purchases by calibration frequency) and
   :func:`repeat_purchase_tracking` (repeat purchases per week, actual and
   expected), the two charts of Fader, Hardie & Lee (2005).

A typical notebook session on the CDNOW log:

>>> from crm_lessons.data import load_cdnow
>>> cal = calibration_and_holdout(load_cdnow(sample=True), monetary_col="dollars",
...                               calibration_end="1997-09-30")
>>> bg = fit_bgnbd(cal)
>>> bg.params.round(3).tolist()
[0.243, 4.414, 0.793, 2.426]
>>> cal["p_alive"] = bg.probability_alive(cal)
>>> cal["expected_39_weeks"] = bg.conditional_expected_purchases(39, cal)
>>> repeat = cal[cal.frequency_cal > 0]
>>> gg = fit_gamma_gamma(repeat.frequency_cal, repeat.monetary_value_cal)
>>> cal["clv_12_months"] = customer_lifetime_value(bg, gg, cal)
>>> cal.loc["00004", ["p_alive", "expected_39_weeks", "clv_12_months"]].round(2).tolist()
[0.73, 1.23, 36.27]

Time conventions follow the published CDNOW analyses (Fader, Hardie & Lee 2005)
and the ``lifetimes`` library run with ``freq="D", freq_multiplier=7``: purchases
on the same day are merged into one, and times are whole days divided by 7.

Examples
--------
>>> from crm_lessons.clv import simple_clv
>>> round(simple_clv(margin=100, retention=0.8, discount_rate=0.1), 2)
266.67
"""

from __future__ import annotations

import contextlib
import functools
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from crm_lessons._validation import require_date, require_ids, require_numeric

__all__ = [
    "FIRST_MARGIN_VARIANTS",
    "simple_clv",
    "simple_clv_variants",
    "clv_cash_flows",
    "rfm_summary",
    "calibration_and_holdout",
    "bgnbd_log_likelihood",
    "bgnbd_expected_purchases",
    "bgnbd_conditional_expected_purchases",
    "bgnbd_probability_alive",
    "fit_bgnbd",
    "BetaGeoFit",
    "pareto_nbd_log_likelihood",
    "pareto_nbd_expected_purchases",
    "pareto_nbd_conditional_expected_purchases",
    "pareto_nbd_probability_alive",
    "fit_pareto_nbd",
    "ParetoNBDFit",
    "gamma_gamma_log_likelihood",
    "gamma_gamma_expected_spend",
    "fit_gamma_gamma",
    "GammaGammaFit",
    "customer_lifetime_value",
    "holdout_by_frequency",
    "repeat_purchase_tracking",
]

# ---------------------------------------------------------------------------
# 1. The simple formula
# ---------------------------------------------------------------------------

#: The three textbook variants of the simple formula: when the first margin is
#: received. Value: (formula, first margin counted, explanation).
FIRST_MARGIN_VARIANTS = {
    "excluded": ("m*r/(1+d-r)", False, "no margin now; retained customers pay at the end of each period"),
    "now": ("m*(1+d)/(1+d-r)", True, "first margin today; then at the start of each period if retained"),
    "end": ("m/(1+d-r)", True, "first margin certain, paid at the end of period 1; later ones if retained"),
}


def _check_real(value, name, *, low=None, high=None, low_inclusive=True, high_inclusive=True, hint=""):
    """Return ``value`` as a float array after checking it is real and in range."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, str):
        raise TypeError(f"`{name}` must be a number, got {value!r}.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a number or an array of numbers, got {value!r}.") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite, got {value!r}.")
    if low is not None:
        bad = arr < low if low_inclusive else arr <= low
        if np.any(bad):
            sign = ">=" if low_inclusive else ">"
            raise ValueError(f"`{name}` must be {sign} {low}, got {value!r}.{hint}")
    if high is not None:
        bad = arr > high if high_inclusive else arr >= high
        if np.any(bad):
            sign = "<=" if high_inclusive else "<"
            raise ValueError(f"`{name}` must be {sign} {high}, got {value!r}.{hint}")
    return arr


def _check_simple_inputs(margin, retention, discount_rate):
    m = _check_real(margin, "margin")
    d = _check_real(
        discount_rate,
        "discount_rate",
        low=0,
        hint=" Give the per-period rate as a fraction, e.g. 0.1 for 10%.",
    )
    r = _check_real(
        retention,
        "retention",
        low=0,
        high=1,
        high_inclusive=False,
        hint=" Give the per-period retention rate as a fraction, e.g. 0.8 for 80%;"
        " a retention of 1 means customers never leave and the value is infinite.",
    )
    if np.any(r >= 1 + d):
        raise ValueError(
            f"`retention` must be < 1 + discount_rate, got retention={retention!r} "
            f"and discount_rate={discount_rate!r}: the series would not converge."
        )
    return m, r, d


def _check_horizon(horizon, name="horizon"):
    if horizon is None:
        return None
    if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, numbers.Integral):
        raise TypeError(f"`{name}` must be a whole number of periods (or None for no end), got {horizon!r}.")
    if horizon < 1:
        raise ValueError(f"`{name}` must be a positive number of periods, got {horizon!r}.")
    return int(horizon)


def _scalar_or_array(arr):
    return float(arr) if np.ndim(arr) == 0 else arr


def simple_clv(margin, retention, discount_rate, *, first_margin="excluded", horizon=None):
    """Customer lifetime value from a constant margin, retention rate and discount rate.

    Parameters
    ----------
    margin : float or array-like
        Margin (profit) a retained customer brings per period, ``m``.
    retention : float or array-like
        Probability a customer stays from one period to the next, ``r``, in [0, 1).
    discount_rate : float or array-like
        Discount rate per period, ``d`` >= 0 (0.1 for 10 %).
    first_margin : {"excluded", "now", "end"}, default "excluded"
        Which textbook variant (see Notes): is the margin of the first period
        counted, and when is it received.
    horizon : int, optional
        Number of future periods to sum over. ``None`` (default) sums to
        infinity and gives the closed forms below.

    Returns
    -------
    float or numpy.ndarray
        The expected discounted margin of one customer (array when any input is an array).

    Notes
    -----
    With survival to period ``t`` equal to ``r**t`` and discounting ``(1 + d)**-t``:

    * ``"excluded"``: :math:`\\sum_{t=1}^{\\infty} m r^t/(1+d)^t = m r/(1+d-r)`
      (Gupta & Lehmann 2003), the course's formula.
    * ``"now"``: :math:`\\sum_{t=0}^{\\infty} m r^t/(1+d)^t = m (1+d)/(1+d-r)`,
      the first margin is received today.
    * ``"end"``: :math:`\\sum_{t=1}^{\\infty} m r^{t-1}/(1+d)^t = m/(1+d-r)`,
      the first margin is certain but paid at the end of period 1.

    With a finite ``horizon`` ``H`` the sums stop at ``t = H`` (``"now"`` then
    counts ``H + 1`` margins: today's and ``H`` future ones).

    References
    ----------
    Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of
    Interactive Marketing* 17(1), 9–24.
    Berger, P. D. & Nasr, N. I. (1998). Customer lifetime value: marketing
    models and applications. *Journal of Interactive Marketing* 12(1), 17–30.
    Course material, chapter 4 (客户终身价值).

    Checked against the explicit sums of :func:`clv_cash_flows` (tests).

    Examples
    --------
    >>> round(simple_clv(100, 0.8, 0.1), 2)
    266.67
    >>> round(simple_clv(100, 0.8, 0.1, first_margin="now"), 2)
    366.67
    >>> round(simple_clv(100, 0.8, 0.1, first_margin="end"), 2)
    333.33
    >>> round(simple_clv(100, 0.8, 0.1, horizon=2), 2)   # 100*.8/1.1 + 100*.64/1.21
    125.62
    """
    m, r, d = _check_simple_inputs(margin, retention, discount_rate)
    if first_margin not in FIRST_MARGIN_VARIANTS:
        raise ValueError(
            f"`first_margin` must be one of {sorted(FIRST_MARGIN_VARIANTS)}, got {first_margin!r}."
        )
    horizon = _check_horizon(horizon)
    q = r / (1 + d)  # survival times discount factor per period
    if horizon is None:
        future = q / (1 - q)  # sum_{t>=1} q^t
        end_sum = 1 / (1 - q)  # sum_{t>=0} q^t
    else:
        future = q * (1 - q**horizon) / (1 - q)
        end_sum = (1 - q**horizon) / (1 - q)
    if first_margin == "excluded":
        value = m * future
    elif first_margin == "now":
        value = m * (1 + future)
    else:
        value = m / (1 + d) * end_sum
    return _scalar_or_array(value)


def simple_clv_variants(margin, retention, discount_rate, horizon=None):
    """The three textbook variants of the simple CLV formula side by side.

    Parameters
    ----------
    margin, retention, discount_rate : float
        As in :func:`simple_clv` (scalars).
    horizon : int, optional
        When given, a column ``clv_horizon`` adds the value summed over
        ``horizon`` future periods.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``variant`` ("excluded", "now", "end") with columns
        ``formula``, ``first_margin_counted``, ``timing`` (in words), ``clv``
        (infinite horizon) and optionally ``clv_horizon``.

    Notes
    -----
    The variants differ only in the first margin:
    ``m(1+d)/(1+d-r) = m + m r/(1+d-r)`` and
    ``m/(1+d-r) = m(1+d)/(1+d-r) / (1+d)``, so "now" exceeds "excluded" by
    exactly one margin and "end" is "now" discounted by one period.

    References
    ----------
    Gupta, S. & Lehmann, D. R. (2003). Customers as assets.
    Berger, P. D. & Nasr, N. I. (1998). Customer lifetime value: marketing models and applications.

    Checked against :func:`simple_clv` and hand computation (tests).

    Examples
    --------
    >>> simple_clv_variants(100, 0.8, 0.1)[["formula", "clv"]].round(2)
                      formula     clv
    variant
    excluded      m*r/(1+d-r)  266.67
    now       m*(1+d)/(1+d-r)  366.67
    end            m/(1+d-r)   333.33
    """
    for name, value in (("margin", margin), ("retention", retention), ("discount_rate", discount_rate)):
        if np.ndim(value) != 0:
            raise TypeError(f"`{name}` must be a single number here; use simple_clv for arrays.")
    rows = []
    for variant, (formula, counted, timing) in FIRST_MARGIN_VARIANTS.items():
        row = {
            "variant": variant,
            "formula": formula,
            "first_margin_counted": counted,
            "timing": timing,
            "clv": simple_clv(margin, retention, discount_rate, first_margin=variant),
        }
        if horizon is not None:
            row["clv_horizon"] = simple_clv(
                margin, retention, discount_rate, first_margin=variant, horizon=horizon
            )
        rows.append(row)
    return pd.DataFrame(rows).set_index("variant")


def clv_cash_flows(margin, retention, discount_rate, horizon, *, first_margin="excluded"):
    """Period-by-period table behind the simple CLV formula.

    Parameters
    ----------
    margin, retention, discount_rate : float
        As in :func:`simple_clv` (scalars).
    horizon : int
        Last period shown.
    first_margin : {"excluded", "now", "end"}, default "excluded"
        The variant (see :func:`simple_clv`).

    Returns
    -------
    pandas.DataFrame
        One row per period with ``period``, ``survival`` (probability the
        margin is received), ``discount_factor``, ``expected_margin``,
        ``present_value`` and ``cumulative_clv``; the last ``cumulative_clv``
        equals ``simple_clv(..., horizon=horizon)``.

    Notes
    -----
    ``present_value_t = m * survival_t / (1 + d)**t`` with ``survival_t = r**t``
    ("excluded", "now"; "now" starts at ``t = 0``) or ``r**(t-1)`` ("end").

    References
    ----------
    Berger, P. D. & Nasr, N. I. (1998). Customer lifetime value: marketing models and applications.

    Checked against the closed forms of :func:`simple_clv` (tests).

    Examples
    --------
    >>> clv_cash_flows(100, 0.8, 0.1, 2)[["period", "survival", "present_value", "cumulative_clv"]].round(2)
       period  survival  present_value  cumulative_clv
    0       1      0.80          72.73           72.73
    1       2      0.64          52.89          125.62
    """
    m, r, d = _check_simple_inputs(margin, retention, discount_rate)
    for name, value in (("margin", m), ("retention", r), ("discount_rate", d)):
        if value.ndim != 0:
            raise TypeError(f"`{name}` must be a single number here.")
    if first_margin not in FIRST_MARGIN_VARIANTS:
        raise ValueError(
            f"`first_margin` must be one of {sorted(FIRST_MARGIN_VARIANTS)}, got {first_margin!r}."
        )
    horizon = _check_horizon(horizon)
    if horizon is None:
        raise ValueError("`horizon` must be a positive number of periods for a cash-flow table.")
    start = 0 if first_margin == "now" else 1
    period = np.arange(start, horizon + 1)
    survival = r ** (period - 1 if first_margin == "end" else period)
    discount_factor = (1 + d) ** -period.astype(float)
    expected_margin = float(m) * survival
    present_value = expected_margin * discount_factor
    return pd.DataFrame(
        {
            "period": period,
            "survival": survival,
            "discount_factor": discount_factor,
            "expected_margin": expected_margin,
            "present_value": present_value,
            "cumulative_clv": np.cumsum(present_value),
        }
    )


# ---------------------------------------------------------------------------
# 2. Summary statistics of a transaction log
# ---------------------------------------------------------------------------

#: Length of one time unit in days.
_DAYS_PER_UNIT = {"D": 1, "W": 7}


def _check_columns(transactions, columns):
    if not isinstance(transactions, pd.DataFrame):
        raise TypeError(f"`transactions` must be a pandas DataFrame, got {type(transactions).__name__}.")
    missing = [c for c in columns if c is not None and c not in transactions.columns]
    if missing:
        raise ValueError(
            f"`transactions` has no column(s) {missing}; its columns are {list(transactions.columns)}. "
            "Pass the right names with customer_col / date_col / monetary_col."
        )
    if len(transactions) == 0:
        raise ValueError("`transactions` is empty: there is nothing to summarise.")


def _daily_purchases(transactions, customer_col, date_col, monetary_col):
    """One row per customer and day, spend summed: same-day purchases merged."""
    dates = transactions[date_col]
    if (
        not pd.api.types.is_datetime64_any_dtype(dates)
        and dates.map(lambda v: isinstance(v, (int, float, np.number, bool)) and not pd.isna(v)).any()
    ):
        raise TypeError(
            f"`transactions[{date_col!r}]` must hold dates (or date text such as '1997-01-01'), "
            "not numbers: a number would be read as nanoseconds after 1970."
        )
    try:
        days = pd.to_datetime(transactions[date_col]).dt.normalize()
    except (TypeError, ValueError) as error:
        raise ValueError(f"`transactions[{date_col!r}]` must hold dates: {error}") from None
    if days.isna().any() or transactions[customer_col].isna().any():
        raise ValueError(
            f"`transactions` has missing values in {customer_col!r} or {date_col!r}; drop those rows first."
        )
    require_ids(transactions, customer_col, "transactions")  # 1 and "1" would be two customers
    spend = 0.0
    if monetary_col:
        # numbers only: text, even digits, is refused by name (as every other spend column)
        spend = require_numeric(transactions, monetary_col, "transactions").to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "customer": transactions[customer_col].to_numpy(),
            "day": days.to_numpy(),
            "spend": spend,
        }
    )
    return frame.groupby(["customer", "day"], sort=True, as_index=False)["spend"].sum()


def _timestamp(value, name):
    # CDNOW dates are whole days
    return require_date(value, name, "1997-09-30").normalize()


def _unit_days(freq):
    if freq not in _DAYS_PER_UNIT:
        raise ValueError(f"`freq` must be one of {sorted(_DAYS_PER_UNIT)} (days or weeks), got {freq!r}.")
    return _DAYS_PER_UNIT[freq]


def _summarise_daily(daily, observation_end, unit_days):
    grouped = daily.groupby("customer", sort=True)
    first = grouped["day"].min()
    last = grouped["day"].max()
    n_days = grouped["day"].size()
    is_repeat = daily["day"] > grouped["day"].transform("min")
    repeat_spend = daily["spend"].where(is_repeat, 0.0).groupby(daily["customer"], sort=True).sum()
    frequency = (n_days - 1).astype(float)
    monetary = (repeat_spend / frequency).where(frequency > 0, 0.0)
    return pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first).dt.days / unit_days,
            "T": (observation_end - first).dt.days / unit_days,
            "monetary_value": monetary,
        }
    )


def rfm_summary(
    transactions,
    customer_col="customer_id",
    date_col="date",
    monetary_col=None,
    calibration_end=None,
    observation_end=None,
    freq="W",
):
    """Frequency, recency, age and mean repeat spend of each customer from a purchase log.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase (several rows per customer and day allowed).
    customer_col, date_col : str
        Names of the customer identifier and purchase date columns.
    monetary_col : str, optional
        Name of the spend column; without it ``monetary_value`` is 0.
    calibration_end : date-like, optional
        When given, split the log instead: the result is
        :func:`calibration_and_holdout` with this calibration end (columns
        suffixed ``_cal`` and ``_holdout``).
    observation_end : date-like, optional
        End of the observation window (inclusive); purchases after it are
        ignored. Default: the last purchase date in the log.
    freq : {"W", "D"}, default "W"
        Time unit: weeks (days / 7) or days.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer (sorted), columns

        * ``frequency`` — number of repeat purchases (purchase days after the first), ``x``;
        * ``recency`` — time from first to last purchase, ``t_x``;
        * ``T`` — time from first purchase to ``observation_end`` (the customer's age);
        * ``monetary_value`` — mean spend per repeat purchase day (0 when ``frequency`` is 0).

    Notes
    -----
    Purchases on the same day are merged into one with their spend summed,
    and times are whole days divided by the unit length (7 for weeks), as in
    the published CDNOW analyses (Fader, Hardie & Lee 2005) and in
    ``lifetimes.utils.summary_data_from_transaction_data(..., freq="D",
    freq_multiplier=7)``. (``lifetimes`` with ``freq="W"`` instead bins dates
    into calendar weeks, which gives other numbers.)

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your
    customers" the easy way: an alternative to the Pareto/NBD model.
    *Marketing Science* 24(2), 275–284.

    Checked against the CDNOW summary file published by Hardie (as shipped in
    ``lifetimes``) and against ``lifetimes`` 0.11.3 (tests).

    Examples
    --------
    >>> log = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["1997-01-01", "1997-01-01", "1997-01-15", "1997-01-08"]),
    ...     "dollars": [10.0, 5.0, 20.0, 7.0]})
    >>> rfm_summary(log, monetary_col="dollars", observation_end="1997-01-29")
                 frequency  recency    T  monetary_value
    customer_id
    a                  1.0      2.0  4.0            20.0
    b                  0.0      0.0  3.0             0.0
    """
    if calibration_end is not None:
        return calibration_and_holdout(
            transactions,
            customer_col,
            date_col,
            monetary_col,
            calibration_end=calibration_end,
            observation_end=observation_end,
            freq=freq,
        )
    _check_columns(transactions, [customer_col, date_col, monetary_col])
    unit_days = _unit_days(freq)
    daily = _daily_purchases(transactions, customer_col, date_col, monetary_col)
    if observation_end is None:
        end = daily["day"].max()
    else:
        end = _timestamp(observation_end, "observation_end")
        if end < daily["day"].min():
            raise ValueError(
                f"`observation_end` ({end.date()}) is before the first purchase in the log "
                f"({daily['day'].min().date()}); choose a later date."
            )
        daily = daily[daily["day"] <= end]
    summary = _summarise_daily(daily, end, unit_days)
    summary.index.name = customer_col
    return summary


def calibration_and_holdout(
    transactions,
    customer_col="customer_id",
    date_col="date",
    monetary_col=None,
    calibration_end=None,
    observation_end=None,
    freq="W",
):
    """Split a purchase log into a calibration summary and the holdout purchases that followed.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase.
    customer_col, date_col, monetary_col : str
        Column names as in :func:`rfm_summary`.
    calibration_end : date-like
        Last day of the calibration period (inclusive). For CDNOW: "1997-09-30".
    observation_end : date-like, optional
        Last day of the holdout period; default the last purchase date in the
        log (for CDNOW 1998-06-30, 39 weeks after the calibration end).
    freq : {"W", "D"}, default "W"
        Time unit.

    Returns
    -------
    pandas.DataFrame
        One row per customer who bought in the calibration period, with
        ``frequency_cal``, ``recency_cal``, ``T_cal``, ``monetary_value_cal``
        (as :func:`rfm_summary` at ``calibration_end``), ``frequency_holdout``
        (purchase days in the holdout), ``monetary_value_holdout`` (mean spend
        per holdout purchase day, 0 if none) and ``duration_holdout``.

    Notes
    -----
    Customers whose first purchase falls in the holdout are not included:
    the models predict the future of customers already known.
    ``monetary_value_holdout`` averages over purchase days (same-day purchases
    merged, as in the calibration columns); ``lifetimes`` averages the holdout
    over log lines instead, so that one column differs from its output.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way.

    Checked against ``lifetimes.utils.calibration_and_holdout_data(...,
    freq="D", freq_multiplier=7)`` on CDNOW (tests).

    Examples
    --------
    >>> log = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b", "c"],
    ...     "date": pd.to_datetime(["1997-01-01", "1997-01-15", "1997-02-05", "1997-01-08", "1997-02-01"]),
    ...     "dollars": [10.0, 20.0, 30.0, 7.0, 5.0]})
    >>> calibration_and_holdout(log, monetary_col="dollars", calibration_end="1997-01-29",
    ...                         observation_end="1997-02-12").round(2).T
    customer_id                a     b
    frequency_cal           1.00  0.00
    recency_cal             2.00  0.00
    T_cal                   4.00  3.00
    monetary_value_cal     20.00  0.00
    frequency_holdout       1.00  0.00
    monetary_value_holdout 30.00  0.00
    duration_holdout        2.00  2.00
    """
    _check_columns(transactions, [customer_col, date_col, monetary_col])
    unit_days = _unit_days(freq)
    if calibration_end is None:
        raise ValueError(
            "`calibration_end` is required: the last day of the calibration period, e.g. '1997-09-30'."
        )
    daily = _daily_purchases(transactions, customer_col, date_col, monetary_col)
    first_day, last_day = daily["day"].min(), daily["day"].max()
    cal_end = _timestamp(calibration_end, "calibration_end")
    if cal_end >= last_day:
        raise ValueError(
            f"`calibration_end` ({cal_end.date()}) must be before the last purchase in the log "
            f"({last_day.date()}), or nothing is left for the holdout; choose an earlier date."
        )
    if cal_end < first_day:
        raise ValueError(
            f"`calibration_end` ({cal_end.date()}) is before the first purchase in the log "
            f"({first_day.date()}); choose a later date."
        )
    obs_end = last_day if observation_end is None else _timestamp(observation_end, "observation_end")
    if obs_end <= cal_end:
        raise ValueError(
            f"`observation_end` ({obs_end.date()}) must be after `calibration_end` ({cal_end.date()})."
        )

    calibration = daily[daily["day"] <= cal_end]
    summary = _summarise_daily(calibration, cal_end, unit_days).add_suffix("_cal")

    holdout = daily[(daily["day"] > cal_end) & (daily["day"] <= obs_end)]
    holdout = holdout[holdout["customer"].isin(summary.index)]
    per_customer = holdout.groupby("customer")["spend"]
    summary["frequency_holdout"] = per_customer.size().reindex(summary.index, fill_value=0).astype(float)
    summary["monetary_value_holdout"] = per_customer.mean().reindex(summary.index, fill_value=0.0)
    summary["duration_holdout"] = (obs_end - cal_end).days / unit_days
    summary.index.name = customer_col
    return summary


# ---------------------------------------------------------------------------
# Shared helpers for the fitted models
# ---------------------------------------------------------------------------


def _float_array(values, name: str) -> np.ndarray:
    """``values`` as a float array; text (also digits in quotes) and other non-numbers refused by name."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    flat = np.ravel(np.asarray(values, dtype=object))
    if any(isinstance(v, (str, bytes, bool, np.bool_)) for v in flat):
        raise TypeError(
            f"`{name}` must hold numbers (not text or True/False), got e.g. "
            f"{next(v for v in flat if isinstance(v, (str, bytes, bool, np.bool_)))!r}."
        )
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be an array of numbers, got {type(values).__name__}.") from None


def _rfm_arrays(frequency, recency=None, T=None):
    """Accept three array-likes, or one summary frame with frequency/recency/T (or *_cal) columns."""
    if isinstance(frequency, pd.DataFrame):
        summary = frequency
        for suffix in ("", "_cal"):
            cols = [f"frequency{suffix}", f"recency{suffix}", f"T{suffix}"]
            if all(c in summary.columns for c in cols):
                frequency, recency, T = (summary[c] for c in cols)
                break
        else:
            raise ValueError(
                "`frequency` (a summary frame) needs columns frequency, recency, T "
                "(or frequency_cal, recency_cal, T_cal), as made by rfm_summary."
            )
    if recency is None or T is None:
        raise TypeError("Pass `frequency`, `recency` and `T` (or one summary frame from rfm_summary).")
    x, t_x, t = (
        _float_array(v, name) for v, name in ((frequency, "frequency"), (recency, "recency"), (T, "T"))
    )
    if not (x.shape == t_x.shape == t.shape):
        raise ValueError("`frequency`, `recency` and `T` must have the same length.")
    if x.size == 0:
        raise ValueError("`frequency` is empty: there are no customers to fit.")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x)) and np.all(np.isfinite(t))):
        raise ValueError("`frequency`, `recency` and `T` must be finite (no missing values).")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("`frequency` must be whole numbers >= 0 (repeat purchases).")
    if np.any(t_x < 0):
        raise ValueError("`recency` must be >= 0.")
    if np.any(t_x > t + 1e-9):
        raise ValueError(
            "`recency` must not exceed `T` (the last purchase cannot be after the observation end)."
        )
    if np.any(t_x[x == 0] != 0):
        raise ValueError("`recency` must be 0 for customers with `frequency` 0.")
    return x, t_x, t


def _like(values, template):
    """Return ``values`` as a Series with the index of ``template`` when it is one."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index)
    if isinstance(template, pd.DataFrame):
        return pd.Series(values, index=template.index)
    return _scalar_or_array(values)


def _check_t(t):
    arr = _check_real(t, "t", low=0, hint=" Give the length of the forecast period, e.g. 39 (weeks).")
    return arr


def _compress(*columns):
    """Unique rows of the given columns with their counts: the likelihood needs each pattern once."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return tuple(unique.T) + (counts.astype(float),)


@functools.cache
def _blas_controller():
    try:
        from threadpoolctl import ThreadpoolController  # installed with scikit-learn
    except ImportError:
        return None
    return ThreadpoolController()


def _one_blas_thread():
    """Run L-BFGS-B's tiny linear algebra on one BLAS thread.

    With 4 parameters, OpenBLAS threads only add waiting: on a busy machine
    they made a fit 4x slower.
    """
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


def _maximise(neg_mean_ll, start, name, central_differences=False):
    """Minimise a mean negative log-likelihood over log-parameters with L-BFGS-B.

    Gradients by finite differences (central ones where the surface is a flat
    ridge, as Pareto/NBD's s-beta: forward differences stop 1e-4 short there);
    tight tolerances.
    """
    with _one_blas_thread():
        result = optimize.minimize(
            neg_mean_ll,
            np.log(start),
            method="L-BFGS-B",
            jac="3-point" if central_differences else None,
            options={"maxiter": 5000, "ftol": 1e-14, "gtol": 1e-9},
        )
    if not (np.all(np.isfinite(result.x)) and np.isfinite(result.fun)):
        raise RuntimeError(f"The {name} fit did not converge ({result.message}); check the summary data.")
    return np.exp(result.x), result


# ---------------------------------------------------------------------------
# 3a. BG/NBD
# ---------------------------------------------------------------------------


def bgnbd_log_likelihood(frequency, recency, T, r, alpha, a, b):
    """Log-likelihood of each customer's (x, t_x, T) under the BG/NBD model.

    Parameters
    ----------
    frequency, recency, T : array-like
        Repeat purchases ``x``, time of last purchase ``t_x`` and age ``T``.
    r, alpha : float
        Shape and scale of the gamma distribution of purchase rates λ.
    a, b : float
        Parameters of the beta distribution of the drop-out probability p.

    Returns
    -------
    numpy.ndarray
        ``ln L`` per customer; the model's log-likelihood is their sum.

    Notes
    -----
    Fader, Hardie & Lee (2005), equation (6), split as in Hardie's
    spreadsheet note (2013, "Implementing the BG/NBD model for customer base
    analysis in Excel"):

    .. math::

        L(r,\\alpha,a,b \\mid x,t_x,T) = A_1 A_2 \\left( A_3 + \\delta_{x>0} A_4 \\right),

        A_1 = \\frac{\\Gamma(r+x)\\,\\alpha^r}{\\Gamma(r)}, \\quad
        A_2 = \\frac{B(a,b+x)}{B(a,b)} = \\frac{\\Gamma(a+b)\\,\\Gamma(b+x)}{\\Gamma(b)\\,\\Gamma(a+b+x)},

        A_3 = \\left(\\frac{1}{\\alpha+T}\\right)^{r+x}, \\quad
        A_4 = \\frac{a}{b+x-1} \\left(\\frac{1}{\\alpha+t_x}\\right)^{r+x}.

    ``A_3`` is the customer "still active at T", ``A_4`` "dropped out right
    after the last purchase" (``A_2 A_4 = B(a+1, b+x-1)/B(a,b) (α+t_x)^{-(r+x)}``).
    Computed on the log scale, with ``ln(A_3 + A_4)`` by log-sum-exp.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your
    customers" the easy way: an alternative to the Pareto/NBD model.
    *Marketing Science* 24(2), 275–284.
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Implementing the
    BG/NBD model for customer base analysis in Excel. http://brucehardie.com/notes/004/

    Checked against a direct evaluation of the formula with ``math.gamma`` and
    against numerical integration over λ and p (tests).

    Examples
    --------
    >>> ll = bgnbd_log_likelihood([0, 2], [0.0, 4.0], [10.0, 10.0], r=0.5, alpha=2.0, a=1.0, b=3.0)
    >>> ll.round(4)
    array([-0.8959, -5.7828])
    """
    x, t_x, t = _rfm_arrays(frequency, recency, T)
    gammaln = special.gammaln
    log_a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    log_a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    log_a3 = -(r + x) * np.log(alpha + t)
    with np.errstate(invalid="ignore", divide="ignore"):  # b + x - 1 <= 0 only when x = 0, where A4 is unused
        log_a4 = np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + t_x)
    log_a4 = np.where(x > 0, log_a4, -np.inf)
    return log_a1 + log_a2 + np.logaddexp(log_a3, log_a4)


def bgnbd_expected_purchases(t, r, alpha, a, b):
    """Expected number of purchases of a random new customer in a period of length ``t``.

    Notes
    -----
    Fader, Hardie & Lee (2005), equation (7):

    .. math::

        E[X(t)] = \\frac{a+b-1}{a-1}\\left[1 - \\left(\\frac{\\alpha}{\\alpha+t}\\right)^r
        {}_2F_1\\!\\left(r, b; a+b-1; \\frac{t}{\\alpha+t}\\right)\\right].

    References
    ----------
    Fader, Hardie & Lee (2005), "Counting your customers" the easy way.

    Checked against ``lifetimes`` ``BetaGeoFitter.expected_number_of_purchases_up_to_time`` (tests).

    Examples
    --------
    >>> round(float(bgnbd_expected_purchases(39, r=0.243, alpha=4.414, a=0.793, b=2.426)), 3)
    1.197
    """
    t = _check_t(t)
    z = t / (alpha + t)
    expected = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, z))
    return _scalar_or_array(np.where(t > 0, expected, 0.0))  # exactly 0 at t = 0, not -0.0


def _bgnbd_odds_dropped(x, t_x, t, r, alpha, a, b):
    """δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}: odds of 'dropped out' vs 'alive'."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + t) - np.log(alpha + t_x))
    return np.where(x > 0, np.exp(np.where(x > 0, log_odds, 0.0)), 0.0)


def bgnbd_probability_alive(frequency, recency, T, r, alpha, a, b):
    """Probability a customer with history (x, t_x, T) is still active under BG/NBD.

    Notes
    -----
    Fader, Hardie & Lee (2005), equation (11):

    .. math::

        P(\\text{alive} \\mid x, t_x, T) = \\frac{1}{1 + \\delta_{x>0}\\,\\frac{a}{b+x-1}
        \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}}.

    Customers with no repeat purchase count as alive (in BG/NBD a customer can
    only drop out right after a purchase).

    References
    ----------
    Fader, Hardie & Lee (2005), "Counting your customers" the easy way.

    Checked against ``lifetimes`` ``BetaGeoFitter.conditional_probability_alive`` (tests).

    Examples
    --------
    >>> bgnbd_probability_alive([0, 2, 2], [0, 30.43, 5.0], [38.86] * 3,
    ...                         r=0.243, alpha=4.414, a=0.793, b=2.426).round(3)
    array([1.   , 0.727, 0.124])
    """
    x, t_x, t = _rfm_arrays(frequency, recency, T)
    return _like(1.0 / (1.0 + _bgnbd_odds_dropped(x, t_x, t, r, alpha, a, b)), frequency)


def bgnbd_conditional_expected_purchases(t, frequency, recency, T, r, alpha, a, b):
    """Expected purchases in the next ``t`` periods of a customer with history (x, t_x, T).

    Notes
    -----
    Fader, Hardie & Lee (2005), equation (10):

    .. math::

        E[Y(t) \\mid x, t_x, T] = \\frac{\\frac{a+b+x-1}{a-1}\\left[1 -
        \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
        {}_2F_1\\!\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)\\right]}
        {1 + \\delta_{x>0}\\,\\frac{a}{b+x-1}\\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}}.

    References
    ----------
    Fader, Hardie & Lee (2005), "Counting your customers" the easy way.

    Checked against ``lifetimes``
    ``BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time`` (tests).

    Examples
    --------
    >>> bgnbd_conditional_expected_purchases(39, [0, 2], [0, 30.43], [38.86, 38.86],
    ...                                      r=0.243, alpha=4.414, a=0.793, b=2.426).round(3)
    array([0.195, 1.226])
    """
    x, t_x, t_age = _rfm_arrays(frequency, recency, T)
    t = _check_t(t)
    z = t / (alpha + t_age + t)
    alive_part = (
        (a + b + x - 1)
        / (a - 1)
        * (
            1
            - ((alpha + t_age) / (alpha + t_age + t)) ** (r + x)
            * special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        )
    )
    expected = alive_part / (1.0 + _bgnbd_odds_dropped(x, t_x, t_age, r, alpha, a, b))
    return _like(np.where(t > 0, expected, 0.0), frequency)


@dataclass(frozen=True)
class BetaGeoFit:
    """A fitted BG/NBD model: parameters and the model's predictions.

    Attributes
    ----------
    r, alpha : float
        Gamma heterogeneity of purchase rates (shape, scale in time units).
    a, b : float
        Beta heterogeneity of the drop-out probability after each purchase.
    log_likelihood : float
        Maximised log-likelihood (sum over customers).
    n_customers : int
        Number of customers fitted.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int

    @property
    def params(self) -> pd.Series:
        """The four parameters as a Series (r, alpha, a, b)."""
        return pd.Series({"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}, name="BG/NBD")

    @property
    def mean_dropout_probability(self) -> float:
        """a / (a + b): average probability of dropping out after a purchase."""
        return self.a / (self.a + self.b)

    @property
    def mean_purchase_rate(self) -> float:
        """r / alpha: average purchase rate per time unit while active."""
        return self.r / self.alpha

    def expected_purchases(self, t):
        """E[X(t)] for a random new customer (:func:`bgnbd_expected_purchases`)."""
        return bgnbd_expected_purchases(t, self.r, self.alpha, self.a, self.b)

    def conditional_expected_purchases(self, t, frequency, recency=None, T=None):
        """E[Y(t) | x, t_x, T] (:func:`bgnbd_conditional_expected_purchases`)."""
        return bgnbd_conditional_expected_purchases(
            t, frequency, recency, T, self.r, self.alpha, self.a, self.b
        )

    def probability_alive(self, frequency, recency=None, T=None):
        """P(alive | x, t_x, T) (:func:`bgnbd_probability_alive`)."""
        return bgnbd_probability_alive(frequency, recency, T, self.r, self.alpha, self.a, self.b)

    def log_likelihood_per_customer(self, frequency, recency=None, T=None):
        """ln L per customer at the fitted parameters (:func:`bgnbd_log_likelihood`)."""
        x, t_x, t = _rfm_arrays(frequency, recency, T)
        return _like(bgnbd_log_likelihood(x, t_x, t, self.r, self.alpha, self.a, self.b), frequency)


def fit_bgnbd(frequency, recency=None, T=None):
    """Fit the BG/NBD model by maximum likelihood.

    Parameters
    ----------
    frequency, recency, T : array-like or pandas.Series
        Repeat purchases, time of last purchase and age of each customer, or
        one summary frame (from :func:`rfm_summary` or
        :func:`calibration_and_holdout`) as ``frequency`` alone.

    Returns
    -------
    BetaGeoFit
        Parameters ``r, alpha, a, b``, the log-likelihood and prediction methods.

    Notes
    -----
    Maximises the sum of :func:`bgnbd_log_likelihood` over customers. The
    parameters are optimised on the log scale (so they stay positive), and
    customers with identical ``(x, t_x, T)`` are evaluated once and weighted
    by their count, which makes a fit on tens of thousands of customers fast.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your
    customers" the easy way: an alternative to the Pareto/NBD model.
    *Marketing Science* 24(2), 275–284.

    Checked against the estimates published for the CDNOW sample (r = 0.243,
    alpha = 4.414, a = 0.793, b = 2.426) and against ``lifetimes`` 0.11.3
    ``BetaGeoFitter`` on the same input (tests).

    Examples
    --------
    >>> from crm_lessons.data import load_cdnow
    >>> cal = calibration_and_holdout(load_cdnow(sample=True), monetary_col="dollars",
    ...                               calibration_end="1997-09-30")
    >>> fit_bgnbd(cal).params.round(3)
    r        0.243
    alpha    4.414
    a        0.793
    b        2.426
    Name: BG/NBD, dtype: float64
    """
    x, t_x, t = _rfm_arrays(frequency, recency, T)
    neg_mean_ll = _bgnbd_objective(x, t_x, t)
    # Start: one purchase per (mean age) while active, mean drop-out 1/3.
    start = np.array([1.0, max(float(np.mean(t)), 1e-3), 1.0, 2.0])
    params, result = _maximise(neg_mean_ll, start, "BG/NBD")
    r, alpha, a, b = (float(p) for p in params)
    return BetaGeoFit(
        r=r, alpha=alpha, a=a, b=b, log_likelihood=float(-result.fun * x.size), n_customers=int(x.size)
    )


def _levels(values):
    """Distinct values and, for each element, the position of its value among them."""
    return np.unique(values, return_inverse=True)


def _bgnbd_objective(x, t_x, t):
    """Mean negative log-likelihood of :func:`bgnbd_log_likelihood` as a function of log-parameters.

    The same sum, arranged for speed: customers with equal (x, t_x, T) count
    once with a weight, and the parts that depend on x alone (A1, A2 and
    a/(b+x-1)) or on T or t_x alone are computed once per distinct value.
    """
    ux, ut_x, ut, weight = _compress(x, t_x, t)
    x_levels, x_at = _levels(ux)
    t_levels, t_at = _levels(ut)
    tx_levels, tx_at = _levels(ut_x)
    weight_per_x = np.bincount(x_at, weights=weight)
    repeat = ux > 0
    total = weight.sum()
    gammaln = special.gammaln

    def neg_mean_ll(log_params):
        r, alpha, a, b = np.exp(log_params)
        log_a1 = gammaln(r + x_levels) - gammaln(r) + r * np.log(alpha)
        log_a2 = gammaln(a + b) + gammaln(b + x_levels) - gammaln(b) - gammaln(a + b + x_levels)
        log_odds = np.log(a) - np.log(b + np.maximum(x_levels, 1) - 1)  # a/(b+x-1); unused at x = 0
        log_a3 = -(r + ux) * np.log(alpha + t_levels)[t_at]
        log_a4 = np.where(repeat, log_odds[x_at] - (r + ux) * np.log(alpha + tx_levels)[tx_at], -np.inf)
        total_ll = np.dot(weight_per_x, log_a1 + log_a2) + np.dot(weight, np.logaddexp(log_a3, log_a4))
        return -total_ll / total

    return neg_mean_ll


# ---------------------------------------------------------------------------
# 3b. Pareto/NBD
# ---------------------------------------------------------------------------


def _pareto_log_a0_terms(x, t, r, alpha, s, beta):
    """ln of  2F1(...; z(t)) / (max(α,β) + t)^(r+s+x)  for the A0 term of Fader & Hardie (2005)."""
    if alpha >= beta:
        z = (alpha - beta) / (alpha + t)
        return np.log(special.hyp2f1(r + s + x, s + 1, r + s + x + 1, z)) - (r + s + x) * np.log(alpha + t)
    z = (beta - alpha) / (beta + t)
    return np.log(special.hyp2f1(r + s + x, r + x, r + s + x + 1, z)) - (r + s + x) * np.log(beta + t)


def _pareto_log_parts(x, t_x, t, r, alpha, s, beta):
    """ln of the common factor, of the 'alive at T' term and of the 'died in (t_x, T]' term."""
    log_common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    log_alive = -(r + x) * np.log(alpha + t) - s * np.log(beta + t)
    log_at_tx = _pareto_log_a0_terms(x, t_x, r, alpha, s, beta)
    log_at_t = _pareto_log_a0_terms(x, t, r, alpha, s, beta)
    with np.errstate(divide="ignore"):  # A0 = 0 when t_x = T (bought on the last day)
        log_a0 = log_at_tx + np.log1p(-np.exp(np.minimum(log_at_t - log_at_tx, 0.0)))
    log_died = np.log(s) - np.log(r + s + x) + log_a0
    return log_common, log_alive, log_died


def pareto_nbd_log_likelihood(frequency, recency, T, r, alpha, s, beta):
    """Log-likelihood of each customer's (x, t_x, T) under the Pareto/NBD model.

    Parameters
    ----------
    frequency, recency, T : array-like
        Repeat purchases ``x``, time of last purchase ``t_x`` and age ``T``.
    r, alpha : float
        Gamma heterogeneity of purchase rates λ.
    s, beta : float
        Gamma heterogeneity of drop-out rates μ (lifetimes are exponential).

    Returns
    -------
    numpy.ndarray
        ``ln L`` per customer.

    Notes
    -----
    Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related
    expressions", equation (22):

    .. math::

        L = \\frac{\\Gamma(r+x)\\alpha^r\\beta^s}{\\Gamma(r)}
        \\left\\{ \\frac{1}{(\\alpha+T)^{r+x}(\\beta+T)^s} + \\frac{s}{r+s+x} A_0 \\right\\},

    with, for :math:`\\alpha \\ge \\beta`,

    .. math::

        A_0 = \\frac{{}_2F_1(r+s+x, s+1; r+s+x+1; \\frac{\\alpha-\\beta}{\\alpha+t_x})}{(\\alpha+t_x)^{r+s+x}}
            - \\frac{{}_2F_1(r+s+x, s+1; r+s+x+1; \\frac{\\alpha-\\beta}{\\alpha+T})}{(\\alpha+T)^{r+s+x}}

    and for :math:`\\alpha < \\beta` the same with α and β swapped and
    ``s + 1`` replaced by ``r + x``. The first term in braces is "alive at T",
    the second "dropped out between t_x and T".

    References
    ----------
    Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your
    customers: who are they and what will they do next? *Management Science*
    33(1), 1–24.
    Fader, P. S. & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD
    model and related expressions. http://brucehardie.com/notes/009/

    Checked against a direct evaluation of the formula (tests) and
    ``lifetimes`` ``ParetoNBDFitter``.

    Examples
    --------
    >>> pareto_nbd_log_likelihood([0, 2], [0.0, 4.0], [10.0, 10.0],
    ...                           r=0.5, alpha=2.0, s=0.6, beta=3.0).round(4)
    array([-0.5597, -6.2186])
    """
    x, t_x, t = _rfm_arrays(frequency, recency, T)
    log_common, log_alive, log_died = _pareto_log_parts(x, t_x, t, r, alpha, s, beta)
    return log_common + np.logaddexp(log_alive, log_died)


def pareto_nbd_probability_alive(frequency, recency, T, r, alpha, s, beta):
    """Probability a customer with history (x, t_x, T) is still active under Pareto/NBD.

    Notes
    -----
    The share of the likelihood that comes from "alive at T":

    .. math::

        P(\\text{alive}) = \\frac{\\Gamma(r+x)\\alpha^r\\beta^s}{\\Gamma(r)(\\alpha+T)^{r+x}(\\beta+T)^s}
        \\Big/ L(r,\\alpha,s,\\beta \\mid x,t_x,T).

    References
    ----------
    Fader & Hardie (2005), A note on deriving the Pareto/NBD model, equation (18).

    Checked against ``lifetimes`` ``ParetoNBDFitter.conditional_probability_alive`` (tests).

    Examples
    --------
    >>> pareto_nbd_probability_alive([0, 2], [0.0, 30.43], [38.86, 38.86],
    ...                              r=0.553, alpha=10.578, s=0.606, beta=11.669).round(3)
    array([0.295, 0.869])
    """
    x, t_x, t = _rfm_arrays(frequency, recency, T)
    _, log_alive, log_died = _pareto_log_parts(x, t_x, t, r, alpha, s, beta)
    return _like(np.exp(log_alive - np.logaddexp(log_alive, log_died)), frequency)


def pareto_nbd_expected_purchases(t, r, alpha, s, beta):
    """Expected purchases of a random new customer in a period of length ``t`` (Pareto/NBD).

    Notes
    -----
    .. math::

        E[X(t)] = \\frac{r\\beta}{\\alpha(s-1)}
        \\left[1 - \\left(\\frac{\\beta}{\\beta+t}\\right)^{s-1}\\right]

    (Fader & Hardie 2005, equation (17)).

    References
    ----------
    Schmittlein, Morrison & Colombo (1987); Fader & Hardie (2005), note 009.

    Checked against ``lifetimes`` ``ParetoNBDFitter.expected_number_of_purchases_up_to_time`` (tests).

    Examples
    --------
    >>> round(float(pareto_nbd_expected_purchases(39, r=0.553, alpha=10.578, s=0.606, beta=11.669)), 3)
    1.213
    """
    t = _check_t(t)
    expected = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))
    return _scalar_or_array(np.where(t > 0, expected, 0.0))  # exactly 0 at t = 0, not -0.0


def pareto_nbd_conditional_expected_purchases(t, frequency, recency, T, r, alpha, s, beta):
    """Expected purchases in the next ``t`` periods given history (x, t_x, T) (Pareto/NBD).

    Notes
    -----
    .. math::

        E[Y(t)\\mid x,t_x,T] = \\frac{(r+x)(\\beta+T)}{(\\alpha+T)(s-1)}
        \\left[1 - \\left(\\frac{\\beta+T}{\\beta+T+t}\\right)^{s-1}\\right] P(\\text{alive}\\mid x,t_x,T)

    (Fader & Hardie 2005, note 009, equation (21)).

    References
    ----------
    Schmittlein, Morrison & Colombo (1987); Fader & Hardie (2005), note 009.

    Checked against ``lifetimes``
    ``ParetoNBDFitter.conditional_expected_number_of_purchases_up_to_time`` (tests).

    Examples
    --------
    >>> pareto_nbd_conditional_expected_purchases(39, [0, 2], [0.0, 30.43], [38.86, 38.86],
    ...     r=0.553, alpha=10.578, s=0.606, beta=11.669).round(3)
    array([0.107, 1.455])
    """
    x, t_x, t_age = _rfm_arrays(frequency, recency, T)
    t = _check_t(t)
    alive = np.asarray(pareto_nbd_probability_alive(x, t_x, t_age, r, alpha, s, beta))
    if_alive = (
        (r + x)
        * (beta + t_age)
        / ((alpha + t_age) * (s - 1))
        * (1 - ((beta + t_age) / (beta + t_age + t)) ** (s - 1))
    )
    return _like(np.where(t > 0, if_alive * alive, 0.0), frequency)


@dataclass(frozen=True)
class ParetoNBDFit:
    """A fitted Pareto/NBD model.

    Attributes
    ----------
    r, alpha : float
        Gamma heterogeneity of purchase rates.
    s, beta : float
        Gamma heterogeneity of drop-out rates.
    log_likelihood : float
        Maximised log-likelihood.
    n_customers : int
        Number of customers fitted.
    """

    r: float
    alpha: float
    s: float
    beta: float
    log_likelihood: float
    n_customers: int

    @property
    def params(self) -> pd.Series:
        """The four parameters as a Series (r, alpha, s, beta)."""
        return pd.Series(
            {"r": self.r, "alpha": self.alpha, "s": self.s, "beta": self.beta}, name="Pareto/NBD"
        )

    def expected_purchases(self, t):
        """E[X(t)] for a random new customer (:func:`pareto_nbd_expected_purchases`)."""
        return pareto_nbd_expected_purchases(t, self.r, self.alpha, self.s, self.beta)

    def conditional_expected_purchases(self, t, frequency, recency=None, T=None):
        """E[Y(t) | x, t_x, T] (:func:`pareto_nbd_conditional_expected_purchases`)."""
        return pareto_nbd_conditional_expected_purchases(
            t, frequency, recency, T, self.r, self.alpha, self.s, self.beta
        )

    def probability_alive(self, frequency, recency=None, T=None):
        """P(alive | x, t_x, T) (:func:`pareto_nbd_probability_alive`)."""
        return pareto_nbd_probability_alive(frequency, recency, T, self.r, self.alpha, self.s, self.beta)


def fit_pareto_nbd(frequency, recency=None, T=None):
    """Fit the Pareto/NBD model by maximum likelihood.

    Parameters
    ----------
    frequency, recency, T : array-like or pandas.Series
        As in :func:`fit_bgnbd` (or one summary frame).

    Returns
    -------
    ParetoNBDFit
        Parameters ``r, alpha, s, beta``, the log-likelihood and predictions.

    Notes
    -----
    Maximises the sum of :func:`pareto_nbd_log_likelihood`, on log parameters,
    each distinct ``(x, t_x, T)`` evaluated once. The surface is flat along
    ``s``–``beta`` (only their ratio, the mean drop-out rate, is well
    determined), so estimates agree with published ones to about 3 significant
    digits in ``beta``.

    References
    ----------
    Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers.
    Fader, P. S. & Hardie, B. G. S. (2005). A note on implementing the
    Pareto/NBD model in MATLAB. http://brucehardie.com/notes/008/ (CDNOW sample:
    r = 0.5534, alpha = 10.5776, s = 0.6061, beta = 11.6650).

    Checked against those published estimates and against ``lifetimes``
    ``ParetoNBDFitter`` (tests).

    Examples
    --------
    >>> from crm_lessons.data import load_cdnow
    >>> cal = calibration_and_holdout(load_cdnow(sample=True), calibration_end="1997-09-30")
    >>> fit_pareto_nbd(cal).params.round(2)
    r         0.55
    alpha    10.58
    s         0.61
    beta     11.67
    Name: Pareto/NBD, dtype: float64
    """
    x, t_x, t = _rfm_arrays(frequency, recency, T)
    ux, ut_x, ut, weight = _compress(x, t_x, t)
    total = weight.sum()

    def neg_mean_ll(log_params):
        r, alpha, s, beta = np.exp(log_params)
        ll = pareto_nbd_log_likelihood(ux, ut_x, ut, r, alpha, s, beta)
        value = -np.dot(weight, ll) / total
        return value if np.isfinite(value) else 1e10

    start = np.array([1.0, max(float(np.mean(t)), 1e-3), 1.0, max(float(np.mean(t)), 1e-3)])
    params, result = _maximise(neg_mean_ll, start, "Pareto/NBD", central_differences=True)
    r, alpha, s, beta = (float(p) for p in params)
    return ParetoNBDFit(
        r=r, alpha=alpha, s=s, beta=beta, log_likelihood=float(-result.fun * total), n_customers=int(total)
    )


# ---------------------------------------------------------------------------
# 3c. Gamma–gamma spend model and CLV
# ---------------------------------------------------------------------------


def _spend_arrays(frequency, monetary_value, *, repeat_only):
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    if x.shape != m.shape:
        raise ValueError("`frequency` and `monetary_value` must have the same length.")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(m))):
        raise ValueError("`frequency` and `monetary_value` must be finite (no missing values).")
    if np.any(x < 0):
        raise ValueError("`frequency` must be >= 0.")
    if repeat_only:
        if np.any(x <= 0):
            raise ValueError(
                "`frequency` must be > 0 for every customer: fit the gamma-gamma model on "
                "repeat customers only, e.g. summary[summary.frequency > 0]."
            )
        if np.any(m <= 0):
            raise ValueError(
                "`monetary_value` must be > 0 for every repeat customer (the log of a zero "
                "spend is undefined); leave out customers whose repeat purchases cost nothing, "
                "e.g. summary[summary.monetary_value > 0]."
            )
    return x, m


def gamma_gamma_log_likelihood(frequency, monetary_value, p, q, gamma):
    """Log-likelihood of each repeat customer's mean spend under the gamma–gamma model.

    Parameters
    ----------
    frequency : array-like
        Number of repeat purchases ``x`` (> 0).
    monetary_value : array-like
        Mean spend of those purchases, ``m̄`` (> 0).
    p, q, gamma : float
        Each spend is gamma(p, ν); ν varies across customers as gamma(q, γ).

    Returns
    -------
    numpy.ndarray
        ``ln f(m̄ | x)`` per customer.

    Notes
    -----
    Fader, Hardie & Lee (2005, "RFM and CLV"), equation (3):

    .. math::

        f(\\bar m \\mid p,q,\\gamma,x) = \\frac{\\Gamma(px+q)}{\\Gamma(px)\\Gamma(q)}
        \\frac{\\gamma^q\\, \\bar m^{px-1} x^{px}}{(\\gamma + x\\bar m)^{px+q}}.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using
    iso-value curves for customer base analysis. *Journal of Marketing
    Research* 42(4), 415–430.
    Colombo, R. & Jiang, W. (1999). A stochastic RFM model. *Journal of
    Interactive Marketing* 13(3), 2–12.

    Checked against a direct evaluation of the formula (tests).

    Examples
    --------
    >>> gamma_gamma_log_likelihood([1, 3], [20.0, 35.0], p=6.0, q=4.0, gamma=15.0).round(4)
    array([-3.52  , -4.1934])
    """
    x, m = _spend_arrays(frequency, monetary_value, repeat_only=True)
    return (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(gamma + x * m)
    )


def gamma_gamma_expected_spend(frequency, monetary_value, p, q, gamma):
    """Expected mean spend per purchase of a customer given x purchases with mean m̄.

    Notes
    -----
    Fader, Hardie & Lee (2005, "RFM and CLV"), equation (5):

    .. math::

        E[M \\mid p,q,\\gamma,\\bar m,x] = \\frac{p(\\gamma + x\\bar m)}{px+q-1}
        = \\frac{q-1}{px+q-1}\\frac{p\\gamma}{q-1} + \\frac{px}{px+q-1}\\bar m,

    a weighted average of the population mean ``pγ/(q−1)`` and the customer's
    own mean; customers with ``x = 0`` get the population mean.

    References
    ----------
    Fader, Hardie & Lee (2005), RFM and CLV.

    Checked against ``lifetimes`` ``GammaGammaFitter.conditional_expected_average_profit`` (tests).

    Examples
    --------
    >>> gamma_gamma_expected_spend([0, 2], [0.0, 22.35], p=6.25, q=3.74, gamma=15.44).round(2)
    array([35.22, 24.66])
    """
    x, m = _spend_arrays(frequency, monetary_value, repeat_only=False)
    return _like(p * (gamma + x * m) / (p * x + q - 1), frequency)


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted gamma–gamma spend model.

    Attributes
    ----------
    p, q, gamma : float
        Spend shape ``p``; heterogeneity of the spend scale ``ν ~ gamma(q, γ)``.
    log_likelihood : float
        Maximised log-likelihood.
    n_customers : int
        Number of repeat customers fitted.
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int

    @property
    def params(self) -> pd.Series:
        """The three parameters as a Series (p, q, gamma)."""
        return pd.Series({"p": self.p, "q": self.q, "gamma": self.gamma}, name="gamma-gamma")

    @property
    def population_mean_spend(self) -> float:
        """p·γ/(q−1): mean spend per purchase across customers."""
        return self.p * self.gamma / (self.q - 1)

    def conditional_expected_average_profit(self, frequency, monetary_value):
        """E[M | x, m̄] (:func:`gamma_gamma_expected_spend`)."""
        return gamma_gamma_expected_spend(frequency, monetary_value, self.p, self.q, self.gamma)

    def customer_lifetime_value(
        self,
        transaction_model,
        frequency,
        recency=None,
        T=None,
        monetary_value=None,
        months=12,
        discount_rate=0.01,
        freq="W",
    ):
        """CLV per customer from a purchase model and this spend model (:func:`customer_lifetime_value`)."""
        return customer_lifetime_value(
            transaction_model,
            self,
            frequency,
            recency,
            T,
            monetary_value,
            months=months,
            discount_rate=discount_rate,
            freq=freq,
        )


def fit_gamma_gamma(frequency, monetary_value):
    """Fit the gamma–gamma spend model on repeat customers.

    Parameters
    ----------
    frequency : array-like
        Repeat purchases of each customer (all > 0).
    monetary_value : array-like
        Their mean spend per repeat purchase.

    Returns
    -------
    GammaGammaFit
        Parameters ``p, q, gamma`` and the conditional expected spend.

    Notes
    -----
    Maximises the sum of :func:`gamma_gamma_log_likelihood` on log parameters.
    The model assumes spend is independent of purchase frequency; check the
    correlation of ``frequency`` and ``monetary_value`` first (it is about
    0.11 on the CDNOW sample).

    References
    ----------
    Fader, Hardie & Lee (2005), RFM and CLV: using iso-value curves for
    customer base analysis; Fader & Hardie (2013), The gamma-gamma model of
    monetary value, http://brucehardie.com/notes/025/ (CDNOW sample, 946
    repeat customers: p = 6.25, q = 3.74, gamma = 15.44).

    Checked against those estimates, against ``lifetimes`` ``GammaGammaFitter``
    on the same input, and against the ``lifetimes`` documentation (p = 6.25,
    q = 3.74, v = 15.45 on Hardie's summary file, whose spends are rounded to
    cents; the exact summary gives gamma = 15.44) (tests).

    Examples
    --------
    >>> from crm_lessons.data import load_cdnow
    >>> cal = calibration_and_holdout(load_cdnow(sample=True), monetary_col="dollars",
    ...                               calibration_end="1997-09-30")
    >>> repeat = cal[cal.frequency_cal > 0]
    >>> fit_gamma_gamma(repeat.frequency_cal, repeat.monetary_value_cal).params.round(2)
    p         6.25
    q         3.74
    gamma    15.44
    Name: gamma-gamma, dtype: float64
    """
    x, m = _spend_arrays(frequency, monetary_value, repeat_only=True)
    if x.size == 0:
        raise ValueError("`frequency` is empty: there are no repeat customers to fit.")
    neg_mean_ll = _gamma_gamma_objective(x, m)
    start = np.array([1.0, 2.0, float(np.mean(m))])
    params, result = _maximise(neg_mean_ll, start, "gamma-gamma")
    p, q, gamma = (float(v) for v in params)
    return GammaGammaFit(
        p=p, q=q, gamma=gamma, log_likelihood=float(-result.fun * x.size), n_customers=int(x.size)
    )


def _gamma_gamma_objective(x, m):
    """Mean negative log-likelihood of :func:`gamma_gamma_log_likelihood` as a function of log-parameters.

    The same sum, arranged for speed: the Gamma-function terms depend on x
    alone (computed once per distinct x), and ``(px - 1) ln m + px ln x``
    sums to ``p * sum(x ln(x m)) - sum(ln m)`` (computed once); only
    ``(px + q) ln(gamma + x m)`` needs every customer.
    """
    x_levels, x_at = _levels(x)
    n_per_x = np.bincount(x_at).astype(float)
    sum_x_log_xm = float(np.sum(x * np.log(x * m)))
    sum_log_m = float(np.sum(np.log(m)))
    xm = x * m
    n = x.size
    gammaln = special.gammaln

    def neg_mean_ll(log_params):
        p, q, gamma = np.exp(log_params)
        per_x = gammaln(p * x_levels + q) - gammaln(p * x_levels)
        total_ll = (
            np.dot(n_per_x, per_x)
            + n * (q * np.log(gamma) - gammaln(q))
            + p * sum_x_log_xm
            - sum_log_m
            - np.sum((p * x + q) * np.log(gamma + xm))
        )
        return -total_ll / n

    return neg_mean_ll


#: Time units per month, as in ``lifetimes``' customer_lifetime_value.
_UNITS_PER_MONTH = {"W": 4.345, "D": 30.0}


def customer_lifetime_value(
    transaction_model,
    spend_model,
    frequency,
    recency=None,
    T=None,
    monetary_value=None,
    months=12,
    discount_rate=0.01,
    freq="W",
):
    """Discounted expected spend of each customer over the next ``months`` months.

    Parameters
    ----------
    transaction_model : BetaGeoFit or ParetoNBDFit
        Fitted purchase model (anything with ``conditional_expected_purchases``).
    spend_model : GammaGammaFit
        Fitted spend model.
    frequency, recency, T, monetary_value : array-like or pandas.Series
        Each customer's summary (``monetary_value`` 0 for customers without
        repeat purchases), or one summary frame (from :func:`rfm_summary` or
        :func:`calibration_and_holdout`) as ``frequency`` alone.
    months : int, default 12
        Horizon in months.
    discount_rate : float, default 0.01
        Monthly discount rate (0.01 ≈ 12.7 % a year).
    freq : {"W", "D"}, default "W"
        Time unit of ``recency`` and ``T`` (4.345 weeks or 30 days a month).

    Returns
    -------
    pandas.Series or numpy.ndarray
        CLV per customer, in the money unit of ``monetary_value``.

    Notes
    -----
    .. math::

        CLV = \\sum_{k=1}^{K} \\frac{E[M \\mid x, \\bar m]\\,
        \\big(E[Y(k u) \\mid x,t_x,T] - E[Y((k-1) u) \\mid x,t_x,T]\\big)}{(1+d)^k}

    with ``u`` time units per month: expected purchases in month ``k`` times
    the expected spend, discounted monthly — as ``lifetimes``'
    ``GammaGammaFitter.customer_lifetime_value``.

    References
    ----------
    Fader, Hardie & Lee (2005), RFM and CLV: using iso-value curves for customer base analysis.

    Checked against ``lifetimes`` 0.11.3 ``GammaGammaFitter.customer_lifetime_value`` (tests).

    Examples
    --------
    >>> bg = BetaGeoFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n_customers=0)
    >>> gg = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0, n_customers=0)
    >>> customer_lifetime_value(bg, gg, [0, 2], [0.0, 30.43], [38.86, 38.86], [0.0, 22.35]).round(2)
    array([ 8.37, 36.29])
    """
    months = _check_horizon(months, "months")
    if months is None:
        raise ValueError("`months` must be a positive whole number of months.")
    d = float(_check_real(discount_rate, "discount_rate", low=0))
    if freq not in _UNITS_PER_MONTH:
        raise ValueError(f"`freq` must be one of {sorted(_UNITS_PER_MONTH)}, got {freq!r}.")
    unit = _UNITS_PER_MONTH[freq]
    if isinstance(frequency, pd.DataFrame) and monetary_value is None:
        column = "monetary_value" if "monetary_value" in frequency.columns else "monetary_value_cal"
        if column not in frequency.columns:
            raise ValueError(
                "`frequency` (a summary frame) needs a monetary_value (or monetary_value_cal) column: "
                "make it with monetary_col=... in rfm_summary / calibration_and_holdout."
            )
        monetary_value = frequency[column]
    if monetary_value is None:
        raise TypeError("Pass `monetary_value` (mean repeat spend per customer) or one summary frame.")
    x, t_x, t = _rfm_arrays(frequency, recency, T)
    spend = np.asarray(
        spend_model.conditional_expected_average_profit(x, np.asarray(monetary_value, dtype=float)),
        dtype=float,
    )
    cumulative = [np.zeros_like(x)] + [
        np.asarray(transaction_model.conditional_expected_purchases(k * unit, x, t_x, t), dtype=float)
        for k in range(1, months + 1)
    ]
    clv = sum(spend * (cumulative[k] - cumulative[k - 1]) / (1 + d) ** k for k in range(1, months + 1))
    return _like(clv, frequency)


# ---------------------------------------------------------------------------
# 4. Forecast against what happened in the holdout
# ---------------------------------------------------------------------------


def holdout_by_frequency(transaction_model, calibration_holdout, max_frequency=7):
    """Mean holdout purchases, actual and predicted, by number of calibration repeat purchases.

    Parameters
    ----------
    transaction_model : BetaGeoFit or ParetoNBDFit
        Model fitted on the calibration columns.
    calibration_holdout : pandas.DataFrame
        Output of :func:`calibration_and_holdout`.
    max_frequency : int, default 7
        Customers with more repeat purchases are pooled in the last row
        (labelled ``max_frequency``, meaning "this many or more").

    Returns
    -------
    pandas.DataFrame
        Indexed by ``frequency_cal`` (0 .. max_frequency) with ``n_customers``,
        ``actual`` and ``predicted`` mean purchases in the holdout.

    Notes
    -----
    ``predicted`` is the mean of ``E[Y(t) | x, t_x, T]`` with ``t`` the holdout
    length: the "conditional expectations" chart of Fader, Hardie & Lee (2005,
    Figure 4).

    References
    ----------
    Fader, Hardie & Lee (2005), "Counting your customers" the easy way, section 4.

    Checked on CDNOW: both columns rise with calibration frequency (tests).

    Examples
    --------
    >>> from crm_lessons.data import load_cdnow
    >>> cal = calibration_and_holdout(load_cdnow(sample=True), calibration_end="1997-09-30")
    >>> holdout_by_frequency(fit_bgnbd(cal), cal, max_frequency=2).round(2)
                   n_customers  actual  predicted
    frequency_cal
    0                     1411    0.24       0.23
    1                      439    0.70       0.52
    2                      507    2.45       2.18
    """
    if not isinstance(calibration_holdout, pd.DataFrame) or not {
        "frequency_cal",
        "recency_cal",
        "T_cal",
        "frequency_holdout",
        "duration_holdout",
    } <= set(calibration_holdout.columns):
        raise ValueError("`calibration_holdout` must be the frame made by calibration_and_holdout().")
    max_frequency = _check_horizon(max_frequency, "max_frequency")
    summary = calibration_holdout
    duration = float(summary["duration_holdout"].iloc[0])
    predicted = np.asarray(
        transaction_model.conditional_expected_purchases(
            duration, summary["frequency_cal"], summary["recency_cal"], summary["T_cal"]
        ),
        dtype=float,
    )
    group = summary["frequency_cal"].clip(upper=max_frequency).astype(int).rename("frequency_cal")
    table = pd.DataFrame(
        {"actual": summary["frequency_holdout"].to_numpy(), "predicted": predicted}, index=summary.index
    ).groupby(group.to_numpy())
    result = pd.DataFrame(
        {
            "n_customers": table.size(),
            "actual": table["actual"].mean(),
            "predicted": table["predicted"].mean(),
        }
    )
    result.index.name = "frequency_cal"
    return result


def repeat_purchase_tracking(
    transaction_model, transactions, customer_col="customer_id", date_col="date", end=None, freq="W"
):
    """Repeat purchases per period, actual and expected, from the first day of the log.

    Parameters
    ----------
    transaction_model : BetaGeoFit or ParetoNBDFit
        Fitted model (its ``expected_purchases`` for a new customer is used).
    transactions : pandas.DataFrame
        The purchase log, one row per purchase.
    customer_col, date_col : str
        Column names.
    end : date-like, optional
        Last day tracked; default the last purchase date.
    freq : {"W", "D"}, default "W"
        Length of a period.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``period`` (1, 2, ...: the k-th period since the log's first
        day) with ``actual`` and ``expected`` repeat purchases in the period and
        their cumulative sums ``cumulative_actual``, ``cumulative_expected``.

    Notes
    -----
    A customer first seen ``s_i`` periods after the start is expected to have
    made ``E[X(k - s_i)]`` repeat purchases by the end of period ``k``; the
    expected total is the sum over customers. Actual repeat purchases count
    purchase days after each customer's first (same-day purchases merged).
    This is the tracking chart of Fader, Hardie & Lee (2005, Figures 1–2).

    References
    ----------
    Fader, Hardie & Lee (2005), "Counting your customers" the easy way, section 4.

    Checked on CDNOW: the cumulative actual at the calibration end equals the
    calibration summary's total frequency (tests).

    Examples
    --------
    >>> from crm_lessons.data import load_cdnow
    >>> log = load_cdnow(sample=True)
    >>> cal = calibration_and_holdout(log, calibration_end="1997-09-30")
    >>> tracking = repeat_purchase_tracking(fit_bgnbd(cal), log)
    >>> tracking.loc[[39, 78], ["cumulative_actual", "cumulative_expected"]].round(0)
            cumulative_actual  cumulative_expected
    period
    39                 2457.0               2502.0
    78                 4339.0               4166.0
    """
    _check_columns(transactions, [customer_col, date_col])
    unit_days = _unit_days(freq)
    daily = _daily_purchases(transactions, customer_col, date_col, None)
    start = daily["day"].min()
    last = daily["day"].max() if end is None else _timestamp(end, "end")
    if last < start:
        raise ValueError(f"`end` ({last.date()}) is before the first purchase ({start.date()}).")
    n_periods = (last - start).days // unit_days + 1
    offset = (daily["day"] - start).dt.days.to_numpy()
    first = daily.groupby("customer")["day"].transform("min")
    is_repeat = (daily["day"] > first).to_numpy()
    period_of_day = offset // unit_days + 1
    actual = np.bincount(period_of_day[is_repeat & (period_of_day <= n_periods)], minlength=n_periods + 1)[1:]

    first_offsets, n_customers = np.unique(
        (first.groupby(daily["customer"]).first() - start).dt.days.to_numpy(), return_counts=True
    )
    period_end_days = np.arange(1, n_periods + 1) * unit_days
    age = np.clip(period_end_days[:, None] - first_offsets[None, :], 0, None) / unit_days
    cumulative_expected = np.asarray(transaction_model.expected_purchases(age), dtype=float) @ n_customers
    table = pd.DataFrame(
        {
            "actual": actual.astype(float),
            "expected": np.diff(cumulative_expected, prepend=0.0),
            "cumulative_actual": np.cumsum(actual).astype(float),
            "cumulative_expected": cumulative_expected,
        },
        index=pd.RangeIndex(1, n_periods + 1, name="period"),
    )
    return table
