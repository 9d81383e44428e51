"""Tests of crm_lessons.cleaning.

Field rules, hostile records, the generator's truth, all-or-nothing loads.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from crm_lessons import cleaning
from crm_lessons.cleaning import clean_records, load_clean_records
from crm_lessons.database import NEW_CUSTOMERS, table_ddl
from crm_lessons.generator import (
    NEW_RECORDS_TRUE_PEOPLE,
    NEW_RECORDS_TRUTH,
    new_customer_records,
    new_records_truth,
)
from crm_lessons.schema import TABLES

# ------------------------------------------------------------------ field rules


@pytest.mark.parametrize(
    "typed,digits",
    [
        ("13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("(+86) 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("86-13800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits
        ("138.0013.8000", "13800138000"),
    ],
)
def test_phone_formats_normalise_to_eleven_digits(typed, digits):
    assert cleaning.normalise_phone(typed) == (digits, None)


@pytest.mark.parametrize(
    "typed", ["12345", "23800138000", "1380013800", "+1 415 555 0100", "138OO138000", "010-12345678"]
)
def test_bad_phones_are_reported(typed):
    value, problem = cleaning.normalise_phone(typed)
    assert value is None and "phone" in problem


@pytest.mark.parametrize(
    "typed,day",
    [
        ("2024-03-05", "2024-03-05"),
        ("2024/3/5", "2024-03-05"),
        ("2024.03.05", "2024-03-05"),
        ("20240305", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("05/03/2024", "2024-03-05"),  # day first
        ("2024-02-29", "2024-02-29"),  # a leap day exists
    ],
)
def test_date_formats(typed, day):
    assert cleaning.parse_date(typed) == (pd.Timestamp(day), None)


@pytest.mark.parametrize(
    "typed,fragment",
    [
        ("2023-02-30", "impossible date"),
        ("2023-02-29", "impossible date"),
        ("31/04/2024", "impossible date"),
        ("2024-13-01", "impossible date"),
        ("2025-01-01", "future date"),
        ("yesterday", "no known format"),
    ],
)
def test_bad_dates(typed, fragment):
    value, problem = cleaning.parse_date(typed)
    assert value is None and fragment in problem


def test_future_is_relative_to_as_of():
    assert cleaning.parse_date("2025-06-01", as_of="2025-12-31")[1] is None


@pytest.mark.parametrize(
    "typed,name,key",
    [
        ("  Wang   Fang ", "Wang Fang", "wang fang"),
        ("WANG FANG", "Wang Fang", "wang fang"),
        ("wang fang", "Wang Fang", "wang fang"),
        ("McDonald Li", "McDonald Li", "mcdonald li"),
        ("李  娜", "李娜", "李娜"),
        ("ZHĀNG WĚI", "Zhāng Wěi", "zhāng wěi"),
        ("", None, None),
        ("   ", None, None),
    ],
)
def test_names(typed, name, key):
    assert cleaning.normalise_name(typed) == (name, key)


def test_amounts_and_missing_markers():
    assert cleaning.parse_amount("n/a") == (None, None)
    assert cleaning.parse_amount("unknown") == (None, None)
    assert cleaning.parse_amount("¥5,000") == (5000.0, None)
    assert cleaning.parse_amount("-0.5")[1] == "negative amount '-0.5'"
    assert cleaning.parse_amount("inf")[1] == "amount 'inf' is not a number"


def test_categories_ignore_case_but_not_spelling_mistakes():
    kinds = TABLES["customers"].column("kind").categories
    assert cleaning.normalise_category("CONSUMER ", kinds) == ("consumer", None)
    assert cleaning.normalise_category("organization", kinds, cleaning.KIND_SYNONYMS) == (
        "organisation",
        None,
    )
    assert cleaning.normalise_category("retailer", kinds)[0] is None


# ------------------------------------------------------------------ hostile records


def _raw(rows):
    return pd.DataFrame(rows, columns=TABLES["new_records"].column_names)


HOSTILE = _raw(
    [
        (
            "R01",
            "Robert'); DROP TABLE customers;--",
            "13800000001",
            "bobby@tables.com",
            "consumer",
            "East",
            "2024-03-05",
            "1990",
            "5000",
        ),
        ("R02", "", "13800000002", "", "consumer", "East", "2024-03-05", "", ""),
        ("R03", "Zhāng Wěi", "13800000003", "", "consumer", "", "2023-02-30", "1985", "100"),
        ("R04", "Li Na", "13800000004", "", "consumer", "West", "2024-01-01", "1985", "-100"),
        ("R05", "李娜", "+86 138 0000 0005", "", "Consumer", "north", "2024年1月2日", "1980", "n/a"),
        ("R06", "   ", "", "", "", "", "", "", ""),
        ("R07", 'Chen "Tony" Hao; --', "13800000007", "", "organisation", "South", "2024-01-02", "", "1e3"),
        ("R08", "O'Brien", "13800000008", "", "consumer", "East", "2099-01-01", "2030", ""),
        ("R09", "李 娜", "138-0000-0005", "li@na.cn", "consumer", "North", "2024-01-02", "", "800"),
        ("R10", "Wang Wei", "138-0000-0005", "", "consumer", "North", "2024-01-02", "", ""),
        ("R11", "Li Na", "13800000004", "", "consumer", "West", "2024-01-01", "1985", "-100"),
    ]
)


@pytest.fixture(scope="module")
def hostile():
    return clean_records(HOSTILE)


def _status(result, rid):
    row = result.report.set_index("record_id").loc[rid]
    return row["status"], row["reason"]


def test_hostile_records_each_get_a_fate_and_a_reason(hostile):
    expected = {
        "R01": ("kept", ""),
        "R02": ("rejected", "missing name"),
        "R03": ("rejected", "impossible date '2023-02-30'"),
        "R04": ("rejected", "negative amount '-100'"),
        "R05": ("kept", ""),
        "R06": ("rejected", "missing name; missing phone; missing kind; missing join date"),
        "R07": ("kept", ""),
        "R08": ("rejected", "future date '2099-01-01'"),
        "R09": ("merged", "near duplicate of R05"),
        "R10": ("rejected", "already belongs to '李娜' (R05)"),
        "R11": ("merged", "exact duplicate of R04"),
    }
    for rid, (status, fragment) in expected.items():
        got_status, got_reason = _status(hostile, rid)
        assert got_status == status, rid
        assert fragment in got_reason, (rid, got_reason)
    assert "impossible birth year 2030" in _status(hostile, "R08")[1]  # every reason is listed


def test_nothing_silently_dropped(hostile):
    s = hostile.summary().set_index("status")["records"]
    assert s["kept"] + s["rejected"] + s["merged"] == s["rows in"] == len(HOSTILE)
    assert set(hostile.report["record_id"]) == set(HOSTILE["record_id"])


def test_merged_record_fills_gaps_of_the_survivor(hostile):
    row = hostile.clean.set_index("phone").loc["13800000005"]
    assert row["name"] == "李娜"
    assert row["kind"] == "consumer" and row["region"] == "North"
    assert row["email"] == "li@na.cn"  # only the duplicate had it
    assert row["expected_annual_purchase"] == 800.0  # R05 typed 'n/a' (missing): filled from R09
    assert row["source_records"] == "R05;R09"


def test_sql_metacharacters_are_stored_as_text(hostile):
    con = duckdb.connect()
    con.execute(table_ddl(TABLES["customers"]))
    con.execute(table_ddl(NEW_CUSTOMERS))
    result = load_clean_records(con, hostile.clean)
    assert result.committed and result.loaded == 3
    names = sorted(n for (n,) in con.execute("SELECT name FROM new_customers").fetchall())
    assert names == ['Chen "Tony" Hao; --', "Robert'); DROP TABLE customers;--", "李娜"]
    assert con.execute("SELECT count(*) FROM customers").fetchone() == (0,)  # still there


def test_raw_needs_unique_record_ids():
    with pytest.raises(ValueError, match="record_id"):
        clean_records(pd.concat([HOSTILE.iloc[:1], HOSTILE.iloc[:1]]))
    with pytest.raises(ValueError, match="lacks column"):
        clean_records(HOSTILE.drop(columns="phone"))


# ------------------------------------------------------------------ the generator's batch


@pytest.fixture(scope="module")
def batch():
    raw = new_customer_records()
    result = clean_records(raw)
    truth = new_records_truth().merge(result.report, on="record_id")
    return raw, result, truth


def test_balance_on_the_batch(batch):
    raw, result, _ = batch
    assert len(result.report) == len(raw) == result.rows_in
    assert len(result.clean) == (result.report["status"] == "kept").sum()


def test_duplicates_found_are_true_duplicates(batch):
    _, _, truth = batch
    person = truth.set_index("record_id")["person"]
    linked = truth[truth["kept_as"].notna()]
    assert (linked["kept_as"].map(person) == linked["person"]).all()
    kept = truth[truth["status"] == "kept"]
    assert kept["person"].is_unique  # no person kept twice: every duplicate was found


def test_every_person_with_a_valid_record_is_kept(batch):
    _, _, truth = batch
    kept_people = set(truth.loc[truth["status"] == "kept", "person"])
    rejected_only = set(truth["person"]) - kept_people
    # a person is lost only when every one of their records was invalid
    for p in rejected_only:
        assert (truth.loc[truth["person"] == p, "kept_as"].isna()).all()
    assert len(kept_people) + len(rejected_only) == NEW_RECORDS_TRUE_PEOPLE


@pytest.mark.parametrize(
    "issue",
    [
        "missing phone",
        "missing join date",
        "impossible date",
        "future date",
        "impossible birth year",
        "negative expected purchase",
    ],
)
def test_records_with_impossible_or_missing_required_values_never_reach_the_database(batch, issue):
    _, _, truth = batch
    rows = truth[truth["record_id"].isin(NEW_RECORDS_TRUTH[issue])]
    assert len(rows) == len(NEW_RECORDS_TRUTH[issue]) > 0
    assert rows["kept_as"].isna().all()
    assert set(rows["status"]) <= {"rejected", "merged"}


def test_fixable_records_are_kept(batch):
    raw, _, truth = batch
    for issue in ("non-numeric expected purchase", "missing email", "missing region"):
        rows = truth[truth["record_id"].isin(NEW_RECORDS_TRUTH[issue])]
        assert not rows["reason"].str.contains("amount|email|region").any(), issue
    # kind typed in capitals or with the US spelling is understood; 'retailer' is not
    kinds = raw.set_index("record_id").loc[list(NEW_RECORDS_TRUTH["kind not in the list"]), "kind"]
    status = truth.set_index("record_id")["status"]
    for rid, typed in kinds.items():
        if typed.strip().casefold() in ("consumer", "organization"):
            assert "kind" not in truth.set_index("record_id").loc[rid, "reason"]
        else:
            assert status[rid] == "rejected"


def test_clean_batch_loads_and_a_second_load_rolls_back(batch):
    _, result, _ = batch
    con = duckdb.connect()
    con.execute(table_ddl(NEW_CUSTOMERS))
    first = load_clean_records(con, result.clean)
    assert first.committed and first.loaded == len(result.clean)
    assert first.new_customer_ids[:2] == ["N00001", "N00002"]
    before = con.execute("SELECT * FROM new_customers ORDER BY new_customer_id").df()
    second = load_clean_records(con, result.clean)
    assert not second.committed and second.loaded == 0
    assert second.failed_record == result.clean["source_records"].iloc[0]
    assert "phone" in second.error or "Duplicate key" in second.error
    after = con.execute("SELECT * FROM new_customers ORDER BY new_customer_id").df()
    pd.testing.assert_frame_equal(before, after)


def test_one_bad_row_rolls_back_the_whole_batch(batch):
    _, result, _ = batch
    tampered = result.clean.copy()
    tampered.loc[5, "kind"] = "alien"  # slips past the cleaner, caught by the CHECK constraint
    con = duckdb.connect()
    con.execute(table_ddl(NEW_CUSTOMERS))
    outcome = load_clean_records(con, tampered)
    assert not outcome.committed
    assert outcome.failed_record == tampered.loc[5, "source_records"]
    assert "CHECK" in outcome.error
    assert con.execute("SELECT count(*) FROM new_customers").fetchone() == (0,)
    assert "rolled back" in str(outcome)
