"""代为登记 pages: an editor registers what a lower unit sent on paper, USB, fax, phone or mail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from baosong.core.errors import ServiceError
from baosong.core.params import parse_id
from baosong.orgs.models import Membership, Role, Unit
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.reports import behalf, files, selectors
from baosong.reports.models import Channel, Submission, Urgency


def _desk(request: AuthedRequest) -> tuple[list[Unit], Unit | None]:
    desks = list(behalf.behalf_desks(request.user))
    chosen = parse_id(request.POST.get("desk") or request.GET.get("desk"))
    desk = next((d for d in desks if d.pk == chosen), desks[0] if desks else None)
    return desks, desk


def _authors_by_unit(units: list[Unit]) -> list[tuple[Unit, list[Any]]]:
    """Each lower unit with the people who may be named as its item's author (one query)."""
    rows = (
        Membership.objects.filter(
            unit__in=units,
            user__is_active=True,
            role__in=[Role.REPORTER, Role.REVIEWER, Role.EDITOR, Role.CHIEF, Role.LEADER],
        )
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    people: dict[int, dict[int, Any]] = {}
    for m in rows:
        people.setdefault(m.unit_id, {}).setdefault(m.user_id, m.user)
    return [(u, list(people.get(u.pk, {}).values())) for u in units]


@role_required(Role.EDITOR)
def behalf_register(request: AuthedRequest) -> HttpResponse:
    desks, desk = _desk(request)
    units = list(behalf.behalf_units(desk)) if desk else []
    posted = request.POST if request.method == "POST" else {}
    error, status = "", 200
    if request.method == "POST" and desk is not None:
        try:
            docx = request.FILES.get("docx")
            report, notes = behalf.report_register_on_behalf(
                by=request.user,
                desk_id=desk.pk,
                unit_id=parse_id(posted.get("unit")) or 0,
                channel=posted.get("channel", ""),
                author_id=parse_id(posted.get("author")),
                writer_name=posted.get("writer_name", ""),
                title=posted.get("title", ""),
                body=posted.get("body", ""),
                category=posted.get("category") or None,
                urgency=posted.get("urgency") or Urgency.NORMAL,
                docx=files.upload_bytes(docx) if docx else None,
                uploads=[(f.name or "附件", files.upload_bytes(f)) for f in request.FILES.getlist("files")],
            )
        except ServiceError as exc:
            # another county's unit or person answers 404 (as everywhere), with the form kept
            error, status = exc.message, exc.status if exc.status in (403, 404) else 400
        else:
            messages.success(request, "已代为登记，信息已进入本单位收件箱。")
            for note in notes:
                messages.info(request, note)
            sub = Submission.objects.get(report=report, target_unit=desk, is_active=True)
            return redirect("submission_detail", pk=sub.pk)
    return render(
        request,
        "reports/behalf_register.html",
        {
            "desks": desks,
            "desk": desk,
            "units": units,
            "authors": _authors_by_unit(units),
            "channels": Channel.choices,
            "categories": [c for c in selectors.item_categories() if not c.retired],
            "urgencies": Urgency.choices,
            "posted": posted,
            "default_category": selectors.default_category(),
            "error": error,
            "recent": Paginator(behalf.registrations_by(request.user), 20).get_page(request.GET.get("page")),
        },
        status=status,
    )
