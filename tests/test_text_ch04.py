"""Chapter 4's prose against the computation: every number and claim the markdown of either edition
states is recomputed here with the topic functions on the case data (and the CDNOW log)."""

from pathlib import Path

import nbformat
import pytest
from course_lists import TEN_STRATEGIES_ZH

from crm_lessons import data, loyalty, pilots, retention, satisfaction, survey
from crm_lessons.schema import DRIVER_ITEMS, PRODUCT_ITEMS, SERVQUAL_ITEMS

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = {
    "en": ROOT / "notebooks" / "04_loyalty.ipynb",
    "zh": ROOT / "notebooks" / "zh" / "04_loyalty.ipynb",
}


def markdown(lang: str) -> str:
    nb = nbformat.read(EDITIONS[lang], as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def case():
    return data.load_case_company()


@pytest.fixture(scope="module")
def texts():
    return {lang: markdown(lang) for lang in EDITIONS}


def test_both_editions_end_with_summary_and_review_questions(texts):
    assert "## Summary" in texts["en"] and "## Review questions" in texts["en"]
    assert "## 本章小结" in texts["zh"] and "## 复习思考题" in texts["zh"]
    assert "学习目标" in texts["zh"] and "Learning objectives" in texts["en"]
    assert texts["en"].count("optional (选学)") + texts["en"].count("Optional (选学)") >= 3
    assert texts["zh"].count("选学") >= 3


def test_twenty_two_candidate_statements_and_the_pruning_rules(case, texts):
    answers = case["survey"]
    items = [i for items in SERVQUAL_ITEMS.values() for i in items] + list(PRODUCT_ITEMS) + list(DRIVER_ITEMS)
    assert len(items) == 22
    assert "22 attitude statements" in texts["en"] and "22个态度陈述句" in texts["zh"]
    out = satisfaction.prune_factors(answers[items], answers["overall_satisfaction"])
    # "No two statements are nearly duplicates ... rule 2 removes the one statement ... alpha flagged"
    assert (out["rule"] != 1).all() and out["max_correlation"].abs().max() < 0.8
    assert out.index[out["rule"] == 2].tolist() == ["empathy_3"]
    assert survey.reliability_table(answers).query("weak")["item"].tolist() == ["empathy_3"]
    kept = [i for i in SERVQUAL_ITEMS["empathy"] if i != "empathy_3"]
    all_three = list(SERVQUAL_ITEMS["empathy"])
    assert survey.cronbach_alpha(answers[kept]) >= 0.7 > survey.cronbach_alpha(answers[all_three])


def test_barrel_and_grid_claims(case):
    answers = case["survey"]
    barrel = satisfaction.barrel_summary(survey.servqual_scores(answers))
    assert barrel.index[0] == "responsiveness"
    assert 0.4 < barrel.loc["responsiveness", "share_weakest"] < 0.6  # "about half of the respondents"
    attributes = {
        **SERVQUAL_ITEMS,
        "product": list(PRODUCT_ITEMS),
        "company_image": ["company_image"],
        "communication": ["communication"],
        "customer_care": ["customer_care"],
    }
    grid = survey.importance_performance(answers, attributes)
    assert grid["performance"].idxmin() == "responsiveness"
    assert set(grid["importance"].nlargest(3).index) == {"product", "responsiveness", "customer_care"}
    assert sorted(grid.index[grid["quadrant"] == "concentrate here"]) == ["customer_care", "responsiveness"]
    assert grid.loc["product", "quadrant"] == "keep up the good work"


def test_loyalty_claims(case):
    answers, orders = case["survey"], case["orders"]
    levels = loyalty.loyalty_levels(answers, orders)
    kinds = levels["loyalty_type"].value_counts()
    assert kinds["spurious loyalty"] > kinds["true loyalty"] > kinds["latent loyalty"]
    # "most repeat buyers are spuriously loyal"
    assert kinds["spurious loyalty"] > levels["behavioural"].sum() / 2
    table = loyalty.loyalty_measures(
        answers, answers["repurchase_intent"] >= 4, orders_before_survey=levels["orders_before_survey"]
    )
    ratio = table.loc["repeat purchases", "mean_loyal"] / table.loc["repeat purchases", "mean_other"]
    assert 2.5 < ratio < 3.5  # "about three times as many orders"
    assert table["agrees"].all() and (table["p_value"] < 0.05).all()
    tenure = loyalty.profit_by_tenure(data.load_sales())
    assert tenure.loc[3, "profit_per_customer"] > 1.5 * tenure.loc[0, "profit_per_customer"]


def test_retention_depends_on_the_base(case, texts):
    orders, customers = case["orders"], case["customers"]
    active = retention.before_after(retention.thesis_retention(orders, customers, base="active"))["change"]
    by_registered = retention.thesis_retention(orders, customers, base="registered")
    registered = retention.before_after(by_registered)["change"]
    assert (active > 0).all() and (registered < 0).all()
    cohort = retention.before_after(retention.cohort_retention(orders, customers))["change"]
    assert (cohort > 0).all()
    table = retention.cohort_table(orders)
    one_year = table[1]
    assert one_year.loc[["2020", "2021", "2022", "2023"]].min() > one_year.loc[["2018", "2019"]].max()
    assert "every registered customer" in texts["en"] and "全部在册客户" in texts["zh"]


def test_pilot_and_complaint_claims(case):
    response = pilots.response_uplift(case["pilot"])
    # "raised response, by a modest few points", interval excluding 0
    assert 0 < response["ci_low"] and response["uplift"] < 0.10 and response["p_value"] < 0.05
    naive = pilots.before_during(case["pilot"], case["orders"])
    assert naive.attrs["naive_uplift"] < 0 < naive.attrs["controlled_uplift"]
    complaints = case["complaints"]
    assert complaints["complaint_channel"].value_counts().idxmax() == "hotline"
    assert 0.4 < (complaints["complaint_channel"] == "hotline").mean() < 0.6  # "about half"
    assert complaints["topic"].nunique() == 5
    after = loyalty.complaint_repurchase(complaints, case["orders"])
    speed = loyalty.recovery_by_speed(after, bands=(3, 7, 14))
    assert speed["recovery_rate"].iloc[:2].min() > 0.9 and speed["recovery_rate"].iloc[-1] < 0.1
    by_topic = after.groupby(["topic", "recovered"], observed=True)["repurchased"].mean().unstack()
    assert (by_topic[True] > by_topic[False]).all()  # "whatever the topic"


def test_cdnow_counts(texts):
    sample = data.load_cdnow(sample=True)
    full = data.load_cdnow()
    assert sample["customer_id"].nunique() == 2357 and full["customer_id"].nunique() == 23570
    assert "2,357" in texts["en"] and "2,357" in texts["zh"]
    assert "23,570" in texts["en"] and "23,570" in texts["zh"]


def test_rate_differences_are_printed_in_points():
    for lang, path in EDITIONS.items():
        nb = nbformat.read(path, as_version=4)
        printed = "\n".join(
            o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
        )
        word = "percentage points" if lang == "en" else "个百分点"
        assert printed.count(word) >= 6


def test_the_course_lists_are_the_course_s(texts):
    # the ten key-account strategies of source 000, not a paraphrase; the seven loyalty measures
    for strategy in TEN_STRATEGIES_ZH:
        assert strategy in texts["zh"], strategy
    assert "Ask key accounts for their opinion regularly" in texts["en"]
    assert "Organise business meetings between key accounts and the company" in texts["en"]
    for measure in [
        "客户重复购买率",
        "客户对本企业产品品牌的关心程度",
        "客户需求满足率",
        "客户对产品价格的敏感程度",
        "客户对竞争产品的态度",
        "客户对商品的认同度",
        "客户购买时的挑选时间",
    ]:
        assert measure in texts["zh"], measure
    assert "The case data cannot show need satisfaction" in texts["en"]
    assert "案例数据无法反映客户需求满足率" in texts["zh"]
