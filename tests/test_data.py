"""Tests of crm_lessons.data: typed loading, one clear error per kind of bad input, sales, CDNOW."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_lessons import data
from crm_lessons.data import DataFileError, build_sales, load_case_company, load_cdnow
from crm_lessons.schema import HISTORY_END, HISTORY_START, TABLES

# --------------------------------------------------------------------------- a tiny valid dataset

TINY = {
    "customers": [
        [
            "C00001",
            "Li Wei",
            "consumer",
            "",
            "North",
            "online",
            "2018-03-05",
            "gold",
            "A",
            "economic",
            "false",
        ],
        [
            "C00002",
            "Dongfang Mall, Ltd.",
            "intermediary",
            "department store",
            "East",
            "distributor",
            "2019-11-30",
            "ordinary",
            "B",
            "",
            "false",
        ],
        [
            "C00003",
            "Huamei staff canteen",
            "organisation",
            "",
            "South",
            "sales rep",
            "2021-01-01",
            "ordinary",
            "C",
            "",
            "true",
        ],
    ],
    "products": [
        ["P001", "Frost 300 fridge", "refrigerator", "premium", "2100.00", "3999.00"],
        ["P002", "Breeze kettle", "small appliance", "entry", "45.50", "99.00"],
    ],
    "orders": [
        ["O0000001", "C00001", "2023-01-15"],
        ["O0000002", "C00002", "2024-02-29"],
    ],
    "order_lines": [
        ["O0000001", "1", "P001", "1", "3999.00", "0.05"],
        ["O0000001", "2", "P002", "2", "99.00", "0"],
        ["O0000002", "1", "P002", "10", "90.00", "0.1"],
    ],
    "inventory": [
        ["P001", "2023-01-01", "10", "5", "1", "14"],
        ["P002", "2023-01-01", "50", "0", "2", "48"],
    ],
    "survey": [
        [
            "S0001",
            "C00001",
            "2024-05-02",
            "online",
            "female",
            "30-39",
            "15-30k",
            "1-2",
            "online",
            "2",
            "3",
            "4",
            "3",
        ]  # price_sensitivity .. choosing_time
        + ["4"] * 22  # SERVQUAL, product and driver items
        + ["4", "3", "4", "9", "5"],  # expectation, perceived_quality, overall, recommend, repurchase
    ],
    "complaints": [
        ["K00001", "C00001", "2023-02-01", "delivery", "hotline", "3", "true"],
    ],
    "pilot": [
        ["C00001", "treatment", "true", "1234.5"],
        ["C00002", "control", "false", "0"],
    ],
    "leads": [
        ["L00001", "organisation", "West", "trade fair", "2023-06-01", "120", "4", "true", "false"],
        ["L00002", "consumer", "Central", "website", "2024-01-09", "", "0", "false", "true"],
    ],
    "new_records": [
        [
            "1",
            "Zhang San",
            "138-0013-8000",
            "zs@example.com",
            "consumer",
            "north",
            "2024/03/05",
            "1985",
            "5000",
        ],
        ["2", "zhang san", "13800138000", "", "Consumer", "North", "05.03.2024", "n/a", "NA"],
        ["3", "", "", "", "", "", "2024-02-30", "1850", "-10"],
    ],
}


def _write(folder: Path, name: str, rows, header=None) -> Path:
    path = folder / "case_company" / TABLES[name].file
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header or TABLES[name].column_names)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A folder with every case-company table, a few valid rows each."""
    (tmp_path / "case_company").mkdir()
    for name, rows in TINY.items():
        assert len(rows[0]) == len(TABLES[name].columns), name
        _write(tmp_path, name, rows)
    return tmp_path


def _mutate(folder: Path, name: str, row: int, column: str, value: str) -> None:
    """Set one cell (row counted from 0 in TINY, i.e. file line row + 2)."""
    rows = [list(r) for r in TINY[name]]
    rows[row][TABLES[name].column_names.index(column)] = value
    _write(folder, name, rows)


def _error(loader, folder) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        loader(folder)
    err = info.value
    # never a chained pandas traceback
    assert err.__cause__ is None
    assert err.__suppress_context__ or err.__context__ is None
    return err


# --------------------------------------------------------------------------- types


def _assert_schema_types(frames: dict) -> None:
    assert list(frames) == list(TABLES)
    for name, table in TABLES.items():
        frame = frames[name]
        assert list(frame.columns) == table.column_names, name
        assert isinstance(frame.index, pd.RangeIndex), name
        for col in table.columns:
            series = frame[col.name]
            where = f"{name}.{col.name}"
            if col.dtype == "date":
                assert series.dtype == "datetime64[ns]", where
            elif col.dtype == "category":
                assert isinstance(series.dtype, pd.CategoricalDtype), where
                assert list(series.cat.categories) == list(col.categories), where
                assert series.cat.ordered == col.ordered, where
            elif col.dtype == "bool":
                assert series.dtype == bool, where
            elif col.dtype == "int":
                assert series.dtype == ("Int64" if col.nullable else "int64"), where
            elif col.dtype == "float":
                assert series.dtype == "float64", where
            else:
                assert pd.api.types.is_string_dtype(series.dtype), where
            if not col.nullable:
                assert series.notna().all(), where
            if col.min is not None:
                assert (series.dropna() >= col.min).all(), where
            if col.max is not None:
                assert (series.dropna() <= col.max).all(), where


def test_tiny_dataset_loads_with_schema_types(tiny):
    frames = load_case_company(tiny)
    _assert_schema_types(frames)
    for name in TABLES:
        assert len(frames[name]) == len(TINY[name]), name


def test_tiny_dataset_values(tiny):
    customers = data.load_customers(tiny)
    assert customers["join_date"].tolist() == list(pd.to_datetime(["2018-03-05", "2019-11-30", "2021-01-01"]))
    assert customers["internal"].tolist() == [False, False, True]
    assert customers["name"].iloc[1] == "Dongfang Mall, Ltd."  # quoted comma survives
    assert customers["retail_format"].isna().tolist() == [True, False, True]
    assert (customers["tier"] > "ordinary").tolist() == [True, False, False]  # ordered: gold > ordinary
    lines = data.load_order_lines(tiny)
    assert lines["quantity"].tolist() == [1, 2, 10]
    assert lines["discount"].tolist() == [0.05, 0.0, 0.1]
    leads = data.load_leads(tiny)
    assert leads["employees"].iloc[0] == 120 and leads["employees"].isna().iloc[1]
    orders = data.load_orders(tiny)
    assert orders["order_date"].iloc[1] == pd.Timestamp("2024-02-29")  # a leap day is a real date


def test_raw_new_records_stay_text(tiny):
    raw = data.load_new_records(tiny)
    assert all(pd.api.types.is_string_dtype(raw[c].dtype) for c in raw.columns)
    assert raw["birth_year"].tolist()[:2] == ["1985", "n/a"]  # "n/a" is text, not missing
    assert raw["expected_annual_purchase"].iloc[1] == "NA"
    assert raw["join_date"].tolist() == ["2024/03/05", "05.03.2024", "2024-02-30"]  # impossible date kept
    assert raw["name"].isna().tolist() == [False, False, True]  # empty cell is missing
    assert raw["email"].isna().tolist() == [False, True, True]


def test_columns_in_another_order_are_accepted(tiny):
    header = TABLES["orders"].column_names[::-1]
    _write(tiny, "orders", [row[::-1] for row in TINY["orders"]], header=header)
    orders = data.load_orders(tiny)
    assert list(orders.columns) == TABLES["orders"].column_names
    assert orders["order_id"].tolist() == ["O0000001", "O0000002"]


def test_byte_order_mark_and_crlf_are_accepted(tiny):
    path = tiny / "case_company" / "orders.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    orders = data.load_orders(tiny)
    assert list(orders.columns) == ["order_id", "customer_id", "order_date"]
    assert orders["order_date"].iloc[0] == pd.Timestamp("2023-01-15")


def test_trailing_blank_lines_are_ignored(tiny):
    path = tiny / "case_company" / "products.csv"
    path.write_text(path.read_text() + "\n\n")
    assert len(data.load_products(tiny)) == 2


# --------------------------------------------------------------------------- one error per kind


def test_error_is_a_value_error():
    assert issubclass(DataFileError, ValueError)


def test_missing_file(tiny):
    (tiny / "case_company" / "orders.csv").unlink()
    err = _error(data.load_orders, tiny)
    assert "orders.csv" in str(err) and "not there" in str(err)
    assert "How to fix" in str(err)


def test_missing_folder(tmp_path):
    err = _error(data.load_customers, tmp_path / "nowhere")
    assert "customers.csv" in str(err) and "does not exist" in str(err) and "data_dir=" in str(err)


def test_missing_column(tiny):
    header = [c for c in TABLES["customers"].column_names if c != "tier"]
    rows = [
        [v for c, v in zip(TABLES["customers"].column_names, r) if c != "tier"] for r in TINY["customers"]
    ]
    _write(tiny, "customers", rows, header=header)
    err = _error(data.load_customers, tiny)
    message = str(err)
    assert "customers.csv" in message and "missing column(s) 'tier'" in message and "line 1" in message
    assert err.column == "tier" and err.lines == [1]


def test_unexpected_column(tiny):
    header = TABLES["orders"].column_names + ["note"]
    _write(tiny, "orders", [r + ["rush"] for r in TINY["orders"]], header=header)
    err = _error(data.load_orders, tiny)
    assert "orders.csv" in str(err) and "unexpected column(s) 'note'" in str(err)
    assert err.column == "note"


def test_renamed_column_names_both(tiny):
    header = ["order_id", "customer", "order_date"]
    _write(tiny, "orders", TINY["orders"], header=header)
    message = str(_error(data.load_orders, tiny))
    assert "missing column(s) 'customer_id'" in message and "unexpected column(s) 'customer'" in message
    assert "order_id,customer_id,order_date" in message  # says what the header must be


def test_duplicated_column_name(tiny):
    _write(
        tiny,
        "orders",
        [r + [r[2]] for r in TINY["orders"]],
        header=TABLES["orders"].column_names + ["order_date"],
    )
    err = _error(data.load_orders, tiny)
    assert "more than once" in str(err) and err.column == "order_date"


def test_wrong_type_int(tiny):
    _mutate(tiny, "order_lines", 2, "quantity", "ten")
    err = _error(data.load_order_lines, tiny)
    message = str(err)
    assert "order_lines.csv" in message and "'quantity'" in message
    assert "line 4: 'ten'" in message and "whole number" in message
    assert err.column == "quantity" and err.lines == [4] and err.values == ["ten"]


def test_fraction_in_int_column(tiny):
    _mutate(tiny, "order_lines", 0, "quantity", "1.5")
    err = _error(data.load_order_lines, tiny)
    assert err.lines == [2] and err.values == ["1.5"]


def test_wrong_type_float(tiny):
    _mutate(tiny, "products", 1, "list_price", "99,00")  # decimal comma: csv quotes it
    err = _error(data.load_products, tiny)
    assert "products.csv" in str(err) and "'list_price'" in str(err) and "line 3: '99,00'" in str(err)


def test_bad_date(tiny):
    _mutate(tiny, "orders", 1, "order_date", "2023-02-30")
    err = _error(data.load_orders, tiny)
    message = str(err)
    assert "orders.csv" in message and "'order_date'" in message
    assert "line 3: '2023-02-30'" in message and "YYYY-MM-DD" in message
    assert err.lines == [3] and err.values == ["2023-02-30"]


def test_date_in_another_format(tiny):
    _mutate(tiny, "complaints", 0, "complaint_date", "01/02/2023")
    err = _error(data.load_complaints, tiny)
    assert err.column == "complaint_date" and err.values == ["01/02/2023"]


def test_category_outside_list(tiny):
    _mutate(tiny, "customers", 2, "region", "Northeast")
    err = _error(data.load_customers, tiny)
    message = str(err)
    assert "customers.csv" in message and "'region'" in message and "line 4: 'Northeast'" in message
    assert "'North', 'East', 'South', 'Central', 'West'" in message  # the allowed list


def test_category_in_wrong_case(tiny):
    _mutate(tiny, "pilot", 0, "group", "Treatment")
    err = _error(data.load_pilot, tiny)
    assert err.column == "group" and err.lines == [2] and err.values == ["Treatment"]


def test_bad_bool(tiny):
    _mutate(tiny, "complaints", 0, "recovered", "yes")
    err = _error(data.load_complaints, tiny)
    assert "'recovered'" in str(err) and "line 2: 'yes'" in str(err) and "true or false" in str(err)


def test_value_above_max(tiny):
    _mutate(tiny, "order_lines", 1, "discount", "0.95")
    err = _error(data.load_order_lines, tiny)
    message = str(err)
    assert "'discount'" in message and "line 3: '0.95'" in message and "between 0 and 0.9" in message


def test_value_below_min(tiny):
    _mutate(tiny, "survey", 0, "tangibles_2", "0")
    err = _error(data.load_survey, tiny)
    assert "survey.csv" in str(err) and err.column == "tangibles_2" and err.values == ["0"]
    assert "between 1 and 5" in str(err)


def test_negative_price(tiny):
    _mutate(tiny, "products", 0, "unit_cost", "-1")
    err = _error(data.load_products, tiny)
    assert err.column == "unit_cost" and "at least 0" in str(err)


def test_null_where_not_nullable(tiny):
    _mutate(tiny, "customers", 1, "region", "")
    err = _error(data.load_customers, tiny)
    message = str(err)
    assert "customers.csv" in message and "'region'" in message and "line 3: (empty)" in message
    assert err.values == [None]


def test_null_where_nullable_is_fine(tiny):
    _mutate(tiny, "customers", 0, "buying_motive", "")
    assert data.load_customers(tiny)["buying_motive"].isna().iloc[0]


def test_duplicate_primary_key(tiny):
    rows = [list(r) for r in TINY["customers"]]
    rows[2][0] = "C00001"
    _write(tiny, "customers", rows)
    err = _error(data.load_customers, tiny)
    message = str(err)
    assert "customers.csv" in message and "'customer_id'" in message
    assert "line 2: 'C00001'; line 4: 'C00001'" in message
    assert err.lines == [2, 4]


def test_duplicate_composite_key(tiny):
    _mutate(tiny, "order_lines", 1, "line_no", "1")
    err = _error(data.load_order_lines, tiny)
    assert err.column == "order_id, line_no" and err.lines == [2, 3]
    assert "('O0000001', 1)" in str(err)


def test_duplicate_record_id_in_raw_batch(tiny):
    _mutate(tiny, "new_records", 2, "record_id", "1")
    err = _error(data.load_new_records, tiny)
    assert "new_customer_records_raw.csv" in str(err) and err.lines == [2, 4]


def test_foreign_key_points_nowhere(tiny):
    _mutate(tiny, "orders", 1, "customer_id", "C09999")
    assert len(data.load_orders(tiny)) == 2  # a single table cannot know
    err = _error(load_case_company, tiny)
    message = str(err)
    assert "orders.csv" in message and "'customer_id'" in message and "line 3: 'C09999'" in message
    assert "customers.csv" in message


def test_foreign_key_of_order_lines(tiny):
    _mutate(tiny, "order_lines", 2, "product_id", "P404")
    err = _error(load_case_company, tiny)
    assert "order_lines.csv" in str(err) and err.column == "product_id" and err.lines == [4]


def test_at_most_five_lines_quoted(tiny):
    rows = [[f"O{i:07d}", "C00001", "2023-13-01"] for i in range(1, 8)]
    _write(tiny, "orders", rows)
    err = _error(data.load_orders, tiny)
    message = str(err)
    assert "7 values" in message and "first 5 shown" in message
    assert err.lines == [2, 3, 4, 5, 6] and "line 7:" not in message


def test_ragged_row_too_many_fields(tiny):
    path = tiny / "case_company" / "orders.csv"
    path.write_text(
        "order_id,customer_id,order_date\nO0000001,C00001,2023-01-15\nO0000002,C00002,2024-02-29,x\n"
    )
    err = _error(data.load_orders, tiny)
    assert "orders.csv" in str(err) and "line 3: 4 fields" in str(err) and err.lines == [3]


def test_ragged_row_too_few_fields(tiny):
    path = tiny / "case_company" / "orders.csv"
    path.write_text("order_id,customer_id,order_date\nO0000001,C00001\nO0000002,C00002,2024-02-29\n")
    err = _error(data.load_orders, tiny)
    assert "line 2: 2 fields" in str(err) and err.lines == [2]


def test_blank_line_inside(tiny):
    path = tiny / "case_company" / "orders.csv"
    path.write_text(
        "order_id,customer_id,order_date\nO0000001,C00001,2023-01-15\n\nO0000002,C00002,2024-02-29\n"
    )
    err = _error(data.load_orders, tiny)
    assert "line 3: empty line" in str(err)


def test_ragged_row_with_quotes(tiny):
    path = tiny / "case_company" / "products.csv"
    path.write_text(
        "product_id,product_name,category,price_band,unit_cost,list_price\n"
        'P001,"Frost, 300",refrigerator,premium,2100\n'
    )
    err = _error(data.load_products, tiny)
    assert "line 2: 5 fields" in str(err)


def test_line_numbers_count_multiline_quoted_cells(tiny):
    rows = [list(r) for r in TINY["customers"]]
    rows[0][1] = "Li\nWei"  # a cell spanning two lines pushes later rows down
    rows[2][6] = "2021-02-30"
    _write(tiny, "customers", rows)
    err = _error(data.load_customers, tiny)
    assert err.lines == [5] and err.values == ["2021-02-30"]


def test_binary_junk(tiny):
    (tiny / "case_company" / "products.csv").write_bytes(b"PK\x03\x04\x00\x00junk\xff\xfe")
    err = _error(data.load_products, tiny)
    assert "products.csv" in str(err) and "not a text file" in str(err)


def test_not_utf8(tiny):
    path = tiny / "case_company" / "customers.csv"
    path.write_bytes(path.read_bytes().replace(b"Li Wei", "李伟".encode("gbk")))
    err = _error(data.load_customers, tiny)
    assert "customers.csv" in str(err) and "line 2 is not UTF-8" in str(err)


def test_empty_file(tiny):
    (tiny / "case_company" / "pilot.csv").write_text("")
    err = _error(data.load_pilot, tiny)
    assert "pilot.csv" in str(err) and "empty" in str(err) and "customer_id,group,responded,spend" in str(err)


def test_corrupted_bytes_give_a_frame_or_one_data_file_error(tiny):
    # Random byte-level damage (seeded): the loader returns a frame or raises DataFileError, nothing else.
    rng = np.random.default_rng(2)
    junk = [b",", b'"', b"\n", b"\r", b"\x00", b"\xff", b" ", b"x", b"1", b"\n\n", b'""']
    names = ["customers", "order_lines", "leads", "new_records"]
    originals = {name: (tiny / "case_company" / TABLES[name].file).read_bytes() for name in names}
    for trial in range(120):
        name = names[trial % len(names)]
        damaged = bytearray(originals[name])
        for _ in range(int(rng.integers(1, 4))):
            pos = int(rng.integers(0, len(damaged) + 1))
            if rng.random() < 0.5:
                damaged[pos:pos] = junk[int(rng.integers(len(junk)))]
            else:
                del damaged[pos : pos + int(rng.integers(1, 6))]
        path = tiny / "case_company" / TABLES[name].file
        path.write_bytes(bytes(damaged))
        try:
            frame = getattr(data, f"load_{name}")(tiny)
        except DataFileError as err:
            assert TABLES[name].file in str(err) and err.__cause__ is None
        else:
            assert list(frame.columns) == TABLES[name].column_names


def test_header_only_gives_empty_typed_frame(tiny):
    _write(tiny, "complaints", [])
    complaints = data.load_complaints(tiny)
    assert len(complaints) == 0 and complaints["complaint_date"].dtype == "datetime64[ns]"
    assert complaints["recovered"].dtype == bool


# --------------------------------------------------------------------------- data folder


def test_data_dir_default_is_the_clone_the_book_runs_in(tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    (clone / "datasets" / "case_company").mkdir(parents=True)
    (clone / "notebooks" / "zh").mkdir(parents=True)
    monkeypatch.chdir(clone / "notebooks" / "zh")  # a notebook runs in its own folder
    assert data.data_dir() == clone / "datasets"
    monkeypatch.chdir(clone)
    assert data.data_dir() == data.default_data_dir() == clone / "datasets"
    assert data.data_dir(tmp_path / "other") == tmp_path / "other"


def test_data_dir_default_outside_a_clone_is_the_folder_beside_the_package(tmp_path, monkeypatch):
    (tmp_path / "datasets").mkdir()  # a datasets/ folder without the data is not taken
    monkeypatch.chdir(tmp_path)
    assert data.data_dir() == Path(data.__file__).resolve().parent.parent / "datasets"


def test_data_dir_ignores_the_environment(tiny, monkeypatch):
    monkeypatch.setenv("CRM_LESSONS_DATA", str(tiny))
    assert data.data_dir() != tiny
    assert len(data.load_products()) == 36


def test_another_folder_is_read_afresh(tiny, tmp_path_factory):
    assert len(data.load_products(tiny)) == 2
    other = tmp_path_factory.mktemp("other")
    (other / "case_company").mkdir()
    _write(other, "products", TINY["products"][:1])
    assert len(data.load_products(other)) == 1  # nothing stale is cached
    assert len(data.load_products(tiny)) == 2


def test_sales_are_cached_with_their_files(tiny):
    first = data.load_sales(tiny)
    first.loc[:, "profit"] = -1.0  # the caller's copy: the cache is untouched
    assert (data.load_sales(tiny)["profit"] != -1.0).all()
    _write(tiny, "products", [TINY["products"][0][:4] + ["1000.00", "3999.00"], TINY["products"][1]])
    assert data.load_sales(tiny)["unit_cost"].max() == 1000.0  # an edited file gives new sales


def test_edited_file_is_reloaded(tiny):
    assert len(data.load_orders(tiny)) == 2
    _write(tiny, "orders", TINY["orders"][:1])
    assert len(data.load_orders(tiny)) == 1


def test_same_size_edit_is_reloaded_at_once(tiny):
    assert data.load_order_lines(tiny)["quantity"].iloc[0] == 1
    _mutate(tiny, "order_lines", 0, "quantity", "3")  # same size, possibly the same mtime
    assert data.load_order_lines(tiny)["quantity"].iloc[0] == 3


def test_each_call_returns_its_own_copy(tiny):
    first = data.load_customers(tiny)
    first.loc[0, "name"] = "changed"
    first["extra"] = 1
    again = data.load_customers(tiny)
    assert again.loc[0, "name"] == "Li Wei" and "extra" not in again.columns
    log = load_cdnow(sample=True)
    log.loc[0, "dollars"] = -1.0
    assert load_cdnow(sample=True).loc[0, "dollars"] == 29.33


def test_data_dir_rejects_non_path():
    with pytest.raises(TypeError, match="data_dir must be a folder path"):
        data.data_dir(42)


# --------------------------------------------------------------------------- sales


def _sales_inputs():
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "customer_id": ["C1", "C2"],
            "order_date": pd.to_datetime(["2024-01-02", "2024-03-04"]),
        }
    )
    order_lines = pd.DataFrame(
        {
            "order_id": ["O2", "O1", "O1"],
            "line_no": [1, 1, 2],
            "product_id": ["P2", "P1", "P2"],
            "quantity": [3, 2, 1],
            "unit_price": [40.0, 100.0, 50.0],
            "discount": [0.25, 0.1, 0.0],
        }
    )
    products = pd.DataFrame(
        {
            "product_id": ["P1", "P2"],
            "category": pd.Categorical(["television", "small appliance"]),
            "price_band": ["mid", "entry"],
            "unit_cost": [60.0, 20.0],
        }
    )
    return orders, order_lines, products


def test_build_sales_hand_computed():
    sales = build_sales(*_sales_inputs())
    assert list(sales.columns) == list(data.SALES_COLUMNS)
    # line 1: 3 x 40 x 0.75 = 90, cost 3 x 20 = 60; line 2: 2 x 100 x 0.9 = 180, cost 120;
    # line 3: 1 x 50 x 1 = 50, cost 20
    assert sales["order_id"].tolist() == ["O2", "O1", "O1"]  # order of order_lines kept
    assert sales["customer_id"].tolist() == ["C2", "C1", "C1"]
    assert sales["order_date"].tolist() == list(pd.to_datetime(["2024-03-04", "2024-01-02", "2024-01-02"]))
    assert sales["category"].tolist() == ["small appliance", "television", "small appliance"]
    np.testing.assert_allclose(sales["revenue"], [90.0, 180.0, 50.0])
    np.testing.assert_allclose(sales["cost"], [60.0, 120.0, 20.0])
    np.testing.assert_allclose(sales["profit"], [30.0, 60.0, 30.0])
    assert sales["profit"].sum() == pytest.approx(120.0)


def test_build_sales_on_tiny_files(tiny):
    sales = data.load_sales(tiny)
    assert len(sales) == 3
    assert isinstance(sales["category"].dtype, pd.CategoricalDtype)
    # 3999 x 0.95 - 2100; 2 x 99 - 2 x 45.5; 10 x 90 x 0.9 - 10 x 45.5
    np.testing.assert_allclose(sales["profit"], [3999 * 0.95 - 2100, 198 - 91, 810 - 455])


def test_build_sales_missing_column():
    orders, lines, products = _sales_inputs()
    with pytest.raises(ValueError, match="order_lines` lacks column.*'discount'"):
        build_sales(orders, lines.drop(columns="discount"), products)


def test_build_sales_unknown_product():
    orders, lines, products = _sales_inputs()
    with pytest.raises(ValueError, match="order_lines names product_id 'P2' that products does not have"):
        build_sales(orders, lines, products.iloc[:1])


def test_build_sales_duplicate_order():
    orders, lines, products = _sales_inputs()
    with pytest.raises(ValueError, match="orders repeats order_id 'O1'"):
        build_sales(pd.concat([orders, orders.iloc[:1]]), lines, products)


def test_build_sales_not_a_frame():
    orders, lines, products = _sales_inputs()
    with pytest.raises(TypeError, match="products` must be a pandas DataFrame"):
        build_sales(orders, lines, products.to_dict())


# --------------------------------------------------------------------------- the committed data


@pytest.fixture(scope="module")
def committed():
    return load_case_company()


def test_committed_case_company_loads_with_schema_types(committed):
    _assert_schema_types(committed)


def test_committed_case_company_sizes(committed):
    # issue 2: about 5,000 customers and 100,000-200,000 order lines
    assert 4000 <= len(committed["customers"]) <= 6000
    assert 100_000 <= len(committed["order_lines"]) <= 200_000
    assert len(committed["new_records"]) > 0


def test_committed_orders_lie_in_the_history(committed):
    dates = committed["orders"]["order_date"]
    assert dates.min() >= pd.Timestamp(HISTORY_START) and dates.max() <= pd.Timestamp(HISTORY_END)


def test_committed_sales_match_the_formula(committed):
    sales = build_sales(committed["orders"], committed["order_lines"], committed["products"])
    lines = committed["order_lines"]
    assert len(sales) == len(lines)
    assert sales[["customer_id", "order_date", "category", "unit_cost"]].notna().all().all()
    expected = (lines["quantity"] * lines["unit_price"] * (1 - lines["discount"])).to_numpy()
    np.testing.assert_allclose(sales["revenue"], expected)
    np.testing.assert_allclose(sales["profit"], sales["revenue"] - sales["cost"])
    pd.testing.assert_frame_equal(data.load_sales(), sales)


def test_committed_raw_batch_is_text(committed):
    raw = committed["new_records"]
    assert all(pd.api.types.is_string_dtype(raw[c].dtype) for c in raw.columns)
    assert raw["record_id"].is_unique


# --------------------------------------------------------------------------- CDNOW
# Counts and totals computed from the raw files with awk.


def test_cdnow_master_counts_and_totals():
    log = load_cdnow()
    assert log.shape == (69659, 4)
    assert log["customer_id"].nunique() == 23570
    assert int(log["cds"].sum()) == 167881
    assert log["dollars"].sum() == pytest.approx(2500315.63, abs=0.005)
    assert log["date"].min() == pd.Timestamp("1997-01-01")
    assert log["date"].max() == pd.Timestamp("1998-06-30")
    assert int((log["dollars"] == 0).sum()) == 80
    # the cohort: everyone's first purchase is in the first quarter of 1997
    assert log.groupby("customer_id")["date"].min().max() < pd.Timestamp("1997-04-01")


def test_cdnow_types_and_first_rows():
    log = load_cdnow()
    assert pd.api.types.is_string_dtype(log["customer_id"].dtype)
    assert log["date"].dtype == "datetime64[ns]"
    assert log["cds"].dtype == "int64" and log["dollars"].dtype == "float64"
    assert log.iloc[0].tolist() == ["00001", pd.Timestamp("1997-01-01"), 1, 11.77]
    assert log["customer_id"].iloc[-1] == "23570"


def test_cdnow_sample_counts_and_totals():
    small = load_cdnow(sample=True)
    assert small.shape == (6919, 4)
    assert list(small.columns) == ["customer_id", "date", "cds", "dollars"]
    assert small["customer_id"].nunique() == 2357
    assert int(small["cds"].sum()) == 16479
    assert small["dollars"].sum() == pytest.approx(244091.94, abs=0.005)
    assert small.iloc[0].tolist() == ["00004", pd.Timestamp("1997-01-01"), 2, 29.33]


def test_cdnow_sample_is_the_master_lines_of_its_customers():
    log = load_cdnow()
    small = load_cdnow(sample=True)
    key = ["customer_id", "date", "cds", "dollars"]
    from_master = log[log["customer_id"].isin(small["customer_id"])].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(small.sort_values(key).reset_index(drop=True), from_master)


def test_cdnow_bad_line_names_file_and_line(tmp_path):
    (tmp_path / "cdnow").mkdir()
    (tmp_path / "cdnow" / "CDNOW_master.txt").write_text(
        " customer_id  date number_of_cds  dollar_value\r\n"
        " 00001 19970101  1   11.77\r\n"
        " 00002 19970230  1   12.00\r\n"
    )
    err = _error(lambda d: load_cdnow(data_dir=d), tmp_path)
    assert "CDNOW_master.txt" in str(err) and err.column == "date" and err.lines == [3]
    assert "YYYYMMDD" in str(err)


def test_cdnow_ragged_line(tmp_path):
    (tmp_path / "cdnow").mkdir()
    (tmp_path / "cdnow" / "CDNOW_sample.txt").write_text(
        " 00004 0001 19970101  2   29.33\r\n 00004 19970118  2   29.73\r\n"
    )
    err = _error(lambda d: load_cdnow(sample=True, data_dir=d), tmp_path)
    assert (
        "CDNOW_sample.txt" in str(err) and "line 2: 4 fields" in str(err) and "expected 5 fields" in str(err)
    )


def test_cdnow_missing_file(tmp_path):
    err = _error(lambda d: load_cdnow(sample=True, data_dir=d), tmp_path)
    assert "CDNOW_sample.txt" in str(err)


def test_cdnow_sample_must_be_bool():
    with pytest.raises(TypeError, match="sample must be True or False"):
        load_cdnow(sample="yes")


# --------------------------------------------------------------------------- issue 13 regressions

_CDNOW_HEAD = " customer_id  date number_of_cds  dollar_value\r\n"


def _cdnow(folder: Path, body: str, header: str = _CDNOW_HEAD) -> Path:
    (folder / "cdnow").mkdir(exist_ok=True)
    path = folder / "cdnow" / "CDNOW_master.txt"
    path.write_text(header + body)
    return folder


def test_cdnow_unpadded_id_stays_one_customer(tmp_path):
    folder = _cdnow(tmp_path, " 00032 19970101  1   11.77\r\n 32 19970201  2   20.00\r\n")
    log = load_cdnow(data_dir=folder)
    assert log["customer_id"].tolist() == ["00032", "00032"]
    assert log["customer_id"].nunique() == 1


def test_cdnow_id_that_is_not_a_number(tmp_path):
    folder = _cdnow(tmp_path, " 00032 19970101  1   11.77\r\n A32 19970201  2   20.00\r\n")
    err = _error(lambda d: load_cdnow(data_dir=d), folder)
    assert err.column == "customer_id" and err.lines == [3] and "00032" in str(err)


def test_cdnow_date_outside_the_period(tmp_path):
    folder = _cdnow(tmp_path, " 00001 19970101  1   11.77\r\n 00002 20990112  1   12.00\r\n")
    err = _error(lambda d: load_cdnow(data_dir=d), folder)
    assert err.column == "date" and err.lines == [3] and "1998-06-30" in str(err)


def test_cdnow_wrong_header(tmp_path):
    folder = _cdnow(tmp_path, " 00001 19970101  1   11.77\r\n", header="id when cds paid\r\n")
    err = _error(lambda d: load_cdnow(data_dir=d), folder)
    assert err.lines == [1] and "customer_id date number_of_cds dollar_value" in str(err)


def test_cdnow_ragged_line_advice_speaks_of_spaces_not_commas(tmp_path):
    folder = _cdnow(tmp_path, " 00001,19970101,1,11.77\r\n")
    err = _error(lambda d: load_cdnow(data_dir=d), folder)
    fix = str(err).split("How to fix:")[1]
    assert "separated by spaces" in fix and "separated by commas" not in fix


def test_folder_where_the_csv_should_be(tiny):
    (tiny / "case_company" / "orders.csv").unlink()
    (tiny / "case_company" / "orders.csv").mkdir()
    err = _error(data.load_orders, tiny)
    assert "orders.csv" in str(err) and "folder, not a file" in str(err) and "not there" not in str(err)


def test_permission_denied(tiny, monkeypatch):
    real = Path.read_bytes

    def refuse(self):
        if self.name == "orders.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)  # root may read anything, so chmod cannot test this
    err = _error(data.load_orders, tiny)
    assert "orders.csv" in str(err) and "permission denied" in str(err) and "chmod" in str(err)


def test_duplicate_key_message_uses_an_before_a_vowel(tiny):
    rows = [list(r) for r in TINY["orders"]]
    rows[1][0] = rows[0][0]
    _write(tiny, "orders", rows)
    err = _error(data.load_orders, tiny)
    assert "share an order_id" in str(err) and "share a order_id" not in str(err)
