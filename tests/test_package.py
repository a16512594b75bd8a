"""One import name: everything the distribution installs lives under `compgraph`."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import compgraph, compgraph.app.main, compgraph.app.cli
stray = sorted({name.split('.')[0] for name in sys.modules} & {'engine', 'app'})
assert not stray, stray
assert compgraph.analyze('(x + y) * z', {'x': -2, 'y': 5, 'z': -4}).gradients == \\
    {'x': -4.0, 'y': -4.0, 'z': 3.0}
from importlib.metadata import distribution
top = distribution('compgraph').read_text('top_level.txt')
assert top is None or top.split() == ['compgraph'], top
"""


def test_the_package_imports_as_compgraph_only(tmp_path):
    # From a folder outside the checkout, so the repository root is not on sys.path.
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
