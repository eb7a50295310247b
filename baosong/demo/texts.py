"""The Chinese text of the generators: names, titles, bodies, word lists and sentence templates live in
``data/`` beside this module (UTF-8 JSON), so the Python modules keep only logic and structure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


def load(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
