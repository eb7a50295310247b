"""Scoring's actions in the registry (see ``core.actions``): the 通报 (Bulletin) moves from draft to
released once; rules, quotas, adjustments and exports are audited acts without a status."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Max
from django.utils import timezone

from baosong.core.actions import Transition, Who, Workflow, declare, detail_labels
from baosong.core.errors import Forbidden, ServiceError
from baosong.orgs.models import Role
from baosong.orgs.selectors import roles_in_unit
from baosong.scoring.models import Bulletin

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
    removed="删除数",
    written="写入数",
    national="国家级",
    province="省级",
    city="市级",
    county="县级",
    to_portal="在门户公开",
    scope="范围",
)
