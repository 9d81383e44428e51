"""Chapter 1's prose says what its outputs show (both editions), recomputed from the topic functions."""

import pytest

from crm_lessons import basket, book, data, overview, pilots, targeting

SOURCE = book.repository_root() / "notebooks" / "src" / "01_crm_overview.md"


def _markdown(lang):
    nb = book.edition(book.read_source(SOURCE), lang)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return " ".join(text.split()) if lang == "en" else "".join(text.split())


@pytest.fixture(scope="module")
def case():
    tables = data.load_case_company()
    return tables, data.load_sales()


@pytest.fixture(scope="module")
def campaign(case):
    tables, sales = case
    return targeting.campaign_frame(
        tables["customers"], sales, cutoff="2024-07-01", end="2024-12-31", kinds=["consumer"]
    )


def test_quiz_mistakes_are_items_9_and_10_and_story_7():
    answers = {
        1: "operational",
        2: "collaborative",
        3: "analytical",
        4: "collaborative",
        5: "operational",
        6: "analytical",
        7: "analytical",
        8: "operational",
        9: "operational",
        10: "analytical",
        11: "analytical",
        12: "collaborative",
    }
    s = overview.score_crm_type_quiz(answers)
    assert s.loc[~s["correct"], "item"].tolist() == [9, 10]
    assert s.set_index("item").loc[10, "expected"] == "operational"
    assert s.set_index("item").loc[9, "expected"] == "collaborative"
    assert "Item 10 is the classic trap" in _markdown("en") and "第10题是典型的陷阱" in _markdown("zh")
    assert overview.check_failure_reason(7, "no economics").correct
    assert "Story 7 is about money" in _markdown("en") and "第7个故事讲的是钱" in _markdown("zh")


def test_gold_customers_and_intermediaries_earn_more_than_their_head_count(case):
    tables, sales = case
    p = targeting.segment_profile(tables["customers"], sales, by=["kind", "tier"])
    ordinary = p.loc[("consumer", "ordinary")]
    assert ordinary["profit_share"] < ordinary["customer_share"] and ordinary["customer_share"] > 0.5
    for idx in [
        ("consumer", "gold"),
        ("intermediary", "ordinary"),
        ("intermediary", "gold"),
        ("organisation", "gold"),
    ]:
        assert p.loc[idx, "profit_share"] > 1.5 * p.loc[idx, "customer_share"], idx


def test_the_three_product_pairs_named_in_the_text(case):
    tables, sales = case
    rules = basket.association_rules(sales, min_support=0.01, min_confidence=0.2, min_lift=2)
    names = tables["products"].set_index("product_id")["product_name"]
    pairs = {frozenset((names[a], names[c])) for a, c in zip(rules["antecedent"], rules["consequent"])}
    assert len(pairs) == 3
    kinds = sorted(
        sorted(
            next(w for w in ("Loader", "Dryer", "TV", "Soundbar", "Refrigerator", "Purifier") if w in n)
            for n in pair
        )
        for pair in pairs
    )
    assert kinds == [["Dryer", "Loader"], ["Purifier", "Refrigerator"], ["Soundbar", "TV"]]
    text = _markdown("en")
    assert "a washer with a dryer, a television with a soundbar" in text and "water purifier" in text
    assert "洗衣机配干衣机，电视机配回音壁音箱，冰箱配净水器" in _markdown("zh")


def test_best_band_buys_far_more_often_and_targeting_pays_per_yuan(campaign):
    bands = targeting.response_by_score_band(campaign, bands=10)
    assert bands["response_rate"].iloc[0] > 3 * bands["response_rate"].iloc[-1]
    gross = targeting.mass_vs_targeted(campaign, cost_per_contact=300, top_share=0.2)
    assert gross.loc["targeted marketing", "response_rate"] > gross.loc["mass marketing", "response_rate"]
    assert gross.loc["targeted marketing", "roi"] > gross.loc["mass marketing", "roi"]


def test_without_a_control_group_the_offer_looks_many_times_more_profitable(case, campaign):
    tables, _ = case
    uplift = round(float(pilots.response_uplift(tables["pilot"])["relative_uplift"]), 4)
    gross = targeting.mass_vs_targeted(campaign, cost_per_contact=300, top_share=0.2)
    inc = targeting.mass_vs_targeted(campaign, cost_per_contact=300, top_share=0.2, uplift=uplift)
    assert gross.loc["mass marketing", "net_profit"] > 5 * inc.loc["mass marketing", "net_profit"]
    assert inc.loc["targeted marketing", "roi"] > inc.loc["mass marketing", "roi"]
    curve = targeting.targeting_curve(campaign, cost_per_contact=300, uplift=uplift)
    best = curve["net_profit"].idxmax()
    assert curve.loc[best, "share"] < 1  # "past the best reach, each further contact costs more"
    assert curve["net_profit"].iloc[-1] < curve.loc[best, "net_profit"]


def test_published_figures_quoted_in_the_text():
    r = overview.case_results(lang="en").set_index("measure")["change"]
    assert r["monthly churn rate"] == -28 and round(2.0 * (1 + r["monthly churn rate"] / 100), 2) == 1.44
    en, zh = _markdown("en"), _markdown("zh")
    assert "by 28 %" in en and "2.0 % a month would become 1.44 %" in en
    assert "降低了28%" in zh and "2.0%，就会降到1.44%" in zh
    assert "sales rose 16 % at once, market share gained 2 percentage points and volume 36 %" in en
    assert "销售额立即上升16%，市场份额增长了2个百分点，产量增加了36%" in zh
    lending = overview.small_business_lending().set_index("year")[["loans", "profit"]]
    growth = lending.loc[1997] / lending.loc[1993]
    assert growth["profit"] > growth["loans"]  # "profit grew faster than lending"
    f = overview.crm_stage_figures(lang="en")
    hit = f[f["measure"] == "average hit rate"].set_index("stage")["as_published"]
    assert hit["I"] == "5-10 %" and hit["V"] == "30-35 %"
    assert "5–10 % to 30–35 %" in en and "5–10%左右上升到30–35%" in zh


def test_readings_are_flagged_in_both_editions():
    en, zh = _markdown("en"), _markdown("zh")
    for phrase in [
        "is the book's reading of a figure whose sign was lost",  # "<0.5 %"
        "compares before with after, is the book's reading",  # churn chart labels
        "that unit is a reading",  # lending units
        "is the book's reading of the printed order",  # industries by stage
        "pairing them row by row in the printed order is the book's reading",
    ]:  # deck pilots
        assert phrase in en, phrase
    assert zh.count("本书的解读") >= 6
    assert "百万美元" in zh and "million US dollars" in en


def test_both_definitions_of_crm_are_stated():
    en, zh = _markdown("en"), _markdown("zh")
    assert "only the 内涵 definition brings in distributors and partners" in en
    assert "只有“内涵”定义才把分销商和合作伙伴包括进来" in zh
    assert "a larger share of the customers' spending" in en and "客户可支配收入中更大的份额" in zh


def test_every_section_ends_with_its_takeaway_and_the_chapter_with_questions():
    en, zh = _markdown("en"), _markdown("zh")
    assert en.count("**Business takeaway.**") == 11 and zh.count("**管理启示。**") == 11
    assert "## Review questions" in en and "##复习思考题" in zh
    assert "## Summary" in en and "##本章小结" in zh
    assert "**Learning objectives.**" in en and "**学习目标。**" in zh
