"""Customer intelligence and mass vs targeted marketing: hand-computed cases and the case data."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from crm_lessons import targeting as t
from crm_lessons.toy import toy_customers, toy_sales

matplotlib.use("Agg")


@pytest.fixture
def tiny():
    """Six customers; scores 60..10; buyers: a (300), b (200), d (100), f (50)."""
    return pd.DataFrame(
        {
            "customer_id": list("abcdef"),
            "score": [60.0, 50.0, 40.0, 30.0, 20.0, 10.0],
            "responded": [True, True, False, True, False, True],
            "profit": [300.0, 200.0, 0.0, 100.0, 0.0, 50.0],
        }
    )


# ---------------------------------------------------------------- mass vs targeted, by hand
def test_mass_vs_targeted_hand_computed(tiny):
    r = t.mass_vs_targeted(tiny, cost_per_contact=25, top_share=0.5)
    mass, targ = r.loc["mass marketing"], r.loc["targeted marketing"]
    # mass: 6 contacts x 25 = 150; 4 responders; 650 profit; net 500; ROI 500/150
    assert mass["contacted"] == 6 and mass["responses"] == 4 and mass["credited_responses"] == 4
    assert mass["gross_profit"] == 650 and mass["credited_profit"] == 650 and mass["contact_cost"] == 150
    assert mass["net_profit"] == 500 and mass["roi"] == pytest.approx(500 / 150)
    assert mass["response_rate"] == pytest.approx(4 / 6)
    # targeted: top 3 (a, b, c) x 25 = 75; responders a, b -> 500; net 425; ROI 425/75
    assert targ["contacted"] == 3 and targ["responses"] == 2
    assert targ["gross_profit"] == 500 and targ["net_profit"] == 425
    assert targ["roi"] == pytest.approx(425 / 75)


def test_mass_vs_targeted_with_uplift_hand_computed(tiny):
    r = t.mass_vs_targeted(tiny, cost_per_contact=10, top_share=0.5, uplift=0.2)
    # mass: 0.2 x 650 = 130 credited; cost 60; net 70; 0.2 x 4 = 0.8 credited responses
    assert r.loc["mass marketing", "credited_responses"] == pytest.approx(0.8)
    assert r.loc["mass marketing", "credited_profit"] == pytest.approx(130)
    assert r.loc["mass marketing", "net_profit"] == pytest.approx(70)
    # targeted: 0.2 x 500 = 100; cost 30; net 70; ROI 70/30
    assert r.loc["targeted marketing", "credited_profit"] == pytest.approx(100)
    assert r.loc["targeted marketing", "roi"] == pytest.approx(70 / 30)
    # the observed responses do not depend on the uplift
    assert r["responses"].tolist() == [4, 2]


def test_targeting_ignores_profit_of_non_buyers(tiny):
    noisy = tiny.assign(profit=tiny["profit"].where(tiny["responded"], 999.0))
    pd.testing.assert_frame_equal(
        t.mass_vs_targeted(noisy, cost_per_contact=25), t.mass_vs_targeted(tiny, cost_per_contact=25)
    )


def test_targeting_ties_keep_frame_order():
    f = pd.DataFrame(
        {"score": [1.0, 1.0, 1.0], "responded": [False, True, True], "profit": [0.0, 10.0, 10.0]}
    )
    r = t.mass_vs_targeted(f, cost_per_contact=1, top_share=0.34)  # ceil(1.02) = 2 -> rows 0, 1
    assert r.loc["targeted marketing", "contacted"] == 2
    assert r.loc["targeted marketing", "responses"] == 1


def test_top_share_one_equals_mass(tiny):
    r = t.mass_vs_targeted(tiny, cost_per_contact=5, top_share=1.0)
    pd.testing.assert_series_equal(r.iloc[0], r.iloc[1], check_names=False)


def test_n_targeted_rounding():
    assert t.n_targeted(4560, 0.2) == 912
    assert t.n_targeted(10, 0.01) == 1
    assert t.n_targeted(7, 0.5) == 4


@pytest.mark.parametrize(
    "kwargs, error, argument",
    [
        ({"cost_per_contact": 0}, ValueError, "cost_per_contact"),
        ({"cost_per_contact": -5}, ValueError, "cost_per_contact"),
        ({"cost_per_contact": "20"}, TypeError, "cost_per_contact"),
        ({"cost_per_contact": float("nan")}, ValueError, "cost_per_contact"),
        ({"cost_per_contact": 5, "top_share": 0}, ValueError, "top_share"),
        ({"cost_per_contact": 5, "top_share": 1.5}, ValueError, "top_share"),
        ({"cost_per_contact": 5, "uplift": -0.1}, ValueError, "uplift"),
        ({"cost_per_contact": 5, "score": "rfm"}, ValueError, "frame"),
    ],
)
def test_mass_vs_targeted_validates(tiny, kwargs, error, argument):
    with pytest.raises(error, match=f"`{argument}`"):
        t.mass_vs_targeted(tiny, **kwargs)


def test_mass_vs_targeted_rejects_bad_frames(tiny):
    with pytest.raises(ValueError, match="no customers"):
        t.mass_vs_targeted(tiny.iloc[:0], cost_per_contact=1)
    with pytest.raises(ValueError, match="missing values"):
        t.mass_vs_targeted(tiny.assign(score=[1, None, 3, 4, 5, 6]), cost_per_contact=1)
    with pytest.raises(TypeError, match="numeric"):
        t.mass_vs_targeted(tiny.assign(score=list("abcdef")), cost_per_contact=1)
    with pytest.raises(TypeError, match="`frame`"):
        t.mass_vs_targeted([1, 2], cost_per_contact=1)


def test_targeting_curve_hand_computed(tiny):
    c = t.targeting_curve(tiny, cost_per_contact=25, shares=[1 / 6, 0.5, 1.0])
    # top 1: 300 - 25 = 275; top 3: 500 - 75 = 425; all: 650 - 150 = 500
    assert c["contacted"].tolist() == [1, 3, 6]
    assert c["net_profit"].tolist() == [275.0, 425.0, 500.0]
    assert t.targeting_curve(tiny, cost_per_contact=25)["share"].tolist()[-1] == 1.0
    with pytest.raises(ValueError, match="`shares`"):
        t.targeting_curve(tiny, cost_per_contact=25, shares=[])
    with pytest.raises(ValueError, match="`shares`"):
        t.targeting_curve(tiny, cost_per_contact=25, shares=[0.5, 2])


def test_curve_end_matches_mass(tiny):
    c = t.targeting_curve(tiny, cost_per_contact=7, uplift=0.1)
    m = t.mass_vs_targeted(tiny, cost_per_contact=7, uplift=0.1)
    assert c.iloc[-1]["net_profit"] == pytest.approx(m.loc["mass marketing", "net_profit"])


def test_response_by_score_band_hand_computed(tiny):
    b = t.response_by_score_band(tiny, bands=3)
    # bands: (a, b) 2 buyers; (c, d) 1; (e, f) 1; overall 4/6
    assert b["customers"].tolist() == [2, 2, 2]
    assert b["responses"].tolist() == [2, 1, 1]
    assert b["value"].tolist() == [500.0, 100.0, 50.0]
    assert b["lift"].tolist() == pytest.approx([1.5, 0.75, 0.75])
    assert b["min_score"].tolist() == [50.0, 30.0, 10.0]
    with pytest.raises(ValueError, match="`bands`"):
        t.response_by_score_band(tiny, bands=0)
    with pytest.raises(ValueError, match="`bands`"):
        t.response_by_score_band(tiny, bands=7)


def test_plot_targeting_curve(tiny):
    ax = t.plot_targeting_curve(t.targeting_curve(tiny, cost_per_contact=25))
    assert ax.get_ylabel() == "Net profit (thousand CNY)"
    assert "best: top" in ax.get_legend().get_texts()[0].get_text()
    matplotlib.pyplot.close(ax.figure)


# ---------------------------------------------------------------- customer intelligence on the toy case
def test_segment_profile_toy():
    p = t.segment_profile(toy_customers(), toy_sales(), by=["kind"])
    # consumer: C1 (1300) + C4 (0); intermediary C2 5500; organisation C3 2000
    assert p["customers"].to_dict() == {"consumer": 2, "intermediary": 1, "organisation": 1}
    assert p["profit"].to_dict() == {"consumer": 1300.0, "intermediary": 5500.0, "organisation": 2000.0}
    assert p.loc["consumer", "profit_per_customer"] == 650.0
    assert p["profit_share"].sum() == pytest.approx(1.0)


def test_segment_profile_period_counts_non_buyers():
    p = t.segment_profile(toy_customers(), toy_sales(), by="tier", start="2024-01-01")
    # 2024: C2 (O5, profit 3000) and C4 (O6, profit 0) are ordinary
    assert p.loc["ordinary", "buyers"] == 2 and p.loc["gold", "buyers"] == 0
    assert p.loc["gold", "profit"] == 0.0 and p.loc["ordinary", "profit"] == 3000.0


def test_customer_screen_rules():
    c, s = toy_customers(), toy_sales()
    assert customer_segment("C2", c, s, key_share=0.25) == "key customer"
    assert customer_segment("C2", c, s) == "develop"  # top 1 of 4 = 25 % > 5 %
    assert customer_segment("C1", c, s) == "win back"  # last order 2023-05-10
    assert customer_segment("C1", c, s, as_of="2023-06-01") == "gold member"
    assert customer_segment("C4", c, s, as_of="2024-01-01") == "new or prospect"
    screen = t.customer_screen("C3", c, s, as_of="2024-12-31")
    assert screen["days_since_last_order"] == (pd.Timestamp("2024-12-31") - pd.Timestamp("2023-01-15")).days
    assert screen["profit_rank"] == 2 and screen["treatment"] == t.TREATMENTS["win back"]


def customer_segment(cid, c, s, as_of="2024-12-31", **kw):
    return t.customer_screen(cid, c, s, as_of=as_of, **kw)["segment"]


def test_customer_screen_validates():
    c, s = toy_customers(), toy_sales()
    with pytest.raises(ValueError, match="`customer_id`"):
        t.customer_screen("C9", c, s, as_of="2024-01-01")
    with pytest.raises(ValueError, match="`as_of`"):
        t.customer_screen("C1", c, s, as_of="someday")
    with pytest.raises(ValueError, match="`key_share`"):
        t.customer_screen("C1", c, s, as_of="2024-01-01", key_share=0)
    with pytest.raises(ValueError, match="`lapsed_days`"):
        t.customer_screen("C1", c, s, as_of="2024-01-01", lapsed_days=0)


def test_campaign_frame_toy_and_validation():
    f = t.campaign_frame(
        toy_customers(), toy_sales(), cutoff="2024-01-01", end="2024-06-30", kinds=["consumer"]
    )
    assert f["customer_id"].tolist() == ["C1", "C4"]
    assert f["score"].tolist() == [3600.0, 0.0]
    assert f["responded"].tolist() == [False, True]
    assert f.loc[0, "last_order"] == pd.Timestamp("2023-05-10") and pd.isna(f.loc[1, "last_order"])
    with pytest.raises(ValueError, match="`end`"):
        t.campaign_frame(toy_customers(), toy_sales(), cutoff="2024-01-01", end="2023-01-01")
    with pytest.raises(ValueError, match="`kinds`"):
        t.campaign_frame(toy_customers(), toy_sales(), cutoff="2024-01-01", end="2024-12-31", kinds=["robot"])
    with pytest.raises(ValueError, match="`lookback_days`"):
        t.campaign_frame(toy_customers(), toy_sales(), cutoff="2024-01-01", end="2024-12-31", lookback_days=0)


# ---------------------------------------------------------------- patterns in the case data
@pytest.fixture(scope="module")
def case():
    data = pytest.importorskip("crm_lessons.data")
    try:
        tables = data.load_case_company()
        sales = data.load_sales()
    except (FileNotFoundError, ValueError) as err:  # data not generated yet
        pytest.skip(f"case-company data not available: {err}")
    return tables, sales


def test_case_past_buyers_respond_more(case):
    tables, sales = case
    f = t.campaign_frame(
        tables["customers"], sales, cutoff="2024-07-01", end="2024-12-31", kinds=["consumer"]
    )
    bands = t.response_by_score_band(f, bands=10)
    # recent buyers buy again far more often than customers who bought nothing last year
    assert bands.loc[1, "response_rate"] > 2 * bands.loc[10, "response_rate"]
    assert bands.loc[1, "lift"] > 1.5
    r = t.mass_vs_targeted(f, cost_per_contact=150, top_share=0.2)
    assert r.loc["targeted marketing", "response_rate"] > r.loc["mass marketing", "response_rate"]
    assert r.loc["targeted marketing", "roi"] > r.loc["mass marketing", "roi"]


def test_case_gold_customers_are_worth_more(case):
    tables, sales = case
    p = t.segment_profile(tables["customers"], sales, by="tier")
    assert p.loc["gold", "profit_per_customer"] > 2 * p.loc["ordinary", "profit_per_customer"]
    assert p.loc["gold", "profit_share"] > p.loc["gold", "customer_share"]


def test_treatment_segments_toy():
    seg = t.treatment_segments(toy_customers(), toy_sales(), as_of="2023-06-01")
    # before 2023-06-01: C1 (O1, O2), C2 (O3), C3 (O4) bought; C4 not yet
    assert seg["segment"].astype(str).to_dict() == {
        "C1": "gold member",
        "C2": "develop",
        "C3": "develop",
        "C4": "new or prospect",
    }
    assert seg.loc["C4", "orders"] == 0 and pd.isna(seg.loc["C4", "profit_rank"])
    assert seg["profit_rank"].dropna().tolist() == [3, 1, 2]  # C2 2500 (O3), C3 2000, C1 1300
    assert seg.loc["C1", "days_since_last_order"] == 22


def test_treatment_segments_on_case_data(case):
    tables, sales = case
    seg = t.treatment_segments(tables["customers"], sales, as_of="2025-01-01")
    assert len(seg) == len(tables["customers"])
    buyers = seg["profit_rank"].notna().sum()
    assert (seg["segment"] == "key customer").sum() == int(np.floor(0.05 * buyers))
    assert set(seg.loc[seg["segment"] == "gold member", "tier"].astype(str)) == {"gold"}


# --------------------------------------------------------------------------- issue 13 regressions


def test_responses_written_as_text_are_refused_not_counted_true():
    frame = pd.DataFrame(
        {"score": [3.0, 2.0, 1.0], "responded": ["true", "false", "false"], "profit": [10.0, 0, 0]}
    )
    with pytest.raises(TypeError, match=r"`frame` column 'responded' must hold booleans.*'false'"):
        t.response_by_score_band(frame, 1)
    with pytest.raises(TypeError, match=r"`frame` column 'responded' must hold booleans"):
        t.mass_vs_targeted(frame, cost_per_contact=1)


def test_missing_response_is_refused_not_counted_true():
    frame = pd.DataFrame({"score": [3.0, 2.0], "responded": [True, np.nan], "profit": [10.0, 0]})
    with pytest.raises(ValueError, match=r"`frame` column 'responded' has missing values"):
        t.targeting_curve(frame, cost_per_contact=1)


def test_zero_one_responses_equal_booleans():
    frame = pd.DataFrame({"score": [3.0, 2.0, 1.0], "responded": [1, 0, 1], "profit": [10.0, 0, 5.0]})
    booleans = frame.assign(responded=[True, False, True])
    pd.testing.assert_frame_equal(t.response_by_score_band(frame, 3), t.response_by_score_band(booleans, 3))
