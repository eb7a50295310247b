"""The audit log as the audit administrator reads it: filters from the query string, the records with their
Chinese labels, the units and objects named, the details as labelled fields — for the page and its XLSX/CSV
exports alike — and the state of the chain's verification.

Names are read in bulk: one query per kind of object on a page (``core.actions.Names``), never one per row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from baosong.core.actions import Names, audit_label, describe_details, format_value, registry
from baosong.core.models import AuditEvent, AuditHead
from baosong.core.params import local_day_bounds, parse_id
from baosong.orgs.models import Unit

EXPORT_MAX = 100_000  # rows in one export file; more is refused with a request to narrow the filters
EXPORT_CHUNK = 1000  # rows named together while exporting
OUTCOMES = dict(AuditEvent.Outcome.choices)
EXPORT_HEADERS = ["序号", "时间", "事件", "操作人", "单位", "对象", "结果", "详情", "IP 地址", "请求编号"]
EXPORT_WIDTHS = [8, 20, 24, 20, 24, 36, 6, 60, 16, 20]


# ---- filters --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    event_type: str = ""
    user: str = ""  # an account's id, or part of the name snapshot (姓名 or 用户名)
    unit: Unit | None = None
    subtree: bool = False  # the unit and every unit below it
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outcome: str = ""
    object_type: str = ""
    object_id: str = ""

    @property
    def active(self) -> bool:
        return any(
            [
                self.event_type,
                self.user,
                self.unit,
                self.date_from,
                self.date_to,
                self.outcome,
                self.object_type,
            ]
        )

    def as_details(self) -> dict[str, Any]:
        """The filters for the ``export.audit`` record: only those in use."""
        details: dict[str, Any] = {
            "event_type": self.event_type,
            "user": self.user,
            "unit_id": self.unit.pk if self.unit else None,
            "subtree": self.subtree if self.unit else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "outcome": self.outcome,
            "object_type": self.object_type,
            "object_id": self.object_id,
        }
        return {k: v for k, v in details.items() if v}


@dataclass
class ParsedFilters:
    filters: AuditFilters
    errors: list[str] = field(default_factory=list)
    unit_choices: list[Unit] = field(default_factory=list)  # a unit name that matched several units


def _date(params: Mapping[str, str], name: str, label: str, errors: list[str]) -> dt.date | None:
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(f"{label}“{text[:20]}”无法识别：日期格式应为 年-月-日，例如 2026-01-31。")
        return None


def _unit(params: Mapping[str, str], errors: list[str], choices: list[Unit]) -> Unit | None:
    """The unit picked: ``unit`` (an id: a link, a pick among several) while the box ``unit_q`` shows its
    name or is not sent; else what was typed in the box — a code, a name, or part of a name only one unit
    has. The form always sends the box, so emptying it clears the filter."""
    typed = (params.get("unit_q") or "").strip()
    picked = parse_id(params.get("unit"))
    if picked is not None:
        unit = Unit.objects.filter(pk=picked).first()
        if unit is not None and (typed == unit.name or "unit_q" not in params):
            return unit
        if unit is None and "unit_q" not in params:
            errors.append(f"找不到编号为 {picked} 的单位。")
            return None
    if not typed:
        return None
    found = list(Unit.objects.filter(Q(code=typed) | Q(name=typed)).order_by("path")[:11]) or list(
        Unit.objects.filter(Q(name__contains=typed) | Q(short_name__contains=typed)).order_by("path")[:11]
    )
    if len(found) == 1:
        return found[0]
    if not found:
        errors.append(f"找不到名称或代码为“{typed[:30]}”的单位。")
        return None
    choices.extend(found[:10])
    more = "（仅列出前 10 个，可输入更完整的名称）" if len(found) > 10 else ""
    errors.append(f"有多个单位与“{typed[:30]}”相符，请点选其中一个{more}。")
    return None


def parse_filters(params: Mapping[str, str]) -> ParsedFilters:
    """The filters in the query string. A value that cannot be used is explained in Chinese (and the page
    lists nothing rather than an unfiltered log)."""
    errors: list[str] = []
    choices: list[Unit] = []
    event_type = (params.get("type") or "").strip()
    if event_type and event_type not in registry.audit_types:
        errors.append(f"没有名为“{event_type[:40]}”的事件类型，请从列表中选择。")
        event_type = ""
    outcome = (params.get("outcome") or "").strip()
    if outcome and outcome not in OUTCOMES:
        errors.append(f"结果“{outcome[:20]}”无效，应为成功、失败或拒绝。")
        outcome = ""
    date_from = _date(params, "from", "开始日期", errors)
    date_to = _date(params, "to", "结束日期", errors)
    if date_from and date_to and date_from > date_to:
        errors.append("开始日期不能晚于结束日期。")
    object_type, _, object_id = (params.get("object") or "").strip().partition(":")
    if object_type and (object_type not in registry.object_kinds or not object_id):
        errors.append("对象参数无效，请从审计记录中的对象链接进入。")
        object_type = object_id = ""
    filters = AuditFilters(
        event_type=event_type,
        user=(params.get("user") or "").strip()[:150],
        unit=_unit(params, errors, choices),
        subtree=params.get("sub") == "1",
        date_from=date_from,
        date_to=date_to,
        outcome=outcome,
        object_type=object_type,
        object_id=object_id[:64],
    )
    return ParsedFilters(filters, errors, choices)


def audit_events(f: AuditFilters) -> QuerySet[AuditEvent]:
    """The records the filters select, newest first."""
    qs = AuditEvent.objects.order_by("-seq")
    if f.event_type:
        qs = qs.filter(event_type=f.event_type)
    if f.user:
        user_id = parse_id(f.user)
        qs = qs.filter(user_id=user_id) if user_id else qs.filter(user_name__contains=f.user)
    if f.unit is not None:
        if f.subtree:
            qs = qs.filter(unit_id__in=Unit.objects.filter(path__startswith=f.unit.path).values("pk"))
        else:
            qs = qs.filter(unit_id=f.unit.pk)
    start, end = local_day_bounds(f.date_from, f.date_to)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type, object_id=f.object_id)
    return qs


def filter_summary(f: AuditFilters) -> list[tuple[str, str]]:
    """The filters in words, for the line above the list ("操作人：张三（zhangsan）")."""
    names = Names()
    parts: list[tuple[str, str]] = []
    if f.event_type:
        parts.append(("事件类型", registry.audit_types[f.event_type].label))
    if f.user:
        user_id = parse_id(f.user)
        parts.append(("操作人", names.name("user", user_id) if user_id else f"姓名或用户名含“{f.user}”"))
    if f.unit is not None:
        parts.append(("单位", f.unit.name + ("（含下级单位）" if f.subtree else "")))
    if f.date_from or f.date_to:
        start = f.date_from.isoformat() if f.date_from else "最早"
        end = f.date_to.isoformat() if f.date_to else "今天"
        parts.append(("时间", f"{start} 至 {end}"))
    if f.outcome:
        parts.append(("结果", OUTCOMES[f.outcome]))
    if f.object_type:
        parts.append(("对象", names.object(f.object_type, f.object_id)))
    return parts


# ---- records as the auditor reads them ------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    label: str
    unit: str  # the unit's name, "—" when the record has none
    object: str  # "信息《标题》", "" when the record concerns no object
    details: list[tuple[str, str]]

    @property
    def outcome(self) -> str:
        return OUTCOMES.get(self.event.outcome, self.event.outcome)

    @property
    def object_param(self) -> str:
        """``object=`` for this record's object: its history in the audit log."""
        e = self.event
        return (
            f"{e.object_type}:{e.object_id}" if e.object_type in registry.object_kinds and e.object_id else ""
        )

    @property
    def actor_param(self) -> str:
        """``user=`` for this record's actor: the account's id, else the name it tried (a failed login)."""
        e = self.event
        return str(e.user_id) if e.user_id else e.user_name

    def export_values(self) -> list[Any]:
        e = self.event
        return [
            e.seq,
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            self.label,
            e.user_name or "—",
            self.unit,
            self.object or "—",
            self.outcome,
            "；".join(f"{label}：{value}" for label, value in self.details) or "—",
            e.ip or "—",
            e.request_id or "—",
        ]


def _details(e: AuditEvent, names: Names) -> list[tuple[str, str]]:
    """A transition's action is in its label already ("刊物流转：签发"); its two states read as one move."""
    audit = registry.audit_types.get(e.event_type)
    details = dict(e.details or {})
    moved: list[tuple[str, str]] = []
    if audit is not None and audit.workflow is not None and "from" in details and "to" in details:
        wf = audit.workflow
        source, target = (
            format_value("from", details.pop("from"), wf),
            format_value("to", details.pop("to"), wf),
        )
        details.pop("action", None)
        moved.append(("状态", f"{source} → {target}"))
    return moved + describe_details(e.event_type, details, names)


def audit_rows(events: Sequence[AuditEvent]) -> list[AuditRow]:
    """One page of records, named: every unit, object and id in the details is read in one query per kind
    of object for the whole page."""
    names = Names()
    for e in events:
        names.want("unit", e.unit_id)
        if e.object_type:
            names.want(e.object_type, e.object_id)
        names.want_details(e.event_type, e.details)
    return [
        AuditRow(
            event=e,
            label=audit_label(e.event_type, e.details),
            unit=names.name("unit", e.unit_id) if e.unit_id else "—",
            object=names.object(e.object_type, e.object_id) if e.object_type else "",
            details=_details(e, names),
        )
        for e in events
    ]


def export_snapshot(f: AuditFilters) -> QuerySet[AuditEvent]:
    """The filtered records up to the chain's head now: the file holds exactly the rows counted for its audit
    record, whatever is appended while it is written."""
    head = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    return audit_events(f).filter(seq__lte=head)


def export_table(qs: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The header, then the records as on the page, named chunk by chunk."""
    yield EXPORT_HEADERS
    events: Iterable[AuditEvent] = qs.iterator(chunk_size=EXPORT_CHUNK)
    iterator = iter(events)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        for row in audit_rows(chunk):
            yield row.export_values()


def export_filename() -> str:
    return f"审计日志{timezone.localtime().strftime('%Y%m%d-%H%M')}"


# ---- the chain's verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyState:
    last: AuditEvent | None  # the latest audit.verify record
    head: int  # the chain's last seq

    @property
    def ok(self) -> bool:
        return self.last is not None and self.last.outcome == AuditEvent.Outcome.SUCCESS

    @property
    def verified_to(self) -> int:
        """The last seq the latest verification found intact (rows 1 … this)."""
        return int((self.last.details or {}).get("checked") or 0) if self.last else 0

    @property
    def first_bad_seq(self) -> int | None:
        bad = (self.last.details or {}).get("first_bad_seq") if self.last else None
        return int(bad) if bad else None

    @property
    def newer(self) -> int:
        """Records appended after the last one verified (the verification's own record among them)."""
        return max(self.head - self.verified_to, 0)


def verify_state() -> VerifyState:
    last = AuditEvent.objects.filter(event_type="audit.verify").order_by("-seq").first()
    head = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    return VerifyState(last=last, head=head)


__all__ = [
    "EXPORT_MAX",
    "AuditFilters",
    "AuditRow",
    "ParsedFilters",
    "VerifyState",
    "audit_events",
    "audit_rows",
    "export_filename",
    "export_snapshot",
    "export_table",
    "filter_summary",
    "parse_filters",
    "verify_state",
]
