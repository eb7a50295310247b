"""The demo province and its cast: one province, two cities, three counties each, four townships each,
a few departments per level, and one account for every role. Idempotent (keyed by unit code and username)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.core.audit import audit_record
from baosong.orgs.models import Membership, ReviewStep, Role, Unit, UnitKind, User
from baosong.orgs.services import _path_for

DEMO_PASSWORD = "Baosong#2026"

PROVINCE = ("DEMO-P", "清源省人民政府办公厅", "清源省", "province")
CITIES = [
    ("DEMO-C1", "临江市人民政府办公室", "临江市", ["东湖区", "西林县", "南溪县"]),
    ("DEMO-C2", "青山市人民政府办公室", "青山市", ["北岭县", "云台县", "石桥县"]),
]
TOWNSHIPS = ["城关镇", "新桥镇", "杨柳乡", "河口街道"]
DEPARTMENTS = {
    "province": ["发展和改革委员会", "应急管理厅", "教育厅"],
    "city": ["应急管理局", "教育局"],
    "county": ["应急管理局"],
}


# Apps above orgs add their demo data (publications, …) here from their AppConfig.ready(), so orgs
# never imports them. Each receives the demo units by code.
DEMO_EXTENSIONS: list[Callable[[dict[str, Unit]], None]] = []


@dataclass(frozen=True)
class CastMember:
    key: str
    username: str
    full_name: str
    unit_code: str
    roles: tuple[str, ...]
    job_title: str


CAST = [
    CastMember("sysadmin", "sysadmin", "周建国", "DEMO-P", (Role.SYSADMIN,), "系统管理员"),
    CastMember("secadmin", "secadmin", "吴安平", "DEMO-P", (Role.SECADMIN,), "安全管理员"),
    CastMember("auditadmin", "auditadmin", "郑审思", "DEMO-P", (Role.AUDITADMIN,), "审计管理员"),
    CastMember("province_editor", "sheng_bianji", "王晓燕", "DEMO-P", (Role.EDITOR,), "信息科科长"),
    CastMember("province_chief", "sheng_zhubian", "李卫东", "DEMO-P", (Role.CHIEF,), "副秘书长"),
    CastMember("province_leader", "sheng_lingdao", "陈志刚", "DEMO-P", (Role.LEADER,), "副省长"),
    CastMember("city_editor", "shi_bianji", "刘芳", "DEMO-C1", (Role.EDITOR,), "信息科科员"),
    CastMember("city_chief", "shi_zhubian", "杨建华", "DEMO-C1", (Role.CHIEF,), "办公室副主任"),
    CastMember("city_leader", "shi_lingdao", "赵明", "DEMO-C1", (Role.LEADER,), "副市长"),
    CastMember("city_reporter", "shi_xinxiyuan", "孙丽", "DEMO-C1", (Role.REPORTER,), "综合科科员"),
    CastMember("county_editor", "xian_bianji", "黄海燕", "DEMO-C1-1", (Role.EDITOR,), "信息股股长"),
    CastMember("county_chief", "xian_zhubian", "周涛", "DEMO-C1-1", (Role.CHIEF,), "办公室主任"),
    CastMember("county_leader", "xian_lingdao", "徐国强", "DEMO-C1-1", (Role.LEADER,), "副区长"),
    CastMember("county_reporter", "xian_xinxiyuan", "马小红", "DEMO-C1-1", (Role.REPORTER,), "信息员"),
    CastMember("county_reviewer", "xian_shenhe", "朱伟", "DEMO-C1-1", (Role.REVIEWER,), "办公室副主任"),
    CastMember("township_reporter", "zhen_xinxiyuan", "胡静", "DEMO-C1-1-1", (Role.REPORTER,), "党政办干事"),
    CastMember("township_reviewer", "zhen_shenhe", "郭强", "DEMO-C1-1-1", (Role.REVIEWER,), "党政办主任"),
    CastMember("outsider_editor", "linxian_bianji", "何敏", "DEMO-C1-2", (Role.EDITOR,), "信息股股长"),
    CastMember("outsider_reporter", "linxian_xinxiyuan", "林峰", "DEMO-C1-2", (Role.REPORTER,), "信息员"),
    CastMember(
        "outsider_township_reporter", "linzhen_xinxiyuan", "罗晨", "DEMO-C1-2-1", (Role.REPORTER,), "干事"
    ),
]


def _unit(
    code: str,
    name: str,
    level: str,
    parent: Unit | None,
    kind: str = UnitKind.GOVERNMENT,
    short_name: str = "",
    unit_class: str = "",
    order: int = 0,
) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is not None:
        return unit
    unit = Unit.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        kind=kind,
        short_name=short_name,
        unit_class=unit_class,
        sort_order=order,
        path="",
        depth=(parent.depth + 1) if parent else 0,
    )
    unit.path = _path_for(parent, unit.pk)
    unit.save(update_fields=["path"])
    return unit


def build_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    code, name, short, level = PROVINCE
    province = units[code] = _unit(code, name, level, None, short_name=short)
    for i, dept in enumerate(DEPARTMENTS["province"], start=1):
        units[f"{code}-D{i}"] = _unit(
            f"{code}-D{i}", f"清源省{dept}", "province", province, UnitKind.DEPARTMENT, order=100 + i
        )
    for ci, (ccode, cname, cshort, counties) in enumerate(CITIES, start=1):
        city = units[ccode] = _unit(
            ccode, cname, "city", province, short_name=cshort, unit_class="一类", order=ci
        )
        for i, dept in enumerate(DEPARTMENTS["city"], start=1):
            units[f"{ccode}-D{i}"] = _unit(
                f"{ccode}-D{i}",
                f"{cshort}{dept}",
                "city",
                city,
                UnitKind.DEPARTMENT,
                unit_class="三类",
                order=100 + i,
            )
        for ki, county_name in enumerate(counties, start=1):
            kcode = f"{ccode}-{ki}"
            suffix = "人民政府办公室"
            county = units[kcode] = _unit(
                kcode,
                f"{cshort}{county_name}{suffix}",
                "county",
                city,
                short_name=county_name,
                unit_class="一类",
                order=ki,
            )
            for i, dept in enumerate(DEPARTMENTS["county"], start=1):
                units[f"{kcode}-D{i}"] = _unit(
                    f"{kcode}-D{i}",
                    f"{county_name}{dept}",
                    "county",
                    county,
                    UnitKind.DEPARTMENT,
                    unit_class="三类",
                    order=100 + i,
                )
            for ti, town in enumerate(TOWNSHIPS, start=1):
                tcode = f"{kcode}-{ti}"
                units[tcode] = _unit(
                    tcode, f"{county_name}{town}", "township", county, unit_class="二类", order=ti
                )
    return units


def _totp_secret(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="演示动态口令", confirmed=True, key=secrets.token_hex(20)
        )
    return base64.b32encode(device.bin_key).decode()


@transaction.atomic
def seed_demo() -> list[dict[str, Any]]:
    units = build_units()
    out: list[dict[str, Any]] = []
    created_any = False
    for member in CAST:
        unit = units[member.unit_code]
        user = User.objects.filter(username=member.username).first()
        if user is None:
            user = User(
                username=member.username,
                full_name=member.full_name,
                primary_unit=unit,
                job_title=member.job_title,
                is_demo=True,
                must_change_password=True,
                email=f"{member.username}@demo.baosong.local",
                office_phone="0571-8800" + str(1000 + len(out)),
                password_changed_at=timezone.now(),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            created_any = True
        for role in member.roles:
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
        entry: dict[str, Any] = {
            "key": member.key,
            "username": member.username,
            "password": DEMO_PASSWORD,
            "full_name": member.full_name,
            "unit_id": unit.pk,
            "unit_name": unit.name,
            "unit_code": unit.code,
            "level": unit.level,
            "roles": list(member.roles),
            "totp_secret": None,
        }
        if set(member.roles) & {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN}:
            entry["totp_secret"] = _totp_secret(user)
        out.append(entry)
    # Review chains: the township and the county office review before sending; the city sends directly.
    for code in ("DEMO-C1-1-1", "DEMO-C1-1"):
        if not ReviewStep.objects.filter(unit=units[code], chain=ReviewStep.Chain.REPORT).exists():
            ReviewStep.objects.create(unit=units[code], order=1, role=Role.REVIEWER, label="审核签发")
    for extension in DEMO_EXTENSIONS:
        extension(units)
    if created_any:
        audit_record("demo.seed", details={"units": len(units), "users": len(out)})
    return out
