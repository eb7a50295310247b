"""The 上网信息发布审核表 of a release as a PDF, drawn with the machinery of the 政务信息报送审核表
(``editorial.render_pdf``: the same print stylesheet, font stacks and offline WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from baosong.editorial.document import TemplateStyle
from baosong.editorial.render_pdf import _css_fonts, html_to_pdf, local_time
from baosong.portal.models import PortalRelease, ReleaseKind


def release_sheet_context(release: PortalRelease) -> dict[str, Any]:
    actions = list(release.actions.select_related("by").order_by("at", "id"))
    chain = release.review_chain or []
    steps = []
    for i, step in enumerate(chain):
        # The latest decision taken at this step (a returned and resubmitted request is decided again).
        decided = [a for a in actions if a.step == i and a.action in ("approve", "return")]
        last = decided[-1] if decided else None
        label = str(step.get("label") or "审核")
        steps.append(
            {
                "label": label if label.endswith("意见") else f"{label}意见",
                "opinion": last.opinion if last else "",
                "person": last.by.full_name if last else "",
                "time": local_time(last.at) if last else "",
                "result": ("同意发布" if last.action == "approve" else "退回修改") if last else "",
            }
        )
    submitted = next((a for a in reversed(actions) if a.action == "submit"), None)
    body = release.body
    if release.kind == ReleaseKind.ISSUE and release.issue is not None:
        body = f"{release.issue.label}全文（仅主动公开信息在门户发布）。"
    return {
        "release": release,
        "kind": ReleaseKind(release.kind).label,
        "requester": release.requested_by.full_name,
        "submitted": local_time(submitted.at if submitted else release.submitted_at),
        "published": local_time(release.published_at),
        "column": release.column.name if release.column else "（刊物栏）",
        "paragraphs": [p for p in body.splitlines() if p.strip()][:40],
        "steps": steps,
        "trail": [
            {
                "label": a.label,
                "person": a.by.full_name,
                "time": local_time(a.at),
                "opinion": a.opinion,
                "action": a.action,
            }
            for a in actions
        ],
        "printed": local_time(timezone.now()),
        "fonts": _css_fonts(TemplateStyle()),
    }


def release_sheet_html(release: PortalRelease) -> str:
    return render_to_string("portal/print/release_sheet.html", release_sheet_context(release))


def release_sheet_pdf(release: PortalRelease) -> bytes:
    return html_to_pdf(release_sheet_html(release))
