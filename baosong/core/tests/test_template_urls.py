"""Templates name their links with {% url %}: no internal path is typed into an attribute (djlint's D018
checks href; this covers form actions, htmx and sources too)."""

from __future__ import annotations

import re
from pathlib import Path

import baosong

TYPED = re.compile(r'\b(?:href|action|src|hx-get|hx-post|hx-put|hx-delete)="/(?!static/)[a-z]')


def test_no_template_types_an_internal_path() -> None:
    root = Path(baosong.__file__).parent
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in sorted(root.rglob("templates/**/*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TYPED.search(line)
    ]
    assert not found, found
