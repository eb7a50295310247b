"""The signed issue: at 签发 its documents are fixed and signed with the issuing unit's SM2 key (see
``baosong.signing``); from then on every download — the desk's, the readers', the API's, the portal's —
serves those same bytes, in every format the renderers offer.

Rendering takes about a second a page, so 签发 queues the fixing in a task after commit; a download that
comes first fixes that format itself (the signing service makes each format once, whoever asks first).
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from baosong.editorial import documents, selectors
from baosong.editorial.models import Issue, IssueStatus
from baosong.orgs.models import User
from baosong.signing import services as signing
from baosong.signing.models import SignedDocument

FIXED_STATES = {IssueStatus.SIGNED, IssueStatus.DISTRIBUTED, IssueStatus.PUBLISHED}


def is_fixed(issue: Issue) -> bool:
    """Signed and not withdrawn: the issue's documents are the signed ones (a withdrawn issue renders anew,
    marked as withdrawn; its signed files still verify, and the check says it was withdrawn)."""
    return issue.status in FIXED_STATES and issue.number is not None


def issue_title(issue: Issue) -> str:
    return f"《{issue.publication.name}》{issue.year}年{issue.number_text}"


def issue_fixed(issue: Issue, fmt: str, *, by: User | None = None) -> SignedDocument:
    return signing.document_fix(
        kind=SignedDocument.Kind.ISSUE,
        object_id=issue.pk,
        fmt=fmt,
        unit=issue.publication.unit,
        title=issue_title(issue),
        number_text=f"{issue.year}年{issue.number_text}",
        render=lambda: documents.issue_file(selectors.issue_document(issue), fmt),
        by=by,
    )


def issue_file(issue: Issue, fmt: str, *, by: User | None = None) -> bytes:
    """The issue's file as downloaded: the fixed, signed bytes once it is signed, else rendered now."""
    if is_fixed(issue):
        return signing.document_bytes(issue_fixed(issue, fmt, by=by))
    return documents.issue_file(selectors.issue_document(issue), fmt)


@task()
def issue_sign_documents(*, issue_id: int) -> int:
    issue = Issue.objects.select_related("publication__unit").filter(pk=issue_id).first()
    if issue is None or not is_fixed(issue):
        return 0
    for fmt in documents.RENDERERS:
        issue_fixed(issue, fmt)
    return len(documents.RENDERERS)


def queue_after_commit(issue: Issue) -> None:
    issue_id = issue.pk
    transaction.on_commit(lambda: issue_sign_documents.enqueue(issue_id=issue_id))
