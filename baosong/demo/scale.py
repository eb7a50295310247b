"""A province-sized unit tree and user base for benchmarks, built with bulk inserts and explicit ids.
Place names, departments, surnames and given names are in ``data/scale_units.json``."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from baosong.demo.texts import load
from baosong.orgs.models import Membership, Role, Unit, UnitKind, User

NAMES = load("scale_units.json")
PLACE_A: str = NAMES["place_a"]
PLACE_B: str = NAMES["place_b"]
DEPTS: list[str] = NAMES["departments"]
SURNAMES: str = NAMES["surnames"]
GIVEN: str = NAMES["given"]
CLASSES: dict[str, str] = NAMES["unit_classes"]


@dataclass
class ScaleResult:
    units: int
    users: int
    memberships: int
    root: Unit


def _name(rng: random.Random, suffix: str) -> str:
    return rng.choice(PLACE_A) + rng.choice(PLACE_B) + suffix


def _province_department(name: str) -> str:
    for county_word, province_word in NAMES["province_bureau"].items():
        name = name.replace(county_word, province_word)
    return str(NAMES["province_department"]).format(department=name)


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

        department = CLASSES["department"]
        province = add(NAMES["province"], "province", None)
        for d in DEPTS:
            add(_province_department(d), "province", province, UnitKind.DEPARTMENT, department)
        cities = [add(_name(rng, NAMES["city"]), "city", province, cls=CLASSES["city"]) for _ in range(14)]
        counties = []
        for city in cities:
            for d in DEPTS[:8]:
                add(f"{city.name[:3]}{d}", "city", city, UnitKind.DEPARTMENT, department)
            counties += [
                add(_name(rng, NAMES["county"]), "county", city, cls=CLASSES["county"]) for _ in range(8)
            ]
        townships = []
        for county in counties:
            for d in DEPTS[:6]:
                add(f"{county.name[:3]}{d}", "county", county, UnitKind.DEPARTMENT, department)
            townships += [
                add(_name(rng, rng.choice(NAMES["townships"])), "township", county, cls=CLASSES["township"])
                for _ in range(12)
            ]
        while len(rows) < units:
            town = townships[len(rows) % len(townships)]
            add(_name(rng, rng.choice(NAMES["villages"])), "village", town, cls=CLASSES["village"])
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
                    job_title=NAMES["job_title"],
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
