"""The page's layout in a real browser, at the window sizes a classroom has: nothing
wraps, overlaps or disappears. (Screens of the main states are in tests/artifacts/.)"""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser import open_app

LECTURE = "(x+y)*z"
LECTURE_VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not displayed"
    return found


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 1.0) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def test_top_bar_stays_on_one_line_in_both_themes(page: Page):
    # 1280 x 720: a common projector. The theme button's label changes with the theme
    # ("☾ Dark" / "☀ Light"); neither may push it onto a second row and the page down.
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, LECTURE, LECTURE_VALUES)
    for theme in ("light", "dark"):
        if page.locator("html").get_attribute("data-theme") != theme:
            page.locator("#theme").click()
        tops = {box(page, f"#{button}")["y"]
                for button in ("help-open", "share", "export-svg", "export-png", "theme")}
        assert len(tops) == 1, f"{theme}: the top bar's buttons are on {len(tops)} rows"


def test_narrow_window_keeps_graph_inputs_and_panel_apart(page: Page):
    # 1024 x 768: an older projector, or a 1280-pixel laptop at 125 % zoom. Below
    # 1100 px the page stacks its three panels; each must still show what it holds.
    page.set_viewport_size({"width": 1024, "height": 768})
    open_app(page, LECTURE, LECTURE_VALUES, step=8)
    graph, graph_panel = box(page, "#graph"), box(page, ".graph-panel")
    assert inside(graph, graph_panel), f"the graph {graph} spills out of its panel {graph_panel}"
    explain = box(page, ".explain-panel")
    assert graph_panel["y"] + graph_panel["height"] <= explain["y"] + 1
    x_input = box(page, '#variables input[data-variable="x"]')
    assert inside(x_input, box(page, ".editor-panel")), "the inputs are cut off by their panel"
