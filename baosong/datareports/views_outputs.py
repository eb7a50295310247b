"""Outputs of structured reports: a fixed roll-up as XLSX, PDF or DOCX, the recipients' package, and the
form dashboard. Interfaces only: access through the selectors, files from ``exports``, figures from
``dashboard``; each download writes its audit record."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from baosong.core.actions import record
from baosong.core.errors import NotFound
from baosong.core.params import MAX_ID, parse_id
from baosong.datareports import dashboard, exports, selectors
from baosong.datareports import workflow as wf
from baosong.datareports.models import ReturnVersion
from baosong.editorial.documents import CONTENT_TYPES
from baosong.orgs.permissions import AuthedRequest, business_required, role_required


def _version(request: AuthedRequest, coll_id: int, unit_id: int, number: int | None) -> ReturnVersion:
    """The unit's fixed version ``number`` (the latest without one) in a collection the user takes part in,
    for a unit whose return the user may see; 404 for anyone else and before the first submission."""
    if max(coll_id, unit_id, number or 0) > MAX_ID:
        raise Http404
    try:
        coll, _ = selectors.collection_for(request.user, coll_id)
        unit = selectors.unit_in_collection(request.user, coll, unit_id)
    except NotFound as exc:
        raise Http404 from exc
    version = exports.version_of(collection_id=coll.pk, unit_id=unit.pk, number=number)
    if version is None:
        raise Http404
    return version


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@business_required
def rollup_export(
    request: AuthedRequest, coll_id: int, unit_id: int, fmt: str, number: int | None = None
) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    version = _version(request, coll_id, unit_id, number)
    data = exports.rollup_file(version, fmt)
    record(
        wf.EXPORT,
        by=request.user,
        obj=version.ret,
        unit_id=unit_id,
        details={"format": fmt, "rows": version.row_count, "version": version.number},
    )
    return _download(data, f"{exports.base_name(version)}.{fmt}", CONTENT_TYPES[fmt])


@business_required
def recipients_package(request: AuthedRequest, coll_id: int, unit_id: int, number: int) -> HttpResponse:
    """The root's roll-up for the collection's outside recipients; no other unit's roll-up leaves this way."""
    version = _version(request, coll_id, unit_id, number)
    if version.ret.level != 0:
        raise Http404
    filename, data = exports.recipients_package(version)
    record(
        wf.EXPORT,
        by=request.user,
        obj=version.ret,
        unit_id=unit_id,
        details={"format": "zip", "rows": version.row_count, "version": version.number},
    )
    return _download(data, filename, "application/zip")


@role_required(*selectors.OVERSEE_ROLES)
def form_dashboard(request: AuthedRequest, form_id: int) -> HttpResponse:
    unit = request.GET.get("unit", "")
    year = parse_id(request.GET.get("year"))
    try:
        data = dashboard.dashboard_for(
            request.user,
            form_id if form_id <= MAX_ID else 0,
            unit_id=parse_id(unit) if unit else None,
            year=year,
            measure=request.GET.get("measure", ""),
        )
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "datareports/dashboard.html", {"d": data})
