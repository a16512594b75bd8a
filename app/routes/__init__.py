"""HTTP routes, one module per topic: the JSON API, the pages, the offline API docs."""

from . import api, docs, pages

__all__ = ["api", "docs", "pages"]
