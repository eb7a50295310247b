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
from collections.abc import Callable, Collection, Iterable, Mapping
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


@dataclass(frozen=True)
class ObjectKind:
    """What an audit record's ``object_type`` names: its Chinese label, and how to name its objects in bulk
    (``names``: ids → names, one query for all of them; "《标题》" for what has a title, a person's name)."""

    code: str
    label: str
    names: Callable[[Collection[int]], Mapping[int, str]] | None = None

    def display(self, name: str) -> str:
        """The object as the auditor reads it: 信息《标题》, 用户 张三（zhangsan）."""
        return f"{self.label}{name}" if name.startswith(("《", "（")) else f"{self.label} {name}"


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
        self.type_detail_labels: dict[tuple[str, str], str] = {}  # where a key means something else
        self.detail_values: dict[str, dict[str, str]] = {k: dict(v) for k, v in DETAIL_VALUES.items()}
        # detail key → the object kind its ids name; (audit type, key) → kind where a key means ids only there
        self.detail_refs: dict[str, str] = {}
        self.type_detail_refs: dict[tuple[str, str], str] = {}
        self.object_kinds: dict[str, ObjectKind] = {}
        self.audit_groups: dict[str, str] = {}  # first segment of an audit type → the group's label

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

    def label_of(self, event_type: str, key: str) -> str:
        """The Chinese label of a detail key in a record of ``event_type``."""
        return self.type_detail_labels.get((event_type, key)) or self.detail_labels.get(key, key)

    def ref_kind(self, event_type: str, key: str) -> str | None:
        """The object kind whose ids the detail ``key`` of a record of ``event_type`` holds, if any."""
        return self.type_detail_refs.get((event_type, key)) or self.detail_refs.get(key)

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
    "via": "途径",
}

# Coded values the audit page shows by name (apps add theirs with ``detail_values``).
DETAIL_VALUES: dict[str, dict[str, str]] = {
    "format": {"xlsx": "Excel（XLSX）", "csv": "CSV", "docx": "Word（DOCX）", "pdf": "PDF", "ofd": "OFD"},
    "method": {"GET": "打开（GET）", "POST": "提交（POST）"},
    "via": {"api": "接口", "web": "页面"},
}

registry = Registry()


def detail_labels(*, types: Iterable[str] = (), **labels: str) -> None:
    """An app names its own detail keys for the audit page. ``types``: only in records of these audit types
    (``targets`` counts the units asked in one record and lists them in another)."""
    types = tuple(types)
    for key, label in labels.items():
        if types:
            registry.type_detail_labels.update({(t, key): label for t in types})
        else:
            registry.detail_labels[key] = label


def detail_values(**values: Mapping[str, str]) -> None:
    """An app names the coded values of its detail keys: ``reason={"idle": "空闲超时"}``. Other values (free
    text) are shown as they are."""
    for key, labels in values.items():
        registry.detail_values.setdefault(key, {}).update(labels)


def field_labels(*model_classes: type[models.Model]) -> dict[str, str]:
    """The Chinese names the models give their fields, for ``detail_values(fields=…)``: a record that lists
    the fields it changed names them as the forms do."""
    labels: dict[str, str] = {}
    for model in model_classes:
        for f in model._meta.get_fields():
            verbose = str(getattr(f, "verbose_name", "") or "")
            if verbose and not verbose.isascii():
                labels.setdefault(f.name, verbose)
    return labels


def detail_refs(*, types: Iterable[str] = (), **refs: str) -> None:
    """Detail keys whose values are ids of objects of a kind: ``parent_id="unit"``. The audit page shows
    their names. ``types``: only in records of these audit types (a key that holds unit ids in one record
    holds a count in another)."""
    types = tuple(types)
    for key, kind in refs.items():
        if types:
            registry.type_detail_refs.update({(t, key): kind for t in types})
        else:
            registry.detail_refs[key] = kind


def object_kind(
    code: str, label: str, names: Callable[[Collection[int]], Mapping[int, str]] | None = None
) -> ObjectKind:
    """Declare an ``object_type`` of audit records: its label and how to name its objects in bulk."""
    kind = ObjectKind(code, label, names)
    known = registry.object_kinds.get(code)
    if known is not None and known != kind:
        raise ValueError(f"object kind {code} declared twice")
    registry.object_kinds[code] = kind
    return kind


def names_of(
    model: type[models.Model], field_name: str, template: str = "{}"
) -> Callable[[Collection[int]], dict[int, str]]:
    """The common namer: one field of the model, in ``template`` ("《{}》" for a title)."""

    def names(ids: Collection[int]) -> dict[int, str]:
        rows = model._default_manager.filter(pk__in=ids).values_list("pk", field_name)
        return {pk: template.format(value) for pk, value in rows}

    return names


def audit_group(label: str, *prefixes: str) -> None:
    """Group audit types by the first segment of their code (``login``, ``session``…) on the audit page."""
    for prefix in prefixes:
        registry.audit_groups[prefix] = label


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
    """The actions ``user`` may take on ``obj`` now, in declaration order — for pages and the API alike.
    Callers listing many objects wrap the loop in the owning app's memo of the user's roles."""
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
    using: str = "default",
    **audit_kwargs: Any,
) -> None:
    """Write a non-transition action's audit record and its event, in one transaction (the caller's, if
    any). ``payload`` defaults to ``details`` plus who did it. ``using``: another database's audit chain (a
    restored backup's), for actions that emit no event."""
    if using != "default" and action.event is not None:
        raise ValueError(f"{action.code} emits an event: it is recorded in the default database only")
    if object_type is None:
        workflow = action.workflow or (registry.workflow_of(obj) if obj is not None else None)
        object_type = workflow.object_type if workflow else (type(obj).__name__.lower() if obj else "")
    if object_id is None and obj is not None:
        object_id = obj.pk
    with transaction.atomic(using=using):
        if action.audit is not None:
            _audit(
                action.audit,
                user=by,
                unit_id=unit_id,
                object_type=object_type,
                object_id=object_id if object_id is not None else "",
                details=dict(details or {}),
                using=using,
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


# ---- subscribing ---------------------------------------------------------------------------------------

Subscribable = EventType | Action | Workflow[Any]


def event_codes(items: Iterable[Subscribable]) -> frozenset[str]:
    """The event types named by registry objects: an event type, an action's event, or every event of a
    workflow (its transitions and its other actions)."""
    codes: set[str] = set()
    for item in items:
        if isinstance(item, EventType):
            codes.add(item.code)
        elif isinstance(item, Action):
            if item.event is None:
                raise ValueError(f"{item.code} emits no event")
            codes.add(item.event.code)
        elif isinstance(item, Workflow):
            for action in [*item.actions.values(), *item.others.values()]:
                if action.event is not None:
                    codes.add(action.event.code)
        else:
            raise TypeError(f"subscribe to registry objects, not {item!r}")
    for code in codes:
        if code not in registry.event_types:
            raise LookupError(f"event type {code!r} is not declared")
    return frozenset(codes)


# ---- reading the registry ------------------------------------------------------------------------------


def audit_label(event_type: str, details: Mapping[str, Any] | None = None) -> str:
    """The Chinese name of an audit record: "刊物流转：签发" for a transition, "导出信息台账" otherwise."""
    audit = registry.audit_types.get(event_type)
    if audit is None:
        return event_type
    if audit.workflow is not None and details and details.get("action"):
        action = audit.workflow.action_named(str(details["action"]))
        if action is not None:
            # "发布通报", not "发布通报：发布".
            return audit.label if action.label in audit.label else f"{audit.label}：{action.label}"
    return audit.label


def audit_choices() -> list[tuple[str, str]]:
    """Every audit type (code, Chinese label), in code order, which keeps each area's types together."""
    return sorted(((a.code, a.label) for a in registry.audit_types.values()), key=lambda c: c[0])


OTHER_GROUP = "其他"


def audit_choice_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every audit type in its group (:func:`audit_group`), groups in the order they were declared, types by
    code within a group (so 信息流转, 新建信息, 修改信息… stay together)."""
    order = list(dict.fromkeys([*registry.audit_groups.values(), OTHER_GROUP]))
    groups: dict[str, list[tuple[str, str]]] = {label: [] for label in order}
    for code, label in audit_choices():
        groups[registry.audit_groups.get(code.split(".")[0], OTHER_GROUP)].append((code, label))
    return [(label, choices) for label, choices in groups.items() if choices]


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


def object_id_int(value: Any) -> int | None:
    """An audit record's object id (stored as text) as the key its kind's names are looked up by."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**63 else None


class Names:
    """Names of the objects one page refers to, read in bulk: :meth:`want` every reference (records' objects,
    their units, ids in their details), then read them — the first read runs one query per object kind."""

    def __init__(self) -> None:
        self._pending: dict[str, set[int]] = {}
        self._asked: dict[str, set[int]] = {}
        self._names: dict[str, dict[int, str]] = {}

    def want(self, kind: str, value: Any) -> None:
        values = value if isinstance(value, list | tuple) else [value]
        ids = {i for v in values if (i := object_id_int(v)) is not None} - self._asked.get(kind, set())
        if ids:
            self._pending.setdefault(kind, set()).update(ids)

    def want_details(self, event_type: str, details: Mapping[str, Any] | None) -> None:
        for key, value in (details or {}).items():
            if isinstance(value, dict):
                self.want_details(event_type, value)
            elif (kind := registry.ref_kind(event_type, key)) is not None:
                self.want(kind, value)

    def _resolve(self) -> None:
        pending, self._pending = self._pending, {}
        for code, ids in pending.items():
            self._asked.setdefault(code, set()).update(ids)
            kind = registry.object_kinds.get(code)
            if kind is not None and kind.names is not None:
                self._names.setdefault(code, {}).update(kind.names(sorted(ids)))

    def name(self, kind: str, value: Any) -> str:
        """The object's name ("《标题》", "张三（zhangsan）"), or "（编号 N）" when it is gone."""
        number = object_id_int(value)
        if number is None:
            return str(value) if value not in (None, "") else "—"
        self.want(kind, number)  # a reference nobody announced costs its own query, never a wrong name
        if self._pending:
            self._resolve()
        return self._names.get(kind, {}).get(number) or f"（编号 {number}）"

    def object(self, kind: str, object_id: Any) -> str:
        """An audit record's object as the auditor reads it: "信息《标题》", "用户 张三（zhangsan）"."""
        known = registry.object_kinds.get(kind)
        if known is None:
            return f"对象 {object_id}" if object_id not in (None, "") else "—"
        if object_id in (None, ""):
            return known.label
        if known.names is None:
            return known.display(str(object_id))
        return known.display(self.name(kind, object_id))


def _datetime_text(value: str) -> str | None:
    """An ISO timestamp written into details (``expires_at``), in local time to the second."""
    if len(value) < 19 or value[10] != "T":
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def format_value(
    key: str,
    value: Any,
    workflow: Workflow[Any] | None = None,
    names: Names | None = None,
    event_type: str = "",
) -> str:
    """A detail value as an auditor reads it: states and actions by their labels, coded values by theirs,
    ids by the names of their objects, lists joined."""
    if workflow is not None and key in {"from", "to"} and isinstance(value, str):
        return workflow.status_label(value)
    if workflow is not None and key == "action" and isinstance(value, str):
        action = workflow.action_named(value)
        return action.label if action else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(format_value(key, v, workflow, names, event_type) for v in value)
    if isinstance(value, dict):
        return "；".join(
            f"{registry.label_of(event_type, k)}：{format_value(k, v, workflow, names, event_type)}"
            for k, v in value.items()
        )
    kind = registry.ref_kind(event_type, key) if names is not None else None
    if names is not None and kind is not None and object_id_int(value) is not None:
        return names.name(kind, value)
    if key == "event_type" and isinstance(value, str) and value in registry.audit_types:
        return registry.audit_types[value].label
    if key == "object_type" and isinstance(value, str) and value in registry.object_kinds:
        return registry.object_kinds[value].label
    if isinstance(value, str):
        coded = registry.detail_values.get(key, {}).get(value)
        if coded is not None:
            return coded
        return _datetime_text(value) or value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def describe_details(
    event_type: str, details: Mapping[str, Any] | None, names: Names | None = None
) -> list[tuple[str, str]]:
    """An audit record's details as labelled fields; with ``names`` (that has seen these details through
    :meth:`Names.want_details`), ids named."""
    audit = registry.audit_types.get(event_type)
    workflow = audit.workflow if audit else None
    # One order on every database (PostgreSQL's jsonb does not keep the written order): the order the keys'
    # labels were declared in, then any other key by name.
    rank = {key: i for i, key in enumerate(registry.detail_labels)}
    ordered = sorted((details or {}).items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
    return [
        (registry.label_of(event_type, k), format_value(k, v, workflow, names, event_type))
        for k, v in ordered
    ]


__all__ = [
    "ANYONE",
    "Action",
    "AuditType",
    "Edge",
    "EventType",
    "Names",
    "ObjectKind",
    "Registry",
    "Transition",
    "Who",
    "Workflow",
    "allowed_actions",
    "apply",
    "audit_choice_groups",
    "audit_choices",
    "audit_group",
    "audit_label",
    "declare",
    "describe_details",
    "detail_labels",
    "detail_refs",
    "detail_values",
    "field_labels",
    "format_value",
    "may",
    "names_of",
    "object_kind",
    "record",
    "registry",
]
