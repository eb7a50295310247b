"""修改痕迹: a character-level diff of two versions (Chinese has no spaces to split words on)."""

from __future__ import annotations

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def diff_html(old: str, new: str) -> SafeString:
    parts: list[str] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(old[a1:a2]))
        if op in {"delete", "replace"}:
            parts.append(f"<del>{escape(old[a1:a2])}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return mark_safe("".join(parts).replace("\n", "<br>"))
