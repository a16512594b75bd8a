"""The page's editor side in a real browser: errors with a caret under the offending
character (while the last good graph stays), inputs that keep their values across
edits, the examples menu and the operators dialog."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser import PageLog, open_app, snapshot

LECTURE = "(x+y)*z"
LECTURE_VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}


def variables(page: Page) -> dict[str, str]:
    """The inputs, in the order shown: name -> the text in the box."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '#variables input[data-variable]')].map((i) => [i.dataset.variable, i.value]))""")


def number_text(value: float) -> str:
    """A number as JavaScript's String() writes it (what the page puts in an input)."""
    return str(int(value)) if float(value).is_integer() else repr(value)


@pytest.mark.parametrize(("name", "source", "line_number", "culprit"), [
    pytest.param("error", "(x+y) * z $ 2", 1, "$", id="first-line"),
    # Spans count code points; the emoji on the line above is two UTF-16 units in JavaScript.
    pytest.param("error-line-2", "q = x + y  # 😀 note\nf = q $ z", 2, "$", id="after-an-emoji"),
    pytest.param("error-emoji", "x + 😀 + y", 1, "😀", id="on-an-emoji"),
])
def test_invalid_source_shows_the_caret_and_keeps_the_graph(
        page: Page, page_log: PageLog, artifacts: Path,
        name: str, source: str, line_number: int, culprit: str):
    # Chrome logs every 4xx answer as "Failed to load resource"; the 400 from /api/graph is
    # the expected answer to an invalid source, so exactly that message is allowed here.
    page_log.allow_console(
        r"Failed to load resource: the server responded with a status of 400 \(Bad Request\)",
        "/api/graph")
    open_app(page, LECTURE, LECTURE_VALUES, step="end")
    before = snapshot(page)

    page.locator("#source").fill(source)
    error = page.locator("#error")
    expect(error).to_be_visible()
    expect(page.locator("#graph")).to_have_class(re.compile(r"\bstale\b"))
    # The message is for the reader; the code only in its tooltip.
    expect(error.locator(".error-message")).to_have_attribute("title", "error code: unexpected_character")
    expect(error).not_to_contain_text("unexpected_character")
    expect(error.locator(".error-message")).to_contain_text(f"'{culprit}'")

    # "2 | f = q $ z" over "          ^": the caret's column is the culprit's, in code points.
    caret = error.locator(".error-caret")
    code_line, marks = caret.text_content().split("\n")
    gutter = f"{line_number} | "
    assert code_line == gutter + source.splitlines()[line_number - 1]
    assert marks.strip() == "^", marks
    assert code_line[marks.index("^")] == culprit
    assert int(caret.get_attribute("data-start")) == source.index(culprit)
    assert int(caret.get_attribute("data-end")) == source.index(culprit) + 1
    # The editor marks the same character (the mirror's error mark, as a reader sees it).
    expect(page.locator("#source-mirror mark.mark-error")).to_have_text(culprit)

    # The last good graph stays, with its numbers, until the source is valid again.
    after = snapshot(page)
    assert (after["nodes"], after["edges"], after["output"]) == (
        before["nodes"], before["edges"], before["output"])
    page.screenshot(path=artifacts / f"{name}.png")

    page.locator("#source").fill(LECTURE)
    expect(error).to_be_hidden()
    expect(page.locator("#graph")).not_to_have_class(re.compile(r"\bstale\b"))


def test_values_persist_across_source_edits(page: Page):
    open_app(page, LECTURE, LECTURE_VALUES, step="end")
    page.locator('#variables input[data-variable="x"]').fill("7")
    x_node = page.locator('#graph .node.kind-input[data-value="7"]')
    expect(x_node).to_have_count(1)  # the new value reached the engine and came back

    page.locator("#source").fill("x*w + y")
    expect(page.locator('#variables input[data-variable="w"]')).to_have_count(1)
    # Still present: kept; new: 1; gone: no input.
    assert variables(page) == {"x": "7", "w": "1", "y": "5"}

    # A variable typed again gets its value back.
    page.locator("#source").fill("(x+y)*z + w")
    expect(page.locator('#variables input[data-variable="z"]')).to_have_count(1)
    assert variables(page) == {"x": "7", "y": "5", "z": "-4", "w": "1"}


def test_examples_menu_loads_an_example(page: Page, live_server: str):
    examples = httpx.get(f"{live_server}/api/examples").json()["examples"]
    example = examples[1]  # not the first: that one is loaded when the page opens
    engine = httpx.post(f"{live_server}/api/graph",
                        json={"source": example["source"], "values": example["values"]}).json()
    open_app(page)
    menu = page.locator("#examples")
    expect(menu.locator("option")).to_have_count(len(examples) + 1)  # and "Choose…"

    menu.select_option(example["id"])
    expect(page.locator("#source")).to_have_value(example["source"])
    expect(page.locator("#step-label")).to_have_text(f"start · {len(engine['steps'])} steps")
    expect(page.locator("#graph .node[data-node-id]")).to_have_count(len(engine["nodes"]))
    assert variables(page) == {name: number_text(v) for name, v in example["values"].items()}
    expect(page.locator("#example-description")).to_have_text(example["description"])
    expect(menu).to_have_value("")  # so the same example can be chosen again


def test_help_lists_every_operator(page: Page, live_server: str):
    operators = httpx.get(f"{live_server}/api/operators").json()["operators"]
    open_app(page)
    page.locator("#help-open").click()
    help_dialog = page.locator("#help")
    expect(help_dialog).to_be_visible()
    rows = help_dialog.locator("#help-operators tr")
    expect(rows).to_have_count(len(operators))
    for i, operator in enumerate(operators):
        written, means = (rows.nth(i).locator("td").nth(j).text_content() for j in (0, 1))
        for spelling in operator["signs"] + operator["aliases"]:
            assert spelling in written.split(), (operator["name"], written)
        assert means == operator["formula"]
    page.locator("#help-close").click()
    expect(help_dialog).to_be_hidden()
