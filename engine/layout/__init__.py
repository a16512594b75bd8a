"""Where to draw a computational graph: inputs on the left, the output on the right, every
edge's value and gradient labels with room of their own (entry point: layout_graph)."""

from .draw import TEXT_SCALES, layout_graph
from .text import node_size

__all__ = ["TEXT_SCALES", "layout_graph", "node_size"]
