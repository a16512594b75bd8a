"""Predict mode in a real browser: the lecture example (x+y)*z at x=−2, y=5, z=−4 answered
step by step, with right, wrong and diagnosed answers, a reveal and the score; the
tolerance the teacher sets; the quiz link that opens the same quiz."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import PageLog, blur, node, node_ids_by_label

LECTURE = "(x+y)*z"
QUIZ = "/?src=(x%2By)*z&v.x=-2&v.y=5&v.z=-4&mode=predict"


def open_quiz(page: Page, url: str = QUIZ) -> None:
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#predict")).to_be_visible()
    blur(page)


def answer(page: Page, text: str) -> None:
    page.locator('input[name="prediction"]').fill(text)
    page.locator('input[name="prediction"]').press("Enter")


def verdict(page: Page):
    return page.locator("#predict-verdict")


def question(page: Page):
    return page.locator("#explain-lines .explain-text").first


def next_question(page: Page) -> None:
    page.keyboard.press("ArrowRight")
    expect(page.locator('input[name="prediction"]')).to_be_visible()


def test_a_full_predict_run_of_the_lecture_example(page: Page, artifacts: Path):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_quiz(page)
    scrubber = page.locator("#scrubber")
    field = page.locator('input[name="prediction"]')
    for k in (1, 2, 3):  # the inputs are given: nothing to predict
        page.keyboard.press("ArrowRight")
        expect(scrubber).to_have_value(str(k))
    expect(field).to_be_hidden()

    # q = x + y: hidden until answered, the node highlighted
    next_question(page)
    add = node(page, node_ids_by_label(page)["+"])
    expect(question(page)).to_have_text("x + y = \u22122 + 5 = ?")
    expect(page.locator(".predict-asked")).to_have_text("x + y =")  # what to type
    expect(add).to_have_class(re.compile(r"\bcurrent\b"))
    expect(add).not_to_have_attribute("data-value", re.compile(".*"))
    page.screenshot(path=artifacts / "predict-question-1280x800.png")
    answer(page, "7")  # the minus sign of x dropped: diagnosed
    expect(verdict(page)).to_have_text("✗ Not 7: that drops the minus sign of x = \u22122. Try again, or reveal it.")
    expect(verdict(page)).to_have_attribute("data-verdict", "mistake")
    expect(scrubber).to_have_value("3")  # not revealed
    page.screenshot(path=artifacts / "predict-diagnosed-1280x800.png")
    answer(page, "3")
    expect(verdict(page)).to_have_text("✓ Right: 3.")
    expect(scrubber).to_have_value("4")
    expect(add).to_have_attribute("data-value", "3")
    expect(question(page)).to_have_text("x + y = \u22122 + 5 = 3")  # the step, revealed

    # f = (x+y)·z, right the first time; Enter on "Next step" goes on
    expect(page.locator(".predict-next")).to_be_focused()
    page.keyboard.press("Enter")
    expect(question(page)).to_have_text("f = (x+y) · z = 3 · (\u22124) = ?")
    answer(page, "-12")
    expect(verdict(page)).to_have_text("✓ Right: \u221212.")

    # the seed: 0 is diagnosed, then revealed
    next_question(page)
    expect(question(page)).to_have_text("∂f/∂f = ?")
    answer(page, "0")
    expect(verdict(page)).to_contain_text("every gradient starts at 0 except the output's own")
    page.locator(".predict-reveal").click()
    expect(verdict(page)).to_have_text("The answer: 1.")
    expect(scrubber).to_have_value("6")

    # into z: right to 3 significant digits
    next_question(page)
    expect(question(page)).to_have_text("∂f/∂z = ∂f/∂f · (x+y) = ?")
    expect(page.locator("#explain-lines")).not_to_contain_text("(x+y) = 3")  # the local gradient's value hidden
    answer(page, "3.004")
    expect(verdict(page)).to_have_text("✓ Right: 3.")

    # into x + y: the upstream gradient alone is diagnosed, 5 is only wrong
    next_question(page)
    answer(page, "1")
    expect(verdict(page)).to_contain_text("that is the upstream gradient ∂f/∂f alone")
    answer(page, "5")
    expect(verdict(page)).to_have_text("✗ Not 5. Try again, or reveal it.")
    expect(verdict(page)).to_have_attribute("data-verdict", "wrong")
    answer(page, "abc")
    expect(verdict(page)).to_have_text("Type a number, such as −4, 0.5 or 1e-3.")
    answer(page, "-4")
    expect(verdict(page)).to_have_text("✓ Right: \u22124.")

    # into y and x, the last with a minus sign pasted from slides
    next_question(page)
    answer(page, "-4")
    next_question(page)
    expect(question(page)).to_have_text("∂f/∂x = ∂f/∂(x+y) · ∂(x+y)/∂x = ?")
    answer(page, "\u22124")
    expect(verdict(page)).to_have_text("✓ Right: \u22124.")
    expect(scrubber).to_have_value("10")
    expect(page.locator(".predict-score")).to_have_text(
        "Score: 4 of 7 right the first time; 3 slips diagnosed.")
    expect(page.locator("#summary")).to_be_visible()
    ids = node_ids_by_label(page)
    for label, grad in (("x", "-4"), ("y", "-4"), ("z", "3")):
        expect(node(page, ids[label])).to_have_attribute("data-grad", grad)
    page.screenshot(path=artifacts / "predict-score-1280x800.png")


def test_play_and_end_stop_at_the_next_question(page: Page):
    open_quiz(page)
    page.keyboard.press("End")
    expect(page.locator("#scrubber")).to_have_value("3")  # held before q = x + y
    expect(page.locator('input[name="prediction"]')).to_be_focused()
    page.locator(".predict-reveal").click()
    page.locator("#btn-play").click()
    expect(page.locator("#scrubber")).to_have_value("4")
    expect(question(page)).to_have_text("f = (x+y) · z = 3 · (\u22124) = ?")
    expect(page.locator("#btn-play")).to_have_attribute("aria-pressed", "false")


def test_the_tolerance_and_the_quiz_link(page: Page, page_log: PageLog,
                                         new_context: Callable[..., BrowserContext]):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_quiz(page)
    page.locator(".predict-digits").select_option("1")  # the teacher's tolerance
    # the engine's new quiz is in once its rule says so
    expect(page.locator(".predict-settings")).to_have_attribute("title", re.compile("agrees to 1 significant digit:"))
    blur(page)
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    answer(page, "3.4")  # 3 to one significant digit
    expect(verdict(page)).to_have_text("✓ Right: 3.")
    page.locator(".predict-link").click()
    expect(verdict(page)).to_contain_text("Quiz link copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert "mode=predict" in link and "tol=1" in link and "step=0" in link, link

    other_context = new_context()
    page_log.watch(other_context)
    other = other_context.new_page()
    open_quiz(other, link)
    expect(other.locator(".predict-digits")).to_have_value("1")
    expect(other.locator("#scrubber")).to_have_value("0")
    for _ in range(4):
        other.keyboard.press("ArrowRight")
    expect(question(other)).to_have_text("x + y = \u22122 + 5 = ?")  # the same quiz, from its start
    answer(other, "3.4")
    expect(verdict(other)).to_have_text("✓ Right: 3.")
    # with the default three digits, 3.4 is not 3
    page.goto(QUIZ)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    blur(page)
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    answer(page, "3.4")
    expect(verdict(page)).to_have_text("✗ Not 3.4. Try again, or reveal it.")


def test_fan_out_asks_the_contribution_then_the_running_sum(page: Page):
    open_quiz(page, "/?src=x*x*x*x&v.x=0.5&mode=predict")
    page.keyboard.press("End")  # to the first question
    field = page.locator('input[name="prediction"]')
    sums = 0
    while not page.locator(".predict-score").is_visible():
        expect(field).to_be_visible()
        if page.locator("#explain-lines .explain-sum").count() and "?" in question(page).inner_text():
            expect(page.locator(".predict-asked")).to_have_text(re.compile(r"^contribution \d of 4 =$"))
        page.locator(".predict-reveal").click()
        if page.locator(".predict-next").is_visible():
            page.locator(".predict-next").click()
        elif not page.locator(".predict-score").is_visible():
            # the same step asks again: its running sum, now that its contribution is known
            expect(question(page)).to_have_text(re.compile(r"^contribution \d of \d to ∂f/∂x: .* = \S+$"))
            expect(page.locator(".predict-asked")).to_have_text(re.compile(r"^∂f/∂x (so far )?=$"))
            expect(page.locator("#explain-lines .explain-sum")).to_contain_text(re.compile(r"\+ \S+ = \?"))
            sums += 1
    assert sums == 3  # contributions 2, 3 and 4 to ∂f/∂x each ask their running sum
    expect(page.locator(".predict-score")).to_have_text(
        re.compile(r"^Score: 0 of (\d+) right the first time; \1 revealed without an answer\.$"))
