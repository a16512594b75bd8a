"""The proper layered graph the ordering works on: real nodes plus dummies."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Layered:
    """The proper layered graph. Items 0..n_real-1 are the real nodes."""

    n_real: int
    layer: list[int]                     # per item
    ups: list[list[int]]                 # per item: upper item of each in-segment
    downs: list[list[tuple[int, int]]]   # per item: (lower item, port at lower)
    nports: list[int]                    # per item: number of ports on its left side
    n_layers: int

    @property
    def n_items(self) -> int:
        return len(self.layer)


Order = list[list[int]]


def positions(order: Order, n_items: int) -> list[int]:
    """Index of every item within its layer."""
    pos = [0] * n_items
    for row in order:
        for i, v in enumerate(row):
            pos[v] = i
    return pos
