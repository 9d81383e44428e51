"""Tests of crm_lessons.loyalty: hand-built customers and the patterns built into the case data."""

import pandas as pd
import pytest

from crm_lessons import data
from crm_lessons.loyalty import (
    LIFE_CYCLE_STAGES,
    complaint_repurchase,
    life_cycle_stages,
    loyalty_levels,
    loyalty_measures,
    orders_in_window,
    recovery_loyalty,
    repeat_purchase_rate,
)


@pytest.fixture(scope="module")
def case():
    return data.load_case_company()


def _orders(rows):
    return pd.DataFrame(
        {"customer_id": [c for c, _ in rows], "order_date": pd.to_datetime([d for _, d in rows])}
    )


def test_orders_in_window_edges():
    orders = _orders([("a", "2023-01-01"), ("a", "2023-12-31"), ("a", "2024-01-01")])
    ends = pd.Series(pd.to_datetime(["2023-12-31"]))
    # (end - 365 days, end] = (2022-12-31, 2023-12-31]
    assert orders_in_window(orders, pd.Series(["a"]), ends, days=365).tolist() == [2]
    assert orders_in_window(orders, pd.Series(["a"]), ends, days=1, after=True).tolist() == [1]
    assert orders_in_window(orders, pd.Series(["zz"]), ends, days=365).tolist() == [0]


def test_loyalty_levels_by_hand():
    survey = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "survey_date": pd.to_datetime(["2024-04-01"] * 3),
            "perceived_quality": [4, 5, 1],
            "brand_attention": [4, 3, 1],
            "overall_satisfaction": [5, 4, 1],
            "recommend": [10, 9, 0],
        }
    )
    orders = _orders(
        [
            ("a", "2023-05-01"),
            ("a", "2024-03-01"),
            ("b", "2020-01-01"),
            ("c", "2024-01-01"),
            ("c", "2024-02-01"),
        ]
    )
    levels = loyalty_levels(survey, orders)
    assert levels["cognitive"].tolist() == [True, False, False]
    assert levels["affective"].tolist() == [True, True, False]
    assert levels["behavioural"].tolist() == [True, False, True]
    assert levels["loyalty_type"].tolist() == ["true loyalty", "latent loyalty", "spurious loyalty"]


def test_repeat_purchase_rate_by_hand():
    orders = _orders(
        [
            ("a", "2024-01-01"),
            ("a", "2024-02-01"),
            ("b", "2024-03-01"),
            ("c", "2024-04-01"),
            ("c", "2024-05-01"),
            ("c", "2024-06-01"),
        ]
    )
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "tier": ["gold", "ordinary", "ordinary"]})
    out = repeat_purchase_rate(orders, "2024-01-01", "2024-12-31", customers=customers, by="tier")
    assert out.loc["gold", "repeat_purchase_rate"] == 1.0
    assert out.loc["ordinary", "repeat_purchase_rate"] == 0.5
    three = repeat_purchase_rate(orders, "2024-01-01", "2024-12-31", min_orders=3)
    assert three.loc["all", "repeat_buyers"] == 1
    with pytest.raises(ValueError, match="`end`"):
        repeat_purchase_rate(orders, "2024-12-31", "2024-01-01")
    with pytest.raises(ValueError, match="no orders between"):
        repeat_purchase_rate(orders, "2010-01-01", "2010-12-31")


def test_life_cycle_stages_by_hand():
    orders = _orders(
        [
            ("new", "2024-06-01"),
            ("young", "2023-03-01"),
            ("young", "2024-02-01"),
            ("old", "2019-01-01"),
            ("old", "2023-06-01"),
            ("old", "2024-06-01"),
            ("fading", "2019-01-01"),
            ("fading", "2023-02-01"),
            ("fading", "2023-05-01"),
            ("fading", "2023-09-01"),
            ("fading", "2024-03-01"),
            ("gone", "2021-01-01"),
        ]
    )
    stages = life_cycle_stages(orders, "2024-12-31").set_index("customer_id")["stage"]
    assert stages.to_dict() == {
        "fading": "decline",  # 1 order this year vs 3 the year before
        "gone": "lost",
        "new": "exploration",
        "old": "stability",
        "young": "formation",
    }
    assert list(stages.cat.categories) == list(LIFE_CYCLE_STAGES)


def test_life_cycle_arguments():
    orders = _orders([("a", "2024-01-01")])
    with pytest.raises(ValueError, match="`as_of`"):
        life_cycle_stages(orders, "2010-01-01")
    with pytest.raises(ValueError, match="`decline_ratio`"):
        life_cycle_stages(orders, decline_ratio=0)


def test_complaint_window_is_censored_at_data_end():
    complaints = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "complaint_date": pd.to_datetime(["2023-01-01", "2023-06-01", "2024-06-01"]),
            "recovered": [True, False, True],
        }
    )
    orders = _orders([("a", "2023-12-31"), ("b", "2024-06-02")])
    out = complaint_repurchase(complaints, orders, data_end="2024-12-31")
    assert out["repurchased"].tolist() == [True, False]
    assert out.attrs["censored"] == 1
    with pytest.raises(ValueError, match="`data_end`=2023-06-30 leaves no complaint"):
        complaint_repurchase(complaints, orders, data_end="2023-06-30")


def test_recovery_loyalty_by_hand():
    r = pd.DataFrame(
        {
            "recovered": [True] * 4 + [False] * 5,
            "repurchased": [True, True, True, False, True, False, False, False, False],
        }
    )
    out = recovery_loyalty(r)
    assert out.loc["recovered", "repurchase_rate"] == 0.75
    assert out.loc["not recovered", "repurchase_rate"] == 0.2
    assert out.attrs["difference"] == pytest.approx(0.55)
    with pytest.raises(ValueError, match="no 'not recovered' complaints"):
        recovery_loyalty(r[r["recovered"]])


def test_recovered_complaints_are_more_loyal(case):
    out = recovery_loyalty(complaint_repurchase(case["complaints"], case["orders"]))
    assert out.loc["recovered", "repurchase_rate"] > out.loc["not recovered", "repurchase_rate"] + 0.3
    assert out.attrs["p_value"] < 1e-6
    assert out.attrs["ci_low"] > 0.2


def test_loyalty_measures_agree_with_theory_on_stated_intent(case):
    survey = case["survey"]
    levels = loyalty_levels(survey, case["orders"])
    table = loyalty_measures(
        survey, survey["repurchase_intent"] >= 4, orders_before_survey=levels["orders_before_survey"]
    )
    attitudes = table.drop(index="repeat purchases")
    assert attitudes["agrees"].all()
    assert (attitudes["p_value"] < 0.001).all()


def test_need_satisfaction_is_not_overall_satisfaction():
    # 客户需求满足率 is a share of requirements; the case data cannot show it, so no row maps it
    from crm_lessons.loyalty import LOYALTY_MEASURES, UNMEASURED_LOYALTY_MEASURES

    assert "overall_satisfaction" not in {col for col, _ in LOYALTY_MEASURES.values()}
    assert not any("need" in name for name in LOYALTY_MEASURES)
    assert "need satisfaction (share of requirements)" in UNMEASURED_LOYALTY_MEASURES
    with pytest.raises(ValueError, match="has none of the measure columns"):
        loyalty_measures(pd.DataFrame({"overall_satisfaction": [5, 1]}), [True, False])


def test_recovery_by_speed_by_hand():
    from crm_lessons.loyalty import recovery_by_speed

    cases = pd.DataFrame(
        {
            "resolution_days": [0, 3, 4, 7, 8, 30],
            "recovered": [True, True, True, False, False, False],
            "repurchased": [True, False, True, False, False, True],
        }
    )
    out = recovery_by_speed(cases, bands=(3, 7))
    assert out.index.tolist() == ["≤3", "4-7", ">7"]
    assert out["complaints"].tolist() == [2, 2, 2]
    assert out["recovery_rate"].tolist() == [1.0, 0.5, 0.0]
    assert out["repurchase_rate"].tolist() == [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="`bands` must be increasing"):
        recovery_by_speed(cases, bands=(7, 3))
    with pytest.raises(ValueError, match="resolution_days"):
        recovery_by_speed(cases.assign(resolution_days=[1, -2, 3, 4, 5, 6]))


def test_fast_handling_goes_with_recovery(case):
    from crm_lessons.loyalty import recovery_by_speed

    out = recovery_by_speed(complaint_repurchase(case["complaints"], case["orders"]))
    assert out["complaints"].sum() == len(case["complaints"])
    assert out["recovery_rate"].iloc[0] > 0.9 > 0.1 > out["recovery_rate"].iloc[-1]


def test_loyalty_measures_arguments():
    survey = pd.DataFrame({"brand_attention": [1, 2]})
    with pytest.raises(ValueError, match="`loyal` has 3 values"):
        loyalty_measures(survey, [True, False, True])
    with pytest.raises(ValueError, match="some respondents True and some False"):
        loyalty_measures(survey, [True, True])


def test_gold_customers_repeat_more(case):
    out = repeat_purchase_rate(
        case["orders"], "2024-01-01", "2024-12-31", customers=case["customers"], by="tier"
    )
    assert out.loc["gold", "repeat_purchase_rate"] > out.loc["ordinary", "repeat_purchase_rate"]


def test_profit_by_tenure_by_hand():
    from crm_lessons.loyalty import profit_by_tenure

    sales = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "b"],
            "order_date": pd.to_datetime(
                ["2020-01-05", "2024-02-01", "2021-07-01", "2022-01-01", "2022-12-31"]
            ),
            "revenue": [10.0, 40.0, 20.0, 5.0, 5.0],
            "profit": [1.0, 4.0, 2.0, 1.0, 1.0],
        }
    )
    out = profit_by_tenure(sales, max_years=3)
    assert out.index.tolist() == [0, 1, 3]  # a's 2024 is tenure 4, pooled into 3
    assert out["customer_years"].tolist() == [2, 1, 1]
    assert out.loc[0, "profit_per_customer"] == 1.5
    assert out.loc[1, "revenue_per_customer"] == 10.0
    with pytest.raises(ValueError, match="`max_years`"):
        profit_by_tenure(sales, max_years=0)


def test_customers_buy_more_as_they_stay(case):
    from crm_lessons import data
    from crm_lessons.loyalty import profit_by_tenure

    out = profit_by_tenure(data.load_sales())
    assert out.loc[3, "profit_per_customer"] > 1.5 * out.loc[0, "profit_per_customer"]


# --------------------------------------------------------------------------- issue 13 regressions


def test_recovery_loyalty_refuses_text_false_instead_of_counting_it_true():
    r = pd.DataFrame({"recovered": [True, False] * 3, "repurchased": ["false"] * 6})
    with pytest.raises(TypeError, match=r"`repurchases` column 'repurchased' must hold booleans.*'false'"):
        recovery_loyalty(r)


def test_recovery_loyalty_refuses_missing_flags_instead_of_counting_them_true():
    r = pd.DataFrame({"recovered": [True, None, False, False], "repurchased": [True, False, True, False]})
    with pytest.raises(ValueError, match=r"`repurchases` column 'recovered' has missing values"):
        recovery_loyalty(r)


def test_recovery_loyalty_accepts_zero_one():
    ints = recovery_loyalty(pd.DataFrame({"recovered": [1, 1, 0, 0], "repurchased": [1, 0, 0, 0]}))
    assert ints["repurchase_rate"].tolist() == [0.5, 0.0]


def test_loyalty_levels_refuses_answers_written_as_text():
    survey = pd.DataFrame(
        {
            "customer_id": ["a"],
            "survey_date": pd.to_datetime(["2024-04-01"]),
            "perceived_quality": ["5"],
            "brand_attention": [4],
            "overall_satisfaction": [5],
            "recommend": [9],
        }
    )
    orders = pd.DataFrame({"customer_id": ["a"], "order_date": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(TypeError, match="`survey` column 'perceived_quality' must hold numbers"):
        loyalty_levels(survey, orders)


def test_order_dates_written_as_text_are_refused():
    orders = pd.DataFrame({"customer_id": ["a"], "order_date": ["2024-01-01"]})
    with pytest.raises(TypeError, match=r"`orders` column 'order_date' must hold dates.*pd.to_datetime"):
        life_cycle_stages(orders, "2024-12-31")
