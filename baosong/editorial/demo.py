"""Demo publications and templates for the demo province (idempotent, keyed by name)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baosong.editorial.models import IssueTemplate, Publication, PublicationKind, PublicationRecipient
from baosong.orgs.models import Unit, User

TEMPLATES: list[dict[str, Any]] = [
    {"name": "红头简报", "variant": IssueTemplate.Variant.REGULAR},
    {"name": "专报", "variant": IssueTemplate.Variant.SPECIAL, "masthead_size_pt": 36},
    {"name": "增刊", "variant": IssueTemplate.Variant.SUPPLEMENT, "masthead_size_pt": 36},
]


def _recipients(pub: Publication, groups: dict[str, list[Any]]) -> None:
    if pub.recipients.exists():
        return
    for group, entries in groups.items():
        for i, entry in enumerate(entries):
            PublicationRecipient.objects.create(
                publication=pub,
                group=group,
                unit=entry if isinstance(entry, Unit) else None,
                user=entry if isinstance(entry, User) else None,
                name=entry.name if isinstance(entry, Unit) else getattr(entry, "full_name", str(entry)),
                position=i,
            )


def seed_demo_publications(units: dict[str, Unit]) -> None:
    templates = {}
    for spec in TEMPLATES:
        templates[spec["name"]], _ = IssueTemplate.objects.get_or_create(name=spec["name"], defaults=spec)
    year = timezone.localdate().year
    leaders = {
        u.username: u
        for u in User.objects.filter(username__in=["sheng_lingdao", "shi_lingdao", "xian_lingdao"])
    }
    specs: list[tuple[str, str, str, int, int, int, dict[str, list[Any]]]] = [
        (
            "DEMO-P", "清源政务信息", PublicationKind.REGULAR, 120, 1032, 40,
            {"up": ["国务院办公厅"], "peer": [leaders.get("sheng_lingdao") or "省政府领导", "省委办公厅"],
             "down": [units["DEMO-C1"], units["DEMO-C2"]]},
        ),
        (
            "DEMO-C1", "临江政务信息", PublicationKind.REGULAR, 80, 344, 11,
            {"up": [units["DEMO-P"]], "peer": [leaders.get("shi_lingdao") or "市政府领导", "市委办公室"],
             "down": [units["DEMO-C1-1"], units["DEMO-C1-2"], units["DEMO-C1-3"]]},
        ),
        (
            "DEMO-C1-1", "东湖政务信息", PublicationKind.REGULAR, 60, 156, 20,
            {"up": [units["DEMO-C1"]], "peer": [leaders.get("xian_lingdao") or "区政府领导", "区委办公室"],
             "down": [units[f"DEMO-C1-1-{i}"] for i in range(1, 5)]},
        ),
    ]  # fmt: skip
    for code, name, kind, copies, total, number, groups in specs:
        pub, created = Publication.objects.get_or_create(
            unit=units[code],
            name=name,
            defaults={
                "kind": kind,
                "columns": ["工作动态", "经验做法", "问题建议"],
                "print_count": copies,
                "template": templates["红头简报"],
                "supplement_template": templates["增刊"],
                "total_base": total,
                "base_year": year,
                "base_number": number,
            },
        )
        if created:
            _recipients(pub, groups)
    special, created = Publication.objects.get_or_create(
        unit=units["DEMO-C1"],
        name="临江专报",
        defaults={"kind": PublicationKind.SPECIAL, "print_count": 20, "template": templates["专报"]},
    )
    if created:
        _recipients(special, {"up": [units["DEMO-P"]], "peer": [leaders.get("shi_lingdao") or "市政府领导"]})
