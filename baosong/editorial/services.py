"""The only writers of publications, templates, issues, their items and distribution. Keyword-only,
typed, atomic, audited. Issue status changes go through ``workflow.issue_transition``."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from baosong.core.audit import audit_record
from baosong.core.errors import Forbidden, ServiceError
from baosong.core.events import event_emit
from baosong.core.params import MAX_COUNT
from baosong.editorial import release, selectors
from baosong.editorial.models import (
    Issue,
    IssueItem,
    IssueItemSource,
    IssueRecipient,
    IssueStatus,
    IssueTemplate,
    Publication,
    PublicationKind,
    PublicationRecipient,
    RecipientGroup,
)  # fmt: skip
from baosong.editorial.workflow import issue_transition
from baosong.orgs.models import Membership, ReviewStep, Role, Unit, User
from baosong.orgs.selectors import admin_scope_units, chain_for, roles_in_unit
from baosong.reports import services as report_services
from baosong.reports.models import Submission, SubmissionStatus, Usage
from baosong.reports.wordimport import clean_text
from baosong.signing import services as signing_services

HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
TEMPLATE_FIELDS = {
    "name", "variant", "masthead_text", "masthead_color", "masthead_font", "masthead_size_pt", "title_font",
    "heading_font", "body_font", "kai_font", "show_closing_block",
}  # fmt: skip


# ---- templates (模板管理) and publications: the system administrator --------------------------------


def _require_sysadmin(by: User) -> None:
    if not Membership.objects.filter(user=by, role=Role.SYSADMIN).exists():
        raise Forbidden("只有系统管理员可以管理刊物和模板。")


def template_save(*, by: User, template: IssueTemplate | None = None, **fields: Any) -> IssueTemplate:
    _require_sysadmin(by)
    clean = {k: v for k, v in fields.items() if k in TEMPLATE_FIELDS}
    if "name" in clean:
        clean["name"] = (clean["name"] or "").strip()
        if not clean["name"]:
            raise ServiceError("请填写模板名称。", "name_required")
    if "masthead_color" in clean and not HEX_COLOR.match(clean["masthead_color"] or ""):
        raise ServiceError("版头颜色应为 #RRGGBB 形式，如 #C00000。", "invalid_color")
    if "masthead_size_pt" in clean:
        try:
            size = float(clean["masthead_size_pt"])
        except (TypeError, ValueError):
            size = 0
        if not 12 <= size <= 72:
            raise ServiceError("版头字号应在 12 至 72 磅之间。", "invalid_size")
    if "variant" in clean and clean["variant"] not in IssueTemplate.Variant.values:
        raise ServiceError("版式无效。", "invalid_variant")
    with transaction.atomic():
        created = template is None
        template = template or IssueTemplate()
        for k, v in clean.items():
            setattr(template, k, v)
        template.updated_at = timezone.now()
        try:
            with transaction.atomic():
                template.save()
        except IntegrityError as exc:
            raise ServiceError("已有同名模板。", "duplicate_name", status=409) from exc
        audit_record(
            "template.create" if created else "template.update",
            user=by,
            object_type="issue_template",
            object_id=template.pk,
            details={"fields": sorted(clean)},
        )
    return template


def resolve_recipient_lines(text: str) -> list[tuple[Unit | None, User | None, str]]:
    """One recipient per line (or separated by ，、;): a unit code or name, a leader's name or account
    in the system, else kept as a name outside the system (printed, delivered on paper)."""
    names = [n.strip() for n in re.split(r"[\n，,、；;]+", text or "") if n.strip()]
    out: list[tuple[Unit | None, User | None, str]] = []
    for name in dict.fromkeys(names):
        name = name[:100]
        unit = Unit.objects.filter(Q(code=name) | Q(name=name) | Q(short_name=name), is_active=True).first()
        if unit is not None:
            out.append((unit, None, unit.name))
            continue
        leader = User.objects.filter(
            Q(username=name) | Q(full_name=name), memberships__role=Role.LEADER, is_active=True
        ).first()
        if leader is not None:
            out.append((None, leader, leader.full_name))
            continue
        out.append((None, None, name))
    return out


def _check_columns(columns: Any) -> list[str]:
    if isinstance(columns, str):
        columns = re.split(r"[\n，,、；;]+", columns)
    return [str(c).strip()[:30] for c in (columns or []) if str(c).strip()][:20]


def publication_save(
    *,
    by: User,
    publication: Publication | None = None,
    unit: Unit,
    name: str,
    kind: str = PublicationKind.REGULAR,
    columns: Any = None,
    print_count: int = 0,
    signer_role: str = Role.CHIEF,
    template: IssueTemplate | None = None,
    supplement_template: IssueTemplate | None = None,
    marking: str = "内部资料",
    total_base: int = 0,
    base_year: int | None = None,
    base_number: int = 0,
    is_active: bool = True,
    recipients: dict[str, str] | None = None,
) -> Publication:
    _require_sysadmin(by)
    if not admin_scope_units(by).filter(pk=unit.pk).exists():
        raise Forbidden("该单位不在您的管理范围内。")
    name = (name or "").strip().strip("《》")
    if not name:
        raise ServiceError("请填写刊物名称。", "name_required")
    if kind not in PublicationKind.values:
        raise ServiceError("刊物类型无效。", "invalid_kind")
    if signer_role not in {Role.CHIEF, Role.LEADER}:
        raise ServiceError("签发角色只能是主编或领导。", "invalid_signer_role")
    if min(print_count, total_base, base_number) < 0 or max(print_count, total_base, base_number) > MAX_COUNT:
        raise ServiceError("期数和印数应为不小于 0 的整数。", "invalid_number")
    with transaction.atomic():
        created = publication is None
        pub = publication or Publication()
        pub.unit, pub.name, pub.kind, pub.columns = unit, name, kind, _check_columns(columns)
        pub.print_count, pub.signer_role, pub.marking = print_count, signer_role, (marking or "").strip()[:20]
        pub.template, pub.supplement_template = template, supplement_template
        pub.total_base, pub.base_year, pub.base_number, pub.is_active = (
            total_base,
            base_year,
            base_number,
            is_active,
        )
        try:
            with transaction.atomic():
                pub.save()
        except IntegrityError as exc:
            raise ServiceError("本单位已有同名刊物。", "duplicate_name", status=409) from exc
        if recipients is not None:
            pub.recipients.all().delete()
            for group in RecipientGroup.values:
                for i, (r_unit, r_user, r_name) in enumerate(
                    resolve_recipient_lines(recipients.get(group, ""))
                ):
                    PublicationRecipient.objects.create(
                        publication=pub, group=group, unit=r_unit, user=r_user, name=r_name, position=i
                    )
        audit_record(
            "publication.create" if created else "publication.update",
            user=by,
            unit_id=unit.pk,
            object_type="publication",
            object_id=pub.pk,
            details={"name": name, "kind": kind},
        )
    return pub


# ---- composing an issue ----------------------------------------------------------------------------


def _require_editor(issue_or_pub: Issue | Publication, by: User) -> None:
    pub = issue_or_pub.publication if isinstance(issue_or_pub, Issue) else issue_or_pub
    if Role.EDITOR not in roles_in_unit(by, pub.unit):
        raise Forbidden("只有刊物所属单位的采编人员可以编辑刊物。")


def _locked_editing(issue: Issue, by: User) -> Issue:
    issue = Issue.objects.select_for_update(of=("self",)).select_related("publication__unit").get(pk=issue.pk)
    _require_editor(issue, by)
    if issue.status != IssueStatus.EDITING:
        raise ServiceError("本期已送签或签发，不能再修改；如需修改请先撤回送签。", "not_editable", status=409)
    return issue


def issue_create(
    *, by: User, publication: Publication, is_supplement: bool = False, headline: str = ""
) -> Issue:
    _require_editor(publication, by)
    if not publication.is_active:
        raise ServiceError("该刊物已停用。", "publication_inactive")
    with transaction.atomic():
        issue = Issue.objects.create(
            publication=publication,
            is_supplement=is_supplement or publication.kind == PublicationKind.SUPPLEMENT,
            headline=(headline or "").strip()[:100],
            marking=publication.marking,
            print_count=publication.print_count,
            columns=list(publication.columns or []),
            created_by=by,
        )
        for r in publication.recipients.all():
            IssueRecipient.objects.create(
                issue=issue,
                group=r.group,
                unit_id=r.unit_id,
                user_id=r.user_id,
                name=r.name,
                position=r.position,
            )
        audit_record(
            "issue.create",
            user=by,
            unit_id=publication.unit_id,
            object_type="issue",
            object_id=issue.pk,
            details={"publication": publication.name},
        )
    return issue


def issue_update(
    *,
    issue: Issue,
    by: User,
    headline: str | None = None,
    marking: str | None = None,
    print_count: int | None = None,
    columns: Any = None,
    recipients: dict[str, str] | None = None,
) -> Issue:
    with transaction.atomic():
        issue = _locked_editing(issue, by)
        changed = []
        if headline is not None:
            issue.headline = headline.strip()[:100]
            changed.append("headline")
        if marking is not None:
            issue.marking = marking.strip()[:20]
            changed.append("marking")
        if print_count is not None:
            if not 0 <= print_count <= MAX_COUNT:
                raise ServiceError("印数应为不小于 0 的整数。", "invalid_number")
            issue.print_count = print_count
            changed.append("print_count")
        if columns is not None:
            issue.columns = _check_columns(columns)
            changed.append("columns")
        issue.updated_at = timezone.now()
        issue.save()
        if recipients is not None:
            issue.recipients.all().delete()
            for group in RecipientGroup.values:
                for i, (r_unit, r_user, r_name) in enumerate(
                    resolve_recipient_lines(recipients.get(group, ""))
                ):
                    IssueRecipient.objects.create(
                        issue=issue, group=group, unit=r_unit, user=r_user, name=r_name, position=i
                    )
            changed.append("recipients")
        audit_record(
            "issue.update",
            user=by,
            unit_id=issue.publication.unit_id,
            object_type="issue",
            object_id=issue.pk,
            details={"fields": changed},
        )
    return issue


def _next_position(issue: Issue) -> int:
    return (issue.items.aggregate(m=Max("position"))["m"] or 0) + 1


def _candidate(issue: Issue, submission_id: int, by: User) -> Submission:
    sub = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("report__source_unit")
        .filter(pk=submission_id, target_unit_id=issue.publication.unit_id, is_active=True)
        .first()
    )
    if sub is None:
        raise ServiceError("只能编入本单位收到的信息。", "not_a_candidate", status=404)
    if IssueItemSource.objects.filter(submission=sub, active=True).exists():
        raise ServiceError(f"“{sub.title}”已编入其他一期刊物。", "already_in_issue", status=409)
    if sub.status in {SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED}:
        # 采用 straight into the issue: the adoption and the composition happen together.
        sub = report_services.submission_adopt(submission=sub, by=by, usage=Usage.ISSUE, issue_id=issue.pk)
    elif sub.status != SubmissionStatus.ADOPTED:
        raise ServiceError(f"“{sub.title}”未被采用，不能编入刊物。", "not_adopted", status=409)
    return sub


def issue_item_add(
    *,
    issue: Issue,
    by: User,
    submission_ids: list[int],
    column: str = "",
    kind: str = IssueItem.Kind.ARTICLE,
) -> list[IssueItem]:
    """One item per submission, appended in the order they were received (``selectors.in_received_order``:
    the page and the API compose the same issue from the same choice). Received or claimed submissions are
    adopted here."""
    if not submission_ids:
        raise ServiceError("请选择要编入的信息。", "nothing_selected")
    if kind not in IssueItem.Kind.values:
        raise ServiceError("条目类型无效。", "invalid_kind")
    with transaction.atomic():
        issue = _locked_editing(issue, by)
        position = _next_position(issue)
        items = []
        ordered = selectors.in_received_order(submission_ids)
        for offset, sid in enumerate(ordered):
            sub = _candidate(issue, sid, by)
            item = IssueItem.objects.create(
                issue=issue,
                kind=kind,
                column=(column or "").strip()[:30],
                position=position + offset,
                title=sub.title,
                body=sub.body,
            )
            try:
                with transaction.atomic():
                    IssueItemSource.objects.create(item=item, submission=sub)
            except IntegrityError as exc:
                raise ServiceError(
                    f"“{sub.title}”已编入其他一期刊物。", "already_in_issue", status=409
                ) from exc
            items.append(item)
        audit_record(
            "issue.item_add",
            user=by,
            unit_id=issue.publication.unit_id,
            object_type="issue",
            object_id=issue.pk,
            details={"submissions": ordered, "items": [i.pk for i in items]},
        )
    return items


def _item_locked(item: IssueItem, by: User) -> tuple[Issue, IssueItem]:
    issue = _locked_editing(item.issue, by)
    item = IssueItem.objects.select_for_update().filter(pk=item.pk, issue=issue).first()  # type: ignore[assignment]
    if item is None:
        raise ServiceError("条目不存在。", "not_found", status=404)
    return issue, item


def issue_item_edit(
    *,
    item: IssueItem,
    by: User,
    title: str | None = None,
    body: str | None = None,
    editor_note: str | None = None,
    column: str | None = None,
    kind: str | None = None,
) -> IssueItem:
    """Every change of title or body becomes a revision of each source's working copy (修改痕迹)."""
    with transaction.atomic():
        issue, item = _item_locked(item, by)
        new_title = item.title if title is None else title.strip()
        new_body = item.body if body is None else clean_text(body)
        if not new_title:
            raise ServiceError("标题不能为空。", "title_required")
        if len(new_title) > 200:
            raise ServiceError("标题不能超过 200 字。", "title_too_long")
        if kind is not None and kind not in IssueItem.Kind.values:
            raise ServiceError("条目类型无效。", "invalid_kind")
        text_changed = (new_title, new_body) != (item.title, item.body)
        item.title, item.body = new_title, new_body
        if editor_note is not None:
            item.editor_note = clean_text(editor_note)
        if column is not None:
            item.column = column.strip()[:30]
        if kind is not None:
            item.kind = kind
        item.updated_at = timezone.now()
        item.save()
        if text_changed:
            for source in item.sources.select_related("submission"):
                report_services.submission_edit(
                    submission=source.submission, by=by, title=new_title, body=new_body
                )
        audit_record(
            "issue.item_edit",
            user=by,
            unit_id=issue.publication.unit_id,
            object_type="issue_item",
            object_id=item.pk,
            details={"text_changed": text_changed},
        )
    return item


def issue_items_reorder(
    *, issue: Issue, by: User, item_ids: list[int], columns: dict[int, str] | None = None
) -> None:
    """Drag and drop (or keyboard moves) send the whole new order; columns may change with it."""
    with transaction.atomic():
        issue = _locked_editing(issue, by)
        items = {i.pk: i for i in issue.items.all()}
        if sorted(item_ids) != sorted(items):
            raise ServiceError("条目顺序与本期内容不一致，请刷新后重试。", "stale_order", status=409)
        for position, pk in enumerate(item_ids, start=1):
            item = items[pk]
            item.position = position
            if columns and pk in columns:
                item.column = (columns[pk] or "").strip()[:30]
        IssueItem.objects.bulk_update(items.values(), ["position", "column"])
        audit_record(
            "issue.reorder",
            user=by,
            unit_id=issue.publication.unit_id,
            object_type="issue",
            object_id=issue.pk,
            details={"order": item_ids},
        )


def issue_item_move(*, item: IssueItem, by: User, offset: int) -> None:
    order = list(item.issue.items.values_list("pk", flat=True))
    i = order.index(item.pk)
    j = max(0, min(len(order) - 1, i + offset))
    order.insert(j, order.pop(i))
    issue_items_reorder(issue=item.issue, by=by, item_ids=order)


def issue_item_remove(*, item: IssueItem, by: User) -> None:
    """Out of this issue; its submissions stay adopted and return to the candidates."""
    with transaction.atomic():
        issue, item = _item_locked(item, by)
        subs = list(item.sources.values_list("submission_id", flat=True))
        item.delete()
        audit_record(
            "issue.item_remove",
            user=by,
            unit_id=issue.publication.unit_id,
            object_type="issue",
            object_id=issue.pk,
            details={"submissions": subs},
        )


def issue_items_merge(*, issue: Issue, by: User, item_ids: list[int], title: str = "") -> IssueItem:
    """综合: several items become one that credits every source."""
    ids = list(dict.fromkeys(item_ids))
    if len(ids) < 2:
        raise ServiceError("请至少选择两条信息进行综合。", "merge_needs_two")
    with transaction.atomic():
        issue = _locked_editing(issue, by)
        items = list(issue.items.filter(pk__in=ids).order_by("position", "id"))
        if len(items) != len(ids):
            raise ServiceError("所选条目不属于本期。", "not_found", status=404)
        keep, rest = items[0], items[1:]
        keep.title = (title or "").strip()[:200] or keep.title
        keep.body = "\n".join(i.body for i in items if i.body)
        keep.editor_note = "\n".join(i.editor_note for i in items if i.editor_note)
        keep.updated_at = timezone.now()
        keep.save()
        position = (keep.sources.aggregate(m=Max("position"))["m"] or 0) + 1
        for other in rest:
            for source in other.sources.all():
                source.item, source.position = keep, position
                source.save(update_fields=["item", "position"])
                position += 1
            other.delete()
        for source in keep.sources.select_related("submission"):
            report_services.submission_edit(
                submission=source.submission, by=by, title=keep.title, body=keep.body
            )
        audit_record(
            "issue.merge",
            user=by,
            unit_id=issue.publication.unit_id,
            object_type="issue_item",
            object_id=keep.pk,
            details={"merged": ids},
        )
    return keep


# ---- sign-off and release ----------------------------------------------------------------------------


def issue_submit(*, issue: Issue, by: User) -> Issue:
    def change(i: Issue) -> None:
        if not i.items.exists():
            raise ServiceError("本期还没有任何信息，不能送签。", "empty_issue")
        i.submitted_at, i.return_comment = timezone.now(), ""

    return issue_transition(issue, "submit", by, change)


def issue_recall(*, issue: Issue, by: User) -> Issue:
    return issue_transition(issue, "recall", by)


def issue_return(*, issue: Issue, by: User, comment: str) -> Issue:
    if not (comment or "").strip():
        raise ServiceError("退回时请填写修改意见。", "comment_required")

    def change(i: Issue) -> None:
        i.return_comment = comment.strip()

    return issue_transition(issue, "return", by, change, {"comment": comment.strip()})


def issue_sign(*, issue: Issue, by: User) -> Issue:
    """签发: the number is assigned here, under a lock on the publication row, so two issues signed at
    the same instant never share a number (the unique constraints are the last line of defence)."""

    def change(i: Issue) -> dict[str, Any]:
        if not i.items.exists():
            raise ServiceError("本期还没有任何信息，不能签发。", "empty_issue")
        pub = Publication.objects.select_for_update().get(pk=i.publication_id)
        now = timezone.now()
        year = timezone.localdate(now).year
        numbered = Issue.objects.filter(
            publication=pub, is_supplement=i.is_supplement, number__isnull=False
        ).exclude(pk=i.pk)
        last = numbered.filter(year=year).aggregate(m=Max("number"))["m"]
        if last is None:
            last = pub.base_number if (pub.base_year == year and not i.is_supplement) else 0
        last_total = numbered.aggregate(m=Max("total_number"))["m"]
        if last_total is None:
            last_total = 0 if i.is_supplement else pub.total_base
        i.year, i.number, i.total_number = year, last + 1, last_total + 1
        i.signed_by, i.signed_at = by, now
        sources = IssueItemSource.objects.filter(item__issue=i, active=True)
        sources.update(credited_at=now)
        release.queue_after_commit(i)  # fix and sign the documents (see editorial.release)
        return {
            "number": i.number,
            "total_number": i.total_number,
            "year": year,
            "is_supplement": i.is_supplement,
            "submissions": list(sources.order_by("pk").values_list("submission_id", flat=True)),
        }

    try:
        return issue_transition(issue, "sign", by, change)
    except IntegrityError as exc:  # pragma: no cover — the publication lock makes this unreachable
        raise ServiceError("期号冲突，请重试签发。", "number_conflict", status=409) from exc


def issue_distribute(*, issue: Issue, by: User) -> Issue:
    def change(i: Issue) -> dict[str, Any]:
        now = timezone.now()
        i.distributed_at = now
        recipients = i.recipients.filter(Q(unit__isnull=False) | Q(user__isnull=False))
        recipients.update(delivered_at=now)
        return {"recipients": list(recipients.values_list("pk", flat=True))}

    return issue_transition(issue, "distribute", by, change)


def portal_chain_configured(unit_id: int, issue: Issue | None = None) -> bool:
    """Whether the unit puts content on the portal through a 上网发布审核 chain (configured in orgs): for
    ``issue``, whether any step applies to it (a step only for 负面/重大 or 敏感 items applies when one of
    its items is marked); without, whether the unit has unconditional steps."""
    if issue is not None:
        marks = selectors.issue_marks(issue.pk)
        chain = chain_for(
            unit_id, ReviewStep.Chain.PORTAL, sensitive=marks["sensitive"], negative=marks["negative"]
        )
        return bool(chain)
    return bool(chain_for(unit_id, ReviewStep.Chain.PORTAL))  # no marks: the unconditional steps


def issue_publish(*, issue: Issue, by: User, portal_release_id: int | None = None) -> Issue:
    """公开发布. A unit with a 上网发布审核 chain publishes only through it: the portal app calls this with
    the approved release's id once the chain's last step has approved; a direct call is refused."""
    if portal_release_id is None and portal_chain_configured(issue.publication.unit_id, issue):
        raise ServiceError(
            "本单位已设置上网发布审核流程：请提交上网发布审核，审核通过后自动公开发布。",
            "portal_review_required",
            status=409,
        )

    def change(i: Issue) -> dict[str, Any]:
        i.published_at = timezone.now()
        public = i.items.filter(sources__submission__report__public_scope="public").distinct().count()
        return {"public_items": public}

    details = {"portal_release_id": portal_release_id} if portal_release_id else None
    return issue_transition(
        issue, "publish", by, change, details=details, chain_approved=portal_release_id is not None
    )


def issue_withdraw(*, issue: Issue, by: User, reason: str) -> Issue:
    """A withdrawn issue keeps its number; the adoptions it made final are reversed (scoring follows)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("撤回时请填写原因。", "reason_required")

    def change(i: Issue) -> dict[str, Any]:
        i.withdrawn_at, i.withdraw_reason = timezone.now(), reason
        sources = list(
            IssueItemSource.objects.filter(item__issue=i, active=True).select_related("submission")
        )
        revoked = []
        for source in sources:
            # An adoption made for this issue is reversed; one made as 专报/综合 before it was printed stands.
            if (
                source.submission.status == SubmissionStatus.ADOPTED
                and source.submission.usage == Usage.ISSUE
            ):
                report_services.submission_adoption_revoke(
                    submission=source.submission, by=by, reason=f"{i.label}已撤回：{reason}"
                )
                revoked.append(source.submission_id)
        IssueItemSource.objects.filter(pk__in=[s.pk for s in sources]).update(active=False)
        credited = [s.submission_id for s in sources if s.credited_at is not None]
        signing_services.documents_revoke(kind="issue", object_id=i.pk, reason=reason)
        return {"reason": reason, "submissions": credited, "revoked": revoked}

    return issue_transition(issue, "withdraw", by, change)


# ---- reading (传阅) -----------------------------------------------------------------------------------


def recipients_of_user(issue: Issue, user: User) -> list[IssueRecipient]:
    """The distribution lines this user reads for: their own (a named leader) or their unit's."""
    units = Membership.objects.filter(
        user=user, role__in=[Role.EDITOR, Role.CHIEF, Role.LEADER, Role.REPORTER, Role.REVIEWER]
    ).values("unit_id")
    return list(
        issue.recipients.filter(Q(user=user) | Q(unit_id__in=units), delivered_at__isnull=False).order_by(
            "pk"
        )
    )


def issue_mark_read(*, issue: Issue, user: User) -> int:
    """Record the first opening (已阅) of each line the user reads for; later openings change nothing."""
    with transaction.atomic():
        lines = recipients_of_user(issue, user)
        now = timezone.now()
        first = IssueRecipient.objects.filter(pk__in=[r.pk for r in lines], read_at__isnull=True).update(
            read_at=now, read_by=user
        )
        if first:
            audit_record(
                "issue.read",
                user=user,
                unit_id=issue.publication.unit_id,
                object_type="issue",
                object_id=issue.pk,
                details={"lines": first},
            )
    return first


def issue_remind(*, issue: Issue, by: User) -> int:
    """Remind everyone who has not read a distributed issue yet (notifications tell them)."""
    _require_editor(issue, by)
    if issue.status not in {IssueStatus.DISTRIBUTED, IssueStatus.PUBLISHED}:
        raise ServiceError("本期尚未分发，不能催阅。", "not_distributed", status=409)
    with transaction.atomic():
        unread = list(
            issue.recipients.filter(delivered_at__isnull=False, read_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if not unread:
            return 0
        IssueRecipient.objects.filter(pk__in=unread).update(reminded_at=timezone.now())
        audit_record(
            "issue.remind",
            user=by,
            unit_id=issue.publication.unit_id,
            object_type="issue",
            object_id=issue.pk,
            details={"recipients": unread},
        )
        event_emit(
            "issue.remind",
            object_type="issue",
            object_id=issue.pk,
            unit_id=issue.publication.unit_id,
            payload={"recipients": unread, "by": by.pk},
        )
    return len(unread)
