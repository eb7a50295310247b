"""通报: the ranking of a unit's subtree for a period, its highlights, 评比 and 稿酬 lists, as plain data
(JSON-safe, so a released bulletin keeps exactly what it said) and as documents.

Ranking rule (printed on the bulletin): points, high to low; equal points share a rank and are listed by
adoptions, then by items submitted, then in the unit tree's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django_tasks import task

from baosong.core.actions import Transition, apply, record
from baosong.core.errors import Forbidden, NotFound, ServiceError
from baosong.editorial.documents import CONTENT_TYPES
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import roles_in_unit
from baosong.reports.models import Report
from baosong.scoring import exports
from baosong.scoring import workflow as wf
from baosong.scoring.document import BulletinDocument, BulletinTable
from baosong.scoring.models import Bulletin, RemunerationRate, StatsMonthly
from baosong.scoring.selectors import (
    ADOPTION_LEVELS,
    Period,
    StatsRow,
    dashboard,
    ledger_in,
    parse_period,
    period_rows,
)
from baosong.signing import services as signing
from baosong.signing.models import SignedDocument

RANK_RULE = "排名按积分由高到低；积分相同的并列，依次按采用数、报送数和单位排序列出。"
DEFAULT_RATES = {
    "national": Decimal(500),
    "province": Decimal(200),
    "city": Decimal(100),
    "county": Decimal(50),
}
DEFAULT_EXTRAS = {"instruction": Decimal(100), "deduct_nonconf": Decimal(0), "deduct_late": Decimal(0)}
PENALTIES = {"penalty_nonconforming": "deduct_nonconf", "penalty_late_urgent": "deduct_late"}
REMUNERATED = ["adopted", "external_adoption", "instruction", *PENALTIES]
HEADERS = [
    "名次",
    "单位",
    "报送",
    "国家级",
    "省级",
    "市级",
    "县级",
    "采用合计",
    "采用率",
    "批示",
    "批示率",
    "按时率",
    "约稿响应/未报",
    "任务完成",
    "积分",
    "名次变化",
]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def previous_period(period: Period) -> Period:
    """The period before: last month, last quarter or last year."""
    if period.kind == "year":
        return parse_period(str(period.year - 1))
    if period.kind == "quarter":
        q, y = (period.quarter - 1, period.year) if period.quarter > 1 else (4, period.year - 1)
        return parse_period(f"{y}-Q{q}")
    m, y = (period.months[0] - 1, period.year) if period.months[0] > 1 else (12, period.year - 1)
    return parse_period(f"{y}-{m:02d}")


def _ranks(rows: list[Any]) -> list[tuple[int, Any]]:
    """(rank, row) by the ranking rule: points, then adoptions, items sent and the tree's order."""
    ordered = sorted(
        enumerate(rows), key=lambda p: (-p[1].points, -p[1].adopted, -p[1].counters["submitted"], p[0])
    )
    out, last_points, rank = [], None, 0
    for i, (_, r) in enumerate(ordered, start=1):
        if r.points != last_points:
            rank, last_points = i, r.points
        out.append((rank, r))
    return out


def previous_ranks(root: Unit, period: Period) -> dict[int, int]:
    """Each child unit's rank in ``period`` by the same rule, from the month rollups (two queries); a unit
    without items or points then is not ranked (its change reads 新)."""
    children = list(
        Unit.objects.filter(parent=root).order_by("sort_order", "name").values_list("pk", flat=True)
    )
    sums = {
        r["unit_id"]: r
        for r in period_rows(period)
        .filter(scope=StatsMonthly.Scope.TREE, unit__parent=root)
        .values("unit_id")
        .annotate(p=Sum("points_x100"), s=Sum("submitted"), **{f: Sum(f) for f, _ in ADOPTION_LEVELS})
    }
    rows = [
        StatsRow(
            unit_id=pk,
            unit_name="",
            has_children=False,
            counters={"submitted": int(sums.get(pk, {}).get("s") or 0)}
            | {f: int(sums.get(pk, {}).get(f) or 0) for f, _ in ADOPTION_LEVELS},
            points=Decimal(sums.get(pk, {}).get("p") or 0) / 100,
        )
        for pk in children
    ]
    return {
        r.unit_id: rank
        for rank, r in _ranks(rows)
        if r.unit_id in sums and (r.points or r.counters["submitted"] or r.adopted)
    }


def rank_change(now: int, before: int | None) -> str:
    """↑3 (three places up), ↓1, — (unchanged) or 新 (not ranked in the previous period)."""
    if before is None:
        return "新"
    if before == now:
        return "—"
    return f"↑{before - now}" if before > now else f"↓{now - before}"


def instruction_rate(instructions: int, adopted: int) -> float | None:
    """批示率: the share of the adopted items that received a 批示 (one instruction per item at most)."""
    return round(100 * min(instructions, adopted) / adopted, 1) if adopted else None


def bulletin_data(root: Unit, period: Period) -> dict[str, Any]:
    data = dashboard(root, period, fresh=True)
    before = previous_ranks(root, previous_period(period))
    ranking = []
    for rank, r in _ranks(data["rows"]):
        c = r.counters
        ranking.append(
            {
                "rank": rank,
                "change": rank_change(rank, before.get(r.unit_id)),
                "unit_id": r.unit_id,
                "unit": r.unit_name,
                "submitted": c["submitted"],
                **{f: c[f] for f, _ in ADOPTION_LEVELS},
                "adopted": r.adopted,
                "adoption_rate": r.adoption_rate,
                "instructions": c["instructions"],
                "instruction_rate": instruction_rate(c["instructions"], r.adopted),
                "on_time_rate": r.on_time_rate,
                "answered": c["solicitation_answered"],
                "missed": c["solicitation_missed"],
                "quota": f"{r.quota_met}/{r.quota_expected}" if r.quota_expected else "—",
                "quota_short": r.quota_expected - r.quota_met,
                "points": str(r.points),
            }
        )
    ledger = ledger_in(root, period)
    top_items = list(
        ledger.filter(code__in=["adopted", "external_adoption", "instruction"], report_id__isnull=False)
        .values("report_id")
        .annotate(points=Sum("points"))
        .filter(points__gt=0)
        .order_by("-points", "report_id")[:5]
    )
    titles = dict(
        Report.objects.filter(pk__in=[t["report_id"] for t in top_items]).values_list("pk", "title")
    )
    units_of = dict(
        Report.objects.filter(pk__in=[t["report_id"] for t in top_items]).values_list(
            "pk", "source_unit__name"
        )
    )
    total = data["total"]
    return {
        "unit": root.name,
        "unit_id": root.pk,
        "period": period.text,
        "period_label": period.label,
        "previous_label": previous_period(period).label,
        "summary": {
            "submitted": total.counters["submitted"],
            "adopted": total.adopted,
            "adoption_rate": total.adoption_rate,
            "on_time_rate": total.on_time_rate,
            "instructions": total.counters["instructions"],
            "instruction_rate": instruction_rate(total.counters["instructions"], total.adopted),
            "reporting": total.reporting,
            "expected": total.expected,
            "quota_met": total.quota_met,
            "quota_expected": total.quota_expected,
        },
        "ranking": ranking,
        "top_items": [
            {
                "title": titles.get(t["report_id"], ""),
                "unit": units_of.get(t["report_id"], ""),
                "points": str(t["points"]),
            }
            for t in top_items
        ],
        "missed_quota": [r["unit"] for r in ranking if r["quota_short"] > 0],
        "missed_solicitation": [r["unit"] for r in ranking if r["missed"] > 0],
        "reporters": [
            {"name": a["author__full_name"], "unit": a["unit__name"], "points": str(a["points"])}
            for a in data["authors"]
        ],
        "remuneration": remuneration(root, period),
    }


def remuneration_rates() -> dict[str, Decimal]:
    """The 稿酬 rates: per adoption by level, per 批示 (``instruction``), per external or media adoption
    (``external``, absent: the level's rate), and the deductions (``deduct_nonconf``, ``deduct_late``)."""
    return {
        **DEFAULT_RATES,
        **DEFAULT_EXTRAS,
        **dict(RemunerationRate.objects.values_list("level", "amount")),
    }


def remuneration(root: Unit, period: Period) -> list[dict[str, Any]]:
    """稿酬: each author's adoptions by level in the period (a reversal cancels one) × the level's rate,
    plus their 批示 and external (media) adoptions, less the deductions for 不合规 items and urgent items
    sent late. Read from the ledger rows of those codes in the period (what the 通报 lists is a handful
    of rows per author), in two queries."""
    rates = remuneration_rates()
    rows = list(
        ledger_in(root, period)
        .filter(code__in=REMUNERATED)
        .values_list("author_id", "author__full_name", "report_id", "unit__name", "code", "level", "points")
    )
    # A 不合规 row names the item, not its author.
    orphans = {r for a, _, r, *_ in rows if a is None and r is not None}
    authors = (
        {
            pk: (a, name)
            for pk, a, name in Report.objects.filter(pk__in=orphans).values_list(
                "pk", "author_id", "author__full_name"
            )
        }
        if orphans
        else {}
    )
    per: dict[int, dict[str, Any]] = {}
    for author_id, name, report_id, unit, code, level, points in rows:
        if author_id is None:
            author_id, name = authors.get(report_id, (None, ""))
        if author_id is None:
            continue
        entry = per.setdefault(
            author_id,
            {"name": name, "unit": unit, "levels": {}, "instructions": 0, "external": 0, "deducted": "0"},
        )
        n = 1 if points > 0 else -1
        if code == "instruction":
            entry["instructions"] += n
        elif code in PENALTIES:
            entry.setdefault(code, 0)
            entry[code] += 1 if points < 0 else -1
        elif code == "external_adoption" and "external" in rates:
            entry["external"] += n
        else:
            entry["levels"][level] = entry["levels"].get(level, 0) + n
    out = []
    for entry in per.values():
        earned = sum((rates.get(lv, Decimal(0)) * n for lv, n in entry["levels"].items()), Decimal(0))
        earned += (
            rates["instruction"] * entry["instructions"]
            + rates.get("external", Decimal(0)) * entry["external"]
        )
        deducted = sum((rates[key] * entry.pop(code, 0) for code, key in PENALTIES.items()), Decimal(0))
        amount = max(Decimal(0), earned - deducted)
        if amount > 0 or deducted > 0:
            out.append({**entry, "deducted": str(deducted), "amount": str(amount)})
    return sorted(out, key=lambda e: (-Decimal(e["amount"]), e["name"]))


# ---- documents ------------------------------------------------------------------------------------------


def _ranking_rows(data: dict[str, Any]) -> list[list[str]]:
    return [
        [
            str(r["rank"]),
            r["unit"],
            str(r["submitted"]),
            *[str(r[f]) for f, _ in ADOPTION_LEVELS[:4]],
            str(r["adopted"]),
            _pct(r["adoption_rate"]),
            str(r["instructions"]),
            _pct(r.get("instruction_rate")),
            _pct(r["on_time_rate"]),
            f"{r['answered']}/{r['missed']}",
            r["quota"],
            r["points"].rstrip("0").rstrip(".") if "." in r["points"] else r["points"],
            r.get("change", ""),
        ]
        for r in data["ranking"]
    ]


def bulletin_document(data: dict[str, Any], *, bulletin: Bulletin | None = None) -> BulletinDocument:
    s = data["summary"]
    released = bulletin is not None and bulletin.status == Bulletin.Status.RELEASED
    intro = [
        f"{data['period_label']}，全系统共报送政务信息{s['submitted']}条，被各级采用{s['adopted']}条，"
        f"采用率{_pct(s['adoption_rate'])}，按时报送率{_pct(s['on_time_rate'])}，获领导批示{s['instructions']}次"
        f"（批示率{_pct(s.get('instruction_rate'))}）；"
        f"应报送单位{s['expected']}个，实际报送{s['reporting']}个"
        + (
            f"，{s['quota_met']}个单位完成报送任务（应完成{s['quota_expected']}个）。"
            if s["quota_expected"]
            else "。"
        ),
        "现将各单位政务信息工作情况通报如下。",
    ]
    top = "；".join(f"《{t['title']}》（{t['unit']}）" for t in data["top_items"])
    highlights = [f"被采用及获批示较多的信息：{top}。"] if top else []
    if data["missed_quota"]:
        highlights.append(f"未完成报送任务的单位：{'、'.join(data['missed_quota'])}。")
    if data["missed_solicitation"]:
        highlights.append(f"有约稿未报送的单位：{'、'.join(data['missed_solicitation'])}。")
    tables = [
        BulletinTable(
            title=f"一、{data['period_label']}各单位政务信息工作情况",
            headers=HEADERS,
            rows=_ranking_rows(data),
            note=f"{RANK_RULE}名次变化与{data['previous_label']}相比。"
            if data.get("previous_label")
            else RANK_RULE,
        )
    ]
    if data["reporters"]:
        tables.append(
            BulletinTable(
                title="二、信息员积分前十名",
                headers=["名次", "信息员", "单位", "积分"],
                rows=[
                    [str(i), r["name"], r["unit"], r["points"]]
                    for i, r in enumerate(data["reporters"], start=1)
                ],
            )
        )
    remarks = [p for p in (bulletin.remarks.splitlines() if bulletin else []) if p.strip()]
    date = timezone.localdate(bulletin.released_at) if bulletin and bulletin.released_at else None
    return BulletinDocument(
        masthead="政务信息工作通报",
        number_text=f"{bulletin.year}年第{bulletin.number}期" if released and bulletin else "",
        issuing_unit=data["unit"],
        date=date,
        title=f"关于{data['period_label']}政务信息工作情况的通报",
        intro=intro,
        tables=tables,
        highlights=highlights,
        remarks=remarks,
        distribution=[("发", ["各下级单位"])],
        draft=not released,
    )


def bulletin_xlsx(data: dict[str, Any]) -> bytes:
    title = f"{data['unit']} {data['period_label']}政务信息工作通报"
    return exports.workbook(
        [
            ("排名", title, HEADERS, _ranking_rows(data)),
            (
                "信息员积分",
                title,
                ["名次", "信息员", "单位", "积分"],
                [
                    [i, r["name"], r["unit"], float(r["points"])]
                    for i, r in enumerate(data["reporters"], start=1)
                ],
            ),
            (
                "稿酬",
                title,
                [
                    "信息员",
                    "单位",
                    "国家级",
                    "省级",
                    "市级",
                    "县级",
                    "批示",
                    "外部采用",
                    "扣减（元）",
                    "金额（元）",
                ],
                [
                    [
                        e["name"],
                        e["unit"],
                        *[e["levels"].get(lv, 0) for lv in ("national", "province", "city", "county")],
                        e.get("instructions", 0),
                        e.get("external", 0),
                        float(e.get("deducted", 0)),
                        float(e["amount"]),
                    ]
                    for e in data["remuneration"]
                ],
            ),
        ]
    )


# ---- reading and downloading -------------------------------------------------------------------------------

FORMATS = ("xlsx", "docx", "pdf", "ofd")
FORMATS_MESSAGE = "只提供 xlsx、docx、pdf 和 ofd 四种格式。"


def bulletin_figures(unit: Unit, period: Period, bulletin: Bulletin | None = None) -> dict[str, Any]:
    """What the bulletin says: a released one exactly what it said then (its snapshot); a draft, or a period
    not compiled, the figures computed now."""
    if bulletin is not None and bulletin.status == Bulletin.Status.RELEASED and bulletin.snapshot:
        return bulletin.snapshot
    return bulletin_data(unit, period)


def bulletin_content(data: dict[str, Any], fmt: str, bulletin: Bulletin | None) -> bytes:
    """The bulletin rendered now in ``fmt``."""
    from baosong.scoring import render

    if fmt == "xlsx":
        return bulletin_xlsx(data)
    document = bulletin_document(data, bulletin=bulletin)
    if fmt == "docx":
        return render.render_bulletin_docx(document)
    if fmt == "ofd":
        return render.render_bulletin_ofd(document)
    return render.render_bulletin_pdf(document)


def bulletin_title(bulletin: Bulletin) -> str:
    label = parse_period(bulletin.period).label
    return f"{bulletin.unit.name}{label}政务信息工作通报（{bulletin.year}年第{bulletin.number}期）"


def bulletin_fixed(bulletin: Bulletin, fmt: str, *, by: User | None = None) -> SignedDocument:
    """A released bulletin's file in ``fmt``, fixed and signed with the unit's key at its first need (the
    release queues all formats; see ``editorial.release`` for why a task)."""
    return signing.document_fix(
        kind=SignedDocument.Kind.BULLETIN,
        object_id=bulletin.pk,
        fmt=fmt,
        unit=bulletin.unit,
        title=bulletin_title(bulletin),
        number_text=f"{bulletin.year}年第{bulletin.number}期",
        render=lambda: bulletin_content(
            bulletin_figures(bulletin.unit, parse_period(bulletin.period), bulletin), fmt, bulletin
        ),
        by=by,
    )


@task()
def bulletin_sign_documents(*, bulletin_id: int) -> int:
    bulletin = Bulletin.objects.select_related("unit").filter(pk=bulletin_id).first()
    if bulletin is None or bulletin.status != Bulletin.Status.RELEASED:
        return 0
    for fmt in FORMATS:
        bulletin_fixed(bulletin, fmt)
    return len(FORMATS)


@dataclass(frozen=True)
class BulletinFile:
    content: bytes
    content_type: str
    filename: str


def bulletin_download(
    *,
    by: User,
    unit: Unit,
    data: dict[str, Any],
    fmt: str,
    bulletin: Bulletin | None = None,
    via: str = "page",
) -> BulletinFile:
    """The bulletin as a file (xlsx, docx, pdf or ofd), audited as a download — for the page and the API
    alike. A released one is its fixed, signed file. The caller has checked the user may read it
    (``selectors.bulletin_for`` / ``bulletin_of_period``)."""
    if fmt not in FORMATS:
        raise NotFound(FORMATS_MESSAGE)
    if bulletin is not None and bulletin.status == Bulletin.Status.RELEASED:
        content = signing.document_bytes(bulletin_fixed(bulletin, fmt, by=by))
    else:
        content = bulletin_content(data, fmt, bulletin)
    details: dict[str, Any] = {"period": data["period"], "format": fmt}
    if via != "page":
        details["via"] = via
    record(
        wf.DOWNLOAD,
        by=by,
        unit_id=unit.pk,
        object_type="bulletin",
        object_id=bulletin.pk if bulletin else "",
        details=details,
    )
    return BulletinFile(
        content, CONTENT_TYPES[fmt], f"{unit.name}{data['period_label']}政务信息工作通报.{fmt}"
    )


# ---- the editor's actions ----------------------------------------------------------------------------------


def bulletin_for_period(*, by: User, unit: Unit, period: str) -> Bulletin:
    """The (draft) bulletin of a unit and period, created on first use by an editor of the unit."""
    if Role.EDITOR not in roles_in_unit(by, unit):
        raise Forbidden("只有本单位采编人员可以编制通报。")
    parse_period(period)
    bulletin, created = Bulletin.objects.get_or_create(unit=unit, period=period, defaults={"created_by": by})
    if created:
        record(wf.CREATE, by=by, obj=bulletin, unit_id=unit.pk)
    return bulletin


def bulletin_update(*, bulletin: Bulletin, by: User, remarks: str, to_portal: bool) -> Bulletin:
    if Role.EDITOR not in roles_in_unit(by, bulletin.unit):
        raise Forbidden("只有本单位采编人员可以编制通报。")
    if bulletin.status == Bulletin.Status.RELEASED:
        raise ServiceError("通报已发布，不能再修改。", "released", status=409)
    with transaction.atomic():
        bulletin.remarks, bulletin.to_portal = (remarks or "").strip(), to_portal
        bulletin.save(update_fields=["remarks", "to_portal"])
        record(wf.UPDATE, by=by, obj=bulletin, unit_id=bulletin.unit_id)
    return bulletin


def bulletin_release(
    *, bulletin: Bulletin, by: User, remarks: str | None = None, to_portal: bool | None = None
) -> Bulletin:
    """Freeze the ranking, number it (per unit and year) and send it to the subtree.

    The page sends the 说明 and the portal choice on the screen with the release: they are saved in the
    same transaction, so the released document carries what the editor saw when pressing 发布 (never the
    last saved version)."""

    def change(locked: Bulletin, t: Transition) -> None:
        if remarks is not None or to_portal is not None:
            if remarks is not None:
                locked.remarks = remarks.strip()
            if to_portal is not None:
                locked.to_portal = to_portal
            locked.save(update_fields=["remarks", "to_portal"])
            record(wf.UPDATE, by=by, obj=locked, unit_id=locked.unit_id)
        Unit.objects.select_for_update().filter(pk=locked.unit_id).first()  # numbers per unit: one at a time
        locked.year, locked.number = wf.number_next(locked)
        locked.snapshot = bulletin_data(locked.unit, parse_period(locked.period))
        locked.released_by, locked.released_at = by, timezone.now()
        t.details.update({"period": locked.period, "number": locked.number})
        bulletin_id = locked.pk
        transaction.on_commit(lambda: bulletin_sign_documents.enqueue(bulletin_id=bulletin_id))

    return apply(wf.RELEASE, bulletin, by, change=change)
