"""Tests of crm_lessons.clv: hand-computed cases, direct evaluations of the
likelihood formulas, published CDNOW estimates and the ``lifetimes`` library."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from crm_lessons import clv
from crm_lessons.data import load_cdnow

# ---------------------------------------------------------------------------
# Reference numbers and where they come from
# ---------------------------------------------------------------------------

#: Fader, Hardie & Lee (2005), "Counting your customers" the easy way, Marketing
#: Science 24(2), section 4: CDNOW sample, calibration to 1997-09-30 (39 weeks).
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_BGNBD_LL = -9582.4
#: Fader & Hardie (2005), "A note on implementing the Pareto/NBD model in
#: MATLAB" (brucehardie.com/notes/008), same data: LL = -9595.0.
PUBLISHED_PARETO_NBD = {"r": 0.5534, "alpha": 10.5776, "s": 0.6061, "beta": 11.6650}
PUBLISHED_PARETO_NBD_LL = -9595.0
#: Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4), and Fader & Hardie
#: (2013) "The gamma-gamma model of monetary value" (brucehardie.com/notes/025):
#: the 946 repeat customers of the CDNOW sample's calibration period. (The
#: lifetimes documentation prints p=6.25, q=3.74, v=15.45 for the rounded
#: summary file: see test_fits_on_hardies_rounded_summary_...)
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}

#: lifetimes 0.11.3 (with numpy 2.4.6, pandas 3.1.1, scipy 1.17.1), default
#: fitters on lifetimes.utils.calibration_and_holdout_data(CDNOW sample, "id",
#: "date", calibration_period_end="1997-09-30", freq="D", freq_multiplier=7,
#: monetary_value_col="dollars"); the gamma-gamma fit on frequency_cal > 0.
LIFETIMES_SAMPLE = {
    "bgnbd": {
        "r": 0.24259454342106734,
        "alpha": 4.413602716077379,
        "a": 0.7929218333478742,
        "b": 2.4259057287217503,
    },
    "pareto_nbd": {
        "r": 0.5532780384270732,
        "alpha": 10.577903752616107,
        "s": 0.6061928707721296,
        "beta": 11.668288353145032,
    },
    "gamma_gamma": {"p": 6.24957227763445, "q": 3.744224674758553, "gamma": 15.443521018367175},
}
#: Same set-up on the full CDNOW log (23,570 customers); the gamma-gamma fit on
#: the 9,450 repeat customers with a positive mean spend (one spent $0).
LIFETIMES_MASTER = {
    "bgnbd": {
        "r": 0.251624011424104,
        "alpha": 4.788945170327028,
        "a": 0.7234330357288162,
        "b": 2.161086981372379,
    },
    "pareto_nbd": {
        "r": 0.5974214371728283,
        "alpha": 11.585787057152634,
        "s": 0.5222329194658044,
        "beta": 8.829226349376546,
    },
    "gamma_gamma": {"p": 6.275358592840589, "q": 3.624450210390405, "gamma": 14.98368896193695},
}


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_cal():
    return clv.calibration_and_holdout(
        load_cdnow(sample=True), monetary_col="dollars", calibration_end="1997-09-30"
    )


@pytest.fixture(scope="module")
def master_cal():
    return clv.calibration_and_holdout(load_cdnow(), monetary_col="dollars", calibration_end="1997-09-30")


@pytest.fixture(scope="module")
def sample_bgnbd(sample_cal):
    return clv.fit_bgnbd(sample_cal)


@pytest.fixture(scope="module")
def sample_pareto(sample_cal):
    return clv.fit_pareto_nbd(sample_cal)


@pytest.fixture(scope="module")
def sample_gamma_gamma(sample_cal):
    repeat = sample_cal[sample_cal.frequency_cal > 0]
    return clv.fit_gamma_gamma(repeat.frequency_cal, repeat.monetary_value_cal)


@pytest.fixture
def three_customer_log():
    """a: two purchases on 1 Jan (merged), then 15 Jan and 29 Jan; b: one purchase;
    c: 3 Jan and 6 Jan; observation ends 12 Feb 1997 (6 weeks after 1 Jan)."""
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "c", "c"],
            "date": pd.to_datetime(
                [
                    "1997-01-01",
                    "1997-01-01",
                    "1997-01-15",
                    "1997-01-29",
                    "1997-01-08",
                    "1997-01-03",
                    "1997-01-06",
                ]
            ),
            "dollars": [10.0, 5.0, 20.0, 30.0, 7.0, 12.0, 8.0],
        }
    )


# ---------------------------------------------------------------------------
# 1. Simple formula
# ---------------------------------------------------------------------------


def test_simple_clv_course_formula_by_hand():
    # 100 * 0.8 / (1 + 0.1 - 0.8) = 80 / 0.3
    assert clv.simple_clv(100, 0.8, 0.1) == pytest.approx(266.6666667)


def test_simple_clv_three_textbook_variants_by_hand():
    assert clv.simple_clv(100, 0.8, 0.1, first_margin="now") == pytest.approx(110 / 0.3)
    assert clv.simple_clv(100, 0.8, 0.1, first_margin="end") == pytest.approx(100 / 0.3)


def test_variants_differ_by_one_margin_and_one_period_of_discount():
    m, r, d = 250.0, 0.7, 0.12
    excluded, now, end = (clv.simple_clv(m, r, d, first_margin=v) for v in ("excluded", "now", "end"))
    assert now - excluded == pytest.approx(m)
    assert end == pytest.approx(now / (1 + d))


def test_finite_horizon_by_hand():
    # t = 1, 2: 100*0.8/1.1 + 100*0.64/1.21
    assert clv.simple_clv(100, 0.8, 0.1, horizon=2) == pytest.approx(72.7272727 + 52.8925620)
    assert clv.simple_clv(100, 0.8, 0.1, horizon=2, first_margin="now") == pytest.approx(
        100 + 72.7272727 + 52.8925620
    )
    assert clv.simple_clv(100, 0.8, 0.1, horizon=2, first_margin="end") == pytest.approx(
        100 / 1.1 + 80 / 1.21
    )


@pytest.mark.parametrize("variant", ["excluded", "now", "end"])
def test_long_horizon_converges_to_closed_form(variant):
    closed = clv.simple_clv(80, 0.9, 0.05, first_margin=variant)
    assert clv.simple_clv(80, 0.9, 0.05, first_margin=variant, horizon=2000) == pytest.approx(closed)
    assert clv.simple_clv(80, 0.9, 0.05, first_margin=variant, horizon=10) < closed


@pytest.mark.parametrize("variant", ["excluded", "now", "end"])
def test_cash_flow_table_sums_to_finite_horizon_value(variant):
    table = clv.clv_cash_flows(100, 0.75, 0.08, 7, first_margin=variant)
    assert table["cumulative_clv"].iloc[-1] == pytest.approx(
        clv.simple_clv(100, 0.75, 0.08, horizon=7, first_margin=variant)
    )
    assert table["present_value"].sum() == pytest.approx(table["cumulative_clv"].iloc[-1])
    assert table["period"].iloc[0] == (0 if variant == "now" else 1)


def test_zero_retention_keeps_only_the_certain_margin():
    assert clv.simple_clv(100, 0.0, 0.1) == 0.0
    assert clv.simple_clv(100, 0.0, 0.1, first_margin="now") == pytest.approx(100)
    assert clv.simple_clv(100, 0.0, 0.1, first_margin="end") == pytest.approx(100 / 1.1)


def test_zero_discount_is_margin_times_expected_lifetime():
    # r / (1 - r) future periods on average
    assert clv.simple_clv(10, 0.75, 0.0) == pytest.approx(30)


def test_simple_clv_accepts_arrays_for_curves():
    values = clv.simple_clv(100, np.array([0.5, 0.8]), 0.1)
    np.testing.assert_allclose(values, [50 / 0.6, 80 / 0.3])


def test_variants_frame_side_by_side():
    table = clv.simple_clv_variants(100, 0.8, 0.1, horizon=3)
    assert list(table.index) == ["excluded", "now", "end"]
    assert table.loc["excluded", "formula"] == "m*r/(1+d-r)"
    assert not table.loc["excluded", "first_margin_counted"]
    np.testing.assert_allclose(table["clv"], [80 / 0.3, 110 / 0.3, 100 / 0.3])
    assert table.loc["now", "clv_horizon"] == pytest.approx(100 + 80 / 1.1 + 64 / 1.21 + 51.2 / 1.331)
    assert "clv_horizon" not in clv.simple_clv_variants(100, 0.8, 0.1).columns


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"retention": 1.0}, ValueError, "retention"),
        ({"retention": 1.2, "discount_rate": 0.5}, ValueError, "retention"),
        ({"retention": -0.1}, ValueError, "retention"),
        ({"retention": float("nan")}, ValueError, "retention"),
        ({"discount_rate": -0.01}, ValueError, "discount_rate"),
        ({"margin": "100"}, TypeError, "margin"),
        ({"horizon": 0}, ValueError, "horizon"),
        ({"horizon": 2.5}, TypeError, "horizon"),
        ({"horizon": True}, TypeError, "horizon"),
        ({"first_margin": "start"}, ValueError, "first_margin"),
    ],
)
def test_simple_clv_rejects_bad_arguments(kwargs, error, name):
    args = {"margin": 100, "retention": 0.8, "discount_rate": 0.1} | kwargs
    with pytest.raises(error, match=name):
        clv.simple_clv(**args)


def test_variants_need_scalars():
    with pytest.raises(TypeError, match="retention"):
        clv.simple_clv_variants(100, [0.5, 0.8], 0.1)


# ---------------------------------------------------------------------------
# 2. Summary of a transaction log
# ---------------------------------------------------------------------------


def test_rfm_summary_three_customers_by_hand(three_customer_log):
    summary = clv.rfm_summary(three_customer_log, monetary_col="dollars", observation_end="1997-02-12")
    expected = pd.DataFrame(
        {
            "frequency": [2.0, 0.0, 1.0],
            "recency": [4.0, 0.0, 3 / 7],  # 28 days; 0; 3 days
            "T": [6.0, 5.0, 40 / 7],  # 42, 35, 40 days to 12 Feb
            "monetary_value": [25.0, 0.0, 8.0],  # (20 + 30) / 2; first day excluded
        },
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(summary, expected, check_index_type=False)


def test_rfm_summary_in_days_and_default_end(three_customer_log):
    summary = clv.rfm_summary(three_customer_log, freq="D")
    # the log's last purchase (29 Jan) closes the observation window
    assert summary["T"].tolist() == [28.0, 21.0, 26.0]
    assert summary["recency"].tolist() == [28.0, 0.0, 3.0]
    assert summary["monetary_value"].tolist() == [0.0, 0.0, 0.0]


def test_rfm_summary_merges_same_day_purchases_at_different_hours():
    log = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a"],
            "date": pd.to_datetime(["1997-01-01 09:00", "1997-01-01 17:30", "1997-01-08 12:00"]),
            "dollars": [1.0, 2.0, 4.0],
        }
    )
    summary = clv.rfm_summary(log, monetary_col="dollars")
    assert summary.loc["a"].tolist() == [1.0, 1.0, 1.0, 4.0]


def test_rfm_summary_ignores_purchases_after_the_end(three_customer_log):
    summary = clv.rfm_summary(three_customer_log, monetary_col="dollars", observation_end="1997-01-20")
    assert summary.loc["a", "frequency"] == 1.0
    assert summary.loc["a", "monetary_value"] == 20.0


def test_calibration_and_holdout_three_customers(three_customer_log):
    split = clv.calibration_and_holdout(
        three_customer_log, monetary_col="dollars", calibration_end="1997-01-10", observation_end="1997-02-07"
    )
    assert split.index.tolist() == ["a", "b", "c"]
    assert split["frequency_cal"].tolist() == [0.0, 0.0, 1.0]
    assert split["T_cal"].tolist() == pytest.approx([9 / 7, 2 / 7, 1.0])
    assert split["frequency_holdout"].tolist() == [2.0, 0.0, 0.0]
    assert split["monetary_value_holdout"].tolist() == [25.0, 0.0, 0.0]
    assert split["duration_holdout"].unique().tolist() == [4.0]


def test_rfm_summary_with_calibration_end_splits(three_customer_log):
    via_summary = clv.rfm_summary(three_customer_log, monetary_col="dollars", calibration_end="1997-01-10")
    direct = clv.calibration_and_holdout(
        three_customer_log, monetary_col="dollars", calibration_end="1997-01-10"
    )
    pd.testing.assert_frame_equal(via_summary, direct)
    with pytest.raises(ValueError, match="calibration_end"):
        clv.rfm_summary(three_customer_log, calibration_end="1998-01-01")


def test_customers_first_seen_in_holdout_are_left_out(three_customer_log):
    split = clv.calibration_and_holdout(three_customer_log, calibration_end="1997-01-05")
    assert split.index.tolist() == ["a", "c"]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"calibration_end": "1998-01-01"}, "calibration_end"),
        ({"calibration_end": "1997-01-29"}, "calibration_end"),  # = last purchase: empty holdout
        ({"calibration_end": "1996-12-01"}, "calibration_end"),
        ({"calibration_end": "not a date"}, "calibration_end"),
        ({"calibration_end": None}, "calibration_end"),
        ({"calibration_end": "1997-01-10", "observation_end": "1997-01-10"}, "observation_end"),
        ({"calibration_end": "1997-01-10", "freq": "M"}, "freq"),
        ({"calibration_end": "1997-01-10", "monetary_col": "spend"}, "transactions"),
    ],
)
def test_calibration_and_holdout_rejects_bad_arguments(three_customer_log, kwargs, name):
    with pytest.raises(ValueError, match=name):
        clv.calibration_and_holdout(three_customer_log, **kwargs)


def test_rfm_summary_rejects_bad_input(three_customer_log):
    with pytest.raises(TypeError, match="transactions"):
        clv.rfm_summary(three_customer_log.to_dict())
    with pytest.raises(ValueError, match="transactions"):
        clv.rfm_summary(three_customer_log.iloc[:0])
    with pytest.raises(ValueError, match="observation_end"):
        clv.rfm_summary(three_customer_log, observation_end="1996-01-01")
    bad = three_customer_log.assign(dollars=[1.0, None, 2.0, 3.0, 4.0, 5.0, 6.0])
    with pytest.raises(ValueError, match="dollars"):
        clv.rfm_summary(bad, monetary_col="dollars")
    bad = three_customer_log.assign(
        date=["1997-01-01", "soon", "1997-01-15", "1997-01-29", "1997-01-08", "1997-01-03", "1997-01-06"]
    )
    with pytest.raises(ValueError, match="date"):
        clv.rfm_summary(bad)


def test_cdnow_sample_summary_matches_hardies_published_file(sample_cal):
    # Hardie's cdnow_customers_summary_with_transactions.csv (as shipped in
    # lifetimes 0.11.3): rows for sample ids 1, 2, 56, 133 = customers 00004,
    # 00021, 00756, 01583; values rounded to 2 decimals.
    published = {
        "00004": (2, 30.43, 38.86, 22.35),
        "00021": (1, 1.71, 38.86, 11.77),
        "00756": (2, 33.14, 38.57, 28.03),
        "01583": (2, 28.43, 38.00, 13.87),
    }
    for customer, (x, t_x, age, spend) in published.items():
        row = sample_cal.loc[customer]
        assert row.frequency_cal == x
        assert row.recency_cal == pytest.approx(t_x, abs=0.005)
        assert row.T_cal == pytest.approx(age, abs=0.005)
        assert row.monetary_value_cal == pytest.approx(spend, abs=0.0051)
    # column totals of the published file
    assert len(sample_cal) == 2357
    assert sample_cal.frequency_cal.sum() == 2457
    assert (sample_cal.frequency_cal > 0).sum() == 946
    assert sample_cal.recency_cal.round(2).sum() == pytest.approx(16135.52)
    assert sample_cal.T_cal.round(2).sum() == pytest.approx(77111.21)
    assert sample_cal.monetary_value_cal.sum() == pytest.approx(33184.31, abs=1.0)  # half-cent roundings
    assert sample_cal.T_cal.max() == pytest.approx(272 / 7)  # 1 Jan to 30 Sep 1997
    assert sample_cal.duration_holdout.unique().tolist() == [39.0]


def test_cdnow_summary_matches_lifetimes(sample_cal):
    pytest.importorskip("lifetimes")
    from lifetimes.utils import calibration_and_holdout_data

    reference = calibration_and_holdout_data(
        load_cdnow(sample=True),
        "customer_id",
        "date",
        calibration_period_end="1997-09-30",
        freq="D",
        freq_multiplier=7,
        monetary_value_col="dollars",
    )
    reference = reference.loc[sample_cal.index]
    # lifetimes averages holdout spend over log lines, we over purchase days
    # (same-day lines merged, as in the calibration columns): not compared
    for column in sample_cal.columns.drop("monetary_value_holdout"):
        np.testing.assert_allclose(
            sample_cal[column], reference[column], rtol=1e-12, atol=1e-9, err_msg=column
        )


# ---------------------------------------------------------------------------
# 3. Likelihoods checked against direct formulas and numerical integration
# ---------------------------------------------------------------------------

TINY_X, TINY_TX, TINY_T = np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.5, 8.0]), np.array([10.0, 9.0, 12.0])


def test_bgnbd_log_likelihood_against_direct_formula():
    r, alpha, a, b = 0.5, 2.0, 1.2, 3.0

    def beta_fn(u, v):
        return math.gamma(u) * math.gamma(v) / math.gamma(u + v)

    for x, t_x, t in zip(TINY_X, TINY_TX, TINY_T):
        a1 = math.gamma(r + x) * alpha**r / math.gamma(r)
        a2 = beta_fn(a, b + x) / beta_fn(a, b) / (alpha + t) ** (r + x)
        a3 = beta_fn(a + 1, b + x - 1) / beta_fn(a, b) / (alpha + t_x) ** (r + x) if x > 0 else 0.0
        direct = math.log(a1 * (a2 + a3))
        assert clv.bgnbd_log_likelihood([x], [t_x], [t], r, alpha, a, b)[0] == pytest.approx(
            direct, rel=1e-12
        )


def _gamma_nodes(shape, rate, n=100):
    """Gauss–generalised-Laguerre nodes and weights for E[g(λ)], λ ~ gamma(shape, rate)."""
    u, w = special.roots_genlaguerre(n, shape - 1)
    return u / rate, w / w.sum()


def _beta_nodes(a, b, n=100):
    """Gauss–Jacobi nodes and weights for E[g(p)], p ~ beta(a, b)."""
    z, w = special.roots_jacobi(n, b - 1, a - 1)  # weight (1-z)^(b-1) (1+z)^(a-1) on [-1, 1]
    return (1 + z) / 2, w / w.sum()


def test_bgnbd_log_likelihood_against_integral_over_customers():
    # individual level: (1-p)^x λ^x e^{-λT} + δ p (1-p)^{x-1} λ^x e^{-λ t_x}, mixed over
    # λ ~ gamma(r, α) and p ~ beta(a, b) by Gauss quadrature
    r, alpha, a, b = 1.5, 3.0, 1.5, 2.5
    lam, w_lam = _gamma_nodes(r, alpha)
    p, w_p = _beta_nodes(a, b)
    lam, p = lam[:, None], p[None, :]
    for x, t_x, t in zip(TINY_X, TINY_TX, TINY_T):
        individual = (1 - p) ** x * lam**x * np.exp(-lam * t)
        if x > 0:
            individual = individual + p * (1 - p) ** (x - 1) * lam**x * np.exp(-lam * t_x)
        integral = w_lam @ individual @ w_p
        ll = clv.bgnbd_log_likelihood([x], [t_x], [t], r, alpha, a, b)[0]
        assert ll == pytest.approx(math.log(integral), abs=1e-8)


@pytest.mark.parametrize("alpha, beta", [(3.0, 2.0), (2.0, 3.0)], ids=["alpha>=beta", "alpha<beta"])
def test_pareto_nbd_log_likelihood_against_integral_over_customers(alpha, beta):
    # individual level: λ^x e^{-(λ+μ)T} + λ^x μ/(λ+μ) (e^{-(λ+μ)t_x} - e^{-(λ+μ)T}),
    # mixed over λ ~ gamma(r, α), μ ~ gamma(s, β) by Gauss quadrature
    r, s = 1.5, 1.8
    lam, w_lam = _gamma_nodes(r, alpha)
    mu, w_mu = _gamma_nodes(s, beta)
    lam, mu = lam[:, None], mu[None, :]
    total = lam + mu
    for x, t_x, t in zip(TINY_X, TINY_TX, TINY_T):
        individual = lam**x * np.exp(-total * t) + lam**x * mu / total * (
            np.exp(-total * t_x) - np.exp(-total * t)
        )
        integral = w_lam @ individual @ w_mu
        ll = clv.pareto_nbd_log_likelihood([x], [t_x], [t], r, alpha, s, beta)[0]
        assert ll == pytest.approx(math.log(integral), abs=1e-8)


def test_pareto_nbd_handles_last_purchase_on_last_day():
    # t_x = T: the 'died between t_x and T' term is zero, not an error
    ll = clv.pareto_nbd_log_likelihood([2.0], [5.0], [5.0], 0.5, 2.0, 0.6, 3.0)[0]
    direct = (
        math.lgamma(2.5)
        - math.lgamma(0.5)
        + 0.5 * math.log(2.0)
        + 0.6 * math.log(3.0)
        - 2.5 * math.log(7.0)
        - 0.6 * math.log(8.0)
    )
    assert ll == pytest.approx(direct, rel=1e-12)


def test_gamma_gamma_log_likelihood_against_direct_formula_and_integral():
    p, q, gamma = 6.0, 4.0, 15.0
    for x, m in [(1, 20.0), (3, 35.0)]:
        direct = (
            math.lgamma(p * x + q)
            - math.lgamma(p * x)
            - math.lgamma(q)
            + q * math.log(gamma)
            + (p * x - 1) * math.log(m)
            + p * x * math.log(x)
            - (p * x + q) * math.log(gamma + m * x)
        )
        assert clv.gamma_gamma_log_likelihood([x], [m], p, q, gamma)[0] == pytest.approx(direct, rel=1e-12)
        # mean of x gamma(p, ν) spends is gamma(px, rate νx); ν ~ gamma(q, rate γ)
        integral, _ = integrate.quad(
            lambda nu, m=m, x=x: (
                stats.gamma.pdf(m, p * x, scale=1 / (nu * x)) * stats.gamma.pdf(nu, q, scale=1 / gamma)
            ),
            0,
            np.inf,
            epsabs=1e-14,
        )
        assert direct == pytest.approx(math.log(integral), abs=1e-6)


# ---------------------------------------------------------------------------
# 4. Fits on CDNOW: published estimates and lifetimes
# ---------------------------------------------------------------------------


def test_bgnbd_matches_published_cdnow_estimates(sample_bgnbd):
    for name, value in PUBLISHED_BGNBD.items():
        assert sample_bgnbd.params[name] == pytest.approx(value, abs=5e-4), name
    assert sample_bgnbd.log_likelihood == pytest.approx(PUBLISHED_BGNBD_LL, abs=0.05)
    assert sample_bgnbd.n_customers == 2357


def test_pareto_nbd_matches_published_cdnow_estimates(sample_pareto):
    for name, value in PUBLISHED_PARETO_NBD.items():
        # s and beta lie on a flat ridge: agreement to 4 significant digits
        assert sample_pareto.params[name] == pytest.approx(value, rel=5e-4), name
    assert sample_pareto.log_likelihood == pytest.approx(PUBLISHED_PARETO_NBD_LL, abs=0.05)


@pytest.mark.parametrize("reference", ["published", "lifetimes"])
def test_pareto_nbd_estimate_is_at_least_as_likely_as_the_references(sample_cal, sample_pareto, reference):
    # on the ridge the references stop at slightly different points (beta 11.6650
    # published, 11.6683 lifetimes); the maximum is at beta ~ 11.6687
    params = PUBLISHED_PARETO_NBD if reference == "published" else LIFETIMES_SAMPLE["pareto_nbd"]
    f, r, t = sample_cal.frequency_cal, sample_cal.recency_cal, sample_cal.T_cal
    theirs = clv.pareto_nbd_log_likelihood(f, r, t, **params).sum()
    assert sample_pareto.log_likelihood >= theirs - 1e-8


def test_gamma_gamma_matches_published_cdnow_estimates(sample_gamma_gamma):
    for name, value in PUBLISHED_GAMMA_GAMMA.items():
        assert sample_gamma_gamma.params[name] == pytest.approx(value, abs=0.006), name
    assert sample_gamma_gamma.n_customers == 946


def test_fits_on_hardies_rounded_summary_match_the_lifetimes_documentation():
    # The lifetimes docs fit the summary file Hardie published (values rounded
    # to 2 decimals, shipped in lifetimes.datasets) and print BG/NBD r=0.24,
    # alpha=4.41, a=0.79, b=2.43 and gamma-gamma p=6.25, q=3.74, v=15.45, with
    # an expected average profit of 24.658619 for customer 1. Our exact summary
    # gives gamma=15.44 instead: the difference is the rounding of the file.
    pytest.importorskip("lifetimes")
    from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

    published = load_cdnow_summary_data_with_monetary_value()
    bg = clv.fit_bgnbd(published)
    assert bg.params.round(2).tolist() == [0.24, 4.41, 0.79, 2.43]
    repeat = published[published.frequency > 0]
    spend = clv.fit_gamma_gamma(repeat.frequency, repeat.monetary_value)
    assert spend.params.round(2).tolist() == [6.25, 3.74, 15.45]
    first = spend.conditional_expected_average_profit(published.frequency, published.monetary_value).iloc[0]
    assert first == pytest.approx(24.658619, abs=1e-4)


@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd", "gamma_gamma"])
def test_sample_fits_match_recorded_lifetimes_estimates(
    model, sample_bgnbd, sample_pareto, sample_gamma_gamma
):
    fit = {"bgnbd": sample_bgnbd, "pareto_nbd": sample_pareto, "gamma_gamma": sample_gamma_gamma}[model]
    for name, value in LIFETIMES_SAMPLE[model].items():
        assert fit.params[name] == pytest.approx(value, rel=1e-3), name


def test_master_fits_match_recorded_lifetimes_estimates(master_cal):
    assert len(master_cal) == 23570
    bg = clv.fit_bgnbd(master_cal)
    pareto = clv.fit_pareto_nbd(master_cal)
    repeat = master_cal[(master_cal.frequency_cal > 0) & (master_cal.monetary_value_cal > 0)]
    spend = clv.fit_gamma_gamma(repeat.frequency_cal, repeat.monetary_value_cal)
    assert spend.n_customers == 9450
    for fit, model in [(bg, "bgnbd"), (pareto, "pareto_nbd"), (spend, "gamma_gamma")]:
        for name, value in LIFETIMES_MASTER[model].items():
            assert fit.params[name] == pytest.approx(value, rel=1e-3), (model, name)


def test_bgnbd_matches_installed_lifetimes(sample_cal, sample_bgnbd):
    lifetimes = pytest.importorskip("lifetimes")
    f, r, t = sample_cal.frequency_cal, sample_cal.recency_cal, sample_cal.T_cal
    reference = lifetimes.BetaGeoFitter().fit(f, r, t)
    np.testing.assert_allclose(sample_bgnbd.params.to_numpy(), reference.params_.to_numpy(), rtol=1e-3)
    # predictions at the same parameters agree to rounding error
    reference.params_ = pd.Series(sample_bgnbd.params.to_numpy(), index=reference.params_.index)
    np.testing.assert_allclose(
        sample_bgnbd.expected_purchases([5.0, 39.0, 78.0]),
        reference.expected_number_of_purchases_up_to_time(np.array([5.0, 39.0, 78.0])),
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        sample_bgnbd.conditional_expected_purchases(39, sample_cal),
        reference.conditional_expected_number_of_purchases_up_to_time(39, f, r, t),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        sample_bgnbd.probability_alive(sample_cal),
        reference.conditional_probability_alive(f, r, t),
        rtol=1e-10,
    )


def test_pareto_nbd_matches_installed_lifetimes(sample_cal, sample_pareto):
    lifetimes = pytest.importorskip("lifetimes")
    f, r, t = sample_cal.frequency_cal, sample_cal.recency_cal, sample_cal.T_cal
    reference = lifetimes.ParetoNBDFitter().fit(f, r, t)
    np.testing.assert_allclose(sample_pareto.params.to_numpy(), reference.params_.to_numpy(), rtol=1e-3)
    reference.params_ = pd.Series(sample_pareto.params.to_numpy(), index=reference.params_.index)
    np.testing.assert_allclose(
        sample_pareto.expected_purchases(39.0),
        reference.expected_number_of_purchases_up_to_time(39.0),
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        sample_pareto.conditional_expected_purchases(39, sample_cal),
        reference.conditional_expected_number_of_purchases_up_to_time(39, f, r, t),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        sample_pareto.probability_alive(sample_cal),
        reference.conditional_probability_alive(f, r, t),
        rtol=1e-9,
    )


def test_gamma_gamma_and_clv_match_installed_lifetimes(sample_cal, sample_bgnbd, sample_gamma_gamma):
    lifetimes = pytest.importorskip("lifetimes")
    repeat = sample_cal[sample_cal.frequency_cal > 0]
    reference = lifetimes.GammaGammaFitter().fit(repeat.frequency_cal, repeat.monetary_value_cal)
    np.testing.assert_allclose(sample_gamma_gamma.params.to_numpy(), reference.params_.to_numpy(), rtol=1e-3)
    reference.params_ = pd.Series(sample_gamma_gamma.params.to_numpy(), index=reference.params_.index)
    f, r, t, m = (sample_cal[c] for c in ("frequency_cal", "recency_cal", "T_cal", "monetary_value_cal"))
    np.testing.assert_allclose(
        sample_gamma_gamma.conditional_expected_average_profit(f, m),
        reference.conditional_expected_average_profit(f, m),
        rtol=1e-12,
    )
    purchases = lifetimes.BetaGeoFitter().fit(f, r, t)
    purchases.params_ = pd.Series(sample_bgnbd.params.to_numpy(), index=["r", "alpha", "a", "b"])
    expected = reference.customer_lifetime_value(purchases, f, r, t, m, time=12, discount_rate=0.01, freq="W")
    ours = sample_gamma_gamma.customer_lifetime_value(sample_bgnbd, f, r, t, m, months=12, discount_rate=0.01)
    np.testing.assert_allclose(ours, expected, rtol=1e-9)


# ---------------------------------------------------------------------------
# 5. Predictions: shapes, limits and the holdout pattern
# ---------------------------------------------------------------------------


def test_holdout_forecast_is_close_to_what_happened(sample_cal, sample_bgnbd):
    # 1,882 repeat purchases happened in the 39 holdout weeks; BG/NBD forecasts
    # about 1,653 (FHL 2005 discuss this under-forecast of the sample)
    forecast = sample_bgnbd.conditional_expected_purchases(39, sample_cal)
    assert sample_cal.frequency_holdout.sum() == 1882
    assert forecast.sum() == pytest.approx(1653.4, abs=0.5)
    # customers who bought more in calibration are forecast to buy more
    by_frequency = forecast.groupby(sample_cal.frequency_cal.clip(upper=3)).mean()
    assert by_frequency.is_monotonic_increasing


def test_predictions_keep_the_customer_index(sample_cal, sample_bgnbd):
    alive = sample_bgnbd.probability_alive(sample_cal.frequency_cal, sample_cal.recency_cal, sample_cal.T_cal)
    assert alive.index.equals(sample_cal.index)
    assert alive.between(0, 1).all()
    assert (alive[sample_cal.frequency_cal == 0] == 1).all()  # BG/NBD: no repeat, no chance to drop out
    assert sample_bgnbd.probability_alive(sample_cal).equals(alive)


def test_expected_purchases_start_at_zero_and_grow(sample_bgnbd, sample_pareto):
    for fit in (sample_bgnbd, sample_pareto):
        curve = fit.expected_purchases(np.array([0.0, 10.0, 39.0, 78.0]))
        assert curve[0] == 0
        assert np.all(np.diff(curve) > 0)


def test_recent_buyers_are_more_alive(sample_bgnbd, sample_pareto):
    for fit in (sample_bgnbd, sample_pareto):
        alive = fit.probability_alive([3, 3], [35.0, 5.0], [38.0, 38.0])
        assert alive[0] > alive[1]


def test_gamma_gamma_shrinks_towards_population_mean(sample_gamma_gamma):
    fit = sample_gamma_gamma
    population = fit.population_mean_spend
    assert fit.conditional_expected_average_profit([0], [0.0])[0] == pytest.approx(population)
    few, many = fit.conditional_expected_average_profit([1, 20], [100.0, 100.0])
    assert population < few < many < 100.0


def test_clv_by_hand_for_one_month(sample_bgnbd, sample_gamma_gamma):
    value = clv.customer_lifetime_value(
        sample_bgnbd, sample_gamma_gamma, [2], [30.0], [38.0], [25.0], months=1, discount_rate=0.01
    )
    purchases = sample_bgnbd.conditional_expected_purchases(4.345, [2], [30.0], [38.0])[0]
    spend = sample_gamma_gamma.conditional_expected_average_profit([2], [25.0])[0]
    assert value[0] == pytest.approx(purchases * spend / 1.01)


@pytest.mark.parametrize(
    "kwargs, name",
    [({"months": 0}, "months"), ({"discount_rate": -0.1}, "discount_rate"), ({"freq": "M"}, "freq")],
)
def test_clv_rejects_bad_arguments(sample_bgnbd, sample_gamma_gamma, kwargs, name):
    with pytest.raises(ValueError, match=name):
        clv.customer_lifetime_value(sample_bgnbd, sample_gamma_gamma, [1], [2.0], [3.0], [10.0], **kwargs)


@pytest.mark.parametrize(
    "frequency, recency, T, name",
    [
        ([1.0], [5.0], [4.0], "recency"),
        ([-1.0], [0.0], [4.0], "frequency"),
        ([1.5], [1.0], [4.0], "frequency"),
        ([0.0], [1.0], [4.0], "recency"),
        ([1.0], [np.nan], [4.0], "recency"),
    ],
)
def test_fits_reject_impossible_summaries(frequency, recency, T, name):
    with pytest.raises(ValueError, match=name):
        clv.fit_bgnbd(frequency, recency, T)
    with pytest.raises(ValueError, match=name):
        clv.fit_pareto_nbd(frequency, recency, T)


def test_fit_rejects_a_frame_without_summary_columns():
    with pytest.raises(ValueError, match="frequency, recency, T"):
        clv.fit_bgnbd(pd.DataFrame({"x": [1]}))


def test_gamma_gamma_needs_repeat_customers_with_spend():
    with pytest.raises(ValueError, match="frequency"):
        clv.fit_gamma_gamma([0, 2], [0.0, 10.0])
    with pytest.raises(ValueError, match="monetary_value"):
        clv.fit_gamma_gamma([1, 2], [0.0, 10.0])


def test_fast_fit_objectives_equal_the_readable_log_likelihoods(sample_cal):
    f, r, t, m = (
        sample_cal[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal", "monetary_value_cal")
    )
    params = np.array([0.3, 5.0, 0.8, 2.5])
    objective = clv._bgnbd_objective(f, r, t)
    assert objective(np.log(params)) == pytest.approx(
        -clv.bgnbd_log_likelihood(f, r, t, *params).mean(), rel=1e-12
    )
    repeat = f > 0
    objective = clv._gamma_gamma_objective(f[repeat], m[repeat])
    expected = -clv.gamma_gamma_log_likelihood(f[repeat], m[repeat], 6.0, 3.5, 15.0).mean()
    assert objective(np.log([6.0, 3.5, 15.0])) == pytest.approx(expected, rel=1e-12)


def test_clv_from_a_summary_frame_equals_clv_from_columns(sample_cal, sample_bgnbd, sample_gamma_gamma):
    from_frame = clv.customer_lifetime_value(sample_bgnbd, sample_gamma_gamma, sample_cal, months=6)
    from_columns = clv.customer_lifetime_value(
        sample_bgnbd,
        sample_gamma_gamma,
        sample_cal.frequency_cal,
        sample_cal.recency_cal,
        sample_cal.T_cal,
        sample_cal.monetary_value_cal,
        months=6,
    )
    pd.testing.assert_series_equal(from_frame, from_columns)
    assert from_frame.index.equals(sample_cal.index)
    # longer horizons add value
    assert (
        clv.customer_lifetime_value(sample_bgnbd, sample_gamma_gamma, sample_cal, months=12) > from_frame
    ).all()


def test_holdout_by_frequency_pools_heavy_buyers(sample_cal, sample_bgnbd):
    table = clv.holdout_by_frequency(sample_bgnbd, sample_cal, max_frequency=7)
    assert table.index.tolist() == list(range(8))
    assert table["n_customers"].sum() == 2357
    assert table.loc[0, "n_customers"] == 1411
    # weighted means give back the totals
    assert (table["actual"] * table["n_customers"]).sum() == pytest.approx(1882)
    assert (table["predicted"] * table["n_customers"]).sum() == pytest.approx(1653.4, abs=0.5)
    assert table["actual"].is_monotonic_increasing and table["predicted"].is_monotonic_increasing
    with pytest.raises(ValueError, match="calibration_holdout"):
        clv.holdout_by_frequency(sample_bgnbd, sample_cal.drop(columns="frequency_holdout"))


def test_repeat_purchase_tracking_adds_up_to_the_summaries(sample_cal, sample_bgnbd):
    log = load_cdnow(sample=True)
    tracking = clv.repeat_purchase_tracking(sample_bgnbd, log)
    assert tracking.index[0] == 1 and tracking.index[-1] == 78  # 1 Jan 1997 .. 30 Jun 1998
    # calibration = weeks 1..39 (to 30 Sep 1997), holdout = weeks 40..78
    assert tracking.loc[39, "cumulative_actual"] == sample_cal.frequency_cal.sum() == 2457
    assert tracking.loc[40:, "actual"].sum() == sample_cal.frequency_holdout.sum() == 1882
    assert tracking["expected"].sum() == pytest.approx(tracking["cumulative_expected"].iloc[-1])
    # in the calibration period the model tracks the data within 2 %
    assert tracking.loc[39, "cumulative_expected"] == pytest.approx(2457, rel=0.02)
    # by the end of week 1 only customers who came on days 0..6 can have repeated
    assert tracking.loc[1, "cumulative_expected"] < 20


def test_repeat_purchase_tracking_by_hand(three_customer_log):
    fit = clv.BetaGeoFit(r=0.5, alpha=2.0, a=1.2, b=3.0, log_likelihood=0.0, n_customers=3)
    tracking = clv.repeat_purchase_tracking(fit, three_customer_log, freq="D")
    # days 0..28 from 1 Jan; repeats on day 5 (c), 14 and 28 (a)
    assert len(tracking) == 29
    assert tracking["actual"].to_numpy().nonzero()[0].tolist() == [5, 14, 28]
    # end of day 10: a aged 10 days, c aged 8, b aged 3 (first purchases on days 0, 2, 7)
    expected = fit.expected_purchases(np.array([10.0, 8.0, 3.0])).sum()
    assert tracking.loc[10, "cumulative_expected"] == pytest.approx(expected)


def test_one_customer_curve_over_time(sample_bgnbd, sample_pareto):
    weeks = np.array([0.0, 10.0, 39.0])
    for fit in (sample_bgnbd, sample_pareto):
        curve = fit.conditional_expected_purchases(weeks, 2, 30.43, 38.86)
        assert curve.shape == (3,)
        assert curve[0] == 0 and not np.signbit(curve[0])
        assert curve[1] < curve[2]
