"""The seven categories every deployment starts with (DESIGN.md's API codes), as migration reports 0010
shipped them; the office edits them on the rules page (报送规则 → 信息类别).

``ensure_builtin_categories`` puts back any that are missing — the demo seed calls it, so a database
emptied by a transactional test (or by hand) has its categories again. It never changes existing rows."""

from __future__ import annotations

from baosong.reports.models import ItemCategory

# (code, name, required elements as (key, name)); 时间 and 地点 are the item's own event time and place.
BUILTIN_CATEGORIES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("work_update", "工作动态", []),
    ("experience", "经验做法", []),
    ("problem", "问题建议", []),
    ("policy", "政策落实", []),
    (
        "emergency",
        "突发事件",
        [
            ("time", "时间"),
            ("place", "地点"),
            ("nature", "事件性质"),
            ("scope", "影响范围"),
            ("casualties", "伤亡和损失"),
            ("measures", "已采取措施"),
            ("next_steps", "下步打算"),
        ],
    ),
    ("research", "调研信息", []),
    ("public_opinion", "社情民意", []),
]

BUILTIN_LABELS = {code: label for code, label, _ in BUILTIN_CATEGORIES}


def ensure_builtin_categories() -> int:
    """Create the built-in categories that are missing (by code); returns how many were created."""
    existing = set(ItemCategory.objects.values_list("code", flat=True))
    created = 0
    for order, (code, label, elements) in enumerate(BUILTIN_CATEGORIES):
        if code in existing:
            continue
        ItemCategory.objects.create(
            code=code,
            label=label,
            sort_order=order,
            elements=[{"key": key, "label": name} for key, name in elements],
        )
        created += 1
    return created
