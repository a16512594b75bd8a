"""The PNG button on a graph too big for one canvas at twice its size: the page still downloads
a PNG one can open (smaller, or cut into rows: static/js/pngsize.js) and says so; where the
browser can draw none, it says that in words. (A small graph's PNG: test_page_share.py.)"""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import open_app

# 150 statements in a row: 301 nodes (drawn as SVG, quick), a drawing about 34,600 px wide:
# twice that is past Chromium's widest canvas (65,535 px), which made the PNG button do nothing.
CHAIN = "\n".join(["v0 = x * 1.01", *(f"v{i} = v{i - 1} * 1.01" for i in range(1, 150))])
MAX_SIDE, MAX_AREA = 16384, 8192 * 8192  # static/js/pngsize.js
PHONE_AREA = 4096 * 4096  # Safari's largest canvas on a phone

# The page's canvases as in a browser that draws at most `area` pixels: past that, toBlob gives
# null (as Chromium's does past its own limit) or, with `noContext`, getContext does (Safari).
SMALL_CANVAS_JS = """([area, noContext]) => {
  const canvas = HTMLCanvasElement.prototype;
  const { toBlob, getContext } = canvas;
  const tooBig = (c) => c.width * c.height > area;
  canvas.toBlob = function (callback, ...rest) {
    if (tooBig(this)) setTimeout(() => callback(null));
    else toBlob.call(this, callback, ...rest);
  };
  canvas.getContext = function (...args) {
    return noContext && tooBig(this) ? null : getContext.apply(this, args);
  };
}"""


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, once every chunk's CRC and the image data's length are right."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,), kind = struct.unpack(">I", data[at:at + 4]), data[at + 4:at + 8]
        body, (crc,) = data[at + 8:at + 8 + length], struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        at += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (depth, colour) == (8, 6)  # 8-bit RGBA, as a canvas encodes it
    inflate, raw = zlib.decompressobj(), 0
    for kind, body in chunks:
        if kind == b"IDAT":
            raw += len(inflate.decompress(body))
    assert inflate.eof and raw == height * (1 + 4 * width)  # a filter byte and the pixels, each row
    return width, height


def download_png(page: Page, path: Path) -> tuple[int, int]:
    with page.expect_download() as download:
        page.locator("#export-png").click()
    assert download.value.suggested_filename == "compgraph.png"
    download.value.save_as(path)
    return png_size(path.read_bytes())


def ink_by_band(page: Page, path: Path, bands: int) -> list[float]:
    """The share of non-white pixels in each of the PNG's `bands` rows, as the browser decodes it."""
    data = base64.b64encode(path.read_bytes()).decode()
    return page.evaluate("""async ([data, bands]) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const image = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = document.createElement('canvas');
      canvas.width = 400; canvas.height = 40 * bands;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      return Array.from({ length: bands }, (_, i) => {
        const pixels = context.getImageData(0, 40 * i, 400, 40).data;
        let ink = 0;
        for (let p = 0; p < pixels.length; p += 4) if (pixels[p] + pixels[p + 1] + pixels[p + 2] < 720) ink += 1;
        return ink / (pixels.length / 4);
      });
    }""", [data, bands])


def test_a_graph_too_wide_for_one_canvas_downloads_a_png_in_rows(page: Page, artifacts: Path):
    open_app(page, CHAIN, {"x": 1.0}, step="end")
    width, height = download_png(page, artifacts / "compgraph-wide.png")
    status = page.locator("#status")
    expect(status).to_have_text(f"PNG downloaded: {width:,} × {height:,} px; the graph is too wide for one "
                                "picture, so it is cut into 5 rows.")
    # Within what every browser draws and a viewer opens, and still at twice the page's size:
    # five rows of the drawing (about 380 px tall with its margin), 24 px apart.
    assert width <= MAX_SIDE and height <= MAX_SIDE and width * height <= MAX_AREA
    assert width >= 13_000 and 2 * (5 * 350 + 4 * 24) <= height <= 2 * (5 * 450 + 4 * 24), (width, height)
    assert all(share > 0.005 for share in ink_by_band(page, artifacts / "compgraph-wide.png", 5))


def test_a_browser_with_a_smaller_canvas_gets_a_smaller_png(page: Page, artifacts: Path):
    page.add_init_script(f"({SMALL_CANVAS_JS})([{PHONE_AREA}, false])")
    open_app(page, CHAIN, {"x": 1.0}, step="end")
    width, height = download_png(page, artifacts / "compgraph-phone.png")
    assert width * height <= PHONE_AREA and width >= 4000, (width, height)
    expect(page.locator("#status")).to_contain_text(f"PNG downloaded: {width:,} × {height:,} px; ")
    expect(page.locator("#status")).to_contain_text("% of its size on the page (the SVG has every detail).")


def test_a_browser_that_draws_no_canvas_so_big_is_told_in_words(page: Page):
    page.add_init_script(f"({SMALL_CANVAS_JS})([300 * 150, true])")
    open_app(page, CHAIN, {"x": 1.0})
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.locator("#export-png").click()
    expect(page.locator("#status")).to_have_text(
        "No PNG: the graph (34,594 × 378 px on the page) is too big for a PNG this browser can draw with "
        "its numbers readable. Download the SVG: it has the whole graph.")
    assert downloads == []
