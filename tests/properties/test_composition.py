"""Properties of crm_lessons.composition on spoiled input (issue 13)."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import composition as comp
from crm_lessons.toy import toy_customers, toy_sales

from .conftest import boolean_column, call, not_a_frame, spoiled, sweep

SALES, CUSTOMERS = toy_sales(), toy_customers()
LEADS = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "converted": [True, False, False]})


@given(st.data())
def test_counts_add_up_and_spoiled_customers(data):
    frame, column, how = data.draw(spoiled(CUSTOMERS, ["kind", "tier", "region", "internal", "customer_id"]))
    out = call(
        comp.composition,
        frame,
        "kind",
        names=["customers", "kind", "by"],
        must_refuse=column == "kind" and how in ("drop", "mixed_ids", "inf", "neg_inf", "float", "negative"),
    )
    if out is not None:
        assert out["customers"].sum() == frame["kind"].notna().sum()
    call(comp.cross_composition, frame, "kind", "tier", names=["customers", column, "rows", "columns"])
    call(
        comp.internal_external,
        frame,
        names=["customers", column],
        must_refuse=column == "internal" and how not in ("empty",),
    )
    call(comp.retail_format_table, frame, names=["customers", column])
    call(comp.composition_with_value, frame, SALES, "kind", names=["customers", column, "by"])


@given(st.data())
def test_internal_external_same_for_every_boolean_representation(data):
    again = CUSTOMERS.assign(internal=data.draw(boolean_column(CUSTOMERS["internal"])).to_numpy())
    pd.testing.assert_frame_equal(comp.internal_external(again), comp.internal_external(CUSTOMERS))


@given(st.data())
def test_status_quadrants_and_file_spoiled(data):
    frames = {"customers": CUSTOMERS, "sales": SALES}
    sweep(data, comp.customer_status, frames, "sales", ["customer_id", "order_date"], names=["as_of"])
    sweep(data, comp.customer_status, dict(frames, leads=LEADS), "leads", ["converted"])
    out, _, _ = sweep(
        data, comp.volume_loyalty, {"sales": SALES}, "sales", ["customer_id", "order_date", "revenue"]
    )
    if out is not None and len(out):
        call(comp.quadrant_summary, out, names=["quadrants"])
    sweep(
        data,
        comp.customer_file,
        frames,
        "sales",
        ["customer_id", "order_id", "order_date", "revenue", "profit"],
        extra=("C1",),
        names=["customer_id"],
    )


@given(not_a_frame())
def test_not_a_frame(bad):
    call(comp.composition, bad, "kind", names=["customers"], must_refuse=True)
    call(comp.customer_status, CUSTOMERS, bad, names=["sales"], must_refuse=True)
    call(comp.volume_loyalty, bad, names=["sales"], must_refuse=True)


@given(st.sampled_from([None, 3, "table", pd.DataFrame({"a": [1]})]))
def test_plots_refuse_other_frames(bad):
    call(comp.plot_composition, bad, "title", names=["table"], must_refuse=True)
    call(comp.plot_quadrants, bad, 1000.0, 0.5, names=["quadrants"], must_refuse=True)
