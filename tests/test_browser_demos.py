"""Every widget in a real browser: the demo pages (``crm-lessons demo``, Voila) and JupyterLab.

Debian's Chromium is driven by Playwright (``executable_path="/usr/bin/chromium"``; no browser
download). One Voila server (the demo server of ``crm-lessons demo``), one JupyterLab server
and one browser are shared by all cases.

* Every English demo page opens, fits the window without scrolling at 1280×720 with 150 %
  zoom (853×480 CSS pixels) and at 1920×1080, and each widget's control is changed as a person
  would (arrow keys on a slider handle, a mouse drag, a click on a toggle, a choice in a
  drop-down, typing): the status line then shows what the topic function gives for the new
  setting, and the figure changes.
* Every Chinese demo page opens with its Chinese title.
* In JupyterLab, a notebook displaying every widget as the chapters do is run, and the same
  changes give the same answers.
* Nowhere a JavaScript error or "Error displaying widget".

Needs: ``apt-get install chromium`` (``/usr/bin/chromium``) and ``pip install playwright``.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from browser_support import (
    CHROMIUM,
    chromium_context,
    dropdowns,
    jupyter_lab,
    open_notebook,
    run_all,
    slider,
    text_box,
    widgets_notebook,
)

LOAD = 120_000  # ms: a page starts a kernel and loads the case data (slow on a busy machine)
STEP = 30_000  # ms: one control change to its answer

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]


# ------------------------------------------------------------------------------ expected answers
@pytest.fixture(scope="module")
def case():
    """The case data and the topic functions' answers the widgets must show."""
    from crm_lessons import data, i18n, rfm, targeting

    i18n.set_language("en")
    sales, customers = data.load_sales(), data.load_customers()
    return {
        "sales": sales,
        "customers": customers,
        "orders": data.load_orders(),
        "pilot": data.load_pilot(),
        "products": data.load_products(),
        "purchases": rfm.purchases_from_sales(sales),
        "value": sales.groupby("customer_id")[["revenue", "profit"]].sum(),
        "campaign": targeting.campaign_frame(
            customers, sales, cutoff="2024-07-01", end="2024-12-31", kinds=["consumer"]
        ),
    }


def expect_abc(case, a):
    from crm_lessons.abc_analysis import abc_summary
    from crm_lessons.performance import customer_totals

    s = abc_summary(customer_totals(case["sales"], "profit"), (a, 0.20))
    a = s.loc["A"]
    return f"best {a['customer_share']:.0%} of customers bring {a['value_share']:.0%} of profit"


def expect_screening(case, weights):
    from crm_lessons.screening import CRITERIA, check_weights

    w = check_weights([weights[k] for k in CRITERIA])
    return f"annual purchases {w[0]:.0%}, profitability {w[1]:.0%}"


def expect_basket(case, confidence):
    from crm_lessons.basket import filter_rules, pair_statistics

    pairs = pair_statistics(case["sales"], "product_id")
    n = len(filter_rules(pairs, 0.005, confidence, 1.0))
    return f"{n:,} of {len(pairs):,} rules pass"


def expect_rfm(case, frequency_edges):
    from crm_lessons.rfm import rfm_segments, segment_summary
    from crm_lessons.widgets.rfm import DEFAULT_EDGES, _round_edges, parse_edges, rfm_table

    monetary = _round_edges(rfm_table(case["purchases"], "2025-01-01")["monetary"].to_numpy())
    edges = {
        "recency": parse_edges(DEFAULT_EDGES["recency"]),
        "frequency": parse_edges(frequency_edges),
        "monetary": parse_edges(monetary),
    }
    seg = rfm_segments(case["purchases"], "2025-01-01", edges=edges)
    s = segment_summary(seg, case["value"])
    top = s["revenue_share"].idxmax()
    return (
        f"'{top}' holds {s.loc[top, 'customer_share']:.0%} of customers and {s.loc[top, 'revenue_share']:.0%}"
    )


def expect_targeting(case, share):
    from crm_lessons import pilots
    from crm_lessons.targeting import mass_vs_targeted

    uplift = round(float(pilots.response_uplift(case["pilot"])["relative_uplift"]), 4)
    c = mass_vs_targeted(case["campaign"], cost_per_contact=300, top_share=share, uplift=uplift)
    return f"best {share:.0%}: net profit {c.iloc[1]['net_profit']:,.0f} CNY"


def expect_clv(case, retention):
    # the starting margin is the chapter's consumer margin (built as the chapter builds it)
    from crm_lessons.clv import simple_clv_variants
    from crm_lessons.widgets.demos import build_widget

    margin = build_widget("clv").margin.value
    v = simple_clv_variants(margin, retention, 0.08, horizon=10)
    return f"{v.loc['excluded', 'clv']:,.2f}"


def expect_pilots(case, region):
    from crm_lessons.pilots import response_uplift

    part = case["pilot"].merge(case["customers"][["customer_id", "region"]], on="customer_id")
    r = response_uplift(part[part["region"].astype(str) == region])
    return (
        f"region = {region}: response {r['rate_treatment']:.1%} with the programme vs {r['rate_control']:.1%}"
    )


def expect_retention(case, definition):
    from crm_lessons.retention import cohort_retention

    t = cohort_retention(case["orders"], case["customers"], by="tier")
    rate = t[(t["year"] == 2024) & (t["tier"].astype(str) == "gold")]["retention_rate"].iloc[0]
    return f"cohort definition: {rate:.1%}"


def expect_quiz_type(case, answer):
    from crm_lessons.overview import check_crm_type

    return str(check_crm_type(1, answer))[:60]


def expect_quiz_failure(case, answer):
    from crm_lessons.overview import check_failure_reason

    return str(check_failure_reason(4, answer))[:60]


def expect_glossary(case, text):
    from crm_lessons.glossary import lookup

    n = len(lookup(text))
    return f'{n} term{"" if n == 1 else "s"} match{"es" if n == 1 else ""} "{text}"'


# ------------------------------------------------------------------------------ acting as a person
def _press(root, label, key="ArrowRight", times=1):
    handle = slider(root, label).locator(".noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def _drag(root, label, dx):
    """Drag the slider's handle ``dx`` pixels with the mouse; return the readout afterwards."""
    bar = slider(root, label)
    handle = bar.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    before = bar.locator(".widget-readout").inner_text()
    box = handle.bounding_box()
    page = root.page
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + dx * i / 10, y)
        page.wait_for_timeout(20)
    page.mouse.up()
    deadline = time.time() + 5
    while bar.locator(".widget-readout").inner_text() == before and time.time() < deadline:
        page.wait_for_timeout(50)
    after = bar.locator(".widget-readout").inner_text()
    assert after != before, f"dragging {label!r} did not move it"
    return after


def _toggle(root, text):
    root.locator(".widget-toggle-button", has_text=text).first.click()


def _choose(root, label, option, index=0):
    dropdowns(root, label).nth(index).locator("select").select_option(label=option)


def _type(root, label, text):
    field = text_box(root, label)
    field.locator("input").fill("")
    field.locator("input").press_sequentially(text, delay=30)


# demo name -> (what a person does, returns the control's new value; what the status must then say)
ACTIONS = {
    "abc": (lambda r: (_press(r, "A ends at"), 0.06)[1], expect_abc),
    "screening": (
        lambda r: (
            _press(r, "annual purchases"),
            {"annual_purchases": 6, "profitability": 5, "safety": 5, "future_potential": 5, "cooperation": 5},
        )[1],
        expect_screening,
    ),
    "basket": (lambda r: (_press(r, "min confidence", times=15), 0.35)[1], expect_basket),
    "rfm": (
        lambda r: (_toggle(r, "fixed edges"), _type(r, "Frequency", "1, 3, 5, 9"), "1, 3, 5, 9")[2],
        expect_rfm,
    ),
    "targeting": (lambda r: int(_drag(r, "Targeted reach", 60).rstrip("%")) / 100, expect_targeting),
    "clv": (
        lambda r: (
            _press(r, "Retention"),
            round(float(slider(r, "Retention").locator(".widget-readout").inner_text().rstrip("%")) / 100, 2),
        )[1],
        expect_clv,
    ),
    "pilots": (lambda r: (_choose(r, "region", "North"), "North")[1], expect_pilots),
    "retention": (lambda r: (_toggle(r, "cohort"), "cohort")[1], expect_retention),
    "quiz_type": (lambda r: (_choose(r, None, "operational", 0), "operational")[1], expect_quiz_type),
    "quiz_failure": (
        lambda r: (_choose(r, None, "no test and learn", 3), "no test and learn")[1],
        expect_quiz_failure,
    ),
    "glossary": (lambda r: (_type(r, "Search", "loyal"), "loyal")[1], expect_glossary),
}


def _image_src(root) -> str:
    img = root.locator("img")
    return img.first.get_attribute("src") if img.count() else ""


def _wait_for_text(root, text: str, timeout: int = STEP) -> None:
    deadline = time.time() + timeout / 1000
    while time.time() < deadline:
        if text in root.inner_text():
            return
        time.sleep(0.1)
    raise AssertionError(f"the widget never showed {text!r}; it shows:\n{root.inner_text()[:1500]}")


NAMES_JS = """el => [...el.querySelectorAll('.noUi-handle, select, input, button')].map(c => {
  if (c.getAttribute('aria-label')) { return c.getAttribute('aria-label').trim(); }
  if (c.id) { const l = document.querySelector(`label[for="${c.id}"]`); if (l && l.textContent.trim()) {
    return l.textContent.trim(); } }
  return (c.textContent || c.title || '').trim();
})"""


def assert_named(root) -> None:
    """Every control (slider handle, drop-down, text box, button) has an accessible name."""
    deadline = time.time() + 10
    names = root.evaluate(NAMES_JS)
    while not all(names) and time.time() < deadline:
        time.sleep(0.2)
        names = root.evaluate(NAMES_JS)
    assert names and all(names), f"controls without an accessible name: {names}"


def exercise(case, root, name: str) -> None:
    """Change the widget's control as a person would; check its text and figure follow the topic function."""
    act, expect = ACTIONS[name]
    before = _image_src(root)
    value = act(root)
    _wait_for_text(root, expect(case, value))
    if before:
        deadline = time.time() + STEP / 1000
        while _image_src(root) == before and time.time() < deadline:
            time.sleep(0.1)
        assert _image_src(root) != before, f"{name}: the figure did not change"
        assert root.locator("img").first.evaluate("img => img.naturalWidth") > 100


# ------------------------------------------------------------------------------ browser and servers
@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs `pip install playwright`")
    with sync_api.sync_playwright() as p:
        with chromium_context(p, viewport={"width": 853, "height": 480}, device_scale_factor=1.5) as context:
            yield context


def _watch(page) -> list[str]:
    """JavaScript errors of the page (network errors of a machine without internet aside)."""
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(f"pageerror: {err}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console: {msg.text}")
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None
        ),
    )
    return errors


@pytest.fixture(scope="module")
def demo_server():
    from crm_lessons.widgets.demos import DEMO_DIR, DemoServer, stale_demo_notebooks

    assert stale_demo_notebooks() == [], (
        "demos/ is stale: run crm_lessons.widgets.demos.write_demo_notebooks()"
    )
    server = DemoServer(DEMO_DIR)
    server.start(timeout=120)
    try:
        yield server
    finally:
        server.stop()


def _open_demo(browser, server, rel: str):
    page = browser.new_page()
    errors = _watch(page)
    for attempt in range(2):  # standalone Voila now and then stops sending a page: one retry
        try:
            page.goto(server.url(rel), timeout=LOAD)
            page.locator(".crm-demo").wait_for(timeout=LOAD)
            break
        except Exception:
            if attempt:
                raise
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, errors


def _assert_clean(page, errors):
    assert "Error displaying widget" not in page.content()
    assert errors == []


# ------------------------------------------------------------------------------ the cases
from crm_lessons.widgets.demos import DEMOS, demo_file  # noqa: E402


@pytest.mark.parametrize("name", [d.name for d in DEMOS])
def test_demo_page_fits_the_screen_and_answers_like_the_topic_function(browser, demo_server, case, name):
    demo = next(d for d in DEMOS if d.name == name)
    page, errors = _open_demo(browser, demo_server, f"en/{demo_file(demo)}")
    try:
        root = page.locator(".crm-demo")
        for width, height in ((853, 480), (1920, 1080)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(150)
            size = page.evaluate(
                "[document.scrollingElement.scrollWidth, document.scrollingElement.scrollHeight,"
                " innerWidth, innerHeight]"
            )
            assert size[0] <= size[2] and size[1] <= size[3], f"{name} scrolls at {width}x{height}: {size}"
            inside = root.evaluate(
                "el => { const r = el.getBoundingClientRect(); "
                "return [...el.querySelectorAll('.crm-demo-controls, .crm-demo-plot')]"
                ".every(c => c.getBoundingClientRect().bottom <= r.bottom + 1); }"
            )
            assert inside, f"{name}: controls or plot run off the page at {width}x{height}"
        page.set_viewport_size({"width": 853, "height": 480})
        assert_named(root)
        exercise(case, root, name)
        _assert_clean(page, errors)
    finally:
        page.close()


def test_chinese_demo_pages_open_in_chinese(browser, demo_server):
    from crm_lessons.i18n import tr

    batch = 4  # pages opened at once (their kernels start side by side)
    for first in range(0, len(DEMOS), batch):
        opened = []
        for demo in DEMOS[first : first + batch]:
            page = browser.new_page()
            opened.append((demo, page, _watch(page)))
            page.goto(demo_server.url(f"zh/{demo_file(demo)}"), wait_until="commit", timeout=LOAD)
        for demo, page, errors in opened:
            try:
                page.locator(".crm-demo h1").wait_for(timeout=LOAD)
                assert page.locator(".crm-demo h1").inner_text() == tr(
                    f"widgets.{demo.name}.title", lang="zh"
                )
                assert re.search(r"[\u4e00-\u9fff]", page.locator(".crm-demo-body").inner_text())
                _assert_clean(page, errors)
            finally:
                page.close()


def test_index_page_lists_every_demo(browser, demo_server):
    page, errors = browser.new_page(), []
    try:
        errors = _watch(page)
        page.goto(demo_server.url("index_en.ipynb"), timeout=LOAD)
        page.get_by_text("CRM Lessons — class demos").wait_for(timeout=LOAD)
        hrefs = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        for demo in DEMOS:
            assert f"en/{demo_file(demo)}" in hrefs and f"zh/{demo_file(demo)}" in hrefs
        _assert_clean(page, errors)
    finally:
        page.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab with a notebook that displays every widget as the chapters do."""
    root = tmp_path_factory.mktemp("lab")
    nb = widgets_notebook(demo.name for demo in DEMOS)
    (root / "widgets.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    token = "crm-demo-test"
    with jupyter_lab(root, token) as base:
        yield {"base": base, "token": token}


def test_every_widget_in_jupyterlab_answers_like_the_topic_function(browser, lab, case):
    page = browser.new_page()
    errors = _watch(page)
    page.set_viewport_size({"width": 1600, "height": 1000})
    try:
        open_notebook(page, lab["base"], lab["token"], "widgets.ipynb", LOAD)
        run_all(page)
        for demo in DEMOS:
            root = page.locator(f".crm-w-{demo.name}").first
            root.wait_for(timeout=LOAD)
            root.scroll_into_view_if_needed()
            assert_named(root)
            exercise(case, root, demo.name)
        _assert_clean(page, errors)
    finally:
        page.close()
