"""The system administrator's calendar page. Interfaces only: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from baosong.core.errors import NotFound, ServiceError
from baosong.core.params import form_date, parse_id
from baosong.orgs.models import Role
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.workdays import selectors, services
from baosong.workdays.models import CalendarDay


@role_required(Role.SYSADMIN)
def calendar_home(request: AuthedRequest) -> HttpResponse:
    return redirect("calendar_page", year=timezone.localdate().year)


def _year(year: int) -> int:
    if not selectors.valid_year(year):
        raise NotFound(f"年份须在 {selectors.MIN_YEAR} 到 {selectors.MAX_YEAR} 之间。")
    return year


def _page(
    request: AuthedRequest,
    year: int,
    *,
    day_error: str = "",
    year_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The year's page; after a refused form, with the error next to that form and what was typed in it."""
    user = request.user
    unit_code = request.GET.get("unit", "").strip()
    unit = selectors.admin_unit_by_code(user, unit_code)
    view = selectors.year_view(year, unit)
    editing = None
    if (edit_id := parse_id(request.GET.get("edit"))) is not None:
        editing = selectors.listed_day_for(user, year, edit_id)
    p = request.POST
    posted_day = request.method == "POST" and bool(day_error)
    posted_year = request.method == "POST" and bool(year_error)
    day_form = {
        "date": p.get("date", "") if posted_day else (editing.date.isoformat() if editing else ""),
        "kind": p.get("kind", "") if posted_day else (editing.kind if editing else CalendarDay.Kind.HOLIDAY),
        "name": p.get("name", "") if posted_day else (editing.name if editing else ""),
        "unit": p.get("unit", "")
        if posted_day
        else (editing.unit.code if editing and editing.unit else unit.code if unit else ""),
    }
    year_form = {
        "source": p.get("source", "") if posted_year else view.source,
        "confirmed": p.get("confirmed") == "1" if posted_year else view.confirmed,
    }
    years = selectors.calendar_years()
    return render(
        request,
        "workdays/calendar.html",
        {
            "view": view,
            "year": year,
            "years": years,
            "previous": year - 1 if selectors.valid_year(year - 1) else None,
            "next": year + 1 if selectors.valid_year(year + 1) else None,
            "national": selectors.national_days(year),
            "overlay": selectors.overlay_days(user, year),
            "unit": unit,
            "unit_code": unit_code,
            "unit_unknown": bool(unit_code) and unit is None,
            "editing": editing,
            "day_form": day_form,
            "year_form": year_form,
            "day_error": day_error,
            "year_error": year_error,
            "kinds": CalendarDay.Kind.choices,
            "today": timezone.localdate(),
            "weekdays": list(selectors.WEEKDAYS),
        },
        status=status,
    )


@role_required(Role.SYSADMIN)
def calendar_page(request: AuthedRequest, year: int) -> HttpResponse:
    return _page(request, _year(year))


@require_POST
@role_required(Role.SYSADMIN)
def calendar_day_set(request: AuthedRequest, year: int) -> HttpResponse:
    year = _year(year)
    p = request.POST
    try:
        code = p.get("unit", "").strip()
        unit = selectors.admin_unit_by_code(request.user, code)
        if code and unit is None:
            raise ServiceError(f"您管理的范围内没有代码为“{code}”的单位。", "unknown_unit")
        day = services.calendar_day_set(
            by=request.user,
            date=form_date(p.get("date", "").strip()),
            kind=p.get("kind", ""),
            name=p.get("name", ""),
            unit=unit,
        )
    except ServiceError as exc:
        return _page(request, year, day_error=exc.message, status=exc.status)
    messages.success(
        request,
        f"已将 {day.date.isoformat()} 设为{day.get_kind_display()}（{day.name}，{_scope_text(day)}）。",
    )
    return redirect(_back(day.date.year, request))


@require_POST
@role_required(Role.SYSADMIN)
def calendar_day_remove(request: AuthedRequest, year: int) -> HttpResponse:
    year = _year(year)
    day = selectors.listed_day_for(request.user, year, parse_id(request.POST.get("id")) or 0)
    if day is None:
        raise NotFound("该日期已被删除或不在您的管理范围内。")
    services.calendar_day_remove(by=request.user, day=day)
    messages.success(request, f"已删除 {day.date.isoformat()}（{day.name}，{_scope_text(day)}）。")
    return redirect(_back(year, request))


@require_POST
@role_required(Role.SYSADMIN)
def calendar_year_set(request: AuthedRequest, year: int) -> HttpResponse:
    year = _year(year)
    p = request.POST
    try:
        services.calendar_year_set(
            by=request.user, year=year, source=p.get("source", ""), confirmed=p.get("confirmed") == "1"
        )
    except ServiceError as exc:
        return _page(request, year, year_error=exc.message, status=exc.status)
    messages.success(request, f"已保存 {year} 年日历的依据。")
    return redirect(_back(year, request))


def _scope_text(day: CalendarDay) -> str:
    return f"适用于{day.unit.name}及其下级" if day.unit_id and day.unit else "全国"


def _back(year: int, request: AuthedRequest) -> str:
    """The year's page again, seen as it was (nationally or for the unit chosen)."""
    url = reverse("calendar_page", args=[year])
    unit = request.GET.get("unit", "").strip()
    return f"{url}?{urlencode({'unit': unit})}" if unit else url
