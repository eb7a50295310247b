"""What a rendered 通报 holds, independent of the database (built by ``scoring.bulletins``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BulletinTable:
    title: str  # e.g. 各地区政务信息工作情况（按积分排序）
    headers: list[str]
    rows: list[list[str]]  # already formatted cells; the first column is the rank
    note: str = ""  # how ties are ordered, what counts


@dataclass(frozen=True)
class BulletinDocument:
    """通报: a ranked table per unit for a period, in the official 简报 layout (red masthead as issues)."""

    masthead: str  # e.g. 政务信息工作通报
    number_text: str  # e.g. 2026年第5期 or "" for a draft
    issuing_unit: str
    date: dt.date | None
    title: str  # e.g. 关于2026年5月全市政务信息工作情况的通报
    intro: list[str]  # paragraphs before the tables (summary figures)
    tables: list[BulletinTable]
    highlights: list[str] = field(default_factory=list)  # paragraphs: most adopted items, missed quotas …
    remarks: list[str] = field(default_factory=list)  # the editor's remarks (paragraphs)
    distribution: list[tuple[str, list[str]]] = field(default_factory=list)  # (报/送/发, names)
    draft: bool = False  # "征求意见稿/未发布" marking before release
