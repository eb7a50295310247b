"""The only writers of units, users and memberships. Each call is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from baosong.core.audit import audit_record
from baosong.core.errors import ServiceError
from baosong.core.vocabularies import REPORT_CATEGORY, vocabulary
from baosong.orgs.models import (
    ADMIN_ROLES,
    BUSINESS_ROLES,
    LEVEL_RANK,
    Level,
    Membership,
    ReportingLine,
    ReviewStep,
    Role,
    Unit,
    UnitKind,
    User,
    login_name,
)  # fmt: skip

ROLE_KIND = {r.value: (r.value if r in ADMIN_ROLES else "business") for r in Role}


def _path_for(parent: Unit | None, pk: int) -> str:
    return f"{parent.path if parent else '/'}{pk}/"


def _check_level(level: str, parent: Unit | None) -> None:
    if level not in Level.values:
        raise ServiceError("层级无效。", "invalid_level")
    if parent is not None and LEVEL_RANK[level] < LEVEL_RANK[parent.level]:
        raise ServiceError(
            f"下级单位的层级不能高于上级单位（{parent.get_level_display()}）。", "invalid_level"
        )


def unit_create(
    *,
    by: User | None,
    name: str,
    code: str,
    level: str,
    parent: Unit | None,
    kind: str = UnitKind.GOVERNMENT,
    short_name: str = "",
    unit_class: str = "",
    sort_order: int = 0,
    external: bool = False,
) -> Unit:
    """``external``: a unit of a federated peer deployment mirrored here (baosong.federation)."""
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise ServiceError("单位名称不能为空。", "name_required")
    if not code:
        raise ServiceError("单位代码不能为空。", "code_required")
    if kind not in UnitKind.values:
        raise ServiceError("单位类型无效。", "invalid_kind")
    _check_level(level, parent)
    if parent is not None and not parent.is_active:
        raise ServiceError("上级单位已停用，不能在其下新建单位。", "parent_inactive")
    with transaction.atomic():
        if Unit.objects.filter(code=code).exists():
            raise ServiceError(f"单位代码“{code}”已存在。", "duplicate_code")
        unit = Unit.objects.create(
            name=name,
            code=code,
            level=level,
            kind=kind,
            parent=parent,
            short_name=short_name.strip(),
            unit_class=unit_class.strip(),
            sort_order=sort_order,
            external=external,
            path="",
            depth=(parent.depth + 1) if parent else 0,
        )
        unit.path = _path_for(parent, unit.pk)
        unit.save(update_fields=["path"])
        audit_record(
            "unit.create",
            user=by,
            unit_id=unit.pk,
            object_type="unit",
            object_id=unit.pk,
            details={"name": name, "code": code, "parent_id": parent.pk if parent else None},
        )
    return unit


def unit_update(*, by: User, unit: Unit, **fields: Any) -> Unit:
    allowed = {"name", "short_name", "code", "kind", "unit_class", "sort_order", "level"}
    changes = {k: v for k, v in fields.items() if k in allowed and getattr(unit, k) != v}
    if "name" in changes and not str(changes["name"]).strip():
        raise ServiceError("单位名称不能为空。", "name_required")
    if "code" in changes:
        changes["code"] = str(changes["code"]).strip()
        if not changes["code"]:
            raise ServiceError("单位代码不能为空。", "code_required")
    if "level" in changes:
        _check_level(changes["level"], unit.parent)
    if "kind" in changes and changes["kind"] not in UnitKind.values:
        raise ServiceError("单位类型无效。", "invalid_kind")
    if not changes:
        return unit
    with transaction.atomic():
        if "code" in changes and Unit.objects.filter(code=changes["code"]).exclude(pk=unit.pk).exists():
            raise ServiceError(f"单位代码“{changes['code']}”已存在。", "duplicate_code")
        for k, v in changes.items():
            setattr(unit, k, v)
        unit.save(update_fields=list(changes))
        audit_record(
            "unit.update",
            user=by,
            unit_id=unit.pk,
            object_type="unit",
            object_id=unit.pk,
            details={"changes": {k: str(v) for k, v in changes.items()}},
        )
    return unit


def unit_move(*, by: User, unit: Unit, new_parent: Unit) -> Unit:
    """Re-hang a subtree: one UPDATE rewrites every descendant's path prefix."""
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise ServiceError("不能把单位移动到它自己或它的下级单位之下。", "move_cycle")
    _check_level(unit.level, new_parent)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        old_path, old_parent_id = unit.path, unit.parent_id
        new_path = _path_for(new_parent, unit.pk)
        depth_delta = new_parent.depth + 1 - unit.depth
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_delta,
        )
        Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
        audit_record(
            "unit.move",
            user=by,
            unit_id=unit.pk,
            object_type="unit",
            object_id=unit.pk,
            details={"from_parent": old_parent_id, "to_parent": new_parent.pk},
        )
    unit.refresh_from_db()
    return unit


def unit_set_active(*, by: User, unit: Unit, active: bool) -> Unit:
    """Deactivating a unit deactivates its subtree (history stays); activating needs an active parent."""
    with transaction.atomic():
        if active:
            if unit.parent is not None and not unit.parent.is_active:
                raise ServiceError("上级单位已停用，请先启用上级单位。", "parent_inactive")
            count = Unit.objects.filter(pk=unit.pk).update(is_active=True)
        else:
            count = Unit.objects.filter(path__startswith=unit.path, is_active=True).update(is_active=False)
        audit_record(
            "unit.activate" if active else "unit.deactivate",
            user=by,
            unit_id=unit.pk,
            object_type="unit",
            object_id=unit.pk,
            details={"units": count},
        )
    unit.refresh_from_db()
    return unit


def unit_set_extra_targets(*, by: User, unit: Unit, targets: list[Unit]) -> None:
    for t in targets:
        if t.pk == unit.pk or t.path.startswith(unit.path):
            raise ServiceError("直报对象不能是本单位或其下级单位。", "invalid_target")
        if LEVEL_RANK[t.level] >= LEVEL_RANK[unit.level]:
            raise ServiceError(f"直报对象“{t.name}”的层级须高于本单位。", "invalid_target")
    with transaction.atomic():
        ReportingLine.objects.filter(unit=unit).delete()
        ReportingLine.objects.bulk_create([ReportingLine(unit=unit, target=t) for t in targets])
        audit_record(
            "unit.targets",
            user=by,
            unit_id=unit.pk,
            object_type="unit",
            object_id=unit.pk,
            details={"targets": [t.pk for t in targets]},
        )


PROFILE_FIELDS = ("full_name", "job_title", "office_phone", "mobile", "email", "email_notifications")


def user_create(
    *,
    by: User | None,
    username: str,
    full_name: str,
    primary_unit: Unit,
    password: str,
    job_title: str = "",
    office_phone: str = "",
    mobile: str = "",
    email: str = "",
    is_demo: bool = False,
    validate: bool = True,
) -> User:
    username, full_name = login_name(username), (full_name or "").strip()
    if not username:
        raise ServiceError("用户名不能为空。", "username_required")
    if not full_name:
        raise ServiceError("姓名不能为空。", "name_required")
    user = User(
        username=username,
        full_name=full_name,
        primary_unit=primary_unit,
        job_title=job_title,
        office_phone=office_phone,
        mobile=mobile,
        email=email,
        is_demo=is_demo,
        must_change_password=True,
    )
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError("；".join(exc.messages), "weak_password") from exc
    user.set_password(password)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ServiceError(f"用户名“{username}”已存在。", "duplicate_username")
        user.save()
        audit_record(
            "user.create",
            user=by,
            unit_id=primary_unit.pk,
            object_type="user",
            object_id=user.pk,
            details={"username": username},
        )
    return user


def user_update(*, by: User, user: User, primary_unit: Unit | None = None, **fields: Any) -> User:
    changes = {k: v for k, v in fields.items() if k in PROFILE_FIELDS and getattr(user, k) != v}
    if primary_unit is not None and primary_unit.pk != user.primary_unit_id:
        changes["primary_unit"] = primary_unit
    if "full_name" in changes and not str(changes["full_name"]).strip():
        raise ServiceError("姓名不能为空。", "name_required")
    if not changes:
        return user
    with transaction.atomic():
        for k, v in changes.items():
            setattr(user, k, v)
        user.save(update_fields=list(changes))
        audit_record(
            "user.update",
            user=by,
            unit_id=user.primary_unit_id,
            object_type="user",
            object_id=user.pk,
            details={"changes": {k: str(v) for k, v in changes.items()}},
        )
    return user


def user_set_active(*, by: User, user: User, active: bool) -> User:
    from baosong.orgs.auth import sessions_end_for_user

    if user.pk == by.pk and not active:
        raise ServiceError("不能停用自己的账户。", "self_disable")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        if not active:
            sessions_end_for_user(user=user, reason="disabled", by=by)
        audit_record(
            "user.enable" if active else "user.disable",
            user=by,
            unit_id=user.primary_unit_id,
            object_type="user",
            object_id=user.pk,
        )
    return user


def _check_role_mix(user: User, role: str) -> None:
    kinds = {ROLE_KIND[r] for r in Membership.objects.filter(user=user).values_list("role", flat=True)}
    kinds.discard(ROLE_KIND[role])
    if kinds:
        raise ServiceError(
            "三员分立：系统管理员、安全管理员、审计管理员不能由同一账户兼任，也不能兼任业务角色。",
            "role_conflict",
        )


def membership_add(*, by: User | None, user: User, unit: Unit, role: str) -> Membership:
    if role not in Role.values:
        raise ServiceError("角色无效。", "invalid_role")
    if not unit.is_active:
        raise ServiceError("单位已停用，不能授予角色。", "unit_inactive")
    with transaction.atomic():
        _check_role_mix(user, role)
        existing = Membership.objects.filter(user=user, unit=unit, role=role).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                membership = Membership.objects.create(user=user, unit=unit, role=role)
        except IntegrityError as exc:  # the database trigger is the last line of 三员分立
            raise ServiceError("三员分立：该账户已有冲突的角色。", "role_conflict") from exc
        audit_record(
            "membership.add",
            user=by,
            unit_id=unit.pk,
            object_type="membership",
            object_id=membership.pk,
            details={"user_id": user.pk, "role": role},
        )
    return membership


def membership_remove(*, by: User, membership: Membership) -> None:
    with transaction.atomic():
        audit_record(
            "membership.remove",
            user=by,
            unit_id=membership.unit_id,
            object_type="membership",
            object_id=membership.pk,
            details={"user_id": membership.user_id, "role": membership.role},
        )
        membership.delete()


def review_step_add(
    *,
    by: User,
    unit: Unit,
    role: str = "",
    user: User | None = None,
    label: str = "",
    only_category: str = "",
    only_urgency: str = "",
    only_sensitive: bool = False,
    only_negative: bool = False,
    reviewer_unit: Unit | None = None,
    chain: str = ReviewStep.Chain.REPORT,
) -> ReviewStep:
    if chain not in ReviewStep.Chain.values:
        raise ServiceError("审核流程类型无效。", "invalid_chain")
    if not role and user is None:
        raise ServiceError("请选择审核角色或指定审核人。", "step_who_required")
    if reviewer_unit is not None:
        if user is not None or not role:
            raise ServiceError("由其他单位审核时，请选择该单位的审核角色。", "step_who_required")
        if reviewer_unit.pk == unit.pk:
            reviewer_unit = None
        elif not reviewer_unit.is_active:
            raise ServiceError("审核单位已停用。", "invalid_reviewer_unit")
    if role and role not in BUSINESS_ROLES:
        raise ServiceError("审核角色须为业务角色。", "invalid_role")
    if user is not None and not Membership.objects.filter(user=user, unit=unit).exists():
        raise ServiceError("指定的审核人须在本单位有角色。", "step_user_not_in_unit")
    if only_category and only_category not in dict(vocabulary(REPORT_CATEGORY)):
        raise ServiceError("信息类别无效。", "invalid_category")
    with transaction.atomic():
        order = (
            ReviewStep.objects.filter(unit=unit, chain=chain)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
            or 0
        ) + 1
        step = ReviewStep.objects.create(
            unit=unit,
            chain=chain,
            order=order,
            role=role,
            user=user,
            label=label.strip()[:64],
            only_category=only_category,
            only_urgency=only_urgency,
            only_sensitive=only_sensitive,
            only_negative=only_negative,
            reviewer_unit=reviewer_unit,
        )
        audit_record(
            "unit.review_chain",
            user=by,
            unit_id=unit.pk,
            object_type="review_step",
            object_id=step.pk,
            details={
                "added": {
                    "role": role,
                    "user_id": user.pk if user else None,
                    "order": order,
                    "chain": chain,
                    "reviewer_unit": reviewer_unit.pk if reviewer_unit else None,
                    "only_negative": only_negative,
                }
            },
        )
    return step


def unit_set_sign_after(*, by: User, unit: Unit, value: bool) -> Unit:
    """先报后签: whether this unit's urgent items forward at once and are signed after."""
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if locked.forward_sign_after_urgent != value:
            locked.forward_sign_after_urgent = value
            locked.save(update_fields=["forward_sign_after_urgent"])
            audit_record(
                "unit.review_chain",
                user=by,
                unit_id=unit.pk,
                object_type="unit",
                object_id=unit.pk,
                details={"sign_after_urgent": value},
            )
    return locked


def review_step_remove(*, by: User, step: ReviewStep) -> None:
    with transaction.atomic():
        audit_record(
            "unit.review_chain",
            user=by,
            unit_id=step.unit_id,
            object_type="review_step",
            object_id=step.pk,
            details={"removed": step.order, "chain": step.chain},
        )
        step.delete()
