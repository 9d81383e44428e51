"""Generate the case company, Huamei Home Appliances, from a fixed seed.

The book's fictional home-appliance maker is not sampled from real data: it is
simulated, with the patterns the chapters teach built in on purpose and their
true values kept here as module constants, so that a chapter (or a test) can
check that an analysis recovers them. The committed CSV files under
``datasets/case_company/`` are ``write_case_company("datasets/case_company")``
with the default arguments; regenerating gives byte-identical files.

Everything is vectorised with numpy, so the same function scales from the
classroom size (5,000 customers, about 120,000 order lines) to benchmark sizes
(500,000 customers, about 10 million order lines).

Examples
--------
>>> from crm_lessons.generator import generate_case_company
>>> tables = generate_case_company(n_customers=300)
>>> sorted(tables)[:3]
['complaints', 'customers', 'inventory']
>>> list(tables["orders"].columns)
['order_id', 'customer_id', 'order_date']
"""

from __future__ import annotations

import math
import numbers
from pathlib import Path

import numpy as np
import pandas as pd

from crm_lessons import schema
from crm_lessons.schema import (
    CRM_GO_LIVE,
    PILOT_END,
    PILOT_START,
    SERVQUAL_ITEMS,
    TABLES,
)

#: Seed of the committed data set.
DEFAULT_SEED = 20240701

#: The independent random streams, one per generated table, in their fixed spawn order:
#: ``numpy.random.SeedSequence(seed).spawn(len(STREAMS))``, child ``i`` feeding table ``STREAMS[i]``
#: (see :func:`table_streams`). Each table draws its random numbers from its own stream only, so
#: changing how one table is drawn (its size, a distribution, one more draw) leaves every other
#: stream, and so every table not built from it, byte-identical. A table still follows the tables
#: it is built from: orders follow the customers, the complaints (unrecovered complainants lapse)
#: and the pilot (its window's orders); order lines follow the orders; inventory follows the order
#: lines; the survey and the pilot follow the orders. Nothing is built from the survey, the
#: inventory or the leads. A new table gets a NEW name appended at the END: child ``i`` of a spawn
#: is ``SeedSequence(seed, spawn_key=(i,))`` whatever the number of children, so appending leaves
#: the existing streams unchanged, while reordering this tuple would change them all. The raw
#: batch of new customer records has its own fixed seed (it does not depend on ``seed``).
STREAMS = ("customers", "orders", "complaints", "pilot", "order_lines", "inventory", "survey", "leads")

# ---------------------------------------------------------------------------
# Known true values built into the data
# ---------------------------------------------------------------------------

#: Target ABC shares of total profit (whole history) by customer class:
#: the top 5 % of customers earn about 50 %, the next 15 % about 30 %, the rest about 20 %.
TRUE_ABC_SHARES = {"A": 0.50, "B": 0.30, "C": 0.20}
#: Customer shares of the ABC classes (top 5 %, next 15 %, remaining 80 %).
ABC_CUSTOMER_SHARES = {"A": 0.05, "B": 0.15, "C": 0.80}

#: Share of customers in the gold tier.
GOLD_SHARE = 0.17

#: Probability that a customer active in year t-1 buys again in year t, by tier,
#: before and after the CRM system went live (:data:`crm_lessons.schema.CRM_GO_LIVE`).
TRUE_RETENTION = {
    ("ordinary", "before"): 0.55,
    ("ordinary", "after"): 0.65,
    ("gold", "before"): 0.75,
    ("gold", "after"): 0.85,
}
#: Probability that a customer who bought nothing last year comes back this year.
TRUE_REACTIVATION = 0.25

#: Product pairs bought together far more often than chance: (anchor, partner) product ids.
#: When an order holds the anchor, the partner is added with probability :data:`PAIR_ATTACH_RATE`.
TRUE_PRODUCT_PAIRS = (
    ("P009", "P035"),  # washing machine (mid, front-loader) + heat-pump clothes dryer
    ("P021", "P034"),  # 55-inch 4K television + soundbar
    ("P004", "P033"),  # refrigerator (mid, French-door) + water purifier
)
PAIR_ATTACH_RATE = 0.40

#: Share of consumers who trade up over time (entry band first, then mid and premium).
UPSELL_SHARE = 0.30

#: Months of sales each category keeps in stock at the end of a month (inventory cover);
#: monthly turnover (units sold / average stock) is roughly the inverse.
TRUE_COVER_MONTHS = {
    "refrigerator": 1.5,
    "washing machine": 1.2,
    "air conditioner": 2.5,
    "television": 1.0,
    "kitchen appliance": 2.0,
    "small appliance": 0.8,
}

#: The deliberately weak survey item: nearly uncorrelated noise. Deleting it raises the
#: Cronbach's alpha of its dimension (empathy).
WEAK_SURVEY_ITEM = "empathy_3"
#: Standardised weights of the satisfaction drivers: overall satisfaction regressed, after
#: standardising, on company_image, product (mean of PRODUCT_ITEMS), service (mean of the
#: SERVQUAL items), communication and customer_care.
TRUE_SATISFACTION_WEIGHTS = {
    "company_image": 0.15,
    "product": 0.30,
    "service": 0.25,
    "communication": 0.10,
    "customer_care": 0.20,
}
#: Built-in mean answer (1-5 scale) of each SERVQUAL dimension (the mean of its three items,
#: the weak item included) and of each driver (product: mean of PRODUCT_ITEMS). Each item's
#: latent score is shifted so that its expected answer is the target: reliability and
#: assurance are strong, responsiveness clearly the weakest service dimension (and, leaning
#: more on the general service factor (:data:`_SERVICE_FACTOR_LOADING`), it is also among the
#: most important, so it falls in the "concentrate here" quadrant of the importance-performance
#: grid), customer care the weakest driver. Shifting the latent scores leaves the random draws
#: and the standardised driver weights as they were; ceiling effects lower the alphas of the
#: strongest dimensions by about 0.02.
TRUE_DIMENSION_MEANS = {
    "tangibles": 3.7,
    "reliability": 4.0,
    "responsiveness": 3.1,
    "assurance": 4.0,
    "empathy": 3.6,
    "product": 3.8,
    "company_image": 3.7,
    "communication": 3.5,
    "customer_care": 3.3,
}

#: Share of complaints whose service recovery succeeds.
TRUE_RECOVERY_RATE = 0.65
#: Probability that a complainant whose complaint was NOT recovered buys nothing in the
#: 12 months after the complaint (recovered complainants buy as before), so recovered
#: complaints are followed by clearly more repurchase.
TRUE_LAPSE_IF_UNRECOVERED = 0.60

#: Probability of buying in the pilot window by group, and the true uplift (difference).
TRUE_PILOT_RESPONSE = {"control": 0.22, "treatment": 0.27}
TRUE_PILOT_UPLIFT = 0.05

#: Log-odds model of lead conversion. Baselines: source "cold call", kind "consumer".
TRUE_LEAD_COEFFICIENTS = {
    "intercept": -2.2,
    "source[referral]": 1.2,
    "source[trade fair]": 0.7,
    "source[website]": 0.3,
    "kind[intermediary]": 0.5,
    "kind[organisation]": 0.3,
    "requested_quote": 1.4,
    "website_visits": 0.12,
}

#: How strongly a respondent's survey attitudes lean on what he really bought (orders in the
#: two years before the survey, log scale): loading of the general attitude on behaviour,
#: share of behaviour in the unexplained part of satisfaction, and direct weight of
#: behaviour in the loyalty attitude (repurchase intent and the loyalty items). Together they
#: give repurchase_intent a moderate correlation with the order count (see datasets/README.md).
_ATTITUDE_FROM_BEHAVIOUR = {"general": 0.35, "satisfaction": 0.30, "loyalty": 0.35}

#: Weights of a SERVQUAL dimension's latent score on the general service factor and on its
#: own noise ((0.75, 0.66) unless listed; both pairs give unit variance): a higher loading
#: makes the dimension more important for overall satisfaction.
_SERVICE_FACTOR_LOADING = {"responsiveness": (0.90, 0.44)}

# Sizes at the default scale (5,000 customers); they scale with n_customers.
_PILOT_SIZE = 2000
_SURVEY_SIZE = 1500
_N_COMPLAINTS = 600
_N_LEADS = 3000

# ---------------------------------------------------------------------------
# The product range
# ---------------------------------------------------------------------------

# (name, category, band, list price CNY, gross margin)
_PRODUCTS = [
    ("FrostFresh 210L Two-Door Refrigerator", "refrigerator", "entry", 1899, 0.17),
    ("FrostFresh 258L Three-Door Refrigerator", "refrigerator", "entry", 2399, 0.18),
    ("CoolKeep 452L Side-by-Side Refrigerator", "refrigerator", "mid", 3999, 0.24),
    ("CoolKeep 508L French-Door Refrigerator", "refrigerator", "mid", 4999, 0.25),
    ("Crystal 560L Built-In Refrigerator", "refrigerator", "premium", 9999, 0.34),
    ("Crystal 618L Smart Refrigerator", "refrigerator", "premium", 12999, 0.36),
    ("AquaWash 7kg Top-Loader", "washing machine", "entry", 1199, 0.19),
    ("AquaWash 8kg Top-Loader", "washing machine", "entry", 1499, 0.20),
    ("AquaWash 10kg Front-Loader", "washing machine", "mid", 2799, 0.26),
    ("SilkCare 10kg Washer-Dryer", "washing machine", "mid", 3499, 0.27),
    ("SilkCare 12kg Direct-Drive Washer", "washing machine", "premium", 6499, 0.35),
    ("SilkCare Twin-Drum Washer", "washing machine", "premium", 7999, 0.37),
    ("Breeze 1hp Split Air Conditioner", "air conditioner", "entry", 2099, 0.15),
    ("Breeze 1.5hp Split Air Conditioner", "air conditioner", "entry", 2599, 0.16),
    ("Breeze 1.5hp Inverter Air Conditioner", "air conditioner", "mid", 3599, 0.22),
    ("Breeze 3hp Floor-Standing Air Conditioner", "air conditioner", "mid", 5299, 0.23),
    ("Zephyr 1.5hp Fresh-Air Conditioner", "air conditioner", "premium", 6999, 0.31),
    ("Zephyr 3hp Fresh-Air Floor Unit", "air conditioner", "premium", 9299, 0.32),
    ("Vista 43-inch Full HD TV", "television", "entry", 1499, 0.11),
    ("Vista 50-inch 4K TV", "television", "entry", 1999, 0.12),
    ("Vista 55-inch 4K TV", "television", "mid", 3299, 0.18),
    ("Vista 65-inch 4K TV", "television", "mid", 4699, 0.19),
    ("Lumen 75-inch Mini-LED TV", "television", "premium", 9999, 0.27),
    ("Lumen 85-inch OLED TV", "television", "premium", 15999, 0.29),
    ("ChefMate Range Hood", "kitchen appliance", "entry", 999, 0.25),
    ("ChefMate Gas Hob", "kitchen appliance", "entry", 1299, 0.26),
    ("ChefMate 8-Set Dishwasher", "kitchen appliance", "mid", 2999, 0.31),
    ("ChefMate Steam Oven", "kitchen appliance", "mid", 3499, 0.32),
    ("GourmetPro Integrated Cooker", "kitchen appliance", "premium", 7999, 0.40),
    ("GourmetPro 15-Set Dishwasher", "kitchen appliance", "premium", 6499, 0.41),
    ("Daily Electric Kettle", "small appliance", "entry", 129, 0.36),
    ("Daily Hair Dryer", "small appliance", "entry", 199, 0.38),
    ("PureFlow Water Purifier", "small appliance", "mid", 1999, 0.44),
    ("SoundStage Soundbar", "small appliance", "mid", 1299, 0.42),
    ("DryAir Heat-Pump Clothes Dryer", "small appliance", "premium", 4599, 0.46),
    ("CleanBot Robot Vacuum", "small appliance", "premium", 2999, 0.47),
]

# Category mix of ordinary lines; air conditioners sell twice as well from May to August.
_CATEGORY_WEIGHTS = np.array([0.17, 0.17, 0.18, 0.18, 0.13, 0.17])
# Price-band mix by buyer: consumers, businesses (intermediaries and organisations).
_BAND_CONSUMER = np.array([0.45, 0.40, 0.15])
_BAND_BUSINESS = np.array([0.35, 0.45, 0.20])

# Customer behaviour by kind (consumer, intermediary, organisation): size is lognormal with
# this median and log-sd; orders per active year = base x size**exponent; extra lines per
# order and extra units per line are Poisson (units scale with sqrt(size)).
_KIND_SHARES = np.array([0.87, 0.07, 0.06])
_SIZE_MEDIAN = np.array([0.8, 2.5, 3.5])
_SIZE_SIGMA = np.array([1.3, 0.8, 0.6])
_ORDERS_BASE = np.array([4.5, 7.0, 3.5])
_ORDERS_EXPONENT = np.array([0.6, 0.55, 0.5])
_EXTRA_LINES = np.array([0.6, 2.0, 1.0])
_EXTRA_UNITS = np.array([0.0, 1.0, 0.8])
_P_DISCOUNT = np.array([0.15, 0.6, 0.3])
_SHARE_BEFORE_HISTORY = 0.15
_JOIN_GROWTH = 0.70

_MONTH_WEIGHTS = np.array([0.9, 0.7, 0.9, 0.9, 1.0, 1.3, 1.1, 1.0, 0.9, 1.1, 1.5, 1.1])

_SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang "
    "Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Jiang Cai Yu Du Ye Cheng Wei Su "
    "Lu Ding Ren Shen Yao Fang"
).split()
_GIVEN_NAMES = (
    "Fang Wei Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Tao Ming Chao Xiulan Xia Ping Gang Guiying "
    "Hua Hui Ling Dan Bo Xin Yu Hao Rui Ting Lan Jian Kai Lin Mei Qing Wen Bin Feng Hong Juan Xiaoming "
    "Zhiwei Haoran Yuxuan Zihan Yiming Shuang Lili Jiahui Tingting Xiaoyu"
).split()
_BUSINESS_PREFIXES = (
    "Sunrise|Golden Dragon|Harmony|Evergreen|Pearl River|Yangtze|Great Wall|Lotus|Phoenix|Jade|Oriental|"
    "Silver Bay|Red Star|Bright Future|Blue Sky|Peony|Summit|Prosperity|Unity|Starlight|Maple|Riverside|"
    "Eastern Pearl|New Century|Longxing|Huaxia|Tianfu|Jinhai|Baiyun|Xinhua"
).split("|")
_FORMAT_WORDS = {
    "department store": "Department Store",
    "supermarket": "Supermarket",
    "hypermarket": "Hypermart",
    "convenience store": "Convenience Store",
    "specialty store": "Appliance Centre",
}
_CITIES = (
    "Hangzhou Suzhou Nanjing Wuhan Chengdu Changsha Hefei Ningbo Xiamen Jinan Qingdao Zhengzhou Xi'an "
    "Kunming Fuzhou Wuxi Dalian Shenyang Tianjin Foshan Dongguan Nanchang Guiyang Taiyuan"
).split()
_ORGANISATION_PATTERNS = (
    "{city} People's Hospital",
    "{city} No. {k} Middle School",
    "{city} University",
    "{prefix} Hotel Group",
    "{prefix} Property Management Co.",
    "{city} Municipal Services Bureau",
    "{prefix} Apartments Co., Ltd.",
    "{prefix} Catering Co.",
)
_BUSINESS_SUFFIXES = ("Co.", "Co., Ltd.", "Ltd.")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _check_args(seed, n_customers, start_year, end_year):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a whole number, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if isinstance(n_customers, bool) or not isinstance(n_customers, numbers.Integral):
        raise TypeError(f"n_customers must be a whole number, got {n_customers!r}")
    if n_customers < 200:
        raise ValueError(f"n_customers must be at least 200 so every pattern has data, got {n_customers}")
    for name, year in (("start_year", start_year), ("end_year", end_year)):
        if isinstance(year, bool) or not isinstance(year, numbers.Integral):
            raise TypeError(f"{name} must be a whole number (a calendar year), got {year!r}")
    go_live_year = int(CRM_GO_LIVE[:4])
    pilot_year = int(PILOT_END[:4])
    if not 1990 <= start_year <= go_live_year - 1:
        raise ValueError(
            f"start_year must lie between 1990 and {go_live_year - 1} so the history has years before "
            f"the CRM go-live ({CRM_GO_LIVE}), got {start_year}"
        )
    if not pilot_year <= end_year <= 2100:
        raise ValueError(
            f"end_year must lie between {pilot_year} and 2100 so the history covers the pilot "
            f"({PILOT_START}..{PILOT_END}) and the 2024 survey, got {end_year}"
        )


def _day(s: str) -> int:
    """Days since 1970-01-01 of an ISO date string."""
    return int(np.datetime64(s, "D").astype(np.int64))


def _to_datetime(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]")


def _pick(rng, probs: np.ndarray, size=None) -> np.ndarray:
    """Draw category indices; ``probs`` is one row of probabilities or one row per draw."""
    probs = np.asarray(probs, dtype=float)
    if probs.ndim == 1:
        return rng.choice(len(probs), size=size, p=probs / probs.sum())
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    width = max(width, len(str(n)))
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


_LIKERT_CUTS = (-2.0, -1.2, -0.3, 0.9)


def _likert(x: np.ndarray, cuts=_LIKERT_CUTS) -> np.ndarray:
    """Five-point answer from a standard-normal latent score."""
    return (np.searchsorted(np.asarray(cuts), x) + 1).astype(np.int64)


def _latent_shift(mean: float, cuts=_LIKERT_CUTS) -> float:
    """Shift of a standard-normal latent score that makes :func:`_likert`'s expected answer ``mean``.

    E[answer] = 1 + sum_k Phi(shift - c_k), increasing in the shift: solved by bisection.
    """

    def expected(shift: float) -> float:
        return 1 + sum(0.5 * (1 + math.erf((shift - c) / math.sqrt(2))) for c in cuts)

    low, high = -5.0, 5.0
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if expected(mid) < mean else (low, mid)
    return (low + high) / 2


def _cat(values, categories, ordered=False) -> pd.Categorical:
    return pd.Categorical(values, categories=list(categories), ordered=ordered)


def _frame(table: str, data: dict) -> pd.DataFrame:
    """A frame in the schema's column order, categoricals set from the schema."""
    t = TABLES[table]
    cols = {}
    for c in t.columns:
        v = data[c.name]
        if c.dtype == "category" and not isinstance(v, pd.Categorical):
            v = _cat(v, c.categories, c.ordered)
        cols[c.name] = v
    return pd.DataFrame(cols)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def _products_table() -> pd.DataFrame:
    names, cats, bands, price, margin = zip(*_PRODUCTS)
    price = np.array(price, dtype=float)
    cost = np.round(price * (1 - np.array(margin)), 2)
    return _frame(
        "products",
        {
            "product_id": [f"P{i:03d}" for i in range(1, len(_PRODUCTS) + 1)],
            "product_name": ["Huamei " + n for n in names],
            "category": cats,
            "price_band": bands,
            "unit_cost": cost,
            "list_price": price,
        },
    )


def _customer_names(rng, kind, retail_format) -> np.ndarray:
    n = len(kind)
    names = np.empty(n, dtype=object)
    sur = np.array(_SURNAMES, dtype=object)[rng.integers(0, len(_SURNAMES), n)]
    giv = np.array(_GIVEN_NAMES, dtype=object)[rng.integers(0, len(_GIVEN_NAMES), n)]
    prefix = np.array(_BUSINESS_PREFIXES, dtype=object)[rng.integers(0, len(_BUSINESS_PREFIXES), n)]
    suffix = np.array(_BUSINESS_SUFFIXES, dtype=object)[rng.integers(0, len(_BUSINESS_SUFFIXES), n)]
    city = np.array(_CITIES, dtype=object)[rng.integers(0, len(_CITIES), n)]
    pattern = rng.integers(0, len(_ORGANISATION_PATTERNS), n)
    school_no = rng.integers(1, 40, n)
    consumer = kind == 0
    names[consumer] = sur[consumer] + " " + giv[consumer]
    inter = np.flatnonzero(kind == 1)
    fmt_word = np.array([_FORMAT_WORDS[f] for f in schema.RETAIL_FORMATS], dtype=object)
    names[inter] = prefix[inter] + " " + fmt_word[retail_format[inter]] + " " + suffix[inter]
    for i in np.flatnonzero(kind == 2):  # organisations are a few per cent: a loop is fine
        names[i] = _ORGANISATION_PATTERNS[pattern[i]].format(city=city[i], prefix=prefix[i], k=school_no[i])
    return names


def _day_weights(first_day: int, last_day: int) -> np.ndarray:
    """Relative sales per day: seasonal months (618, Double 11) and busier weekends."""
    days = np.arange(first_day, last_day + 1)
    dt = days.astype("datetime64[D]")
    month = dt.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    return _MONTH_WEIGHTS[month] * np.where(weekday >= 5, 1.2, 1.0)


def _sample_days(rng, cumw: np.ndarray, first_day: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Dates in [lo, hi] (day numbers) following the day weights."""
    a = lo - first_day
    b = hi - first_day
    base = np.where(a > 0, cumw[np.maximum(a - 1, 0)], 0.0)
    target = base + rng.random(len(lo)) * (cumw[b] - base)
    d = np.searchsorted(cumw, target, side="left")
    return first_day + np.clip(d, a, b)


class _Customers:
    """Hidden customer traits the order simulation uses (not all of them are published)."""

    def __init__(self, rng, n, start_year, end_year):
        self.n = n
        self.kind = _pick(rng, _KIND_SHARES, n)  # consumer, intermediary, organisation
        consumer = self.kind == 0
        # size: drives orders per year and units per line; intermediaries are big buyers.
        mu = np.log(_SIZE_MEDIAN)[self.kind]
        sigma = _SIZE_SIGMA[self.kind]
        self.size = np.exp(mu + sigma * rng.standard_normal(n))
        gold_noise = rng.standard_normal(n)
        self.retail_format = np.where(
            self.kind == 1, _pick(rng, np.array([0.15, 0.3, 0.15, 0.15, 0.25]), n), -1
        )
        self.region = _pick(rng, np.array([0.2, 0.3, 0.22, 0.16, 0.12]), n)
        ch_consumer = _pick(rng, np.array([0.55, 0.45, 0.0, 0.0]), n)
        ch_inter = _pick(rng, np.array([0.0, 0.0, 0.45, 0.55]), n)
        ch_org = _pick(rng, np.array([0.1, 0.0, 0.8, 0.1]), n)
        self.channel = np.select([self.kind == 0, self.kind == 1], [ch_consumer, ch_inter], ch_org)
        # credit: safer for bigger and gold customers
        credit_noise = rng.standard_normal(n)
        self.motive = np.where(consumer, _pick(rng, np.array([0.4, 0.12, 0.2, 0.28]), n), -1)
        self.internal = consumer & (rng.random(n) < 0.02)
        self.upseller = consumer & (rng.random(n) < UPSELL_SHARE)
        self.favourite = np.where(rng.random(n) < 0.45, _pick(rng, _CATEGORY_WEIGHTS, n), -1)
        # join dates: a third were customers before the history starts; the rest join through
        # the years, a little more each year as the company grows.
        first = _day(f"{start_year}-01-01")
        years = np.arange(start_year, end_year + 1)
        pre = rng.random(n) < _SHARE_BEFORE_HISTORY
        yw = 1.0 + _JOIN_GROWTH * np.arange(len(years))
        join_year = years[_pick(rng, yw, n)]
        y0 = np.array([_day(f"{y}-01-01") for y in years])
        y1 = np.array([_day(f"{y}-12-31") for y in years])
        yi = join_year - start_year
        join = y0[yi] + (rng.random(n) * (y1[yi] - y0[yi] + 1)).astype(np.int64)
        pre_lo = _day(f"{start_year - 8}-01-01")
        join_pre = pre_lo + (rng.random(n) * (first - pre_lo)).astype(np.int64)
        self.join = np.where(pre, join_pre, join)
        # gold: big buyers with some years of tenure
        tenure = np.clip((_day(f"{end_year}-12-31") - self.join) / 365.25, 0, 6)
        score = np.log(self.size) + 0.35 * tenure + 0.9 * gold_noise
        self.gold = score >= np.quantile(score, 1 - GOLD_SHARE)
        credit_score = 0.6 * np.log(self.size) + 0.8 * self.gold + credit_noise
        self.credit = 3 - np.searchsorted(np.array([-1.3, -0.3, 0.8]), credit_score)
        self.name = _customer_names(rng, self.kind, self.retail_format)


def _simulate_activity(rng, cust: _Customers, years: np.ndarray) -> np.ndarray:
    """Active-in-year matrix (customers x years): a Markov chain with tier- and era-specific retention."""
    n, n_years = cust.n, len(years)
    go_live_year = int(CRM_GO_LIVE[:4])
    join_year = cust.join.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    first_idx = np.maximum(join_year - years[0], 0)
    active = np.zeros((n, n_years), dtype=bool)
    u = rng.random((n, n_years))
    for t in range(n_years):
        era = "after" if years[t] >= go_live_year else "before"
        keep = np.where(cust.gold, TRUE_RETENTION[("gold", era)], TRUE_RETENTION[("ordinary", era)])
        p = np.where(active[:, t - 1], keep, TRUE_REACTIVATION) if t > 0 else np.zeros(n)
        active[:, t] = np.where(first_idx == t, True, np.where(first_idx < t, u[:, t] < p, False))
    return active


def _orders_per_year(cust: _Customers) -> np.ndarray:
    return _ORDERS_BASE[cust.kind] * cust.size ** _ORDERS_EXPONENT[cust.kind]


def _make_lines(rng, cust: _Customers, products: pd.DataFrame, order_cust, order_day, first_order_day):
    """Order lines for the given orders: (order index, product index, quantity, discount)."""
    n_orders = len(order_cust)
    kind = cust.kind[order_cust]
    extra = _EXTRA_LINES[kind]
    n_lines = 1 + rng.poisson(extra)
    li_order = np.repeat(np.arange(n_orders), n_lines)
    c = order_cust[li_order]
    k = cust.kind[c]
    day = order_day[li_order]
    month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    n = len(li_order)
    # category: the customer's favourite or the general mix (air conditioners in summer)
    summer = (month >= 4) & (month <= 7)
    summer_weights = _CATEGORY_WEIGHTS.copy()
    summer_weights[2] *= 2.0
    cat = np.where(summer, _pick(rng, summer_weights, n), _pick(rng, _CATEGORY_WEIGHTS, n))
    del summer, month
    fav = cust.favourite[c]
    use_fav = (fav >= 0) & (rng.random(n) < 0.5)
    cat = np.where(use_fav, fav, cat)
    # band: consumers' default mix, businesses' mix, up-sellers move up with time
    p_entry = np.where(k == 0, _BAND_CONSUMER[0], _BAND_BUSINESS[0])
    p_prem = np.where(k == 0, _BAND_CONSUMER[2], _BAND_BUSINESS[2])
    up = cust.upseller[c]
    years_in = np.maximum(day[up] - first_order_day[c[up]], 0) / 365.25
    p_entry[up] = np.clip(0.75 - 0.17 * years_in, 0.1, None)
    p_prem[up] = np.clip(0.03 + 0.09 * years_in, None, 0.45)
    u = rng.random(n)
    band = np.where(u < p_entry, 0, np.where(u < 1 - p_prem, 1, 2))
    del p_entry, p_prem, u, years_in, day
    # two products in each category x band, numbered category-major
    prod = cat * 6 + band * 2 + rng.integers(0, 2, n)
    # products sold together: attach the partner to orders holding the anchor
    pid = products["product_id"].to_numpy()
    index_of = {p: i for i, p in enumerate(pid)}
    add_order, add_prod = [], []
    for a, b in TRUE_PRODUCT_PAIRS:
        hit = np.flatnonzero((prod == index_of[a]) & (rng.random(n) < PAIR_ATTACH_RATE))
        add_order.append(li_order[hit])
        add_prod.append(np.full(len(hit), index_of[b]))
    li_order = np.concatenate([li_order, *add_order])
    prod = np.concatenate([prod, *add_prod])
    # one line per product on an order
    order_sort = np.lexsort((prod, li_order))
    li_order, prod = li_order[order_sort], prod[order_sort]
    dup = np.zeros(len(prod), dtype=bool)
    dup[1:] = (li_order[1:] == li_order[:-1]) & (prod[1:] == prod[:-1])
    li_order, prod = li_order[~dup], prod[~dup]
    n = len(li_order)
    c = order_cust[li_order]
    k = cust.kind[c]
    size = cust.size[c]
    # quantity: consumers one (sometimes two), businesses by size
    q_mean = _EXTRA_UNITS[k] * size**0.5
    qty = 1 + np.where(k == 0, rng.random(n) < 0.07, rng.poisson(q_mean))
    # discount: mostly none for consumers (more around Double 11), larger for intermediaries
    month = order_day[li_order].astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    p_disc = _P_DISCOUNT[k] * np.where((month == 10) & (k == 0), 2.0, 1.0)
    levels_small = np.array([0.05, 0.10, 0.15, 0.20])
    levels_inter = np.array([0.05, 0.10, 0.15, 0.20])
    disc_small = levels_small[_pick(rng, np.array([0.4, 0.3, 0.2, 0.1]), n)]
    disc_inter = levels_inter[_pick(rng, np.array([0.2, 0.35, 0.3, 0.15]), n)]
    disc = np.where(rng.random(n) < p_disc, np.where(k == 1, disc_inter, disc_small), 0.0)
    return li_order, prod, qty.astype(np.int64), disc


def _orders_in_years(rng, cust, active, years, cumw, first_day):
    """Orders of active customer-years: at least one order in every active year."""
    y0 = np.array([_day(f"{y}-01-01") for y in years])
    y1 = np.array([_day(f"{y}-12-31") for y in years])
    ci, yi = np.nonzero(active)
    lo = np.maximum(y0[yi], cust.join[ci])
    frac = (y1[yi] - lo + 1) / (y1[yi] - y0[yi] + 1)
    lam = _orders_per_year(cust)[ci] * frac
    k = np.maximum(1, rng.poisson(lam))
    o_c = np.repeat(ci, k)
    o_day = _sample_days(rng, cumw, first_day, np.repeat(lo, k), np.repeat(y1[yi], k))
    return o_c, o_day


def table_streams(seed: int = DEFAULT_SEED) -> dict[str, np.random.Generator]:
    """One independent numpy random generator per generated table, keyed by :data:`STREAMS`.

    Parameters
    ----------
    seed : int, default DEFAULT_SEED
        Entropy of the root ``numpy.random.SeedSequence`` (a whole number >= 0).

    Returns
    -------
    dict of str to numpy.random.Generator
        ``{STREAMS[i]: default_rng(SeedSequence(seed).spawn(len(STREAMS))[i])}``, in spawn order.

    Notes
    -----
    Spawned children are independent streams (NumPy's recommended way to seed separate
    simulations); child ``i`` is ``SeedSequence(seed, spawn_key=(i,))``, so a stream's numbers
    depend only on the seed and the stream's position in :data:`STREAMS`.

    References
    ----------
    NumPy documentation, "Parallel random number generation" (``SeedSequence.spawn``).

    Examples
    --------
    >>> streams = table_streams(1)
    >>> list(streams) == list(STREAMS)
    True
    >>> again = np.random.default_rng(np.random.SeedSequence(1, spawn_key=(STREAMS.index("leads"),)))
    >>> bool(streams["leads"].random() == again.random())
    True
    """
    _check_args(seed, 5000, 2018, 2024)
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children)}


def generate_case_company(
    seed: int = DEFAULT_SEED, n_customers: int = 5000, start_year: int = 2018, end_year: int = 2024
) -> dict[str, pd.DataFrame]:
    """Simulate every table of the case company, Huamei Home Appliances.

    Parameters
    ----------
    seed : int, default DEFAULT_SEED
        Root seed; each table draws from its own stream spawned from it (:func:`table_streams`,
        :data:`STREAMS`). The same arguments always give the same tables.
    n_customers : int, default 5000
        Number of customers (at least 200). Order lines grow in proportion: about 24 per
        customer, so 50,000 customers give about 1.2 million lines.
    start_year, end_year : int, default 2018 and 2024
        First and last calendar year of the order history. The history must contain years
        before the CRM go-live (2021) and the 2024 pilot and survey.

    Returns
    -------
    dict of str to pandas.DataFrame
        One frame per table of :data:`crm_lessons.schema.TABLES`, keyed by table name, columns
        in schema order; dates as datetime64, categories as Categorical, bools as bool.

    Notes
    -----
    Built-in patterns and their true values are the module constants: ABC profit shares
    (:data:`TRUE_ABC_SHARES`), retention by tier before and after the go-live
    (:data:`TRUE_RETENTION`), products sold together (:data:`TRUE_PRODUCT_PAIRS`), inventory
    cover (:data:`TRUE_COVER_MONTHS`), survey reliability (:data:`WEAK_SURVEY_ITEM`) and
    satisfaction drivers (:data:`TRUE_SATISFACTION_WEIGHTS`), the levels of the service dimensions
    and drivers (:data:`TRUE_DIMENSION_MEANS`), survey attitudes that follow the
    respondents' real orders moderately (:data:`_ATTITUDE_FROM_BEHAVIOUR`), complaint recovery
    (:data:`TRUE_RECOVERY_RATE`, :data:`TRUE_LAPSE_IF_UNRECOVERED`), the pilot
    (:data:`TRUE_PILOT_RESPONSE`) and lead conversion (:data:`TRUE_LEAD_COEFFICIENTS`). The raw
    batch of new customer records is a fixed teaching exercise and does not depend on the arguments (see
    :data:`NEW_RECORDS_TRUTH`).

    References
    ----------
    The patterns follow the course syllabus (ABC analysis of customers, customer retention,
    SERVQUAL, service recovery, loyalty programmes); the data dictionary is
    ``datasets/README.md``.

    Checked against: ``tests/test_generator.py`` recovers every built-in pattern from the
    committed files and regenerates them byte for byte.

    Examples
    --------
    >>> t = generate_case_company(seed=1, n_customers=400)
    >>> t["customers"].shape[0]
    400
    >>> bool((t["order_lines"]["quantity"] >= 1).all())
    True
    """
    _check_args(seed, n_customers, start_year, end_year)
    rng = table_streams(seed)
    scale = n_customers / 5000
    years = np.arange(start_year, end_year + 1)
    first_day, last_day = _day(f"{start_year}-01-01"), _day(f"{end_year}-12-31")
    cumw = np.cumsum(_day_weights(first_day, last_day))

    products = _products_table()
    cust = _Customers(rng["customers"], n_customers, start_year, end_year)
    active = _simulate_activity(rng["orders"], cust, years)
    o_c, o_day = _orders_in_years(rng["orders"], cust, active, years, cumw, first_day)
    srt = np.lexsort((o_c, o_day))
    o_c, o_day = o_c[srt], o_day[srt]
    # --- complaints: unrecovered complainants often stay away for a year
    k_c, k_day, k_recovered, k_resolution, keep = _complaints(rng["complaints"], cust, o_c, o_day, scale)
    o_c, o_day = o_c[keep], o_day[keep]

    # --- the pilot: consumers who bought in 2024-H1, half offered the loyalty programme
    p_lo, p_hi = _day(PILOT_START), _day(PILOT_END)
    h1 = (o_day >= _day("2024-01-01")) & (o_day <= _day("2024-06-30"))
    eligible = np.unique(o_c[h1 & (cust.kind[o_c] == 0)])
    n_pilot = min(len(eligible), int(round(_PILOT_SIZE * scale)))
    pilot_rng = rng["pilot"]
    pilot_c = np.sort(pilot_rng.choice(eligible, n_pilot, replace=False))
    treat = np.zeros(n_pilot, dtype=bool)
    treat[pilot_rng.permutation(n_pilot)[: n_pilot // 2]] = True
    in_pilot = np.zeros(n_customers, dtype=bool)
    in_pilot[pilot_c] = True
    keep = ~(in_pilot[o_c] & (o_day >= p_lo) & (o_day <= p_hi))
    o_c, o_day = o_c[keep], o_day[keep]
    # responders: the true response rate of each group, exactly, chosen at random
    responded = np.zeros(n_pilot, dtype=bool)
    for is_treat, group in ((True, "treatment"), (False, "control")):
        members = np.flatnonzero(treat == is_treat)
        n_resp = int(round(TRUE_PILOT_RESPONSE[group] * len(members)))
        responded[pilot_rng.choice(members, n_resp, replace=False)] = True
    k = np.where(responded, 1 + pilot_rng.poisson(0.25, n_pilot), 0)
    pc = np.repeat(pilot_c, k)
    pd_ = _sample_days(pilot_rng, cumw, first_day, np.full(len(pc), p_lo), np.full(len(pc), p_hi))
    o_c = np.concatenate([o_c, pc])
    o_day = np.concatenate([o_day, pd_])

    # --- orders in date order, ids O0000001...
    srt = np.lexsort((o_c, o_day))
    o_c, o_day = o_c[srt], o_day[srt]
    n_orders = len(o_c)
    order_id = _ids("O", n_orders, 7)
    cust_id = _ids("C", n_customers, 5)
    first_order_day = np.full(n_customers, np.iinfo(np.int64).max)
    np.minimum.at(first_order_day, o_c, o_day)
    li_order, li_prod, qty, disc = _make_lines(
        rng["order_lines"], cust, products, o_c, o_day, first_order_day
    )
    # line numbers within each order (lines are sorted by order)
    starts = np.r_[0, np.flatnonzero(np.diff(li_order)) + 1]
    counts = np.diff(np.r_[starts, len(li_order)])
    line_no = np.arange(len(li_order)) - np.repeat(starts, counts) + 1
    price = products["list_price"].to_numpy()

    tables = {}
    tables["customers"] = _frame(
        "customers",
        {
            "customer_id": cust_id,
            "name": cust.name,
            "kind": _cat(np.array(schema.CUSTOMER_KINDS, dtype=object)[cust.kind], schema.CUSTOMER_KINDS),
            "retail_format": _cat(
                np.where(
                    cust.retail_format >= 0,
                    np.array(schema.RETAIL_FORMATS, dtype=object)[cust.retail_format],
                    None,
                ),
                schema.RETAIL_FORMATS,
            ),
            "region": np.array(schema.REGIONS, dtype=object)[cust.region],
            "channel": np.array(schema.CHANNELS, dtype=object)[cust.channel],
            "join_date": _to_datetime(cust.join),
            "tier": np.where(cust.gold, "gold", "ordinary").astype(object),
            "credit_rating": np.array(schema.CREDIT_RATINGS, dtype=object)[cust.credit],
            "buying_motive": np.where(
                cust.motive >= 0, np.array(schema.BUYING_MOTIVES, dtype=object)[cust.motive], None
            ),
            "internal": cust.internal,
        },
    )
    tables["products"] = products
    tables["orders"] = _frame(
        "orders", {"order_id": order_id, "customer_id": cust_id[o_c], "order_date": _to_datetime(o_day)}
    )
    tables["order_lines"] = _frame(
        "order_lines",
        {
            "order_id": order_id[li_order],
            "line_no": line_no.astype(np.int64),
            "product_id": products["product_id"].to_numpy()[li_prod],
            "quantity": qty,
            "unit_price": price[li_prod],
            "discount": np.round(disc, 2),
        },
    )
    tables["inventory"] = _inventory(
        rng["inventory"], products, li_prod, qty, o_day[li_order], start_year, end_year
    )
    tables["survey"] = _survey(rng["survey"], cust, cust_id, o_c, o_day, scale)
    tables["complaints"] = _complaints_table(
        rng["complaints"], cust_id, k_c, k_day, k_recovered, k_resolution
    )
    revenue = qty * price[li_prod] * (1 - disc)
    in_window = (o_day[li_order] >= p_lo) & (o_day[li_order] <= p_hi)
    spend = np.zeros(n_customers)
    np.add.at(spend, o_c[li_order[in_window]], revenue[in_window])
    bought = np.zeros(n_customers, dtype=bool)
    bought[o_c[li_order[in_window]]] = True
    tables["pilot"] = _frame(
        "pilot",
        {
            "customer_id": cust_id[pilot_c],
            "group": np.where(treat, "treatment", "control").astype(object),
            "responded": bought[pilot_c],
            "spend": np.round(spend[pilot_c], 2),
        },
    )
    tables["leads"] = _leads(rng["leads"], scale)
    tables["new_records"] = new_customer_records()
    return {name: tables[name] for name in TABLES}


def _inventory(rng, products, li_prod, qty, line_day, start_year, end_year) -> pd.DataFrame:
    n_prod = len(products)
    months = np.arange(
        np.datetime64(f"{start_year}-01", "M").astype(np.int64),
        np.datetime64(f"{end_year}-12", "M").astype(np.int64) + 1,
    )
    n_m = len(months)
    li_month = line_day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) - months[0]
    sold = np.zeros((n_prod, n_m), dtype=np.int64)
    np.add.at(sold, (li_prod, li_month), qty)
    cover = products["category"].map(TRUE_COVER_MONTHS).to_numpy(dtype=float)
    # stock target: cover x the trailing three months' average sales, with noise in the ordering
    trailing = np.zeros((n_prod, n_m))
    csum = np.cumsum(np.c_[np.zeros(n_prod), sold], axis=1)
    for t in range(n_m):
        lo = max(0, t - 3)
        trailing[:, t] = (csum[:, t] - csum[:, lo]) / max(t - lo, 1) if t > 0 else sold[:, 0]
    target = np.round(cover[:, None] * trailing * rng.uniform(0.75, 1.25, (n_prod, n_m))).astype(np.int64)
    opening = np.zeros((n_prod, n_m), dtype=np.int64)
    received = np.zeros((n_prod, n_m), dtype=np.int64)
    closing = np.zeros((n_prod, n_m), dtype=np.int64)
    stock = np.round(cover * sold[:, 0]).astype(np.int64)
    for t in range(n_m):
        opening[:, t] = stock
        received[:, t] = np.maximum(0, target[:, t] + sold[:, t] - stock)
        stock = stock + received[:, t] - sold[:, t]
        closing[:, t] = stock
    return _frame(
        "inventory",
        {
            "product_id": np.repeat(products["product_id"].to_numpy(), n_m),
            "month": np.tile(months.astype("datetime64[M]").astype("datetime64[s]"), n_prod),
            "opening_units": opening.ravel(),
            "received_units": received.ravel(),
            "sold_units": sold.ravel(),
            "closing_units": closing.ravel(),
        },
    )


def _survey(rng, cust, cust_id, o_c, o_day, scale) -> pd.DataFrame:
    # respondents: consumers who had bought before the survey began
    buyers = np.unique(o_c[(cust.kind[o_c] == 0) & (o_day < _day("2024-03-01"))])
    n = min(len(buyers), int(round(_SURVEY_SIZE * scale)))
    who = np.sort(rng.choice(buyers, n, replace=False))
    z = rng.standard_normal
    # what the respondent actually did: orders in the two years before the survey began,
    # on a log scale (the 20th order says less than the 2nd), standardised over respondents.
    # A deterministic function of the order history (no random draw).
    survey_start = _day("2024-03-01")
    recent = np.zeros(len(cust.kind))
    np.add.at(recent, o_c[(o_day >= survey_start - 730) & (o_day < survey_start)], 1)
    behaviour = np.log1p(recent[who])
    behaviour = (behaviour - behaviour.mean()) / (behaviour.std() or 1.0)
    a = _ATTITUDE_FROM_BEHAVIOUR
    g = a["general"] * behaviour + np.sqrt(1 - a["general"] ** 2) * z(n)  # general attitude to the company
    # service quality: a general service factor, five dimensions, three items each
    service_g = 0.6 * g + 0.8 * z(n)
    items = {}
    for dim, names in SERVQUAL_ITEMS.items():
        # responsiveness leans more on the general service factor: it matters more for
        # overall satisfaction (its importance in the importance-performance grid)
        common, own = _SERVICE_FACTOR_LOADING.get(dim, (0.75, 0.66))
        d = common * service_g + own * z(n)
        for item in names:
            if item == WEAK_SURVEY_ITEM:
                x = 0.10 * d + z(n)
            elif dim == "empathy":  # the two good empathy items agree more strongly
                x = 0.88 * d + 0.47 * z(n)
            else:
                x = 0.82 * d + 0.57 * z(n)
            # a deterministic shift of the latent score sets the dimension's level
            items[item] = _likert(x / x.std() + _latent_shift(TRUE_DIMENSION_MEANS[dim]))
    prod_lat = 0.55 * g + 0.83 * z(n)
    for item in schema.PRODUCT_ITEMS:
        x = 0.8 * prod_lat + 0.6 * z(n)
        items[item] = _likert(x / x.std() + _latent_shift(TRUE_DIMENSION_MEANS["product"]))
    for item in schema.DRIVER_ITEMS:
        x = 0.5 * g + 0.87 * z(n)
        items[item] = _likert(x + _latent_shift(TRUE_DIMENSION_MEANS[item]))
    # overall satisfaction built on the observed driver scores, so the standardised weights
    # are recoverable by regression
    drivers = {
        "company_image": items["company_image"].astype(float),
        "product": np.mean([items[i] for i in schema.PRODUCT_ITEMS], axis=0),
        "service": np.mean([items[i] for names in SERVQUAL_ITEMS.values() for i in names], axis=0),
        "communication": items["communication"].astype(float),
        "customer_care": items["customer_care"].astype(float),
    }
    zd = np.column_stack([(v - v.mean()) / v.std() for v in drivers.values()])
    w = np.array([TRUE_SATISFACTION_WEIGHTS[k] for k in drivers])
    explained = zd @ w
    resid_var = max(1 - explained.var(), 0.05)
    # noise orthogonal to the drivers in this sample: regression then returns the weights exactly
    # the part of satisfaction the drivers do not explain also leans towards repeat buyers
    noise = a["satisfaction"] * behaviour + np.sqrt(1 - a["satisfaction"] ** 2) * z(n)
    design = np.column_stack([np.ones(n), zd])
    noise -= design @ np.linalg.lstsq(design, noise, rcond=None)[0]
    sat_lat = explained + np.sqrt(resid_var) * noise / noise.std()
    sat_lat = sat_lat / sat_lat.std()
    satisfaction = _likert(sat_lat, cuts=(-1.9, -1.1, -0.2, 0.85))
    perceived = _likert(0.8 * sat_lat + 0.6 * z(n), cuts=(-2.0, -1.1, -0.1, 1.0))
    expectation = _likert(0.3 * g + 0.95 * z(n) + 0.15, cuts=(-2.0, -1.1, -0.1, 1.0))
    recommend = np.clip(np.round(7.0 + 2.0 * sat_lat + 1.0 * z(n)), 0, 10).astype(np.int64)
    loyal = 0.7 * sat_lat + a["loyalty"] * behaviour + 0.71 * z(n)
    loyal = loyal / loyal.std()
    repurchase = _likert(loyal, cuts=(-1.9, -1.0, -0.1, 0.9))
    price_sens = _likert(-0.55 * loyal + 0.84 * z(n), cuts=(-1.3, -0.5, 0.3, 1.2))
    competitor = _likert(-0.5 * loyal + 0.87 * z(n), cuts=(-1.3, -0.5, 0.3, 1.2))
    attention = _likert(0.5 * loyal + 0.87 * z(n), cuts=(-1.3, -0.5, 0.3, 1.2))
    choosing = _likert(-0.4 * loyal + 0.92 * z(n), cuts=(-1.3, -0.5, 0.3, 1.2))
    age = _pick(rng, np.array([0.18, 0.27, 0.24, 0.18, 0.13]), n)
    income_shift = np.array([0.0, 0.6, 0.8, 0.5, 0.0])[age]
    income = np.searchsorted(np.array([-0.5, 0.5, 1.4]), 0.2 + income_shift + 0.9 * z(n) - 0.4)
    ppy = np.searchsorted(np.array([0.0, 1.3]), 0.3 * loyal + z(n) + 0.3)
    start, end = _day("2024-03-01"), _day("2024-05-31")
    day = start + (rng.random(n) * (end - start + 1)).astype(np.int64)
    data = {
        "respondent_id": _ids("S", n, 4),
        "customer_id": cust_id[who],
        "survey_date": _to_datetime(day),
        "survey_mode": np.array(["on-site", "mail", "phone", "online"], dtype=object)[
            _pick(rng, np.array([0.25, 0.1, 0.2, 0.45]), n)
        ],
        "gender": np.array(["female", "male"], dtype=object)[_pick(rng, np.array([0.54, 0.46]), n)],
        "age_group": np.array(["18-29", "30-39", "40-49", "50-59", "60+"], dtype=object)[age],
        "income_band": np.array(["<8k", "8-15k", "15-30k", "30k+"], dtype=object)[income],
        "purchases_per_year": np.array(["<1", "1-2", "3+"], dtype=object)[ppy],
        "info_source": np.array(["word of mouth", "online", "advertising", "store staff"], dtype=object)[
            _pick(rng, np.array([0.3, 0.4, 0.15, 0.15]), n)
        ],
        "price_sensitivity": price_sens,
        "competitor_attitude": competitor,
        "brand_attention": attention,
        "choosing_time": choosing,
        **items,
        "expectation": expectation,
        "perceived_quality": perceived,
        "overall_satisfaction": satisfaction,
        "recommend": recommend,
        "repurchase_intent": repurchase,
    }
    return _frame("survey", data)


def _complaints(rng, cust, o_c, o_day, scale):
    """Pick complaints (one per customer) and decide service recovery.

    Returns the complaint arrays and a mask of orders to keep: an unrecovered complainant
    stays away for the next 12 months with probability :data:`TRUE_LAPSE_IF_UNRECOVERED`.
    """
    # complaints follow consumer and organisation orders up to 2023-11, so that the next
    # 12 months lie inside the history
    last = _day("2023-11-30")
    cand = np.flatnonzero((cust.kind[o_c] != 1) & (o_day <= last) & (o_day >= _day("2018-01-15")))
    cand = cand[rng.permutation(len(cand))]
    _, first = np.unique(o_c[cand], return_index=True)
    cand = cand[np.sort(first)]  # one complaint per customer, in random order
    n = min(len(cand), int(round(_N_COMPLAINTS * scale)))
    pick = cand[:n]
    c = o_c[pick]
    day = o_day[pick] + rng.integers(2, 31, n)
    recovered = np.zeros(n, dtype=bool)  # exactly the true share, at random
    recovered[rng.permutation(n)[: int(round(TRUE_RECOVERY_RATE * n))]] = True
    lapse = ~recovered & (rng.random(n) < TRUE_LAPSE_IF_UNRECOVERED)
    lapse_start = np.full(cust.n, np.iinfo(np.int64).max)
    lapse_start[c[lapse]] = day[lapse]
    after = o_day - lapse_start[o_c]
    keep = ~((after > 0) & (after <= 365))
    resolution = np.where(recovered, 1 + rng.poisson(4, n), 3 + rng.poisson(12, n))
    srt = np.lexsort((c, day))
    return c[srt], day[srt], recovered[srt], resolution[srt], keep


def _complaints_table(rng, cust_id, c, day, recovered, resolution) -> pd.DataFrame:
    n = len(c)
    topics = np.array(
        ["product quality", "delivery", "installation", "staff attitude", "billing"], dtype=object
    )
    channels = np.array(["hotline", "online", "store"], dtype=object)
    return _frame(
        "complaints",
        {
            "complaint_id": _ids("K", n, 5),
            "customer_id": cust_id[c],
            "complaint_date": _to_datetime(day),
            "topic": topics[_pick(rng, np.array([0.3, 0.25, 0.2, 0.15, 0.1]), n)],
            "complaint_channel": channels[_pick(rng, np.array([0.5, 0.3, 0.2]), n)],
            "resolution_days": resolution.astype(np.int64),
            "recovered": recovered,
        },
    )


def _leads(rng, scale) -> pd.DataFrame:
    n = int(round(_N_LEADS * scale))
    kinds = np.array(schema.CUSTOMER_KINDS, dtype=object)
    sources = np.array(["referral", "trade fair", "website", "cold call"], dtype=object)
    kind = _pick(rng, np.array([0.6, 0.25, 0.15]), n)
    source = _pick(rng, np.array([0.2, 0.15, 0.35, 0.3]), n)
    visits = rng.negative_binomial(2, 0.4, n) + np.where(source == 2, 2, 0)
    quote = rng.random(n) < np.where(source == 2, 0.4, 0.25)
    b = TRUE_LEAD_COEFFICIENTS
    src_eff = np.array([b["source[referral]"], b["source[trade fair]"], b["source[website]"], 0.0])[source]
    kind_eff = np.array([0.0, b["kind[intermediary]"], b["kind[organisation]"]])[kind]
    eta = b["intercept"] + src_eff + kind_eff + b["requested_quote"] * quote + b["website_visits"] * visits
    converted = rng.random(n) < 1 / (1 + np.exp(-eta))
    employees = np.round(np.exp(np.where(kind == 1, np.log(25), np.log(120)) + 1.0 * rng.standard_normal(n)))
    employees = pd.array(np.where(kind == 0, -1, np.maximum(employees, 1)).astype(np.int64), dtype="Int64")
    employees[kind == 0] = pd.NA
    start, end = _day("2023-01-01"), _day("2024-06-30")
    day = np.sort(start + (rng.random(n) * (end - start + 1)).astype(np.int64))
    return _frame(
        "leads",
        {
            "lead_id": _ids("L", n, 5),
            "kind": kinds[kind],
            "region": np.array(schema.REGIONS, dtype=object)[
                _pick(rng, np.array([0.2, 0.3, 0.22, 0.16, 0.12]), n)
            ],
            "source": sources[source],
            "contact_date": _to_datetime(day),
            "employees": employees,
            "website_visits": visits.astype(np.int64),
            "requested_quote": quote,
            "converted": converted,
        },
    )


# ---------------------------------------------------------------------------
# The messy batch of new customer records (a fixed teaching exercise)
# ---------------------------------------------------------------------------

_NEW_RECORDS_SEED = 2024


def _phone_formats(digits: str) -> list[str]:
    return [
        digits,
        f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
        f"+86 {digits}",
        f"{digits[:3]} {digits[3:7]} {digits[7:]}",
        f"(+86) {digits[:3]}-{digits[3:7]}-{digits[7:]}",
    ]


def _date_formats(d: np.datetime64) -> list[str]:
    y, m, dd = (int(x) for x in str(d).split("-"))
    return [f"{y}-{m:02d}-{dd:02d}", f"{dd:02d}/{m:02d}/{y}", f"{y}年{m}月{dd}日", f"{y}{m:02d}{dd:02d}"]


def _build_new_records():
    rng = np.random.default_rng(_NEW_RECORDS_SEED)
    n_people = 240
    kinds = ["consumer", "intermediary", "organisation"]
    people = []
    used_phones = set()
    used_names = set()
    for _ in range(n_people):
        kind = kinds[int(rng.choice(3, p=[0.8, 0.12, 0.08]))]
        name = ""
        while not name or name in used_names:  # distinct people have distinct names
            if kind == "consumer":
                surname = _SURNAMES[rng.integers(len(_SURNAMES))]
                name = f"{surname} {_GIVEN_NAMES[rng.integers(len(_GIVEN_NAMES))]}"
            elif kind == "intermediary":
                fmt = list(_FORMAT_WORDS.values())[rng.integers(len(_FORMAT_WORDS))]
                name = f"{_BUSINESS_PREFIXES[rng.integers(len(_BUSINESS_PREFIXES))]} {fmt} Co."
            else:
                name = f"{_CITIES[rng.integers(len(_CITIES))]} No. {rng.integers(1, 40)} Middle School"
        used_names.add(name)
        while True:
            phone = "1" + str(rng.choice([3, 5, 8, 9])) + "".join(str(d) for d in rng.integers(0, 10, 9))
            if phone not in used_phones:
                used_phones.add(phone)
                break
        email_user = name.lower().replace(".", "").replace(",", "").replace("'", "").replace(" ", ".")
        number = rng.integers(1, 99)
        email = f"{email_user}{number}@{['163.com', 'qq.com', '126.com', 'sina.com'][rng.integers(4)]}"
        join = np.datetime64("2024-01-01") + np.timedelta64(int(rng.integers(0, 300)), "D")
        people.append(
            {
                "name": name,
                "phone": phone,
                "email": email,
                "kind": kind,
                "region": schema.REGIONS[rng.integers(len(schema.REGIONS))],
                "join_date": join,
                "birth_year": str(int(rng.integers(1950, 2005))) if kind == "consumer" else "",
                "expected_annual_purchase": str(
                    int(rng.integers(2, 60)) * 500 if kind == "consumer" else int(rng.integers(5, 200)) * 5000
                ),
            }
        )
    # special names: unicode and SQL metacharacters
    people[7]["name"] = "Zhāng Wěi"
    people[19]["name"] = "李娜"
    people[31]["name"] = "Sean O'Brien"
    people[44]["name"] = "Robert'); DROP TABLE customers;--"
    people[58]["name"] = 'Chen "Tony" Hao'

    records = []  # (person, fields, issues)

    def add(p, issues=(), **over):
        fields = dict(people[p])
        fields["join_date"] = _date_formats(fields["join_date"])[rng.integers(4)]
        fields["phone"] = _phone_formats(fields["phone"])[rng.integers(5)]
        fields.update(over)
        records.append((p, fields, tuple(issues)))

    for p in range(n_people):
        add(p)
    # missing and impossible values on some originals
    orig = list(range(n_people))
    order = rng.permutation(orig)
    bad = iter(order.tolist())

    def spoil(issue, **over):
        p = next(bad)
        fields = records[p][1]
        fields.update(over)
        records[p] = (p, fields, records[p][2] + (issue,))

    for _ in range(8):
        spoil("missing phone", phone="")
    for _ in range(6):
        spoil("missing email", email="")
    for _ in range(5):
        spoil("missing region", region="")
    for _ in range(4):
        spoil("missing join date", join_date="")
    for y in ("1890", "2030", "1899"):
        p = next(p for p in bad if people[p]["kind"] == "consumer")
        records[p][1]["birth_year"] = y
        records[p] = (p, records[p][1], records[p][2] + ("impossible birth year",))
    for v in ("-3000", "-500"):
        spoil("negative expected purchase", expected_annual_purchase=v)
    for v in ("n/a", "N/A", "unknown"):
        spoil("non-numeric expected purchase", expected_annual_purchase=v)
    for v in ("2023-02-30", "31/04/2024", "2024-06-31"):
        spoil("impossible date", join_date=v)
    for v in ("2031-05-01", "2099-01-01"):
        spoil("future date", join_date=v)
    for v in ("Consumer", "CONSUMER ", "organization", "retailer"):
        spoil("kind not in the list", kind=v)
    for v in ("east", "Sout h", "N."):
        spoil("region not in the list", region=v)
    # exact duplicates: the same row typed twice
    for p in rng.choice(n_people, 20, replace=False):
        idx = [r[0] for r in records].index(p)
        records.append((p, dict(records[idx][1]), records[idx][2] + ("exact duplicate",)))
    # near duplicates: same person, phone in another format, name spacing or case changed
    for p in rng.choice(n_people, 30, replace=False):
        name = people[p]["name"]
        variant = [name.upper(), name.lower(), "  " + name + " ", name.replace(" ", "  ")][rng.integers(4)]
        add(p, ("near duplicate",), name=variant)
    # a stable shuffle so duplicates are not next to their originals
    perm = rng.permutation(len(records))
    rows, truth = [], []
    for new_i, old_i in enumerate(perm):
        p, fields, issues = records[old_i]
        rid = f"R{new_i + 1:03d}"
        rows.append({"record_id": rid, **{k: fields[k] for k in TABLES["new_records"].column_names[1:]}})
        truth.append({"record_id": rid, "person": int(p), "issues": ";".join(issues)})
    frame = pd.DataFrame(rows, columns=TABLES["new_records"].column_names).astype(str)
    return frame, pd.DataFrame(truth)


def new_customer_records() -> pd.DataFrame:
    """The raw batch of new customer records (all text; empty string where nothing was typed).

    Examples
    --------
    >>> raw = new_customer_records()
    >>> raw.shape
    (290, 9)
    """
    return _build_new_records()[0]


def new_records_truth() -> pd.DataFrame:
    """What the raw batch really holds: one row per record with the true person and the problems.

    Columns: ``record_id``; ``person`` (true person number, equal for duplicates);
    ``issues`` (semicolon-separated: "exact duplicate", "near duplicate", "missing phone",
    "impossible date", ...; empty for a clean record).

    Examples
    --------
    >>> truth = new_records_truth()
    >>> int(truth["person"].nunique()) == NEW_RECORDS_TRUE_PEOPLE
    True
    """
    return _build_new_records()[1]


#: Number of distinct real people (and businesses) in the raw batch of new records.
NEW_RECORDS_TRUE_PEOPLE = 240
#: Record ids of the raw batch by problem (computed from the fixed batch).
NEW_RECORDS_TRUTH: dict[str, tuple[str, ...]] = {}


def _fill_truth():
    truth = new_records_truth()
    out: dict[str, list[str]] = {}
    for rid, issues in zip(truth["record_id"], truth["issues"]):
        for issue in filter(None, issues.split(";")):
            out.setdefault(issue, []).append(rid)
    NEW_RECORDS_TRUTH.update({k: tuple(v) for k, v in sorted(out.items())})


_fill_truth()

# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _csv_ready(frame: pd.DataFrame, table: schema.Table) -> pd.DataFrame:
    out = {}
    for col in table.columns:
        s = frame[col.name]
        if col.dtype == "date":
            days = s.to_numpy().astype("datetime64[D]")
            mask = pd.isna(s).to_numpy()
            uniq, inv = np.unique(days, return_inverse=True)
            text = np.datetime_as_string(uniq, unit="D").astype(object)[inv]
            text[mask] = ""
            out[col.name] = text
        elif col.dtype == "bool":
            out[col.name] = np.where(s.to_numpy(dtype=bool), "true", "false").astype(object)
        elif col.dtype == "float":
            out[col.name] = np.round(s.to_numpy(dtype=float), 2)
        else:
            out[col.name] = s
    return pd.DataFrame(out)


def write_case_company(
    out_dir, seed: int = DEFAULT_SEED, n_customers: int = 5000, start_year: int = 2018, end_year: int = 2024
) -> list[Path]:
    """Generate the case company and write one CSV per table into ``out_dir``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into (created if missing).
    seed, n_customers, start_year, end_year
        As for :func:`generate_case_company`.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`crm_lessons.schema.TABLES`.

    Notes
    -----
    Files are UTF-8 with ``\\n`` line ends; money has two decimals, dates are
    ``YYYY-MM-DD``, booleans ``true``/``false``, and a missing value is an empty field.
    Writing twice with the same arguments gives byte-identical files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_case_company(d, n_customers=300)
    ...     [p.name for p in paths][:2]
    ['customers.csv', 'products.csv']
    """
    if not isinstance(out_dir, (str, Path)):
        raise TypeError(f"out_dir must be a folder path (str or pathlib.Path), got {type(out_dir).__name__}")
    tables = generate_case_company(
        seed=seed, n_customers=n_customers, start_year=start_year, end_year=end_year
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in TABLES.items():
        path = out / table.file
        frame = tables[name]
        if not table.raw:
            frame = _csv_ready(frame, table)
        frame.to_csv(path, index=False, float_format="%.2f", lineterminator="\n", encoding="utf-8")
        paths.append(path)
    return paths
