"""Statistics dashboards, rankings and their exports. Interfaces only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from baosong.core.actions import record
from baosong.core.dbrouter import replica_ok
from baosong.core.errors import NotFound, ServiceError
from baosong.core.params import parse_id
from baosong.core.refusals import return_to as refusals_return_to
from baosong.orgs.models import BUSINESS_ROLES, Level, Role, Unit
from baosong.orgs.permissions import AuthedRequest, business_required, role_required
from baosong.orgs.selectors import roles_in_unit, units_acting_for
from baosong.scoring import bulletins, exports, selectors, services
from baosong.scoring import workflow as wf
from baosong.scoring.models import Bulletin, QuotaRule, RuleCode, RuleSet

DESK = (Role.EDITOR, Role.CHIEF, Role.LEADER)


PERIOD_KINDS = [("month", "月度"), ("quarter", "季度"), ("year", "年度")]


def _period_text(params: Any, default: str) -> str:
    """The period the picker chose (type, year, month or quarter), else ``period=`` as typed in a link
    (YYYY-MM, YYYY-Qn, YYYY), else the default. parse_period judges the result."""
    kind, year = params.get("period_kind", ""), params.get("period_year", "").strip()
    if kind == "month":
        month = params.get("period_month", "").strip()
        return f"{year}-{month.zfill(2)}" if month.isdigit() else f"{year}-{month}"
    if kind == "quarter":
        return f"{year}-Q{params.get('period_quarter', '').strip()}"
    if kind == "year":
        return year
    return params.get("period") or default


def period_picker(period: selectors.Period | None) -> dict[str, Any]:
    """What the picker shows: the period's type, year and month or quarter, and the years to offer."""
    today = timezone.localdate()
    period = period or selectors.parse_period(today.strftime("%Y-%m"))
    years = sorted({*range(today.year - 9, today.year + 1), period.year}, reverse=True)
    return {
        "kinds": PERIOD_KINDS,
        "kind": period.kind,
        "year": period.year,
        "years": years,
        "month": period.months[0],
        "months": range(1, 13),
        "quarter": period.quarter,
        "quarters": range(1, 5),
    }


def _scope(request: AuthedRequest) -> tuple[Unit, selectors.Period]:
    unit = request.GET.get("unit", "")
    try:
        root = selectors.scoring_root(request.user, parse_id(unit) if unit else None)
        period = selectors.parse_period(_period_text(request.GET, timezone.localdate().strftime("%Y-%m")))
    except NotFound as exc:
        raise Http404 from exc
    return root, period


def _breadcrumbs(request: AuthedRequest, root: Unit) -> list[Unit]:
    """The path from the user's own top unit down to the unit shown (for drilling back up)."""
    top = selectors.scoring_root(request.user, None)
    ids = [int(x) for x in root.path.strip("/").split("/") if x]
    chain = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [chain[i] for i in ids if i in chain and chain[i].path.startswith(top.path)]


@role_required(*DESK)
@replica_ok
def stats_dashboard(request: AuthedRequest) -> HttpResponse:
    root, period = _scope(request)
    data = selectors.dashboard(root, period)
    return render(
        request,
        "scoring/dashboard.html",
        {
            "root": root,
            "period": period,
            "body": _dashboard_body(data, period),
            "crumbs": _breadcrumbs(request, root),
            "period_text": period.text,
            "picker": period_picker(period),
        },
    )


def _dashboard_body(data: dict[str, Any], period: selectors.Period) -> str:
    """The figures, charts' data and tables of the dashboard: the same for every viewer of the unit and
    period, so rendered once per rollup version (about 1,600 numbers for a province: most of the page's
    time) and kept beside the numbers (``data["cache_key"]``)."""
    key = f"{data['cache_key']}:body" if data.get("cache_key") else None
    body = cache.get(key) if key else None
    if body is None:
        charts = {
            "trend": data["trend"],
            "categories": [{"name": n, "value": v} for n, v in data["categories"] if v],
            "levels": [{"name": n, "value": v} for n, v in data["levels"]],
            "units": [
                {"name": r.unit_name, "submitted": r.counters["submitted"], "adopted": r.adopted}
                for r in data["rows"]
            ],
        }
        body = render_to_string(
            "scoring/partials/dashboard_body.html", {**data, "charts": charts, "period_text": period.text}
        )
        if key:
            cache.set(key, body, int(settings.STATS_CACHE_SECONDS))
    return mark_safe(body)  # rendered by our own template, which escaped every value


@role_required(*DESK)
@replica_ok
def stats_export(request: AuthedRequest) -> HttpResponse:
    root, period = _scope(request)
    data = selectors.dashboard(root, period)
    rows = [exports.stats_row(r) for r in [*data["rows"], data["own"], data["total"]]]
    rows[-1][0] = f"{root.name}（合计）"
    authors = [[a["author__full_name"], a["unit__name"], float(a["points"])] for a in data["authors"]]
    title = f"{root.name} {period.label} 政务信息工作统计"
    content = exports.workbook(
        [
            ("分单位统计", title, exports.STATS_HEADERS, rows),
            ("信息员积分前十", title, ["信息员", "单位", "积分"], authors),
            ("类别构成", title, ["类别", "报送信息"], [list(c) for c in data["categories"]]),
        ]
    )
    record(
        wf.STATS_EXPORT,
        by=request.user,
        unit_id=root.pk,
        object_type="stats",
        object_id=root.pk,
        details={"period": period.text},
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx") or ""
    return response


def _points_text(points: Decimal) -> str:
    """As the template filter floatformat:"-2" shows it: 5, -2.50."""
    return f"{points:.2f}" if points != points.to_integral_value() else f"{points:.0f}"


def _ledger_lines(entries: Any) -> list[dict[str, Any]]:
    """The 50 rows of a 积分明细 page as the strings the table shows, built in Python: the same rows
    through template lookups, filters and {% url %} cost about three times as much (the page's largest
    cost under load)."""
    levels = dict(Level.choices)
    codes = dict(RuleCode.choices)
    report_url = reverse("report_detail", args=[0])[:-2]  # "/reports/"; the id and "/" are appended
    return [
        {
            "time": timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M"),
            "unit": e.unit.short_name or e.unit.name,
            "author": e.author.full_name if e.author_id else "—",
            "code": codes.get(e.code, e.code),
            "manual": e.manual,
            "level": levels.get(e.level, "") or "—",
            "points": _points_text(e.points),
            "negative": e.points < 0,
            "link": f"{report_url}{e.report_id}/" if e.report_id else "",
            "reason": e.reason or ("信息" if e.report_id else ""),
            "by": e.created_by.full_name if e.manual and e.created_by_id else "",
        }
        for e in entries
    ]


@role_required(*DESK)
@replica_ok
def stats_ledger(request: AuthedRequest) -> HttpResponse:
    """积分明细: the ledger rows behind the ranking, and 人工调整 for editors (a reason is required)."""
    root, period = _scope(request)
    status = 200
    form = {"unit": "", "points": "", "reason": "", "date": ""}
    may_adjust = selectors.may_adjust_scores(request.user, root)
    if request.method == "POST" and may_adjust:
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            target = selectors.scoring_root(request.user, parse_id(form["unit"]) or -1)
            try:
                day = dt.date.fromisoformat(form["date"]) if form["date"] else None
            except ValueError as exc:
                raise ServiceError("日期格式应为 YYYY-MM-DD。", "invalid_date") from exc
            try:
                points = Decimal(form["points"])
            except ArithmeticError as exc:
                raise ServiceError("调整分值应为数字，如 5 或 -2.5。", "invalid_points") from exc
            services.ledger_adjust(
                by=request.user, unit=target, points=points, reason=form["reason"], day=day
            )
            messages.success(request, f"已为{target.name}调整积分 {points} 分。")
            return redirect(f"{request.path}?unit={root.pk}&period={period.text}")
        except NotFound:
            messages.error(request, "请选择本单位或下级单位。")
            status = 400
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = 400
    code = request.GET.get("code", "")
    if code not in RuleCode.values:
        code = ""
    count, total = selectors.ledger_totals(root, period, code=code)
    paginator = Paginator(selectors.ledger_entries(root, period, code=code), 50)
    paginator.count = count  # known from the rollups: no COUNT over the period
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _ledger_lines(page.object_list)  # type: ignore[assignment]
    units = [root, *Unit.objects.filter(parent=root, is_active=True).order_by("path")]
    return render(
        request,
        "scoring/ledger.html",
        {
            "root": root,
            "period": period,
            "period_text": period.text,
            "picker": period_picker(period),
            "crumbs": _breadcrumbs(request, root),
            "page": page,
            "code": code,
            "codes": RuleCode.choices,
            "total": total,
            "may_adjust": may_adjust,
            "units": units,
            "form": form,
        },
        status=status,
    )


# ---- bulletins (通报) --------------------------------------------------------------------------------------


def _data(bulletin: Bulletin) -> dict[str, Any]:
    return bulletins.bulletin_figures(bulletin.unit, selectors.parse_period(bulletin.period), bulletin)


@business_required
def bulletin_list(request: AuthedRequest) -> HttpResponse:
    units = list(units_acting_for(request.user, Role.EDITOR).order_by("path"))
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        if unit is None:
            raise Http404
        refusals_return_to(request, reverse("bulletin_list"))
        bulletin = bulletins.bulletin_for_period(
            by=request.user, unit=unit, period=_period_text(request.POST, "")
        )
        label = selectors.parse_period(bulletin.period).label
        if bulletin.status == Bulletin.Status.RELEASED:
            messages.info(request, f"{label}的通报已发布，内容已固定，以下为发布时的内容。")
        else:
            messages.success(request, f"{label}的通报草稿已生成：排名按当前积分和统计计算，写好说明后发布。")
        return redirect("bulletin_detail", bulletin.pk)
    desks = units_acting_for(request.user, *DESK)
    members = units_acting_for(request.user, *BUSINESS_ROLES)
    ancestors = {int(x) for m in members for x in m.path.strip("/").split("/") if x}
    visible = Bulletin.objects.filter(
        Q(unit__in=desks) | Q(unit_id__in=ancestors, status=Bulletin.Status.RELEASED)
    ).select_related("unit")
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request,
        "scoring/bulletin_list.html",
        {
            # Each with its period in words (2026年11月, 2026年第4季度), not the stored code.
            "bulletins": [
                (b, selectors.parse_period(b.period).label) for b in visible.order_by("-created_at")[:100]
            ],
            "units": units,
            "picker": period_picker(selectors.parse_period(last_month)),
        },
    )


@business_required
def bulletin_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for(request.user, pk)
    is_editor = Role.EDITOR in roles_in_unit(request.user, bulletin.unit)
    status = 200
    typed: dict[str, Any] = {"remarks": bulletin.remarks, "to_portal": bulletin.to_portal}
    if request.method == "POST" and is_editor:
        # One form, two buttons: 发布 releases what is on the screen, saved in the same transaction.
        typed = {
            "remarks": request.POST.get("remarks", bulletin.remarks),
            "to_portal": request.POST.get("to_portal") == "on",
        }
        try:
            if request.POST.get("action") == "release":
                # The page's form always sends 说明 (a bare release keeps what was saved).
                fields: dict[str, Any] = typed if "remarks" in request.POST else {}
                bulletins.bulletin_release(bulletin=bulletin, by=request.user, **fields)
                messages.success(request, "通报已发布，下级单位将收到通知。")
            else:
                bulletins.bulletin_update(bulletin=bulletin, by=request.user, **typed)
                messages.success(request, "已保存。")
            return redirect("bulletin_detail", bulletin.pk)
        except ServiceError as exc:
            # Show the page again with what was typed, not the saved version.
            messages.error(request, exc.message)
            status = exc.status
            bulletin.refresh_from_db()
    return render(
        request,
        "scoring/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "data": _data(bulletin),
            "is_editor": is_editor,
            "typed": typed,
            "rank_rule": bulletins.RANK_RULE,
        },
        status=status,
    )


@business_required
def bulletin_document(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    bulletin = selectors.bulletin_for(request.user, pk)
    file = bulletins.bulletin_download(
        by=request.user, unit=bulletin.unit, data=_data(bulletin), fmt=fmt, bulletin=bulletin
    )
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(fmt != "pdf", file.filename) or ""
    return response


# ---- rule administration (系统管理员) ---------------------------------------------------------------------


@role_required(Role.SYSADMIN)
def rules_admin(request: AuthedRequest) -> HttpResponse:
    p = request.POST
    if request.method == "POST":
        refusals_return_to(request, reverse("rules_admin"))
        try:
            action = p.get("action")
            if action == "new_set":
                try:
                    effective = dt.date.fromisoformat(p.get("effective_from", ""))
                except ValueError as exc:
                    raise ServiceError("请填写生效日期。", "date_required") from exc
                copy_from = RuleSet.objects.filter(pk=parse_id(p.get("copy_from")) or 0).first()
                new = services.rule_set_create(
                    by=request.user, name=p.get("name", ""), effective_from=effective, copy_from=copy_from
                )
                messages.success(request, "已新建规则集，请调整分值。")
                return redirect("rule_set_edit", new.pk)
            if action == "quota":
                penalty = p.get("penalty", "").strip()
                services.quota_rule_save(
                    by=request.user,
                    unit_class=p.get("unit_class", ""),
                    period_kind=p.get("period_kind", ""),
                    category=p.get("category", ""),
                    minimum=int(p.get("minimum") or 0),
                    penalty=Decimal(penalty) if penalty else None,
                )
                messages.success(request, "任务数已保存。")
            elif action == "quota_remove":
                rule = QuotaRule.objects.filter(pk=parse_id(p.get("rule")) or 0).first()
                if rule is not None:
                    services.quota_rule_remove(by=request.user, rule=rule)
                    messages.success(request, "已删除。")
            elif action == "rates":
                extras = {k: p.get(f"rate_{k}", "").strip() for k in services.REMUNERATION_EXTRAS}
                services.remuneration_set(
                    by=request.user,
                    rates={
                        **{
                            lv: Decimal(p.get(f"rate_{lv}") or "0")
                            for lv in ("county", "city", "province", "national")
                        },
                        **{k: Decimal(v) for k, v in extras.items() if v},
                    },
                )
                if cleared := [k for k, v in extras.items() if not v and f"rate_{k}" in p]:
                    services.remuneration_clear(by=request.user, keys=cleared)
                messages.success(request, "稿酬标准已保存。")
        except (ValueError, ArithmeticError):
            messages.error(request, "请填写有效的数字。")
        return redirect("rules_admin")
    rates = bulletins.remuneration_rates()
    return render(
        request,
        "scoring/rules_admin.html",
        {
            "rule_sets": RuleSet.objects.annotate(n=Count("rules")).order_by("-effective_from"),
            "quotas": QuotaRule.objects.all(),
            "period_kinds": QuotaRule.PeriodKind.choices,
            "categories": selectors.quota_categories(),
            "rates": [
                (lv, label, rates.get(lv))
                for lv, label in (
                    ("county", "县级"),
                    ("city", "市级"),
                    ("province", "省级"),
                    ("national", "国家级"),
                )
            ],
            "extras": [(k, label, rates.get(k)) for k, label in services.REMUNERATION_EXTRAS.items()],
            "today": timezone.localdate(),
        },
    )


@role_required(Role.SYSADMIN)
def rule_set_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    rule_set = RuleSet.objects.filter(pk=pk).first()
    if rule_set is None:
        raise Http404
    if request.method == "POST":
        p = request.POST
        rows = [
            {"code": c, "level": lv, "publication_kind": k, "points": pts, "cap_per_month": cap}
            for c, lv, k, pts, cap in zip(
                p.getlist("code"),
                p.getlist("level"),
                p.getlist("kind"),
                p.getlist("points"),
                p.getlist("cap"),
                strict=False,
            )
            if str(pts).strip()
        ]
        removed = set(p.getlist("remove"))
        rows = [r for i, r in enumerate(rows) if str(i) not in removed]
        refusals_return_to(request, reverse("rule_set_edit", args=[rule_set.pk]))
        services.rule_set_save(by=request.user, rule_set=rule_set, rows=rows)
        messages.success(request, "规则已保存。已生效期间的积分可用“重算积分”按新规则重算。")
        return redirect("rule_set_edit", rule_set.pk)
    return render(
        request,
        "scoring/rule_set_edit.html",
        {
            "rule_set": rule_set,
            "rules": rule_set.rules.order_by("code", "level", "publication_kind"),
            "codes": [(c, label) for c, label in RuleCode.choices if c != RuleCode.MANUAL],
            "levels": [
                ("", "不限"),
                ("township", "乡镇"),
                ("county", "县"),
                ("city", "市"),
                ("province", "省"),
                ("national", "国家"),
            ],
            "kinds": [
                ("", "不限"),
                ("regular", "普刊"),
                ("special_report", "专报"),
                ("briefing", "简报"),
                ("supplement", "增刊"),
                ("merged", "综合"),
            ],
        },
    )


@role_required(Role.EDITOR)
def flag_nonconforming(request: AuthedRequest, submission_pk: int) -> HttpResponse:
    """From the inbox item page: mark the item 不合规 (the source unit loses points)."""
    from baosong.reports.selectors import submission_for_editor

    try:
        sub = submission_for_editor(request.user, submission_pk)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        refusals_return_to(request, reverse("submission_detail", args=[sub.pk]))
        services.submission_flag_nonconforming(
            submission=sub, by=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, "已标记为不合规信息，将按积分规则扣分。")
    return redirect("submission_detail", sub.pk)


# ---- 目标责任 and the yearly 评比 ------------------------------------------------------------------------


@role_required(*DESK)
def appraisal_home(request: AuthedRequest) -> HttpResponse:
    """评比 of the current year (the menu's entry)."""
    return redirect("appraisal_page", timezone.localdate().year)


def _appraisal_scope(request: AuthedRequest, year: int) -> Unit:
    if not selectors.MIN_YEAR <= year <= selectors.MAX_YEAR:
        raise Http404
    unit = request.GET.get("unit", "")
    try:
        return selectors.scoring_root(request.user, parse_id(unit) if unit else None)
    except NotFound as exc:
        raise Http404 from exc


@role_required(*DESK)
@replica_ok
def appraisal_page(request: AuthedRequest, year: int) -> HttpResponse:
    from baosong.scoring.appraisal import BEST, appraisal

    root = _appraisal_scope(request, year)
    result = appraisal(root, year)
    today = timezone.localdate()
    return render(
        request,
        "scoring/appraisal.html",
        {
            "root": root,
            "a": result,
            "crumbs": _breadcrumbs(request, root),
            "years": sorted({*range(today.year - 4, today.year + 1), year}, reverse=True),
            "may_set": services.may_set_targets(request.user, root),
            "best_count": BEST,
        },
    )


@role_required(*DESK)
@replica_ok
def appraisal_export(request: AuthedRequest, year: int) -> HttpResponse:
    from baosong.scoring.appraisal import appraisal

    root = _appraisal_scope(request, year)
    result = appraisal(root, year)
    title = f"{root.name} {year}年度政务信息工作评比"

    def rows(standings: list[Any], people: bool) -> list[list[Any]]:
        return [
            [
                s.rank or "—",
                s.name,
                *([s.unit_name] if people else []),
                float(s.points),
                s.submitted,
                s.adopted,
                *([] if people else [s.issues, s.missed_solicitations]),
                "、".join(f"{m}月" for m in s.missed_months),
                s.shortfall,
                "；".join(f"{v.label}：{v.reason}" for v in s.vetoes) or "有资格",
            ]
            for s in standings
        ]

    tail = ["未完成月份", "累计差额", "否决与资格"]
    content = exports.workbook(
        [
            ("单位评比", title, ["名次", "单位", "积分", "报送", "采用", "期数", "约稿未报", *tail],
             rows(result.units, False)),
            ("信息员评比", title, ["名次", "信息员", "单位", "积分", "报送", "采用", *tail],
             rows(result.people, True)),
            ("否决清单", title, ["对象", "单位", "结果", "原因"],
             [[s.name, s.unit_name, v.label, v.reason] for s, v in result.vetoes]),
        ]
    )  # fmt: skip
    record(
        wf.APPRAISAL_EXPORT,
        by=request.user,
        unit_id=root.pk,
        object_type="stats",
        object_id=root.pk,
        details={"year": year},
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx") or ""
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _target_root(request: AuthedRequest, unit_id: int | None) -> Unit:
    try:
        return selectors.target_root(request.user, unit_id)
    except NotFound as exc:
        raise Http404 from exc


@role_required(Role.EDITOR, Role.SYSADMIN)
def targets_page(request: AuthedRequest) -> HttpResponse:
    """目标责任 and 评比规则 of a unit's subtree: its editors and the system administrator set them."""
    from baosong.scoring.appraisal import policy_for, targets_for
    from baosong.scoring.models import AppraisalPolicy, Target

    raw = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit")
    root = _target_root(request, parse_id(raw) if raw else None)
    here = f"{reverse('targets_page')}?unit={root.pk}"
    p = request.POST
    if request.method == "POST":
        refusals_return_to(request, here)
        try:
            action = p.get("action")
            if action == "target":
                services.target_save(
                    by=request.user,
                    unit=root,
                    subject=p.get("subject", ""),
                    measure=p.get("measure", ""),
                    period_kind=p.get("period_kind", ""),
                    minimum=int(p.get("minimum") or 0),
                    unit_class=p.get("unit_class", ""),
                )
                messages.success(request, "目标已保存。")
            elif action == "target_remove":
                target = Target.objects.filter(pk=parse_id(p.get("target")) or 0, unit=root).first()
                if target is None:
                    raise Http404
                services.target_remove(by=request.user, target=target)
                messages.success(request, "已删除。")
            elif action == "policy":
                services.appraisal_policy_set(
                    by=request.user,
                    unit=root,
                    missed_months=int(p.get("missed_months") or 0),
                    shortfall=int(p.get("shortfall") or 0),
                    missed_solicitations=int(p.get("missed_solicitations") or 0),
                )
                messages.success(request, "评比规则已保存。")
        except ValueError:
            messages.error(request, "请填写有效的整数。")
        return redirect(here)
    own = list(Target.objects.filter(unit=root))
    inherited = [t for t in targets_for(root) if t.unit_id != root.pk]
    return render(
        request,
        "scoring/targets.html",
        {
            "root": root,
            "own": own,
            "inherited": inherited,
            "policy": policy_for(root),
            "own_policy": AppraisalPolicy.objects.filter(unit=root).exists(),
            "subjects": Target.Subject.choices,
            "measures": Target.Measure.choices,
            "period_kinds": QuotaRule.PeriodKind.choices,
            "year": timezone.localdate().year,
        },
    )
