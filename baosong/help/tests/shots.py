"""The screenshots the manual shows: which ones its templates reference, and where they live."""

from __future__ import annotations

import re
from pathlib import Path

HELP = Path(__file__).resolve().parents[1]
SHOTS = HELP / "static" / "help" / "shots"
TEMPLATES = HELP / "templates" / "help"
MAX_BYTES = 200 * 1024
IMG = re.compile(r"<img\b[^>]*>")
SHOT = re.compile(r"help/shots/([\w.-]+\.(?:jpg|png))")
ALT = re.compile(r'\balt="([^"]*)"')


def shot_images() -> list[tuple[str, str, str]]:
    """(template, shot file name, alt text) for every screenshot <img> in the manual's templates."""
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for tag in IMG.findall(template.read_text(encoding="utf-8")):
            shot = SHOT.search(tag)
            if shot:
                alt = ALT.search(tag)
                found.append((template.name, shot.group(1), alt.group(1) if alt else ""))
    return found


def referenced_shots() -> set[str]:
    return {name for _, name, _ in shot_images()}
