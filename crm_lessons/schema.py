"""The case company's tables: one declaration that the generator, the loaders, the
database builder and the data dictionary all read.

Each :class:`Table` lists its columns in file order with a type, a unit and a
meaning, its primary key and its foreign keys. Types are a small vocabulary:

``"str"``       text (identifiers, names)
``"int"``       whole number (nullable when ``nullable=True``)
``"float"``     decimal number
``"date"``      calendar date written ``YYYY-MM-DD``
``"bool"``      ``true`` / ``false``
``"category"``  one of ``categories`` (ordered when ``ordered=True``)

Examples
--------
>>> from crm_lessons.schema import TABLES
>>> TABLES["customers"].primary_key
('customer_id',)
>>> TABLES["order_lines"].column("discount").unit
'fraction of unit price'
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The CRM system went live on this date; the data shows retention rising after it.
CRM_GO_LIVE = "2021-01-01"
#: First and last day of the order history.
HISTORY_START = "2018-01-01"
HISTORY_END = "2024-12-31"
#: The loyalty-programme pilot ran over these dates (inclusive).
PILOT_START = "2024-07-01"
PILOT_END = "2024-09-30"
#: Company name used throughout the book.
COMPANY = "Huamei Home Appliances"

CUSTOMER_KINDS = ("consumer", "intermediary", "organisation")
RETAIL_FORMATS = ("department store", "supermarket", "hypermarket", "convenience store", "specialty store")
REGIONS = ("North", "East", "South", "Central", "West")
CHANNELS = ("online", "store", "sales rep", "distributor")
TIERS = ("ordinary", "gold")
CREDIT_RATINGS = ("A", "B", "C", "D")  # A is the safest
BUYING_MOTIVES = ("economic", "ethical", "personalised", "convenience")
PRODUCT_CATEGORIES = (
    "refrigerator",
    "washing machine",
    "air conditioner",
    "television",
    "kitchen appliance",
    "small appliance",
)
PRICE_BANDS = ("entry", "mid", "premium")
LIKERT_5 = (1, 2, 3, 4, 5)

#: Survey items of the five service-quality (SERVQUAL) dimensions, three items each.
SERVQUAL_ITEMS = {
    "tangibles": ("tangibles_1", "tangibles_2", "tangibles_3"),
    "reliability": ("reliability_1", "reliability_2", "reliability_3"),
    "responsiveness": ("responsiveness_1", "responsiveness_2", "responsiveness_3"),
    "assurance": ("assurance_1", "assurance_2", "assurance_3"),
    "empathy": ("empathy_1", "empathy_2", "empathy_3"),
}
#: Survey items on the product's attributes.
PRODUCT_ITEMS = ("appearance", "quality_stability", "performance", "safety")
#: Survey items on the other drivers of satisfaction (company, communication, customer care).
DRIVER_ITEMS = ("company_image", "communication", "customer_care")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str
    unit: str = ""
    nullable: bool = False
    categories: tuple = ()
    ordered: bool = False
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    #: column -> (table, column) it refers to
    foreign_keys: dict = field(default_factory=dict)
    #: True for raw tables whose columns are all read as text (the messy batch)
    raw: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


def _likert(name: str, what: str) -> Column:
    return Column(
        name, "int", what, unit="1-5 Likert (1 = strongly disagree, 5 = strongly agree)", min=1, max=5
    )


_customers = Table(
    "customers",
    "customers.csv",
    "Every customer the company has traded with or registered, one row each.",
    (
        Column("customer_id", "str", "Customer key, C followed by five digits"),
        Column("name", "str", "Person's or business's name"),
        Column("kind", "category", "Nature of the customer", categories=CUSTOMER_KINDS),
        Column(
            "retail_format",
            "category",
            "Retail format, intermediaries only",
            nullable=True,
            categories=RETAIL_FORMATS,
        ),
        Column("region", "category", "Sales region", categories=REGIONS),
        Column("channel", "category", "Main sales channel serving the customer", categories=CHANNELS),
        Column("join_date", "date", "Date the customer record was created"),
        Column("tier", "category", "Membership tier today", categories=TIERS, ordered=True),
        Column(
            "credit_rating", "category", "Credit rating, A safest", categories=CREDIT_RATINGS, ordered=True
        ),
        Column(
            "buying_motive",
            "category",
            "Main buying motive, consumers only",
            nullable=True,
            categories=BUYING_MOTIVES,
        ),
        Column("internal", "bool", "True for internal customers (staff and own departments buying)"),
    ),
    primary_key=("customer_id",),
)

_products = Table(
    "products",
    "products.csv",
    "The product range.",
    (
        Column("product_id", "str", "Product key, P followed by three digits"),
        Column("product_name", "str", "Product name"),
        Column("category", "category", "Product category", categories=PRODUCT_CATEGORIES),
        Column(
            "price_band", "category", "Position in its category's range", categories=PRICE_BANDS, ordered=True
        ),
        Column("unit_cost", "float", "Cost of one unit to the company", unit="CNY", min=0),
        Column("list_price", "float", "List price of one unit before discount", unit="CNY", min=0),
    ),
    primary_key=("product_id",),
)

_orders = Table(
    "orders",
    "orders.csv",
    "One row per order (a purchase occasion).",
    (
        Column("order_id", "str", "Order key, O followed by seven digits"),
        Column("customer_id", "str", "Customer who placed the order"),
        Column("order_date", "date", "Date the order was placed"),
    ),
    primary_key=("order_id",),
    foreign_keys={"customer_id": ("customers", "customer_id")},
)

_order_lines = Table(
    "order_lines",
    "order_lines.csv",
    "One row per product on an order. Revenue = quantity x unit_price x (1 - discount); "
    "cost = quantity x unit_cost.",
    (
        Column("order_id", "str", "Order the line belongs to"),
        Column("line_no", "int", "Line number within the order, from 1", min=1),
        Column("product_id", "str", "Product sold"),
        Column("quantity", "int", "Units sold", unit="units", min=1),
        Column("unit_price", "float", "Price of one unit before discount", unit="CNY", min=0),
        Column(
            "discount", "float", "Discount given on the line", unit="fraction of unit price", min=0, max=0.9
        ),
    ),
    primary_key=("order_id", "line_no"),
    foreign_keys={"order_id": ("orders", "order_id"), "product_id": ("products", "product_id")},
)

_inventory = Table(
    "inventory",
    "inventory.csv",
    "Stock of each product month by month; closing = opening + received - sold.",
    (
        Column("product_id", "str", "Product"),
        Column("month", "date", "First day of the month"),
        Column("opening_units", "int", "Units in stock at the start of the month", unit="units", min=0),
        Column(
            "received_units", "int", "Units received from the factory during the month", unit="units", min=0
        ),
        Column("sold_units", "int", "Units sold during the month (from order lines)", unit="units", min=0),
        Column("closing_units", "int", "Units in stock at the end of the month", unit="units", min=0),
    ),
    primary_key=("product_id", "month"),
    foreign_keys={"product_id": ("products", "product_id")},
)

_servqual_columns = tuple(
    _likert(item, f"{dim.capitalize()} statement {item[-1]}")
    for dim, items in SERVQUAL_ITEMS.items()
    for item in items
)

_survey = Table(
    "survey",
    "survey.csv",
    "Satisfaction survey of consumer customers (2024). Part 1 demographics, part 2 buying behaviour, "
    "part 3 the satisfaction items.",
    (
        Column("respondent_id", "str", "Respondent key, S followed by four digits"),
        Column("customer_id", "str", "Customer who answered"),
        Column("survey_date", "date", "Date the questionnaire was answered"),
        Column(
            "survey_mode",
            "category",
            "How the questionnaire was given",
            categories=("on-site", "mail", "phone", "online"),
        ),
        # part 1: demographics
        Column("gender", "category", "Gender", categories=("female", "male")),
        Column(
            "age_group",
            "category",
            "Age group",
            categories=("18-29", "30-39", "40-49", "50-59", "60+"),
            ordered=True,
        ),
        Column(
            "income_band",
            "category",
            "Monthly household income",
            unit="CNY",
            categories=("<8k", "8-15k", "15-30k", "30k+"),
            ordered=True,
        ),
        # part 2: buying behaviour
        Column(
            "purchases_per_year",
            "category",
            "Self-reported appliance purchases per year",
            categories=("<1", "1-2", "3+"),
            ordered=True,
        ),
        Column(
            "info_source",
            "category",
            "Where the respondent learns about appliances",
            categories=("word of mouth", "online", "advertising", "store staff"),
        ),
        Column(
            "price_sensitivity",
            "int",
            "Would switch brand for a 5% lower price",
            unit="1-5 Likert",
            min=1,
            max=5,
        ),
        Column(
            "competitor_attitude", "int", "Interest in competitors' offers", unit="1-5 Likert", min=1, max=5
        ),
        Column(
            "brand_attention",
            "int",
            "Attention paid to the brand's news and new products",
            unit="1-5 Likert",
            min=1,
            max=5,
        ),
        Column(
            "choosing_time",
            "int",
            "Time spent choosing a brand (1 = very little, 5 = very long)",
            unit="1-5 Likert",
            min=1,
            max=5,
        ),
        # part 3: satisfaction
        *_servqual_columns,
        *(_likert(item, f"Product attribute: {item.replace('_', ' ')}") for item in PRODUCT_ITEMS),
        *(_likert(item, f"Driver: {item.replace('_', ' ')}") for item in DRIVER_ITEMS),
        _likert("expectation", "What the respondent expected before buying"),
        _likert("perceived_quality", "What the respondent got, compared on the same scale as expectation"),
        _likert("overall_satisfaction", "Overall satisfaction"),
        Column("recommend", "int", "Likelihood to recommend", unit="0-10", min=0, max=10),
        _likert("repurchase_intent", "Intends to buy the brand again"),
    ),
    primary_key=("respondent_id",),
    foreign_keys={"customer_id": ("customers", "customer_id")},
)

_complaints = Table(
    "complaints",
    "complaints.csv",
    "Complaints received and whether service recovery succeeded.",
    (
        Column("complaint_id", "str", "Complaint key, K followed by five digits"),
        Column("customer_id", "str", "Customer who complained"),
        Column("complaint_date", "date", "Date received"),
        Column(
            "topic",
            "category",
            "What went wrong",
            categories=("product quality", "delivery", "installation", "staff attitude", "billing"),
        ),
        Column(
            "complaint_channel", "category", "How it was received", categories=("hotline", "online", "store")
        ),
        Column("resolution_days", "int", "Days until the case was closed", unit="days", min=0),
        Column(
            "recovered", "bool", "True when the customer accepted the remedy (service recovery succeeded)"
        ),
    ),
    primary_key=("complaint_id",),
    foreign_keys={"customer_id": ("customers", "customer_id")},
)

_pilot = Table(
    "pilot",
    "pilot.csv",
    "Loyalty-programme pilot: customers randomly assigned to treatment (offered the programme) or control. "
    "Outcomes are read off the order lines within the pilot window.",
    (
        Column("customer_id", "str", "Customer in the pilot"),
        Column("group", "category", "Random assignment", categories=("control", "treatment")),
        Column("responded", "bool", "Bought anything during the pilot window"),
        Column("spend", "float", "Revenue from the customer during the pilot window", unit="CNY", min=0),
    ),
    primary_key=("customer_id",),
    foreign_keys={"customer_id": ("customers", "customer_id")},
)

_leads = Table(
    "leads",
    "leads.csv",
    "Potential customers (leads) collected by sales in 2023-2024 and whether they became customers.",
    (
        Column("lead_id", "str", "Lead key, L followed by five digits"),
        Column("kind", "category", "Nature of the prospect", categories=CUSTOMER_KINDS),
        Column("region", "category", "Sales region", categories=REGIONS),
        Column(
            "source",
            "category",
            "Where the lead came from",
            categories=("referral", "trade fair", "website", "cold call"),
        ),
        Column("contact_date", "date", "First contact"),
        Column(
            "employees",
            "int",
            "Head count, organisations and intermediaries only",
            unit="people",
            nullable=True,
            min=1,
        ),
        Column(
            "website_visits",
            "int",
            "Visits to the company website before first contact",
            unit="visits",
            min=0,
        ),
        Column("requested_quote", "bool", "Asked for a price quote"),
        Column("converted", "bool", "Became a customer within six months"),
    ),
    primary_key=("lead_id",),
)

_new_records = Table(
    "new_records",
    "new_customer_records_raw.csv",
    "A batch of newly collected customer records as typed in by staff and web forms: duplicates, "
    "mixed phone and date formats, missing and impossible values. Every column is raw text.",
    (
        Column("record_id", "str", "Row number in the batch"),
        Column("name", "str", "Name as typed", nullable=True),
        Column("phone", "str", "Phone number as typed (mixed formats)", nullable=True),
        Column("email", "str", "E-mail as typed", nullable=True),
        Column(
            "kind", "str", "Kind as typed (should be consumer / intermediary / organisation)", nullable=True
        ),
        Column("region", "str", "Region as typed", nullable=True),
        Column("join_date", "str", "Date as typed (mixed formats, some impossible)", nullable=True),
        Column("birth_year", "str", "Year of birth as typed, consumers", nullable=True),
        Column(
            "expected_annual_purchase",
            "str",
            "Expected purchases per year as typed",
            unit="CNY",
            nullable=True,
        ),
    ),
    primary_key=("record_id",),
    raw=True,
)

#: All tables of the case company by name, in load order (parents before children).
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _customers,
        _products,
        _orders,
        _order_lines,
        _inventory,
        _survey,
        _complaints,
        _pilot,
        _leads,
        _new_records,
    )
}
