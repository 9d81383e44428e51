"""Tests of crm_lessons.generator: byte-identical regeneration of the committed files, argument
checks, and every pattern built into the case company recovered from the committed CSVs.

The pattern checks use plain pandas/numpy on purpose: they must not depend on the chapter
modules whose results they will later confirm.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_lessons import generator as G
from crm_lessons.schema import CRM_GO_LIVE, PILOT_END, PILOT_START, PRODUCT_ITEMS, SERVQUAL_ITEMS, TABLES

DATA = Path(__file__).resolve().parents[1] / "datasets" / "case_company"


# --------------------------------------------------------------------------- helpers


def _read(name: str) -> pd.DataFrame:
    table = TABLES[name]
    if table.raw:
        return pd.read_csv(DATA / table.file, dtype=str, keep_default_na=False)
    dates = [c.name for c in table.columns if c.dtype == "date"]
    text = {c.name: str for c in table.columns if c.dtype in ("str", "category")}
    frame = pd.read_csv(DATA / table.file, dtype=text, parse_dates=dates)
    for c in table.columns:
        if c.dtype == "bool":
            assert set(frame[c.name].unique()) <= {True, False}, f"{name}.{c.name} not true/false"
            frame[c.name] = frame[c.name].astype(bool)
    return frame


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    return {name: _read(name) for name in TABLES}


@pytest.fixture(scope="module")
def sales(t) -> pd.DataFrame:
    s = t["order_lines"].merge(t["orders"], on="order_id").merge(t["products"], on="product_id")
    s["revenue"] = s["quantity"] * s["unit_price"] * (1 - s["discount"])
    s["profit"] = s["revenue"] - s["quantity"] * s["unit_cost"]
    return s


def _cronbach_alpha(items: pd.DataFrame) -> float:
    x = items.to_numpy(dtype=float)
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def _yearly_activity(t) -> pd.DataFrame:
    o = t["orders"].assign(year=t["orders"]["order_date"].dt.year)
    return o[["customer_id", "year"]].drop_duplicates()


def _retention(t) -> pd.DataFrame:
    """Share of customers active in year t-1 who buy again in year t, by tier."""
    act = _yearly_activity(t)
    act["key"] = act["customer_id"] + act["year"].astype(str)
    nxt = act["customer_id"] + (act["year"] + 1).astype(str)
    act["retained"] = nxt.isin(set(act["key"]))
    act = act[act["year"] < act["year"].max()].merge(t["customers"][["customer_id", "tier"]])
    act["year"] += 1  # retention is reported for the year of the repeat purchase
    return act.groupby(["year", "tier"])["retained"].mean().unstack()


# --------------------------------------------------------------------------- determinism and API


def test_regenerating_default_data_gives_the_committed_files_byte_for_byte(tmp_path):
    paths = G.write_case_company(tmp_path)
    assert [p.name for p in paths] == [t.file for t in TABLES.values()]
    for p in paths:
        committed = DATA / p.name
        assert committed.exists(), f"{committed} is not committed"
        assert p.read_bytes() == committed.read_bytes(), f"{p.name} differs from the committed file"


def test_small_data_set_written_twice_is_identical(tmp_path):
    a = G.write_case_company(tmp_path / "a", seed=7, n_customers=300)
    b = G.write_case_company(tmp_path / "b", seed=7, n_customers=300)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    G.write_case_company(tmp_path / "c", seed=8, n_customers=300)
    assert (tmp_path / "a" / "orders.csv").read_bytes() != (tmp_path / "c" / "orders.csv").read_bytes()


#: Tables that follow a stream: its own table and the tables built from it (see G.STREAMS).
_FOLLOWS_STREAM = {
    "customers": {"customers", "orders", "order_lines", "inventory", "survey", "complaints", "pilot"},
    "orders": {"orders", "order_lines", "inventory", "survey", "complaints", "pilot"},
    "complaints": {"orders", "order_lines", "inventory", "survey", "complaints", "pilot"},
    "pilot": {"orders", "order_lines", "inventory", "pilot"},  # the pilot window is after the survey
    "order_lines": {"order_lines", "inventory", "pilot"},  # pilot spend sums the order lines
    "inventory": {"inventory"},
    "survey": {"survey"},
    "leads": {"leads"},
}


@pytest.fixture(scope="module")
def small_files(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("small")
    return {p.stem: p.read_bytes() for p in G.write_case_company(out, n_customers=300)}


def _changed_files(tmp_path, small_files) -> set[str]:
    files = {p.stem: p.read_bytes() for p in G.write_case_company(tmp_path, n_customers=300)}
    assert set(files) == set(small_files)
    return {name for name in files if files[name] != small_files[name]}


def _file_table(stem: str) -> str:
    return next(name for name, table in TABLES.items() if table.file == f"{stem}.csv")


def test_streams_are_spawned_in_the_documented_order():
    assert G.STREAMS == (
        "customers",
        "orders",
        "complaints",
        "pilot",
        "order_lines",
        "inventory",
        "survey",
        "leads",
    )
    assert set(G.STREAMS) | {"products", "new_records"} == set(
        TABLES
    )  # products and the raw batch draw nothing
    streams = G.table_streams(G.DEFAULT_SEED)
    assert list(streams) == list(G.STREAMS)
    for i, name in enumerate(G.STREAMS):
        # child i of the spawn does not depend on how many children were spawned: appending a
        # stream for a new table leaves the existing ones as they are
        alone = np.random.default_rng(np.random.SeedSequence(G.DEFAULT_SEED, spawn_key=(i,)))
        assert streams[name].integers(0, 2**62, 4).tolist() == alone.integers(0, 2**62, 4).tolist(), name
    first = [g.random() for g in G.table_streams(G.DEFAULT_SEED).values()]
    assert len(set(first)) == len(first)  # the streams differ


@pytest.mark.parametrize("stream", list(_FOLLOWS_STREAM))
def test_changing_one_stream_leaves_the_tables_not_built_from_it_byte_identical(
    stream, tmp_path, monkeypatch, small_files
):
    assert set(_FOLLOWS_STREAM) == set(G.STREAMS)
    spawn = G.table_streams

    def one_more_draw(seed):  # as if this one table's generation changed
        streams = spawn(seed)
        streams[stream].random()
        return streams

    monkeypatch.setattr(G, "table_streams", one_more_draw)
    changed = {_file_table(stem) for stem in _changed_files(tmp_path, small_files)}
    assert changed == _FOLLOWS_STREAM[stream]


def test_a_different_size_for_one_table_leaves_the_others_byte_identical(tmp_path, monkeypatch, small_files):
    monkeypatch.setattr(G, "_N_LEADS", 2000)
    monkeypatch.setattr(G, "_SURVEY_SIZE", 1000)
    assert {_file_table(stem) for stem in _changed_files(tmp_path, small_files)} == {"leads", "survey"}


def test_generated_frames_follow_the_schema():
    tables = G.generate_case_company(seed=3, n_customers=400)
    assert list(tables) == list(TABLES)
    for name, table in TABLES.items():
        assert list(tables[name].columns) == table.column_names, name
    assert len(tables["customers"]) == 400
    assert tables["orders"]["order_date"].dtype.kind == "M"
    assert tables["pilot"]["responded"].dtype == bool


def test_order_lines_grow_in_proportion_to_customers():
    small = G.generate_case_company(n_customers=1000)
    per_customer = len(small["order_lines"]) / 1000
    committed = len(_read("order_lines")) / 5000
    assert per_customer == pytest.approx(committed, rel=0.15)


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": "1"}, TypeError, "seed"),
        ({"n_customers": 10}, ValueError, "n_customers"),
        ({"n_customers": 5000.0}, TypeError, "n_customers"),
        ({"start_year": 2022}, ValueError, "start_year"),
        ({"end_year": 2023}, ValueError, "end_year"),
        ({"end_year": "2024"}, TypeError, "end_year"),
    ],
    ids=[
        "negative-seed",
        "float-seed",
        "text-seed",
        "too-few-customers",
        "float-customers",
        "start-after-go-live",
        "end-before-pilot",
        "text-year",
    ],
)
def test_bad_arguments_are_named(kwargs, error, argument):
    with pytest.raises(error, match=argument):
        G.generate_case_company(**kwargs)


def test_bad_output_folder_is_named():
    with pytest.raises(TypeError, match="out_dir"):
        G.write_case_company(42)


def test_longer_history_is_accepted():
    tables = G.generate_case_company(n_customers=300, start_year=2016, end_year=2025)
    years = tables["orders"]["order_date"].dt.year
    assert years.min() == 2016 and years.max() == 2025


# --------------------------------------------------------------------------- files and keys


def test_committed_sizes(t):
    assert len(t["customers"]) == 5000
    assert 100_000 <= len(t["order_lines"]) <= 200_000
    assert len(t["products"]) == 36
    assert len(t["survey"]) == 1500
    assert len(t["complaints"]) == 600
    assert len(t["leads"]) == 3000
    assert len(t["new_records"]) == 290
    total = sum(p.stat().st_size for p in DATA.glob("*.csv"))
    assert total < 30e6


def test_keys_are_unique_and_foreign_keys_hold(t):
    for name, table in TABLES.items():
        frame = t[name]
        assert list(frame.columns) == table.column_names, name
        assert not frame.duplicated(list(table.primary_key)).any(), f"{name}: duplicate key"
        for col, (parent, parent_col) in table.foreign_keys.items():
            missing = ~frame[col].isin(set(t[parent][parent_col]))
            assert not missing.any(), f"{name}.{col}: {frame.loc[missing, col].head().tolist()}"


def test_values_lie_in_their_schema_ranges(t):
    for name, table in TABLES.items():
        if table.raw:
            continue
        for c in table.columns:
            s = t[name][c.name]
            if not c.nullable:
                assert s.notna().all(), f"{name}.{c.name} has missing values"
            if c.categories:
                assert set(s.dropna().unique()) <= {str(v) for v in c.categories} | set(c.categories), c.name
            if c.min is not None:
                assert s.dropna().min() >= c.min, f"{name}.{c.name}"
            if c.max is not None:
                assert s.dropna().max() <= c.max, f"{name}.{c.name}"


def test_customers_file_is_ascii_and_names_look_right(t):
    (DATA / "customers.csv").read_bytes().decode("ascii")
    cu = t["customers"]
    consumers = cu.loc[cu["kind"] == "consumer", "name"]
    assert consumers.str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    assert cu.loc[cu["kind"] == "intermediary", "retail_format"].notna().all()
    assert cu.loc[cu["kind"] != "intermediary", "retail_format"].isna().all()
    assert cu.loc[cu["kind"] == "consumer", "buying_motive"].notna().all()
    assert cu.loc[cu["kind"] != "consumer", "buying_motive"].isna().all()


def test_orders_lie_in_the_history_and_after_joining(t):
    o = t["orders"].merge(t["customers"][["customer_id", "join_date"]])
    assert o["order_date"].min() >= pd.Timestamp("2018-01-01")
    assert o["order_date"].max() <= pd.Timestamp("2024-12-31")
    assert (o["order_date"] >= o["join_date"]).all()
    assert o["order_id"].is_monotonic_increasing and o["order_date"].is_monotonic_increasing
    assert t["customers"]["customer_id"].isin(set(o["customer_id"])).all()


# --------------------------------------------------------------------------- ABC, tiers, retention


def test_abc_profit_shares_match_the_textbook_split(sales, t):
    profit = sales.groupby("customer_id")["profit"].sum().reindex(t["customers"]["customer_id"], fill_value=0)
    ranked = profit.sort_values(ascending=False).to_numpy()
    n = len(ranked)
    a = ranked[: round(0.05 * n)].sum() / ranked.sum()
    b = ranked[round(0.05 * n) : round(0.20 * n)].sum() / ranked.sum()
    assert a == pytest.approx(G.TRUE_ABC_SHARES["A"], abs=0.04)
    assert b == pytest.approx(G.TRUE_ABC_SHARES["B"], abs=0.04)
    assert 1 - a - b == pytest.approx(G.TRUE_ABC_SHARES["C"], abs=0.04)
    # intermediaries and organisations dominate class A
    top = profit.sort_values(ascending=False).index[: round(0.05 * n)]
    kinds = t["customers"].set_index("customer_id").loc[top, "kind"]
    assert (kinds != "consumer").mean() > 0.6


def test_gold_share(t):
    assert (t["customers"]["tier"] == "gold").mean() == pytest.approx(G.GOLD_SHARE, abs=0.01)


def test_gold_customers_are_retained_better_every_year(t):
    r = _retention(t)
    assert (r["gold"] > r["ordinary"] + 0.1).all()


def test_retention_rises_after_the_crm_go_live(t):
    r = _retention(t)
    go_live = int(CRM_GO_LIVE[:4])
    for tier in ("ordinary", "gold"):
        before = r.loc[r.index < go_live, tier].mean()
        after = r.loc[r.index >= go_live, tier].mean()
        assert before == pytest.approx(G.TRUE_RETENTION[(tier, "before")], abs=0.04)
        assert after == pytest.approx(G.TRUE_RETENTION[(tier, "after")], abs=0.04)
        assert after - before > 0.05


def test_customers_start_and_stop_trading_every_year(t):
    act = _yearly_activity(t)
    first = act.groupby("customer_id")["year"].min()
    by_year = act.groupby("year")["customer_id"].apply(set)
    for year in range(2019, 2025):
        assert (first == year).sum() > 200, f"few new customers in {year}"
        assert len(by_year[year - 1] - by_year[year]) > 200, f"few customers stop in {year}"
    join_years = t["customers"]["join_date"].dt.year
    assert join_years.between(2018, 2024).mean() > 0.7


# --------------------------------------------------------------------------- products


def test_margins_differ_by_category_and_band(t):
    p = t["products"].assign(margin=lambda d: 1 - d["unit_cost"] / d["list_price"])
    m = p.groupby(["category", "price_band"])["margin"].mean().unstack()
    assert (m["premium"] > m["mid"]).all() and (m["mid"] > m["entry"]).all()
    by_cat = p.groupby("category")["margin"].mean()
    assert by_cat.idxmax() == "small appliance"
    assert by_cat.idxmin() == "television"
    assert len(p) >= 30 and p.groupby(["category", "price_band"]).size().min() >= 1


def test_discounts_are_mostly_zero_and_larger_for_intermediaries(sales, t):
    s = sales.merge(t["customers"][["customer_id", "kind"]])
    assert (s["discount"] == 0).mean() > 0.6
    nonzero = s.loc[s["discount"] > 0, "discount"]
    assert nonzero.between(0.05, 0.2).all()
    mean_by_kind = s.groupby("kind")["discount"].mean()
    assert mean_by_kind["intermediary"] > 2 * mean_by_kind["consumer"]


def test_known_pairs_sell_together(t):
    lines = t["order_lines"]
    n_orders = lines["order_id"].nunique()
    holds = {p: set(lines.loc[lines["product_id"] == p, "order_id"]) for p in lines["product_id"].unique()}
    for a, b in G.TRUE_PRODUCT_PAIRS:
        both = len(holds[a] & holds[b])
        lift = both * n_orders / (len(holds[a]) * len(holds[b]))
        assert lift > 3, (a, b, lift)
        assert both > 200
    # a pair not built in shows no such lift
    lift_other = len(holds["P001"] & holds["P019"]) * n_orders / (len(holds["P001"]) * len(holds["P019"]))
    assert lift_other < 2


def test_consumers_trade_up_over_time(sales, t):
    s = sales.merge(t["customers"][["customer_id", "kind"]])
    s = s[s["kind"] == "consumer"]
    first = s.groupby("customer_id")["order_date"].transform("min")
    years_in = (s["order_date"] - first).dt.days / 365.25
    entry_new = (s.loc[years_in < 1, "price_band"] == "entry").mean()
    entry_old = (s.loc[years_in >= 3, "price_band"] == "entry").mean()
    assert entry_new - entry_old > 0.05


# --------------------------------------------------------------------------- inventory


def test_inventory_balances_and_matches_order_lines(t, sales):
    inv = t["inventory"]
    assert (inv["opening_units"] + inv["received_units"] - inv["sold_units"] == inv["closing_units"]).all()
    assert (inv[["opening_units", "received_units", "sold_units", "closing_units"]] >= 0).all().all()
    # closing of one month is the opening of the next
    inv = inv.sort_values(["product_id", "month"])
    same = inv["product_id"].eq(inv["product_id"].shift())
    assert (inv["opening_units"][same] == inv["closing_units"].shift()[same]).all()
    sold = sales.assign(month=sales["order_date"].dt.to_period("M").dt.to_timestamp())
    sold = sold.groupby(["product_id", "month"])["quantity"].sum()
    inv_sold = inv.set_index(["product_id", "month"])["sold_units"]
    assert (inv_sold == sold.reindex(inv_sold.index, fill_value=0)).all()
    assert len(inv) == 36 * 84


def test_turnover_differs_by_category_as_built_in(t):
    inv = t["inventory"].merge(t["products"][["product_id", "category"]])
    inv["average"] = (inv["opening_units"] + inv["closing_units"]) / 2
    g = inv.groupby("category")[["sold_units", "average"]].sum()
    turnover = g["sold_units"] / g["average"]
    cover = pd.Series(G.TRUE_COVER_MONTHS)
    # the category holding the longest cover turns over slowest, the shortest cover fastest
    assert turnover.idxmin() == cover.idxmax()
    assert turnover.idxmax() == cover.idxmin()
    assert turnover.max() / turnover.min() > 2


# --------------------------------------------------------------------------- survey


def test_servqual_dimensions_are_reliable_except_the_weak_item(t):
    sv = t["survey"]
    for dim, items in SERVQUAL_ITEMS.items():
        alpha = _cronbach_alpha(sv[list(items)])
        if G.WEAK_SURVEY_ITEM in items:
            without = _cronbach_alpha(sv[[i for i in items if i != G.WEAK_SURVEY_ITEM]])
            assert without - alpha > 0.15
            assert 0.75 <= without <= 0.9
            # deleting any other item would lower alpha
            for other in items:
                if other != G.WEAK_SURVEY_ITEM:
                    assert _cronbach_alpha(sv[[i for i in items if i != other]]) < alpha
        else:
            assert 0.75 <= alpha <= 0.9, (dim, alpha)
    assert 0.75 <= _cronbach_alpha(sv[list(PRODUCT_ITEMS)]) <= 0.9


def test_satisfaction_weights_are_recovered_by_regression(t):
    sv = t["survey"]
    servqual = [i for items in SERVQUAL_ITEMS.values() for i in items]
    drivers = pd.DataFrame(
        {
            "company_image": sv["company_image"],
            "product": sv[list(PRODUCT_ITEMS)].mean(axis=1),
            "service": sv[servqual].mean(axis=1),
            "communication": sv["communication"],
            "customer_care": sv["customer_care"],
        }
    ).astype(float)
    z = (drivers - drivers.mean()) / drivers.std()
    y = sv["overall_satisfaction"].astype(float)
    y = (y - y.mean()) / y.std()
    x = np.column_stack([np.ones(len(z)), z.to_numpy()])
    beta = np.linalg.lstsq(x, y.to_numpy(), rcond=None)[0][1:]
    for name, b in zip(drivers.columns, beta):
        assert b == pytest.approx(G.TRUE_SATISFACTION_WEIGHTS[name], abs=0.05), name


def test_survey_outcomes_and_loyalty_items(t):
    sv = t["survey"]
    gap = np.sign(sv["perceived_quality"] - sv["expectation"]).value_counts()
    assert set(gap.index) == {-1, 0, 1} and gap.min() > 200
    assert sv["overall_satisfaction"].corr(sv["recommend"]) > 0.6
    assert sv["overall_satisfaction"].corr(sv["repurchase_intent"]) > 0.5
    assert sv["recommend"].between(0, 10).all() and sv["recommend"].nunique() >= 9
    signs = {"price_sensitivity": -1, "competitor_attitude": -1, "brand_attention": 1, "choosing_time": -1}
    for item, sign in signs.items():
        assert sign * sv[item].corr(sv["repurchase_intent"]) > 0.2, item
    respondents = sv.merge(t["customers"][["customer_id", "kind"]])
    assert (respondents["kind"] == "consumer").all() and sv["customer_id"].is_unique
    first = t["orders"].groupby("customer_id")["order_date"].min()
    assert (first.loc[sv["customer_id"]].to_numpy() < sv["survey_date"].to_numpy()).all()


def test_survey_dimension_levels_are_built_in_and_responsiveness_needs_work_first(t):
    sv = t["survey"]
    groups = {
        **SERVQUAL_ITEMS,
        "product": PRODUCT_ITEMS,
        "company_image": ("company_image",),
        "communication": ("communication",),
        "customer_care": ("customer_care",),
    }
    assert set(groups) == set(G.TRUE_DIMENSION_MEANS)
    means = pd.Series({name: sv[list(items)].to_numpy(dtype=float).mean() for name, items in groups.items()})
    for name, mean in means.items():
        assert mean == pytest.approx(G.TRUE_DIMENSION_MEANS[name], abs=0.1), name
    # the dimensions differ clearly: responsiveness is the weakest service dimension by far
    servqual = means[list(SERVQUAL_ITEMS)]
    assert servqual.idxmin() == "responsiveness"
    assert servqual.drop("responsiveness").min() - servqual["responsiveness"] > 0.3
    assert servqual.max() - servqual.min() > 0.7
    assert means.drop(list(SERVQUAL_ITEMS)).idxmin() == "customer_care"
    # importance-performance grid: responsiveness is important but performs poorly
    from crm_lessons.survey import importance_performance

    grid = importance_performance(sv, {name: list(items) for name, items in groups.items()})
    assert grid.loc["responsiveness", "quadrant"] == "concentrate here"
    assert grid.loc["responsiveness", "importance"] > grid["importance"].mean() + 0.02
    assert grid.loc["responsiveness", "performance"] == grid["performance"].min()
    assert grid.loc["customer_care", "quadrant"] == "concentrate here"
    assert grid.loc["product", "quadrant"] == "keep up the good work"
    assert set(grid.loc[["reliability", "assurance"], "quadrant"]) == {"possible overkill"}


def _orders_in_two_years_before_survey(t) -> pd.Series:
    sv = t["survey"]
    m = sv[["respondent_id", "customer_id", "survey_date"]].merge(t["orders"], on="customer_id")
    days = (m["survey_date"] - m["order_date"]).dt.days
    inside = m[(days >= 0) & (days < 730)]
    return (
        inside.groupby("respondent_id").size().reindex(sv["respondent_id"], fill_value=0).set_axis(sv.index)
    )


def test_survey_attitudes_follow_the_respondents_real_orders_moderately(t):
    # attitude and behaviour are related, but far from perfectly (README: r = 0.42 for
    # repurchase intent against the orders of the two years before the survey)
    sv = t["survey"]
    n_orders = _orders_in_two_years_before_survey(t)
    assert sv["repurchase_intent"].corr(n_orders) == pytest.approx(0.42, abs=0.01)
    assert 0.3 <= sv["repurchase_intent"].corr(n_orders) <= 0.5
    for item in ["overall_satisfaction", "recommend", "perceived_quality", "brand_attention"]:
        assert 0.15 < sv[item].corr(n_orders) < 0.45, item
    for item in ["price_sensitivity", "competitor_attitude"]:
        assert -0.45 < sv[item].corr(n_orders) < -0.15, item
    # the orders of 2023-2024 tell the same story
    recent = t["orders"][t["orders"]["order_date"].dt.year >= 2023]["customer_id"].value_counts()
    assert sv["repurchase_intent"].corr(sv["customer_id"].map(recent).fillna(0)) == pytest.approx(
        0.38, abs=0.01
    )
    # repeat buyers (two or more orders) like the brand far more often: satisfied and a promoter
    likes = (sv["overall_satisfaction"] >= 4) & (sv["recommend"] >= 9)
    share = likes.groupby(n_orders >= 2).mean()
    assert share[True] == pytest.approx(0.301, abs=0.001)
    assert share[False] == pytest.approx(0.096, abs=0.001)
    # gold members, who buy more, state a higher wish to repurchase
    tier = sv["customer_id"].map(t["customers"].set_index("customer_id")["tier"])
    by_tier = sv["repurchase_intent"].groupby(tier).mean()
    assert by_tier["gold"] - by_tier["ordinary"] > 0.3


# --------------------------------------------------------------------------- complaints, pilot, leads


def test_recovered_complaints_are_followed_by_more_repurchase(t):
    cp = t["complaints"]
    assert cp["recovered"].mean() == pytest.approx(G.TRUE_RECOVERY_RATE, abs=0.01)
    assert cp["customer_id"].is_unique
    m = cp.merge(t["orders"][["customer_id", "order_date"]], on="customer_id")
    within = (m["order_date"] > m["complaint_date"]) & (
        m["order_date"] <= m["complaint_date"] + pd.Timedelta(days=365)
    )
    cp = cp.assign(repurchased=cp["complaint_id"].isin(set(m.loc[within, "complaint_id"])))
    rate = cp.groupby("recovered")["repurchased"].mean()
    assert rate[True] - rate[False] > 0.3
    assert cp["complaint_date"].max() <= pd.Timestamp("2023-12-31")
    assert cp.groupby("recovered")["resolution_days"].mean().pipe(lambda d: d[True] < d[False])


def test_pilot_outcomes_come_from_the_order_lines(t, sales):
    pl = t["pilot"]
    window = sales[(sales["order_date"] >= PILOT_START) & (sales["order_date"] <= PILOT_END)]
    spend = window.groupby("customer_id")["revenue"].sum().reindex(pl["customer_id"], fill_value=0)
    assert np.allclose(pl["spend"].to_numpy(), spend.to_numpy(), atol=0.01)
    assert (pl["responded"].to_numpy() == (spend.to_numpy() > 0)).all()
    h1 = t["orders"][
        (t["orders"]["order_date"] >= "2024-01-01") & (t["orders"]["order_date"] <= "2024-06-30")
    ]
    assert pl["customer_id"].isin(set(h1["customer_id"])).all()
    counts = pl["group"].value_counts()
    assert abs(counts["treatment"] - counts["control"]) <= 1 and len(pl) > 1500


def test_pilot_uplift_is_real_and_modest(t):
    rate = t["pilot"].groupby("group")["responded"].mean()
    assert rate["control"] == pytest.approx(G.TRUE_PILOT_RESPONSE["control"], abs=0.005)
    assert rate["treatment"] == pytest.approx(G.TRUE_PILOT_RESPONSE["treatment"], abs=0.005)
    assert rate["treatment"] - rate["control"] == pytest.approx(G.TRUE_PILOT_UPLIFT, abs=0.01)


def test_lead_conversion_follows_the_known_logistic_model(t):
    ld = t["leads"]
    x = pd.DataFrame(
        {
            "source[referral]": ld["source"] == "referral",
            "source[trade fair]": ld["source"] == "trade fair",
            "source[website]": ld["source"] == "website",
            "kind[intermediary]": ld["kind"] == "intermediary",
            "kind[organisation]": ld["kind"] == "organisation",
            "requested_quote": ld["requested_quote"],
            "website_visits": ld["website_visits"],
        }
    ).astype(float)
    # maximum likelihood by Newton-Raphson (iteratively reweighted least squares)
    design = np.column_stack([np.ones(len(x)), x.to_numpy()])
    y = ld["converted"].to_numpy(dtype=float)
    beta = np.zeros(design.shape[1])
    for _ in range(25):
        p = 1 / (1 + np.exp(-design @ beta))
        step = np.linalg.solve(design.T @ (design * (p * (1 - p))[:, None]), design.T @ (y - p))
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    estimates = dict(zip(["intercept", *x.columns], beta))
    for name, true in G.TRUE_LEAD_COEFFICIENTS.items():
        tolerance = 0.05 if name == "website_visits" else 0.45
        assert estimates[name] == pytest.approx(true, abs=tolerance), name
    assert ld.loc[ld["kind"] == "consumer", "employees"].isna().all()
    assert ld.loc[ld["kind"] != "consumer", "employees"].notna().all()


# --------------------------------------------------------------------------- the raw batch


def test_raw_batch_truth(t):
    raw = t["new_records"]
    truth = G.new_records_truth()
    assert (raw["record_id"] == truth["record_id"]).all()
    assert truth["person"].nunique() == G.NEW_RECORDS_TRUE_PEOPLE
    issues = G.NEW_RECORDS_TRUTH
    by_id = raw.set_index("record_id")
    for rid in issues["exact duplicate"]:
        row = by_id.loc[rid]
        same = (by_id.drop(index=rid) == row).all(axis=1)
        assert same.any(), rid
    formats = ("%Y-%m-%d", "%d/%m/%Y", "%Y年%m月%d日", "%Y%m%d")

    def parses(text):
        return any(pd.notna(pd.to_datetime(text, format=f, errors="coerce")) for f in formats)

    for rid in issues["impossible date"]:
        assert not parses(by_id.loc[rid, "join_date"]), rid
    clean = truth.loc[truth["issues"] == "", "record_id"]
    assert by_id.loc[clean, "join_date"].map(parses).all()
    for rid in issues["future date"]:
        assert pd.Timestamp(by_id.loc[rid, "join_date"]) > pd.Timestamp("2025-01-01")
    for rid in issues["missing phone"]:
        assert by_id.loc[rid, "phone"] == ""
    assert (
        by_id.loc[list(issues["impossible birth year"]), "birth_year"]
        .astype(int)
        .isin([1890, 1899, 2030])
        .all()
    )
    names = set(raw["name"])
    assert "Robert'); DROP TABLE customers;--" in names and "Sean O'Brien" in names
    assert any(not n.isascii() for n in names)
    # phones in several formats, and the four date formats
    assert raw["phone"].str.startswith("+86").any() and raw["phone"].str.contains("-").any()
    assert raw["join_date"].str.contains("年").any() and raw["join_date"].str.fullmatch(r"\d{8}").any()
    assert raw["join_date"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").any()


def test_raw_batch_does_not_depend_on_the_seed():
    a = G.generate_case_company(seed=1, n_customers=300)["new_records"]
    assert a.equals(G.new_customer_records())
