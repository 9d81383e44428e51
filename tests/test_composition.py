"""Tests of crm_lessons.composition: classifications, current vs potential, quadrants, customer file."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_lessons import composition
from crm_lessons.data import load_complaints, load_customers, load_leads, load_sales
from crm_lessons.schema import BUYING_MOTIVES, CUSTOMER_KINDS, RETAIL_FORMATS
from crm_lessons.toy import toy_customers, toy_sales


@pytest.fixture(scope="module")
def case():
    return {
        "customers": load_customers(),
        "sales": load_sales(),
        "leads": load_leads(),
        "complaints": load_complaints(),
    }


def test_composition_hand_computed():
    t = composition.composition(toy_customers(), "kind")
    assert t["customers"].tolist() == [2, 1, 1]
    assert t["share"].tolist() == pytest.approx([0.5, 0.25, 0.25])
    motive = composition.composition(toy_customers(), "buying_motive")
    assert motive.index.tolist() == list(BUYING_MOTIVES)  # empty classes listed too
    assert motive.loc["ethical", "customers"] == 0
    assert motive["share"].sum() == pytest.approx(1.0)


def test_composition_not_applicable_row():
    t = composition.composition(toy_customers(), "retail_format", dropna=False)
    assert t.loc["(not applicable)", "customers"] == 3
    assert t["customers"].sum() == 4


def test_cross_composition():
    t = composition.cross_composition(toy_customers(), "kind", "tier")
    assert t.loc["consumer"].tolist() == [1, 1]
    r = composition.cross_composition(toy_customers(), "kind", "tier", normalize=True)
    assert r.loc["consumer", "gold"] == pytest.approx(0.5)


def test_internal_external():
    t = composition.internal_external(toy_customers())
    assert t.loc["internal", "customers"] == 1
    assert t.loc["external", "customers"] == 3


def test_customer_status_hand_computed():
    leads = pd.DataFrame({"converted": [True, False, False]})
    t = composition.customer_status(toy_customers(), toy_sales(), leads, as_of="2024-12-31")
    assert t["count"].to_dict() == {
        "current: buying now": 2,
        "current: bought before": 2,
        "registered, never bought": 0,
        "potential: open lead": 2,
    }
    # as of August 2023, C1 (May 2023) and C3 (Jan 2023) buy now, C2 (July 2022) bought before
    t = composition.customer_status(toy_customers(), toy_sales(), as_of="2023-08-01")
    assert t.loc["current: buying now", "count"] == 2
    assert t.loc["current: bought before", "count"] == 1
    assert t.loc["registered, never bought", "count"] == 1  # C4 joined, has not bought yet


def test_volume_loyalty_hand_computed():
    q = composition.volume_loyalty(toy_sales(), volume_cut=5000, loyalty_cut=0.6)
    assert list(q.index) == ["C1", "C2", "C3"]  # C4 observed one year only
    assert q.loc["C2", "volume"] == pytest.approx(28000 / 3, abs=0.05)
    assert q.loc["C1", "loyalty"] == pytest.approx(2 / 3, abs=1e-3)
    assert q["quadrant"].astype(str).to_dict() == {
        "C1": "small & loyal",
        "C2": "large & loyal",
        "C3": "small & disloyal",
    }
    s = composition.quadrant_summary(q)
    assert s["customers"].sum() == 3
    assert s.loc["large & disloyal", "customers"] == 0


def test_volume_loyalty_default_cut_is_median():
    q = composition.volume_loyalty(toy_sales(), min_years=1)
    assert (q["volume"] >= q["volume"].median()).sum() == q["quadrant"].astype(str).str.startswith(
        "large"
    ).sum()


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"loyalty_cut": 1.5}, "loyalty_cut"),
        ({"loyalty_cut": 0}, "loyalty_cut"),
        ({"min_years": 0}, "min_years"),
        ({"volume_cut": -1.0}, "volume_cut"),
    ],
)
def test_volume_loyalty_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        composition.volume_loyalty(toy_sales(), **kwargs)


def test_bad_column_names_by():
    with pytest.raises(ValueError, match="`by`"):
        composition.composition(toy_customers(), "colour")
    with pytest.raises(ValueError, match="`columns`"):
        composition.cross_composition(toy_customers(), "kind", "colour")


def test_customer_file_toy():
    f = composition.customer_file("C2", toy_customers(), toy_sales(), as_of="2024-12-31")
    v = dict(zip(f["item"], f["value"]))
    assert v["retail format"] == "supermarket"
    assert v["revenue (CNY)"] == "28,000.00"
    assert v["orders"] == "2"
    assert v["first order"] == "2022-07-01"
    assert v["orders in last 12 months"] == "1"
    assert list(dict.fromkeys(f["section"])) == [
        "basic data",
        "characteristics",
        "business status",
        "trading status",
    ]
    with pytest.raises(ValueError, match="`customer_id`"):
        composition.customer_file("nobody", toy_customers(), toy_sales())


def test_case_data_every_kind_and_format_present(case):
    kinds = composition.composition(case["customers"], "kind")
    assert (kinds.loc[list(CUSTOMER_KINDS), "customers"] > 0).all()
    formats = composition.composition(case["customers"], "retail_format")
    assert (formats.loc[list(RETAIL_FORMATS), "customers"] > 0).all()
    # retail formats belong to intermediaries only
    assert formats["customers"].sum() == kinds.loc["intermediary", "customers"]


def test_case_data_status_counts_everyone(case):
    t = composition.customer_status(case["customers"], case["sales"], case["leads"])
    n = len(case["customers"]) + int((~case["leads"]["converted"]).sum())
    assert t["count"].sum() == n


def test_case_data_customer_file_matches_tables(case):
    cid = case["sales"]["customer_id"].iloc[0]
    f = composition.customer_file(cid, case["customers"], case["sales"], case["complaints"])
    v = dict(zip(f["item"], f["value"]))
    mine = case["sales"].loc[case["sales"]["customer_id"] == cid]
    assert v["revenue (CNY)"] == f"{mine['revenue'].sum():,.2f}"
    assert v["orders"] == str(mine["order_id"].nunique())
    assert v["complaints"] == str(int((case["complaints"]["customer_id"] == cid).sum()))


def test_customer_vs_shopper_has_seven_differences():
    t = composition.customer_vs_shopper()
    assert len(t) == 7 and list(t.columns) == ["shopper", "customer"]


def test_retail_format_table_case_data(case):
    t = composition.retail_format_table(case["customers"])
    assert t.index.tolist() == list(RETAIL_FORMATS)
    assert t.loc["convenience store", "floor area (m2)"] == "about 100"
    assert t["share"].sum() == pytest.approx(1.0)


def test_composition_with_value_hand_computed():
    t = composition.composition_with_value(toy_customers(), toy_sales(), "kind")
    assert t.loc["intermediary", "revenue_share"] == pytest.approx(28000 / 39100)
    assert t.loc["consumer", "profit_share"] == pytest.approx(1300 / 8800)
    assert t.loc["consumer", "profit_per_customer"] == pytest.approx(650.0)


def test_composition_with_value_case_data(case):
    t = composition.composition_with_value(case["customers"], case["sales"], "kind")
    assert t["profit_share"].sum() == pytest.approx(1.0)
    assert t["customers"].sum() == len(case["customers"])


# --------------------------------------------------------------------------- issue 13 regressions


def test_internal_flag_written_as_text_is_refused_not_counted_internal():
    customers = toy_customers().assign(internal=["false", "false", "false", "true"])
    with pytest.raises(TypeError, match=r"`customers` column 'internal' must hold booleans.*'false'"):
        composition.internal_external(customers)


def test_open_leads_refuse_a_missing_outcome():
    leads = pd.DataFrame({"converted": [True, None, False]})
    with pytest.raises(ValueError, match=r"`leads` column 'converted' has missing values"):
        composition.customer_status(toy_customers(), toy_sales(), leads, as_of="2024-12-31")


def test_group_labels_mixing_numbers_and_text_are_refused():
    customers = pd.DataFrame({"customer_id": ["a", "b"], "segment": [1, "1"]})
    with pytest.raises(TypeError, match=r"`customers` column 'segment' mixes value types"):
        composition.composition(customers, "segment")
