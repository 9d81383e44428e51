"""Properties of crm_lessons.cleaning on spoiled input (issue 13): every raw value gets a verdict."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import cleaning

from .conftest import call, not_a_frame, spoiled

RAW = pd.DataFrame(
    {
        "record_id": ["1", "2", "3", "4"],
        "name": ["Zhang San", "zhang san", "Li Si", ""],
        "phone": ["138-0013-8000", "13800138000", "139 0000 1111", None],
        "email": ["zs@example.com", "", "ls@example", None],
        "kind": ["consumer", "Consumer", "organisation", "x"],
        "region": ["north", "North", "East", None],
        "join_date": ["2024/03/05", "05.03.2024", "2024-02-30", "2099-01-01"],
        "birth_year": ["1985", "n/a", "1850", None],
        "expected_annual_purchase": ["5000", "NA", "-10", "1e400"],
    }
)

raw_values = st.one_of(
    st.none(),
    st.floats(allow_nan=True),
    st.integers(),
    st.text(max_size=20),
    st.booleans(),
    st.sampled_from([np.nan, pd.NaT, "", " ", "NaN", "1e400", "-0", "2024-13-45"]),
)


@given(raw_values)
def test_every_normaliser_gives_a_value_or_a_reason(value):
    for fn in (
        cleaning.normalise_phone,
        cleaning.normalise_name,
        cleaning.normalise_email,
        cleaning.parse_amount,
        cleaning.parse_date,
        cleaning.parse_birth_year,
    ):
        out = call(fn, value, names=["value"])
        if out is not None:
            cleaned, reason = out
            assert cleaned is None or reason is None or isinstance(reason, str)
    out = call(
        cleaning.normalise_category, value, ["consumer", "organisation"], names=["value", "categories"]
    )
    assert out is None or len(out) == 2


@given(st.data())
def test_clean_records_accounts_for_every_record(data):
    frame, column, how = data.draw(spoiled(RAW, list(RAW.columns)))
    result = call(
        cleaning.clean_records,
        frame,
        names=["raw", column, "record_id"],
        must_refuse=how == "drop" or (column == "record_id" and how in ("nan", "none")),
    )
    if result is not None:
        assert len(result.report) == len(frame)
        assert len(result.clean) <= len(frame)


@given(not_a_frame())
def test_not_a_frame(bad):
    call(cleaning.clean_records, bad, names=["raw"], must_refuse=True)


@given(st.sampled_from([None, 3, pd.DataFrame({"a": [1]})]))
def test_load_clean_records_refuses_other_frames(bad):
    import duckdb

    call(cleaning.load_clean_records, duckdb.connect(), bad, names=["clean"], must_refuse=True)
