"""The demo province and its cast: one province, two cities, three counties each, four townships each,
a few departments per level, and one account for every role. Idempotent (keyed by unit code and username).
Names and titles come from ``data/province.json``."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.core.audit import audit_record
from baosong.demo.portal import seed_demo_portal
from baosong.demo.publications import seed_demo_publications
from baosong.demo.quotas import seed_demo_quotas
from baosong.demo.texts import load
from baosong.orgs.models import Membership, ReviewStep, Role, Unit, UnitKind, User
from baosong.orgs.services import _path_for
from baosong.reports.categories import ensure_builtin_categories

DEMO_PASSWORD = "Baosong#2026"

TEXT = load("province.json")


@dataclass(frozen=True)
class CastMember:
    key: str
    username: str
    full_name: str
    unit_code: str
    roles: tuple[str, ...]
    job_title: str


CAST = [CastMember(**{**m, "roles": tuple(Role(r) for r in m["roles"])}) for m in TEXT["cast"]]


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
    classes, departments = TEXT["unit_classes"], TEXT["departments"]
    code, short = TEXT["province"]["code"], TEXT["province"]["short_name"]
    province = units[code] = _unit(code, TEXT["province"]["name"], "province", None, short_name=short)
    for i, dept in enumerate(departments["province"], start=1):
        units[f"{code}-D{i}"] = _unit(
            f"{code}-D{i}", f"{short}{dept}", "province", province, UnitKind.DEPARTMENT, order=100 + i
        )
    for ci, spec in enumerate(TEXT["cities"], start=1):
        ccode, cshort = spec["code"], spec["short_name"]
        city = units[ccode] = _unit(
            ccode, spec["name"], "city", province, short_name=cshort, unit_class=classes["city"], order=ci
        )
        for i, dept in enumerate(departments["city"], start=1):
            units[f"{ccode}-D{i}"] = _unit(
                f"{ccode}-D{i}",
                f"{cshort}{dept}",
                "city",
                city,
                UnitKind.DEPARTMENT,
                unit_class=classes["city_department"],
                order=100 + i,
            )
        for ki, county_name in enumerate(spec["counties"], start=1):
            kcode = f"{ccode}-{ki}"
            county = units[kcode] = _unit(
                kcode,
                TEXT["county_office"].format(city=cshort, county=county_name),
                "county",
                city,
                short_name=county_name,
                unit_class=classes["county"],
                order=ki,
            )
            for i, dept in enumerate(departments["county"], start=1):
                units[f"{kcode}-D{i}"] = _unit(
                    f"{kcode}-D{i}",
                    f"{county_name}{dept}",
                    "county",
                    county,
                    UnitKind.DEPARTMENT,
                    unit_class=classes["county_department"],
                    order=100 + i,
                )
            for ti, town in enumerate(TEXT["townships"], start=1):
                tcode = f"{kcode}-{ti}"
                units[tcode] = _unit(
                    tcode,
                    f"{county_name}{town}",
                    "township",
                    county,
                    unit_class=classes["township"],
                    order=ti,
                )
    return units


def _totp_secret(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TEXT["totp_device"], confirmed=True, key=secrets.token_hex(20)
        )
    return base64.b32encode(device.bin_key).decode()


@transaction.atomic
def seed_demo_keys() -> None:
    """Each demo unit that signs issues or releases 通报 (it has an editor) gets an SM2 signing key, so a
    fresh demo signs its documents; elsewhere the security administrator generates them."""
    from baosong.signing.models import SigningKey
    from baosong.signing.services import key_generate

    editors = Membership.objects.filter(role=Role.EDITOR, user__is_demo=True).values("unit_id")
    has_key = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).values("unit_id")
    for unit in Unit.objects.filter(pk__in=editors).exclude(pk__in=has_key).order_by("path"):
        key_generate(unit=unit, by=None, check=False)


def seed_reference_data() -> None:
    """What the migrations ship (the item categories, the national calendar, the built-in 数据报表 forms),
    put back where a database was emptied after migrating (the transactional tests' flush). Idempotent."""
    from baosong.datareports.services import install_builtin_forms
    from baosong.workdays.holidays import install_national_calendar

    ensure_builtin_categories()
    install_national_calendar()
    install_builtin_forms()


def seed_demo() -> list[dict[str, Any]]:
    seed_reference_data()
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
            ReviewStep.objects.create(
                unit=units[code], order=1, role=Role.REVIEWER, label=TEXT["review_step"]
            )
    # 负面/重大 items of 东湖区 pass 县委宣传部's reviewer: the township's items before they leave, the county
    # office's 转报 and its 上网发布 (conditional steps naming a role in another unit).
    propaganda = units["DEMO-C1-1-D2"]
    for code, chain in (
        ("DEMO-C1-1-1", ReviewStep.Chain.REPORT),
        ("DEMO-C1-1", ReviewStep.Chain.FORWARD),
        ("DEMO-C1-1", ReviewStep.Chain.PORTAL),
    ):
        unit = units[code]
        if not ReviewStep.objects.filter(unit=unit, chain=chain, reviewer_unit=propaganda).exists():
            order = ReviewStep.objects.filter(unit=unit, chain=chain).count() + 1
            ReviewStep.objects.create(
                unit=unit,
                chain=chain,
                order=order,
                role=Role.REVIEWER,
                reviewer_unit=propaganda,
                only_negative=True,
                label=TEXT["negative_step"],
            )
    # Publications and templates, quota rules, the portal's columns and chain: in this fixed order (the
    # order editorial, scoring and portal registered them in when each app still seeded its own).
    seed_demo_publications(units)
    seed_demo_quotas(units)
    seed_demo_portal(units)
    seed_demo_keys()
    if created_any:
        audit_record("demo.seed", details={"units": len(units), "users": len(out)})
    return out
