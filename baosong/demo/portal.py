"""Demo portal: columns, the site's masthead and footer, and the province office's 上网发布审核 chain
(idempotent, keyed by slug/unit), from ``data/portal.json``."""

from __future__ import annotations

from baosong.demo.texts import load
from baosong.orgs.models import ReviewStep, Role, Unit
from baosong.portal.models import PortalColumn, PortalSite

TEXT = load("portal.json")

# Demo 网站标识码 and 公安机关备案号 (all zeros: visibly not real ones).
SITE_CODES: dict[str, str] = TEXT["site_codes"]


def seed_demo_portal(units: dict[str, Unit]) -> None:
    for column in TEXT["columns"]:
        PortalColumn.objects.get_or_create(
            slug=column["slug"],
            defaults={"name": column["name"], "order": column["order"], "description": column["description"]},
        )
    site, created = PortalSite.objects.get_or_create(
        pk=1, defaults={**TEXT["site"], "host": units["DEMO-P"].name, **SITE_CODES}
    )
    # A demo database seeded before the footer carried these codes gets them once, if still blank.
    missing = {k: v for k, v in SITE_CODES.items() if not getattr(site, k)}
    if not created and missing:
        PortalSite.objects.filter(pk=1).update(**missing)
    province = units["DEMO-P"]
    if not ReviewStep.objects.filter(unit=province, chain=ReviewStep.Chain.PORTAL).exists():
        for order, step in enumerate(TEXT["review_chain"], start=1):
            ReviewStep.objects.create(
                unit=province,
                chain=ReviewStep.Chain.PORTAL,
                order=order,
                role=Role(step["role"]),
                label=step["label"],
            )
