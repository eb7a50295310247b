"""The 工作台 (home page) as panels that the apps register at start-up.

The home page belongs to `orgs`, which may not import the apps above it; each app registers the panels
that show its own waiting work (the reporter's drafts, the editor's inbox, the chief's signing queue…).
A panel's builder gets a `Viewer` computed once per request (the user's units by role, the time) and
returns the panel's context, or None when the panel has nothing to say to this user. Builders read a
fixed number of rows with a fixed number of queries, so the page costs the same with 5 or 500 waiting
items (tests hold every role's workbench to one query budget).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Viewer:
    """The person looking at the workbench: computed once, handed to every panel."""

    user: Any
    now: dt.datetime
    today: dt.date
    units_by_role: Mapping[str, list[int]] = field(default_factory=dict)

    def units(self, *roles: str) -> list[int]:
        seen: dict[int, None] = {}
        for role in roles:
            for unit_id in self.units_by_role.get(role, []):
                seen[unit_id] = None
        return list(seen)

    def has(self, *roles: str) -> bool:
        return any(self.units_by_role.get(role) for role in roles)


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    build: Callable[[Viewer], dict[str, Any] | None]


_PANELS: dict[str, Panel] = {}


def register_panel(
    key: str, *, order: int, template: str, build: Callable[[Viewer], dict[str, Any] | None]
) -> None:
    """Called from an app's ready(); registering the same key again replaces it (autoreload)."""
    _PANELS[key] = Panel(key=key, order=order, template=template, build=build)


def registered_panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    data: dict[str, Any]


def build_workbench(viewer: Viewer) -> list[RenderedPanel]:
    out = []
    for panel in registered_panels():
        data = panel.build(viewer)
        if data is not None:
            out.append(RenderedPanel(key=panel.key, template=panel.template, data=data))
    return out


def remaining(due: dt.datetime | None, now: dt.datetime) -> str:
    """'剩余 3 小时 20 分' / '已超时 2 小时' — the server's text; the page's countdown script refines it."""
    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    prefix = "剩余" if seconds > 0 else "已超时"
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days} 天 {hours} 小时"
    elif hours:
        text = f"{hours} 小时 {minutes} 分"
    else:
        text = f"{minutes} 分钟"
    return f"{prefix} {text}"


def waited(since: dt.datetime | None, now: dt.datetime) -> str:
    """'已等待 2 天 3 小时' for the oldest item in a queue."""
    if since is None:
        return ""
    seconds = max(0, int((now - since).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"已等待 {days} 天 {hours} 小时"
    if hours:
        return f"已等待 {hours} 小时 {rest // 60} 分"
    return f"已等待 {rest // 60} 分钟"
