"""Chapter 1's ideas and published figures: the numbers match the course material, quizzes check."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from crm_lessons import overview as o
from crm_lessons import schema

matplotlib.use("Agg")


# ---------------------------------------------------------------- published figures (deck 004)
def test_stage_experiments_per_year_match_deck_page_3():
    f = o.crm_stage_figures()
    e = f[f["measure"] == "experiments per year"].set_index("stage")
    assert e["as_published"].tolist() == ["50 a year", "100-200", "500-1,000", "2,000-5,000", "10,000-50,000"]
    assert e["low"].tolist() == [50, 100, 500, 2000, 10000]
    assert e["high"].tolist() == [50, 200, 1000, 5000, 50000]


def test_stage_hit_rate_coverage_and_profit_match_deck_page_3():
    f = o.crm_stage_figures()
    pivot = f.pivot(index="stage", columns="measure", values="as_published")
    assert pivot["average hit rate"].tolist() == ["5-10 %", "5-10 %", "20-25 %", "30-35 %", "30-35 %"]
    assert pivot["customers per campaign"].tolist() == ["5-20 %", "5-20 %", "0.5-2 %", "<0.5 %", "<0.5 %"]
    assert pivot["profit uplift"].tolist() == ["1-5 %", "1-5 %", "5 %", "5-10 %", "5-10 %"]
    shared = f.pivot(index="stage", columns="measure", values="shared_with")
    assert shared["average hit rate"].tolist() == ["I-II", "I-II", "III", "IV-V", "IV-V"]


def test_stage_figures_rise_with_stage():
    f = o.crm_stage_figures()
    for measure in ["experiments per year", "average hit rate", "profit uplift"]:
        lows = f[f["measure"] == measure].sort_values("stage")["low"].to_numpy()
        assert np.all(np.diff(lows) >= 0), measure
    cover = f[f["measure"] == "customers per campaign"].sort_values("stage")["high"].to_numpy()
    assert np.all(np.diff(cover) <= 0)  # campaigns get narrower as they get more targeted
    assert (f["low"] <= f["high"]).all()
    assert len(f) == 20 and (f["source"] == o.SRC_004).all()


def test_stages_descriptions_and_orientation():
    s = o.crm_stages()
    assert s["stage"].tolist() == ["I", "II", "III", "IV", "V"]
    assert s["stage"].cat.ordered
    assert "RFM" in s.loc[1, "description"]
    assert s["orientation"].tolist()[2] == "moving towards customer-centred"


def test_plot_crm_stages_four_labelled_panels():
    fig = o.plot_crm_stages()
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Experiments per year", "Customers per campaign", "Average hit rate", "Profit uplift"]
    assert fig.axes[0].get_yscale() == "log"
    assert all(ax.get_ylabel() for ax in fig.axes)
    matplotlib.pyplot.close(fig)


def test_case_results_match_deck_pages_7_and_8():
    r = o.case_results().set_index(["case", "measure"])
    assert r.loc[("Asian mobile operator", "monthly churn rate"), "change"] == -28.0
    assert r.loc[("Shell Canada", "sales"), "change"] == 16.0
    assert r.loc[("Shell Canada", "market share"), "change"] == 2.0
    assert r.loc[("Shell Canada", "market share"), "unit"] == "percentage points"
    assert r.loc[("Shell Canada", "volume"), "change"] == 36.0


def test_small_business_lending_matches_deck_page_9():
    s = o.small_business_lending()
    assert s["year"].tolist() == [1989, 1993, 1994, 1995, 1996, 1997]
    assert s["loans"].tolist() == [200, 1200, 1500, 3400, 4300, 5600]
    assert s["profit"].tolist() == [0, 51, 69, 105, 209, 275]
    # the growth quoted in the docstring: 1993 -> 1997
    assert round(5600 / 1200, 1) == 4.7 and round(275 / 51, 1) == 5.4


def test_shell_tactics_cover_three_aims():
    t = o.shell_canada_tactics()
    assert t.groupby("aim", sort=False).size().tolist() == [2, 2, 2]


# ---------------------------------------------------------------- ideas
def test_counts_of_the_course_lists():
    assert len(o.crm_definition()) == 3
    assert len(o.crm_essence()) == 3
    assert len(o.why_strategic()) == 5
    assert len(o.implementation_principles()) == 7
    assert len(o.key_success_factors()) == 4
    assert len(o.failure_reasons()) == 4
    assert o.crm_cycle()["step"].tolist() == list(range(1, 8))


def test_principles_match_outline():
    p = o.implementation_principles()
    assert p["chinese"].tolist()[:4] == [
        "转变传统管理观念",
        "合理调整组织结构",
        "实施业务重组",
        "获得高层领导支持",
    ]


def test_crm_cycle_names_chapters():
    c = o.crm_cycle().set_index("name")
    assert c.loc["collect data", "chapters"].startswith("2")
    assert "3" in c.loc["analyse customers", "chapters"]
    assert c.loc["run the campaign", "chapters"].startswith("4")


def test_hughes_model_has_two_levels_of_customer_intelligence():
    h = o.hughes_model()
    assert h["part"].tolist() == [1, 2, 3, 3]
    assert h["chinese"].tolist()[2:] == ["客户智能的第一层含义", "客户智能的第二层含义"]


# ---------------------------------------------------------------- CRM-type quiz
def test_crm_type_quiz_hides_answers_by_default():
    q = o.crm_type_quiz()
    assert q.columns.tolist() == ["item", "activity"]
    assert q["item"].tolist() == list(range(1, 13))
    assert q["activity"].is_unique


def test_crm_type_quiz_is_balanced_and_interleaved():
    q = o.crm_type_quiz(with_answers=True)
    assert q["answer"].value_counts().to_dict() == {"operational": 4, "collaborative": 4, "analytical": 4}
    # no three items in a row of the same type
    a = q["answer"].tolist()
    assert not any(a[i] == a[i + 1] == a[i + 2] for i in range(len(a) - 2))


@pytest.mark.parametrize(
    "item, answer, correct",
    [
        (1, "operational", True),  # sales visit log
        (2, "collaborative", True),  # one record across channels
        (3, "analytical", True),  # RFM scoring
        (3, "operational", False),
        (2, "分析型", False),
        (2, " 合作型 ", True),
        (1, "OPERATIONAL", True),
    ],
)
def test_check_crm_type(item, answer, correct):
    r = o.check_crm_type(item, answer)
    assert r.correct is correct
    assert r.expected in o.CRM_TYPES
    assert str(r).startswith("Correct" if correct else "Not quite")


def test_check_crm_type_by_text():
    q = o.crm_type_quiz(with_answers=True)
    row = q.iloc[5]
    assert o.check_crm_type(row["activity"].upper(), row["answer"]).correct


def test_check_crm_type_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="`answer`"):
        o.check_crm_type(1, "strategic")
    with pytest.raises(TypeError, match="`answer`"):
        o.check_crm_type(1, None)
    with pytest.raises(ValueError, match="`activity`"):
        o.check_crm_type(13, "operational")
    with pytest.raises(ValueError, match="`activity`"):
        o.check_crm_type("Playing golf with a client.", "operational")
    with pytest.raises(TypeError, match="`activity`"):
        o.check_crm_type(1.5, "operational")


def test_score_crm_type_quiz_all_correct_and_one_wrong():
    q = o.crm_type_quiz(with_answers=True)
    answers = dict(zip(q["item"], q["answer"]))
    assert o.score_crm_type_quiz(answers)["correct"].all()
    answers[1] = "analytical"
    s = o.score_crm_type_quiz(answers)
    assert s["correct"].sum() == 11 and not s.loc[0, "correct"]


# ---------------------------------------------------------------- failure quiz, checklist
def test_failure_quiz_covers_every_reason_twice():
    q = o.failure_quiz(with_answers=True)
    assert q["answer"].value_counts().to_dict() == {k: 2 for k in o.FAILURE_REASONS}


def test_check_failure_reason():
    assert o.check_failure_reason(1, "hardware first").correct
    r = o.check_failure_reason(1, "No Economics")
    assert not r.correct and r.expected == "hardware first" and "instead" in r.explanation
    with pytest.raises(ValueError, match="`answer`"):
        o.check_failure_reason(1, "bad luck")


def test_principles_checklist():
    c = o.principles_checklist([2, 7])
    assert c["done"].tolist() == [False, True, False, False, False, False, True]
    assert not o.principles_checklist()["done"].any()
    with pytest.raises(ValueError, match="`ticked`"):
        o.principles_checklist([0, 8])
    with pytest.raises(ValueError, match="`ticked`"):
        o.principles_checklist([True])


# ---------------------------------------------------------------- content of CRM -> tables
def test_content_map_covers_every_schema_table_once():
    m = o.content_map()
    assert sorted(m["table"]) == sorted(schema.TABLES)
    assert m["table"].is_unique
    assert m["part"].unique().tolist() == [
        "identifying customers",
        "service staff",
        "market behaviour",
        "information and systems",
    ]
    assert m.set_index("table").loc["orders", "key"] == "order_id"
    assert m.set_index("table").loc["order_lines", "key"] == "order_id, line_no"


def test_content_map_counts_rows_of_given_data():
    data = {name: pd.DataFrame({"x": range(i + 1)}) for i, name in enumerate(schema.TABLES)}
    m = o.content_map(data).set_index("table")
    for i, name in enumerate(schema.TABLES):
        assert m.loc[name, "rows"] == i + 1


def test_content_map_rejects_incomplete_data():
    with pytest.raises(ValueError, match="`data` lacks"):
        o.content_map({"customers": pd.DataFrame()})
    with pytest.raises(TypeError, match="`data`"):
        o.content_map([1, 2])


# ---------------------------------------------------------------- plots of the cases and the cycle
def test_plot_case_results_bars_match_figures():
    ax = o.plot_case_results()
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == [-28.0, 2.0, 16.0, 36.0]
    matplotlib.pyplot.close(ax.figure)


def test_plot_small_business_lending_bars_match_figures():
    fig = o.plot_small_business_lending()
    loans, profit = fig.axes
    assert [p.get_height() for p in loans.patches] == [200, 1200, 1500, 3400, 4300, 5600]
    assert [p.get_height() for p in profit.patches] == [0, 51, 69, 105, 209, 275]
    matplotlib.pyplot.close(fig)


def test_plot_crm_cycle_labels_every_step_with_chapters():
    ax = o.plot_crm_cycle()
    texts = [t.get_text() for t in ax.texts if t.get_text()]
    assert any(t.startswith("1. set goals") and "ch. 1" in t for t in texts)
    assert any(t.startswith("5. run the") and "ch. 4" in t for t in texts)
    assert sum(t[0].isdigit() for t in texts) == 7
    matplotlib.pyplot.close(ax.figure)


# ---------------------------------------------------------------- both languages, from the data file
LISTS = [
    "crm_definition",
    "crm_definitions",
    "crm_essence",
    "why_strategic",
    "crm_benefits",
    "information_roles",
    "implementation_principles",
    "hughes_model",
    "key_success_factors",
    "deck_tenets",
    "industries_by_stage",
    "china_key_questions",
    "rollout_phases",
    "it_pages",
    "organisation_change",
    "deck_pilot_results",
    "crm_stages",
    "crm_stage_figures",
    "crm_cycle",
    "case_results",
    "shell_canada_tactics",
    "failure_reasons",
    "content_map",
]


@pytest.mark.parametrize("name", LISTS)
def test_each_list_has_the_same_shape_and_numbers_in_both_languages(name):
    en, zh = getattr(o, name)(lang="en"), getattr(o, name)(lang="zh")
    assert en.shape == zh.shape and list(en.columns) == list(zh.columns)
    numeric = en.select_dtypes("number").columns
    pd.testing.assert_frame_equal(en[numeric], zh[numeric])
    texts = [c for c in zh.columns if zh[c].dtype == object or isinstance(zh[c].dtype, pd.StringDtype)]
    chinese = [c for c in texts if zh[c].astype(str).str.contains("[\u4e00-\u9fff]").all()]
    assert chinese, f"{name}: no column is Chinese in the Chinese edition"


def test_text_follows_the_current_language():
    from crm_lessons import i18n

    try:
        i18n.set_language("zh")
        assert o.crm_essence()["point"].iloc[0] == "客户资源价值的最大化"
        r = o.check_crm_type(1, "分析型")
        assert str(r).startswith("不对") and "运营型" in str(r)
        assert str(o.check_failure_reason(4, "no test and learn")).startswith("正确")
        fig = o.plot_crm_stages()
        assert fig.axes[0].get_title() == "每年的试验次数"
        matplotlib.pyplot.close(fig)
    finally:
        i18n.set_language("en")
    assert o.crm_essence()["point"].iloc[0] == "maximise the value of the customer base"


def test_quiz_accepts_the_activity_text_in_either_language():
    zh = o.crm_type_quiz(with_answers=True, lang="zh")
    assert o.check_crm_type(zh.loc[0, "activity"], zh.loc[0, "answer"]).correct


def test_mechanism_definition_is_about_customers_and_connotation_is_separate():
    d = o.crm_definition(lang="en").set_index("view")
    assert "distributors" not in d.loc["management mechanism", "meaning"]
    assert "customers" in d.loc["management mechanism", "meaning"]
    schools = o.crm_definitions(lang="en")
    assert len(schools) == 5
    assert schools["definition"].str.contains("distributors and partners").sum() == 1
    assert schools["definition"].str.contains("larger share of the customers' disposable income").sum() == 1


def test_readings_of_garbled_source_are_flagged_in_both_languages():
    for lang, mark in [("en", "reading"), ("zh", "本书的解读")]:
        churn = o.case_results(lang=lang).loc[0, "note"]
        assert mark in churn
        assert mark in o.lending_unit(lang=lang)
        assert mark in o.cycle_note(lang=lang)
    assert "million US dollars" in o.lending_unit(lang="en") and "百万美元" in o.lending_unit(lang="zh")
    fig = o.plot_small_business_lending()
    assert "reading" in fig.axes[0].get_ylabel()
    matplotlib.pyplot.close(fig)


def test_deck_material_of_issue_11():
    tenets = o.deck_tenets(lang="en")["tenet"].tolist()
    assert tenets == ["focus on profit", "analyse in depth", "be practical", "take a holistic view"]
    assert o.rollout_phases(lang="en")["phase"].tolist() == ["pilot", "rollout", "rocket science"]
    assert len(o.china_key_questions()) == 4
    assert o.it_pages()["page"].tolist() == [25, 30, 31, 32, 33, 34]
    p = o.deck_pilot_results()
    assert p["overall_churn_fall"].tolist() == [8, 15, 36, 42, 14, 80]
    assert p["key_segment_churn_fall"].tolist() == [46, 76, 71, 88, 76, 80]
    assert p["impact_musd"].tolist() == [6, 1, 3, 13, 3, 5]
    assert o.BUDGET_NUMBERS_AS_PRINTED == (15, 25, 25, 35, 30, 35, 35)
    ind = o.industries_by_stage(lang="en")
    assert ind["position"].between(1, 3).all() and len(ind) == 10
    assert len(o.crm_benefits()) == 5 and len(o.information_roles()) == 9
