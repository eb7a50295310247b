"""Units (单位), people and their roles per unit (Membership = user × unit × role)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Level(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡镇"
    VILLAGE = "village", "村"


LEVEL_RANK = {lv.value: i for i, lv in enumerate(Level)}


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", "政府办公室"
    DEPARTMENT = "department", "部门"
    SCHOOL = "school", "学校"
    ENTERPRISE = "enterprise", "企业"
    OTHER = "other", "其他"


class Unit(models.Model):
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField("单位代码", max_length=32, unique=True)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    kind = models.CharField("类型", max_length=16, choices=UnitKind.choices, default=UnitKind.GOVERNMENT)
    unit_class = models.CharField("考核类别", max_length=16, blank=True, help_text="如 一类、二类、三类")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of ids, e.g. "/1/12/345/": a subtree is every path starting with its root's.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    # 先报后签: with a 转报签发 chain, an urgent item (特急/加急) goes up at once and is signed after.
    forward_sign_after_urgent = models.BooleanField("紧急信息先报后签", default=False)
    # A unit of a federated peer deployment mirrored here (baosong.federation): a reporting target or the
    # source of received items. Nobody logs in to it; it stands outside this deployment's tree.
    external = models.BooleanField("外部系统单位", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "单位"
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "sort_order"], name="orgs_unit_parent_sort")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="orgs_unit_name_not_empty"),
            models.CheckConstraint(condition=~Q(code=""), name="orgs_unit_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]


class ReportingLine(models.Model):
    """An extra reporting target (直报点) beyond the parent, which is always a target."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="extra_target_lines")
    target = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="direct_reporter_lines")

    class Meta:
        verbose_name = "直报关系"
        constraints = [
            models.UniqueConstraint(fields=["unit", "target"], name="orgs_reportingline_unique"),
            models.CheckConstraint(condition=~Q(unit=models.F("target")), name="orgs_reportingline_not_self"),
        ]


def login_name(raw: str) -> str:
    """One spelling per login name: NFKC (full-width Ｚ is Z), case-folded, spaces at the ends dropped —
    ``zhang``, ``zhang `` and ``Ｚhang`` are the same account."""
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()[:64]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: object) -> User:
        user = self.model(username=login_name(username), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """An account. Business and admin rights come only from Memberships; there is no superuser flag."""

    username = models.CharField("用户名", max_length=64, unique=True)
    full_name = models.CharField("姓名", max_length=64)
    job_title = models.CharField("职务", max_length=64, blank=True)
    office_phone = models.CharField("办公电话", max_length=32, blank=True)
    mobile = models.CharField("手机", max_length=32, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    primary_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="staff", verbose_name="所在单位"
    )
    is_active = models.BooleanField("启用", default=True)
    must_change_password = models.BooleanField(default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    email_notifications = models.BooleanField("接收邮件通知", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "用户"
        indexes = [models.Index(fields=["primary_unit", "is_active"], name="orgs_user_unit_active")]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）"

    # Django's admin/permission API is deliberately absent: rights come from Membership roles.
    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_superuser(self) -> bool:
        return False


class Role(models.TextChoices):
    REPORTER = "reporter", "信息员"
    REVIEWER = "reviewer", "审核人"
    EDITOR = "editor", "采编人员"
    CHIEF = "chief", "主编"
    LEADER = "leader", "领导"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITADMIN = "auditadmin", "审计管理员"


ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="orgs_membership_unique")
        ]
        indexes = [models.Index(fields=["unit", "role"], name="orgs_membership_unit_role")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.unit_id}:{self.role}"


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class LoginState(models.Model):
    """Failed-login counter and lock per login name — kept for unknown names too, so that an
    unknown user and a wrong password answer exactly alike, lock included."""

    username = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)


class UserSession(models.Model):
    """Sessions a user holds, so logout, disabling and the security administrator can end them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=64, unique=True)
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)


class ApiToken(models.Model):
    """Bearer token for the public API; only its SM3 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class ImportJob(models.Model):
    """A record of one import attempt (accepted or refused), for the administrator's history."""

    class Kind(models.TextChoices):
        UNITS = "units", "单位"
        USERS = "users", "用户"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)


class ReviewStep(models.Model):
    """One step of a unit's in-unit review chain (审核签发): a role or a named person, optionally only
    for some categories, urgencies or items marked 敏感. A unit without steps sends directly.

    ``chain`` tells the chains apart: 报送审核 (an item leaving the unit), 转报签发 (an item the unit's
    editors forward upward) and 上网发布审核 (content going on the public portal, the 上网信息发布审核表).
    A unit without steps of a chain acts directly.

    ``reviewer_unit``: the role is held in another unit (县委宣传部's 审核人 reviews the township's 负面
    items); that reviewer sees only what reaches their step (``ReviewGrant``)."""

    class Chain(models.TextChoices):
        REPORT = "report", "报送审核"
        FORWARD = "forward", "转报签发"
        PORTAL = "portal", "上网发布审核"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="review_steps")
    chain = models.CharField("审核流程", max_length=8, choices=Chain.choices, default=Chain.REPORT)
    order = models.PositiveSmallIntegerField(default=1)
    label = models.CharField("步骤名称", max_length=64, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    only_category = models.CharField("仅限类别", max_length=20, blank=True)
    only_urgency = models.CharField("仅限紧急程度", max_length=16, blank=True)
    only_sensitive = models.BooleanField("仅限敏感信息", default=False)
    only_negative = models.BooleanField("仅限负面/重大信息", default=False)
    reviewer_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审核单位"
    )

    class Meta:
        ordering = ["unit", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(role="") | Q(user__isnull=False), name="orgs_reviewstep_who"),
        ]
        indexes = [models.Index(fields=["unit", "chain", "order"], name="orgs_reviewstep_unit_chain")]

    def applies(
        self, *, category: str = "", urgency: str = "", sensitive: bool = False, negative: bool = False
    ) -> bool:
        """Whether this (possibly conditional) step applies to content with these marks."""
        return not (
            (self.only_category and self.only_category != category)
            or (self.only_urgency and self.only_urgency != urgency)
            or (self.only_sensitive and not sensitive)
            or (self.only_negative and not negative)
        )

    def frozen(self) -> dict[str, Any]:
        """The step as frozen into an item's chain: who (a named person, or a role in ``unit_id`` — the
        chain's own unit when None) and a label for the forms."""
        if self.label:
            label = self.label
        elif self.user is not None:
            label = self.user.full_name
        else:
            where = self.reviewer_unit.display_name if self.reviewer_unit is not None else ""
            label = f"{where}{Role(self.role).label}审核"
        return {"role": self.role, "user_id": self.user_id, "unit_id": self.reviewer_unit_id, "label": label}


class ReviewGrant(models.Model):
    """What was sent to a reviewer for their step: an item, a 转报 request or a portal release reached a
    step that names a person, or a role in some unit. A reviewer outside the owning unit sees exactly the
    objects granted to them (and 404 for everything else); the grant stays after the step (the trail)."""

    object_type = models.CharField(max_length=24)  # "report", "forward_request", "portal_release"
    object_id = models.BigIntegerField()
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | (Q(unit__isnull=False) & ~Q(role="")), name="orgs_grant_who"
            ),
            # One grant per object and reviewer (partial: NULLs are distinct in a plain unique key).
            models.UniqueConstraint(
                fields=["object_type", "object_id", "user"],
                condition=Q(user__isnull=False),
                name="orgs_grant_once_user",
            ),
            models.UniqueConstraint(
                fields=["object_type", "object_id", "unit", "role"],
                condition=Q(user__isnull=True),
                name="orgs_grant_once_role",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "role", "object_type", "object_id"], name="orgs_grant_unit_role"),
            models.Index(fields=["user", "object_type", "object_id"], name="orgs_grant_user"),
            models.Index(fields=["object_type", "object_id"], name="orgs_grant_object"),
        ]
