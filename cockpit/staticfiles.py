"""Serves Plotly's JavaScript from the installed `plotly` package (pinned in requirements.lock)
as the static file `cockpit/vendor/plotly.min.js`: nothing from a CDN, nothing copied into the
repository. Only that one file of the package is exposed; collectstatic copies it like any other.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "cockpit/vendor"
NAME = "plotly.min.js"


def _package_data() -> Path | None:
    try:
        import plotly
    except ImportError:
        return None
    return Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        root = _package_data()
        self.storage = None
        if root is not None and (root / NAME).exists():
            self.storage = FileSystemStorage(location=str(root))
            self.storage.prefix = PREFIX

    def check(self, **kwargs):
        if self.storage is None:
            return [Error("The plotly package (its plotly.min.js) is missing: pip install it.",
                          id="cockpit.E001")]  # fmt: skip
        return []

    def find(self, path, find_all=False, **kwargs):
        if self.storage is None or path != f"{PREFIX}/{NAME}":
            return [] if find_all else None
        found = self.storage.path(NAME)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        if self.storage is not None:
            yield NAME, self.storage
