"""Pages for administrators (publications, templates), editors (composing), chiefs (signing) and readers
(传阅). Interfaces only: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from baosong.core.actions import record
from baosong.core.errors import NotFound, ServiceError
from baosong.core.middleware import csp_nonce
from baosong.core.params import parse_count, parse_id, parse_ids
from baosong.core.refusals import return_to as refusals_return_to
from baosong.editorial import documents, release, render_pdf, selectors, services
from baosong.editorial import workflow as issue_wf
from baosong.editorial.document import IssueDocument
from baosong.editorial.forms import PublicationForm, TemplateForm
from baosong.editorial.models import Issue, IssueItem, IssueStatus, IssueTemplate, Publication, RecipientGroup
from baosong.editorial.render_sheet_docx import render_review_sheet_docx
from baosong.editorial.workflow import ISSUE, allowed_actions
from baosong.orgs.models import Role
from baosong.orgs.permissions import AuthedRequest, business_required, role_required
from baosong.orgs.selectors import acting_unit_ids, admin_scope_units, roles_in_unit
from baosong.reports import workflow as reports_wf
from baosong.reports.models import SubmissionStatus, Urgency
from baosong.reports.selectors import InboxFilters, category_filter_choices, report_for

DESK = (Role.EDITOR, Role.CHIEF, Role.LEADER)


def _issue(request: AuthedRequest, pk: int) -> Issue:
    try:
        return selectors.issue_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


def _desk_issue(request: AuthedRequest, pk: int) -> Issue:
    issue = _issue(request, pk)
    if not selectors.is_desk(request.user, issue):
        raise Http404
    return issue


def _download(data: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["Cache-Control"] = "private, no-store"
    return response


# ---- templates (模板管理) ----------------------------------------------------------------------------


@role_required(Role.SYSADMIN)
def template_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.template_save(by=request.user, **form.cleaned_data)
                messages.success(request, f"已创建模板“{template.name}”。")
                return redirect("template_edit", template.pk)
            except ServiceError as exc:
                form.add_error(None, exc.message)
    else:
        form = TemplateForm()
    return render(
        request,
        "editorial/template_list.html",
        {"templates": IssueTemplate.objects.all(), "form": form},
    )


@role_required(Role.SYSADMIN)
def template_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    template = IssueTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                services.template_save(by=request.user, template=template, **form.cleaned_data)
                messages.success(request, "模板已保存，预览已更新。")
                return redirect("template_edit", template.pk)
            except ServiceError as exc:
                form.add_error(None, exc.message)
    else:
        form = TemplateForm(initial={f: getattr(template, f) for f in services.TEMPLATE_FIELDS})
    return render(request, "editorial/template_edit.html", {"template": template, "form": form})


def _sample_document(template: IssueTemplate) -> IssueDocument:
    from dataclasses import replace

    from baosong.demo.sample_issue import sample_document

    doc = sample_document(items=4)
    return replace(doc, style=selectors.template_style(template))


@role_required(Role.SYSADMIN)
@xframe_options_sameorigin
def template_preview(request: AuthedRequest, pk: int, fmt: str = "html") -> HttpResponse:
    template = IssueTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404
    doc = _sample_document(template)
    if fmt == "pdf":
        return _download(
            render_pdf.render_issue_pdf(doc), f"模板预览-{template.name}.pdf", "application/pdf", inline=True
        )
    return HttpResponse(render_pdf.issue_html(doc, screen=True, nonce=csp_nonce(request)))


# ---- publications ------------------------------------------------------------------------------------


def _publication_form(
    request: AuthedRequest, data: Any = None, initial: dict[str, Any] | None = None
) -> PublicationForm:
    form = PublicationForm(data, initial=initial)
    units = (
        admin_scope_units(request.user)
        .filter(is_active=True, level__in=["national", "province", "city", "county", "township"])
        .order_by("path")[:2000]
    )
    form.fields["unit"].choices = [(u.pk, ("　" * u.depth) + u.name) for u in units]  # type: ignore[attr-defined]
    templates = [("", "默认版式")] + [(t.pk, t.name) for t in IssueTemplate.objects.all()]
    form.fields["template"].choices = templates  # type: ignore[attr-defined]
    form.fields["supplement_template"].choices = templates  # type: ignore[attr-defined]
    return form


def _save_publication(
    request: AuthedRequest, form: PublicationForm, publication: Publication | None
) -> Publication | None:
    data = form.cleaned_data
    unit = admin_scope_units(request.user).filter(pk=data["unit"]).first()
    if unit is None:
        form.add_error("unit", "该单位不在您的管理范围内。")
        return None
    templates = {t.pk: t for t in IssueTemplate.objects.all()}
    try:
        return services.publication_save(
            by=request.user,
            publication=publication,
            unit=unit,
            name=data["name"],
            kind=data["kind"],
            columns=data["columns"],
            print_count=data["print_count"],
            signer_role=data["signer_role"],
            template=templates.get(data["template"] or 0),
            supplement_template=templates.get(data["supplement_template"] or 0),
            marking=data["marking"],
            total_base=data["total_base"],
            base_year=data["base_year"],
            base_number=data["base_number"],
            is_active=data["is_active"],
            recipients={g: data[g] for g in RecipientGroup.values},
        )
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return None


@role_required(Role.SYSADMIN)
def publication_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        form = _publication_form(request, request.POST)
        if form.is_valid():
            pub = _save_publication(request, form, None)
            if pub is not None:
                messages.success(request, f"已创建刊物《{pub.name}》。")
                return redirect("publication_edit", pub.pk)
    else:
        form = _publication_form(
            request, initial={"print_count": 60, "marking": "内部资料", "is_active": True}
        )
    return render(
        request,
        "editorial/publication_list.html",
        {"publications": selectors.publications_admin(request.user), "form": form},
    )


@role_required(Role.SYSADMIN)
def publication_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        pub = selectors.publication_admin_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        form = _publication_form(request, request.POST)
        if form.is_valid() and _save_publication(request, form, pub) is not None:
            messages.success(request, "刊物设置已保存。")
            return redirect("publication_edit", pub.pk)
    else:
        every = list(pub.recipients.all())
        recipients = {g: "\n".join(r.name for r in every if r.group == g) for g in RecipientGroup.values}
        form = _publication_form(
            request,
            initial={
                "unit": pub.unit_id,
                "name": pub.name,
                "kind": pub.kind,
                "columns": "\n".join(pub.columns),
                "print_count": pub.print_count,
                "signer_role": pub.signer_role,
                "template": pub.template_id,
                "supplement_template": pub.supplement_template_id,
                "marking": pub.marking,
                "total_base": pub.total_base,
                "base_year": pub.base_year,
                "base_number": pub.base_number,
                "is_active": pub.is_active,
                **recipients,
            },
        )
    return render(
        request,
        "editorial/publication_edit.html",
        {
            "pub": pub,
            "form": form,
            "recipients": selectors.in_closing_order(pub.recipients.select_related("unit", "user")),
        },
    )


# ---- issues: the desk ---------------------------------------------------------------------------------


@role_required(*DESK)
def issue_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    pub = request.GET.get("publication")
    issues = selectors.desk_issues(request.user, status=status, publication=parse_id(pub))
    page = Paginator(issues, 30).get_page(request.GET.get("page"))
    publications = selectors.publications_for_desk(request.user)
    editor_units = set(acting_unit_ids(request.user, Role.EDITOR))
    return render(
        request,
        "editorial/issue_list.html",
        {
            "page": page,
            "publications": publications,
            "editor_units": editor_units,
            "to_sign": selectors.signing_queue(request.user),
            "statuses": IssueStatus.choices,
            "status": status or "",
            "publication": pub or "",
        },
    )


@role_required(Role.EDITOR)
@require_POST
def issue_new(request: AuthedRequest) -> HttpResponse:
    pub = (
        selectors.publications_for_desk(request.user, Role.EDITOR)
        .filter(pk=parse_id(request.POST.get("publication")) or 0)
        .first()
    )
    if pub is None:
        raise Http404
    refusals_return_to(request, reverse("issue_list"))
    issue = services.issue_create(
        by=request.user,
        publication=pub,
        is_supplement=request.POST.get("supplement") == "1",
        headline=request.POST.get("headline", ""),
    )
    messages.success(request, f"已新建《{pub.name}》一期，请从右侧选取已采用的信息。")
    return redirect("issue_detail", issue.pk)


def _filters(request: AuthedRequest) -> InboxFilters:
    g = request.GET
    return InboxFilters(
        status=g.get("status") or None,
        category=g.get("category") or None,
        urgency=g.get("urgency") or None,
        q=(g.get("q") or "").strip() or None,
        source_unit=parse_id(g.get("source_unit")),
    )


@business_required
def issue_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    if not selectors.is_desk(request.user, issue):
        return redirect("reading_detail", issue.pk)
    return _issue_page(request, issue)


def _issue_page(
    request: AuthedRequest,
    issue: Issue,
    *,
    posted: str = "",
    item_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The compose page. After a refused 本期设置 or 编辑此条 save (``posted`` = "update" / "edit") it is
    rendered again with what the person typed, that form open, and a 4xx status: nothing typed is lost."""
    items = selectors.issue_items(issue)
    recipients = list(issue.recipients.all())  # read once: the three groups' text and the unread count
    actions = allowed_actions(issue, request.user)
    editing = issue.status == IssueStatus.EDITING and Role.EDITOR in roles_in_unit(
        request.user, issue.publication.unit
    )
    p = request.POST
    if posted == "update":
        settings = {
            "headline": p.get("headline", ""),
            "marking": p.get("marking", ""),
            "print_count": p.get("print_count", ""),
            "columns_text": p.get("columns", ""),
            **{g: p.get(g, "") for g in RecipientGroup.values},
        }
    else:
        settings = {
            "headline": issue.headline,
            "marking": issue.marking,
            "print_count": str(issue.print_count),
            # A template tag cannot span lines: the textarea's one-column-per-line text is built here.
            "columns_text": "\n".join(issue.columns or []),
            **{g: "\n".join(r.name for r in recipients if r.group == g) for g in RecipientGroup.values},
        }
    if posted == "edit" and item_pk is not None:
        for item in items:
            if item.pk == item_pk:
                item.title = p.get("title", "")
                item.body = p.get("body", "")
                item.editor_note = p.get("editor_note", "")
                item.column = p.get("column", "")
                item.kind = p.get("kind") or item.kind
    return render(
        request,
        "editorial/issue_detail.html",
        {
            "issue": issue,
            "items": items,
            "actions": [(a, ISSUE.actions[a].label) for a in actions],
            "portal_chain": "publish" in actions
            and services.portal_chain_configured(issue.publication.unit_id, issue),
            "editing": editing,
            "columns": issue.columns,
            "settings": settings,
            "settings_open": posted == "update",
            "open_item": item_pk if posted == "edit" else None,
            "merge_title": p.get("title", "") if posted == "merge" else "",
            "merge_ticked": set(parse_ids(p.getlist("items"))) if posted == "merge" else set(),
            "categories": category_filter_choices(),
            "urgencies": Urgency.choices,
            "statuses": [
                (SubmissionStatus.ADOPTED.value, "已采用"),
                (SubmissionStatus.RECEIVED.value, "待接收"),
                (SubmissionStatus.CLAIMED.value, "处理中"),
            ],
            "item_kinds": IssueItem.Kind.choices,
            "unread": sum(1 for r in recipients if r.delivered_at and not r.read_at),
        },
        status=status,
    )


@role_required(Role.EDITOR)
def issue_candidates(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = _desk_issue(request, pk)
    qs = selectors.candidates(request.user, issue, _filters(request))
    page = Paginator(qs, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "editorial/partials/candidates.html",
        {"issue": issue, "page": page, "columns": issue.columns},
    )


@role_required(Role.EDITOR)
def open_issue_options(request: AuthedRequest) -> HttpResponse:
    """<option>s for the inbox's 采用 form: the editing issues of the submission's unit."""
    sub_id = request.GET.get("submission", "")
    from baosong.reports.selectors import submission_for_editor

    try:
        sub = submission_for_editor(request.user, sub_pk) if (sub_pk := parse_id(sub_id)) else None
    except NotFound:
        sub = None
    issues = []
    if sub is not None:
        issues = list(
            selectors.desk_issues(request.user, status=IssueStatus.EDITING).filter(
                publication__unit_id=sub.target_unit_id
            )[:50]
        )
    return render(request, "editorial/partials/issue_options.html", {"issues": issues})


@xframe_options_sameorigin
@business_required
def issue_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    return HttpResponse(
        render_pdf.issue_html(selectors.issue_document(issue), screen=True, nonce=csp_nonce(request))
    )


def _document_name(issue: Issue, ext: str) -> str:
    number = f"{issue.year}年{issue.number_text}" if issue.number else "（未编号）"
    return f"{issue.publication.name}{number}.{ext}"


@business_required
def issue_document(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    issue = _issue(request, pk)
    with transaction.atomic():
        record(
            issue_wf.DOWNLOAD,
            by=request.user,
            unit_id=issue.publication.unit_id,
            object_type="issue",
            object_id=issue.pk,
            details={"format": fmt},
        )
    return _download(
        release.issue_file(issue, fmt, by=request.user),
        _document_name(issue, fmt),
        documents.CONTENT_TYPES[fmt],
        inline=fmt == "pdf",  # read in the browser; the others open in an office suite
    )


def _print_count(text: str) -> int | None:
    """Empty keeps the count; text that is no count goes to the service as -1, which it refuses."""
    if not text.strip():
        return None
    count = parse_count(text)
    return -1 if count is None else count


def _item(issue: Issue, item_pk: int) -> IssueItem:
    item = issue.items.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    return item


@role_required(*DESK)
@require_POST
def issue_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    issue = _desk_issue(request, pk)
    p = request.POST
    by = request.user
    done: dict[str, Callable[[], Any]] = {
        "update": lambda: services.issue_update(
            issue=issue,
            by=by,
            headline=p.get("headline", ""),
            marking=p.get("marking", ""),
            print_count=_print_count(p.get("print_count", "")),
            columns=p.get("columns", ""),
            recipients={g: p.get(g, "") for g in RecipientGroup.values},
        ),
        "add": lambda: services.issue_item_add(
            issue=issue,
            by=by,
            submission_ids=parse_ids(p.getlist("submissions")),
            column=p.get("column", ""),
            kind=p.get("kind", IssueItem.Kind.ARTICLE),
        ),
        "reorder": lambda: services.issue_items_reorder(
            issue=issue, by=by, item_ids=parse_ids(p.getlist("order"))
        ),
        "merge": lambda: services.issue_items_merge(
            issue=issue, by=by, item_ids=parse_ids(p.getlist("items")), title=p.get("title", "")
        ),
        "submit": lambda: services.issue_submit(issue=issue, by=by),
        "recall": lambda: services.issue_recall(issue=issue, by=by),
        "return": lambda: services.issue_return(issue=issue, by=by, comment=p.get("comment", "")),
        "sign": lambda: services.issue_sign(issue=issue, by=by),
        "distribute": lambda: services.issue_distribute(issue=issue, by=by),
        "publish": lambda: services.issue_publish(issue=issue, by=by),
        "withdraw": lambda: services.issue_withdraw(issue=issue, by=by, reason=p.get("reason", "")),
        "remind": lambda: services.issue_remind(issue=issue, by=by),
    }
    if action not in done:
        raise Http404
    labels = {
        "update": "本期设置已保存。",
        "add": "已编入本期。",
        "reorder": "顺序已调整。",
        "merge": "已综合为一条信息。",
        "submit": "已送签。",
        "recall": "已撤回送签，可继续编辑。",
        "return": "已退回采编人员修改。",
        "sign": "已签发。",
        "distribute": "已分发，收文单位和领导可在“阅文”中阅读。",
        "publish": "已在门户网站公开发布。",
        "withdraw": "本期已撤回。",
        "remind": "已催阅。",
    }
    refusals_return_to(request, reverse("issue_detail", args=[issue.pk]))
    try:
        result = done[action]()
    except ServiceError as exc:
        if action not in {"update", "merge"} or request.headers.get("HX-Request"):
            raise
        # Re-render rather than redirect: the settings or the 综合 title typed stay in the form.
        messages.error(request, exc.message)
        return _issue_page(request, _issue(request, issue.pk), posted=action, status=exc.status)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204)
    message = labels[action]
    if action == "sign":
        message = f"已签发：{result.label}。"
    elif action == "remind":
        message = f"已催阅 {result} 个未读对象。" if result else "所有对象均已阅读。"
    messages.success(request, message)
    return redirect("issue_readers" if action in {"distribute", "remind"} else "issue_detail", issue.pk)


@role_required(Role.EDITOR)
@require_POST
def item_action(request: AuthedRequest, pk: int, item_pk: int, action: str) -> HttpResponse:
    issue = _desk_issue(request, pk)
    item = _item(issue, item_pk)
    p = request.POST
    refusals_return_to(request, f"/issues/{issue.pk}/#item-{item_pk}")
    if action == "edit":
        try:
            services.issue_item_edit(
                item=item,
                by=request.user,
                title=p.get("title", ""),
                body=p.get("body", ""),
                editor_note=p.get("editor_note", ""),
                column=p.get("column", ""),
                kind=p.get("kind") or None,
            )
        except ServiceError as exc:
            # The title and body the editor typed are shown again in the open form, not thrown away.
            messages.error(request, exc.message)
            return _issue_page(
                request, _issue(request, issue.pk), posted="edit", item_pk=item.pk, status=exc.status
            )
        messages.success(request, "条目已保存，修改已记入修改痕迹。")
    elif action in {"up", "down"}:
        services.issue_item_move(item=item, by=request.user, offset=-1 if action == "up" else 1)
    elif action == "remove":
        services.issue_item_remove(item=item, by=request.user)
        messages.success(request, "已移出本期，该信息仍为已采用，可重新编入。")
        return redirect(f"/issues/{issue.pk}/")
    else:
        raise Http404
    return redirect(f"/issues/{issue.pk}/#item-{item_pk}")


@role_required(*DESK)
def issue_readers(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = _desk_issue(request, pk)
    readers = selectors.issue_readers(issue)
    delivered = [r for r in readers if r.delivered_at]
    return render(
        request,
        "editorial/issue_readers.html",
        {
            "issue": issue,
            "readers": readers,
            "read": sum(1 for r in delivered if r.read_at),
            "delivered": len(delivered),
        },
    )


# ---- reading (传阅) -----------------------------------------------------------------------------------


@business_required
def reading_list(request: AuthedRequest) -> HttpResponse:
    lines = (
        selectors.reading_lines(request.user)
        .select_related("issue__publication__unit", "unit", "user")
        .order_by("-delivered_at", "-id")
    )
    unread = request.GET.get("unread") == "1"
    if unread:
        lines = lines.filter(read_at__isnull=True)
    page = Paginator(lines, 30).get_page(request.GET.get("page"))
    return render(request, "editorial/reading_list.html", {"page": page, "unread": unread})


@business_required
def reading_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    if issue.status in {IssueStatus.EDITING, IssueStatus.PENDING_SIGNATURE} and not selectors.is_desk(
        request.user, issue
    ):
        raise Http404
    services.issue_mark_read(issue=issue, user=request.user)
    items = selectors.issue_items(issue)
    return render(
        request,
        "editorial/reading_detail.html",
        {
            "issue": issue,
            "items": items,
            "doc": selectors.issue_document(issue, items),
            "is_desk": selectors.is_desk(request.user, issue),
        },
    )


# ---- the 审核表 of one item ----------------------------------------------------------------------------


@business_required
def review_sheet_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    return _review_sheet(request, pk, "pdf")


@business_required
def review_sheet_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    return _review_sheet(request, pk, "docx")


def _review_sheet(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    report = report_for(request.user, pk)
    with transaction.atomic():
        record(
            reports_wf.REVIEW_SHEET,
            by=request.user,
            unit_id=report.source_unit_id,
            object_type="report",
            object_id=report.pk,
            details={"format": fmt},
        )
    sheet = selectors.review_sheet(report)
    name = f"政务信息报送审核表-{report.pk}-{dt.date.today():%Y%m%d}.{fmt}"
    if fmt == "docx":
        return _download(render_review_sheet_docx(sheet), name, documents.CONTENT_TYPES["docx"])
    return _download(
        render_pdf.render_review_sheet_pdf(sheet), name, documents.CONTENT_TYPES["pdf"], inline=True
    )
