"""Tests of crm_lessons.trading: start and stop of trading."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_lessons import trading
from crm_lessons.data import load_sales
from crm_lessons.schema import CRM_GO_LIVE
from crm_lessons.toy import toy_sales


def test_trading_years_hand_computed():
    t = trading.trading_years(toy_sales())
    assert t.loc["C1"].tolist() == [2022, 2023, 2]
    assert t.loc["C2"].tolist() == [2022, 2024, 2]
    assert t.loc["C4"].tolist() == [2024, 2024, 1]


def test_starts_and_stops_hand_computed():
    t = trading.starts_and_stops(toy_sales())
    assert t.loc[2022, ["active", "new", "retained", "reactivated", "lapsed"]].tolist() == [2, 2, 0, 0, 0]
    # 2023: C1 stays, C3 starts, C2 lapses; C1 and C3 never buy again
    assert t.loc[2023, ["active", "new", "retained", "reactivated", "lapsed"]].tolist() == [2, 1, 1, 0, 1]
    assert t.loc[2023, "stopped"] == 2
    # 2024: C2 comes back, C4 starts
    assert t.loc[2024, ["new", "reactivated"]].tolist() == [1, 1]
    assert pd.isna(t.loc[2024, "stopped"])  # cannot know yet
    assert t.loc[2023, "retention_rate"] == pytest.approx(0.5)


def test_missing_column_named():
    with pytest.raises(ValueError, match="`sales`"):
        trading.trading_years(toy_sales().drop(columns="order_date"))


def test_case_data_identities():
    t = trading.starts_and_stops(load_sales())
    assert (t["active"] == t["new"] + t["retained"] + t["reactivated"]).all()
    assert (t["active"].shift(1).iloc[1:] == (t["retained"] + t["lapsed"]).iloc[1:]).all()
    # every customer starts exactly once
    assert t["new"].sum() == load_sales()["customer_id"].nunique()


def test_case_data_retention_higher_after_go_live():
    t = trading.starts_and_stops(load_sales())
    go_live = pd.Timestamp(CRM_GO_LIVE).year
    before = t.loc[t.index < go_live, "retention_rate"].mean()
    after = t.loc[t.index >= go_live, "retention_rate"].mean()
    assert after > before + 0.03
