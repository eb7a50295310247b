"""Import of units and users from XLSX or CSV: validated whole, then written in one transaction.

A file with any bad row is refused whole, with every bad row's number and reason; nothing is written.
Row numbers are those a person sees in Excel (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from baosong.core.archives import zip_checked
from baosong.core.audit import audit_record
from baosong.core.errors import ServiceError
from baosong.orgs.models import (
    ADMIN_ROLES,
    LEVEL_RANK,
    ImportJob,
    Level,
    Membership,
    Role,
    Unit,
    UnitKind,
    User,
    login_name,
)  # fmt: skip

UNIT_COLUMNS = {
    "code": ("单位代码", "code"),
    "name": ("单位名称", "name"),
    "short_name": ("简称", "short_name"),
    "level": ("层级", "level"),
    "kind": ("类型", "kind"),
    "parent_code": ("上级单位代码", "parent_code"),
    "unit_class": ("考核类别", "unit_class"),
    "sort_order": ("排序", "sort_order"),
}
USER_COLUMNS = {
    "username": ("用户名", "username"),
    "full_name": ("姓名", "full_name"),
    "unit_code": ("单位代码", "unit_code"),
    "job_title": ("职务", "job_title"),
    "office_phone": ("办公电话", "office_phone"),
    "mobile": ("手机", "mobile"),
    "email": ("电子邮箱", "email"),
    "roles": ("角色", "roles"),
    "password": ("初始密码", "password"),
}
LEVEL_BY_LABEL = (
    {lv.label: lv.value for lv in Level}
    | {lv.value: lv.value for lv in Level}
    | {
        "省级": "province",
        "市级": "city",
        "县级": "county",
        "区": "county",
        "县区": "county",
        "镇": "township",
        "乡": "township",
        "街道": "township",
        "村居": "village",
        "社区": "village",
    }
)
KIND_BY_LABEL = (
    {k.label: k.value for k in UnitKind}
    | {k.value: k.value for k in UnitKind}
    | {
        "政府": "government",
        "办公室": "government",
    }
)
ROLE_BY_LABEL = (
    {r.label: r.value for r in Role}
    | {r.value: r.value for r in Role}
    | {
        "审核": "reviewer",
        "签发人": "reviewer",
        "采编": "editor",
        "编辑": "editor",
        "签发领导": "chief",
    }
)


@dataclass
class ImportOutcome:
    accepted: bool
    rows: int
    errors: list[dict[str, Any]] = field(default_factory=list)
    job: ImportJob | None = None


class ImportRefused(ServiceError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"文件有 {len(errors)} 处错误，已整体拒绝导入，未写入任何数据。", "import_refused")
        self.errors = errors


def _read_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        zip_checked(data)  # an archive bomb is refused before openpyxl inflates it
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise ServiceError("无法读取 Excel 文件，请确认是 .xlsx 格式。", "bad_file") from exc
        ws = wb.worksheets[0]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield (
                i,
                [
                    "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                    for v in row
                ],
            )
        wb.close()
        return
    text = None
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ServiceError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。", "bad_file")
    yield from enumerate(csv.reader(io.StringIO(text)), start=1)


def _rows_as_dicts(
    data: bytes, filename: str, columns: dict[str, tuple[str, str]], required: set[str]
) -> list[tuple[int, dict[str, str]]]:
    it = _read_rows(data, filename)
    try:
        _, header = next(it)
    except StopIteration:
        raise ServiceError("文件是空的。", "empty_file") from None
    lookup = {alias: key for key, aliases in columns.items() for alias in aliases}
    index: dict[str, int] = {}
    for i, title in enumerate(header):
        key = lookup.get(str(title).strip())
        if key and key not in index:
            index[key] = i
    missing = [columns[k][0] for k in required if k not in index]
    if missing:
        raise ServiceError(f"缺少必需的列：{'、'.join(missing)}。第一行应为列名。", "missing_columns")
    rows = []
    for number, values in it:
        if not any(str(v).strip() for v in values):
            continue
        rows.append(
            (number, {k: (str(values[i]).strip() if i < len(values) else "") for k, i in index.items()})
        )
    if not rows:
        raise ServiceError("文件中没有数据行。", "empty_file")
    return rows


def _record_job(
    kind: str, filename: str, by: User, accepted: bool, rows: int, errors: list[dict[str, Any]]
) -> ImportJob:
    return ImportJob.objects.create(
        kind=kind, filename=filename[:255], by=by, accepted=accepted, rows=rows, errors=errors[:500]
    )


def import_units(*, by: User, data: bytes, filename: str, scope: list[Unit] | None = None) -> ImportOutcome:
    """Create the units of the file. Parents are named by code: in the file or already in the system
    (inside one of the ``scope`` subtrees when given: the administrator's own)."""
    scope_paths = [u.path for u in scope] if scope is not None else None
    rows = _rows_as_dicts(data, filename, UNIT_COLUMNS, {"code", "name", "level", "parent_code"})
    errors: list[dict[str, Any]] = []

    def err(row: int, message: str) -> None:
        errors.append({"row": row, "message": message})

    file_codes: dict[str, int] = {}
    for number, r in rows:
        if not r["code"]:
            err(number, "单位代码为空")
        elif r["code"] in file_codes:
            err(number, f"单位代码“{r['code']}”与第 {file_codes[r['code']]} 行重复")
        else:
            file_codes[r["code"]] = number
        if not r["name"]:
            err(number, "单位名称为空")
        if LEVEL_BY_LABEL.get(r["level"]) is None:
            err(number, f"层级“{r['level']}”无效，应为 国家/省/市/县/乡镇/村")
        if r.get("kind") and KIND_BY_LABEL.get(r["kind"]) is None:
            err(number, f"类型“{r['kind']}”无效")
        if r.get("sort_order") and not r["sort_order"].lstrip("-").isdigit():
            err(number, "排序应为整数")

    existing = {
        code: (pk, path, level)
        for code, pk, path, level in Unit.objects.filter(code__in=list(file_codes)).values_list(
            "code", "pk", "path", "level"
        )
    }
    for code in existing:
        err(file_codes[code], f"单位代码“{code}”在系统中已存在")

    by_code = {r["code"]: (n, r) for n, r in rows if r["code"]}
    parent_codes = {r["parent_code"] for _, r in rows if r["parent_code"] and r["parent_code"] not in by_code}
    db_parents = {
        code: (pk, path, level, active, depth)
        for code, pk, path, level, active, depth in Unit.objects.filter(code__in=parent_codes).values_list(
            "code", "pk", "path", "level", "is_active", "depth"
        )
    }
    system_has_units = Unit.objects.exists()
    for number, r in rows:
        pc = r["parent_code"]
        if not pc:
            if scope is not None or system_has_units:
                err(number, "上级单位代码为空（只有最上级单位可以没有上级）")
            continue
        if pc == r["code"]:
            err(number, "上级单位不能是自己")
            continue
        if pc in by_code:
            parent_level = LEVEL_BY_LABEL.get(by_code[pc][1]["level"])
        elif pc in db_parents:
            _, ppath, parent_level, active, _depth = db_parents[pc]
            if scope_paths is not None and not any(ppath.startswith(sp) for sp in scope_paths):
                err(number, f"上级单位“{pc}”不在您管理的范围内")
                continue
            if not active:
                err(number, f"上级单位“{pc}”已停用")
                continue
        else:
            err(number, f"上级单位代码“{pc}”不存在")
            continue
        level = LEVEL_BY_LABEL.get(r["level"])
        if level and parent_level and LEVEL_RANK[level] < LEVEL_RANK[parent_level]:
            err(number, "层级高于其上级单位")

    # Cycles inside the file: follow parent codes; a chain that returns to a visited code is a cycle.
    state: dict[str, int] = {}  # 1 = visiting, 2 = done
    for start in by_code:
        chain: list[str] = []
        code = start
        while code in by_code and state.get(code) != 2:
            if state.get(code) == 1:
                cycle_start = chain.index(code)
                for c in chain[cycle_start:]:
                    err(by_code[c][0], "上级关系形成循环：" + " → ".join([*chain[cycle_start:], code]))
                break
            state[code] = 1
            chain.append(code)
            code = by_code[code][1]["parent_code"]
        for c in chain:
            state[c] = 2

    if errors:
        errors.sort(key=lambda e: e["row"])
        _record_job(ImportJob.Kind.UNITS, filename, by, False, len(rows), errors)
        raise ImportRefused(errors)

    with transaction.atomic():
        code_to_id = {c: v[0] for c, v in db_parents.items()}
        depth_of = {c: v[4] for c, v in db_parents.items()}
        pending = dict(by_code)
        created = 0
        now = timezone.now()
        while pending:
            # One batch per tree level: every unit whose parent already has an id.
            ready = [
                (code, n, r)
                for code, (n, r) in pending.items()
                if not r["parent_code"] or r["parent_code"] in code_to_id
            ]
            objs = [
                Unit(
                    code=code,
                    name=r["name"],
                    short_name=r.get("short_name", ""),
                    level=LEVEL_BY_LABEL[r["level"]],
                    kind=KIND_BY_LABEL.get(r.get("kind") or "", "government"),
                    unit_class=r.get("unit_class", ""),
                    sort_order=int(r.get("sort_order") or 0),
                    parent_id=code_to_id.get(r["parent_code"]),
                    path="",
                    depth=(depth_of[r["parent_code"]] + 1) if r["parent_code"] else 0,
                    created_at=now,
                )
                for code, n, r in ready
            ]
            Unit.objects.bulk_create(objs, batch_size=2000)
            if any(o.pk is None for o in objs):
                id_by_code = dict(
                    Unit.objects.filter(code__in=[o.code for o in objs]).values_list("code", "pk")
                )
                for o in objs:
                    o.pk = id_by_code[o.code]
            for o in objs:
                code_to_id[o.code] = o.pk
                depth_of[o.code] = o.depth
                del pending[o.code]
            ids = [o.pk for o in objs]
            for offset in range(0, len(ids), 5000):
                parent_path = Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
                Unit.objects.filter(pk__in=ids[offset : offset + 5000]).update(
                    path=Concat(
                        Subquery(parent_path, output_field=CharField()),
                        Cast("id", CharField()),
                        Value("/"),
                    )
                )
            # Roots (no parent) exist only in a file for an empty system; fix their paths explicitly.
            for o in objs:
                if o.parent_id is None:
                    Unit.objects.filter(pk=o.pk).update(path=f"/{o.pk}/")
            created += len(objs)
        job = _record_job(ImportJob.Kind.UNITS, filename, by, True, created, [])
        audit_record(
            "import.units",
            user=by,
            object_type="import",
            object_id=job.pk,
            details={"filename": filename, "created": created},
        )
    return ImportOutcome(True, created, job=job)


def import_users(
    *, by: User, data: bytes, filename: str, scope: list[Unit] | None = None, default_password: str = ""
) -> ImportOutcome:
    """Create the users of the file with their roles. A row's 初始密码 wins over ``default_password``;
    every imported account must change its password at first login."""
    rows = _rows_as_dicts(data, filename, USER_COLUMNS, {"username", "full_name", "unit_code"})
    errors: list[dict[str, Any]] = []

    def err(row: int, message: str) -> None:
        errors.append({"row": row, "message": message})

    probe = User(username="import-probe", full_name="")
    if default_password:
        try:
            validate_password(default_password, probe)
        except ValidationError as exc:
            raise ServiceError(
                "统一初始密码不符合密码策略：" + "；".join(exc.messages), "weak_password"
            ) from exc
    seen: dict[str, int] = {}
    for number, r in rows:
        r["username"] = login_name(r["username"])
        if not r["username"]:
            err(number, "用户名为空")
        elif r["username"] in seen:
            err(number, f"用户名“{r['username']}”与第 {seen[r['username']]} 行重复")
        else:
            seen[r["username"]] = number
        if not r["full_name"]:
            err(number, "姓名为空")
        if r.get("email"):
            try:
                validate_email(r["email"])
            except ValidationError:
                err(number, f"电子邮箱“{r['email']}”格式不正确")
        if r.get("mobile") and not (
            len(r["mobile"]) == 11 and r["mobile"].isdigit() and r["mobile"][0] == "1"
        ):
            err(number, f"手机号码“{r['mobile']}”应为 11 位数字")
        for label in [
            x for x in r.get("roles", "").replace("，", ",").replace("、", ",").split(",") if x.strip()
        ]:
            role = ROLE_BY_LABEL.get(label.strip())
            if role is None:
                err(number, f"角色“{label.strip()}”无效")
            elif role in ADMIN_ROLES:
                err(number, "管理员角色（三员）不能批量导入，请逐个创建")
        if r.get("password"):
            try:
                validate_password(r["password"], User(username=r["username"], full_name=r["full_name"]))
            except ValidationError as exc:
                err(number, "初始密码不符合密码策略：" + "；".join(exc.messages))
        elif not default_password:
            err(number, "未填写初始密码，且未设置统一初始密码")
    for username in User.objects.filter(username__in=list(seen)).values_list("username", flat=True):
        err(seen[username], f"用户名“{username}”在系统中已存在")
    codes = {r["unit_code"] for _, r in rows if r["unit_code"]}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for number, r in rows:
        unit = units.get(r["unit_code"])
        if unit is None:
            err(number, f"单位代码“{r['unit_code']}”不存在" if r["unit_code"] else "单位代码为空")
        elif scope is not None and not any(unit.path.startswith(s.path) for s in scope):
            err(number, f"单位“{unit.name}”不在您管理的范围内")
        elif not unit.is_active:
            err(number, f"单位“{unit.name}”已停用")
    if errors:
        errors.sort(key=lambda e: e["row"])
        _record_job(ImportJob.Kind.USERS, filename, by, False, len(rows), errors)
        raise ImportRefused(errors)

    # One hash for the shared temporary password: hashing 50,000 times would take hours at 等保 cost.
    shared_hash = make_password(default_password) if default_password else ""
    with transaction.atomic():
        now = timezone.now()
        users = [
            User(
                username=r["username"],
                full_name=r["full_name"],
                primary_unit=units[r["unit_code"]],
                job_title=r.get("job_title", ""),
                office_phone=r.get("office_phone", ""),
                mobile=r.get("mobile", ""),
                email=r.get("email", ""),
                must_change_password=True,
                password=make_password(r["password"]) if r.get("password") else shared_hash,
                created_at=now,
            )
            for _, r in rows
        ]
        User.objects.bulk_create(users, batch_size=2000)
        ids = dict(User.objects.filter(username__in=list(seen)).values_list("username", "pk"))
        memberships = []
        for _, r in rows:
            for label in {
                x.strip()
                for x in r.get("roles", "").replace("，", ",").replace("、", ",").split(",")
                if x.strip()
            }:
                memberships.append(
                    Membership(
                        user_id=ids[r["username"]],
                        unit=units[r["unit_code"]],
                        role=ROLE_BY_LABEL[label],
                        created_at=now,
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=2000, ignore_conflicts=True)
        job = _record_job(ImportJob.Kind.USERS, filename, by, True, len(users), [])
        audit_record(
            "import.users",
            user=by,
            object_type="import",
            object_id=job.pk,
            details={"filename": filename, "created": len(users), "memberships": len(memberships)},
        )
    return ImportOutcome(True, len(users), job=job)


def read_upload(upload: IO[bytes], max_bytes: int) -> bytes:
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ServiceError(f"文件超过 {max_bytes // (1024 * 1024)} MB 上限。", "file_too_large")
    return data
