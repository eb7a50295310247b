"""Scoring's actions in the registry (see ``core.actions``): the 通报 (Bulletin) moves from draft to
released once; rules, quotas, adjustments and exports are audited acts without a status."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypedDict

from django.db.models import Max
from django.utils import timezone

from baosong.core.actions import (
    Transition,
    Who,
    Workflow,
    audit_group,
    declare,
    detail_labels,
    detail_refs,
    names_of,
    object_kind,
)
from baosong.core.errors import Forbidden, ServiceError
from baosong.orgs.models import Role, Unit
from baosong.orgs.selectors import roles_in_unit
from baosong.scoring.models import Bulletin, LedgerEntry, QuotaRule, RuleSet, Target

B = Bulletin.Status

EDITOR = Who("本单位采编人员", lambda user, b: Role.EDITOR in roles_in_unit(user, b.unit_id))

BulletinPayload = TypedDict(
    "BulletinPayload",
    {"from": str, "to": str, "by": int, "at": str, "period": str, "number": int, "to_portal": bool},
    total=False,
)


class BulletinWorkflow(Workflow[Bulletin]):
    def refuse_state(self, obj: Bulletin, action: Any) -> ServiceError:
        return ServiceError("通报已发布。", "released", status=409)

    def refuse_actor(self, obj: Bulletin, action: Any) -> ServiceError:
        return Forbidden("只有本单位采编人员可以发布通报。")

    def event_payload(self, obj: Bulletin, t: Transition) -> dict[str, Any]:
        return {**super().event_payload(obj, t), "to_portal": obj.to_portal}


BULLETIN = BulletinWorkflow(
    "bulletin",
    "通报",
    Bulletin,
    audit_type="bulletin.release",
    audit_label="发布通报",
    payload=BulletinPayload,
    subject="该通报",
)
RELEASE = BULLETIN.action("release", "发布", [(B.DRAFT, B.RELEASED, EDITOR)], event_label="发布通报")
CREATE = BULLETIN.declare("create", "编制通报", audit="bulletin.create")
UPDATE = BULLETIN.declare("update", "修改通报说明", audit="bulletin.update")
DOWNLOAD = BULLETIN.declare("download", "下载通报", audit="bulletin.download")
STATS_EXPORT = declare("stats.export", "导出统计")
SCORE_ADJUST = declare("score.adjust", "手工调整积分")
SCORE_RECOMPUTE = declare("score.recompute", "重算积分")
RULE_SET_CREATE = declare("rule_set.create", "新建积分规则")
RULE_SET_UPDATE = declare("rule_set.update", "修改积分规则")
QUOTA_RULE_SAVE = declare("quota_rule.save", "保存报送任务")
QUOTA_RULE_REMOVE = declare("quota_rule.remove", "删除报送任务")
REMUNERATION_UPDATE = declare("remuneration.update", "修改稿酬标准")
TARGET_SAVE = declare("target.save", "保存目标责任")
TARGET_REMOVE = declare("target.remove", "删除目标责任")
APPRAISAL_POLICY_UPDATE = declare("appraisal.policy", "修改评比规则")
APPRAISAL_EXPORT = declare("appraisal.export", "导出年度评比")


class NonconformingPayload(TypedDict):
    reason: str
    report_id: int
    by: int


NONCONFORMING = declare(
    "submission.nonconforming",
    "标记不合规信息",
    event="score.nonconforming",
    event_label="不合规扣分",
    payload=NonconformingPayload,
)


class ShortfallPayload(TypedDict):
    rule: int
    period: str
    penalty: str


QUOTA_SHORTFALL = declare(
    "quota.shortfall", "未完成报送任务", audit="", event="quota.shortfall", payload=ShortfallPayload
)


def number_next(bulletin: Bulletin) -> tuple[int, int]:
    """The year and the next number of a unit's bulletins (the caller holds the unit's row lock)."""
    year = timezone.localdate().year
    last = Bulletin.objects.filter(unit_id=bulletin.unit_id, year=year).aggregate(m=Max("number"))["m"] or 0
    return year, last + 1


detail_labels(
    points="分值",
    effective_from="生效日期",
    copy_from="复制自",
    written="写入数",
    rules="规则条数",
    national="国家级",
    province="省级",
    city="市级",
    county="县级",
    to_portal="在门户公开",
    scope="范围",
    subject="考核对象",
    measure="指标",
    period_kind="周期",
    minimum="目标数",
    unit_class="考核类别",
    missed_months="累计未完成月数",
    shortfall="累计差额条数",
    missed_solicitations="约稿未报次数",
    year="年度",
)
detail_labels(types=("score.recompute",), removed="删除数", **{"from": "起始时间", "to": "截止时间"})
detail_refs(copy_from="rule_set")
audit_group(
    "积分、统计与通报",
    *("bulletin", "stats", "score", "rule_set", "quota_rule", "remuneration", "target", "appraisal"),
)


def _bulletin_names(ids: Collection[int]) -> dict[int, str]:
    from baosong.scoring.selectors import parse_period

    def name(b: Bulletin) -> str:
        number = f"第{b.number}期" if b.number else "（未发布）"
        return f"（{b.unit.name}{parse_period(b.period).label}{number}）"

    return {b.pk: name(b) for b in Bulletin.objects.filter(pk__in=ids).select_related("unit")}


def _quota_rule_names(ids: Collection[int]) -> dict[int, str]:
    return {
        r.pk: f"（{r.unit_class or '所有单位'}{r.get_period_kind_display()}至少 {r.minimum} 条）"
        for r in QuotaRule.objects.filter(pk__in=ids)
    }


def _target_names(ids: Collection[int]) -> dict[int, str]:
    return {
        t.pk: f"（{t.unit.name}{t.get_subject_display()}{t.label}）"
        for t in Target.objects.filter(pk__in=ids).select_related("unit")
    }


def _ledger_entry_names(ids: Collection[int]) -> dict[int, str]:
    rows = LedgerEntry.objects.filter(pk__in=ids).values_list("pk", "unit__name", "points")
    return {pk: f"（{unit} {points} 分）" for pk, unit, points in rows}


object_kind("bulletin", "通报", _bulletin_names)
object_kind("rule_set", "积分规则", names_of(RuleSet, "name", "“{}”"))
object_kind("quota_rule", "报送任务", _quota_rule_names)
object_kind("target", "目标责任", _target_names)
object_kind("ledger_entry", "积分记录", _ledger_entry_names)
object_kind("stats", "统计", names_of(Unit, "name", "（{}）"))

# An upgrade whose migration adds rollup counters asks the scoring consumer to recount the history once
# (the migration writes this event; the worker recounts — see migrations/0015_backfill_new_counters).
ROLLUP_BACKFILL = declare("scoring.backfill", "补算统计汇总", audit="", event="scoring.backfill")
