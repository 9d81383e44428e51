"""The glossary holds every course term of the syllabus, bilingual, and its search works."""

import pandas as pd
import pytest

from crm_lessons import glossary as g

#: The five terms of the syllabus's glossary row, with the revision sheet's Chinese names.
GLOSSARY_ROW = {
    "word of mouth": "口碑",
    "customer loyalty": "客户忠诚度",
    "customer lifetime value": "客户终身价值",
    "performance management": "绩效管理",
    "corporate culture": "企业文化",
}

#: Every Chinese term written in the syllabus tables of chapters 1-4 (column 中文).
SYLLABUS_CHINESE = {
    1: [
        "客户关系管理",
        "客户关系管理的内容",
        "本质",
        "运营型",
        "合作型",
        "分析型",
        "实施CRM系统应坚持的原则",
        "客户智能",
        "战略",
        "明确目标",
        "量身定制",
        "及时性",
        "实践检验",
        "CRM的发展",
        "CRM循环",
        "案例",
        "CRM项目失败的原因",
        "口碑",
        "客户忠诚度",
        "客户终身价值",
        "绩效管理",
        "企业文化",
    ],
    2: [
        "客户的界定",
        "客户与顾客",
        "客户档案",
        "客户的分类",
        "销量与忠诚",
        "ABC分类法",
        "客户分析的流程与方法",
        "集中策略",
        "区分策略",
        "个性化策略",
        "客户的筛选",
        "潜在客户",
        "交叉销售",
        "追加销售",
        "客户价值",
    ],
    3: ["客户数据库的建立", "客户数据的分类与整理", "RFM法", "数据挖掘", "客户细分"],
    4: [
        "客户满意",
        "木桶原理",
        "影响客户满意的因素",
        "客户满意度指数",
        "李克特量表",
        "问卷",
        "调研报告",
        "有形资产",
        "可信赖感",
        "责任感",
        "保证",
        "感情",
        "认知忠诚",
        "情感忠诚",
        "行为忠诚",
        "客户重复购买率",
        "客户保留率",
        "黄金客户",
        "获取成本",
        "客户终身价值",
        "客户生命周期",
        "大客户",
        "忠诚计划",
        "对照组",
        "客户抱怨",
        "服务补救",
        "客户贿赂",
    ],
}

#: Syllabus rows whose Chinese is written differently in the glossary: syllabus text -> glossary Chinese.
RENAMED = {}


def test_five_glossary_terms_are_bilingual_and_in_chapter_1():
    table = g.glossary().set_index("english")
    for english, chinese in GLOSSARY_ROW.items():
        assert table.loc[english, "chinese"] == chinese
        assert table.loc[english, "chapter"] == 1
        assert len(table.loc[english, "definition"]) > 60


def test_every_syllabus_term_is_in_the_glossary():
    chinese = set(g.glossary()["chinese"])
    for chapter, terms in SYLLABUS_CHINESE.items():
        missing = [t for t in terms if RENAMED.get(t, t) not in chinese]
        assert not missing, f"chapter {chapter}: {missing}"


def test_terms_are_introduced_in_their_syllabus_chapter():
    table = g.glossary().set_index("chinese")
    first_chapter = {}
    for chapter, terms in SYLLABUS_CHINESE.items():
        for t in terms:
            first_chapter.setdefault(RENAMED.get(t, t), chapter)
    for chinese, chapter in first_chapter.items():
        assert table.loc[chinese, "chapter"] == chapter, chinese


def test_glossary_shape_and_uniqueness():
    table = g.glossary()
    assert list(table.columns) == list(g.GLOSSARY_COLUMNS)
    assert table["english"].is_unique and table["chinese"].is_unique
    assert table["chapter"].is_monotonic_increasing
    assert table["definition"].str.len().min() > 30
    assert set(table["chapter"]) == {1, 2, 3, 4}
    assert len(g.glossary(chapter=1)) == 23


def test_glossary_rejects_bad_chapter():
    with pytest.raises(ValueError, match="`chapter`"):
        g.glossary(chapter=5)
    with pytest.raises(TypeError, match="`chapter`"):
        g.glossary(chapter="1")


def test_term_writes_first_mention():
    assert g.term("customer lifetime value") == "customer lifetime value (客户终身价值)"
    assert g.term("  Customer Loyalty ") == "customer loyalty (客户忠诚度)"
    assert g.term("企业文化") == "corporate culture (企业文化)"
    assert g.term("RFM analysis", capitalize=True) == "RFM analysis (RFM法)"
    assert g.term("word of mouth", capitalize=True) == "Word of mouth (口碑)"
    assert g.chinese("performance management") == "绩效管理"


def test_term_unknown_suggests_close_names():
    with pytest.raises(ValueError, match=r"`english` 'customer lifetime valu'.*customer lifetime value"):
        g.term("customer lifetime valu")
    with pytest.raises(TypeError, match="`english`"):
        g.term(3)


def test_mentions_bilingual_once_then_english():
    m = g.Mentions(already=["word of mouth"])
    assert m("word of mouth") == "word of mouth"
    assert m("customer loyalty", capitalize=True) == "Customer loyalty (客户忠诚度)"
    assert m("CUSTOMER LOYALTY") == "customer loyalty"
    assert m.introduced == ["word of mouth", "customer loyalty"]


def test_lookup_english_case_insensitive():
    hits = g.lookup("LIFETIME")
    assert hits["english"].tolist() == ["customer lifetime value"]
    assert hits["matched_in"].tolist() == ["name"]


def test_lookup_chinese():
    assert g.lookup("口碑")["english"].tolist() == ["word of mouth"]
    assert set(g.lookup("忠诚")["english"]) >= {
        "customer loyalty",
        "cognitive loyalty",
        "affective loyalty",
        "behavioural loyalty",
        "loyalty programme",
    }


def test_lookup_definitions_after_names():
    hits = g.lookup("control group")
    # the term itself first, then the terms whose definitions mention control groups
    assert hits["english"].iloc[0] == "control group"
    assert hits["matched_in"].iloc[0] == "name"
    assert {"test and learn"} <= set(hits.loc[hits["matched_in"] == "definition", "english"])
    assert hits["matched_in"].tolist() == sorted(hits["matched_in"], key=lambda m: m != "name")


def test_lookup_is_plain_text_not_regex():
    # "(" would be a broken regular expression; as plain text it finds "(CSI; ..."
    assert "customer satisfaction index" in set(g.lookup("(CSI")["english"])
    # as a regex "a.c" would match "balance"; as plain text nothing contains "a.c"
    assert g.lookup("a.c").empty


def test_lookup_chapter_filter():
    hits = g.lookup("loyalty", chapter=4)
    assert set(hits["chapter"]) == {4}
    assert "customer loyalty" not in set(hits["english"])


def test_lookup_empty_query_names_query():
    for bad in ["", "   "]:
        with pytest.raises(ValueError, match="`query`"):
            g.lookup(bad)
    with pytest.raises(TypeError, match="`query`"):
        g.lookup(None)


def test_lookup_no_match_is_empty_frame():
    hits = g.lookup("blockchain")
    assert isinstance(hits, pd.DataFrame) and hits.empty
    assert "english" in hits.columns


# ---------------------------------------------------------------- both languages, from the data file
def test_every_term_has_a_chinese_definition_in_chinese():
    zh = g.glossary(lang="zh").set_index("english")
    en = g.glossary(lang="en").set_index("english")
    assert list(zh.index) == list(en.index)
    for english, definition in zh["definition"].items():
        han = sum("\u4e00" <= ch <= "\u9fff" for ch in definition)
        assert han >= 10, english
        assert definition != en.loc[english, "definition"]
    assert zh.loc["word of mouth", "source"] == "001 复习资料"


def test_definitions_follow_the_current_language():
    from crm_lessons import i18n

    try:
        i18n.set_language("zh")
        assert (
            g.glossary()
            .set_index("english")
            .loc["customer lifetime value", "definition"]
            .startswith("客户终身价值")
        )
        assert g.lookup("净现值")["english"].tolist() == ["customer lifetime value"]
        assert g.chapter_title(1) == "客户关系管理概述"
    finally:
        i18n.set_language("en")
    assert (
        g.glossary().set_index("english").loc["customer lifetime value", "definition"].startswith("The total")
    )


def test_terms_come_from_the_data_file():
    import tomllib

    data = tomllib.loads(g.GLOSSARY_FILE.read_text(encoding="utf-8"))["glossary"]["term"]
    assert len(data) == len(g.TERMS) == len(g.glossary())
    assert g.GLOSSARY_FILE.parent.name == "locale"  # shipped: pyproject's package-data has locale/*.toml


def test_questionnaire_has_the_course_three_parts():
    t = g.glossary(lang="en").set_index("english").loc["questionnaire", "definition"]
    assert (
        "three parts" in t and "basic information" in t and "buying behaviour" in t and "main questions" in t
    )
    z = g.glossary(lang="zh").set_index("english").loc["questionnaire", "definition"]
    assert "三个部分" in z and "基本情况" in z and "购买行为" in z and "主体问题" in z


def test_retention_rate_gives_the_thesis_definition():
    en = g.glossary(lang="en").set_index("english").loc["retention rate", "definition"]
    zh = g.glossary(lang="zh").set_index("english").loc["retention rate", "definition"]
    assert "thesis" in en and "all target customers" in en and "three or more" in en
    assert "全部目标客户中在未来决定重复购买或开始购买本企业产品的客户比例" in zh
    assert "三次及以上" in zh


def test_crm_definition_separates_mechanism_and_connotation():
    en = g.glossary(lang="en").set_index("english").loc["customer relationship management", "definition"]
    zh = g.glossary(lang="zh").set_index("english").loc["customer relationship management", "definition"]
    mechanism, connotation = en.split("A separate definition")
    assert "mechanism" in mechanism and "customers" in mechanism and "distributors" not in mechanism
    assert "distributors and partners" in connotation and "内涵" in connotation
    assert "旨在改善企业与客户之间关系的新型管理机制" in zh and "最终客户、分销商和合作伙伴" in zh


def test_customer_value_quotes_the_course():
    en = g.glossary(lang="en").set_index("english").loc["customer value", "definition"]
    zh = g.glossary(lang="zh").set_index("english").loc["customer value", "definition"]
    assert en.startswith("The course's definition") and "attributes" in en and "consequences" in en
    assert "感知偏好和评价" in zh and zh.index("感知偏好") < zh.index("两个方向")


def test_customer_bribery_has_both_readings_and_points_to_the_pilot():
    en = g.glossary(lang="en").set_index("english").loc["customer bribery", "definition"]
    zh = g.glossary(lang="zh").set_index("english").loc["customer bribery", "definition"]
    assert "two readings" in en and "kickbacks" in en and "inducements" in en and "pilot" in en
    assert "两种解读" in zh and "回扣" in zh and "试点" in zh


def test_crm_cycle_says_its_seven_steps_are_a_reading():
    en = g.glossary(lang="en").set_index("english").loc["CRM cycle", "definition"]
    zh = g.glossary(lang="zh").set_index("english").loc["CRM cycle", "definition"]
    assert "reading" in en and "six" in en
    assert "本书的解读" in zh and "六个" in zh


def test_glossary_rejects_bad_language():
    with pytest.raises(ValueError, match="lang"):
        g.glossary(lang="fr")
