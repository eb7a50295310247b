"""Demo portal: columns and the province office's 上网发布审核 chain (idempotent, keyed by slug/unit)."""

from __future__ import annotations

from baosong.orgs.models import ReviewStep, Role, Unit
from baosong.portal.models import PortalColumn, PortalSite

COLUMNS = [
    ("工作动态", "gzdt", 10, "各地各部门政务工作的最新动态。"),
    ("经验交流", "jyjl", 20, "基层政务信息工作的好做法、好经验。"),
    ("通知公告", "tzgg", 30, "面向社会公开的通知、公告。"),
]

# Demo 网站标识码 and 公安机关备案号 (all zeros: visibly not real ones).
SITE_CODES = {"site_code": "0000000000", "police_record": "清公网安备 00000000000000号"}


def seed_demo_portal(units: dict[str, Unit]) -> None:
    for name, slug, order, description in COLUMNS:
        PortalColumn.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": order, "description": description}
        )
    site, created = PortalSite.objects.get_or_create(
        pk=1,
        defaults={
            "name": "政务信息公开",
            "host": units["DEMO-P"].name,
            "phone": "0000-12345678",
            "address": "清源省清源市政务大道1号",
            "email": "xxgk@example.gov.cn",
            "icp": "清ICP备00000000号（演示）",
            **SITE_CODES,
        },
    )
    # A demo database seeded before the footer carried these codes gets them once, if still blank.
    missing = {k: v for k, v in SITE_CODES.items() if not getattr(site, k)}
    if not created and missing:
        PortalSite.objects.filter(pk=1).update(**missing)
    province = units["DEMO-P"]
    if not ReviewStep.objects.filter(unit=province, chain=ReviewStep.Chain.PORTAL).exists():
        ReviewStep.objects.create(
            unit=province, chain=ReviewStep.Chain.PORTAL, order=1, role=Role.CHIEF, label="单位负责人"
        )
        ReviewStep.objects.create(
            unit=province, chain=ReviewStep.Chain.PORTAL, order=2, role=Role.LEADER, label="分管领导"
        )
