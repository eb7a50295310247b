"""Points from the workflow's domain events. ``score_event`` is the one function that turns an event into
ledger rows; the consumer calls it once per event and ``recompute_scores`` replays it, so the ledger is
always a function of the event history (and of the rule set in force at each event's date)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from baosong.core.actions import event_codes, record
from baosong.core.audit import audit_record
from baosong.core.errors import Forbidden, ServiceError
from baosong.core.models import DomainEvent
from baosong.datareports import workflow as datareports_wf
from baosong.editorial import workflow as issue_wf
from baosong.instructions import workflow as instructions_wf
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import admin_scope_units
from baosong.reports import workflow as reports_wf
from baosong.reports.models import Report, Submission
from baosong.scoring import workflow as wf
from baosong.scoring.models import (
    AppraisalPolicy,
    LedgerEntry,
    QuotaRule,
    RemunerationRate,
    Rule,
    RuleCode,
    RuleSet,
    Target,
)
from baosong.scoring.rollups import ledger_rollup_apply, points_rebuild
from baosong.scoring.selectors import may_adjust_scores, quota_categories
from baosong.solicitations import workflow as solicitations_wf
from baosong.solicitations.models import Solicitation

C = RuleCode
CENT = Decimal("0.01")
SCORED_EVENTS = event_codes(
    [
        reports_wf.SENT,
        reports_wf.ADOPT,
        issue_wf.SIGN,
        issue_wf.WITHDRAW,
        reports_wf.EXTERNAL_ADOPTION,
        instructions_wf.CREATE,
        instructions_wf.OVERDUE,
        solicitations_wf.SOLICITATION_MISSED,
        wf.QUOTA_SHORTFALL,
        wf.NONCONFORMING,
        datareports_wf.SUBMIT,
    ]
)


@dataclass(frozen=True)
class Credit:
    unit_id: int
    points: Decimal
    code: str
    level: str = ""
    report_id: int | None = None
    author_id: int | None = None
    reason: str = ""


def rule_set_at(day: dt.date) -> RuleSet | None:
    return RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class Rules:
    """The rules of one set, looked up most specific first (level and kind, level, kind, any)."""

    def __init__(self, rule_set: RuleSet | None) -> None:
        self.rules = (
            {(r.code, r.level, r.publication_kind): r for r in rule_set.rules.all()} if rule_set else {}
        )

    def get(self, code: str, level: str = "", kind: str = "") -> Rule | None:
        for key in ((code, level, kind), (code, level, ""), (code, "", kind), (code, "", "")):
            if key in self.rules:
                return self.rules[key]
        return None

    def points(self, code: str, level: str = "", kind: str = "") -> Decimal:
        rule = self.get(code, level, kind)
        return rule.points if rule else Decimal(0)


def _split(report: Report, points: Decimal, code: str, level: str, reason: str) -> list[Credit]:
    """合报: the source unit and each co-submitting unit get an equal share (cents left to the source)."""
    units = [report.source_unit_id, *sorted(report.co_units.values_list("pk", flat=True))]
    share = (points / len(units)).quantize(CENT, rounding=ROUND_DOWN)
    rest = points - share * len(units)
    return [
        Credit(
            unit_id=u,
            points=share + (rest if i == 0 else 0),
            code=code,
            level=level,
            report_id=report.pk,
            author_id=report.author_id if i == 0 else None,
            reason=reason,
        )
        for i, u in enumerate(units)
    ]


def _adoption(rules: Rules, sub: Submission, kind: str, reason: str) -> list[Credit]:
    level = sub.target_unit.level
    points = rules.points(C.ADOPTED, level, kind)
    if sub.forwarded_from_id is not None:
        # Adopted after being forwarded up (衢州: ×2 at the province, ×5 at national level).
        factor = rules.get(C.FORWARD_MULTIPLIER, level)
        if factor is not None and factor.level == level:
            points *= factor.points
    return _split(sub.report, points, C.ADOPTED, level, reason) if points else []


class Replay:
    """State carried through a replay (recompute): the rules of each day, running monthly totals for
    capped rules, and the rows not yet written."""

    def __init__(self) -> None:
        self.rules_by_day: dict[dt.date, Rules] = {}
        self.rules_by_set: dict[int | None, Rules] = {}
        self.totals: dict[tuple[int, str, int, int], Decimal] = {}
        self.pending: list[LedgerEntry] = []
        self.written = 0

    def rules(self, day: dt.date) -> Rules:
        if day not in self.rules_by_day:
            rule_set = rule_set_at(day)
            key = rule_set.pk if rule_set else None
            if key not in self.rules_by_set:
                self.rules_by_set[key] = Rules(rule_set)
            self.rules_by_day[day] = self.rules_by_set[key]
        return self.rules_by_day[day]

    def flush(self) -> int:
        written = len(self.pending)
        self.written += written
        LedgerEntry.objects.bulk_create(self.pending, batch_size=2000)
        self.pending = []
        return written


def _rules_for(event: DomainEvent, replay: Replay | None) -> Rules:
    day = timezone.localdate(event.created_at)
    return replay.rules(day) if replay else Rules(rule_set_at(day))


def score_event(event: DomainEvent, replay: Replay | None = None) -> list[Credit]:
    """The credits one event earns, under the rule set in force on the event's date."""
    kind = event.event_type
    if kind not in SCORED_EVENTS:
        return []
    rules = _rules_for(event, replay)
    p = event.payload
    if kind == "report.sent":
        report = Report.objects.select_related("source_unit").filter(pk=event.object_id).first()
        if report is None:
            return []
        targets = list(Unit.objects.filter(pk__in=p.get("targets") or []).values_list("level", flat=True))
        level = (
            min(
                targets,
                key=lambda lv: ["national", "province", "city", "county", "township", "village"].index(lv),
            )
            if targets
            else ""
        )
        credits = []
        earlier = (
            DomainEvent.objects.filter(event_type="report.sent", object_id=report.pk, pk__lt=event.pk)
            .order_by("-pk")
            .first()
        )
        if earlier is not None:
            # Sent again after a withdrawal: what the earlier sending earned is taken back first.
            if replay is not None:
                replay.flush()
            for r in LedgerEntry.objects.filter(source_event_id=earlier.pk, manual=False).order_by("pk"):
                credits.append(
                    Credit(r.unit_id, -r.points, r.code, r.level, r.report_id, r.author_id, "撤回后重新报送")
                )
        credits += _split(report, rules.points(C.SUBMITTED, level), C.SUBMITTED, level, "报送信息")
        if p.get("urgent") and p.get("late"):
            points = rules.points(C.LATE_URGENT)
            credits.append(
                Credit(
                    report.source_unit_id,
                    points,
                    C.LATE_URGENT,
                    "",
                    report.pk,
                    report.author_id,
                    "紧急信息迟报",
                )
            )
        if report.solicitation_id and _first_timely_answer(report):
            points = rules.points(C.SOLICITATION)
            credits.append(
                Credit(
                    report.source_unit_id,
                    points,
                    C.SOLICITATION,
                    "",
                    report.pk,
                    report.author_id,
                    "按时响应约稿",
                )
            )
        return [c for c in credits if c.points]
    if kind == "submission.adopt":
        usage = p.get("usage")
        sub = Submission.objects.select_related("report", "target_unit").filter(pk=event.object_id).first()
        if sub is None or usage == "issue":
            return []  # an adoption for an issue counts when the issue is signed
        if usage == "website":
            points = rules.points(C.WEBSITE, sub.target_unit.level)
            return [
                c
                for c in _split(sub.report, points, C.WEBSITE, sub.target_unit.level, "网站采用")
                if c.points
            ]
        return _adoption(rules, sub, usage or "", f"{sub.target_unit.name}采用")
    if kind == "issue.sign":
        credits = []
        subs = Submission.objects.select_related("report", "target_unit").filter(
            pk__in=p.get("submissions") or []
        )
        for sub in subs.order_by("pk"):
            credits += _adoption(rules, sub, p.get("publication_kind", ""), f"{sub.target_unit.name}刊物采用")
        return credits
    if kind == "issue.withdraw":
        sign = (
            DomainEvent.objects.filter(event_type="issue.sign", object_id=event.object_id)
            .order_by("-pk")
            .first()
        )
        if sign is None:
            return []
        rows = LedgerEntry.objects.filter(source_event_id=sign.pk, manual=False).order_by("pk")
        return [
            Credit(r.unit_id, -r.points, r.code, r.level, r.report_id, r.author_id, "刊物撤回，冲减采用积分")
            for r in rows
        ]
    if kind == "report.external_adoption":
        report = Report.objects.filter(pk=event.object_id).first()
        level = p.get("level", "")
        points = rules.points(C.EXTERNAL, level)
        return (
            _split(report, points, C.EXTERNAL, level, f"外部采用：{p.get('publication_name', '')}")
            if report and points
            else []
        )
    if kind == "instruction.create":
        level = p.get("level", "")
        points = rules.points(C.INSTRUCTION, level)
        credits = []
        for sub in (
            Submission.objects.select_related("report")
            .filter(pk__in=p.get("submissions") or [])
            .order_by("pk")
        ):
            credits += _split(sub.report, points, C.INSTRUCTION, level, "领导批示")
        return [c for c in credits if c.points]
    if kind == "instruction.overdue" and event.unit_id:
        points = rules.points(C.LATE_FEEDBACK)
        return [Credit(event.unit_id, points, C.LATE_FEEDBACK, reason="批示落实反馈逾期")] if points else []
    if kind == "score.nonconforming" and event.unit_id:
        points = rules.points(C.NONCONFORMING)
        reason = f"不合规信息：{p.get('reason', '')}"[:300]
        return (
            [Credit(event.unit_id, points, C.NONCONFORMING, "", p.get("report_id"), None, reason)]
            if points
            else []
        )
    if kind == "quota.shortfall" and event.unit_id:
        points = Decimal(str(p.get("penalty") or 0))
        return (
            [Credit(event.unit_id, points, C.QUOTA_SHORTFALL, reason=f"{p.get('period', '')}未完成报送任务")]
            if points
            else []
        )
    if kind == "datareport.submit" and p.get("late") and p.get("version") == 1 and event.unit_id:
        # A structured return's first submission after its level's due day (or with event rows reported
        # past their N working days); a later correction is not late a second time.
        points = rules.points(C.LATE_RETURN)
        days = p.get("late_workdays") or 0
        reason = f"数据报表迟报{f' {days} 个工作日' if days else ''}"
        return [Credit(event.unit_id, points, C.LATE_RETURN, reason=reason)] if points else []
    if kind == "solicitation.missed" and event.unit_id:
        points = rules.points(C.MISSED_SOLICITATION)
        return [Credit(event.unit_id, points, C.MISSED_SOLICITATION, reason="约稿未报送")] if points else []
    return []


def _first_timely_answer(report: Report) -> bool:
    """The unit's first item for the notice, sent by the deadline (answering twice earns once)."""
    deadline = _solicitation_deadline(report.solicitation_id)
    if deadline is None or report.sent_at is None or report.sent_at > deadline:
        return False
    earlier = Report.objects.filter(
        solicitation_id=report.solicitation_id,
        source_unit_id=report.source_unit_id,
        sent_at__lt=report.sent_at,
    ).exclude(pk=report.pk)
    return not earlier.exists()


def _solicitation_deadline(solicitation_id: int | None) -> dt.datetime | None:
    if solicitation_id is None:
        return None
    row = Solicitation.objects.filter(pk=solicitation_id).values("deadline").first()
    return row["deadline"] if row else None


def _capped(credit: Credit, rules: Rules, when: dt.datetime, replay: Replay | None) -> Decimal:
    rule = rules.get(credit.code, credit.level)
    if rule is None or rule.cap_per_month is None or credit.points <= 0:
        return credit.points
    local = timezone.localtime(when)
    key = (credit.unit_id, credit.code, local.year, local.month)
    if replay is not None and key in replay.totals:
        so_far = replay.totals[key]
    else:
        so_far = LedgerEntry.objects.filter(
            unit_id=credit.unit_id, code=credit.code, year=local.year, month=local.month
        ).aggregate(s=Sum("points"))["s"] or Decimal(0)
    points = max(Decimal(0), min(credit.points, rule.cap_per_month - so_far))
    if replay is not None:
        replay.totals[key] = so_far + points
    return points


def _entries(event: DomainEvent, replay: Replay | None) -> list[LedgerEntry]:
    credits = score_event(event, replay)
    if not credits:
        return []
    rules = _rules_for(event, replay)
    local = timezone.localtime(event.created_at)
    rows = []
    for credit in credits:
        points = _capped(credit, rules, event.created_at, replay)
        if points:
            rows.append(
                LedgerEntry(
                    unit_id=credit.unit_id,
                    author_id=credit.author_id,
                    report_id=credit.report_id,
                    code=credit.code,
                    level=credit.level,
                    points=points,
                    occurred_at=event.created_at,
                    year=local.year,
                    month=local.month,
                    reason=credit.reason[:300],
                    source_event_id=event.pk,
                )
            )
    return rows


def ledger_apply(event: DomainEvent) -> list[LedgerEntry]:
    """Write the event's credits (inside the consumer's transaction: exactly once per event)."""
    rows = _entries(event, None)
    return LedgerEntry.objects.bulk_create(rows) if rows else []


def ledger_adjust(
    *, by: User, unit: Unit, points: Decimal, reason: str, day: dt.date | None = None
) -> LedgerEntry:
    """人工调整: a manual row with a mandatory reason, by an editor of a unit above (or at) the unit,
    counted on ``day`` (today by default; noon, so the row falls in that day's month in any zone)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("人工调整积分须填写原因。", "reason_required")
    if not points.is_finite() or abs(points) >= 10000:
        raise ServiceError("调整分值应在 -9999 至 9999 之间。", "invalid_points")
    if not points:
        raise ServiceError("调整分值不能为零。", "zero_points")
    if not may_adjust_scores(by, unit):
        raise Forbidden("只能调整本单位及下级单位的积分。")
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(12))) if day else timezone.now()
    local = timezone.localtime(when)
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            unit=unit,
            code=C.MANUAL,
            points=points,
            occurred_at=when,
            year=local.year,
            month=local.month,
            reason=reason[:300],
            manual=True,
            created_by=by,
        )
        ledger_rollup_apply([entry])
        audit_record(
            "score.adjust",
            user=by,
            unit_id=unit.pk,
            object_type="ledger_entry",
            object_id=entry.pk,
            details={"points": str(points), "reason": reason},
        )
    return entry


def recompute_scores(*, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Rebuild the derived ledger rows of [start, end) from the domain events; manual rows stay."""
    with transaction.atomic():
        removed, _ = LedgerEntry.objects.filter(
            manual=False, occurred_at__gte=start, occurred_at__lt=end
        ).delete()
        written = 0
        replay = Replay()
        events = DomainEvent.objects.filter(
            created_at__gte=start, created_at__lt=end, event_type__in=SCORED_EVENTS
        ).order_by("pk")
        for event in events.iterator(chunk_size=2000):
            if event.event_type == "issue.withdraw" or len(replay.pending) >= 2000:
                replay.flush()  # a withdrawal reads the rows its signing wrote
            entries = _entries(event, replay)  # may flush (a re-sent item reads its earlier rows)
            replay.pending.extend(entries)
        replay.flush()
        written = replay.written
        points_rebuild(
            timezone.localdate(start),
            timezone.localdate(end - dt.timedelta(microseconds=1)) + dt.timedelta(days=1),
        )
        audit_record(
            "score.recompute",
            details={
                "from": start.isoformat(),
                "to": end.isoformat(),
                "removed": removed,
                "written": written,
            },
        )
    return {"removed": removed, "written": written}


# ---- rule administration (系统管理员) ------------------------------------------------------------------

LEVEL_CHOICES = ["", "township", "county", "city", "province", "national"]
KIND_CHOICES = ["", "regular", "special_report", "briefing", "supplement", "merged"]


def _require_sysadmin(by: User) -> None:
    if not by.memberships.filter(role=Role.SYSADMIN).exists():
        raise Forbidden("只有系统管理员可以维护积分规则。")


def rule_set_create(
    *, by: User, name: str, effective_from: dt.date, copy_from: RuleSet | None = None
) -> RuleSet:
    """A new set effective from a date; usually a copy of the current one to adjust."""
    _require_sysadmin(by)
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写规则集名称。", "name_required")
    if RuleSet.objects.filter(effective_from=effective_from).exists():
        raise ServiceError("该日期已有生效的规则集。", "duplicate_date", status=409)
    with transaction.atomic():
        rule_set = RuleSet.objects.create(name=name[:100], effective_from=effective_from)
        if copy_from is not None:
            Rule.objects.bulk_create(
                [
                    Rule(
                        rule_set=rule_set,
                        code=r.code,
                        level=r.level,
                        publication_kind=r.publication_kind,
                        points=r.points,
                        cap_per_month=r.cap_per_month,
                    )
                    for r in copy_from.rules.all()
                ]
            )
        audit_record(
            "rule_set.create",
            user=by,
            object_type="rule_set",
            object_id=rule_set.pk,
            details={
                "effective_from": effective_from.isoformat(),
                "copy_from": copy_from.pk if copy_from else None,
            },
        )
    return rule_set


def rule_set_save(*, by: User, rule_set: RuleSet, rows: list[dict[str, Any]]) -> RuleSet:
    """Replace the rules of a set. Each row: code, level, publication_kind, points, cap_per_month."""
    _require_sysadmin(by)
    clean = []
    seen = set()
    for row in rows:
        code, level, kind = row.get("code", ""), row.get("level", ""), row.get("publication_kind", "")
        if code not in RuleCode.values or code == RuleCode.MANUAL:
            raise ServiceError("积分事项无效。", "invalid_code")
        if level not in LEVEL_CHOICES or kind not in KIND_CHOICES:
            raise ServiceError("级别或刊物类型无效。", "invalid_level")
        try:
            points = Decimal(str(row.get("points", "")).strip())
            cap = (
                Decimal(str(row["cap_per_month"]).strip())
                if str(row.get("cap_per_month") or "").strip()
                else None
            )
        except (ArithmeticError, ValueError) as exc:
            raise ServiceError(f"“{RuleCode(code).label}”的分值不是有效数字。", "invalid_points") from exc
        if abs(points) >= 100000 or (cap is not None and cap < 0):
            raise ServiceError("分值或上限超出范围。", "invalid_points")
        if (code, level, kind) in seen:
            raise ServiceError(f"“{RuleCode(code).label}”有重复的规则。", "duplicate_rule")
        seen.add((code, level, kind))
        clean.append(
            Rule(
                rule_set=rule_set,
                code=code,
                level=level,
                publication_kind=kind,
                points=points,
                cap_per_month=cap,
            )
        )
    with transaction.atomic():
        rule_set.rules.all().delete()
        Rule.objects.bulk_create(clean)
        audit_record(
            "rule_set.update",
            user=by,
            object_type="rule_set",
            object_id=rule_set.pk,
            details={"rules": len(clean)},
        )
    return rule_set


def quota_rule_save(
    *, by: User, unit_class: str, period_kind: str, category: str, minimum: int, penalty: Decimal | None
) -> QuotaRule:
    _require_sysadmin(by)
    if period_kind not in QuotaRule.PeriodKind.values:
        raise ServiceError("周期无效。", "invalid_period_kind")
    if category and category not in dict(quota_categories()):
        raise ServiceError(
            "该类别不能单独设定任务数：统计只为系统内置的七个类别分别计数，请选择内置类别或“不限类别”。",
            "invalid_category",
        )
    if minimum < 1:
        raise ServiceError("任务数至少为 1。", "invalid_minimum")
    with transaction.atomic():
        rule, _ = QuotaRule.objects.update_or_create(
            unit_class=(unit_class or "").strip()[:16],
            period_kind=period_kind,
            category=category,
            defaults={"minimum": minimum, "penalty": penalty},
        )
        audit_record("quota_rule.save", user=by, object_type="quota_rule", object_id=rule.pk)
    return rule


def quota_rule_remove(*, by: User, rule: QuotaRule) -> None:
    _require_sysadmin(by)
    with transaction.atomic():
        audit_record("quota_rule.remove", user=by, object_type="quota_rule", object_id=rule.pk)
        rule.delete()


# 稿酬 beyond the adoptions by level: per 批示, per 外部（媒体）采用 (instead of the level's rate once set),
# and the deductions per 不合规 item and per urgent item sent late.
REMUNERATION_EXTRAS = {
    "instruction": "领导批示（元/次）",
    "external": "媒体及外部采用（元/条，留空按级别标准）",
    "deduct_nonconf": "不合规信息扣减（元/条）",
    "deduct_late": "紧急信息迟报扣减（元/条）",
}


def remuneration_clear(*, by: User, keys: list[str]) -> None:
    """Back to the default for these 稿酬 keys (the external rate: the level's rate again)."""
    _require_sysadmin(by)
    with transaction.atomic():
        RemunerationRate.objects.filter(level__in=keys).delete()
        audit_record("remuneration.update", user=by, details={k: "默认" for k in keys})


def remuneration_set(*, by: User, rates: dict[str, Decimal]) -> None:
    _require_sysadmin(by)
    with transaction.atomic():
        for level, amount in rates.items():
            if level not in [*LEVEL_CHOICES[2:], *REMUNERATION_EXTRAS] or amount < 0:
                raise ServiceError("稿酬标准无效。", "invalid_rate")
            RemunerationRate.objects.update_or_create(level=level, defaults={"amount": amount})
        audit_record("remuneration.update", user=by, details={k: str(v) for k, v in rates.items()})


def submission_flag_nonconforming(*, submission: Submission, by: User, reason: str) -> DomainEvent:
    """An editor flags an incoming item as non-conforming (不合规: format, content or procedure); the source
    unit loses the points the rule set says. Once per submission."""
    from baosong.core.events import event_emit

    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请说明不合规的原因。", "reason_required")
    if Role.EDITOR not in set(
        by.memberships.filter(unit_id=submission.target_unit_id).values_list("role", flat=True)
    ):
        raise Forbidden("只有接收单位的采编人员可以标记不合规信息。")
    with transaction.atomic():
        if DomainEvent.objects.filter(event_type="score.nonconforming", object_id=submission.pk).exists():
            raise ServiceError("该信息已标记为不合规。", "already_flagged", status=409)
        audit_record(
            "submission.nonconforming",
            user=by,
            unit_id=submission.target_unit_id,
            object_type="submission",
            object_id=submission.pk,
            details={"reason": reason},
        )
        return event_emit(
            "score.nonconforming",
            object_type="submission",
            object_id=submission.pk,
            unit_id=submission.report.source_unit_id,
            payload={"reason": reason[:200], "report_id": submission.report_id, "by": by.pk},
        )


# ---- 目标责任 and the 评比 rules (an editor of the unit, or the system administrator) ----------------------


def may_set_targets(user: User, unit: Unit) -> bool:
    """An editor of the unit or of a unit above it, or a system administrator."""
    if user.memberships.filter(role=Role.SYSADMIN).exists():
        return admin_scope_units(user).filter(pk=unit.pk).exists()
    return may_adjust_scores(user, unit)


def _require_target_admin(by: User, unit: Unit) -> None:
    if not may_set_targets(by, unit):
        raise Forbidden("只有本单位或上级单位的采编人员、系统管理员可以设定目标责任。")


def target_save(
    *, by: User, unit: Unit, subject: str, measure: str, period_kind: str, minimum: int, unit_class: str = ""
) -> Target:
    """Set (or change the minimum of) a target for ``unit``'s subtree."""
    _require_target_admin(by, unit)
    if subject not in Target.Subject.values:
        raise ServiceError("考核对象应为单位或信息员。", "invalid_subject")
    if measure not in Target.Measure.values:
        raise ServiceError("指标应为报送信息、被采用信息或编发期数。", "invalid_measure")
    if subject == Target.Subject.PERSON and measure == Target.Measure.ISSUES:
        raise ServiceError("编发期数只能作为单位的目标。", "invalid_measure")
    if period_kind not in QuotaRule.PeriodKind.values:
        raise ServiceError("周期应为每周、每月或每年。", "invalid_period_kind")
    if not 1 <= minimum <= 100000:
        raise ServiceError("目标数应在 1 至 100000 之间。", "invalid_minimum")
    with transaction.atomic():
        target, _ = Target.objects.update_or_create(
            unit=unit,
            subject=subject,
            unit_class=(unit_class or "").strip()[:16],
            measure=measure,
            period_kind=period_kind,
            defaults={"minimum": minimum, "created_by": by},
        )
        record(
            wf.TARGET_SAVE,
            by=by,
            unit_id=unit.pk,
            object_type="target",
            object_id=target.pk,
            details={
                "subject": target.get_subject_display(),
                "measure": target.get_measure_display(),
                "period_kind": target.get_period_kind_display(),
                "minimum": minimum,
                "unit_class": target.unit_class or "所有单位",
            },
        )
    return target


def target_remove(*, by: User, target: Target) -> None:
    _require_target_admin(by, target.unit)
    with transaction.atomic():
        record(wf.TARGET_REMOVE, by=by, unit_id=target.unit_id, object_type="target", object_id=target.pk)
        target.delete()


def appraisal_policy_set(
    *, by: User, unit: Unit, missed_months: int, shortfall: int, missed_solicitations: int
) -> AppraisalPolicy:
    """The 评比 rules of ``unit``'s subtree (0 turns a rule off)."""
    _require_target_admin(by, unit)
    for value, limit, message in (
        (missed_months, 12, "累计未完成月数应在 0 至 12 之间。"),
        (shortfall, 100000, "累计差额条数应在 0 至 100000 之间。"),
        (missed_solicitations, 1000, "约稿未报次数应在 0 至 1000 之间。"),
    ):
        if not 0 <= value <= limit:
            raise ServiceError(message, "invalid_policy")
    with transaction.atomic():
        policy, _ = AppraisalPolicy.objects.update_or_create(
            unit=unit,
            defaults={
                "missed_months": missed_months,
                "shortfall": shortfall,
                "missed_solicitations": missed_solicitations,
                "updated_by": by,
                "updated_at": timezone.now(),
            },
        )
        record(
            wf.APPRAISAL_POLICY_UPDATE,
            by=by,
            unit_id=unit.pk,
            object_type="stats",
            object_id=unit.pk,
            details={
                "missed_months": missed_months,
                "shortfall": shortfall,
                "missed_solicitations": missed_solicitations,
            },
        )
    return policy
