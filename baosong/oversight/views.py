"""Pages of 督查: the oversight page (silent units, 疑似漏报 alerts, the unit's thresholds), one alert with
its handling, and the system-wide thresholds for the 系统管理员."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baosong.core.errors import NotFound, ServiceError
from baosong.core.params import parse_ids
from baosong.orgs.models import Role, Unit
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.orgs.selectors import acting_unit_ids
from baosong.oversight import selectors, services
from baosong.oversight.models import OmissionAlert

ROLES = (Role.EDITOR, Role.REPORTER, Role.REVIEWER)


def _editor_units(request: AuthedRequest) -> list[tuple[Unit, selectors.Thresholds]]:
    default, own = selectors.thresholds_by_unit()
    units = Unit.objects.filter(pk__in=acting_unit_ids(request.user, Role.EDITOR)).order_by("path")
    return [(u, own.get(u.pk, default)) for u in units]


@role_required(*ROLES)
def oversight_page(request: AuthedRequest) -> HttpResponse:
    return _oversight_page(request)


def _oversight_page(request: AuthedRequest, status: int = 200) -> HttpResponse:
    """The page; after a refused setting it comes back (4xx) with the numbers as typed."""
    status_filter = request.GET.get("status", "")
    if status_filter not in OmissionAlert.Status.values:
        status_filter = ""
    alerts = list(selectors.omission_alerts(request.user, status=status_filter)[:200])
    return render(
        request,
        "oversight/page.html",
        {
            "silent": selectors.silent_units(request.user),
            "alerts": alerts,
            "status": status_filter,
            "statuses": OmissionAlert.Status.choices,
            "editor_units": _editor_units(request),
            "form": request.POST if request.method == "POST" else None,
        },
        status=status,
    )


def _alert(request: AuthedRequest, pk: int) -> OmissionAlert:
    try:
        return selectors.omission_alert(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@role_required(*ROLES)
def alert_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _alert_page(request, _alert(request, pk))


def _alert_page(request: AuthedRequest, alert: OmissionAlert, status: int = 200) -> HttpResponse:
    upper = selectors.is_upper_editor(request.user, alert)
    return render(
        request,
        "oversight/alert.html",
        {
            "alert": alert,
            "may_handle": upper and alert.status == OmissionAlert.Status.OPEN,
            "upper": upper,
            "note": request.POST.get("note", "") if request.method == "POST" else "",
        },
        status=status,
    )


@require_POST
@role_required(Role.EDITOR)
def alert_handle(request: AuthedRequest, pk: int) -> HttpResponse:
    alert = _alert(request, pk)
    try:
        services.alert_handle(alert=alert, by=request.user, note=request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _alert_page(request, _alert(request, pk), status=exc.status)
    messages.success(request, "已标记为已处理。")
    return redirect("oversight_alert", pk)


def _save(request: AuthedRequest, unit: Unit | None) -> ServiceError | None:
    """The thresholds as posted; the refusal (already put in the page's messages), or None."""
    try:
        services.setting_update(
            by=request.user,
            unit=unit,
            silent_weeks=request.POST.get("silent_weeks", ""),
            min_reporters=request.POST.get("min_reporters", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return exc
    return None


@require_POST
@role_required(Role.EDITOR)
def unit_settings(request: AuthedRequest) -> HttpResponse:
    ids = parse_ids([request.POST.get("unit", "")])
    unit = Unit.objects.filter(
        pk__in=[i for i in ids if i in acting_unit_ids(request.user, Role.EDITOR)]
    ).first()
    if unit is None:
        raise Http404
    if (refused := _save(request, unit)) is not None:
        return _oversight_page(request, status=refused.status)
    messages.success(request, f"已保存{unit.display_name}的督查设置。")
    return redirect("oversight_home")


@role_required(Role.SYSADMIN)
def global_settings(request: AuthedRequest) -> HttpResponse:
    current = selectors.global_thresholds()
    if request.method == "POST":
        if (refused := _save(request, None)) is not None:
            context = {"current": current, "form": request.POST}
            return render(request, "oversight/settings.html", context, status=refused.status)
        messages.success(request, "已保存全局督查设置。")
        return redirect("oversight_settings")
    return render(request, "oversight/settings.html", {"current": current, "form": None})
