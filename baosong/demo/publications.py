"""Demo templates and publications for the demo province (idempotent, keyed by name), from
``data/publications.json``: three regular publications with their 报/送/发 lines and one 专报."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baosong.demo.texts import load
from baosong.editorial.models import IssueTemplate, Publication, PublicationKind, PublicationRecipient
from baosong.orgs.models import Unit, User

TEXT = load("publications.json")


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


def _groups(
    spec: dict[str, Any], units: dict[str, Unit], leaders: dict[str, User]
) -> dict[str, list[Unit | User | str]]:
    """A recipient in the data is an outside name, ``{"unit": code}``, or ``{"leader": username, "or":
    name}`` (the demo leader's account, or the name when that account is missing)."""
    groups: dict[str, list[Unit | User | str]] = {}
    for group, entries in spec["recipients"].items():
        groups[group] = [
            entry
            if isinstance(entry, str)
            else units[entry["unit"]]
            if "unit" in entry
            else leaders.get(entry["leader"]) or entry["or"]
            for entry in entries
        ]
    return groups


def seed_demo_publications(units: dict[str, Unit]) -> None:
    templates = {}
    for spec in TEXT["templates"]:
        templates[spec["variant"]], _ = IssueTemplate.objects.get_or_create(name=spec["name"], defaults=spec)
    year = timezone.localdate().year
    specs = [*TEXT["regular"], TEXT["special"]]
    usernames = [
        entry["leader"]
        for spec in specs
        for entries in spec["recipients"].values()
        for entry in entries
        if isinstance(entry, dict) and "leader" in entry
    ]
    leaders = {u.username: u for u in User.objects.filter(username__in=usernames)}
    for spec in TEXT["regular"]:
        pub, created = Publication.objects.get_or_create(
            unit=units[spec["unit"]],
            name=spec["name"],
            defaults={
                "kind": PublicationKind.REGULAR,
                "columns": list(TEXT["columns"]),
                "print_count": spec["print_count"],
                "template": templates[IssueTemplate.Variant.REGULAR],
                "supplement_template": templates[IssueTemplate.Variant.SUPPLEMENT],
                "total_base": spec["total_base"],
                "base_year": year,
                "base_number": spec["base_number"],
            },
        )
        if created:
            _recipients(pub, _groups(spec, units, leaders))
    spec = TEXT["special"]
    special, created = Publication.objects.get_or_create(
        unit=units[spec["unit"]],
        name=spec["name"],
        defaults={
            "kind": PublicationKind.SPECIAL,
            "print_count": spec["print_count"],
            "template": templates[IssueTemplate.Variant.SPECIAL],
        },
    )
    if created:
        _recipients(special, _groups(spec, units, leaders))
