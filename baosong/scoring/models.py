"""Scoring (积分): rule sets effective from a date, and the append-only points ledger derived from the
workflow's domain events."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from baosong.orgs.models import Unit, User


class RuleCode(models.TextChoices):
    SUBMITTED = "submitted", "报送信息"
    ADOPTED = "adopted", "刊物采用"
    EXTERNAL = "external_adoption", "外部采用"
    INSTRUCTION = "instruction", "领导批示"
    SOLICITATION = "solicitation_answered", "按时响应约稿"
    WEBSITE = "website", "网站采用"
    FORWARD_MULTIPLIER = "forwarded_multiplier", "转报后采用倍数"
    LATE_URGENT = "penalty_late_urgent", "紧急信息迟报"
    MISSED_SOLICITATION = "penalty_missed_solicitation", "约稿未报送"
    LATE_FEEDBACK = "penalty_late_feedback", "批示反馈逾期"
    QUOTA_SHORTFALL = "penalty_quota", "未完成报送任务"
    NONCONFORMING = "penalty_nonconforming", "不合规信息"
    LATE_RETURN = "penalty_late_return", "数据报表迟报"
    MANUAL = "manual", "人工调整"


class RuleSet(models.Model):
    """A complete set of rules, effective from a date until the next set: last year's ranking is always
    computed with last year's rules."""

    name = models.CharField("名称", max_length=100)
    effective_from = models.DateField("生效日期", unique=True)
    note = models.TextField("说明", blank=True)
    is_default = models.BooleanField("系统默认", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "积分规则"
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    """Event → points. ``level`` (the adopting/instructing level) and ``publication_kind`` narrow a rule;
    blank matches any. For the forwarded multiplier ``points`` is the factor."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(max_length=32, choices=RuleCode.choices)
    level = models.CharField(max_length=16, blank=True)
    publication_kind = models.CharField(max_length=16, blank=True)
    points = models.DecimalField(max_digits=7, decimal_places=2)
    cap_per_month = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code", "level", "publication_kind"], name="scoring_rule_unique"
            )
        ]


class LedgerEntry(models.Model):
    """One scoring event for one unit. Rows are only ever added (a reversal is a negative row); the
    derived ones can be rebuilt from the domain events by ``recompute_scores``."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ledger")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report_id = models.BigIntegerField(null=True, blank=True)
    code = models.CharField(max_length=32, choices=RuleCode.choices)
    level = models.CharField(max_length=16, blank=True)
    points = models.DecimalField(max_digits=9, decimal_places=2)
    occurred_at = models.DateTimeField()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    source_event_id = models.BigIntegerField(null=True, blank=True)
    manual = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "积分明细"
        indexes = [
            models.Index(fields=["year", "month", "unit"], name="scoring_ledger_period_unit"),
            models.Index(fields=["unit", "year", "month"], name="scoring_ledger_unit_period"),
            models.Index(fields=["source_event_id"], name="scoring_ledger_event"),
            models.Index(fields=["occurred_at"], name="scoring_ledger_time"),
        ]


CATEGORY_FIELDS = {
    "work_update": "cat_work_update", "experience": "cat_experience", "problem": "cat_problem",
    "policy": "cat_policy", "emergency": "cat_emergency", "research": "cat_research",
    "public_opinion": "cat_public_opinion",
}  # fmt: skip
ADOPTION_FIELDS = {
    "township": "adopted_township", "county": "adopted_county", "city": "adopted_city",
    "province": "adopted_province", "national": "adopted_national",
}  # fmt: skip
COUNTERS = [
    "submitted", "on_time", *CATEGORY_FIELDS.values(), *ADOPTION_FIELDS.values(), "instructions",
    "solicitation_answered", "solicitation_missed", "received", "receive_seconds", "points_x100",
    "ledger_rows", "issues",
]  # fmt: skip


class StatsCounters(models.Model):
    """The counters of a rollup row: ``own`` counts the unit's own items, ``tree`` the unit and everything
    below it (each change also bumps every ancestor's tree row)."""

    class Scope(models.TextChoices):
        OWN = "own", "本级"
        TREE = "tree", "含下级"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=4, choices=Scope.choices)
    submitted = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    cat_work_update = models.IntegerField(default=0)
    cat_experience = models.IntegerField(default=0)
    cat_problem = models.IntegerField(default=0)
    cat_policy = models.IntegerField(default=0)
    cat_emergency = models.IntegerField(default=0)
    cat_research = models.IntegerField(default=0)
    cat_public_opinion = models.IntegerField(default=0)
    adopted_township = models.IntegerField(default=0)
    adopted_county = models.IntegerField(default=0)
    adopted_city = models.IntegerField(default=0)
    adopted_province = models.IntegerField(default=0)
    adopted_national = models.IntegerField(default=0)
    instructions = models.IntegerField(default=0)
    solicitation_answered = models.IntegerField(default=0)
    solicitation_missed = models.IntegerField(default=0)
    # 接收时效, at the receiving unit: items taken up (claimed or decided straight away) and the seconds
    # they waited.
    received = models.IntegerField(default=0)
    receive_seconds = models.BigIntegerField(default=0)
    # The ledger's points of the day in hundredths (an integer, like every other counter), so rankings
    # per child unit read the tree rows instead of summing ledger rows.
    points_x100 = models.BigIntegerField(default=0)
    # How many ledger rows those points are (积分明细 shows a period's count without counting rows).
    ledger_rows = models.IntegerField(default=0)
    # 期数: issues of the unit's publications signed that day (a withdrawn one taken back on its signing
    # day), for the 目标责任 of units that publish.
    issues = models.IntegerField(default=0)

    class Meta:
        abstract = True


class StatsDaily(StatsCounters):
    """Rollup of one unit's day, so a dashboard reads a handful of rows per child unit instead of scanning
    items. Maintained from the domain events; ``check_rollups`` compares it with a full recount."""

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "scope", "day"], name="scoring_stats_unique"),
        ]


class StatsMonthly(StatsCounters):
    """The day rows summed per calendar month (``month`` is its first day), written in the same statements'
    transaction as the day rows: a quarter or a year reads at most twelve rows per unit instead of 365.
    ``check_rollups`` compares it with the day rows."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "scope", "month"], name="scoring_stats_monthly_unique"),
        ]
        indexes = [models.Index(fields=["scope", "month"], name="scoring_stats_monthly_period")]


class AuthorMonthly(models.Model):
    """Rollup of the ledger per reporter (信息员), unit and month: the top reporters of a subtree read these
    rows instead of every ledger row. Maintained with the ledger; ``check_rollups`` compares it too."""

    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "unit", "year", "month"], name="scoring_author_monthly_unique"
            ),
        ]
        indexes = [models.Index(fields=["year", "month", "unit"], name="scoring_author_monthly_period")]


class AuthorYearly(models.Model):
    """The reporters' months summed per year, written with them: a year's top reporters read one row per
    reporter and unit (tens of thousands at province scale) instead of twelve. ``check_rollups`` compares
    it with the month rows."""

    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "unit", "year"], name="scoring_author_yearly_unique"),
        ]
        indexes = [models.Index(fields=["year", "unit"], name="scoring_author_yearly_period")]


class QuotaRule(models.Model):
    """任务数: each unit of a class must send at least ``minimum`` items (of a category) per week, month
    or year. A shortfall may cost points (penalty, written when the month is over)."""

    class PeriodKind(models.TextChoices):
        WEEK = "week", "每周"
        MONTH = "month", "每月"
        YEAR = "year", "每年"

    unit_class = models.CharField("考核类别", max_length=16, blank=True, help_text="留空表示所有单位")
    period_kind = models.CharField("周期", max_length=8, choices=PeriodKind.choices)
    category = models.CharField("信息类别", max_length=20, blank=True, help_text="留空表示任何类别")
    minimum = models.PositiveIntegerField("至少报送条数")
    penalty = models.DecimalField("未完成扣分", max_digits=7, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "报送任务数"
        ordering = ["unit_class", "period_kind", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_class", "period_kind", "category"], name="scoring_quota_unique"
            )
        ]


class Bulletin(models.Model):
    """通报 of a unit's subtree for a period. Drafts are computed live; release freezes the ranking (the
    snapshot) and numbers it per unit and year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        RELEASED = "released", "已发布"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bulletins")
    period = models.CharField(max_length=8)  # YYYY-MM, YYYY-Qn, YYYY
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    remarks = models.TextField("说明", blank=True)
    to_portal = models.BooleanField("在门户公开", default=False)
    snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通报"
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="scoring_bulletin_unique"),
            models.UniqueConstraint(
                fields=["unit", "year", "number"],
                condition=models.Q(number__isnull=False),
                name="scoring_bulletin_number_unique",
            ),
        ]


class RemunerationRate(models.Model):
    """稿酬: the amount paid per adoption at a level (元)."""

    level = models.CharField(max_length=16, unique=True)
    amount = models.DecimalField(max_digits=8, decimal_places=2)


class ReporterMonthly(models.Model):
    """Rollup of one reporter's (信息员) items per unit and calendar month (``month`` is its first day):
    items sent and final adoptions, counted like the unit counters (``rollups``). The per-person 目标责任
    and the 评比 read these rows, never the items; ``check_rollups`` compares them with a recount."""

    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    submitted = models.IntegerField(default=0)
    adopted = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "unit", "month"], name="scoring_reporter_monthly_unique"
            ),
        ]
        indexes = [models.Index(fields=["month", "unit"], name="scoring_reporter_month_unit")]


class Target(models.Model):
    """目标责任: what each unit (of a class) or each reporter of a unit's subtree must reach per week, month
    or year — items sent, adoptions, or 期数 (issues published, for units that publish). Set by an editor
    of the unit (or the system administrator); a week target is judged per month, as the weeks of the
    month that hold a working day (like the 报送任务数)."""

    class Subject(models.TextChoices):
        UNIT = "unit", "单位"
        PERSON = "person", "信息员"

    class Measure(models.TextChoices):
        SUBMITTED = "submitted", "报送信息"
        ADOPTED = "adopted", "被采用信息"
        ISSUES = "issues", "编发期数"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="targets")
    subject = models.CharField("考核对象", max_length=8, choices=Subject.choices)
    unit_class = models.CharField("考核类别", max_length=16, blank=True, help_text="留空表示所有单位")
    measure = models.CharField("指标", max_length=12, choices=Measure.choices)
    period_kind = models.CharField("周期", max_length=8, choices=QuotaRule.PeriodKind.choices)
    minimum = models.PositiveIntegerField("目标数")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "目标责任"
        ordering = ["subject", "measure", "period_kind", "unit_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "subject", "unit_class", "measure", "period_kind"],
                name="scoring_target_unique",
            )
        ]

    @property
    def label(self) -> str:
        unit = "期" if self.measure == self.Measure.ISSUES else "条"
        return f"{self.get_period_kind_display()}{self.get_measure_display()}不少于{self.minimum}{unit}"


class AppraisalPolicy(models.Model):
    """评比规则 of a unit's subtree, accumulated over a year (0 turns a rule off): ``missed_months`` months
    with a target missed → not eligible for 优秀 (评优资格取消); a total shortfall of ``shortfall`` items
    → 不称职; ``missed_solicitations`` 约稿 not answered by their deadline → the unit's year scores 0
    (年终考评否决)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="appraisal_policy")
    missed_months = models.PositiveSmallIntegerField("累计未完成月数（取消评优资格）", default=2)
    shortfall = models.PositiveIntegerField("累计差额条数（不称职）", default=10)
    missed_solicitations = models.PositiveSmallIntegerField("约稿未报次数（年终考评否决）", default=2)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "评比规则"
