"""The one registry of actions: every state change and every audited act is declared here once.

An app declares, at import of its ``actions`` module (loaded by its ``AppConfig.ready()``):

- a :class:`Workflow` for each model whose status moves (its status labels, audit type, event payload), and
  its actions with their edges (from → to) and who may take each edge (a :class:`Who` predicate);
- plain actions (:func:`declare`) for what is audited or announced without a status change: a login, a
  download, an export, a setting changed.

From that one declaration come the audit type and its Chinese label, the domain event type and its typed
payload, :func:`apply` (lock, check, change, audit, emit — in one transaction), :func:`allowed_actions` for
pages and the API, and :func:`record` for non-transition actions. ``audit_record`` and ``event_emit``
refuse an unregistered type while testing, so nothing can write a type the audit page cannot name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

from django.db import models, transaction
from django.utils import timezone

from baosong.core.errors import Forbidden, ServiceError

M = TypeVar("M", bound=models.Model)


# ---- who may act --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    """A named predicate over (user, object): "an editor of the item's target unit"."""

    label: str
    test: Callable[[Any, Any], bool]

    def __call__(self, user: Any, obj: Any) -> bool:
        return bool(self.test(user, obj))


ANYONE = Who("任何有权访问者", lambda user, obj: True)


# ---- event types ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    """A domain event type. ``payload`` is a TypedDict: the keys an event of this type may carry."""

    code: str
    label: str
    payload: type | None = None

    def __str__(self) -> str:
        return self.code

    @property
    def keys(self) -> frozenset[str] | None:
        if self.payload is None:
            return None
        return frozenset(self.payload.__annotations__)


# ---- actions -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    source: str
    target: str | None  # None: the service's change decides (the next review step, or sent)
    who: Who
    # A rule of the object's state beyond the table (e.g. "no target unit has started on it"): returns the
    # refusal, or None. Checked by apply after the actor, and by allowed_actions.
    guard: Callable[[Any], ServiceError | None] | None = None

    def refusal(self, obj: Any) -> ServiceError | None:
        return self.guard(obj) if self.guard is not None else None


@dataclass(frozen=True)
class Action:
    code: str  # unique, e.g. "issue.sign"
    name: str  # the verb within its workflow, e.g. "sign"
    label: str  # "签发"
    workflow: Workflow[Any] | None = None
    edges: tuple[Edge, ...] = ()
    who: Who | None = None  # for non-transition actions that check it (downloads), else None
    audit: str | None = None  # the audit type it writes (transitions: the workflow's)
    event: EventType | None = None

    def __str__(self) -> str:
        return self.code

    def edge_from(self, status: str) -> Edge | None:
        return next((e for e in self.edges if e.source == status), None)

    @property
    def sources(self) -> list[str]:
        return [e.source for e in self.edges]


class Row(NamedTuple):
    source: str
    action: str
    target: str | None
    who: Who


@dataclass(frozen=True)
class AuditType:
    code: str
    label: str
    workflow: Workflow[Any] | None = None  # transitions: details carry the action and the two states


@dataclass
class Transition:
    """What a service's ``change`` sees and may adjust: set ``target`` where the edge leaves it open, add
    ``details`` (written to the audit record and the event payload)."""

    action: Action
    edge: Edge
    source: str
    target: str | None
    by: Any
    details: dict[str, Any] = field(default_factory=dict)


class Registry:
    def __init__(self) -> None:
        self.workflows: dict[str, Workflow[Any]] = {}
        self.actions: dict[str, Action] = {}
        self.audit_types: dict[str, AuditType] = {}
        self.event_types: dict[str, EventType] = {}
        self.detail_labels: dict[str, str] = dict(DETAIL_LABELS)

    def add_audit_type(self, audit: AuditType) -> None:
        known = self.audit_types.get(audit.code)
        if known is not None and known != audit:
            raise ValueError(f"audit type {audit.code} declared twice")
        self.audit_types[audit.code] = audit

    def add_event_type(self, event: EventType) -> None:
        known = self.event_types.get(event.code)
        if known is not None and known != event:
            raise ValueError(f"event type {event.code} declared twice")
        self.event_types[event.code] = event

    def add_action(self, action: Action) -> Action:
        if action.code in self.actions:
            raise ValueError(f"action {action.code} declared twice")
        self.actions[action.code] = action
        if action.event is not None:
            self.add_event_type(action.event)
        return action

    def workflow_of(self, obj: models.Model | type[models.Model]) -> Workflow[Any] | None:
        model = obj if isinstance(obj, type) else type(obj)
        return next((w for w in self.workflows.values() if w.model is model), None)


# Labels of the detail keys the audit page shows (apps add theirs with ``detail_labels``).
DETAIL_LABELS: dict[str, str] = {
    "action": "操作",
    "from": "原状态",
    "to": "新状态",
    "comment": "意见",
    "reason": "原因",
    "opinion": "审核意见",
    "remarks": "说明",
    "period": "统计期",
    "number": "编号",
    "count": "数量",
    "rows": "行数",
    "format": "格式",
    "filename": "文件名",
    "name": "名称",
    "title": "标题",
    "fields": "修改项",
    "units": "单位",
    "unit": "单位",
    "user": "用户",
    "username": "登录名",
    "role": "角色",
    "kind": "类别",
    "level": "级别",
    "ip": "IP 地址",
    "path": "访问路径",
    "method": "请求方法",
    "status": "状态",
    "filters": "筛选条件",
    "errors": "错误数",
    "created": "新建数",
    "updated": "更新数",
}

registry = Registry()


def detail_labels(**labels: str) -> None:
    """An app names its own detail keys for the audit page."""
    registry.detail_labels.update(labels)


# ---- workflows -----------------------------------------------------------------------------------------


class Workflow(Generic[M]):
    """A model whose ``status`` moves only through declared actions.

    Subclasses adjust the hooks: which unit the audit record and the event belong to, what the event
    payload carries besides from/to/by/at, what else is written with the change."""

    status_field = "status"

    def __init__(
        self,
        name: str,
        label: str,
        model: type[M],
        *,
        audit_type: str,
        audit_label: str,
        object_type: str | None = None,
        event_prefix: str | None = None,
        payload: type | None = None,
        subject: str = "该对象",
        state_subject: str | None = None,
    ) -> None:
        self.name, self.label, self.model = name, label, model
        self.object_type = object_type or name
        self.event_prefix = event_prefix or name
        self.payload = payload
        self.subject = subject  # "您不能对{subject}执行…"
        self.state_subject = subject if state_subject is None else state_subject  # "{…}当前状态为…"
        self.audit = AuditType(audit_type, audit_label, self)
        self.actions: dict[str, Action] = {}  # transitions, in declaration order
        self.others: dict[str, Action] = {}  # what is audited on its objects without a status change
        if name in registry.workflows:
            raise ValueError(f"workflow {name} declared twice")
        registry.workflows[name] = self
        registry.add_audit_type(self.audit)

    # declaring

    def action(
        self,
        name: str,
        label: str,
        edges: Iterable[tuple[Any, ...]],
        *,
        event: bool = True,
        event_label: str | None = None,
    ) -> Action:
        action = Action(
            code=f"{self.event_prefix}.{name}",
            name=name,
            label=label,
            workflow=self,
            edges=tuple(Edge(*edge) for edge in edges),
            audit=self.audit.code,
            event=(
                EventType(f"{self.event_prefix}.{name}", event_label or f"{self.label}{label}", self.payload)
                if event
                else None
            ),
        )
        self.actions[name] = registry.add_action(action)
        return action

    def declare(
        self,
        name: str,
        label: str,
        *,
        audit: str | None = None,
        audit_label: str | None = None,
        event: str | bool | None = None,
        payload: type | None = None,
        who: Who | None = None,
    ) -> Action:
        """A non-transition action on this workflow's objects (created, downloaded, read…)."""
        code = f"{self.event_prefix}.{name}"
        self.others[name] = declare(
            code,
            label,
            audit=audit,
            audit_label=audit_label,
            event=code if event is True else event or None,
            payload=payload if payload is not None else self.payload,
            who=who,
            workflow=self,
            name=name,
        )
        return self.others[name]

    # reading

    def action_named(self, name: str) -> Action | None:
        return self.actions.get(name) or self.others.get(name)

    def statuses(self) -> dict[str, str]:
        choices = getattr(self.model._meta.get_field(self.status_field), "choices", None) or []
        return {str(k): str(v) for k, v in choices}

    def status_label(self, status: str) -> str:
        return self.statuses().get(status, status)

    def edges(self) -> list[tuple[Action, Edge]]:
        return [(a, e) for a in self.actions.values() for e in a.edges]

    def table(self) -> list[Row]:
        """The transition table as rows (source, action, target, who), for tests and documentation."""
        return [Row(e.source, a.name, e.target, e.who) for a, e in self.edges()]

    # hooks

    def lock(self, pk: int) -> M:
        return self.model._default_manager.select_for_update().get(pk=pk)

    def unit_of(self, obj: M) -> int | None:
        """The unit the audit record belongs to."""
        return getattr(obj, "unit_id", None)

    def event_unit_of(self, obj: M) -> int | None:
        return self.unit_of(obj)

    def before_change(self, obj: M, t: Transition) -> None:
        """Runs after the checks, before the service's change."""

    def after_save(self, obj: M, t: Transition) -> None:
        """Runs after the new status is saved, before the audit record."""

    def audit_details(self, obj: M, t: Transition) -> dict[str, Any]:
        return {"action": t.action.name, "from": t.source, "to": t.target, **t.details}

    def event_payload(self, obj: M, t: Transition) -> dict[str, Any]:
        return {
            "from": t.source,
            "to": t.target,
            "by": t.by.pk,
            "at": timezone.now().isoformat(),
            **t.details,
        }

    # refusals

    def refuse_state(self, obj: M, action: Action) -> ServiceError:
        label = self.status_label(getattr(obj, self.status_field))
        return ServiceError(
            f"{self.state_subject}当前状态为“{label}”，不能执行“{action.label}”。",
            "invalid_transition",
            status=409,
        )

    def refuse_actor(self, obj: M, action: Action) -> ServiceError:
        return Forbidden(f"您不能对{self.subject}执行“{action.label}”。")


def declare(
    code: str,
    label: str,
    *,
    audit: str | None = None,
    audit_label: str | None = None,
    event: str | None = None,
    event_label: str | None = None,
    payload: type | None = None,
    who: Who | None = None,
    workflow: Workflow[Any] | None = None,
    name: str | None = None,
) -> Action:
    """Declare a non-transition action. ``audit``: the audit type it writes (default: its own code, unless
    ``audit=""`` — an event only); ``event``: the event type it emits (none by default)."""
    audit_code = code if audit is None else audit or None
    if audit_code is not None and audit_code not in registry.audit_types:
        registry.add_audit_type(AuditType(audit_code, audit_label or label))
    action = Action(
        code=code,
        name=name or code,
        label=label,
        workflow=workflow,
        who=who,
        audit=audit_code,
        event=EventType(event, event_label or label, payload) if event else None,
    )
    return registry.add_action(action)


# ---- applying ------------------------------------------------------------------------------------------


def apply(
    action: Action,
    obj: M,
    by: Any,
    *,
    change: Callable[[M, Transition], str | None] | None = None,
    details: Mapping[str, Any] | None = None,
    actor_checked: bool = False,
) -> M:
    """Take ``action`` on ``obj``: lock it, check the edge and the actor, run the service's ``change``, save
    the new status, write the audit record and the domain event — all in one transaction.

    ``actor_checked``: the caller has established that ``by`` stands in for the edge's actor (the last step
    of an approval chain); the edge itself is still checked."""
    workflow = action.workflow
    if workflow is None:
        raise TypeError(f"{action.code} is not a transition")
    with transaction.atomic():
        # Lock first, then check: of two people acting at once, the second sees the first's result.
        locked = workflow.lock(obj.pk)
        source = getattr(locked, workflow.status_field)
        edge = action.edge_from(source)
        if edge is None:
            raise workflow.refuse_state(locked, action)
        if not actor_checked and not edge.who(by, locked):
            raise workflow.refuse_actor(locked, action)
        if (refusal := edge.refusal(locked)) is not None:
            raise refusal
        t = Transition(action, edge, source, edge.target, by, dict(details or {}))
        workflow.before_change(locked, t)
        if change is not None:
            target = change(locked, t)
            if isinstance(target, str):  # a change may return the target state instead of setting it
                t.target = target
        if t.target is None:
            raise RuntimeError(f"{action.code}: the change did not decide the target state")
        setattr(locked, workflow.status_field, t.target)
        locked.save()
        workflow.after_save(locked, t)
        _audit(
            workflow.audit.code,
            user=by,
            unit_id=workflow.unit_of(locked),
            object_type=workflow.object_type,
            object_id=locked.pk,
            details=workflow.audit_details(locked, t),
        )
        if action.event is not None:
            _emit(
                action.event.code,
                object_type=workflow.object_type,
                object_id=locked.pk,
                unit_id=workflow.event_unit_of(locked),
                payload=workflow.event_payload(locked, t),
            )
    return locked


def may(action: Action, obj: Any, user: Any) -> bool:
    """Whether ``user`` may take ``action`` on ``obj`` in its present state."""
    if action.workflow is None:
        return action.who is None or action.who(user, obj)
    edge = action.edge_from(getattr(obj, action.workflow.status_field))
    return edge is not None and edge.who(user, obj) and edge.refusal(obj) is None


def allowed_actions(obj: models.Model, user: Any) -> list[str]:
    """The actions ``user`` may take on ``obj`` now, in declaration order — for pages and the API alike."""
    workflow = registry.workflow_of(obj)
    if workflow is None:
        raise TypeError(f"{type(obj).__name__} has no workflow")
    return [a.name for a in workflow.actions.values() if may(a, obj, user)]


def record(
    action: Action,
    *,
    by: Any = None,
    obj: models.Model | None = None,
    unit_id: int | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    details: Mapping[str, Any] | None = None,
    payload: Mapping[str, Any] | None = None,
    **audit_kwargs: Any,
) -> None:
    """Write a non-transition action's audit record and its event, in one transaction (the caller's, if
    any). ``payload`` defaults to ``details`` plus who did it."""
    if object_type is None:
        workflow = action.workflow or (registry.workflow_of(obj) if obj is not None else None)
        object_type = workflow.object_type if workflow else (type(obj).__name__.lower() if obj else "")
    if object_id is None and obj is not None:
        object_id = obj.pk
    with transaction.atomic():
        if action.audit is not None:
            _audit(
                action.audit,
                user=by,
                unit_id=unit_id,
                object_type=object_type,
                object_id=object_id if object_id is not None else "",
                details=dict(details or {}),
                **audit_kwargs,
            )
        if action.event is not None:
            body = (
                dict(payload) if payload is not None else {**(details or {}), "by": getattr(by, "pk", None)}
            )
            _emit(
                action.event.code,
                object_type=object_type,
                object_id=int(object_id or 0),
                unit_id=unit_id,
                payload=body,
            )


def _audit(event_type: str, **kwargs: Any) -> None:
    from baosong.core.audit import audit_record

    audit_record(event_type, **kwargs)


def _emit(event_type: str, **kwargs: Any) -> None:
    from baosong.core.events import event_emit

    event_emit(event_type, **kwargs)


# ---- reading the registry ------------------------------------------------------------------------------


def audit_label(event_type: str, details: Mapping[str, Any] | None = None) -> str:
    """The Chinese name of an audit record: "刊物流转：签发" for a transition, "导出信息台账" otherwise."""
    audit = registry.audit_types.get(event_type)
    if audit is None:
        return event_type
    if audit.workflow is not None and details and details.get("action"):
        action = audit.workflow.action_named(str(details["action"]))
        if action is not None:
            return f"{audit.label}：{action.label}"
    return audit.label


def audit_choices() -> list[tuple[str, str]]:
    """Every audit type for the audit page's filter, grouped by its Chinese label order."""
    return sorted(((a.code, a.label) for a in registry.audit_types.values()), key=lambda c: c[0])


def check_audit_type(event_type: str) -> None:
    if event_type not in registry.audit_types:
        raise LookupError(f"audit type {event_type!r} is not declared in the action registry")


def check_event(event_type: str, payload: Mapping[str, Any]) -> None:
    event = registry.event_types.get(event_type)
    if event is None:
        raise LookupError(f"event type {event_type!r} is not declared in the action registry")
    keys = event.keys
    if keys is not None:
        unknown = set(payload) - keys
        if unknown:
            raise TypeError(f"event {event_type} carries undeclared payload keys {sorted(unknown)}")


def format_value(key: str, value: Any, workflow: Workflow[Any] | None = None) -> str:
    """A detail value as an auditor reads it: states and actions by their labels, lists joined."""
    if workflow is not None and key in {"from", "to"} and isinstance(value, str):
        return workflow.status_label(value)
    if workflow is not None and key == "action" and isinstance(value, str):
        action = workflow.action_named(value)
        return action.label if action else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(format_value(key, v) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(
            f"{registry.detail_labels.get(k, k)}：{format_value(k, v)}" for k, v in value.items()
        )
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def describe_details(event_type: str, details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """An audit record's details as labelled fields."""
    audit = registry.audit_types.get(event_type)
    workflow = audit.workflow if audit else None
    return [
        (registry.detail_labels.get(k, k), format_value(k, v, workflow)) for k, v in (details or {}).items()
    ]


__all__ = [
    "ANYONE",
    "Action",
    "AuditType",
    "Edge",
    "EventType",
    "Registry",
    "Transition",
    "Who",
    "Workflow",
    "allowed_actions",
    "apply",
    "audit_choices",
    "audit_label",
    "declare",
    "describe_details",
    "detail_labels",
    "format_value",
    "may",
    "record",
    "registry",
]
