"""The page's layout in a real browser, at the window sizes a classroom has: nothing
wraps, overlaps or disappears. (Screens of the main states are in tests/artifacts/.)"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import comes_into_view, inside, open_app

LECTURE = "(x+y)*z"
LECTURE_VALUES = {"x": -2.0, "y": 5.0, "z": -4.0}


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not displayed"
    return found


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


def view_box(page: Page) -> list[float]:
    return [float(v) for v in page.locator("#graph").get_attribute("viewBox").split()]


# 150 statements in a row: 301 nodes in one long row, drawn whole a dotted line 4 px high at
# 1280 px (and all but invisible on a phone).
CHAIN = "\n".join(["v0 = x * 1.01", *(f"v{i} = v{i - 1} * 1.01" for i in range(1, 150))])


def test_a_long_chain_opens_readable_at_its_start_not_as_a_line(page: Page):
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        open_app(page, CHAIN, {"x": 1.5})
        graph = box(page, "#graph")
        assert graph["width"] / view_box(page)[2] >= 0.79, f"{width} px: the chain opened as a line"
        expect(page.locator("#overview")).to_be_visible()
        first = page.locator('#graph .node[data-node-id="0"]')  # x, where the forward pass starts
        assert inside(first.bounding_box(), graph), f"{width} px: the chain's start is out of view"
        page.locator("#fit").click()  # the whole is still there for whoever asks
        assert graph["width"] / view_box(page)[2] < 0.1


def test_a_wide_graph_opens_readable_and_the_view_follows(page: Page):
    # The XOR network is too wide to read whole at 1280 px: it opens at a readable size on
    # its first step, with the overview map showing where that is; each later step pans to
    # what it is about, and Fit shows the whole again (and stepping on keeps it whole: the
    # user chose it).
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page)
    page.locator("#examples").select_option("xor-mlp")
    expect(page.locator("#training")).to_be_visible()
    graph = box(page, "#graph")
    assert graph["width"] / view_box(page)[2] >= 0.79, "the graph did not open readable"
    expect(page.locator("#overview")).to_be_visible()
    page.locator("#fit").click()
    assert graph["width"] / view_box(page)[2] < 0.79, "this graph should be too wide to read whole"
    expect(page.locator("#overview")).to_be_hidden()
    page.locator("#examples").select_option("xor-mlp")  # opens readable again
    expect(page.locator("#overview")).to_be_visible()

    steps = int(page.locator("#scrubber").get_attribute("max"))
    assert steps > 20
    for k in range(1, steps + 1):  # forward, backward and update: what each is about is in view
        page.locator("#btn-forward").click()
        expect(page.locator("#scrubber")).to_have_value(str(k))
        # the node computed (forward), or the node whose gradient the edge adds to (backward)
        current = page.locator("#graph .node.current, #graph .node.current-source").first
        assert comes_into_view(page, current, graph), f"step {k}: what it is about is out of view"

    nodes = page.locator("#graph .node")
    page.locator("#fit").click()
    for node in nodes.all():
        assert inside(node.bounding_box(), graph), "Fit does not show the whole graph"
    whole = view_box(page)
    page.locator("#btn-start").click()
    page.locator("#btn-forward").click()
    page.wait_for_timeout(400)
    assert view_box(page) == whole, "after Fit, a step zoomed in again"
