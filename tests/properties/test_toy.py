"""crm_lessons.toy takes no input; its tables are valid input for every check of issue 13."""

import pandas as pd
import pytest

from crm_lessons import data, toy
from crm_lessons._validation import require_typed


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("toy_customers", "customers"),
        ("toy_products", "products"),
        ("toy_orders", "orders"),
        ("toy_order_lines", "order_lines"),
        ("toy_inventory", "inventory"),
        ("toy_sales", "sales"),
    ],
)
def test_toy_tables_pass_the_shared_checks(name, arg):
    frame = getattr(toy, name)()
    require_typed(frame, arg, list(frame.columns), nonempty=True)
    # each call returns a fresh copy: a student's edit does not leak into the next example
    frame.iloc[0, 0] = None
    assert getattr(toy, name)().iloc[0, 0] is not None


def test_toy_sales_is_build_sales_of_the_toy_tables():
    built = data.build_sales(toy.toy_orders(), toy.toy_order_lines(), toy.toy_products())
    pd.testing.assert_frame_equal(built, toy.toy_sales(), check_dtype=False)
