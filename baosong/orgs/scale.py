"""A province-sized unit tree and user base for benchmarks, built with bulk inserts and explicit ids."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from baosong.orgs.models import Membership, Role, Unit, UnitKind, User

PLACE_A = "东南西北中上下新老大小长高平安永丰兴和泰康宁华阳江河山湖林石桥"
PLACE_B = "城州阳江山河湖岭溪川原林桥坪港口湾岗塘庄集店沟坝"
DEPTS = [
    "发展和改革局",
    "教育局",
    "公安局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "市场监督管理局",
    "信访局",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志海燕文斌晨宇欣怡"


@dataclass
class ScaleResult:
    units: int
    users: int
    memberships: int
    root: Unit


def _name(rng: random.Random, suffix: str) -> str:
    return rng.choice(PLACE_A) + rng.choice(PLACE_B) + suffix


def seed_scale(*, units: int = 30_000, users: int = 50_000, seed: int = 7, prefix: str = "SC") -> ScaleResult:
    """Province (1) → cities (~14) → counties (~8 each) → townships (~12 each) → villages, plus departments
    at each government level, until ``units`` units exist. Users spread over the units."""
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        next_id = (Unit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        rows: list[Unit] = []

        def add(
            name: str, level: str, parent: Unit | None, kind: str = UnitKind.GOVERNMENT, cls: str = ""
        ) -> Unit:
            nonlocal next_id
            pk = next_id
            next_id += 1
            path = f"{parent.path if parent else '/'}{pk}/"
            u = Unit(
                id=pk,
                name=name,
                code=f"{prefix}{pk:07d}",
                level=level,
                kind=kind,
                parent_id=parent.pk if parent else None,
                path=path,
                depth=(parent.depth + 1) if parent else 0,
                unit_class=cls,
                created_at=now,
                sort_order=len(rows),
            )
            rows.append(u)
            return u

        province = add("规模测试省人民政府办公厅", "province", None)
        for d in DEPTS:
            add(f"省{d.replace('局', '厅')}", "province", province, UnitKind.DEPARTMENT, "三类")
        cities = [add(_name(rng, "市人民政府办公室"), "city", province, cls="一类") for _ in range(14)]
        counties = []
        for city in cities:
            for d in DEPTS[:8]:
                add(f"{city.name[:3]}{d}", "city", city, UnitKind.DEPARTMENT, "三类")
            counties += [add(_name(rng, "县人民政府办公室"), "county", city, cls="一类") for _ in range(8)]
        townships = []
        for county in counties:
            for d in DEPTS[:6]:
                add(f"{county.name[:3]}{d}", "county", county, UnitKind.DEPARTMENT, "三类")
            townships += [
                add(_name(rng, rng.choice(["镇", "乡", "街道"])), "township", county, cls="二类")
                for _ in range(12)
            ]
        while len(rows) < units:
            town = townships[len(rows) % len(townships)]
            add(_name(rng, rng.choice(["村", "社区"])), "village", town, cls="三类")
        rows = rows[:units]
        Unit.objects.bulk_create(rows, batch_size=5000)

        password = make_password("Scale#2026pw")  # one hash: these accounts exist for benchmarks only
        start_uid = (User.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        staff_units = [u for u in rows if u.level != "village"] or rows
        user_rows = []
        members: list[Membership] = []
        for i in range(users):
            unit = staff_units[i % len(staff_units)]
            uid = start_uid + i
            user_rows.append(
                User(
                    id=uid,
                    username=f"{prefix.lower()}{uid:07d}",
                    full_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    primary_unit_id=unit.pk,
                    password=password,
                    must_change_password=False,
                    password_changed_at=now,
                    created_at=now,
                    job_title="信息员",
                )
            )
            role = Role.REPORTER
            if (
                i < len(staff_units)
                and unit.level in {"province", "city", "county"}
                and unit.kind == "government"
            ):
                role = Role.EDITOR
            members.append(Membership(user_id=uid, unit_id=unit.pk, role=role, created_at=now))
        User.objects.bulk_create(user_rows, batch_size=5000)
        Membership.objects.bulk_create(members, batch_size=5000)
        # Explicit ids bypass PostgreSQL sequences; move them past what was inserted.
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Unit, User, Membership]):
                cur.execute(sql)
    return ScaleResult(units=len(rows), users=len(user_rows), memberships=len(members), root=province)
